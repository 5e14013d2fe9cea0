import { fileURLToPath } from "node:url";
import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

// The suite again, with `fast-check` resolved to fast-check 3 (the lowest
// major of the peer range), for this package and the packages it loads.
const fc3 = fileURLToPath(new URL("./node_modules/fast-check-v3/lib/esm/fast-check.js", import.meta.url));

export default mergeConfig(shared, defineConfig({ resolve: { alias: [{ find: /^fast-check$/, replacement: fc3 }] }, test: { env: { ALLOC_FC_MAJOR: "3" } } }));
