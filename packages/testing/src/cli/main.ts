/**
 * The `alloc-fuzz` command, as a function: parse arguments, load the target
 * from the working directory, run the campaign, print the summary. Returns
 * the exit code (see {@link USAGE}) and never lets a stack trace out.
 */
import { readFileSync } from "node:fs";
import { USAGE, UsageError, parseFuzzArgs } from "./args.js";
import { fuzzManagerCampaign, fuzzTreeCampaign } from "./campaign.js";
import type { CampaignProgress, CampaignResult } from "./campaign.js";
import { TargetNotFoundError, loadManagerTarget, loadTreeTarget } from "./loadTarget.js";
import { safeLine } from "@alloc/constraint";

/** Where the command writes, and what kind of terminal it has. */
export interface FuzzIo {
  /** Standard output (results). */
  readonly out: (text: string) => void;
  /** Standard error (errors, progress). */
  readonly err: (text: string) => void;
  /** True when standard error is a terminal: progress is shown, colour allowed. */
  readonly tty: boolean;
  /** True when `NO_COLOR` is set (to anything but the empty string). */
  readonly noColor: boolean;
  /** Aborted when the user presses Ctrl-C. */
  readonly signal?: AbortSignal;
}

/** The version of this package, as in its package.json. */
export function version(): string {
  return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

function rate(p: CampaignProgress): number {
  return Math.round(p.ops / Math.max(p.seconds, 1e-9));
}

/**
 * Runs `alloc-fuzz` with `argv` (without the node and script paths).
 *
 * @example
 * ```ts
 * const code = await runFuzzCli(["--target=core", "--seconds=5"], { out: console.log, err: console.error, tty: false, noColor: true });
 * ```
 */
export async function runFuzzCli(argv: readonly string[], io: FuzzIo): Promise<number> {
  const paint = (code: string, text: string): string => (io.tty && !io.noColor ? `\u001b[${code}m${text}\u001b[0m` : text);
  let command;
  try {
    command = parseFuzzArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`alloc-fuzz: error: ${e.message} (see --help)\n`);
    return 2;
  }
  if (command.kind === "help") {
    io.out(USAGE);
    return 0;
  }
  if (command.kind === "version") {
    io.out(`${version()}\n`);
    return 0;
  }
  const { args } = command;
  let progress: ((p: CampaignProgress) => void) | undefined;
  if (io.tty) {
    let shown = 0;
    progress = (p) => {
      if (p.seconds - shown < 0.25) return;
      shown = p.seconds;
      io.err(`\r\u001b[2K  ${p.ops} operations, ${rate(p)} ops/s, ${p.seconds.toFixed(1)} s of ${args.seconds} s`);
    };
  }
  // perf: every refused call builds an AllocError on both sides; a deep stack
  // capture was a third of the CPU time (profile of --target core).
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 4;
  let target;
  try {
    target = args.target === "core" ? { tree: await loadTreeTarget() } : { manager: await loadManagerTarget() };
  } catch (e) {
    if (!(e instanceof TargetNotFoundError)) throw e;
    Error.stackTraceLimit = stackTraceLimit;
    io.err(`alloc-fuzz: error: ${safeLine(e.message, 300)}\n`);
    return 2;
  }
  io.out(`alloc-fuzz: target ${args.target}, ${args.seconds} s, seed ${args.seed} (a divergence prints the batch seed that replays it)\n`);
  let result: CampaignResult;
  try {
    const options = { ...args, ...(io.signal === undefined ? {} : { signal: io.signal }), ...(progress === undefined ? {} : { onProgress: progress }) };
    result = "tree" in target ? await fuzzTreeCampaign(target.tree, options) : await fuzzManagerCampaign(target.manager, options);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    if (progress !== undefined) io.err("\r\u001b[2K");
  }
  const summary = `${result.ops} operations in ${result.runs} runs, ${result.seconds.toFixed(1)} s, ${rate(result)} ops/s`;
  if (result.failure !== undefined) {
    io.out(
      `alloc-fuzz: ${summary}, ${paint("31", "1 divergence")} in profile ${result.failure.profile} (seed ${args.seed}, batch seed ${result.failure.batchSeed})\n`,
    );
    io.out(`${result.failure.message}\n`);
    return 1;
  }
  const stopped = result.interrupted ? ", interrupted" : "";
  io.out(`alloc-fuzz: ${summary}, ${paint("32", "0 divergences")}${stopped} (seed ${args.seed})\n`);
  return result.interrupted ? 130 : 0;
}
