/**
 * Snapshots: the whole state of a resource manager as versioned canonical JSON.
 *
 * Representation (version 1): `{ format, version, layout, pools, owners }` with
 * keys sorted at every level, u64s as `"0x…"` strings, every range of every
 * pool listed once in address order with its state (`free`, `allocated` +
 * `owner`, `reserved` + `label`), and owners sorted by name with their
 * resources in request order. Equal states give byte-identical text.
 * `restoreSnapshot` validates everything before building (schema, version,
 * layout, ranges tiling each pool exactly with free space coalesced, layout
 * reservations present, resources aligned and inside their pools, owners and
 * pool records agreeing one to one) and throws only `AllocError`
 * `INVALID_SNAPSHOT` with `details.path`. Objects are read by own keys and
 * unknown keys are refused, so `__proto__` and friends do nothing.
 * Cost: O(n log n) in the number of ranges for both directions.
 */
import { AllocError, Range, isAllocError } from "@alloc/constraint";
import type { DeviceId, GuestAddress, Irq, MemSlot, MmioAddress, MsiVector, PioPort } from "./brands.js";
import { POOL_NAMES, defineLayout, layoutToJSON } from "./Layout.js";
import type { Layout, PoolLayout, PoolName } from "./Layout.js";
import { RangePool } from "./pools/RangePool.js";
import type { PoolEntry, ResourcePool } from "./pools/RangePool.js";
import { MSI_MAX_COUNT } from "./pools/MsiPool.js";
import { REQUEST_KINDS } from "./requests.js";
import type { Resource } from "./requests.js";
import { Reader, hex, kindOf } from "./internal/validate.js";

/** The `format` field of every snapshot. */
export const SNAPSHOT_FORMAT = "@alloc/vm-resources/snapshot";
/** The snapshot version written (and the only one read). */
export const SNAPSHOT_VERSION = 1;

/** What the snapshot code needs from a manager (structural, to avoid an import cycle). */
export interface SnapshotSource {
  readonly layout: Layout;
  pool(name: PoolName): ResourcePool;
  _ownerEntries(): IterableIterator<[string, readonly Resource[]]>;
}

/** What restoring needs from a freshly built manager. */
export interface SnapshotTarget extends SnapshotSource {
  reserve(pool: PoolName, range: Range, label: string): void;
  _record(owner: string, res: Resource, range?: Range): void;
  checkInvariants(): void;
}

/**
 * JSON text with object keys sorted at every level and no spaces: the
 * canonical form used by snapshots.
 *
 * @example
 * ```ts
 * canonicalJSON({ b: 1, a: [true, "x"] }); // '{"a":[true,"x"],"b":1}'
 * ```
 */
export function canonicalJSON(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJSON).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value).sort();
    return `{${keys
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJSON((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  if (typeof value === "bigint") return JSON.stringify(hex(value));
  return JSON.stringify(value);
}

/** The snapshot form of one pool range. @example `entryJSON(e) // { min: "0x0", max: "0xf", state: "free" }` */
export function entryJSON(e: PoolEntry): Record<string, unknown> {
  const base = { min: hex(e.range.min), max: hex(e.range.max), state: e.state };
  if (e.state === "allocated") return { ...base, owner: e.owner };
  if (e.state === "reserved") return { ...base, label: e.label };
  return base;
}

/** The snapshot form of one resource (u64s as "0x…"). @example `resourceJSON(res) // { kind: "pio", base: 1016, size: 8 }` */
export function resourceJSON(r: Resource): Record<string, unknown> {
  switch (r.kind) {
    case "mmio":
      return { kind: r.kind, base: hex(r.base), size: hex(r.size), align: hex(r.align), window: r.window, prefetchable: r.prefetchable, is64bit: r.is64bit };
    case "mem":
      return { kind: r.kind, base: hex(r.base), size: hex(r.size), align: hex(r.align) };
    case "pio":
      return { kind: r.kind, base: r.base, size: r.size };
    case "legacy-irq":
      return { kind: r.kind, irq: r.irq, shared: r.shared };
    case "mem-slot":
      return { kind: r.kind, base: r.base, count: r.count };
    case "device-id":
      return { kind: r.kind, id: r.id };
    default:
      return { kind: r.kind, base: r.base, count: r.count };
  }
}

/**
 * The snapshot text of a manager (see {@link ResourceManager.snapshot}).
 *
 * @example
 * ```ts
 * writeSnapshot(rm) === rm.snapshot(); // true
 * ```
 */
export function writeSnapshot(source: SnapshotSource): string {
  // perf: written directly in canonical form (keys in sorted order, the same
  // bytes as canonicalJSON of the object form; test/snapshot.test.ts checks
  // both) instead of building and sorting an object graph (bench "snapshot").
  const out: string[] = [`{"format":${JSON.stringify(SNAPSHOT_FORMAT)},"layout":${canonicalJSON(layoutToJSON(source.layout))},"owners":[`];
  const owners = [...source._ownerEntries()];
  owners.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (let i = 0; i < owners.length; i++) {
    const [owner, res] = owners[i] as [string, readonly Resource[]];
    let line = `${i === 0 ? "" : ","}{"owner":${JSON.stringify(owner)},"resources":[`;
    for (let j = 0; j < res.length; j++) {
      if (j !== 0) line += ",";
      line += resourceText(res[j] as Resource);
    }
    out.push(`${line}]}`);
  }
  out.push('],"pools":{');
  for (let p = 0; p < SORTED_POOL_NAMES.length; p++) {
    const name = SORTED_POOL_NAMES[p] as PoolName;
    out.push(`${p === 0 ? "" : ","}${JSON.stringify(name)}:{"ranges":[`);
    const pool = source.pool(name);
    let first = true;
    if (pool instanceof RangePool) {
      for (const [r, st] of pool.tree.entries()) {
        let t = `${first ? "" : ","}{`;
        if (st.kind === "valued" && st.value.kind !== "owner") t += `"label":${JSON.stringify(st.value.label)},`;
        t += `"max":"${hexParts(r.maxHi, r.maxLo)}","min":"${hexParts(r.minHi, r.minLo)}",`;
        if (st.kind === "valued") t += st.value.kind === "owner" ? `"owner":${JSON.stringify(st.value.owner)},"state":"allocated"}` : '"state":"reserved"}';
        else t += '"state":"free"}'; // as entries(): a range with no record reads as free
        out.push(t);
        first = false;
      }
    } else {
      for (const e of pool.entries()) {
        out.push(`${first ? "" : ","}${canonicalJSON(entryJSON(e))}`);
        first = false;
      }
    }
    out.push("]}");
  }
  out.push(`},"version":${JSON.stringify(SNAPSHOT_VERSION)}}`);
  return out.join("");
}

/** The pool names in the order canonical JSON lists them (sorted keys). */
const SORTED_POOL_NAMES: readonly PoolName[] = [...POOL_NAMES].sort();

/** `0x` + lowercase hex of the u64 with 32-bit halves `hi`, `lo` (same text as {@link hex} of its bigint). */
function hexParts(hi: number, lo: number): string {
  return hi === 0 ? `0x${lo.toString(16)}` : `0x${hi.toString(16)}${lo.toString(16).padStart(8, "0")}`;
}

/** `canonicalJSON(resourceJSON(r))`, written directly (keys in sorted order). */
function resourceText(r: Resource): string {
  switch (r.kind) {
    case "mmio":
      return `{"align":"${hex(r.align)}","base":"${hex(r.base)}","is64bit":${String(r.is64bit)},"kind":"mmio","prefetchable":${String(r.prefetchable)},"size":"${hex(r.size)}","window":${JSON.stringify(r.window)}}`;
    case "mem":
      return `{"align":"${hex(r.align)}","base":"${hex(r.base)}","kind":"mem","size":"${hex(r.size)}"}`;
    case "pio":
      return `{"base":${JSON.stringify(r.base)},"kind":"pio","size":${JSON.stringify(r.size)}}`;
    case "legacy-irq":
      return `{"irq":${JSON.stringify(r.irq)},"kind":"legacy-irq","shared":${String(r.shared)}}`;
    case "mem-slot":
      return `{"base":${JSON.stringify(r.base)},"count":${JSON.stringify(r.count)},"kind":"mem-slot"}`;
    case "device-id":
      return `{"id":${JSON.stringify(r.id)},"kind":"device-id"}`;
    default:
      return `{"base":${JSON.stringify(r.base)},"count":${JSON.stringify(r.count)},"kind":${JSON.stringify(r.kind)}}`;
  }
}

/** One range of a snapshot pool; its JSON path is made only for messages (perf). */
class ParsedEntry {
  claimed = false;
  /** The range as the rebuilt pool handed it out (restore, allocated entries). */
  taken: Range | undefined = undefined;
  constructor(
    readonly range: Range,
    readonly state: "free" | "allocated" | "reserved",
    readonly who: string,
    readonly list: string,
    readonly index: number,
  ) {}

  get path(): string {
    return `${this.list}[${this.index}]`;
  }
}

/**
 * perf: the value of a `"0x…"` string of 1 to 13 lowercase hex digits (below
 * 2^52, so exact as a number), or -1 for anything else (which then takes the
 * full reader, with the same result or error).
 */
function smallHex(s: unknown): number {
  if (typeof s !== "string") return -1;
  const n = s.length;
  if (n < 3 || n > 15 || s.charCodeAt(0) !== 48 || s.charCodeAt(1) !== 120) return -1;
  let v = 0;
  for (let i = 2; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) v = v * 16 + (c - 48);
    else if (c >= 97 && c <= 102) v = v * 16 + (c - 87);
    else return -1;
  }
  return v;
}

/** `Map` key for a range's first value (a number when it is exact as one). */
function minKey(r: Range): number | bigint {
  return r.minHi < 0x200000 ? r.minHi * 4294967296 + r.minLo : r.min;
}

/** A power of two, for a number below 2^53. */
function isPow2Number(v: number): boolean {
  if (v <= 0) return false;
  while (v > 0x40000000) {
    if (v % 2 !== 0) return false;
    v /= 2;
  }
  return (v & (v - 1)) === 0;
}

const hasOwn = Object.hasOwn;

/** perf: a well-formed pool range with small hex bounds, read without the general reader; `undefined` sends it to the general reader. */
function fastEntry(x: unknown, list: string, index: number): ParsedEntry | undefined {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return undefined;
  const o = x as Record<string, unknown>;
  if (!hasOwn(o, "min") || !hasOwn(o, "max") || !hasOwn(o, "state")) return undefined;
  const min = smallHex(o["min"]);
  const max = smallHex(o["max"]);
  if (min < 0 || max < min) return undefined;
  const n = Object.keys(o).length;
  const state = o["state"];
  let who = "";
  if (state === "free") {
    if (n !== 3) return undefined;
  } else if (state === "allocated" || state === "reserved") {
    const key = state === "allocated" ? "owner" : "label";
    const w = o[key];
    if (n !== 4 || !hasOwn(o, key) || typeof w !== "string" || w.length === 0) return undefined;
    who = w;
  } else return undefined;
  return new ParsedEntry(new Range(min, max), state, who, list, index);
}

/** Merges adjacent or touching ranges into maximal segments. */
function segments(ranges: readonly Range[]): Range[] {
  const out: Range[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last !== undefined && last.max + 1n >= r.min) out[out.length - 1] = new Range(last.min, r.max > last.max ? r.max : last.max);
    else out.push(r);
  }
  return out;
}

function readPool(rd: Reader, value: unknown, path: string, layout: PoolLayout): { entries: ParsedEntry[]; byMin: Map<number | bigint, ParsedEntry> } {
  const o = rd.object(value, path, ["ranges"]);
  const list = rd.array(o["ranges"], `${path}.ranges`);
  const listPath = `${path}.ranges`;
  const entries: ParsedEntry[] = new Array<ParsedEntry>(list.length);
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    entries[i] = fastEntry(x, listPath, i) ?? readEntry(rd, x, listPath, i);
  }
  // The entries must tile the pool's space exactly, in address order.
  // perf: compared on 32-bit halves; bigints only for messages.
  const segs = segments(layout.ranges);
  let k = 0;
  for (const seg of segs) {
    let nextHi = seg.minHi;
    let nextLo = seg.minLo;
    let prevFree = false;
    while (nextHi < seg.maxHi || (nextHi === seg.maxHi && nextLo <= seg.maxLo)) {
      const e = entries[k];
      const next = (): bigint => Range.fromParts(nextHi, nextLo, nextHi, nextLo).min;
      if (e === undefined) rd.fail(`${path}.ranges`, `the ranges end before 0x${next().toString(16)}; the pool runs to 0x${seg.max.toString(16)}`);
      const r = e.range;
      if (r.minHi !== nextHi || r.minLo !== nextLo) rd.fail(`${e.path}.min`, `expected 0x${next().toString(16)} (ranges must be sorted, disjoint and cover the pool); got 0x${r.min.toString(16)}`);
      if (r.maxHi > seg.maxHi || (r.maxHi === seg.maxHi && r.maxLo > seg.maxLo)) rd.fail(`${e.path}.max`, `runs past the end of the pool range at 0x${seg.max.toString(16)}`);
      if (e.state === "free" && prevFree) rd.fail(`${e.path}.state`, "adjacent free ranges must be merged into one");
      prevFree = e.state === "free";
      k++;
      if (r.maxHi === seg.maxHi && r.maxLo === seg.maxLo) break;
      if (r.maxLo === 0xffffffff) {
        nextHi = r.maxHi + 1;
        nextLo = 0;
      } else {
        nextHi = r.maxHi;
        nextLo = r.maxLo + 1;
      }
    }
  }
  if (k < entries.length) rd.fail(`${path}.ranges[${k}]`, "lies outside the pool");
  // Tiled: at most one entry starts at any value.
  const byMin = new Map<number | bigint, ParsedEntry>();
  for (const e of entries) byMin.set(minKey(e.range), e);
  for (const res of layout.reserved) {
    const found = byMin.get(minKey(res.range));
    const hit = found !== undefined && found.range.equals(res.range) ? found : undefined;
    if (hit === undefined || hit.state !== "reserved" || hit.who !== res.label) {
      rd.fail(`${path}.ranges`, `the layout's reservation ${res.range} (${res.label}) is missing`);
    }
  }
  return { entries, byMin };
}

/** One pool range through the general reader (any form; exact errors). */
function readEntry(rd: Reader, x: unknown, listPath: string, i: number): ParsedEntry {
  const at = `${listPath}[${i}]`;
  const { min, max, raw } = rd.minMax(x, at, ["state", "owner", "label"]);
  const state = rd.string(raw["state"], `${at}.state`);
  if (state === "free") {
    if (raw["owner"] !== undefined) rd.fail(`${at}.owner`, "a free range has no owner");
    if (raw["label"] !== undefined) rd.fail(`${at}.label`, "a free range has no label");
    return new ParsedEntry(new Range(min, max), state, "", listPath, i);
  }
  if (state === "allocated") {
    if (raw["label"] !== undefined) rd.fail(`${at}.label`, "an allocated range has an owner, not a label");
    return new ParsedEntry(new Range(min, max), state, rd.nonEmptyString(raw["owner"], `${at}.owner`), listPath, i);
  }
  if (state === "reserved") {
    if (raw["owner"] !== undefined) rd.fail(`${at}.owner`, "a reserved range has a label, not an owner");
    return new ParsedEntry(new Range(min, max), state, rd.nonEmptyString(raw["label"], `${at}.label`), listPath, i);
  }
  return rd.fail(`${at}.state`, `expected "free", "allocated" or "reserved"; got ${kindOf(state)}`);
}

function isPow2(v: bigint): boolean {
  return v > 0n && (v & (v - 1n)) === 0n;
}

/** The keys of a snapshot resource, by kind. */
const RESOURCE_KEYS: ReadonlyMap<string, readonly string[]> = new Map([
  ["mmio", ["kind", "base", "size", "align", "window", "prefetchable", "is64bit"]],
  ["mem", ["kind", "base", "size", "align"]],
  ["pio", ["kind", "base", "size"]],
  ["legacy-irq", ["kind", "irq", "shared"]],
  ["mem-slot", ["kind", "base", "count"]],
  ["device-id", ["kind", "id"]],
  ["pci-msi", ["kind", "base", "count"]],
  ["pci-msix", ["kind", "base", "count"]],
  ["generic-msi", ["kind", "base", "count"]],
]);
const RESOURCE_OPTIONAL_KEYS: readonly string[] = ["base", "size", "align", "window", "prefetchable", "is64bit", "irq", "shared", "count", "id"];

const MMIO_KEYS = RESOURCE_KEYS.get("mmio") as readonly string[];
const MEM_KEYS = RESOURCE_KEYS.get("mem") as readonly string[];

/**
 * perf: a well-formed mmio or mem resource with small hex values, read without
 * the general reader; `undefined` for anything else, which then takes
 * {@link readResource} (same result, or its exact error).
 */
function fastResource(value: unknown, layout: Layout): { res: Resource; pool: PoolName | undefined; range: Range | undefined } | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const o = value as Record<string, unknown>;
  const kind = o["kind"];
  const keys = kind === "mmio" ? MMIO_KEYS : kind === "mem" ? MEM_KEYS : undefined;
  if (keys === undefined || Object.keys(o).length !== keys.length) return undefined;
  for (const k of keys) if (!hasOwn(o, k)) return undefined;
  const base = smallHex(o["base"]);
  const size = smallHex(o["size"]);
  const align = smallHex(o["align"]);
  if (base < 0 || size < 1 || !isPow2Number(align) || base % align !== 0) return undefined;
  const range = new Range(base, base + size - 1);
  if (kind === "mem") return { res: { kind, base: BigInt(base) as GuestAddress, size: BigInt(size), align: BigInt(align) }, pool: "mem", range };
  const window = o["window"];
  const prefetchable = o["prefetchable"];
  const is64bit = o["is64bit"];
  if (typeof prefetchable !== "boolean" || typeof is64bit !== "boolean") return undefined;
  const actual = layout.mmio.low.contains(range) ? "low" : layout.mmio.high !== undefined && layout.mmio.high.contains(range) ? "high" : undefined;
  if (actual === undefined || window !== actual) return undefined;
  return { res: { kind: "mmio", base: BigInt(base) as MmioAddress, size: BigInt(size), align: BigInt(align), window: actual, prefetchable, is64bit }, pool: "mmio", range };
}

function readResource(rd: Reader, value: unknown, at: string, layout: Layout): { res: Resource; pool: PoolName | undefined; range: Range | undefined } {
  const kindObj = rd.object(value, at, ["kind"], RESOURCE_OPTIONAL_KEYS);
  const kind = rd.string(kindObj["kind"], `${at}.kind`);
  if (!(REQUEST_KINDS as readonly string[]).includes(kind)) rd.fail(`${at}.kind`, `unknown resource kind ${kindOf(kind)}`);
  const o = rd.object(value, at, RESOURCE_KEYS.get(kind) ?? []);
  const withSize = (base: bigint, size: bigint, p: string): Range => {
    if (size < 1n) rd.fail(`${p}`, "must be at least 1");
    if (base + size - 1n > 0xffff_ffff_ffff_ffffn) rd.fail(p, "base + size runs past 2^64-1");
    return Range.withSize(base, size);
  };
  switch (kind) {
    case "mmio":
    case "mem": {
      const base = rd.u64(o["base"], `${at}.base`);
      const size = rd.u64(o["size"], `${at}.size`);
      const align = rd.u64(o["align"], `${at}.align`);
      if (!isPow2(align)) rd.fail(`${at}.align`, "must be a power of two");
      if (base % align !== 0n) rd.fail(`${at}.base`, `0x${base.toString(16)} is not aligned to 0x${align.toString(16)}`);
      const range = withSize(base, size, `${at}.size`);
      if (kind === "mem") return { res: { kind, base: base as GuestAddress, size, align }, pool: "mem", range };
      const window = rd.string(o["window"], `${at}.window`);
      const actual = layout.mmio.low.contains(range) ? "low" : layout.mmio.high !== undefined && layout.mmio.high.contains(range) ? "high" : undefined;
      if (window !== actual) rd.fail(`${at}.window`, `the range ${range} lies in the ${actual ?? "no"} window, not ${kindOf(window)}`);
      const prefetchable = rd.boolean(o["prefetchable"], `${at}.prefetchable`);
      const is64bit = rd.boolean(o["is64bit"], `${at}.is64bit`);
      return { res: { kind, base: base as MmioAddress, size, align, window, prefetchable, is64bit }, pool: "mmio", range };
    }
    case "pio": {
      const base = rd.int(o["base"], `${at}.base`, 0xffff);
      const size = rd.int(o["size"], `${at}.size`, 0x10000);
      return { res: { kind, base: base as PioPort, size }, pool: "pio", range: withSize(BigInt(base), BigInt(size), `${at}.size`) };
    }
    case "legacy-irq": {
      const irq = rd.int(o["irq"], `${at}.irq`, 0xffff_ffff);
      const shared = rd.boolean(o["shared"], `${at}.shared`);
      if (shared) {
        if (layout.legacyIrq.shared !== irq) rd.fail(`${at}.irq`, `the layout's shared IRQ is ${String(layout.legacyIrq.shared)}, not ${irq}`);
        return { res: { kind, irq: irq as Irq, shared }, pool: undefined, range: undefined };
      }
      return { res: { kind, irq: irq as Irq, shared }, pool: "legacyIrq", range: Range.point(irq) };
    }
    case "mem-slot": {
      const base = rd.int(o["base"], `${at}.base`, 0xffff_ffff);
      const count = rd.int(o["count"], `${at}.count`, 0xffff_ffff);
      return { res: { kind, base: base as MemSlot, count }, pool: "memSlot", range: withSize(BigInt(base), BigInt(count), `${at}.count`) };
    }
    case "device-id": {
      const id = rd.int(o["id"], `${at}.id`, 0xffff_ffff);
      return { res: { kind, id: id as DeviceId }, pool: "deviceId", range: Range.point(id) };
    }
    default: {
      const k = kind as "pci-msi" | "pci-msix" | "generic-msi";
      const base = rd.int(o["base"], `${at}.base`, 0xffff_ffff);
      const count = rd.int(o["count"], `${at}.count`, MSI_MAX_COUNT[k]);
      if (count < 1) rd.fail(`${at}.count`, "must be at least 1");
      if (k === "pci-msi") {
        if (!isPow2(BigInt(count))) rd.fail(`${at}.count`, "a pci-msi block has a power-of-two count");
        if (base % count !== 0) rd.fail(`${at}.base`, `a pci-msi block is aligned to its count ${count}`);
      }
      return { res: { kind: k, base: base as MsiVector, count }, pool: "msi", range: withSize(BigInt(base), BigInt(count), `${at}.count`) };
    }
  }
}

/**
 * Validates snapshot text and builds a manager from it with `create(layout)`;
 * throws only `AllocError` `INVALID_SNAPSHOT` with `details.path`.
 *
 * @example
 * ```ts
 * const rm2 = restoreSnapshot(text, (layout) => new ResourceManager(layout));
 * ```
 */
export function restoreSnapshot<M extends SnapshotTarget>(json: string, create: (layout: Layout) => M): M {
  const rd: Reader = new Reader("INVALID_SNAPSHOT");
  try {
    if (typeof json !== "string") rd.fail("$", `expected snapshot text; got ${kindOf(json)}`);
    let doc: unknown;
    try {
      doc = JSON.parse(json);
    } catch (e) {
      rd.fail("$", `not JSON: ${(e as Error).message}`);
    }
    const top = rd.object(doc, "$", ["format", "version", "layout", "pools", "owners"]);
    if (top["format"] !== SNAPSHOT_FORMAT) rd.fail("$.format", `expected ${JSON.stringify(SNAPSHOT_FORMAT)}; got ${kindOf(top["format"])}`);
    if (top["version"] !== SNAPSHOT_VERSION) rd.fail("$.version", `unsupported version ${kindOf(top["version"])}; this build reads version ${SNAPSHOT_VERSION}`);
    const layout = defineLayout(top["layout"], { code: "INVALID_SNAPSHOT", path: "$.layout" });

    const poolsObj = rd.object(top["pools"], "$.pools", POOL_NAMES);
    const pools = new Map<PoolName, ParsedEntry[]>();
    // perf: index entries by first value so matching resources is O(1) each (bench "restore").
    const byMin = new Map<PoolName, Map<number | bigint, ParsedEntry>>();
    for (const name of POOL_NAMES) {
      const read = readPool(rd, poolsObj[name], `$.pools.${name}`, layout[name]);
      pools.set(name, read.entries);
      byMin.set(name, read.byMin);
    }

    const ownersList = rd.array(top["owners"], "$.owners");
    const owners: { owner: string; resources: { res: Resource; entry: ParsedEntry | undefined }[] }[] = [];
    for (let i = 0; i < ownersList.length; i++) {
      const x = ownersList[i];
      const at = `$.owners[${i}]`;
      const o = rd.object(x, at, ["owner", "resources"]);
      const owner = rd.nonEmptyString(o["owner"], `${at}.owner`);
      const prev = owners[owners.length - 1];
      if (prev !== undefined && !(prev.owner < owner)) rd.fail(`${at}.owner`, `owners must be sorted by name without duplicates; ${JSON.stringify(owner)} follows ${JSON.stringify(prev.owner)}`);
      const list = rd.array(o["resources"], `${at}.resources`);
      if (list.length === 0) rd.fail(`${at}.resources`, "an owner holds at least one resource");
      const resources: { res: Resource; entry: ParsedEntry | undefined }[] = new Array(list.length);
      for (let j = 0; j < list.length; j++) {
        const r = list[j];
        const parsed = fastResource(r, layout) ?? readResource(rd, r, `${at}.resources[${j}]`, layout);
        if (parsed.pool !== undefined && parsed.range !== undefined) {
          const range = parsed.range;
          const found = byMin.get(parsed.pool)?.get(minKey(range));
          const entry = found !== undefined && found.range.equals(range) ? found : undefined;
          const p = (): string => `${at}.resources[${j}]`;
          if (entry === undefined || entry.state !== "allocated") rd.fail(p(), `${range} is not an allocated range of pool ${parsed.pool}`);
          if (entry.who !== owner) rd.fail(p(), `${range} of pool ${parsed.pool} is allocated to ${JSON.stringify(entry.who)}, not ${JSON.stringify(owner)}`);
          if (entry.claimed) rd.fail(p(), `${range} of pool ${parsed.pool} is recorded twice`);
          entry.claimed = true;
          resources[j] = { res: parsed.res, entry };
        } else resources[j] = { res: parsed.res, entry: undefined };
      }
      owners.push({ owner, resources });
    }
    for (const name of POOL_NAMES) {
      for (const e of pools.get(name) ?? []) {
        if (e.state === "allocated" && !e.claimed) rd.fail(`${e.path}.owner`, `${e.range} is allocated to ${JSON.stringify(e.who)}, which does not record it`);
      }
    }

    const m = create(layout);
    // perf: every range is placed in address order (each one carves the start
    // of the free space left), then owners are recorded with the ranges the
    // pools handed out (bench "restore").
    for (const name of POOL_NAMES) {
      const fromLayout = layout[name].reserved;
      const pool = m.pool(name);
      for (const e of pools.get(name) ?? []) {
        if (e.state === "reserved" && !fromLayout.some((r) => r.range.equals(e.range))) m.reserve(name, e.range, e.who);
        else if (e.state === "allocated") e.taken = pool.allocateExact(e.who, e.range);
      }
    }
    for (const o of owners) {
      for (const r of o.resources) m._record(o.owner, r.res, r.entry?.taken);
    }
    m.checkInvariants();
    return m;
  } catch (e) {
    if (isAllocError(e) && e.code === "INVALID_SNAPSHOT") throw e;
    const path = isAllocError(e) && e.details.path !== undefined ? e.details.path : "$";
    throw new AllocError("INVALID_SNAPSHOT", `${path}: ${e instanceof Error ? e.message : String(e)}`, { path }, { cause: e });
  }
}
