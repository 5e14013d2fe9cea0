/**
 * The command line of `alloc-fuzz`, parsed with `node:util` `parseArgs`:
 * every value validated (a seed is a 32-bit unsigned integer), unknown options
 * and stray arguments refused with a one-line hint.
 */
import { parseArgs } from "node:util";
import { quoteText, safeLine } from "@alloc/constraint";

/** Usage text of `alloc-fuzz`. */
export const USAGE: string = `Usage: alloc-fuzz [--target=core|vm-resources] [--seconds=N] [--seed=S] [--batch=RUNS]

Fuzzes an @alloc allocator against deliberately naive models until the time
is up or something diverges, then prints operations, ops/s and the seed.

  --target=T      core (IntervalTree, default) or vm-resources (ResourceManager),
                  loaded from the current directory's node_modules
  --seconds=N     how long to run (default 10; fractions allowed)
  --seed=S        seed of the first batch, 0..4294967295 (default: random);
                  a divergence prints the batch seed that replays it first
  --batch=RUNS    generated sequences per batch (default 50)
  -h, --help      show this help and exit
  -V, --version   print the version and exit

Progress (operations, ops/s, elapsed) is shown on a terminal; Ctrl-C stops
the run after the current batch and prints the summary, seed included.
Colour only on a terminal, and never when NO_COLOR is set.

Exit codes: 0 no divergence; 1 a divergence (the minimized sequence is
printed); 2 bad usage or the target package cannot be loaded; 130 stopped
by Ctrl-C with no divergence.
`;

/** Parsed command line. */
export interface FuzzArgs {
  /** Which package is fuzzed. */
  readonly target: "core" | "vm-resources";
  /** Time budget in seconds. */
  readonly seconds: number;
  /** Seed of the first batch (32-bit unsigned). */
  readonly seed: number;
  /** Runs per batch (default 50). */
  readonly batch: number;
}

/** What the command line asks for: a run, or help or the version. */
export type FuzzCommand = { readonly kind: "run"; readonly args: FuzzArgs } | { readonly kind: "help" } | { readonly kind: "version" };

/** A command-line mistake; its message is one line, safe to print. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

const OPTIONS = {
  target: { type: "string" },
  seconds: { type: "string" },
  seed: { type: "string" },
  batch: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const;

function parseError(e: unknown): UsageError {
  const code = (e as { code?: string }).code;
  const message = e instanceof Error ? e.message : String(e);
  const option = /'(?:-\w, )?(-[^' ]*)/.exec(message)?.[1];
  const name = option === undefined ? "option" : quoteText(option, 40);
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return new UsageError(`unknown option ${name}`);
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    return new UsageError(
      message.includes("does not take an argument") ? `${name} takes no value` : `${name} needs a value, as in ${option ?? "--seed"}=VALUE`,
    );
  }
  return new UsageError(safeLine(message, 120));
}

function integer(text: string, flag: string, min: number, max: number): number {
  if (!/^[0-9]{1,10}$/.test(text) || Number(text) < min || Number(text) > max)
    throw new UsageError(`${flag} must be an integer in ${min}..${max}; got ${quoteText(text, 40)}`);
  return Number(text);
}

/**
 * Parses `argv` (without node and script). Throws {@link UsageError}.
 *
 * @example
 * ```ts
 * parseFuzzArgs(["--target=core", "--seconds", "5", "--seed=7"]);
 * // { kind: "run", args: { target: "core", seconds: 5, seed: 7, batch: 50 } }
 * ```
 */
export function parseFuzzArgs(argv: readonly string[], randomSeed: () => number = () => Math.floor(Math.random() * 2 ** 32)): FuzzCommand {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw parseError(e);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: "help" };
  if (values.version === true) return { kind: "version" };
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${quoteText(positionals[0] as string, 40)} (options are --name=value)`);
  const target = values.target ?? "core";
  if (target !== "core" && target !== "vm-resources") throw new UsageError(`--target must be core or vm-resources; got ${quoteText(target, 40)}`);
  const secondsText = values.seconds ?? "10";
  const seconds = /^[0-9]{1,9}(\.[0-9]{1,6})?$/.test(secondsText) ? Number(secondsText) : Number.NaN;
  if (!(seconds > 0)) throw new UsageError(`--seconds must be a positive number; got ${quoteText(secondsText, 40)}`);
  const seed = values.seed === undefined ? randomSeed() >>> 0 : integer(values.seed, "--seed", 0, 0xffff_ffff);
  const batch = values.batch === undefined ? 50 : integer(values.batch, "--batch", 1, 1_000_000);
  return { kind: "run", args: { target, seconds, seed, batch } };
}
