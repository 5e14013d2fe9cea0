import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// One vitest config for every package. Workspace packages resolve to their
// TypeScript sources (the `@alloc/source` export condition), so tests never
// need a prior build. Reporters stay at their defaults; CI adds a JSON
// reporter on the command line (see each package's `test:ci` script).
const conditions = ["@alloc/source", ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ["test/**/*.test.ts"],
    // Correctness tests, not timed ones (speed is proven by `pnpm bench`): on a
    // loaded 2-core CI machine a workload replay can take far over vitest's 5 s.
    testTimeout: 120_000,
  },
});
