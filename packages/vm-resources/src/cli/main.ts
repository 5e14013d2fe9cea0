/**
 * The `alloc-plan` command, as a function: parse arguments, read and validate
 * the VM description, plan it, print. Returns the exit code (0 ok, 2 bad input
 * or usage, 1 unexpected failure) and never lets a stack trace out.
 * Only node builtins are used.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { isAllocError } from "@alloc/constraint";
import { parseVmDescription } from "../description.js";
import { EXAMPLE_MICROVM } from "../example.js";
import { formatPlan, planToJSON, planVm } from "../plan.js";
import { renderSvg } from "../svg.js";

/** Usage text of `alloc-plan`. */
export const USAGE: string = `Usage: alloc-plan [FILE] [--json] [--svg OUT.svg]

Lays out a VM's guest RAM and devices with @alloc/vm-resources and prints a
table per device and an address map.

  FILE          VM description (JSON). Without it, plans the built-in example
                microVM (x86_64, serial, RTC, virtio-mmio block/net/vsock, PCI).
  --json        print machine-readable JSON instead of text
  --svg OUT     also write the address map as an SVG picture to OUT
  --example     print the built-in example description (JSON) and exit
  -h, --help    show this help

Exit codes: 0 planned, 2 bad description or usage, 1 unexpected failure.
`;

/** Where the command writes. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
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
  let file: string | undefined;
  let json = false;
  let svg: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "-h" || a === "--help") {
      io.out(USAGE);
      return 0;
    } else if (a === "--example") {
      io.out(`${JSON.stringify(EXAMPLE_MICROVM, null, 2)}\n`);
      return 0;
    } else if (a === "--json") {
      json = true;
    } else if (a === "--svg") {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) {
        io.err("alloc-plan: error: --svg needs a file name\n");
        return 2;
      }
      svg = next;
      i++;
    } else if (a.startsWith("-") && a !== "-") {
      io.err(`alloc-plan: error: unknown option ${a} (see --help)\n`);
      return 2;
    } else if (file === undefined) {
      file = a;
    } else {
      io.err(`alloc-plan: error: more than one description file (${file}, ${a})\n`);
      return 2;
    }
  }
  try {
    let input: unknown = EXAMPLE_MICROVM;
    if (file !== undefined) {
      let text: string;
      try {
        text = readFileSync(file === "-" ? 0 : file, "utf8");
      } catch (e) {
        io.err(`alloc-plan: error: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
        return 2;
      }
      try {
        input = JSON.parse(text);
      } catch (e) {
        io.err(`alloc-plan: error at $: not valid JSON: ${(e as Error).message}\n`);
        return 2;
      }
    }
    const plan = planVm(parseVmDescription(input));
    if (svg !== undefined) {
      try {
        writeFileSync(svg, renderSvg(plan));
      } catch (e) {
        io.err(`alloc-plan: error: cannot write ${svg}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
        return 2;
      }
    }
    io.out(json ? `${JSON.stringify(planToJSON(plan), null, 2)}\n` : formatPlan(plan));
    return 0;
  } catch (e) {
    if (isAllocError(e)) {
      const path = e.details.path ?? "$";
      const msg = e.message.startsWith(`${path}: `) ? e.message.slice(path.length + 2) : e.message;
      io.err(`alloc-plan: error at ${path}: ${msg.replace(/\s+/g, " ")}\n`);
      return 2;
    }
    io.err(`alloc-plan: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
