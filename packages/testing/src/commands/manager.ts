/**
 * The model-based command set for the resource manager (`@alloc/vm-resources`).
 *
 * Commands (plain-data `ManagerOp`s, printable and replayable): allocate or
 * extend a device with 1-3 requests of every kind (exact placements aimed at
 * free space), free a device, free one resource (sometimes naming the wrong
 * owner), move a resource, snapshot and restore (the restored manager replaces
 * the one under test), and restore a mutated snapshot (it must be refused with
 * INVALID_SNAPSHOT, or restore to a consistent manager; the original is never
 * touched). After every command the manager must agree with {@link ManagerModel}:
 * same outcome (codes compared where the model knows them), every pool's
 * entries, owners, each owner's resources, and `checkInvariants()`.
 */
import { duration, flag, integer, items, label, manager, member, methods, oneOf, readObject, readOptions, text } from "../internal/inputs.js";
import fc from "fast-check";
import { isAllocError, refuseArgument } from "@alloc/constraint";
import { capture, show } from "../internal/compare.js";
import type { ManagerFactory, ManagerUnderTest } from "../interfaces.js";
import { MANAGER_POOLS, ManagerModel, modelOf, modelRequestOf, normalized, toReal, uncheckedModel } from "../models/ManagerModel.js";
import type { ManagerPool, ModelRequest, ModelResource } from "../models/ManagerModel.js";
import { literal } from "../ops.js";
import { countOp, product, refusal } from "./tree.js";
import type { CampaignReport } from "./tree.js";

/** Owners used by generated ops. */
export const OWNERS: readonly string[] = ["dev0", "dev1", "dev2", "dev3", "dev4", "dev5"];

/** A request, possibly aimed at free space of its pool (resolved at run time). */
export interface RequestSpec {
  /** The request, as the model reads it. */
  readonly req: ModelRequest;
  /** Exact placement inside the `index`-th free range of the pool, `offset` units in. */
  readonly exact?: {
    /** Which free range (modulo the number of free ranges). */
    readonly index: number;
    /** Units from its start. */
    readonly offset: number;
  };
}

/** One manager operation. */
export type ManagerOp =
  | {
      /** `allocateDevice`, or `extendDevice` when `extend`. */
      readonly op: "allocate";
      /** Index into {@link OWNERS}. */
      readonly owner: number;
      /** Extend an existing owner rather than add a new one. */
      readonly extend: boolean;
      /** The requests, placed all or nothing. */
      readonly requests: readonly RequestSpec[];
    }
  | {
      /** `freeDevice`. */
      readonly op: "freeDevice";
      /** Index into {@link OWNERS}. */
      readonly owner: number;
    }
  | {
      /** `freeResource`. */
      readonly op: "freeResource";
      /** Index into {@link OWNERS}. */
      readonly owner: number;
      /** Which of the owner's resources (modulo their number). */
      readonly pick: number;
      /** Name another owner than the holder (must be refused). */
      readonly wrongOwner: boolean;
    }
  | {
      /** `move`. */
      readonly op: "move";
      /** Index into {@link OWNERS}. */
      readonly owner: number;
      /** Which of the owner's resources (modulo their number). */
      readonly pick: number;
      /** Target: inside the `index`-th free range of the resource's pool, `offset` units in. */
      readonly to: {
        /** Which free range (modulo the number of free ranges). */
        readonly index: number;
        /** Units from its start. */
        readonly offset: number;
      };
    }
  | {
      /** `resize`: grow or shrink one resource in place. */
      readonly op: "resize";
      /** Index into {@link OWNERS}. */
      readonly owner: number;
      /** Which of the owner's resources (modulo their number). */
      readonly pick: number;
      /** The new size relative to the old one (the command set derives the size from it). */
      readonly scale: number;
    }
  | {
      /** `snapshot()` then `restore()`; the restored manager replaces the one under test. */
      readonly op: "snapshotRestore";
    }
  | {
      /** Restore a damaged snapshot: refused with `INVALID_SNAPSHOT`, or a consistent manager. */
      readonly op: "mutateSnapshot";
      /** How the snapshot is damaged. */
      readonly mutation: SnapshotMutation;
      /** Where (a position or index, modulo the text's size). */
      readonly at: number;
    };

/** Ways to damage a snapshot. */
export type SnapshotMutation = "truncate" | "char" | "dropKey" | "version" | "proto" | "duplicate" | "notJson" | "swapNumbers";

/** The names of {@link ManagerOp}s and the keys each one takes. */
const MANAGER_OP_KEYS: Readonly<Record<ManagerOp["op"], readonly string[]>> = {
  allocate: ["op", "owner", "extend", "requests"],
  freeDevice: ["op", "owner"],
  freeResource: ["op", "owner", "pick", "wrongOwner"],
  move: ["op", "owner", "pick", "to"],
  resize: ["op", "owner", "pick", "scale"],
  snapshotRestore: ["op"],
  mutateSnapshot: ["op", "mutation", "at"],
};
const ALL_MANAGER_OP_KEYS = [...new Set(Object.values(MANAGER_OP_KEYS).flat())];
const managerOpName: (value: unknown, argument: string) => asserts value is ManagerOp["op"] = oneOf(Object.keys(MANAGER_OP_KEYS) as ManagerOp["op"][]);
const mutationName = oneOf<SnapshotMutation>(["truncate", "char", "dropKey", "version", "proto", "duplicate", "notJson", "swapNumbers"]);
/** Largest owner index, pick, position or free-range index of a manager op: each is used modulo a count. */
export const MANAGER_INDEX_MAX: number = 2 ** 32 - 1;
/** Most requests in one `allocate` op. */
export const MANAGER_REQUESTS_MAX = 256;

const index = integer(0, MANAGER_INDEX_MAX);
/** A `resize` scale: a finite number in (0, 2^16]; the command set rounds `units × scale` to at least 1. */
function scale(value: unknown, argument: string): void {
  if (typeof value !== "number" || !(value > 0 && value <= 2 ** 16)) refuseArgument(argument, "a number in (0, 65536]", value);
}

/** Reads an `{ index, offset }` placement (used modulo a count, and as a unit count from a range's start). */
function readPlace(value: unknown, argument: string): { readonly index: number; readonly offset: number } {
  const rec = readObject(value, argument, ["index", "offset"]);
  index(rec.index, `${argument}.index`);
  index(rec.offset, `${argument}.offset`);
  return Object.freeze({ index: rec.index as number, offset: rec.offset as number });
}

/**
 * Reads a {@link RequestSpec} once: `{ req }` or `{ req, exact: { index, offset } }`; returns a frozen copy.
 *
 * @example
 * ```ts
 * readRequestSpec({ req: { kind: "device-id" }, exact: { index: 0, offset: 3 } }, "ops[2].requests[0]");
 * ```
 */
export function readRequestSpec(value: unknown, argument = "spec"): RequestSpec {
  text(argument, "argument");
  return requestSpecOf(value, argument);
}

function requestSpecOf(value: unknown, argument: string): RequestSpec {
  const rec = readObject(value, argument, ["req", "exact"]);
  const req = modelRequestOf(rec.req, `${argument}.req`);
  if (!("exact" in rec)) return Object.freeze({ req });
  return Object.freeze({ req, exact: readPlace(rec.exact, `${argument}.exact`) });
}

/**
 * Reads one {@link ManagerOp} from outside, once: each key read a single
 * time through `readRecord` (an unknown key refused by name), `op` one of
 * the names and only that op's keys present, `owner`, `pick`, `at` and
 * placement indices integers in `0..2^32-1`, `scale` a number in
 * `(0, 65536]`, `requests` an array of at most 256 {@link RequestSpec}s each
 * read by {@link readRequestSpec}. Returns a deeply frozen copy. A mistake is
 * an `AllocError` `INVALID_ARGUMENT` naming the field (`ops[2].requests[0].req.size`).
 *
 * @example
 * ```ts
 * readManagerOp({ op: "freeDevice", owner: 0 }, "ops[0]"); // a frozen ManagerOp
 * readManagerOp({ op: "freeDevice", ownr: 0 }, "ops[0]");  // throws INVALID_ARGUMENT ops[0].ownr (did you mean "owner"?)
 * ```
 */
export function readManagerOp(value: unknown, argument = "op"): ManagerOp {
  text(argument, "argument");
  return readOp(value, argument);
}

function readOp(value: unknown, argument: string): ManagerOp {
  const rec = readObject(value, argument, ALL_MANAGER_OP_KEYS);
  const op = rec.op;
  managerOpName(op, `${argument}.op`);
  for (const k of Object.keys(rec)) {
    if (!MANAGER_OP_KEYS[op].includes(k)) refuseArgument(`${argument}.${k}`, `absent (a ${op} op takes ${MANAGER_OP_KEYS[op].join(", ")})`, rec[k]);
  }
  const field = (key: string, check: (value: unknown, argument: string) => void): unknown => {
    check(rec[key], `${argument}.${key}`);
    return rec[key];
  };
  switch (op) {
    case "allocate":
      return Object.freeze({
        op,
        owner: field("owner", index) as number,
        extend: field("extend", flag) as boolean,
        requests: Object.freeze(items(rec.requests, `${argument}.requests`, requestSpecOf, MANAGER_REQUESTS_MAX)),
      });
    case "freeDevice":
      return Object.freeze({ op, owner: field("owner", index) as number });
    case "freeResource":
      return Object.freeze({
        op,
        owner: field("owner", index) as number,
        pick: field("pick", index) as number,
        wrongOwner: field("wrongOwner", flag) as boolean,
      });
    case "move":
      return Object.freeze({ op, owner: field("owner", index) as number, pick: field("pick", index) as number, to: readPlace(rec.to, `${argument}.to`) });
    case "resize":
      return Object.freeze({ op, owner: field("owner", index) as number, pick: field("pick", index) as number, scale: field("scale", scale) as number });
    case "snapshotRestore":
      return Object.freeze({ op });
    case "mutateSnapshot":
      return Object.freeze({ op, mutation: field("mutation", mutationName) as SnapshotMutation, at: field("at", index) as number });
  }
}

const POOL_OF: Record<ModelRequest["kind"], ManagerPool> = {
  pio: "pio",
  mmio: "mmio",
  mem: "mem",
  "legacy-irq": "legacyIrq",
  "pci-msi": "msi",
  "pci-msix": "msi",
  "generic-msi": "msi",
  "mem-slot": "memSlot",
  "device-id": "deviceId",
};

const pow2 = (lo: number, hi: number): fc.Arbitrary<bigint> => fc.integer({ min: lo, max: hi }).map((k) => 1n << BigInt(k));
const pol = fc.constantFrom<"first-match" | "last-match" | "best-fit" | undefined>(undefined, "first-match", "last-match", "best-fit");
const exactArb = fc.option(fc.record({ index: fc.nat(50), offset: fc.nat(40) }), { nil: undefined, freq: 3 });

/** Well-formed requests of every kind. */
export function requestSpec(): fc.Arbitrary<RequestSpec> {
  const spec = (req: fc.Arbitrary<ModelRequest>, exact = true): fc.Arbitrary<RequestSpec> =>
    fc.tuple(req, exact ? exactArb : fc.constant(undefined)).map(([r, e]) => (e === undefined ? { req: r } : { req: r, exact: e }));
  return fc.oneof(
    spec(fc.record({ kind: fc.constant("pio" as const), size: fc.integer({ min: 1, max: 16 }), align: fc.constantFrom(1, 2, 4, 8) })),
    spec(
      fc
        .tuple(
          pow2(12, 24),
          fc.boolean(),
          fc.constantFrom<"low" | "high" | "any">("low", "high", "any"),
          pol,
          fc.constantFrom<boolean | undefined>(undefined, true, false),
        )
        .map(([size, natural, window, policy, is64bit]) => ({
          kind: "mmio" as const,
          size,
          align: natural ? size : 0x1000n,
          window,
          ...(is64bit === undefined ? {} : { is64bit }),
          ...(policy === undefined ? {} : { policy }),
        })),
    ),
    spec(
      fc.tuple(fc.integer({ min: 1, max: 64 }), pow2(12, 21), pol).map(([pages, align, policy]) => ({
        kind: "mem" as const,
        size: BigInt(pages) * 0x1000n,
        align,
        ...(policy === undefined ? {} : { policy }),
      })),
    ),
    spec(fc.constant({ kind: "legacy-irq" as const })),
    spec(fc.constant({ kind: "legacy-irq" as const, shared: true }), false),
    spec(fc.constantFrom(1, 2, 4, 8, 16, 32).map((count) => ({ kind: "pci-msi" as const, count }))),
    spec(fc.integer({ min: 1, max: 64 }).map((count) => ({ kind: "pci-msix" as const, count }))),
    spec(fc.integer({ min: 1, max: 8 }).map((count) => ({ kind: "generic-msi" as const, count }))),
    spec(fc.integer({ min: 1, max: 4 }).map((count) => ({ kind: "mem-slot" as const, count }))),
    spec(fc.constant({ kind: "device-id" as const })),
  );
}

/** One manager op. */
export function managerOp(): fc.Arbitrary<ManagerOp> {
  const owner = fc.nat(OWNERS.length - 1);
  return fc.oneof(
    {
      weight: 10,
      arbitrary: fc.record({
        op: fc.constant("allocate" as const),
        owner,
        extend: fc.boolean(),
        requests: fc.array(requestSpec(), { minLength: 1, maxLength: 3 }),
      }),
    },
    { weight: 3, arbitrary: fc.record({ op: fc.constant("freeDevice" as const), owner }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant("freeResource" as const), owner, pick: fc.nat(20), wrongOwner: fc.boolean() }) },
    {
      weight: 4,
      arbitrary: fc.record({ op: fc.constant("move" as const), owner, pick: fc.nat(20), to: fc.record({ index: fc.nat(50), offset: fc.nat(40) }) }),
    },
    { weight: 3, arbitrary: fc.record({ op: fc.constant("resize" as const), owner, pick: fc.nat(20), scale: fc.constantFrom(0.25, 0.5, 1, 1.5, 2, 4) }) },
    { weight: 2, arbitrary: fc.constant({ op: "snapshotRestore" as const }) },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant("mutateSnapshot" as const),
        mutation: fc.constantFrom<SnapshotMutation>("truncate", "char", "dropKey", "version", "proto", "duplicate", "notJson", "swapNumbers"),
        at: fc.nat(100000),
      }),
    },
  );
}

/** Where a request aimed at free space lands: unit-scaled offset into a free range, aligned. */
function resolveRequest(spec: RequestSpec, model: ManagerModel): ModelRequest {
  const r = spec.req;
  if (spec.exact === undefined) return r;
  const pool = POOL_OF[r.kind];
  const free = [...model.pools[pool].entries()].filter(([, s]) => s.kind === "free");
  if (free.length === 0) return r;
  const [range] = free[spec.exact.index % free.length]!;
  const unit = r.kind === "mmio" || r.kind === "mem" ? 0x1000n : 1n;
  const align = r.kind === "mmio" || r.kind === "mem" ? (r.align ?? 1n) : r.kind === "pio" ? BigInt(r.align ?? 1) : r.kind === "pci-msi" ? BigInt(r.count) : 1n;
  let base = range.min + BigInt(spec.exact.offset) * unit;
  base = ((base + align - 1n) / align) * align;
  switch (r.kind) {
    case "pio":
      return { ...r, base: Number(base) };
    case "mmio":
    case "mem":
      return { ...r, base };
    case "legacy-irq":
      return { kind: "legacy-irq", irq: Number(base) };
    case "mem-slot":
      return { ...r, slot: Number(base) };
    case "device-id":
      return { kind: "device-id", id: Number(base) };
    default:
      return { ...r, base: Number(base) };
  }
}

function realRequest(r: ModelRequest): Record<string, unknown> {
  // Numbers where the API takes numbers; bigints for addresses.
  return { ...r } as Record<string, unknown>;
}

/** The mutable state a manager command sees. */
export interface ManagerHarness {
  /** The reference model the real manager is compared with. */
  model: ManagerModel;
}

/** A mutable box: snapshot/restore replaces the manager under test. */
export interface ManagerBox {
  /** The manager under test (replaced by each snapshot round trip). */
  rm: ManagerUnderTest;
  /** Where fresh and restored managers come from. */
  readonly factory: ManagerFactory;
}

function flatEntries(rm: ManagerUnderTest, pool: ManagerPool): string[] {
  return [...rm.entries(pool)].map(
    (e) => `${e.range.min}-${e.range.max}:${e.state === "free" ? "free" : e.state === "allocated" ? `o:${e.owner}` : `r:${e.label}`}`,
  );
}

function modelEntries(model: ManagerModel, pool: ManagerPool): string[] {
  return [...model.pools[pool].entries()].map(([r, s]) => `${r.min}-${r.max}:${s.kind === "valued" ? s.value : s.kind}`);
}

function showResources(list: readonly ModelResource[]): string {
  return list.map((r) => `${r.kind}/${r.pool}/${r.min}-${r.max}/${r.window ?? ""}/${r.align ?? ""}`).join(",");
}

/**
 * Throws an Error when the manager and the model disagree anywhere. Its
 * arguments are checked once first (`rm` a manager, `model` a
 * {@link ManagerModel}, `afterWhat` a string or a function returning one): a
 * mistake is an `AllocError` `INVALID_ARGUMENT` naming it.
 *
 * @example
 * ```ts
 * assertManagerAgree(rm, new ManagerModel(rm.layout), "construction");
 * ```
 */
export function assertManagerAgree(rm: ManagerUnderTest, model: ManagerModel, afterWhat: string | (() => string)): void {
  manager(rm, "rm");
  modelOf(model, "model");
  label(afterWhat, "afterWhat");
  managerAgree(rm, model, afterWhat);
}

function managerAgree(rm: ManagerUnderTest, model: ManagerModel, afterWhat: string | (() => string)): void {
  const after = { toString: (): string => (typeof afterWhat === "string" ? afterWhat : afterWhat()) };
  try {
    rm.checkInvariants();
  } catch (e) {
    throw new Error(`after ${after}: invariant broken: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  for (const p of MANAGER_POOLS) {
    const a = flatEntries(rm, p);
    const b = modelEntries(model, p);
    if (a.join() !== b.join()) throw new Error(`after ${after}: pool ${p} differs:\n    real  ${a.join(" ")}\n    model ${b.join(" ")}`);
  }
  const owners = [...model.owners.keys()].sort();
  if (rm.owners().join() !== owners.join()) throw new Error(`after ${after}: owners real ${rm.owners().join()} vs model ${owners.join()}`);
  for (const o of owners) {
    const a = showResources(rm.resourcesOf(o).map(normalized));
    const b = showResources(model.owners.get(o)!);
    if (a !== b) throw new Error(`after ${after}: resources of ${o}: real ${a} vs model ${b}`);
  }
}

function mutate(json: string, mutation: SnapshotMutation, at: number): string {
  const parsed = (): Record<string, unknown> => JSON.parse(json) as Record<string, unknown>;
  switch (mutation) {
    case "truncate":
      return json.slice(0, at % Math.max(1, json.length));
    case "char": {
      const i = at % json.length;
      const ch = json[i] === "0" ? "x" : "0";
      return json.slice(0, i) + ch + json.slice(i + 1);
    }
    case "dropKey": {
      const o = parsed();
      const keys = Object.keys(o);
      delete o[keys[at % keys.length]!];
      return JSON.stringify(o);
    }
    case "version":
      return JSON.stringify({ ...parsed(), version: 1000 + (at % 7) });
    case "proto":
      return json.replace("{", `{"__proto__":{"polluted":true},`);
    case "duplicate": {
      // Duplicate the first element of the first non-empty array found.
      const o = parsed();
      const stack: unknown[] = [o];
      while (stack.length > 0) {
        const v = stack.pop();
        if (Array.isArray(v) && v.length > 0) {
          v.push(structuredClone(v[at % v.length]));
          return JSON.stringify(o);
        }
        if (typeof v === "object" && v !== null) stack.push(...Object.values(v));
      }
      return JSON.stringify(o);
    }
    case "notJson":
      return ["", "null", "[]", "42", '"x"', "{", "{}"][at % 7]!;
    case "swapNumbers": {
      // Replace one hex/decimal number with a larger one (may overlap, exceed pools or be fine).
      const nums = [...json.matchAll(/0x[0-9a-f]+|\b\d+\b/g)];
      if (nums.length === 0) return json;
      const m = nums[at % nums.length]!;
      return json.slice(0, m.index) + "0xffffffffffffffff" + json.slice(m.index! + m[0].length);
    }
  }
}

/**
 * Applies one op to the manager in the box and to the model; throws an Error
 * on any disagreement. Its arguments are checked once first: `op` through
 * {@link readManagerOp}, `model` a {@link ManagerModel}, `box` an object
 * whose `rm` is a manager and `factory` has `create` and `restore` (each read
 * once; a snapshot round trip writes the restored manager back to `box.rm`).
 * A mistake is an `AllocError` `INVALID_ARGUMENT` naming it (`op.requests[0].req.kind`, `box.rm`).
 *
 * @example
 * ```ts
 * applyManagerOp({ op: "allocate", owner: 0, extend: false, requests: [{ req: { kind: "device-id" } }] }, model, box);
 * ```
 */
export function applyManagerOp(op: ManagerOp, model: ManagerModel, box: ManagerBox): void {
  const read = readOp(op, "op");
  modelOf(model, "model");
  const b = readObject(box, "box", ["rm", "factory"]);
  manager(b.rm, "box.rm");
  methods(["create", "restore"])(b.factory, "box.factory");
  const inner: ManagerBox = { rm: b.rm as ManagerUnderTest, factory: b.factory as ManagerFactory };
  try {
    applyOp(read, model, inner);
  } finally {
    if (inner.rm !== b.rm) box.rm = inner.rm;
  }
}

/** {@link applyManagerOp} on arguments already read (the command set's own calls). */
function applyOp(op: ManagerOp, model: ManagerModel, box: ManagerBox): void {
  countOp();
  managerCounter.value++;
  const label = (): string => literal(op);
  const rm = box.rm;
  switch (op.op) {
    case "snapshotRestore": {
      const json = rm.snapshot();
      let copy: ManagerUnderTest;
      try {
        copy = box.factory.restore(json);
        manager(copy, "factory.restore()");
      } catch (e) {
        throw new Error(`${label()}: restoring the manager's own snapshot failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      managerAgree(copy, model, `${label()} [restored copy]`);
      const again = copy.snapshot();
      if (again !== json) throw new Error(`${label()}: snapshot is not canonical after a round trip`);
      box.rm = copy;
      return;
    }
    case "mutateSnapshot": {
      const json = rm.snapshot();
      const bad = mutate(json, op.mutation, op.at);
      const r = capture(() => box.factory.restore(bad));
      if (r.ok) {
        try {
          r.value.checkInvariants();
        } catch (e) {
          throw new Error(`${label()}: a mutated snapshot was accepted and gave an inconsistent manager: ${String(e)}`);
        }
      } else if (!isAllocError(r.error) || r.error.code !== "INVALID_SNAPSHOT") {
        throw new Error(
          `${label()}: restoring ${JSON.stringify(bad.slice(0, 200))} threw ${isAllocError(r.error) ? r.error.code : String(r.error)}, expected INVALID_SNAPSHOT`,
        );
      }
      if (rm.snapshot() !== json) throw new Error(`${label()}: restoring a mutated snapshot changed the original manager`);
      managerAgree(rm, model, label());
      return;
    }
    default:
  }
  const owner = OWNERS[op.owner % OWNERS.length]!;
  let expect: () => unknown;
  let real: () => unknown;
  let describe: () => string;
  switch (op.op) {
    case "allocate": {
      const reqs = op.requests.map((s) => resolveRequest(s, model));
      describe = () => `${op.extend ? "extendDevice" : "allocateDevice"}(${literal(owner)}, ${literal(reqs)})`;
      expect = () => uncheckedModel.allocate(model, owner, reqs, op.extend);
      real = () => (op.extend ? rm.extendDevice(owner, reqs.map(realRequest)) : rm.allocateDevice(owner, reqs.map(realRequest))).map(normalized);
      break;
    }
    case "freeDevice":
      describe = () => `freeDevice(${literal(owner)})`;
      expect = () => uncheckedModel.freeDevice(model, owner);
      real = () => rm.freeDevice(owner).map(normalized);
      break;
    case "freeResource":
    case "resize":
    case "move": {
      const all = [...model.owners.entries()].flatMap(([o, list]) => list.map((r) => [o, r] as const));
      if (all.length === 0) return;
      const [holder, res] = all[op.pick % all.length]!;
      const who = op.op === "freeResource" && op.wrongOwner ? OWNERS[(OWNERS.indexOf(holder) + 1) % OWNERS.length]! : holder;
      const resource = toReal(res);
      if (op.op === "resize") {
        const units = res.max - res.min + 1n;
        const scaled = BigInt(Math.max(1, Math.round(Number(units) * op.scale)));
        describe = () => `resizeResource(${literal(who)}, ${literal(resource)}, ${literal(scaled)})`;
        expect = () => uncheckedModel.resize(model, who, res, scaled);
        real = () => normalized(rm.resizeResource(who, resource, scaled));
      } else if (op.op === "freeResource") {
        describe = () => `freeResource(${literal(who)}, ${literal(resource)})`;
        expect = () => uncheckedModel.freeResource(model, who, res);
        real = () => rm.freeResource(who, resource);
      } else {
        const pool = res.pool ?? "legacyIrq";
        const free = [...model.pools[pool].entries()].filter(([, s]) => s.kind === "free");
        const unit = pool === "mmio" || pool === "mem" ? 0x1000n : 1n;
        const target = free.length === 0 ? res.min : free[op.to.index % free.length]![0].min + BigInt(op.to.offset) * unit;
        const align = res.align ?? (res.kind === "pci-msi" ? res.max - res.min + 1n : 1n);
        const to = ((target + align - 1n) / align) * align;
        describe = () => `move(${literal(who)}, ${literal(resource)}, ${literal(to)})`;
        expect = () => uncheckedModel.move(model, who, res, to);
        real = () => normalized(rm.move(who, resource, to));
      }
      break;
    }
  }
  const m = capture(expect);
  if (!m.ok && !isAllocError(m.error)) throw new Error(`${describe()}: the model failed: ${String(m.error)}`, { cause: m.error });
  const r = capture(real);
  if (!r.ok && !isAllocError(r.error)) throw new Error(`${describe()}: threw a non-AllocError: ${String(r.error)}`, { cause: r.error });
  if (m.ok !== r.ok) {
    throw new Error(
      `${describe()}: real ${r.ok ? `succeeded with ${show(r.value)}` : `threw ${(r.error as { code: string }).code}: ${(r.error as Error).message}`} but model ${m.ok ? `succeeded with ${show(m.value)}` : `threw ${(m.error as { code: string }).code}`}`,
    );
  }
  if (!m.ok && !r.ok) {
    const mc = (m.error as { code: string }).code;
    const rc = (r.error as { code: string }).code;
    // Codes the model decides on its own must match exactly.
    if ((mc === "DUPLICATE_OWNER" || mc === "UNKNOWN_OWNER" || rc === "DUPLICATE_OWNER" || rc === "UNKNOWN_OWNER") && mc !== rc) {
      throw new Error(`${describe()}: real threw ${rc}, model ${mc}`);
    }
  } else if (m.ok && r.ok && op.op !== "freeResource" && key(m.value) !== key(r.value)) {
    throw new Error(`${describe()}: real returned ${show(r.value)}, model ${show(m.value)}`);
  }
  managerAgree(rm, model, describe);
}

function key(v: unknown): string {
  return Array.isArray(v) ? showResources(v as ModelResource[]) : showResources([v as ModelResource]);
}

/**
 * Runs a fixed op list (a regression test) against a fresh manager and
 * model; throws an Error naming the op index on the first divergence. Every
 * op is read through {@link readManagerOp} before anything runs (a bad op at
 * index 5 is refused naming `ops[5]…` before op 0 runs), and `factory` and the
 * manager it creates are checked: a mistake is an `AllocError`
 * `INVALID_ARGUMENT` naming it. An exception thrown by `factory.create`
 * itself propagates as it is.
 *
 * @example
 * ```ts
 * runManagerOps({ create: () => ResourceManager.fromPreset("x86_64"), restore: ResourceManager.restore }, [{ op: "freeDevice", owner: 0 }]);
 * ```
 */
export function runManagerOps(factory: ManagerFactory, ops: readonly ManagerOp[]): void {
  methods(["create", "restore"])(factory, "factory");
  runOps(factory, items(ops, "ops", readOp));
}

/** A fresh manager from `factory.create()`, checked, and its model. */
function start(factory: ManagerFactory): { box: ManagerBox; model: ManagerModel } {
  const rm = factory.create();
  product(manager, rm, "factory.create()");
  const box: ManagerBox = { rm, factory };
  let model: ManagerModel | undefined;
  product((layout) => (model = new ManagerModel(layout as ManagerUnderTest["layout"])), member(rm, "layout", "factory.create()"), "factory.create().layout");
  managerAgree(box.rm, model!, "construction");
  return { box, model: model! };
}

/** {@link runManagerOps} on arguments already read. */
function runOps(factory: ManagerFactory, ops: readonly ManagerOp[]): void {
  const { box, model } = start(factory);
  ops.forEach((op, i) => {
    try {
      applyOp(op, model, box);
    } catch (e) {
      throw new Error(`op #${i}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  });
}

class ManagerCommand implements fc.Command<ManagerHarness, ManagerBox> {
  constructor(readonly op: ManagerOp) {}
  check(): boolean {
    return true;
  }
  run(h: ManagerHarness, box: ManagerBox): void {
    applyOp(this.op, h.model, box);
  }
  toString(): string {
    return literal(this.op);
  }
}

const managerCounter = { value: 0 };

/** Options of {@link checkManager}. */
export interface ManagerFuzzOptions {
  /** Generated sequences to run. */
  readonly numRuns?: number;
  /** Longest sequence generated. */
  readonly maxCommands?: number;
  /** fast-check seed (replay: the one a failure printed). */
  readonly seed?: number;
  /** Replay: the counterexample path a failure printed. */
  readonly path?: string;
  /** Replay: the command replay path a failure printed. */
  readonly replayPath?: string;
  /** Stop generating new runs after this many milliseconds. */
  readonly timeLimitMs?: number;
}

/** The outcome of a manager campaign. */
export type ManagerReport = CampaignReport<ManagerOp>;

/** Runs the manager command set; returns a report (failures carry seed, path, replayPath and the shrunk ops). */
export function checkManager(factory: ManagerFactory, raw: ManagerFuzzOptions = {}): ManagerReport {
  methods(["create", "restore"])(factory, "factory");
  const options = readOptions(raw, "options", {
    numRuns: integer(1, 2 ** 31 - 1),
    maxCommands: integer(1, 1_000_000),
    seed: integer(-(2 ** 31), 2 ** 32 - 1),
    path: text,
    replayPath: text,
    timeLimitMs: duration,
  }) as ManagerFuzzOptions;
  const cmds = fc.commands([managerOp().map((op) => new ManagerCommand(op))], {
    maxCommands: options.maxCommands ?? 40,
    size: "max",
    ...(options.replayPath === undefined ? {} : { replayPath: options.replayPath }),
  });
  const prop = fc.property(cmds, (commands) => {
    const { box, model } = start(factory);
    fc.modelRun(() => ({ model: { model }, real: box }), commands);
  });
  const before = opsCount();
  const details = fc.check(prop, {
    numRuns: options.numRuns ?? 50,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.path === undefined ? {} : { path: options.path }),
    ...(options.timeLimitMs === undefined ? {} : { interruptAfterTimeLimit: options.timeLimitMs, markInterruptAsFailure: false }),
  });
  if (details.failed) refusal(details.errorInstance);
  const opsRun = opsCount() - before;
  if (!details.failed || (details.interrupted && details.counterexample === null)) {
    return {
      failed: false,
      numRuns: details.numRuns,
      opsRun,
      seed: details.seed,
      message: `${details.numRuns} runs, ${opsRun} operations, 0 divergences (seed ${details.seed})`,
    };
  }
  const it = details.counterexample?.[0];
  const replayPath = /\/\*replayPath="([^"]*)"\*\//.exec(String(it))?.[1];
  const all: ManagerOp[] = [];
  for (const w of (it ?? []) as Iterable<{ cmd?: ManagerCommand; hasRan?: boolean }>)
    if (w.hasRan !== false && w.cmd instanceof ManagerCommand) all.push(w.cmd.op);
  let ops = all;
  let error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  try {
    runOps(factory, all);
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
    const m = /^op #(\d+):/.exec(error);
    if (m !== null) ops = all.slice(0, Number(m[1]) + 1);
  }
  const path = details.counterexamplePath ?? "";
  const message = [
    `manager divergence after ${details.numRuns} runs (${opsRun} operations)`,
    `  seed: ${details.seed}, path: ${JSON.stringify(path)}${replayPath === undefined ? "" : `, replayPath: ${JSON.stringify(replayPath)}`}`,
    `  error: ${error}`,
    `  minimized sequence (${ops.length} ops; replay with runManagerOps):`,
    `  [\n${ops.map((o) => `    ${literal(o)},`).join("\n")}\n  ]`,
  ].join("\n");
  return { failed: true, numRuns: details.numRuns, opsRun, seed: details.seed, path, ...(replayPath === undefined ? {} : { replayPath }), ops, error, message };
}

function opsCount(): number {
  return managerCounter.value;
}

/** Throwing form of {@link checkManager}. */
export function fuzzManager(factory: ManagerFactory, options: ManagerFuzzOptions = {}): ManagerReport {
  const r = checkManager(factory, options);
  if (r.failed) throw new Error(r.message);
  return r;
}
