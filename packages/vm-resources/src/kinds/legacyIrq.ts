/**
 * The `legacy-irq` kind: one legacy interrupt line (IOAPIC pin, SPI).
 *
 * Request `{ kind: "legacy-irq", irq?, shared? }`: a fixed line `irq`, any
 * line of the pool's window, or (`shared: true`) the layout's shared IRQ,
 * which lies outside the pool: it is never allocated exclusively, never runs
 * out, and cannot be moved or resized. Resource `{ kind, irq, shared }`.
 */
import { AllocError, Range } from "@alloc/constraint";
import type { Irq } from "../brands.js";
import type { LegacyIrqResource as IrqResource } from "../requests.js";
import { defineKind } from "./Kind.js";
import { PlacementCache } from "./memo.js";
import type { ResourceKind } from "./Kind.js";
import { bad, boolField, fit, intField, notResizable } from "./fields.js";

/** A checked `legacy-irq` request. */
export interface LegacyIrqPlan {
  readonly irq: number | undefined;
  readonly shared: boolean;
}

const U32_MAX = 0xffff_ffff;
const ANY = new PlacementCache();
// perf: the plans of requests without a line, shared once (bench "churn").
const ANY_LINE: LegacyIrqPlan = Object.freeze({ irq: undefined, shared: false });
const SHARED_LINE: LegacyIrqPlan = Object.freeze({ irq: undefined, shared: true });

function line(irq: number, shared: boolean): IrqResource {
  return Object.freeze({ kind: "legacy-irq", irq: irq as Irq, shared });
}

function sharedConflict(irq: bigint | number, argument: string): never {
  throw new AllocError("CONFLICT", `IRQ ${irq} is the shared IRQ; ask for it with shared: true`, {
    argument,
    conflictOwner: "<shared IRQ>",
    pool: "legacyIrq",
  });
}

/**
 * The legacy IRQ kind.
 *
 * @example
 * ```ts
 * rm.allocateDevice("serial0", [{ kind: "legacy-irq", irq: 4 }]);
 * rm.allocateDevice("virtio-console0", [{ kind: "legacy-irq", shared: true }]);
 * ```
 */
export const legacyIrq: ResourceKind<LegacyIrqPlan, IrqResource> = defineKind({
  name: "legacy-irq",
  pool: "legacyIrq",
  requestKeys: ["kind", "irq", "shared"],
  resourceKeys: ["kind", "irq", "shared"],
  parse([, irqIn, sharedIn]) {
    const irq = intField(irqIn, "irq", U32_MAX);
    const shared = boolField(sharedIn, "shared") ?? false;
    if (irq === undefined) return shared ? SHARED_LINE : ANY_LINE;
    return Object.freeze({ irq, shared });
  },
  place(req, layout) {
    const shared = layout.legacyIrq.shared;
    if (req.shared) {
      if (shared === undefined) bad("shared", `layout ${layout.name} has no shared IRQ`);
      if (req.irq !== undefined && req.irq !== shared) bad("irq", `the shared legacy IRQ is always ${shared}; got ${req.irq}`);
      return { shared: true as const };
    }
    if (req.irq !== undefined) {
      if (req.irq === shared) sharedConflict(req.irq, "irq");
      return { exact: Range.point(req.irq) };
    }
    return ANY.get(layout, 0) ?? ANY.set(layout, 0, { fits: [fit(1n, 1n, layout.legacyIrq.window)] });
  },
  build: (_req, range, layout) => (range === undefined ? line(layout.legacyIrq.shared as number, true) : line(range.minNumber, false)),
  rangeOf: (res) => (res.shared ? undefined : Range.point(res.irq)),
  moveTarget(res, base, layout) {
    if (res.shared) throw new AllocError("INVALID_REQUEST", "resource: the shared IRQ cannot be moved", { argument: "resource" });
    if (base === BigInt(layout.legacyIrq.shared ?? -1)) sharedConflict(base, "to");
    return Range.point(base);
  },
  resizeTarget: (): never => notResizable("an IRQ line"),
  rebase: (_res, range) => line(range.minNumber, false),
  describeRequest: (req) => `legacy-irq ${req.shared ? "shared" : req.irq !== undefined ? String(req.irq) : "any"}`,
  describe: (res) => `irq ${res.irq}${res.shared ? " (shared)" : ""}`,
  write(res, out) {
    out.numberField("irq", res.irq);
    out.stringField("kind", "legacy-irq");
    out.booleanField("shared", res.shared);
  },
  read(rec, at, layout, rd) {
    const irq = rd.u64(rec["irq"], at, "irq");
    if (irq > BigInt(U32_MAX)) rd.fail(`${at}.irq`, `an IRQ line is at most ${U32_MAX}`);
    const shared = rd.boolean(rec["shared"], at, "shared");
    if (shared && BigInt(layout.legacyIrq.shared ?? -1) !== irq)
      rd.fail(`${at}.irq`, `the layout's shared IRQ is ${String(layout.legacyIrq.shared)}, not ${irq}`);
    return line(Number(irq), shared);
  },
});
