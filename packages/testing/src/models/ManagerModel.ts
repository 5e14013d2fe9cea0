/**
 * `ManagerModel`: the reference resource manager.
 *
 * Representation: one {@link FreeListModel} per pool, built from the layout
 * (ranges inserted free, reservations taken and valued `r:<label>`), whose
 * taken ranges are valued `o:<owner>`; plus each owner's resources in request
 * order. A device request becomes one constraint (or one exact range) on one
 * pool, following the documented placement rules (pool window, MMIO windows
 * low/high/any, PCI MSI aligned to its count, the shared IRQ outside the pool).
 * A batch is all-or-nothing: it runs on clones and is kept only if every
 * request fits. Costs O(n) per request.
 */
import { bigintIn, flag, integer, list, member, oneOf, readObject, text } from "../internal/inputs.js";
import { AllocError, U64_MAX, refuseArgument } from "@alloc/constraint";
import type { Range } from "@alloc/constraint";
import type { ConstraintInit } from "@alloc/constraint";
import type { ManagerLayoutView, RangeView } from "../interfaces.js";
import { FreeListModel } from "./FreeListModel.js";

/** The pools of a manager. */
export const MANAGER_POOLS = ["mmio", "mem", "pio", "legacyIrq", "msi", "deviceId", "memSlot"] as const;
/** One of {@link MANAGER_POOLS}. */
export type ManagerPool = (typeof MANAGER_POOLS)[number];

/** A well-formed device request, as the command set generates them. */
export type ModelRequest =
  | {
      /** Port I/O. */
      readonly kind: "pio";
      /** Number of ports. */
      readonly size: number;
      /** Alignment of the first port. */
      readonly align?: number;
      /** Exact first port. */
      readonly base?: number;
      /** Window to place it in. */
      readonly range?: {
        /** First port of the window. */
        min: bigint;
        /** Last port of the window. */
        max: bigint;
      };
    }
  | {
      /** MMIO space. */
      readonly kind: "mmio";
      /** Bytes. */
      readonly size: bigint;
      /** Alignment. */
      readonly align?: bigint;
      /** Exact base address. */
      readonly base?: bigint;
      /** Below 4 GiB, above it, or either (low first). */
      readonly window?: "low" | "high" | "any";
      /** A 64-bit BAR: may be placed above 4 GiB. */
      readonly is64bit?: boolean;
      /** Placement policy. */
      readonly policy?: "first-match" | "last-match" | "best-fit";
    }
  | {
      /** Guest memory. */
      readonly kind: "mem";
      /** Bytes. */
      readonly size: bigint;
      /** Alignment. */
      readonly align?: bigint;
      /** Exact base address. */
      readonly base?: bigint;
      /** Placement policy. */
      readonly policy?: "first-match" | "last-match" | "best-fit";
    }
  | {
      /** A legacy IRQ line. */
      readonly kind: "legacy-irq";
      /** Exact line. */
      readonly irq?: number;
      /** The layout's shared line instead of a pool line. */
      readonly shared?: boolean;
    }
  | {
      /** MSI-family vectors. */
      readonly kind: "pci-msi" | "pci-msix" | "generic-msi";
      /** Number of vectors. */
      readonly count: number;
      /** Exact first vector. */
      readonly base?: number;
    }
  | {
      /** KVM memory slots. */
      readonly kind: "mem-slot";
      /** Exact first slot. */
      readonly slot?: number;
      /** Number of slots (default 1). */
      readonly count?: number;
    }
  | {
      /** A device instance id. */
      readonly kind: "device-id";
      /** Exact id. */
      readonly id?: number;
    };

/** A resource reduced to what is compared: kind, pool placement, and its size fields. */
export interface ModelResource {
  /** The request kind that produced it. */
  readonly kind: string;
  /** `undefined` for the shared IRQ. */
  readonly pool: ManagerPool | undefined;
  /** First value held in the pool. */
  readonly min: bigint;
  /** Last value held in the pool. */
  readonly max: bigint;
  /** MMIO only: the window it landed in. */
  readonly window?: string;
  /** MMIO/mem only: the alignment recorded. */
  readonly align?: bigint;
  /** MMIO only: a 64-bit region (a 32-bit one stays below 4 GiB on every path). */
  readonly is64bit?: boolean;
}

const RESOURCE_KINDS = ["pio", "mmio", "mem", "legacy-irq", "pci-msi", "pci-msix", "generic-msi", "mem-slot", "device-id"] as const;
const resourceKind: (value: unknown, argument: string) => asserts value is (typeof RESOURCE_KINDS)[number] = oneOf(RESOURCE_KINDS);
const policyName = oneOf(["first-match", "last-match", "best-fit"]);
const windowName = oneOf(["low", "high", "any"]);
/** A number field of a request (a port, line, vector, slot or id): a non-negative safe integer. */
const natural = integer(0, Number.MAX_SAFE_INTEGER);
/** A count or size of a request as a number: at least 1. */
const atLeastOne = integer(1, Number.MAX_SAFE_INTEGER);
const address = bigintIn(0n, U64_MAX);
const bytes = bigintIn(1n, U64_MAX);

/** The keys each request kind takes, and the check of each (`range` is read on its own). */
const REQUEST_FIELDS: Readonly<Record<ModelRequest["kind"], Readonly<Record<string, (value: unknown, argument: string) => void>>>> = {
  pio: { size: atLeastOne, align: atLeastOne, base: natural, range: () => {} },
  mmio: { size: bytes, align: bytes, base: address, window: windowName, is64bit: flag, policy: policyName },
  mem: { size: bytes, align: bytes, base: address, policy: policyName },
  "legacy-irq": { irq: natural, shared: flag },
  "pci-msi": { count: atLeastOne, base: natural },
  "pci-msix": { count: atLeastOne, base: natural },
  "generic-msi": { count: atLeastOne, base: natural },
  "mem-slot": { slot: natural, count: atLeastOne },
  "device-id": { id: natural },
};
/** Fields a request of each kind must have. */
const REQUIRED: Readonly<Record<ModelRequest["kind"], readonly string[]>> = {
  pio: ["size"],
  mmio: ["size"],
  mem: ["size"],
  "legacy-irq": [],
  "pci-msi": ["count"],
  "pci-msix": ["count"],
  "generic-msi": ["count"],
  "mem-slot": [],
  "device-id": [],
};
const ALL_REQUEST_KEYS = ["kind", ...new Set(Object.values(REQUEST_FIELDS).flatMap((f) => Object.keys(f)))];

/**
 * Reads a {@link ModelRequest} once: `kind` one of the request kinds and only
 * that kind's keys, each of the type `ModelRequest` declares (numbers
 * non-negative safe integers, sizes, counts and alignments at least 1,
 * addresses bigints in `0..2^64-1`, pio `range` a `{ min, max }` of bigints
 * with `min <= max`). Returns a frozen copy.
 *
 * @example
 * ```ts
 * readModelRequest({ kind: "pci-msi", count: 4 }, "requests[0]"); // frozen { kind: "pci-msi", count: 4 }
 * readModelRequest({ kind: "pio", size: "8" }, "requests[0]");    // throws INVALID_ARGUMENT naming requests[0].size
 * ```
 */
export function readModelRequest(value: unknown, argument = "request"): ModelRequest {
  text(argument, "argument");
  return modelRequestOf(value, argument);
}

/** @internal {@link readModelRequest} with a name the package made. */
export function modelRequestOf(value: unknown, argument: string): ModelRequest {
  const rec = readObject(value, argument, ALL_REQUEST_KEYS);
  const kind = rec.kind;
  resourceKind(kind, `${argument}.kind`);
  const fields = REQUEST_FIELDS[kind];
  const out: Record<string, unknown> = { kind };
  for (const k of Object.keys(rec)) {
    if (k === "kind") continue;
    const check = fields[k];
    if (check === undefined) refuseArgument(`${argument}.${k}`, `absent (a ${kind} request takes ${Object.keys(fields).join(", ")})`, rec[k]);
    if (k === "range") {
      const r = readObject(rec[k], `${argument}.range`, ["min", "max"]);
      address(r.min, `${argument}.range.min`);
      address(r.max, `${argument}.range.max`);
      if ((r.min as bigint) > (r.max as bigint)) refuseArgument(`${argument}.range.min`, `at most range.max (${r.max as bigint}n)`, r.min);
      out[k] = Object.freeze({ min: r.min, max: r.max });
    } else {
      check(rec[k], `${argument}.${k}`);
      out[k] = rec[k];
    }
  }
  for (const k of REQUIRED[kind]) if (!(k in rec)) refuseArgument(`${argument}.${k}`, `present (a ${kind} request needs it)`, undefined);
  return Object.freeze(out) as ModelRequest;
}

/** The fields a real resource of each kind must have (a `U64Input` each). */
const RESOURCE_NEEDS: Readonly<Record<(typeof RESOURCE_KINDS)[number], readonly string[]>> = {
  pio: ["base", "size"],
  mmio: ["base", "size"],
  mem: ["base", "size"],
  "legacy-irq": ["irq"],
  "pci-msi": ["base", "count"],
  "pci-msix": ["base", "count"],
  "generic-msi": ["base", "count"],
  "mem-slot": ["base", "count"],
  "device-id": ["id"],
};
const NUMERIC = ["base", "size", "count", "irq", "id", "align"];

/** A `U64Input`: a bigint in `0..2^64-1` or a non-negative safe-integer number. */
function u64Input(value: unknown, argument: string): void {
  if (typeof value === "bigint" ? value < 0n || value > U64_MAX : typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    refuseArgument(argument, "a bigint in 0..2^64-1 or a non-negative safe-integer number", value);
  }
}

/** The fields of a real resource (`Resource` of vm-resources) that the model compares. */
export interface ResourceFields {
  /** The request kind that produced it. */
  readonly kind: string;
  /** First value (address, port, vector, slot). */
  readonly base?: unknown;
  /** Units. */
  readonly size?: unknown;
  /** Vectors or slots. */
  readonly count?: unknown;
  /** A legacy IRQ line. */
  readonly irq?: unknown;
  /** A device id. */
  readonly id?: unknown;
  /** The layout's shared IRQ. */
  readonly shared?: unknown;
  /** MMIO window. */
  readonly window?: unknown;
  /** Alignment recorded. */
  readonly align?: unknown;
  /** A 64-bit MMIO region. */
  readonly is64bit?: unknown;
}

/**
 * Reduces a real resource (`Resource` of vm-resources) to a {@link ModelResource}.
 * `r` is read once and checked: `kind` one of the request kinds, the fields
 * that kind needs present (`base`/`size`, `base`/`count`, `irq` or `id`),
 * every numeric field a `U64Input`, `shared`/`is64bit`/`prefetchable`
 * booleans, `window` a string, no other key. A mistake is an `AllocError`
 * `INVALID_ARGUMENT` naming it (`resource.base`).
 *
 * @example
 * ```ts
 * normalizeResource({ kind: "pio", base: 0x3f8, size: 8 }); // { kind: "pio", pool: "pio", min: 0x3f8n, max: 0x3ffn }
 * ```
 */
export function normalizeResource(r: ResourceFields): ModelResource {
  const rec = readObject(r, "resource", ["kind", ...NUMERIC, "shared", "window", "is64bit", "prefetchable"]);
  resourceKind(rec.kind, "resource.kind");
  for (const k of RESOURCE_NEEDS[rec.kind]) if (!(k in rec)) refuseArgument(`resource.${k}`, `present (a ${rec.kind} resource has it)`, undefined);
  for (const k of NUMERIC) if (k in rec) u64Input(rec[k], `resource.${k}`);
  for (const k of ["shared", "is64bit", "prefetchable"]) if (k in rec) flag(rec[k], `resource.${k}`);
  if ("window" in rec) text(rec.window, "resource.window");
  return normalized(rec as unknown as ResourceFields);
}

/** @internal {@link normalizeResource} of a resource the manager under test returned (no checks). */
export function normalized(r: ResourceFields): ModelResource {
  const big = (v: unknown): bigint => BigInt(v as bigint);
  const extra = {
    ...(r.window === undefined ? {} : { window: String(r.window) }),
    ...(r.align === undefined ? {} : { align: big(r.align) }),
    ...(r.is64bit === undefined ? {} : { is64bit: r.is64bit === true }),
  };
  switch (r.kind) {
    case "pio":
    case "mmio":
    case "mem":
      return { kind: r.kind, pool: r.kind === "pio" ? "pio" : r.kind, min: big(r.base), max: big(r.base) + big(r.size) - 1n, ...extra };
    case "legacy-irq":
      return r.shared === true
        ? { kind: r.kind, pool: undefined, min: big(r.irq), max: big(r.irq) }
        : { kind: r.kind, pool: "legacyIrq", min: big(r.irq), max: big(r.irq) };
    case "mem-slot":
      return { kind: r.kind, pool: "memSlot", min: big(r.base), max: big(r.base) + big(r.count) - 1n };
    case "device-id":
      return { kind: r.kind, pool: "deviceId", min: big(r.id), max: big(r.id) };
    default:
      return { kind: r.kind, pool: "msi", min: big(r.base), max: big(r.base) + big(r.count) - 1n };
  }
}

const poolName: (value: unknown, argument: string) => void = oneOf(MANAGER_POOLS);
const bound = bigintIn(0n, U64_MAX);

/**
 * Reads a {@link ModelResource} once: `kind` one of the request kinds, `pool`
 * one of {@link MANAGER_POOLS} or `undefined` (the key present), `min`/`max`
 * bigints in `0..2^64-1` with `min <= max`, optional `window` string, `align`
 * bigint and `is64bit` boolean, no other key. Returns a frozen copy; a
 * mistake is an `AllocError` `INVALID_ARGUMENT` naming it (`a.min`).
 *
 * @example
 * ```ts
 * readModelResource({ kind: "pio", pool: "pio", min: 0x3f8n, max: 0x3ffn }, "res"); // a frozen copy
 * ```
 */
export function readModelResource(value: unknown, argument = "resource"): ModelResource {
  text(argument, "argument");
  return modelResourceOf(value, argument);
}

/** @internal {@link readModelResource} with a name the package made. */
export function modelResourceOf(value: unknown, argument: string): ModelResource {
  const rec = readObject(value, argument, ["kind", "pool", "min", "max", "window", "align", "is64bit"]);
  resourceKind(rec.kind, `${argument}.kind`);
  if (!("pool" in rec)) refuseArgument(`${argument}.pool`, "present (a pool name, or undefined for the shared IRQ)", undefined);
  if (rec.pool !== undefined) poolName(rec.pool, `${argument}.pool`);
  bound(rec.min, `${argument}.min`);
  bound(rec.max, `${argument}.max`);
  if ((rec.min as bigint) > (rec.max as bigint)) refuseArgument(`${argument}.min`, `at most ${argument}.max (${rec.max as bigint}n)`, rec.min);
  if ("window" in rec) text(rec.window, `${argument}.window`);
  if ("align" in rec) bound(rec.align, `${argument}.align`);
  if ("is64bit" in rec) flag(rec.is64bit, `${argument}.is64bit`);
  return Object.freeze({ ...rec }) as unknown as ModelResource;
}

/**
 * Turns a model resource back into the shape the real manager accepts. `m`
 * is read by {@link readModelResource} first (`INVALID_ARGUMENT` naming `m.min`…).
 *
 * @example
 * ```ts
 * toRealResource({ kind: "pio", pool: "pio", min: 0x3f8n, max: 0x3ffn }); // { kind: "pio", base: 0x3f8, size: 8 }
 * ```
 */
export function toRealResource(m: ModelResource): Record<string, unknown> {
  return toReal(modelResourceOf(m, "m"));
}

/** @internal {@link toRealResource} of a resource the model holds (no checks). */
export function toReal(m: ModelResource): Record<string, unknown> {
  const n = (v: bigint): number => Number(v);
  switch (m.kind) {
    case "pio":
      return { kind: "pio", base: n(m.min), size: n(m.max - m.min + 1n) };
    case "mmio":
      return { kind: "mmio", base: m.min, size: m.max - m.min + 1n, window: m.window, prefetchable: false, is64bit: m.is64bit ?? false, align: m.align };
    case "mem":
      return { kind: "mem", base: m.min, size: m.max - m.min + 1n, align: m.align };
    case "legacy-irq":
      return { kind: "legacy-irq", irq: n(m.min), shared: m.pool === undefined };
    case "mem-slot":
      return { kind: "mem-slot", base: n(m.min), count: n(m.max - m.min + 1n) };
    case "device-id":
      return { kind: "device-id", id: n(m.min) };
    default:
      return { kind: m.kind, base: n(m.min), count: n(m.max - m.min + 1n) };
  }
}

const fail = (
  code: "NO_FIT" | "CONFLICT" | "INVALID_ALIGNMENT" | "INVALID_REQUEST" | "INVALID_ARGUMENT" | "INVALID_SIZE" | "UNKNOWN_OWNER" | "DUPLICATE_OWNER",
  msg: string,
): never => {
  throw new AllocError(code, `model: ${msg}`);
};

/** `layout` has, for every pool, a `ranges` and a `reserved` list (what the model reads of it). */
function checkLayoutView(layout: unknown): void {
  if (typeof layout !== "object" || layout === null) refuseArgument("layout", "a manager layout", layout);
  for (const p of MANAGER_POOLS) {
    const pool = member(layout as object, p, "layout");
    if (typeof pool !== "object" || pool === null) refuseArgument(`layout.${p}`, "a pool layout", pool);
    list(member(pool, "ranges", `layout.${p}`), `layout.${p}.ranges`);
    list(member(pool, "reserved", `layout.${p}`), `layout.${p}.reserved`);
  }
}

/** The model's operations on arguments already read, for the package's own command set. */
export interface UncheckedModelOps {
  allocate(model: ManagerModel, owner: string, requests: readonly ModelRequest[], extend: boolean): ModelResource[];
  freeDevice(model: ManagerModel, owner: string): ModelResource[];
  freeResource(model: ManagerModel, owner: string, res: ModelResource): void;
  resize(model: ManagerModel, owner: string, res: ModelResource, size: bigint): ModelResource;
  move(model: ManagerModel, owner: string, res: ModelResource, to: bigint): ModelResource;
}

/**
 * @internal {@link UncheckedModelOps}: the command set's way in, which checks
 * nothing again. Not a method of the class, so nothing reached through the
 * package entry skips the methods' checks.
 */
export let uncheckedModel: UncheckedModelOps;
// True for a ManagerModel its constructor built (set in the class's static block).
let isModel: (value: unknown) => boolean;

/**
 * Reference model of `ResourceManager`.
 *
 * @example
 * ```ts
 * const model = new ManagerModel(ResourceManager.fromPreset("x86_64").layout);
 * ```
 */
export class ManagerModel {
  /** The layout the pools were built from. */
  readonly layout: ManagerLayoutView;
  /** One free-list model per pool; holders are owner names, reservations `r:<label>`. */
  pools: Record<ManagerPool, FreeListModel<string>>;
  /** What each owner holds, in allocation order. */
  owners: Map<string, ModelResource[]>;

  constructor(layout: ManagerLayoutView, copyFrom?: ManagerModel) {
    checkLayoutView(layout);
    if (copyFrom !== undefined) modelOf(copyFrom, "copyFrom");
    this.layout = layout;
    if (copyFrom !== undefined) {
      this.pools = Object.fromEntries(MANAGER_POOLS.map((p) => [p, copyFrom.pools[p].clone()])) as Record<ManagerPool, FreeListModel<string>>;
      this.owners = new Map([...copyFrom.owners].map(([k, v]) => [k, v.slice()]));
      return;
    }
    this.owners = new Map();
    this.pools = {} as Record<ManagerPool, FreeListModel<string>>;
    for (const p of MANAGER_POOLS) {
      const m = new FreeListModel<string>();
      for (const r of layout[p].ranges) m.insert({ min: r.min, max: r.max });
      for (const res of layout[p].reserved) {
        const got = m.allocate({ size: res.range.max - res.range.min + 1n, min: res.range.min, max: res.range.max });
        if (got === undefined) throw new Error(`ManagerModel: reservation ${res.label} is not free space of ${p}`);
        m.update(got, `r:${res.label}`);
      }
      this.pools[p] = m;
    }
  }

  /** An independent deep copy. */
  clone(): ManagerModel {
    modelOf(this, "this");
    return new ManagerModel(this.layout, this);
  }

  static {
    isModel = (value) => typeof value === "object" && value !== null && #allocate in value;
    uncheckedModel = Object.freeze({
      allocate: (m: ManagerModel, owner: string, requests: readonly ModelRequest[], extend: boolean) => m.#allocate(owner, requests, extend),
      freeDevice: (m: ManagerModel, owner: string) => m.#freeDevice(owner),
      freeResource: (m: ManagerModel, owner: string, res: ModelResource) => m.#freeResource(owner, res),
      resize: (m: ManagerModel, owner: string, res: ModelResource, size: bigint) => m.#resize(owner, res, size),
      move: (m: ManagerModel, owner: string, res: ModelResource, to: bigint) => m.#move(owner, res, to),
    });
  }

  #exact(pool: ManagerPool, owner: string, min: bigint, max: bigint): void {
    const m = this.pools[pool];
    const sup = m.getSuperset({ min, max });
    if (sup === undefined || sup[1].kind !== "free") fail("CONFLICT", `${pool} [${min}, ${max}] is not free`);
    const r = m.allocate({ size: max - min + 1n, min, max })!;
    m.update(r, `o:${owner}`);
  }

  #fit(pool: ManagerPool, owner: string, c: ConstraintInit): Range | undefined {
    const m = this.pools[pool];
    const r = m.allocate(c);
    if (r !== undefined) m.update(r, `o:${owner}`);
    return r;
  }

  #win(pool: ManagerPool, range?: { min: bigint; max: bigint }): { min?: bigint; max?: bigint } {
    if (range !== undefined) return { min: range.min, max: range.max };
    const w = this.layout[pool].window;
    return w === undefined ? {} : { min: w.min, max: w.max };
  }

  /** Places one request (mutates this model) and returns the resource, or throws. */
  #place(owner: string, req: ModelRequest): ModelResource {
    switch (req.kind) {
      case "pio": {
        if (req.base !== undefined) {
          this.#exact("pio", owner, BigInt(req.base), BigInt(req.base + req.size - 1));
          return { kind: "pio", pool: "pio", min: BigInt(req.base), max: BigInt(req.base + req.size - 1) };
        }
        const r =
          this.#fit("pio", owner, { size: req.size, ...(req.align === undefined ? {} : { align: req.align }), ...this.#win("pio", req.range) }) ??
          fail("NO_FIT", "pio");
        return { kind: "pio", pool: "pio", min: r.min, max: r.max };
      }
      case "mmio": {
        const align = req.align === undefined || req.align === 0n ? 1n : req.align;
        const is64bit = req.is64bit ?? (req.window !== undefined && req.window !== "low");
        if (!is64bit && req.window === "high") fail("INVALID_REQUEST", "a 32-bit region in the high window");
        if (req.base !== undefined) {
          if (req.base % align !== 0n) fail("INVALID_ALIGNMENT", "mmio base");
          if (!is64bit && req.base + req.size - 1n > 0xffff_ffffn) fail("INVALID_REQUEST", "a 32-bit region above 4 GiB");
          this.#exact("mmio", owner, req.base, req.base + req.size - 1n);
          const l = this.layout.mmio;
          const window = inRange(l.low, req.base) ? "low" : l.high !== undefined && inRange(l.high, req.base) ? "high" : "low";
          return { kind: "mmio", pool: "mmio", min: req.base, max: req.base + req.size - 1n, window, align, is64bit };
        }
        const order: Array<"low" | "high"> = req.window === "high" ? ["high"] : req.window === "any" ? (is64bit ? ["high", "low"] : ["low"]) : ["low"];
        for (const w of order) {
          const win = w === "low" ? this.layout.mmio.low : this.layout.mmio.high;
          if (win === undefined) continue;
          const max = !is64bit && win.max > 0xffff_ffffn ? 0xffff_ffffn : win.max;
          if (win.min > max) continue;
          const r = this.#fit("mmio", owner, { size: req.size, min: win.min, max, align, ...(req.policy === undefined ? {} : { policy: req.policy }) });
          if (r !== undefined) return { kind: "mmio", pool: "mmio", min: r.min, max: r.max, window: w, align, is64bit };
        }
        return fail("NO_FIT", "mmio");
      }
      case "mem": {
        const align = req.align === undefined || req.align === 0n ? 1n : req.align;
        if (req.base !== undefined) {
          if (req.base % align !== 0n) fail("INVALID_ALIGNMENT", "mem base");
          this.#exact("mem", owner, req.base, req.base + req.size - 1n);
          return { kind: "mem", pool: "mem", min: req.base, max: req.base + req.size - 1n, align };
        }
        const r =
          this.#fit("mem", owner, { size: req.size, align, ...this.#win("mem"), ...(req.policy === undefined ? {} : { policy: req.policy }) }) ??
          fail("NO_FIT", "mem");
        return { kind: "mem", pool: "mem", min: r.min, max: r.max, align };
      }
      case "legacy-irq": {
        const shared = this.layout.legacyIrq.shared;
        if (req.shared === true) {
          if (shared === undefined) fail("INVALID_REQUEST", "no shared IRQ");
          if (req.irq !== undefined && req.irq !== shared) fail("INVALID_REQUEST", "shared IRQ mismatch");
          return { kind: "legacy-irq", pool: undefined, min: BigInt(shared!), max: BigInt(shared!) };
        }
        if (req.irq !== undefined) {
          if (req.irq === shared) fail("CONFLICT", "the shared IRQ");
          this.#exact("legacyIrq", owner, BigInt(req.irq), BigInt(req.irq));
          return { kind: "legacy-irq", pool: "legacyIrq", min: BigInt(req.irq), max: BigInt(req.irq) };
        }
        const r = this.#fit("legacyIrq", owner, { size: 1, ...this.#win("legacyIrq") }) ?? fail("NO_FIT", "legacyIrq");
        return { kind: "legacy-irq", pool: "legacyIrq", min: r.min, max: r.max };
      }
      case "mem-slot": {
        const count = BigInt(req.count ?? 1);
        if (req.slot !== undefined) {
          this.#exact("memSlot", owner, BigInt(req.slot), BigInt(req.slot) + count - 1n);
          return { kind: "mem-slot", pool: "memSlot", min: BigInt(req.slot), max: BigInt(req.slot) + count - 1n };
        }
        const r = this.#fit("memSlot", owner, { size: count }) ?? fail("NO_FIT", "memSlot");
        return { kind: "mem-slot", pool: "memSlot", min: r.min, max: r.max };
      }
      case "device-id": {
        if (req.id !== undefined) {
          this.#exact("deviceId", owner, BigInt(req.id), BigInt(req.id));
          return { kind: "device-id", pool: "deviceId", min: BigInt(req.id), max: BigInt(req.id) };
        }
        const r = this.#fit("deviceId", owner, { size: 1, ...this.#win("deviceId") }) ?? fail("NO_FIT", "deviceId");
        return { kind: "device-id", pool: "deviceId", min: r.min, max: r.max };
      }
      default: {
        const count = BigInt(req.count);
        if (req.base !== undefined) {
          const base = BigInt(req.base);
          if (req.kind === "pci-msi" && base % count !== 0n) fail("INVALID_ALIGNMENT", "pci-msi base");
          this.#exact("msi", owner, base, base + count - 1n);
          return { kind: req.kind, pool: "msi", min: base, max: base + count - 1n };
        }
        const r = this.#fit("msi", owner, { size: count, ...(req.kind === "pci-msi" ? { align: count } : {}), ...this.#win("msi") }) ?? fail("NO_FIT", "msi");
        return { kind: req.kind, pool: "msi", min: r.min, max: r.max };
      }
    }
  }

  /**
   * All-or-nothing batch; `extend` skips the duplicate-owner check. Returns
   * the resources or throws (state unchanged). The arguments are read once
   * (`owner` a string, each request by {@link readModelRequest}, `extend` a
   * boolean): a mistake is `INVALID_ARGUMENT` naming it (`requests[1].count`).
   */
  allocate(owner: string, requests: readonly ModelRequest[], extend = false): ModelResource[] {
    modelOf(this, "this");
    text(owner, "owner");
    list(requests, "requests");
    const read = Array.from(requests as readonly unknown[], (r, i) => modelRequestOf(r, `requests[${i}]`));
    flag(extend, "extend");
    return this.#allocate(owner, read, extend);
  }

  /** {@link allocate} on arguments already read. */
  #allocate(owner: string, requests: readonly ModelRequest[], extend: boolean): ModelResource[] {
    if (!extend && this.owners.has(owner)) fail("DUPLICATE_OWNER", owner);
    const trial = this.clone();
    const out = requests.map((r) => trial.#place(owner, r));
    this.pools = trial.pools;
    const held = this.owners.get(owner);
    if (held === undefined) this.owners.set(owner, out.slice());
    else held.push(...out);
    return out;
  }

  /** Releases everything `owner` holds; returns it. Throws `UNKNOWN_OWNER` like the real manager (`INVALID_ARGUMENT` for an owner that is not a string). */
  freeDevice(owner: string): ModelResource[] {
    modelOf(this, "this");
    text(owner, "owner");
    return this.#freeDevice(owner);
  }

  /** {@link freeDevice} on arguments already read. */
  #freeDevice(owner: string): ModelResource[] {
    const held = this.owners.get(owner) ?? fail("UNKNOWN_OWNER", owner);
    for (const r of [...held].reverse()) if (r.pool !== undefined) this.pools[r.pool].free({ min: r.min, max: r.max });
    this.owners.delete(owner);
    return held;
  }

  #find(owner: string, res: ModelResource): number {
    const held = this.owners.get(owner);
    const i = held === undefined ? -1 : held.findIndex((h) => same(h, res));
    if (i < 0) fail("UNKNOWN_OWNER", `${owner} does not hold it`);
    return i;
  }

  /** Releases one resource of `owner` (`res` read by {@link readModelResource}). */
  freeResource(owner: string, res: ModelResource): void {
    modelOf(this, "this");
    text(owner, "owner");
    this.#freeResource(owner, modelResourceOf(res, "res"));
  }

  /** {@link freeResource} on arguments already read. */
  #freeResource(owner: string, res: ModelResource): void {
    const i = this.#find(owner, res);
    const held = this.owners.get(owner)!;
    const r = held[i]!;
    if (r.pool !== undefined) this.pools[r.pool].free({ min: r.min, max: r.max });
    held.splice(i, 1);
    if (held.length === 0) this.owners.delete(owner);
  }

  /** Grows or shrinks a resource in place (same base) to `size` units (a bigint in `0..2^64-1`); throws and changes nothing otherwise. */
  resize(owner: string, res: ModelResource, size: bigint): ModelResource {
    modelOf(this, "this");
    text(owner, "owner");
    const r = modelResourceOf(res, "res");
    bound(size, "size");
    return this.#resize(owner, r, size);
  }

  /** {@link resize} on arguments already read. */
  #resize(owner: string, res: ModelResource, size: bigint): ModelResource {
    const i = this.#find(owner, res);
    const held = this.owners.get(owner)!;
    const old = held[i]!;
    if (old.pool === undefined || old.kind === "legacy-irq" || old.kind === "device-id") fail("INVALID_ARGUMENT", `${old.kind} has a fixed size`);
    if (size < 1n) fail("INVALID_ARGUMENT", "size 0");
    const max = old.min + size - 1n;
    if (old.kind === "pci-msi" && (size > 32n || (size & (size - 1n)) !== 0n || old.min % size !== 0n)) fail("INVALID_ARGUMENT", "pci-msi count");
    if ((old.kind === "pci-msix" || old.kind === "generic-msi") && size > 2048n) fail("INVALID_ARGUMENT", "msi count");
    if (old.kind === "mmio") {
      const l = this.layout.mmio;
      if (old.is64bit !== true && max > 0xffff_ffffn) fail("INVALID_ARGUMENT", "a 32-bit region above 4 GiB");
      const win = inRange(l.low, old.min) ? l.low : l.high;
      if (win === undefined || max > win.max) fail("INVALID_ARGUMENT", "leaves its window");
    }
    const pool = this.pools[old.pool!];
    if (max > old.max) {
      const sup = pool.getSuperset({ min: old.max + 1n, max });
      if (sup === undefined || sup[1].kind !== "free") fail("CONFLICT", "the space after it is not free");
    }
    pool.free({ min: old.min, max: old.max });
    const r = pool.allocate({ size, min: old.min, max })!;
    pool.update(r, `o:${owner}`);
    const resized: ModelResource = { ...old, max };
    held[i] = resized;
    return resized;
  }

  /** Moves one resource of `owner` to start at `to` (a bigint in `0..2^64-1`), all or nothing. */
  move(owner: string, res: ModelResource, to: bigint): ModelResource {
    modelOf(this, "this");
    text(owner, "owner");
    const r = modelResourceOf(res, "res");
    bound(to, "to");
    return this.#move(owner, r, to);
  }

  /** {@link move} on arguments already read. */
  #move(owner: string, res: ModelResource, to: bigint): ModelResource {
    const i = this.#find(owner, res);
    const held = this.owners.get(owner)!;
    const old = held[i]!;
    if (old.pool === undefined) fail("INVALID_REQUEST", "shared IRQ");
    const align = old.align ?? (old.kind === "pci-msi" ? old.max - old.min + 1n : 1n);
    if (to % align !== 0n) fail("INVALID_ALIGNMENT", "move target");
    if (old.kind === "mmio" && old.is64bit !== true && to + (old.max - old.min) > 0xffff_ffffn) fail("INVALID_ARGUMENT", "a 32-bit region above 4 GiB");
    if (old.kind === "legacy-irq" && this.layout.legacyIrq.shared !== undefined && to === BigInt(this.layout.legacyIrq.shared)) fail("CONFLICT", "shared IRQ");
    const size = old.max - old.min;
    this.#exact(old.pool!, owner, to, to + size);
    this.pools[old.pool!].free({ min: old.min, max: old.max });
    let moved: ModelResource = { ...old, min: to, max: to + size };
    if (old.kind === "mmio") {
      const l = this.layout.mmio;
      const w = inRange(l.low, to) ? "low" : l.high !== undefined && inRange(l.high, to) ? "high" : old.window;
      moved = { ...moved, ...(w === undefined ? {} : { window: w }) };
    }
    held[i] = moved;
    return moved;
  }
}

/** @internal `value` is a {@link ManagerModel} (a proxy whose `getPrototypeOf` trap throws is refused too). */
export function modelOf(value: unknown, argument: string): void {
  if (!isModel(value)) refuseArgument(argument, "a ManagerModel built by its constructor", value);
}

function inRange(r: RangeView, v: bigint): boolean {
  return r.min <= v && v <= r.max;
}

/**
 * Same kind and placement (as the real manager matches resources). Both are
 * read by {@link readModelResource} first (`INVALID_ARGUMENT` naming `a.kind`, `b.max`…).
 *
 * @example
 * ```ts
 * sameResource(a, { ...a, window: "high" }); // true: placement, not the window, identifies it
 * ```
 */
export function sameResource(a: ModelResource, b: ModelResource): boolean {
  return same(modelResourceOf(a, "a"), modelResourceOf(b, "b"));
}

function same(a: ModelResource, b: ModelResource): boolean {
  if (a.kind !== b.kind || a.pool !== b.pool) return false;
  return a.pool === undefined || (a.min === b.min && a.max === b.max);
}
