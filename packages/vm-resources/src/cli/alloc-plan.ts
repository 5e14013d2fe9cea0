#!/usr/bin/env node
/**
 * `alloc-plan` entry point. Runs {@link runCli} with the process arguments.
 *
 * When started from TypeScript sources inside the workspace (`tsx
 * src/cli/alloc-plan.ts`) and the workspace packages are not built, it
 * restarts itself once with `--conditions=@alloc/source` so `@alloc/*` resolve
 * to their sources. Only node builtins are used here.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const SOURCE_CONDITION = "--conditions=@alloc/source";

async function main(): Promise<number> {
  let mod: typeof import("./main.js");
  try {
    mod = await import("./main.js");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const self = fileURLToPath(import.meta.url);
    if (code === "ERR_MODULE_NOT_FOUND" && self.endsWith(".ts") && !process.execArgv.includes(SOURCE_CONDITION)) {
      const r = spawnSync(process.execPath, [...process.execArgv, SOURCE_CONDITION, self, ...process.argv.slice(2)], { stdio: "inherit" });
      return r.status ?? 1;
    }
    process.stderr.write(`alloc-plan: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  return mod.runCli(process.argv.slice(2), { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
}

process.exitCode = await main();
