#!/usr/bin/env node
/**
 * `alloc-fuzz` entry point: runs {@link runFuzzCli} with the process
 * arguments, a terminal check on standard error, `NO_COLOR`, and Ctrl-C
 * wired to stop the campaign after its current batch (a second Ctrl-C ends
 * the process at once).
 */
import { runFuzzCli } from "./main.js";
import { safeLine } from "@alloc/constraint";

const stop = new AbortController();
process.on("SIGINT", () => {
  if (stop.signal.aborted) process.exit(130);
  stop.abort();
});
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
});
const io = {
  out: (s: string) => process.stdout.write(s),
  err: (s: string) => process.stderr.write(s),
  tty: process.stderr.isTTY === true,
  noColor: (process.env.NO_COLOR ?? "") !== "",
  signal: stop.signal,
};
runFuzzCli(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
    // The SIGINT listener must not keep the process alive.
    process.removeAllListeners("SIGINT");
  },
  (e: unknown) => {
    process.stderr.write(`alloc-fuzz: error: unexpected failure (please report): ${safeLine(e instanceof Error ? e.message : String(e), 300)}\n`);
    process.exitCode = 1;
  },
);
