#!/usr/bin/env node
/**
 * `alloc-plan` entry point: runs {@link runCli} with the process arguments
 * and sets the exit code. A closed pipe on standard output (`alloc-plan | head`)
 * ends the command quietly.
 */
import { runCli } from "./main.js";

process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});
process.exitCode = runCli(process.argv.slice(2), { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
