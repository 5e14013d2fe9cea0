#!/usr/bin/env node
// `alloc-fuzz` launcher. A published package runs its built CLI; a workspace checkout
// that has not been built yet runs the TypeScript source through tsx, with the
// `@alloc/source` condition so sibling packages resolve to their sources too.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const built = new URL("../dist/cli/alloc-fuzz.js", import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const source = fileURLToPath(new URL("../src/cli/alloc-fuzz.ts", import.meta.url));
  const args = ["--import", import.meta.resolve("tsx"), "--conditions=@alloc/source", source, ...process.argv.slice(2)];
  const child = spawn(process.execPath, args, { stdio: "inherit" });
  // The terminal's Ctrl-C reaches the child too; let it print its summary and decide the exit code.
  process.on("SIGINT", () => {});
  child.on("exit", (code, signal) => {
    process.exitCode = code ?? (signal === "SIGINT" ? 130 : 1);
  });
}
