/**
 * The `mmio` kind: MMIO address space in a low window (below 4 GiB) and an
 * optional high 64-bit window.
 *
 * Request `{ kind: "mmio", size, align?, range?, base?, window?, prefetchable?,
 * is64bit?, policy? }`. `window` is `"low"` (default), `"high"` or `"any"`
 * (high first, then low); `is64bit` defaults to `true` for `"high"`/`"any"`
 * and `false` otherwise. The rule this module keeps on every path (request,
 * exact base, move, resize, restore): a 32-bit region (`is64bit: false`) lies
 * entirely below 4 GiB, so it can never use the high window.
 * Resource `{ kind, base, size, window, prefetchable, is64bit, align }`.
 */
import { AllocError, Range } from "@alloc/constraint";
import type { Constraint, Policy } from "@alloc/constraint";
import type { MmioAddress } from "../brands.js";
import type { MmioResource } from "../requests.js";
import { quoteText } from "@alloc/constraint";
import type { Layout } from "../Layout.js";
import { defineKind } from "./Kind.js";
import { PlacementCache } from "./memo.js";
import type { ResourceKind } from "./Kind.js";
import {
  alignField,
  bad,
  blockAt,
  boolField,
  checkAligned,
  fit,
  hex,
  narrow,
  oneOf,
  policyField,
  rangeField,
  readBlockEnd,
  sizeField,
  span,
  u64Field,
} from "./fields.js";

import type { MmioWindow } from "../requests.js";

/** The last address a 32-bit region may use. */
const LAST_32 = 0xffff_ffffn;
const LAST_32_NUMBER = 0xffff_ffff;
const BELOW_4G = new Range(0, LAST_32);
const U64_MAX = 0xffff_ffff_ffff_ffffn;
const WINDOWS: readonly MmioWindow[] = ["low", "high", "any"];
/** Placement caches by [32-bit, 64-bit] and window; keyed by {@link MmioPlan.key}. */
const CACHES: readonly Readonly<Record<MmioWindow, PlacementCache>>[] = [0, 1].map(() => ({
  low: new PlacementCache(),
  high: new PlacementCache(),
  any: new PlacementCache(),
}));
const SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/** A checked `mmio` request. */
export interface MmioPlan {
  readonly size: bigint;
  readonly align: bigint;
  readonly range: Range | undefined;
  readonly base: bigint | undefined;
  readonly window: MmioWindow;
  readonly prefetchable: boolean;
  readonly is64bit: boolean;
  readonly policy: Policy | undefined;
  /**
   * The placement cache key of a request with no base, range or policy: the
   * size (aligned to its size) or minus the size (no alignment), when the
   * size is below 2^53; `undefined` when its placement is built each time.
   */
  readonly key: number | undefined;
}

/** The window holding `range`, if one holds it whole. */
function windowOf(layout: Layout, range: Range): "low" | "high" | undefined {
  if (layout.mmio.low.contains(range)) return "low";
  const high = layout.mmio.high;
  return high !== undefined && high.contains(range) ? "high" : undefined;
}

/**
 * A layout's window bounds `[low.min, low.max, high.min, high.max]` (an empty
 * high window when it has none), as bigints and as numbers. A bound at or
 * above 2^53 rounds as a number but stays at or above 2^53, so it compares
 * right against any address below 2^53.
 */
interface WindowBounds {
  readonly big: readonly [bigint, bigint, bigint, bigint];
  readonly num: readonly [number, number, number, number];
}

const BOUNDS = new WeakMap<Layout, WindowBounds>();

/** The {@link WindowBounds} of a layout, made once per layout. */
function boundsOf(layout: Layout): WindowBounds {
  let b = BOUNDS.get(layout);
  if (b === undefined) {
    const { low, high } = layout.mmio;
    const big = [low.min, low.max, high?.min ?? 1n, high?.max ?? 0n] as const;
    b = { big, num: [Number(big[0]), Number(big[1]), Number(big[2]), Number(big[3])] };
    BOUNDS.set(layout, b);
  }
  return b;
}

function make(range: Range, window: "low" | "high", prefetchable: boolean, is64bit: boolean, align: bigint): MmioResource {
  return mmioAt(range.min, range.size, window, prefetchable, is64bit, align);
}

function mmioAt(base: bigint, size: bigint, window: "low" | "high", prefetchable: boolean, is64bit: boolean, align: bigint): MmioResource {
  return Object.freeze({ kind: "mmio", base: base as MmioAddress, size, window, prefetchable, is64bit, align });
}

function check32(is64bit: boolean, range: Range, argument: string): void {
  if (is64bit || range.max <= LAST_32) return;
  const message = `${argument}: a 32-bit region must lie below 4 GiB; ${range} does not (is64bit: true for a 64-bit BAR)`;
  throw new AllocError(argument === "base" ? "INVALID_REQUEST" : "INVALID_ARGUMENT", message, { argument });
}

/**
 * The MMIO kind.
 *
 * @example
 * ```ts
 * rm.allocateDevice("nvme0", [{ kind: "mmio", size: 0x4000, align: 0x4000, window: "any" }]);
 * ```
 */
export const mmio: ResourceKind<MmioPlan, MmioResource> = defineKind({
  name: "mmio",
  pool: "mmio",
  requestKeys: ["kind", "size", "align", "range", "base", "window", "prefetchable", "is64bit", "policy"],
  resourceKeys: ["kind", "base", "size", "window", "prefetchable", "is64bit", "align"],
  parse([, sizeIn, alignIn, rangeIn, baseIn, windowIn, prefetchableIn, is64bitIn, policyIn]) {
    const size = sizeField(sizeIn, "size", U64_MAX);
    const align = alignField(alignIn);
    const range = rangeField(rangeIn);
    const base = u64Field(baseIn, "base");
    const window = oneOf<MmioWindow>(windowIn, "window", WINDOWS) ?? "low";
    const prefetchable = boolField(prefetchableIn, "prefetchable") ?? false;
    const is64bit = boolField(is64bitIn, "is64bit") ?? window !== "low";
    const policy = policyField(policyIn);
    if (!is64bit && window === "high") bad("window", "a 32-bit region (is64bit: false) cannot use the high window");
    if (base !== undefined) {
      checkAligned(base, align, "base");
      check32(is64bit, blockAt(base, size, "base"), "base");
    }
    // perf: requests that name no base, range or policy share placements, by window, width, size and alignment.
    const plain = base === undefined && range === undefined && policy === undefined && size <= SAFE_BIG;
    const key = !plain ? undefined : align === size ? Number(size) : align === 1n ? -Number(size) : undefined;
    return Object.freeze({ size, align, range, base, window, prefetchable, is64bit, policy, key });
  },
  place(req, layout) {
    if (req.base !== undefined) return { exact: span(req.base, req.size) };
    const key = req.key;
    const cache = key === undefined ? undefined : (CACHES[req.is64bit ? 1 : 0] as Readonly<Record<MmioWindow, PlacementCache>>)[req.window];
    const hit = cache === undefined ? undefined : cache.get(layout, key as number);
    if (hit !== undefined) return hit;
    const fits: Constraint[] = [];
    const high = layout.mmio.high;
    if (req.window !== "low" && high !== undefined && req.is64bit) {
      const w = narrow(high, req.range);
      if (w !== null) fits.push(fit(req.size, req.align, w, req.policy));
    }
    if (req.window !== "high") {
      const low = narrow(layout.mmio.low, req.range);
      const w = low === null || req.is64bit ? low : narrow(low, BELOW_4G);
      if (w !== null) fits.push(fit(req.size, req.align, w, req.policy));
    }
    if (fits.length === 0)
      throw new AllocError("NO_FIT", `mmio: the ${req.window} window does not meet the requested range`, { pool: "mmio", argument: "range" });
    return cache === undefined ? { fits } : cache.set(layout, key as number, { fits });
  },
  // The range taken has exactly the requested size.
  build: (req, range, layout) => mmioAt((range as Range).min, req.size, windowOf(layout, range as Range) ?? "low", req.prefetchable, req.is64bit, req.align),
  rangeOf: (res) => span(res.base, res.size),
  moveTarget(res, base) {
    checkAligned(base, res.align, "to");
    const target = blockAt(base, res.size, "to");
    check32(res.is64bit, target, "to");
    return target;
  },
  resizeTarget(res, size, layout) {
    const target = blockAt(res.base, size, "size");
    check32(res.is64bit, target, "size");
    if (windowOf(layout, target) === undefined) bad("size", `${target} would leave the ${res.window} MMIO window`);
    return target;
  },
  rebase: (res, range, layout) => make(range, windowOf(layout, range) ?? res.window, res.prefetchable, res.is64bit, res.align),
  describeRequest: (req) =>
    `mmio size ${hex(req.size)}${req.align > 1n ? ` align ${hex(req.align)}` : ""}${req.base === undefined ? ` ${req.window}` : ` at ${hex(req.base)}`}`,
  describe: (res) =>
    `${hex(res.base)}-${hex(res.base + res.size - 1n)} (${res.window}${res.is64bit ? ", 64-bit" : ""}${res.prefetchable ? ", prefetchable" : ""})`,
  write(res, out) {
    out.hexField("align", res.align);
    out.hexField("base", res.base);
    out.booleanField("is64bit", res.is64bit);
    out.stringField("kind", "mmio");
    out.booleanField("prefetchable", res.prefetchable);
    out.hexField("size", res.size);
    out.stringField("window", res.window);
  },
  read(rec, at, layout, rd) {
    const base = rd.u64(rec["base"], at, "base");
    const size = rd.u64(rec["size"], at, "size");
    const align = rd.u64(rec["align"], at, "align");
    const last = readBlockEnd(base, size, align, at, rd);
    const window = rd.string(rec["window"], at, "window");
    // perf: a block below 2^53 is placed with number comparisons, not mixed number-bigint ones (bench "restore": about 5-10% of it).
    const w = boundsOf(layout);
    let actual: "low" | "high" | undefined;
    if (typeof last === "number") {
      const b = Number(base);
      const [lowMin, lowMax, highMin, highMax] = w.num;
      actual = b >= lowMin && last <= lowMax ? "low" : b >= highMin && last <= highMax ? "high" : undefined;
    } else {
      const [lowMin, lowMax, highMin, highMax] = w.big;
      actual = base >= lowMin && last <= lowMax ? "low" : base >= highMin && last <= highMax ? "high" : undefined;
    }
    if (window !== actual) rd.fail(`${at}.window`, `[${hex(base)}, ${hex(last)}] lies in the ${actual ?? "no"} window, not ${quoteText(window)}`);
    const prefetchable = rd.boolean(rec["prefetchable"], at, "prefetchable");
    const is64bit = rd.boolean(rec["is64bit"], at, "is64bit");
    if (!is64bit && (typeof last === "number" ? last > LAST_32_NUMBER : last > LAST_32))
      rd.fail(`${at}.is64bit`, `a 32-bit region must lie below 4 GiB; [${hex(base)}, ${hex(last)}] does not`);
    return mmioAt(base, size, actual as "low" | "high", prefetchable, is64bit, align);
  },
});
