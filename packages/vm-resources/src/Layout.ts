/**
 * `Layout`: which address spaces and numbers exist for each pool of a VM.
 *
 * Representation: for every pool, the sorted disjoint `ranges` that exist, the
 * `reserved` regions inside them (platform holes and fixed legacy devices, each
 * labelled), and an optional default `window` for requests that name no range.
 * MMIO has a low window (below 4 GiB) and an optional high 64-bit window; the
 * legacy IRQ pool may name one shared IRQ, which lies outside its ranges.
 * `ram` lists where guest RAM is laid, in order (used by planners).
 * Invariants (checked by {@link defineLayout}, O(r log r) in the ranges):
 * ranges sorted and disjoint, reserved regions inside one range and disjoint,
 * windows meeting the pool, MMIO and RAM space disjoint, PIO within 0..0xffff,
 * id pools within 0..2^20-1 (they are bitmaps).
 */
import { AllocError, Range, describeValue, readRecord, readU64 } from "@alloc/constraint";
import type { U64Input } from "@alloc/constraint";
import { Reader, hex } from "./internal/validate.js";

/** The names of the pools of a resource manager. */
export const PoolName = {
  /** MMIO address space: the low window and the optional high 64-bit window. */
  Mmio: "mmio",
  /** Guest-physical RAM space, including device memory such as DAX windows. */
  Mem: "mem",
  /** Port I/O space, `0 .. 0xffff`. */
  Pio: "pio",
  /** Legacy interrupt lines (GSIs), with the optional shared IRQ. */
  LegacyIrq: "legacyIrq",
  /** MSI / MSI-X vectors (GSIs). */
  Msi: "msi",
  /** Device instance ids. */
  DeviceId: "deviceId",
  /** KVM user memory slots. */
  MemSlot: "memSlot",
} as const;

/** One of the {@link PoolName} values. */
export type PoolName = (typeof PoolName)[keyof typeof PoolName];

/** Every pool name, in dump order. */
export const POOL_NAMES: readonly PoolName[] = ["mmio", "mem", "pio", "legacyIrq", "msi", "deviceId", "memSlot"];

/** A labelled region that a normal free can never release. */
export interface Reservation {
  /** The reserved values. */
  readonly range: Range;
  /** What sits there, e.g. `"IOAPIC/LAPIC/HPET"`. */
  readonly label: string;
}

/** The validated layout of one pool. */
export interface PoolLayout {
  /** The values that exist, sorted and disjoint. */
  readonly ranges: readonly Range[];
  /** Reserved regions, sorted, each inside one range. */
  readonly reserved: readonly Reservation[];
  /** Where requests without an explicit range go; `undefined` = anywhere. */
  readonly window: Range | undefined;
}

/** A validated VM layout; build one with {@link defineLayout} or take a preset. */
export interface Layout {
  /** A name for humans, e.g. `"x86_64/dragonball"`. */
  readonly name: string;
  /** The architecture, e.g. `"x86_64"`, `"aarch64"`, or anything for custom layouts. */
  readonly arch: string;
  /** MMIO space: `ranges` is `[low]` or `[low, high]`. */
  readonly mmio: PoolLayout & {
    /** The MMIO window below 4 GiB; always `ranges[0]`. */
    readonly low: Range;
    /** The 64-bit MMIO window above `low`, or `undefined` when the layout has none. */
    readonly high: Range | undefined;
  };
  /** Guest-physical RAM space (for RAM and device memory such as DAX windows). */
  readonly mem: PoolLayout;
  /** Port I/O space. */
  readonly pio: PoolLayout;
  /** Legacy IRQ lines; `shared` is the one line handed to every shared request. */
  readonly legacyIrq: PoolLayout & {
    /** The line every shared request gets, outside `ranges`; `undefined` when the layout has none. */
    readonly shared: number | undefined;
  };
  /** MSI / MSI-X vectors (GSIs). */
  readonly msi: PoolLayout;
  /** Device instance ids. */
  readonly deviceId: PoolLayout;
  /** KVM user memory slots. */
  readonly memSlot: PoolLayout;
  /** Where guest RAM goes, in fill order. */
  readonly ram: readonly Range[];
}

/** A `{ min, max }` pair as accepted in layouts: numbers, bigints or `"0x…"` strings. */
export interface RangeInit {
  /** First value (number, bigint or `"0x…"`/decimal string). */
  readonly min: U64Input | string;
  /** Last value, at least `min`. */
  readonly max: U64Input | string;
}

/** A reserved region as accepted in layouts. */
export interface ReservationInit extends RangeInit {
  /** What sits there (non-empty). */
  readonly label: string;
}

/** The plain form of a pool layout. */
export interface PoolLayoutInit {
  /** The values that exist. */
  readonly ranges: readonly RangeInit[];
  /** Reserved regions inside them. */
  readonly reserved?: readonly ReservationInit[];
  /** Where requests without a range go. */
  readonly window?: RangeInit;
}

/** The plain (JSON) form of a layout, accepted by {@link defineLayout}. */
export interface LayoutInit {
  /** A name for humans. */
  readonly name: string;
  /** The architecture. */
  readonly arch: string;
  /** MMIO windows: `low` (below 4 GiB) and an optional `high`. */
  readonly mmio: {
    /** The MMIO window below 4 GiB. */
    readonly low: RangeInit;
    /** An optional 64-bit MMIO window, entirely above `low`. */
    readonly high?: RangeInit;
    /** Reserved regions, each inside `low` or `high`. */
    readonly reserved?: readonly ReservationInit[];
    /** Where requests without an explicit range go; it must meet `low` or `high`. */
    readonly window?: RangeInit;
  };
  /** Guest-physical RAM space. */
  readonly mem: PoolLayoutInit;
  /** Port I/O space (0..0xffff). */
  readonly pio: PoolLayoutInit;
  /** Legacy IRQ lines and the optional shared IRQ (outside them). */
  readonly legacyIrq: PoolLayoutInit & {
    /** The line handed to every shared request (`0 .. 2^32-1`); it must lie outside the legacy IRQ and MSI ranges. */
    readonly shared?: number;
  };
  /** MSI vectors. */
  readonly msi: PoolLayoutInit;
  /** Device ids (bitmap, at most 0xfffff). */
  readonly deviceId: PoolLayoutInit;
  /** Memory slots (bitmap, at most 0xfffff). */
  readonly memSlot: PoolLayoutInit;
  /** Where guest RAM goes, in fill order. */
  readonly ram: readonly RangeInit[];
}

/** Largest value an id pool (bitmap) may hold. */
export const ID_POOL_MAX: number = 0xfffff;

const POOL_KEYS = ["ranges"] as const;
const POOL_OPTIONAL = ["reserved", "window"] as const;

const NO_OPTIONS: { code?: "INVALID_LAYOUT" | "INVALID_SNAPSHOT"; path?: string } = Object.freeze({});

/** The options of {@link defineLayout}, read once: `code` one of the two layout codes, `path` a string. */
function layoutOptions(options: unknown): { code?: "INVALID_LAYOUT" | "INVALID_SNAPSHOT"; path?: string } {
  const o = readRecord(options, ["code", "path"], { what: "options", code: "INVALID_ARGUMENT" });
  const code = o["code"];
  const path = o["path"];
  if (code !== undefined && code !== "INVALID_LAYOUT" && code !== "INVALID_SNAPSHOT") {
    throw new AllocError("INVALID_ARGUMENT", `options.code must be "INVALID_LAYOUT" or "INVALID_SNAPSHOT"; got ${describeValue(code)}`, {
      argument: "options.code",
    });
  }
  if (path !== undefined && typeof path !== "string") {
    throw new AllocError("INVALID_ARGUMENT", `options.path must be a string; got ${describeValue(path)}`, { argument: "options.path" });
  }
  return { code, path } as { code?: "INVALID_LAYOUT" | "INVALID_SNAPSHOT"; path?: string };
}

/**
 * Validates a layout (from code or JSON) and freezes it. Throws `INVALID_LAYOUT`
 * with `details.path` (e.g. `$.mmio.reserved[0].max`) naming the first mistake.
 *
 * @example
 * ```ts
 * const layout = defineLayout({
 *   name: "tiny", arch: "custom",
 *   mmio: { low: { min: 0x1000_0000, max: 0x1fff_ffff } },
 *   mem: { ranges: [{ min: 0, max: 0x0fff_ffff }] },
 *   pio: { ranges: [] }, legacyIrq: { ranges: [{ min: 5, max: 15 }] },
 *   msi: { ranges: [{ min: 24, max: 1023 }] }, deviceId: { ranges: [{ min: 0, max: 31 }] },
 *   memSlot: { ranges: [{ min: 0, max: 31 }] }, ram: [{ min: 0, max: 0x0fff_ffff }],
 * });
 * ```
 */
export function defineLayout(init: LayoutInit | unknown, options: { code?: "INVALID_LAYOUT" | "INVALID_SNAPSHOT"; path?: string } = NO_OPTIONS): Layout {
  const { code, path } = options === NO_OPTIONS ? NO_OPTIONS : layoutOptions(options);
  const r: Reader = new Reader(code ?? "INVALID_LAYOUT");
  const p = path ?? "$";
  const o = r.object(init, p, ["name", "arch", "mmio", "mem", "pio", "legacyIrq", "msi", "deviceId", "memSlot", "ram"]);
  const name = r.nonEmptyString(o["name"], `${p}.name`);
  const arch = r.nonEmptyString(o["arch"], `${p}.arch`);

  const m = r.object(o["mmio"], `${p}.mmio`, ["low"], ["high", "reserved", "window"]);
  const low = range(r, m["low"], `${p}.mmio.low`);
  const high = m["high"] === undefined ? undefined : range(r, m["high"], `${p}.mmio.high`);
  if (high !== undefined && high.min <= low.max) r.fail(`${p}.mmio.high.min`, "the high MMIO window must lie above the low one");
  const mmioRanges = high === undefined ? [low] : [low, high];
  const mmio = Object.freeze({
    ...finishPool(r, `${p}.mmio`, mmioRanges, m["reserved"], m["window"], undefined),
    low,
    high,
  });

  const mem = pool(r, o["mem"], `${p}.mem`, undefined);
  const pio = pool(r, o["pio"], `${p}.pio`, 0xffffn);
  const irqObj = r.object(o["legacyIrq"], `${p}.legacyIrq`, POOL_KEYS, [...POOL_OPTIONAL, "shared"]);
  const shared = irqObj["shared"] === undefined ? undefined : r.int(irqObj["shared"], `${p}.legacyIrq.shared`, 0xffff_ffff);
  const legacyBase = pool(r, { ...irqObj, shared: undefined }, `${p}.legacyIrq`, 0xffff_ffffn);
  if (shared !== undefined && legacyBase.ranges.some((x) => x.contains(shared))) {
    r.fail(`${p}.legacyIrq.shared`, `the shared IRQ ${shared} must lie outside the legacy IRQ pool`);
  }
  const legacyIrq = Object.freeze({ ...legacyBase, shared });
  const msi = pool(r, o["msi"], `${p}.msi`, 0xffff_ffffn);
  const deviceId = pool(r, o["deviceId"], `${p}.deviceId`, BigInt(ID_POOL_MAX));
  const memSlot = pool(r, o["memSlot"], `${p}.memSlot`, BigInt(ID_POOL_MAX));
  if (shared !== undefined && msi.ranges.some((x) => x.contains(shared))) {
    r.fail(`${p}.legacyIrq.shared`, `the shared IRQ ${shared} lies inside the MSI pool`);
  }
  // Legacy IRQs and MSI vectors are both GSIs: they must not overlap.
  disjointAcross(r, legacyIrq.ranges, msi.ranges, `${p}.msi.ranges`, "legacy IRQ");
  // MMIO and RAM share the guest-physical address space.
  disjointAcross(r, mmio.ranges, mem.ranges, `${p}.mem.ranges`, "MMIO");

  const ramArr = r.array(o["ram"], `${p}.ram`);
  const ram = sortedDisjoint(
    r,
    ramArr.map((x, i) => range(r, x, `${p}.ram[${i}]`)),
    `${p}.ram`,
  );
  ram.forEach((x, i) => {
    if (!mem.ranges.some((m2) => m2.contains(x))) r.fail(`${p}.ram[${i}]`, `RAM region ${x} must lie inside one range of the mem pool`);
  });

  const layout: Layout = Object.freeze({ name, arch, mmio, mem, pio, legacyIrq, msi, deviceId, memSlot, ram: Object.freeze(ram) });
  CHECKED.add(layout);
  return layout;
}

/** Layouts {@link defineLayout} built (frozen, so still valid). */
const CHECKED = new WeakSet<object>();

/**
 * `layout` itself when {@link defineLayout} built it, else `layout` checked
 * by it (so a hand-made object never reaches the pools unchecked).
 *
 * @example
 * ```ts
 * checkedLayout(presetLayout("x86_64")) === presetLayout("x86_64"); // true (no copy)
 * ```
 */
export function checkedLayout(layout: unknown): Layout {
  if (typeof layout === "object" && layout !== null && CHECKED.has(layout)) return layout as Layout;
  return defineLayout(layout);
}

function range(r: Reader, value: unknown, path: string, extra: readonly string[] = []): Range {
  const { min, max } = r.minMax(value, path, extra);
  return new Range(min, max);
}

function pool(r: Reader, value: unknown, path: string, limit: bigint | undefined): PoolLayout {
  const o = r.object(value, path, POOL_KEYS, [...POOL_OPTIONAL, "shared"]);
  const ranges = r.array(o["ranges"], `${path}.ranges`).map((x, i) => range(r, x, `${path}.ranges[${i}]`));
  if (limit !== undefined) {
    ranges.forEach((x, i) => {
      if (x.max > limit) r.fail(`${path}.ranges[${i}].max`, `must be at most 0x${limit.toString(16)}`);
    });
  }
  return finishPool(r, path, ranges, o["reserved"], o["window"], "ranges");
}

function finishPool(r: Reader, path: string, ranges: Range[], reservedRaw: unknown, windowRaw: unknown, rangesKey: string | undefined): PoolLayout {
  const sorted = sortedDisjoint(r, ranges, rangesKey === undefined ? path : `${path}.${rangesKey}`);
  const reserved: Reservation[] = [];
  if (reservedRaw !== undefined) {
    r.array(reservedRaw, `${path}.reserved`).forEach((x, i) => {
      const at = `${path}.reserved[${i}]`;
      const { min, max, raw } = r.minMax(x, at, ["label"]);
      const rr = new Range(min, max);
      const label = r.nonEmptyString(raw["label"], `${at}.label`);
      if (!sorted.some((s) => s.contains(rr))) r.fail(at, `reserved region ${rr} must lie inside one range of the pool`);
      reserved.push(Object.freeze({ range: rr, label }));
    });
  }
  const byMin = [...reserved].sort((a, b) => a.range.compare(b.range));
  for (let i = 1; i < byMin.length; i++) {
    const prev = byMin[i - 1];
    const cur = byMin[i];
    if (prev !== undefined && cur !== undefined && prev.range.intersects(cur.range)) {
      r.fail(`${path}.reserved`, `reserved regions ${prev.range} and ${cur.range} overlap`);
    }
  }
  let window: Range | undefined;
  if (windowRaw !== undefined) {
    window = range(r, windowRaw, `${path}.window`);
    const w = window;
    if (!sorted.some((s) => s.intersects(w))) r.fail(`${path}.window`, `window ${w} meets no range of the pool`);
  }
  return Object.freeze({ ranges: Object.freeze(sorted), reserved: Object.freeze(byMin), window });
}

function sortedDisjoint(r: Reader, ranges: Range[], path: string): Range[] {
  const sorted = [...ranges].sort((a, b) => a.compare(b));
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (prev !== undefined && cur !== undefined && prev.intersects(cur)) r.fail(path, `ranges ${prev} and ${cur} overlap`);
  }
  return sorted;
}

function disjointAcross(r: Reader, a: readonly Range[], b: readonly Range[], path: string, what: string): void {
  for (const x of a) {
    for (const y of b) {
      if (x.intersects(y)) r.fail(path, `range ${y} overlaps the ${what} range ${x}`);
    }
  }
}

function rangeJSON(x: Range): { min: string; max: string } {
  return { min: hex(x.min), max: hex(x.max) };
}

function poolJSON(p: PoolLayout): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ranges: p.ranges.map(rangeJSON),
    reserved: p.reserved.map((x) => ({ ...rangeJSON(x.range), label: x.label })),
  };
  if (p.window !== undefined) out["window"] = rangeJSON(p.window);
  return out;
}

/**
 * The JSON form of a layout (u64s as `"0x…"` strings); {@link defineLayout}
 * reads it back to an equal layout. A layout `defineLayout` did not build is
 * checked by it first.
 *
 * @example
 * ```ts
 * const again = defineLayout(layoutToJSON(layout)); // same layout
 * ```
 */
export function layoutToJSON(value: Layout): Record<string, unknown> {
  const layout = checkedLayout(value);
  const mmio: Record<string, unknown> = { low: rangeJSON(layout.mmio.low), reserved: poolJSON(layout.mmio)["reserved"] };
  if (layout.mmio.high !== undefined) mmio["high"] = rangeJSON(layout.mmio.high);
  if (layout.mmio.window !== undefined) mmio["window"] = rangeJSON(layout.mmio.window);
  const legacyIrq = poolJSON(layout.legacyIrq);
  if (layout.legacyIrq.shared !== undefined) legacyIrq["shared"] = layout.legacyIrq.shared;
  return {
    name: layout.name,
    arch: layout.arch,
    mmio,
    mem: poolJSON(layout.mem),
    pio: poolJSON(layout.pio),
    legacyIrq,
    msi: poolJSON(layout.msi),
    deviceId: poolJSON(layout.deviceId),
    memSlot: poolJSON(layout.memSlot),
    ram: layout.ram.map(rangeJSON),
  };
}

/**
 * The guest RAM regions for `size` bytes of memory, filling `layout.ram` in
 * order; throws `INVALID_REQUEST` when the layout cannot hold that much, and
 * `INVALID_ARGUMENT` for a size that is not a bigint or safe integer in
 * `0 .. 2^64-1` (a layout `defineLayout` did not build is checked by it first).
 *
 * @example
 * ```ts
 * ramRegions(presetLayout("x86_64"), 4n << 30n); // [0, 3 GiB) and [4 GiB, 5 GiB)
 * ```
 */
export function ramRegions(layout: Layout, size: U64Input): Range[] {
  const l = checkedLayout(layout);
  let left = readU64(size, "memorySize", "INVALID_ARGUMENT");
  const out: Range[] = [];
  for (const region of l.ram) {
    if (left === 0n) break;
    const take = left < region.size ? left : region.size;
    out.push(Range.withSize(region.min, take));
    left -= take;
  }
  if (left > 0n) {
    throw new AllocError("INVALID_REQUEST", `guest memory of ${size} bytes does not fit the RAM regions of layout ${l.name}`, {
      argument: "memorySize",
      value: size,
    });
  }
  return out;
}
