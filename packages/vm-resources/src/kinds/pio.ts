/**
 * The `pio` kind: x86 port I/O ports, `0 .. 0xffff`.
 *
 * Request `{ kind: "pio", size, align?, range?, base? }`: `size` ports (1 ..
 * 0x10000), an exact first port `base`, or the first fit in `range` (default:
 * the pool's window). Resource `{ kind, base, size }` (numbers).
 */
import type { Range } from "@alloc/constraint";
import type { PioPort } from "../brands.js";
import type { PioResource } from "../requests.js";
import { defineKind } from "./Kind.js";
import type { ResourceKind } from "./Kind.js";
import { alignField, blockAt, checkAligned, fit, hex, intField, rangeField, sizeField, span } from "./fields.js";

/** A checked `pio` request. */
export interface PioPlan {
  readonly size: bigint;
  readonly align: bigint;
  readonly range: Range | undefined;
  readonly base: bigint | undefined;
}

function make(range: Range): PioResource {
  return Object.freeze({ kind: "pio", base: range.minNumber as PioPort, size: Number(range.size) });
}

/**
 * The port I/O kind.
 *
 * @example
 * ```ts
 * rm.allocateDevice("serial0", [{ kind: "pio", base: 0x3f8, size: 8 }]);
 * ```
 */
export const pio: ResourceKind<PioPlan, PioResource> = defineKind({
  name: "pio",
  pool: "pio",
  requestKeys: ["kind", "size", "align", "range", "base"],
  resourceKeys: ["kind", "base", "size"],
  parse([, sizeIn, alignIn, rangeIn, baseIn]) {
    const size = sizeField(sizeIn, "size", 0x10000n);
    const align = alignField(alignIn, 0x10000n);
    const range = rangeField(rangeIn);
    const b = intField(baseIn, "base", 0xffff);
    const base = b === undefined ? undefined : BigInt(b);
    if (base !== undefined) {
      checkAligned(base, align, "base");
      blockAt(base, size, "base");
    }
    return Object.freeze({ size, align, range, base });
  },
  place(req, layout) {
    if (req.base !== undefined) return { exact: span(req.base, req.size) };
    return { fits: [fit(req.size, req.align, req.range ?? layout.pio.window)] };
  },
  build: (_req, range) => make(range as Range),
  rangeOf: (res) => span(res.base, res.size),
  moveTarget: (res, base) => blockAt(base, BigInt(res.size), "to"),
  resizeTarget: (res, size) => blockAt(BigInt(res.base), size, "size"),
  rebase: (_res, range) => make(range),
  describeRequest: (req) =>
    `pio size ${hex(req.size)}${req.align > 1n ? ` align ${hex(req.align)}` : ""}${req.base === undefined ? "" : ` at ${hex(req.base)}`}`,
  describe: (res) => `ports ${hex(res.base)}-${hex(res.base + res.size - 1)}`,
  write(res, out) {
    out.numberField("base", res.base);
    out.stringField("kind", "pio");
    out.numberField("size", res.size);
  },
  read(rec, at, _layout, rd) {
    const base = rd.u64(rec["base"], at, "base");
    const size = rd.u64(rec["size"], at, "size");
    if (base > 0xffffn) rd.fail(`${at}.base`, `a port is at most 0xffff; got ${hex(base)}`);
    if (size < 1n || base + size - 1n > 0xffffn) rd.fail(`${at}.size`, `the ports must lie in 0..0xffff; got size ${size}`);
    return make(span(base, size));
  },
});
