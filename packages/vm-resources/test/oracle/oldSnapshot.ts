/**
 * Test-only oracle: the snapshot reader and writer as they were before the
 * fast codec (commit f8dbfea), kept verbatim apart from import paths and the
 * unused exports dropped. The
 * property tests in `snapshotCodec.test.ts` check that the production codec
 * writes the same bytes and accepts exactly what this reader accepts, with
 * the same error (code, path and message). Not part of the package.
 */
import { AllocError, Range, isAllocError } from "@alloc/constraint";
import type { NodeState } from "@alloc/core";
import { POOL_NAMES, defineLayout, layoutToJSON } from "../../src/Layout.js";
import type { Layout, PoolName, Reservation } from "../../src/Layout.js";
import { ANY_RESOURCE_KEYS, REQUEST_KINDS, kindNamed } from "../../src/kinds/registry.js";
import type { AnyKind } from "../../src/kinds/registry.js";
import type { ResourceReader } from "../../src/kinds/Kind.js";
import { IdPool } from "../../src/pools/IdPool.js";
import type { OwnerRecord, Pool } from "../../src/pools/Pool.js";

/** A sorted, checked entry of a pool's tiling. */
type PoolBuildEntry = readonly [Range, NodeState<OwnerRecord>];
import { RangePool } from "../../src/pools/RangePool.js";
import type { Resource } from "../../src/requests.js";
import { quoteText } from "@alloc/constraint";
import { Reader, hex, kindOf } from "../../src/internal/validate.js";

/**
 * Each kind's `toJSON` as it was (commit f8dbfea), so the bytes the kinds'
 * `write` methods give are held to the old records, not to themselves.
 */
// biome-ignore lint/suspicious/noExplicitAny: one untyped table over every kind's resource
const OLD_TO_JSON: Readonly<Record<Resource["kind"], (res: any) => Record<string, unknown>>> = {
  "device-id": (res) => ({ id: res.id, kind: "device-id" }),
  "legacy-irq": (res) => ({ irq: res.irq, kind: "legacy-irq", shared: res.shared }),
  mem: (res) => ({ align: hex(res.align), base: hex(res.base), kind: "mem", size: hex(res.size) }),
  "mem-slot": (res) => ({ base: res.base, count: res.count, kind: "mem-slot" }),
  "pci-msi": (res) => ({ base: res.base, count: res.count, kind: "pci-msi" }),
  "pci-msix": (res) => ({ base: res.base, count: res.count, kind: "pci-msix" }),
  "generic-msi": (res) => ({ base: res.base, count: res.count, kind: "generic-msi" }),
  pio: (res) => ({ base: res.base, kind: "pio", size: res.size }),
  mmio: (res) => ({
    align: hex(res.align),
    base: hex(res.base),
    is64bit: res.is64bit,
    kind: "mmio",
    prefetchable: res.prefetchable,
    size: hex(res.size),
    window: res.window,
  }),
};

/** The `format` field of every snapshot. */
const SNAPSHOT_FORMAT = "@alloc/vm-resources/snapshot";
/** The snapshot version written. */
const SNAPSHOT_VERSION = 2;
/** Every version {@link readSnapshot} (and so `ResourceManager.restore`) reads. */
const SNAPSHOT_VERSIONS_READ: readonly number[] = Object.freeze([1, 2]);

/** What writing a snapshot needs from a manager. */
export interface SnapshotSource {
  /** The layout the pools were built from. */
  readonly layout: Layout;
  /** Owners and their resources, any order. */
  ownerEntries(): Iterable<readonly [string, readonly Resource[]]>;
  /** Reservations made after the layout, per pool. */
  extraReservations(pool: PoolName): readonly Reservation[];
}

/** A manager's state read back from a snapshot, pools built. */
interface RestoredState {
  /** The checked layout. */
  readonly layout: Layout;
  /** Every pool, built. */
  readonly pools: ReadonlyMap<PoolName, Pool>;
  /** Owners (sorted) with their resources and the pool range of each (`undefined`: the shared IRQ). */
  readonly owners: readonly (readonly [string, Resource[], (Range | undefined)[], OwnerRecord])[];
  /** Reservations made after the layout, per pool. */
  readonly extra: ReadonlyMap<PoolName, Reservation[]>;
}

/** The pool names in the order canonical JSON lists them (sorted keys). */
const SORTED_POOL_NAMES: readonly PoolName[] = [...POOL_NAMES].sort();

/** `value` with object keys sorted at every level (for the small layout part). */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = sortedKeys(v);
  }
  return out;
}

/**
 * The snapshot text of a manager (see `ResourceManager.snapshot`).
 *
 * @example
 * ```ts
 * writeSnapshot(rm) === rm.snapshot(); // true
 * ```
 */
export function oldWriteSnapshot(source: SnapshotSource): string {
  const list = [...source.ownerEntries()];
  list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  // perf: the document is built with its keys in sorted order and written by
  // JSON.stringify, which keeps insertion order (bench "snapshot").
  const owners = new Array<unknown>(list.length);
  for (let i = 0; i < list.length; i++) {
    const [owner, res] = list[i] as readonly [string, readonly Resource[]];
    const resources = new Array<unknown>(res.length);
    for (let j = 0; j < res.length; j++) {
      const r = res[j] as Resource;
      resources[j] = OLD_TO_JSON[r.kind](r as never);
    }
    owners[i] = { owner, resources };
  }
  const reserved: Record<string, unknown> = {};
  for (const name of SORTED_POOL_NAMES) {
    const extra = source.extraReservations(name);
    if (extra.length > 0) reserved[name] = extra.map((r) => ({ label: r.label, max: hex(r.range.max), min: hex(r.range.min) }));
  }
  return JSON.stringify({ format: SNAPSHOT_FORMAT, layout: sortedKeys(layoutToJSON(source.layout)), owners, reserved, version: SNAPSHOT_VERSION });
}

/**
 * Reads snapshot fields: u64s as numbers or `"0x…"` strings. Its input is
 * always `JSON.parse` output (plain data: own enumerable string keys, no
 * getters), so objects are checked in place rather than copied; a mistake
 * goes to the general reader for its exact message.
 */
class SnapshotReader extends Reader {
  constructor() {
    super("INVALID_SNAPSHOT");
  }

  /** The reader the kinds' codecs use: fields named by record and key (the path is built only for a message). */
  readonly fields: ResourceReader = {
    code: "INVALID_SNAPSHOT",
    u64: (value, at, key) => {
      const v = typeof value === "string" ? smallHex(value) : -1;
      return v >= 0 ? BigInt(v) : this.u64(value, `${at}.${key}`);
    },
    boolean: (value, at, key) => (typeof value === "boolean" ? value : this.boolean(value, `${at}.${key}`)),
    string: (value, at, key) => (typeof value === "string" ? value : this.string(value, `${at}.${key}`)),
    fail: (path, message) => this.fail(path, message),
  };

  override object(value: unknown, path: string, required: readonly string[], optional: readonly string[] = []): Readonly<Record<string, unknown>> {
    return this.fastObject(value, required, optional) ?? super.object(value, path, required, optional);
  }

  /** `value` when it is an object with every `required` key and no key outside `required`/`optional`; else `undefined` (the caller then asks {@link object} for the message). */
  fastObject(value: unknown, required: readonly string[], optional: readonly string[] = NONE): Readonly<Record<string, unknown>> | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    const o = value as Record<string, unknown>;
    for (const key in o) if (!required.includes(key) && !optional.includes(key)) return undefined;
    for (let i = 0; i < required.length; i++) if (o[required[i] as string] === undefined) return undefined;
    return o;
  }

  override u64(value: unknown, path: string): bigint {
    const v = typeof value === "string" ? smallHex(value) : -1;
    return v >= 0 ? BigInt(v) : super.u64(value, path);
  }
}

const NONE: readonly string[] = [];

/** perf: the value of `"0x"` + 1..13 lowercase hex digits (below 2^52, exact as a number), or -1 for anything else. */
function smallHex(s: string): number {
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

/** A taken range found while reading, with where it was found (its path is made only for messages). */
class Taken {
  /** The first value as a number when exact (the sort key), else `Infinity` (then compared as bigints). */
  readonly key: number;
  constructor(
    readonly range: Range,
    readonly state: NodeState<OwnerRecord>,
    readonly list: string,
    readonly index: number,
    readonly item: number,
  ) {
    const min = range.min;
    this.key = min <= 0x1f_ffff_ffff_ffffn ? Number(min) : Infinity;
  }

  get at(): string {
    return this.item < 0 ? `${this.list}[${this.index}]` : `${this.list}[${this.index}].resources[${this.item}]`;
  }
}

const mkRange = (min: bigint, max: bigint): Range => new Range(min, max);

function byMin(a: Taken, b: Taken): number {
  if (a.key !== Infinity || b.key !== Infinity) return a.key - b.key;
  const x = a.range.min;
  const y = b.range.min;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Reads and checks snapshot text and builds the pools it describes; throws
 * only `AllocError` `INVALID_SNAPSHOT` with `details.path`.
 *
 * @example
 * ```ts
 * const state = readSnapshot(rm.snapshot());
 * ```
 */
export function oldReadSnapshot(json: unknown): RestoredState {
  const rd: SnapshotReader = new SnapshotReader();
  try {
    if (typeof json !== "string") rd.fail("$", `expected snapshot text; got ${kindOf(json)}`);
    let doc: unknown;
    try {
      doc = JSON.parse(json);
    } catch (e) {
      rd.fail("$", `not JSON: ${quoteText((e as Error).message)}`);
    }
    const top = rd.object(doc, "$", ["format", "version", "layout", "owners"], ["pools", "reserved"]);
    if (top["format"] !== SNAPSHOT_FORMAT) rd.fail("$.format", `expected ${JSON.stringify(SNAPSHOT_FORMAT)}; got ${kindOf(top["format"])}`);
    const version = top["version"];
    if (version !== 1 && version !== 2)
      rd.fail("$.version", `unsupported version ${kindOf(version)}; this build reads versions ${SNAPSHOT_VERSIONS_READ.join(", ")}`);
    if (version === 2 && top["pools"] !== undefined) rd.fail("$.pools", "a version 2 snapshot lists no pools (free space is implied)");
    if (version === 1 && top["reserved"] !== undefined) rd.fail("$.reserved", "a version 1 snapshot lists reservations in its pools");
    if (version === 1 && top["pools"] === undefined) rd.fail("$.pools", "missing");
    const layout = defineLayout(top["layout"], { code: "INVALID_SNAPSHOT", path: "$.layout" });

    const taken = new Map<PoolName, Taken[]>(
      POOL_NAMES.map((n) => [
        n,
        layout[n].reserved.map((r, i) => new Taken(r.range, { kind: "valued", value: { kind: "reserved", label: r.label } }, `$.layout.${n}.reserved`, i, -1)),
      ]),
    );
    const owners = readOwners(rd, top["owners"], layout, taken);
    const extra = new Map<PoolName, Reservation[]>();
    if (version === 2) {
      const res = top["reserved"] === undefined ? {} : rd.object(top["reserved"], "$.reserved", [], POOL_NAMES);
      for (const name of POOL_NAMES) {
        const list = (res as Readonly<Record<string, unknown>>)[name];
        if (list === undefined) continue;
        const at = `$.reserved.${name}`;
        const items = rd.array(list, at);
        const out: Reservation[] = [];
        for (let i = 0; i < items.length; i++) {
          const { min, max, raw } = rd.minMax(items[i], `${at}[${i}]`, ["label"]);
          const label = rd.nonEmptyString(raw["label"], `${at}[${i}].label`);
          const range = new Range(min, max);
          out.push(Object.freeze({ range, label }));
          (taken.get(name) as Taken[]).push(new Taken(range, { kind: "valued", value: { kind: "reserved", label } }, at, i, -1));
        }
        if (out.length > 0) extra.set(name, out);
      }
    }
    const listed = new Map<PoolName, ListedV1[]>();
    if (version === 1) {
      const poolsObj = rd.object(top["pools"], "$.pools", POOL_NAMES);
      for (const name of POOL_NAMES) {
        const list = readV1(rd, poolsObj[name], `$.pools.${name}`);
        listed.set(name, list);
        const out: Reservation[] = [];
        for (const e of list) {
          if (e.state !== "reserved" || layout[name].reserved.some((r) => r.range.equals(e.range))) continue;
          const label = rd.nonEmptyString(e.label, `${e.at}.label`);
          out.push(Object.freeze({ range: e.range, label }));
          (taken.get(name) as Taken[]).push(new Taken(e.range, { kind: "valued", value: { kind: "reserved", label } }, `$.pools.${name}.ranges`, e.index, -1));
        }
        if (out.length > 0) extra.set(name, out);
      }
    }
    const pools = new Map<PoolName, Pool>();
    for (const name of POOL_NAMES) {
      const list = (taken.get(name) as Taken[]).sort(byMin);
      const entries = tile(layout[name].ranges, list, (k, message) => rd.fail((list[k] as Taken).at, message), mkRange);
      const v1 = listed.get(name);
      if (v1 !== undefined) compareV1(rd, v1, `$.pools.${name}`, entries);
      // The pools are built the production way (the oracle checks the reader, not the builders).
      const held = entries.filter((e) => e[1].kind === "valued") as [Range, { kind: "valued"; value: OwnerRecord }][];
      const built = { ranges: held.map((e) => e[0]), records: held.map((e) => e[1].value) };
      const never = (): never => {
        throw new Error("oracle: the tiling was checked above");
      };
      pools.set(
        name,
        name === "deviceId" || name === "memSlot"
          ? IdPool.fromTaken(name, layout[name].ranges, built, never)
          : RangePool.fromTaken(name, layout[name].ranges, built, never),
      );
    }
    return { layout, pools, owners, extra };
  } catch (e) {
    if (isAllocError(e) && e.code === "INVALID_SNAPSHOT") throw e;
    const path = isAllocError(e) && e.details.path !== undefined ? e.details.path : "$";
    throw new AllocError("INVALID_SNAPSHOT", `${path}: ${e instanceof Error ? e.message : String(e)}`, { path }, { cause: e });
  }
}

function readOwners(
  rd: SnapshotReader,
  value: unknown,
  layout: Layout,
  taken: Map<PoolName, Taken[]>,
): [string, Resource[], (Range | undefined)[], OwnerRecord][] {
  const list = rd.array(value, "$.owners");
  const owners: [string, Resource[], (Range | undefined)[], OwnerRecord][] = new Array(list.length);
  const path = (i: number, j?: number): string => (j === undefined ? `$.owners[${i}]` : `$.owners[${i}].resources[${j}]`);
  // perf: paths are written only for a message (bench "restore").
  const at = new ResourceAt();
  let prev: string | undefined;
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const o = rd.fastObject(item, OWNER_KEYS) ?? rd.object(item, path(i), OWNER_KEYS);
    const name = o["owner"];
    const owner = typeof name === "string" && name.length > 0 ? name : rd.nonEmptyString(name, `${path(i)}.owner`);
    if (prev !== undefined && !(prev < owner))
      rd.fail(`${path(i)}.owner`, `owners must be sorted by name without duplicates; ${quoteText(owner)} follows ${quoteText(prev)}`);
    prev = owner;
    const held = o["resources"];
    const items = Array.isArray(held) ? (held as readonly unknown[]) : rd.array(held, `${path(i)}.resources`);
    if (items.length === 0) rd.fail(`${path(i)}.resources`, "an owner holds at least one resource");
    const record: OwnerRecord = { kind: "owner", owner };
    const state: NodeState<OwnerRecord> = { kind: "valued", value: record };
    const resources: Resource[] = new Array<Resource>(items.length);
    const ranges: (Range | undefined)[] = new Array<Range | undefined>(items.length);
    at.owner = i;
    for (let j = 0; j < items.length; j++) {
      const item = items[j];
      at.item = j;
      const kindName = typeof item === "object" && item !== null ? (item as Record<string, unknown>)["kind"] : undefined;
      const kind = kindName === undefined ? undefined : KIND_BY_NAME.get(kindName as string);
      // The kind's own keys, all present; anything else goes to the general reader for its message.
      const rec =
        kind === undefined
          ? readUnknownResource(rd, item, path(i, j))
          : (rd.fastObject(item, kind.resourceKeys) ?? rd.object(item, path(i, j), kind.resourceKeys));
      const k = kind ?? kindNamed(rec["kind"], `${path(i, j)}.kind`, "INVALID_SNAPSHOT");
      const res = k.read(rec, at, layout, rd.fields);
      const range = k.rangeOf(res);
      resources[j] = res;
      ranges[j] = range;
      if (range !== undefined) (taken.get(k.pool) as Taken[]).push(new Taken(range, state, "$.owners", i, j));
    }
    owners[i] = [owner, resources, ranges, record];
  }
  return owners;
}

const OWNER_KEYS: readonly string[] = ["owner", "resources"];

/** The resource being read, written as its path only when a message needs it. */
class ResourceAt {
  owner = 0;
  item = 0;
  toString(): string {
    return `$.owners[${this.owner}].resources[${this.item}]`;
  }
}
const KIND_BY_NAME: ReadonlyMap<string, AnyKind> = new Map(REQUEST_KINDS.map((n) => [n, kindNamed(n)]));

/** A resource whose kind is missing or unknown: the error names the key or the kind. */
function readUnknownResource(rd: SnapshotReader, item: unknown, at: string): Readonly<Record<string, unknown>> {
  const rec = rd.object(
    item,
    at,
    ["kind"],
    ANY_RESOURCE_KEYS.filter((k) => k !== "kind"),
  );
  kindNamed(rec["kind"], `${at}.kind`, "INVALID_SNAPSHOT");
  return rec;
}

interface ListedV1 {
  readonly range: Range;
  readonly state: string;
  readonly owner: unknown;
  readonly label: unknown;
  readonly at: string;
  readonly index: number;
}

/** Version 1: one pool's listing, each range read once. */
function readV1(rd: SnapshotReader, value: unknown, path: string): ListedV1[] {
  const o = rd.object(value, path, ["ranges"]);
  const list = rd.array(o["ranges"], `${path}.ranges`);
  const out: ListedV1[] = [];
  for (let i = 0; i < list.length; i++) {
    const at = `${path}.ranges[${i}]`;
    const { min, max, raw } = rd.minMax(list[i], at, ["state", "owner", "label"]);
    out.push({ range: new Range(min, max), state: rd.string(raw["state"], `${at}.state`), owner: raw["owner"], label: raw["label"], at, index: i });
  }
  return out;
}

/** Version 1: the pool listing must be exactly the tiling the owners and reservations give. */
function compareV1(rd: SnapshotReader, listed: readonly ListedV1[], path: string, entries: readonly PoolBuildEntry[]): void {
  for (let i = 0; i < listed.length; i++) {
    const { range, state, owner, label, at } = listed[i] as ListedV1;
    const want = entries[i];
    if (want === undefined || !want[0].equals(range))
      rd.fail(at, `${range} is not the pool's next range (expected ${want === undefined ? "no more ranges" : String(want[0])})`);
    const st = want[1];
    const wantState = st.kind === "free" ? "free" : st.kind === "valued" && st.value.kind === "owner" ? "allocated" : "reserved";
    if (state !== wantState) rd.fail(`${at}.state`, `expected ${wantState}; got ${kindOf(state)}`);
    if (st.kind === "valued" && st.value.kind === "owner" && owner !== st.value.owner)
      rd.fail(`${at}.owner`, `expected ${quoteText(st.value.owner)}; got ${kindOf(owner)}`);
    if (st.kind === "valued" && st.value.kind === "reserved" && label !== st.value.label)
      rd.fail(`${at}.label`, `expected ${quoteText(st.value.label)}; got ${kindOf(label)}`);
    if (wantState !== "allocated" && owner !== undefined) rd.fail(`${at}.owner`, `a ${wantState} range has no owner`);
    if (wantState !== "reserved" && label !== undefined) rd.fail(`${at}.label`, `a ${wantState} range has no label`);
  }
  if (listed.length !== entries.length) rd.fail(`${path}.ranges`, `the pool has ${entries.length} ranges; ${listed.length} are listed`);
}

/**
 * The tiling of a pool: its layout ranges with the taken entries (sorted by
 * address) in place and free ranges in the gaps. Throws `fail(index, message)`
 * for an entry that overlaps the one before it or lies outside every range.
 * O(ranges + entries); each bound is read once.
 */
function tile(
  space: readonly Range[],
  taken: readonly Taken[],
  fail: (index: number, message: string) => never,
  makeRange: (min: bigint, max: bigint) => Range,
): PoolBuildEntry[] {
  const out: PoolBuildEntry[] = [];
  const FREE = { kind: "free" } as const;
  let k = 0;
  for (const seg of segments(space, makeRange)) {
    const segMax = seg.max;
    let next = seg.min;
    while (k < taken.length) {
      const e = taken[k] as Taken;
      const r = e.range;
      const min = r.min;
      if (min > segMax) break;
      const max = r.max;
      // The messages of the tiling in @alloc/core's fromTaken (changed since f8dbfea: a range that starts
      // inside the one before it overlaps it, named; any other misplaced start lies outside the pool).
      const before = k > 0 ? (taken[k - 1] as Taken).range : undefined;
      if (min < next) fail(k, before !== undefined && min <= before.max ? `${r} overlaps the range before it, ${before}` : `${r} lies outside the pool`);
      if (max > segMax) fail(k, `${r} runs past the end of the pool range it starts in`);
      if (min > next) out.push([makeRange(next, min - 1n), FREE]);
      out.push([r, e.state]);
      k++;
      if (max === segMax) {
        next = -1n;
        break;
      }
      next = max + 1n;
    }
    if (next >= 0n) out.push([makeRange(next, segMax), FREE]);
  }
  if (k < taken.length) fail(k, `${(taken[k] as Taken).range} lies outside the pool`);
  return out;
}

/** Layout ranges with touching neighbours merged (an allocation may span them). */
function segments(space: readonly Range[], makeRange: (min: bigint, max: bigint) => Range): Range[] {
  const out: Range[] = [];
  for (const r of space) {
    const last = out[out.length - 1];
    if (last !== undefined && last.max + 1n === r.min) out[out.length - 1] = makeRange(last.min, r.max);
    else out.push(r);
  }
  return out;
}
