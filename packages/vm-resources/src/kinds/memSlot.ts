/**
 * The `mem-slot` kind: KVM user memory slots.
 *
 * Request `{ kind: "mem-slot", slot?, count? }`: `count` (default 1)
 * contiguous slots, from the exact first `slot` or the lowest that fits.
 * Resource `{ kind, base, count }`.
 */
import type { Range } from "@alloc/constraint";
import type { MemSlot } from "../brands.js";
import type { MemSlotResource as SlotResource } from "../requests.js";
import { defineKind } from "./Kind.js";
import type { ResourceKind } from "./Kind.js";
import { blockAt, fit, intField, sizeField, span } from "./fields.js";

const U32_MAX = 0xffff_ffff;

/** A checked `mem-slot` request. */
export interface MemSlotPlan {
  readonly slot: number | undefined;
  readonly count: bigint;
}

function make(range: Range): SlotResource {
  return Object.freeze({ kind: "mem-slot", base: range.minNumber as MemSlot, count: Number(range.size) });
}

/**
 * The memory slot kind.
 *
 * @example
 * ```ts
 * rm.allocateDevice("ram", [{ kind: "mem-slot", count: 2 }]);
 * ```
 */
export const memSlot: ResourceKind<MemSlotPlan, SlotResource> = defineKind({
  name: "mem-slot",
  pool: "memSlot",
  requestKeys: ["kind", "slot", "count"],
  resourceKeys: ["kind", "base", "count"],
  parse([, slotIn, countIn]) {
    const slot = intField(slotIn, "slot", U32_MAX);
    const count = countIn === undefined ? 1n : sizeField(countIn, "count", BigInt(U32_MAX));
    if (slot !== undefined) blockAt(BigInt(slot), count, "slot");
    return Object.freeze({ slot, count });
  },
  place: (req) => (req.slot !== undefined ? { exact: span(req.slot, req.count) } : { fits: [fit(req.count, 1n, undefined)] }),
  build: (_req, range) => make(range as Range),
  rangeOf: (res) => span(res.base, res.count),
  moveTarget: (res, base) => blockAt(base, BigInt(res.count), "to"),
  resizeTarget: (res, size) => blockAt(BigInt(res.base), size, "size"),
  rebase: (_res, range) => make(range),
  describeRequest: (req) => `mem-slot ${req.slot !== undefined ? String(req.slot) : "any"} x${req.count}`,
  describe: (res) => (res.count === 1 ? `slot ${res.base}` : `slots ${res.base}-${res.base + res.count - 1}`),
  write(res, out) {
    out.numberField("base", res.base);
    out.numberField("count", res.count);
    out.stringField("kind", "mem-slot");
  },
  read(rec, at, _layout, rd) {
    const base = rd.u64(rec["base"], at, "base");
    const count = rd.u64(rec["count"], at, "count");
    if (count < 1n || base + count - 1n > BigInt(U32_MAX)) rd.fail(`${at}.count`, `slots must lie in 0..${U32_MAX}, at least one`);
    return make(span(base, count));
  },
});
