/**
 * The `mem` kind: guest-physical RAM space (guest RAM, DAX windows,
 * hot-plugged memory).
 *
 * Request `{ kind: "mem", size, align?, range?, base?, policy? }`: an exact
 * `base` (aligned to `align`), or the policy's fit in `range` (default: the
 * pool's window). Resource `{ kind, base, size, align }` (bigints).
 */
import type { Range } from "@alloc/constraint";
import type { Policy } from "@alloc/constraint";
import type { GuestAddress } from "../brands.js";
import type { MemResource } from "../requests.js";
import { defineKind } from "./Kind.js";
import type { ResourceKind } from "./Kind.js";
import { alignField, blockAt, checkAligned, fit, hex, policyField, rangeField, readBlockEnd, sizeField, span, u64Field } from "./fields.js";

const U64_MAX = 0xffff_ffff_ffff_ffffn;

/** A checked `mem` request. */
export interface MemPlan {
  readonly size: bigint;
  readonly align: bigint;
  readonly range: Range | undefined;
  readonly base: bigint | undefined;
  readonly policy: Policy | undefined;
}

function make(range: Range, align: bigint): MemResource {
  return Object.freeze({ kind: "mem", base: range.min as GuestAddress, size: range.size, align });
}

/**
 * The guest memory kind.
 *
 * @example
 * ```ts
 * rm.allocateDevice("virtio-fs0", [{ kind: "mem", size: 1n << 30n, align: 1n << 21n }]);
 * ```
 */
export const mem: ResourceKind<MemPlan, MemResource> = defineKind({
  name: "mem",
  pool: "mem",
  requestKeys: ["kind", "size", "align", "range", "base", "policy"],
  resourceKeys: ["kind", "base", "size", "align"],
  parse([, sizeIn, alignIn, rangeIn, baseIn, policyIn]) {
    const size = sizeField(sizeIn, "size", U64_MAX);
    const align = alignField(alignIn);
    const range = rangeField(rangeIn);
    const base = u64Field(baseIn, "base");
    const policy = policyField(policyIn);
    if (base !== undefined) {
      checkAligned(base, align, "base");
      blockAt(base, size, "base");
    }
    return Object.freeze({ size, align, range, base, policy });
  },
  place(req, layout) {
    if (req.base !== undefined) return { exact: span(req.base, req.size) };
    return { fits: [fit(req.size, req.align, req.range ?? layout.mem.window, req.policy)] };
  },
  build: (req, range) => make(range as Range, req.align),
  rangeOf: (res) => span(res.base, res.size),
  moveTarget(res, base) {
    checkAligned(base, res.align, "to");
    return blockAt(base, res.size, "to");
  },
  resizeTarget: (res, size) => blockAt(res.base, size, "size"),
  rebase: (res, range) => make(range, res.align),
  describeRequest: (req) =>
    `mem size ${hex(req.size)}${req.align > 1n ? ` align ${hex(req.align)}` : ""}${req.base === undefined ? "" : ` at ${hex(req.base)}`}`,
  describe: (res) => `${hex(res.base)}-${hex(res.base + res.size - 1n)}`,
  write(res, out) {
    out.hexField("align", res.align);
    out.hexField("base", res.base);
    out.stringField("kind", "mem");
    out.hexField("size", res.size);
  },
  read(rec, at, _layout, rd) {
    const base = rd.u64(rec["base"], at, "base");
    const size = rd.u64(rec["size"], at, "size");
    const align = rd.u64(rec["align"], at, "align");
    readBlockEnd(base, size, align, at, rd);
    return Object.freeze({ kind: "mem", base: base as GuestAddress, size, align });
  },
});
