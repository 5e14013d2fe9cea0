/**
 * Snapshots: the whole state of a resource manager as versioned canonical JSON.
 *
 * Representation (version 2): `{ format, layout, owners, reserved, version }`
 * with keys sorted at every level, u64 addresses as `"0x…"` strings. Each
 * allocation is listed once: owners sorted by name, each with its resources in
 * request order (every kind writes its own entry). `reserved` lists, per pool,
 * the reservations made after the layout (`reserve()`); free space is what is
 * left. Equal states give byte-identical text.
 * Restore reads the parsed document in one pass, every key of every object
 * checked (layout included), each resource through its kind's codec (window,
 * alignment and pool membership), then builds each pool at once from its
 * sorted entries: no replay, no second pass. Version 1 (every pool range
 * listed beside the owners) is still read; its pool listing must agree with
 * the owners exactly. Throws only `AllocError` `INVALID_SNAPSHOT` with
 * `details.path`. Cost: O(n log n) to restore (one sort per pool), O(n) to
 * write from owners already in name order (the manager keeps that order).
 */
import { AllocError, Range, U64_MAX, describeValue, isAllocError } from "@alloc/constraint";
import type { RangeLike } from "@alloc/constraint";
import { readNested } from "./kinds/fields.js";
import { readResourceValue } from "./requests.js";
import { POOL_NAMES, defineLayout, layoutToJSON } from "./Layout.js";
import type { Layout, PoolName, Reservation } from "./Layout.js";
import { ANY_RESOURCE_KEYS, findKind, kindNamed } from "./kinds/registry.js";
import type { AnyKind } from "./kinds/registry.js";
import type { ResourceReader } from "./kinds/Kind.js";
import { IdPool } from "./pools/IdPool.js";
import type { OwnerRecord, Pool, PoolEntry } from "./pools/Pool.js";
import { RangePool } from "./pools/RangePool.js";
import type { Resource } from "./requests.js";
import { quoteText, safeLine } from "@alloc/constraint";
import { JsonWriter } from "./internal/JsonWriter.js";
import { Reader, hex, keyPath, kindOf } from "./internal/validate.js";
import type { Tag } from "./internal/validate.js";
import { kindOfResource } from "./kinds/registry.js";

/** The `format` field of every snapshot. */
export const SNAPSHOT_FORMAT = "@alloc/vm-resources/snapshot";
/** The snapshot version written. */
export const SNAPSHOT_VERSION = 2;
/** Every version {@link readSnapshot} (and so `ResourceManager.restore`) reads. */
export const SNAPSHOT_VERSIONS_READ: readonly number[] = Object.freeze([1, 2]);

/** What writing a snapshot needs from a manager (internal: the manager's own, trusted state). */
export interface SnapshotSource {
  /** The layout the pools were built from. */
  readonly layout: Layout;
  /** Owners and their resources, sorted by name. */
  readonly owners: readonly {
    /** The owner's name. */
    readonly owner: string;
    /** Its resources, in request order. */
    readonly resources: readonly Resource[];
  }[];
  /** Reservations made after the layout, per pool. */
  extraReservations(pool: PoolName): readonly Reservation[];
}

/** A manager's state read back from a snapshot, pools built. */
export interface RestoredState {
  /** The checked layout. */
  readonly layout: Layout;
  /** Every pool, built. */
  readonly pools: ReadonlyMap<PoolName, Pool>;
  /** Owners, sorted by name, each with what it holds. */
  readonly owners: readonly RestoredOwner[];
  /** Reservations made after the layout, per pool. */
  readonly extra: ReadonlyMap<PoolName, Reservation[]>;
}

/**
 * What an owner holds, in request order. It is also the owner record its
 * pool ranges are valued with, and the manager keeps it as it is (perf: one
 * object per owner, not a record beside a holding; bench "restore").
 */
export interface RestoredOwner {
  /** Held by a device. */
  readonly kind: "owner";
  /** The owner's name. */
  readonly owner: string;
  /** Its resources. */
  resources: Resource[];
  /** The pool range of each resource (`undefined`: the shared IRQ). */
  ranges: (Range | undefined)[];
}

/**
 * JSON text with object keys sorted at every level and no spaces: the
 * canonical form used by snapshots (bigints as `"0x…"` strings). Each key and
 * element is read once; a value JSON cannot carry exactly (`undefined` but as
 * an object's value, which is left out; a function, a symbol, a non-finite
 * number, a bigint outside `0 .. 2^64-1`, a cycle, an object that is not
 * plain) throws `INVALID_ARGUMENT` naming its path.
 *
 * @example
 * ```ts
 * canonicalJSON({ b: 1, a: [true, "x"] }); // '{"a":[true,"x"],"b":1}'
 * ```
 */
export function canonicalJSON(value: unknown): string {
  return canonical(value, "value", new Set(), 0);
}

/** How deep {@link canonicalJSON} follows nested arrays and objects, and how long an array it takes. */
const MAX_DEPTH = 1000;
const MAX_ITEMS = 2 ** 24;
// How much of a value's path a message shows (a path nests up to MAX_DEPTH keys of up to ~80 quoted characters); `details.argument` keeps it whole.
const PATH_SHOWN = 160;

/**
 * One value of {@link canonicalJSON} at `path`: each own key and element read
 * once; `undefined`-valued keys left out as `JSON.stringify` leaves them;
 * anything JSON cannot carry exactly (`undefined` elsewhere, functions,
 * symbols, non-finite numbers, bigints outside `0 .. 2^64-1`, cycles, objects
 * that are not plain) is `INVALID_ARGUMENT` naming the path.
 */
function canonical(value: unknown, path: string, open: Set<object>, depth: number): string {
  const bad = (what: string): never => {
    throw new AllocError("INVALID_ARGUMENT", `canonicalJSON: ${safeLine(path, PATH_SHOWN)} must be ${what}; got ${describeValue(value)}`, { argument: path });
  };
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : bad("a finite number");
    case "bigint":
      return value >= 0n && value <= U64_MAX ? `"${hex(value)}"` : bad("a bigint in 0..2^64-1");
    case "object":
      if (value === null) return "null";
      break;
    default:
      return bad("a JSON value");
  }
  const o = value as object;
  if (open.has(o)) bad("acyclic");
  if (depth >= MAX_DEPTH) bad(`nested at most ${MAX_DEPTH} deep`);
  let list: boolean;
  let keys: string[];
  try {
    list = Array.isArray(o);
    const proto = Object.getPrototypeOf(o);
    if (!list && proto !== Object.prototype && proto !== null) bad("a plain object or an array");
    keys = list ? [] : Object.keys(o);
  } catch (e) {
    if (isAllocError(e)) throw e;
    throw new AllocError("INVALID_ARGUMENT", `canonicalJSON: ${safeLine(path, PATH_SHOWN)} cannot be read`, { argument: path }, { cause: e });
  }
  const read = (key: string | number): unknown => {
    try {
      return (o as Record<string | number, unknown>)[key];
    } catch (e) {
      throw new AllocError(
        "INVALID_ARGUMENT",
        `canonicalJSON: reading ${safeLine(`${path}${typeof key === "number" ? `[${key}]` : `.${quoteText(key)}`}`, PATH_SHOWN)} threw`,
        { argument: path },
        { cause: e },
      );
    }
  };
  open.add(o);
  try {
    if (list) {
      const n = read("length");
      if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0 || n > MAX_ITEMS) bad(`an array of at most ${MAX_ITEMS} elements`);
      const items: string[] = [];
      for (let i = 0; i < (n as number); i++) items.push(canonical(read(i), `${path}[${i}]`, open, depth + 1));
      return `[${items.join(",")}]`;
    }
    const fields: string[] = [];
    for (const k of keys.sort()) {
      const v = read(k);
      if (v !== undefined) fields.push(`${JSON.stringify(k)}:${canonical(v, `${path}${keyPath(k)}`, open, depth + 1)}`);
    }
    return `{${fields.join(",")}}`;
  } finally {
    open.delete(o);
  }
}

/**
 * The snapshot form of one pool range. `e` is read once: a range (a `Range`
 * or `{ min, max }`), a `state` of `"free"`, `"allocated"` (with a string
 * `owner`) or `"reserved"` (with a string `label`), nothing else; anything
 * else is `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * entryJSON(e); // { min: "0x0", max: "0xf", state: "free" }
 * ```
 */
export function entryJSON(e: PoolEntry): Record<string, unknown> {
  const rec = readNested(e, ENTRY_KEYS, "entry", "INVALID_ARGUMENT");
  const state = rec["state"];
  const name = state === "allocated" ? "owner" : state === "reserved" ? "label" : undefined;
  const ok =
    (state === "free" || name !== undefined) &&
    (name === undefined || typeof rec[name] === "string") &&
    (name === "owner" || rec["owner"] === undefined) &&
    (name === "label" || rec["label"] === undefined);
  if (!ok)
    throw new AllocError(
      "INVALID_ARGUMENT",
      `entry: expected a free, allocated (owner) or reserved (label) range; got state ${describeValue(state)}${name === undefined ? "" : ` with ${name} ${describeValue(rec[name])}`}`,
      {
        argument: "entry",
      },
    );
  const range = Range.from(rec["range"] as RangeLike, "entry.range");
  return entryJSONOwn({ ...(rec as PoolEntry), range } as PoolEntry);
}

const ENTRY_KEYS: readonly string[] = ["range", "state", "owner", "label"];

/** {@link entryJSON} of an entry this package made (trusted as it is). */
export function entryJSONOwn(e: PoolEntry): Record<string, unknown> {
  const base = { min: hex(e.range.min), max: hex(e.range.max), state: e.state };
  if (e.state === "allocated") return { ...base, owner: e.owner };
  if (e.state === "reserved") return { ...base, label: e.label };
  return base;
}

/**
 * The snapshot form of one resource, as its kind writes it; the resource is
 * read once and its values checked (`readResourceValue`: `INVALID_ARGUMENT`
 * naming the field).
 *
 * @example
 * ```ts
 * resourceJSON(res); // { base: 1016, kind: "pio", size: 8 }
 * ```
 */
export function resourceJSON(r: Resource): Record<string, unknown> {
  return resourceJSONOwn(readResourceValue(r));
}

/** {@link resourceJSON} of a resource this package made (trusted as it is). */
export function resourceJSONOwn(r: Resource): Record<string, unknown> {
  return { ...kindOfResource(r).toJSON(r) };
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
 * The snapshot text of a manager (see `ResourceManager.snapshot`): the same
 * bytes as `JSON.stringify` of the document with its keys in sorted order,
 * written directly by one writer (perf: no document of intermediate objects,
 * bench "snapshot"). Internal: `source` is the manager's own state, trusted
 * as it is (the package exports `ResourceManager.snapshot`, not this).
 *
 * @example
 * ```ts
 * writeSnapshot({ layout: rm.layout, owners: () => holdings.values(), extraReservations: (pool) => extra.get(pool) ?? [] });
 * ```
 */
export function writeSnapshot(source: SnapshotSource): string {
  const list = source.owners;
  const w = new JsonWriter();
  w.raw(`{"format":${JSON.stringify(SNAPSHOT_FORMAT)},"layout":${JSON.stringify(sortedKeys(layoutToJSON(source.layout)))},"owners":[`);
  for (let i = 0; i < list.length; i++) {
    const { owner, resources: res } = list[i] as { readonly owner: string; readonly resources: readonly Resource[] };
    w.raw(i === 0 ? '{"owner":' : ',{"owner":');
    w.string(owner);
    w.raw(',"resources":[');
    for (let j = 0; j < res.length; j++) {
      const r = res[j] as Resource;
      if (j > 0) w.byte(0x2c);
      w.openObject();
      kindOfResource(r).write(r, w);
      w.closeObject();
    }
    w.raw("]}");
  }
  const reserved: Record<string, unknown> = {};
  for (const name of SORTED_POOL_NAMES) {
    const extra = source.extraReservations(name);
    if (extra.length > 0) reserved[name] = extra.map((r) => ({ label: r.label, max: hex(r.range.max), min: hex(r.range.min) }));
  }
  w.raw(`],"reserved":${JSON.stringify(reserved)},"version":${SNAPSHOT_VERSION}}`);
  return w.text();
}

/**
 * Reads snapshot fields: u64s as numbers or `"0x…"` strings. Its input is
 * always `JSON.parse` output (plain data: own enumerable string keys, no
 * getters), so objects are checked in place rather than copied; a mistake
 * goes to the general reader for its exact message.
 */
class SnapshotReader extends Reader {
  readonly #memo = new Map<string, { text: string; value: bigint }>();

  constructor() {
    super("INVALID_SNAPSHOT");
  }

  /** The reader the kinds' codecs use: fields named by record and key (the path is built only for a message). */
  readonly fields: ResourceReader = {
    code: "INVALID_SNAPSHOT",
    u64: (value, at, key) => {
      // perf: a number is read here, not by the general reader, which would first write the field's path (bench "restore").
      if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
      // A field that repeats the value it had in the last record (a size, an alignment) shares its bigint: two fewer objects kept per resource (memory; no time change measured, bench "restore").
      const memo = this.#memo.get(key);
      if (memo !== undefined && memo.text === value) return memo.value;
      const v = typeof value === "string" ? smallHex(value) : -1;
      if (v < 0) return this.u64(value, `${at}.${key}`);
      const big = BigInt(v);
      if (memo === undefined) this.#memo.set(key, { text: value as string, value: big });
      else {
        memo.text = value as string;
        memo.value = big;
      }
      return big;
    },
    boolean: (value, at, key) => (typeof value === "boolean" ? value : this.boolean(value, `${at}.${key}`)),
    string: (value, at, key) => (typeof value === "string" ? value : this.string(value, `${at}.${key}`)),
    fail: (path, message) => this.fail(path, message),
  };

  override object(value: unknown, path: string, required: readonly string[], optional: readonly string[] = [], tag?: Tag): Readonly<Record<string, unknown>> {
    return this.fastObject(value, required, optional) ?? super.object(value, path, required, optional, tag);
  }

  /** `value` when it is an object with every `required` key and no key outside `required`/`optional`; else `undefined` (the caller then asks {@link object} for the message). */
  fastObject(value: unknown, required: readonly string[], optional: readonly string[] = NONE): Readonly<Record<string, unknown>> | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    const o = value as Record<string, unknown>;
    for (const key in o) if (!required.includes(key) && !optional.includes(key)) return undefined;
    for (let i = 0; i < required.length; i++) if (o[required[i] as string] === undefined) return undefined;
    return o;
  }

  /** The array itself: `JSON.parse` output has no getters or proxies to read once (perf: no copy of the owner list, bench "restore"). */
  override array(value: unknown, path: string): readonly unknown[] {
    return Array.isArray(value) ? value : super.array(value, path);
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

/**
 * The taken ranges of one pool found while reading, with their holders and
 * where each was found (the path is made only for a message). perf: parallel
 * arrays, no object per entry, starts read for sorting only, and compared as
 * exact 32-bit halves without bigints (bench "restore").
 */
class TakenList {
  readonly ranges: Range[] = [];
  readonly records: OwnerRecord[] = [];
  /** Where entry `k` was found: `owner * 2^21 + resource` for an owner's resource, else `-1 - p` for path `#paths[p]`. */
  readonly #where: number[] = [];
  readonly #paths: string[] = [];
  /** After {@link TakenList.sort}: the entry found `k`-th in sorted place `k`. */
  #order: Uint32Array | undefined;

  /** Resource `item` of owner `index` (`$.owners[index].resources[item]`). */
  pushOwned(range: Range, record: OwnerRecord, index: number, item: number): void {
    this.ranges.push(range);
    this.records.push(record);
    this.#where.push(item < WHERE_ITEMS ? index * WHERE_ITEMS + item : this.#path(`$.owners[${index}].resources[${item}]`));
  }

  /** An entry found at `path` (a reservation). */
  pushAt(range: Range, record: OwnerRecord, path: string): void {
    this.ranges.push(range);
    this.records.push(record);
    this.#where.push(this.#path(path));
  }

  #path(path: string): number {
    this.#paths.push(path);
    return -this.#paths.length;
  }

  /** The path of entry `k` (in sorted order once sorted). */
  at(k: number): string {
    const w = this.#where[this.#order === undefined ? k : (this.#order[k] as number)] as number;
    return w < 0 ? (this.#paths[-1 - w] as string) : `$.owners[${Math.floor(w / WHERE_ITEMS)}].resources[${w % WHERE_ITEMS}]`;
  }

  /** Puts `ranges` and `records` in ascending order of start (stable); a list already in order is left as it is. */
  sort(): void {
    const ranges = this.ranges;
    const n = ranges.length;
    const hi = new Uint32Array(n);
    const lo = new Uint32Array(n);
    let sorted = true;
    for (let k = 0; k < n; k++) {
      const r = ranges[k] as Range;
      hi[k] = Range.minHiOf(r);
      lo[k] = Range.minLoOf(r);
      if (k > 0 && sorted) sorted = (hi[k - 1] as number) < (hi[k] as number) || (hi[k - 1] === hi[k] && (lo[k - 1] as number) <= (lo[k] as number));
    }
    if (sorted) return;
    const order = radixOrder(hi, lo);
    const byStart = ranges.slice();
    const records = this.records.slice();
    for (let k = 0; k < n; k++) {
      const j = order[k] as number;
      ranges[k] = byStart[j] as Range;
      this.records[k] = records[j] as OwnerRecord;
    }
    this.#order = order;
  }
}

/** Resources per owner that {@link TakenList} places by number (more are named by path). */
const WHERE_ITEMS = 1 << 21;

/**
 * The indices `0..n-1` in ascending order of `(hi[k], lo[k])` (two exact
 * 32-bit halves), equal keys in their first order: a radix sort over 16-bit
 * digits, skipping a digit every entry shares (perf: no comparator calls,
 * bench "restore").
 */
function radixOrder(hi: Uint32Array, lo: Uint32Array): Uint32Array {
  const n = hi.length;
  let order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  let next = new Uint32Array(n);
  const count = new Uint32Array(0x10001);
  for (let pass = 0; pass < 4; pass++) {
    const keys = pass < 2 ? lo : hi;
    const shift = (pass & 1) * 16;
    count.fill(0);
    for (let k = 0; k < n; k++) {
      const d = (((keys[k] as number) >>> shift) & 0xffff) + 1;
      count[d] = (count[d] as number) + 1;
    }
    if (count[(((keys[0] as number) >>> shift) & 0xffff) + 1] === n) continue;
    for (let d = 0; d < 0xffff; d++) count[d + 1] = (count[d + 1] as number) + (count[d] as number);
    for (let k = 0; k < n; k++) {
      const j = order[k] as number;
      const d = ((keys[j] as number) >>> shift) & 0xffff;
      const at = count[d] as number;
      count[d] = at + 1;
      next[at] = j;
    }
    const t = order;
    order = next;
    next = t;
  }
  return order;
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
export function readSnapshot(json: unknown): RestoredState {
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

    const taken = new Map<PoolName, TakenList>(POOL_NAMES.map((n) => [n, new TakenList()]));
    for (const n of POOL_NAMES) {
      const list = taken.get(n) as TakenList;
      layout[n].reserved.forEach((r, i) => list.pushAt(r.range, { kind: "reserved", label: r.label }, `$.layout.${n}.reserved[${i}]`));
    }
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
          (taken.get(name) as TakenList).pushAt(range, { kind: "reserved", label }, `${at}[${i}]`);
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
          (taken.get(name) as TakenList).pushAt(e.range, { kind: "reserved", label }, `$.pools.${name}.ranges[${e.index}]`);
        }
        if (out.length > 0) extra.set(name, out);
      }
    }
    const pools = new Map<PoolName, Pool>();
    for (const name of POOL_NAMES) {
      const list = taken.get(name) as TakenList;
      list.sort();
      const fail = (k: number, message: string): never => rd.fail(list.at(k), message);
      const pool =
        name === "deviceId" || name === "memSlot"
          ? IdPool.fromTaken(name, layout[name].ranges, list, fail)
          : RangePool.fromTaken(name, layout[name].ranges, list, fail);
      const v1 = listed.get(name);
      if (v1 !== undefined) compareV1(rd, v1, `$.pools.${name}`, [...pool.entries()]);
      pools.set(name, pool);
    }
    return { layout, pools, owners, extra };
  } catch (e) {
    if (isAllocError(e) && e.code === "INVALID_SNAPSHOT") throw e;
    const path = isAllocError(e) && e.details.path !== undefined ? e.details.path : "$";
    throw new AllocError("INVALID_SNAPSHOT", `${path}: ${e instanceof Error ? e.message : String(e)}`, { path }, { cause: e });
  }
}

function readOwners(rd: SnapshotReader, value: unknown, layout: Layout, taken: Map<PoolName, TakenList>): RestoredOwner[] {
  const list = rd.array(value, "$.owners");
  const owners: RestoredOwner[] = new Array(list.length);
  const path = (i: number, j?: number): string => (j === undefined ? `$.owners[${i}]` : `$.owners[${i}].resources[${j}]`);
  // perf: paths are written only for a message (bench "restore").
  const at = new ResourceAt();
  let prev: string | undefined;
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const o = hasExactly(item, OWNER_KEYS) ? (item as Readonly<Record<string, unknown>>) : rd.object(item, path(i), OWNER_KEYS);
    const name = o["owner"];
    const owner = typeof name === "string" && name.length > 0 ? name : rd.nonEmptyString(name, `${path(i)}.owner`);
    if (prev !== undefined && !(prev < owner))
      rd.fail(`${path(i)}.owner`, `owners must be sorted by name without duplicates; ${quoteText(owner)} follows ${quoteText(prev)}`);
    prev = owner;
    const held = o["resources"];
    const items = Array.isArray(held) ? (held as readonly unknown[]) : rd.array(held, `${path(i)}.resources`);
    if (items.length === 0) rd.fail(`${path(i)}.resources`, "an owner holds at least one resource");
    const resources: Resource[] = new Array<Resource>(items.length);
    const ranges: (Range | undefined)[] = new Array<Range | undefined>(items.length);
    const holding: RestoredOwner = { kind: "owner", owner, resources, ranges };
    at.owner = i;
    for (let j = 0; j < items.length; j++) {
      const item = items[j];
      at.item = j;
      const kindName = typeof item === "object" && item !== null ? (item as Record<string, unknown>)["kind"] : undefined;
      const k = findKind(kindName) ?? readKind(rd, item, path(i, j));
      // The kind's own keys, all present, in written order; anything else goes to the general reader for its message.
      const rec = hasExactly(item, k.recordKeys) ? (item as Readonly<Record<string, unknown>>) : rd.object(item, path(i, j), k.resourceKeys);
      const res = k.read(rec, at, layout, rd.fields);
      const range = k.rangeOf(res);
      resources[j] = res;
      ranges[j] = range;
      if (range !== undefined) (taken.get(k.pool) as TakenList).pushOwned(range, holding, i, j);
    }
    owners[i] = holding;
  }
  return owners;
}

const OWNER_KEYS: readonly string[] = ["owner", "resources"];

/**
 * perf: whether `value` (`JSON.parse` output: plain data) is an object whose
 * keys are exactly `keys`, in that order: the sorted order snapshots are
 * written in (bench "restore": one comparison per key, no set lookup).
 * Anything else, including the same keys in another order, goes to the
 * general reader, which accepts it or names the mistake.
 */
function hasExactly(value: unknown, keys: readonly string[]): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  let n = 0;
  for (const key in value as object) {
    if (key !== keys[n]) return false;
    n++;
  }
  return n === keys.length;
}

/** The resource being read, written as its path only when a message needs it. */
class ResourceAt {
  owner = 0;
  item = 0;
  toString(): string {
    return `$.owners[${this.owner}].resources[${this.item}]`;
  }
}
/** The kind of a resource whose `kind` is missing or unknown: the general reader names the key or the kind. */
function readKind(rd: SnapshotReader, item: unknown, at: string): AnyKind {
  const rec = rd.object(
    item,
    at,
    ["kind"],
    ANY_RESOURCE_KEYS.filter((k) => k !== "kind"),
  );
  return kindNamed(rec["kind"], `${at}.kind`, "INVALID_SNAPSHOT");
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
function compareV1(rd: SnapshotReader, listed: readonly ListedV1[], path: string, entries: readonly PoolEntry[]): void {
  for (let i = 0; i < listed.length; i++) {
    const { range, state, owner, label, at } = listed[i] as ListedV1;
    const want = entries[i];
    if (want === undefined || !want.range.equals(range))
      rd.fail(at, `${range} is not the pool's next range (expected ${want === undefined ? "no more ranges" : String(want.range)})`);
    if (state !== want.state) rd.fail(`${at}.state`, `expected ${want.state}; got ${kindOf(state)}`);
    if (want.state === "allocated" && owner !== want.owner) rd.fail(`${at}.owner`, `expected ${quoteText(want.owner)}; got ${kindOf(owner)}`);
    if (want.state === "reserved" && label !== want.label) rd.fail(`${at}.label`, `expected ${quoteText(want.label)}; got ${kindOf(label)}`);
    if (want.state !== "allocated" && owner !== undefined) rd.fail(`${at}.owner`, `a ${want.state} range has no owner`);
    if (want.state !== "reserved" && label !== undefined) rd.fail(`${at}.label`, `a ${want.state} range has no label`);
  }
  if (listed.length !== entries.length) rd.fail(`${path}.ranges`, `the pool has ${entries.length} ranges; ${listed.length} are listed`);
}
