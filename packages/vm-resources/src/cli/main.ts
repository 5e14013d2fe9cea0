/**
 * The `alloc-plan` command, as a function: parse arguments, read and validate
 * the VM description, plan it, print. Returns the exit code and never lets a
 * stack trace out; every message is one line, with user text escaped and
 * shortened. Only node builtins are used.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { isAllocError } from "@alloc/constraint";
import { parseVmDescription } from "../description.js";
import { EXAMPLE_MICROVM } from "../example.js";
import { formatPlan, planToJSON, planVm } from "../plan.js";
import { SVG_SCALES, renderSvg } from "../svg.js";
import type { SvgScale } from "../svg.js";
import { InputError, readJsonFile } from "./readInput.js";
import { quoteText, safeLine } from "@alloc/constraint";

/** Exit codes of `alloc-plan`. */
export const EXIT: { readonly ok: 0; readonly failure: 1; readonly usage: 2 } = { ok: 0, failure: 1, usage: 2 };

/** Usage text of `alloc-plan`. */
export const USAGE: string = `Usage: alloc-plan [FILE] [--json] [--svg=OUT.svg] [--scale=MODE]

Lays out a VM's guest RAM and devices with @alloc/vm-resources and prints a
table per device and an address map.

  FILE            VM description (JSON, UTF-8; "-" reads standard input).
                  Without it, plans the built-in example microVM (x86_64,
                  serial, RTC, virtio-mmio block/net/vsock, PCI devices).
  --json          print the plan as JSON (schema: schema/plan.schema.json)
  --svg=OUT       also write the address map as an SVG picture to OUT
  --scale=MODE    SVG box heights: uniform (default), linear, log, or auto
                  (log when sizes span orders of magnitude)
  --example       print the built-in example description (JSON) and exit
  -h, --help      show this help and exit
  -V, --version   print the version and exit

Exit codes: 0 planned; 1 cannot read the input or write the output;
2 bad usage or a description that cannot be planned.
Colour: never (output is plain text).
`;

/** Where the command writes. */
export interface CliIo {
  /** Standard output. */
  readonly out: (text: string) => void;
  /** Standard error. */
  readonly err: (text: string) => void;
}

const OPTIONS = {
  json: { type: "boolean" },
  svg: { type: "string" },
  scale: { type: "string" },
  example: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const;

/** The version of this package, as in its package.json. */
export function version(): string {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return manifest.version;
}

/** A one-line message for a `node:util` parseArgs error, naming the option without echoing raw input. */
function usageMessage(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const message = e instanceof Error ? e.message : String(e);
  const option = /'(?:-\w, )?(-[^' ]*)/.exec(message)?.[1];
  const name = option === undefined ? "option" : quoteText(option, 40);
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option ${name}`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    return message.includes("does not take an argument") ? `${name} takes no value` : `${name} needs a value, as in ${option ?? "--svg"}=VALUE`;
  }
  return safeLine(message, 120);
}

/**
 * Runs `alloc-plan` with `argv` (without the node and script paths).
 *
 * @example
 * ```ts
 * const code = runCli(["vm.json", "--json"], { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
 * ```
 */
export function runCli(argv: readonly string[], io: CliIo): number {
  const fail = (code: number, message: string): number => {
    io.err(`alloc-plan: error: ${message}\n`);
    return code;
  };
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    return fail(EXIT.usage, `${usageMessage(e)} (see --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.out(USAGE);
    return EXIT.ok;
  }
  if (values.version === true) {
    io.out(`${version()}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 1)
    return fail(EXIT.usage, `one description file at most; got ${positionals.length} (${positionals.map((p) => quoteText(p, 40)).join(", ")}) (see --help)`);
  if (values.example === true) {
    io.out(`${JSON.stringify(EXAMPLE_MICROVM, null, 2)}\n`);
    return EXIT.ok;
  }
  const scale = values.scale ?? "uniform";
  if (!(SVG_SCALES as readonly string[]).includes(scale))
    return fail(EXIT.usage, `--scale must be one of ${SVG_SCALES.join(", ")}; got ${quoteText(scale, 40)} (see --help)`);
  if (values.svg === "") return fail(EXIT.usage, "--svg needs a file name (see --help)");
  const file = positionals[0];
  try {
    const input = file === undefined ? EXAMPLE_MICROVM : readJsonFile(file);
    const plan = planVm(parseVmDescription(input));
    if (values.svg !== undefined) {
      try {
        writeFileSync(values.svg, renderSvg(plan, { scale: scale as SvgScale }));
      } catch (e) {
        return fail(EXIT.failure, `cannot write ${quoteText(values.svg)}: ${(e as NodeJS.ErrnoException).code ?? "write failed"}`);
      }
    }
    io.out(values.json === true ? `${JSON.stringify(planToJSON(plan), null, 2)}\n` : formatPlan(plan));
    return EXIT.ok;
  } catch (e) {
    if (e instanceof InputError) {
      if (e.unreadable) return fail(EXIT.failure, e.message);
      io.err(`alloc-plan: error at $: ${e.message}\n`);
      return EXIT.usage;
    }
    if (isAllocError(e)) {
      const path = e.details.path ?? "$";
      const msg = e.message.startsWith(`${path}: `) ? e.message.slice(path.length + 2) : e.message;
      io.err(`alloc-plan: error at ${safeLine(path, 120)}: ${safeLine(msg.replace(/\s+/g, " "), 400)}\n`);
      return EXIT.usage;
    }
    // Not reachable for any input file; kept so a bug still ends in one line, not a stack trace.
    return fail(EXIT.failure, `unexpected failure (please report): ${safeLine(e instanceof Error ? e.message : String(e), 200)}`);
  }
}
