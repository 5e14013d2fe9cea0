import { fileURLToPath } from "node:url";
import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

// `@alloc/core`'s own suite against the mutant of scripts/mutants.ts named by
// `ALLOC_MUTANT` (test-only; the suite must fail), run from packages/core:
//   ALLOC_MUTANT=skip-merge-next npx vitest run --config ../testing/vitest.mutants.config.ts --bail 1
const setup = fileURLToPath(new URL("./scripts/mutant-setup.ts", import.meta.url));

export default mergeConfig(shared, defineConfig({ test: { setupFiles: [setup] } }));
