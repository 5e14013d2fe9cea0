/**
 * Resource requests: what a device asks the manager for, mirroring
 * Dragonball's `ResourceConstraint` kinds (pio, mmio, mem, legacy irq, PCI MSI,
 * PCI MSI-X, generic MSI, KVM memory slot) plus device ids, and the resources
 * handed back for them.
 *
 * Representation: plain objects discriminated by `kind`; numeric fields are
 * `bigint`s or safe-integer `number`s (nothing else is converted), results are
 * exact, branded and frozen. A request with `base` (or `irq`/`slot`/`id`) asks
 * for exact placement; `range` bounds where it may go; without either it goes
 * to the pool's default window. Each kind's rules live in its module under
 * `kinds/`; the helpers below look the kind up in the registry.
 */
import { AllocError, U64_MAX, isAllocError, isPowerOfTwo } from "@alloc/constraint";
import type { Policy, U64Input } from "@alloc/constraint";
import type { DeviceId, GuestAddress, Irq, MemSlot, MmioAddress, MsiVector, PioPort } from "./brands.js";
import { describeValue, readFields, readRecord, readU64 } from "@alloc/constraint";
import { readNested } from "./kinds/fields.js";
import type { EntryWriter } from "./kinds/Kind.js";
import { ANY_REQUEST_KEYS, ANY_RESOURCE_KEYS, POOL_OF_KIND, REQUEST_KINDS, kindNamed, kindOfResource } from "./kinds/registry.js";
import type { AnyKind } from "./kinds/registry.js";

export { POOL_OF_KIND, REQUEST_KINDS };

/** Bounds for an address-like request: `[min, max]` that the whole block must lie in. */
export interface RangeBounds {
  /** Lowest value the block may use. */
  readonly min: U64Input;
  /** Highest value the block may use. */
  readonly max: U64Input;
}

/** Port I/O ports (Dragonball `PioAddress`). */
export interface PioRequest {
  /** Port I/O. */
  readonly kind: "pio";
  /** Ports, 1..0x10000. */
  readonly size: U64Input;
  /** Alignment of the first port (a power of two; 0/1 none). */
  readonly align?: U64Input;
  /** Where the ports may go (default: the pool window). */
  readonly range?: RangeBounds;
  /** Exact first port. */
  readonly base?: U64Input;
}

/** Which MMIO window a request may use: `"any"` tries high first, then low. */
export type MmioWindow = "low" | "high" | "any";

/** MMIO space (Dragonball `MmioAddress`), in the low or high window. */
export interface MmioRequest {
  /** MMIO space. */
  readonly kind: "mmio";
  /** Bytes, at least 1. */
  readonly size: U64Input;
  /** Alignment of the base (a power of two; 0/1 none). */
  readonly align?: U64Input;
  /** Bounds intersected with the window(s). */
  readonly range?: RangeBounds;
  /** Exact base (aligned to `align`). */
  readonly base?: U64Input;
  /** `"low"` (default, below 4 GiB), `"high"`, or `"any"` (high first, then low). */
  readonly window?: MmioWindow;
  /** A prefetchable BAR (recorded; it does not change placement). */
  readonly prefetchable?: boolean;
  /** A 64-bit region; default `true` for the `"high"`/`"any"` windows. A 32-bit region always lies below 4 GiB. */
  readonly is64bit?: boolean;
  /** Placement policy (default first match). */
  readonly policy?: Policy;
}

/** Guest RAM space (Dragonball `MemAddress`). */
export interface MemRequest {
  /** Guest memory space. */
  readonly kind: "mem";
  /** Bytes, at least 1. */
  readonly size: U64Input;
  /** Alignment of the base (a power of two; 0/1 none). */
  readonly align?: U64Input;
  /** Where the block may go (default: the pool window). */
  readonly range?: RangeBounds;
  /** Exact base (aligned to `align`). */
  readonly base?: U64Input;
  /** Placement policy (default first match). */
  readonly policy?: Policy;
}

/** One legacy IRQ line (Dragonball `LegacyIrq`): fixed or any, shared or not. */
export interface LegacyIrqRequest {
  /** A legacy IRQ line. */
  readonly kind: "legacy-irq";
  /** A fixed line; omit for any line of the pool's window. */
  readonly irq?: U64Input;
  /** Accept the layout's shared IRQ (outside the pool). */
  readonly shared?: boolean;
}

/** A block of MSI vectors (Dragonball `PciMsiIrq`, `PciMsixIrq`, `GenericIrq`). */
export interface MsiRequest {
  /** Which MSI flavour. */
  readonly kind: "pci-msi" | "pci-msix" | "generic-msi";
  /** Vectors: PCI MSI 1, 2, 4, 8, 16 or 32; MSI-X and generic 1..2048. */
  readonly count: U64Input;
  /** Exact first vector (a PCI MSI block is aligned to its count). */
  readonly base?: U64Input;
}

/** KVM user memory slots (Dragonball `KvmMemSlot`): fixed first slot or any, `count` contiguous. */
export interface MemSlotRequest {
  /** KVM memory slots. */
  readonly kind: "mem-slot";
  /** Exact first slot. */
  readonly slot?: U64Input;
  /** Contiguous slots (default 1). */
  readonly count?: U64Input;
}

/** A device instance id, e.g. a PCI device number. */
export interface DeviceIdRequest {
  /** A device id. */
  readonly kind: "device-id";
  /** Exact id. */
  readonly id?: U64Input;
}

/** Anything a device may ask for. */
export type ResourceRequest = PioRequest | MmioRequest | MemRequest | LegacyIrqRequest | MsiRequest | MemSlotRequest | DeviceIdRequest;

/** The kinds of requests. */
export type RequestKind = ResourceRequest["kind"];

/** The three kinds of message-signalled interrupts. */
export type MsiKind = MsiRequest["kind"];

/** Ports handed out. */
export type PioResource = {
  /** Port I/O. */
  readonly kind: "pio";
  /** The first port. */
  readonly base: PioPort;
  /** Number of ports (1..0x10000): the block is `base` .. `base + size - 1` inclusive. */
  readonly size: number;
};
/** An MMIO block handed out, with the window it lies in. */
export type MmioResource = {
  /** MMIO space. */
  readonly kind: "mmio";
  /** The first address. */
  readonly base: MmioAddress;
  /** Size in bytes (at least 1): the block is `base` .. `base + size - 1` inclusive. */
  readonly size: bigint;
  /** The layout's MMIO window that holds the whole block. */
  readonly window: "low" | "high";
  /** The request's `prefetchable` flag (recorded only; it did not change placement). */
  readonly prefetchable: boolean;
  /** Whether the region is 64-bit; a 32-bit region always lies below 4 GiB, and moves and resizes keep it there. */
  readonly is64bit: boolean;
  /** Alignment of `base` in bytes, a power of two (1 when the request asked for none); moves keep it. */
  readonly align: bigint;
};
/** A guest memory block handed out. */
export type MemResource = {
  /** Guest memory space. */
  readonly kind: "mem";
  /** The first guest-physical address. */
  readonly base: GuestAddress;
  /** Size in bytes (at least 1): the block is `base` .. `base + size - 1` inclusive. */
  readonly size: bigint;
  /** Alignment of `base` in bytes, a power of two (1 when the request asked for none); moves keep it. */
  readonly align: bigint;
};
/** A legacy IRQ line handed out (`shared`: the layout's shared IRQ). */
export type LegacyIrqResource = {
  /** A legacy IRQ line. */
  readonly kind: "legacy-irq";
  /** The IRQ line (GSI) number. */
  readonly irq: Irq;
  /** `true` for the layout's shared IRQ, which lies outside the pool and is never held exclusively. */
  readonly shared: boolean;
};
/** A block of MSI vectors handed out. */
export type MsiBlock = {
  /** The MSI flavour the block was asked for. */
  readonly kind: MsiKind;
  /** The first vector. */
  readonly base: MsiVector;
  /** Number of vectors: the block is `base` .. `base + count - 1` inclusive. */
  readonly count: number;
};
/** Memory slots handed out. */
export type MemSlotResource = {
  /** KVM memory slots. */
  readonly kind: "mem-slot";
  /** The first slot number. */
  readonly base: MemSlot;
  /** Number of contiguous slots: `base` .. `base + count - 1` inclusive. */
  readonly count: number;
};
/** A device id handed out. */
export type DeviceIdResource = {
  /** A device id. */
  readonly kind: "device-id";
  /** The id (one value of the device id pool). */
  readonly id: DeviceId;
};

/** A resource handed to a device (frozen). */
export type Resource = PioResource | MmioResource | MemResource | LegacyIrqResource | MsiBlock | MemSlotResource | DeviceIdResource;

/** A request read and checked once: its kind and the kind's frozen internal form. */
export interface CheckedRequest {
  readonly kind: AnyKind;
  readonly req: unknown;
}

/**
 * Reads a caller's request once (every key read exactly once, unknown keys
 * refused with a near miss named) and checks it with its kind's rules.
 * Throws `INVALID_REQUEST` with `details.argument` naming the field. Internal:
 * the checked form never leaves the package.
 *
 * @example
 * ```ts
 * readRequest({ kind: "pio", size: 8 }).kind.name; // "pio"
 * ```
 */
export function readRequest(value: unknown): CheckedRequest {
  if (typeof value === "object" && value !== null) {
    const made = PreparedRequest.checkedOf(value);
    if (made !== undefined) return made;
    const known = IMMUTABLE.get(value);
    if (known !== undefined) return known;
  }
  const out = new Array<unknown>(KEYS.length);
  let present: number;
  try {
    present = readFields(value, KEYS, READ, out);
  } catch (e) {
    // A key no kind has, refused as soon as it was met: when `kind` came before it, named with that kind's keys.
    const name = out[KIND];
    const shape = typeof name === "string" ? SHAPES.get(name) : undefined;
    const key = isAllocError(e) ? e.details.argument : undefined;
    if (shape !== undefined && typeof key === "string" && !KEYS.includes(key)) refuseKeys(shape.kind, [key]);
    throw e;
  }
  const name = out[KIND];
  const shape = (typeof name === "string" ? SHAPES.get(name) : undefined) ?? SHAPES.get(kindNamed(name).name);
  const { kind, own } = shape as KindShape;
  if ((present & (shape as KindShape).foreign) !== 0)
    refuseKeys(
      kind,
      KEYS.filter((_, i) => (present & (1 << i)) !== 0),
    );
  // perf: the kind's values by position, not a record built key by key (bench "churn").
  const values = new Array<unknown>(own.length);
  for (let i = 0; i < own.length; i++) values[i] = out[own[i] as number];
  const checked: CheckedRequest = { kind, req: kind.parse(values) };
  if (Object.isFrozen(value) && seenBefore(value as object) && isImmutable(value as object)) IMMUTABLE.set(value as object, checked);
  return checked;
}

/** Refuses a request of `kind` with `keys` when one of them is not the kind's: the kind's own message, with its allowed keys and a near miss. */
function refuseKeys(kind: AnyKind, keys: readonly string[]): void {
  const mine = Object.create(null) as Record<string, unknown>;
  for (const key of keys) mine[key] = undefined;
  readRecord(mine, kind.requestKeys, { what: `${kind.name} request`, code: "INVALID_REQUEST" });
}

/** Every request key, `kind` first; a request is read once into an array in this order. */
const KEYS: readonly string[] = ANY_REQUEST_KEYS;
const KIND = KEYS.indexOf("kind");
const READ = Object.freeze({ what: "request", code: "INVALID_REQUEST" as const });

/** A kind with the positions of its own keys in {@link KEYS} and the bit mask of the others' (refused on its requests). */
interface KindShape {
  readonly kind: AnyKind;
  readonly own: readonly number[];
  readonly foreign: number;
}

/** perf: one lookup by the `kind` field gives the kind and where its keys sit (bench "churn"). */
const SHAPES: ReadonlyMap<string, KindShape> = new Map(
  REQUEST_KINDS.map((name) => {
    const kind = kindNamed(name);
    let foreign = 0;
    KEYS.forEach((k, i) => {
      if (!kind.requestKeys.includes(k)) foreign |= 1 << i;
    });
    return [name, Object.freeze({ kind, own: Object.freeze(kind.requestKeys.map((k) => KEYS.indexOf(k))), foreign })] as const;
  }),
);

/**
 * perf: requests that can never change (frozen, every own property a data
 * property holding a primitive — a proxy over such an object must answer the
 * same, by the proxy invariants) are checked once and remembered by identity
 * from their second use on: frozen device templates (bench "churn"). A frozen
 * request used once (built for one plug) is only read: remembering it would
 * cost more than reading it.
 */
const IMMUTABLE = new WeakMap<object, CheckedRequest>();

/** The last frozen requests read once, so a second use can be told from a first. */
const RECENT = 16;
const recentFrozen: (object | undefined)[] = new Array<object | undefined>(RECENT).fill(undefined);
let recentNext = 0;

/** True when the frozen request `value` is among the last ones read; otherwise notes it. */
function seenBefore(value: object): boolean {
  for (let i = 0; i < RECENT; i++) if (recentFrozen[i] === value) return true;
  recentFrozen[recentNext] = value;
  recentNext = (recentNext + 1) % RECENT;
  return false;
}

/**
 * A request this package built and checked ({@link pciBar}): frozen, with its
 * own fields as any request has them, and its checked form held privately, so
 * reading it again is one brand check (a copy or a look-alike is read as a
 * plain request).
 */
class PreparedRequest {
  readonly #checked: CheckedRequest;

  constructor(fields: object, checked: CheckedRequest) {
    Object.assign(this, fields);
    this.#checked = checked;
    Object.freeze(this);
  }

  /** The checked form of `value` when this package prepared it. */
  static checkedOf(value: object): CheckedRequest | undefined {
    return #checked in value ? value.#checked : undefined;
  }
}

function isImmutable(value: object): boolean {
  if (!Object.isFrozen(value)) return false;
  for (const key of Reflect.ownKeys(value)) {
    const d = Reflect.getOwnPropertyDescriptor(value, key);
    if (d === undefined || !("value" in d) || (typeof d.value === "object" && d.value !== null) || typeof d.value === "function") return false;
  }
  return true;
}

/**
 * A PCI memory BAR request: natural alignment (align = size), a 64-bit BAR may
 * go to the high window (`window: "any"`), a 32-bit one stays below 4 GiB. The
 * size must be a power of two of at least 16 bytes (PCI Local Bus spec);
 * throws `INVALID_REQUEST` otherwise.
 *
 * @example
 * ```ts
 * manager.allocateDevice("nvme0", [pciBar({ size: 0x4000, is64bit: true }), { kind: "pci-msix", count: 8 }]);
 * ```
 */
export function pciBar(bar: { size: U64Input; is64bit?: boolean; prefetchable?: boolean }): MmioRequest {
  const got: unknown[] = [undefined, undefined, undefined];
  readFields(bar, BAR_KEYS, BAR_READ, got);
  const size = readU64(got[0], "size", "INVALID_REQUEST");
  if (!isPowerOfTwo(size) || size < 16n) {
    throw new AllocError("INVALID_REQUEST", `size: a PCI BAR size must be a power of two of at least 16 bytes; got ${size}`, { argument: "size", value: size });
  }
  const fields: Readonly<Record<string, unknown>> = {
    kind: "mmio",
    size,
    align: size,
    window: got[1] === true ? "any" : "low",
    is64bit: got[1] ?? false,
    prefetchable: got[2] ?? false,
  };
  // The mmio kind's own checks (booleans) on its values by position, once: the manager takes the result without reading it again.
  const { kind } = SHAPES.get("mmio") as KindShape;
  const checked: CheckedRequest = { kind, req: kind.parse(kind.requestKeys.map((k) => fields[k])) };
  return new PreparedRequest(fields, checked) as unknown as MmioRequest;
}

const BAR_KEYS: readonly string[] = ["size", "is64bit", "prefetchable"];
const BAR_READ = Object.freeze({ what: "PCI BAR", code: "INVALID_REQUEST" as const });

/**
 * Validates one request's shape (not whether it fits); throws
 * `INVALID_REQUEST` with `details.argument` naming the bad field.
 *
 * @example
 * ```ts
 * checkRequest({ kind: "pci-msi", count: 3 }); // throws: power of two
 * ```
 */
export function checkRequest(req: unknown): void {
  readRequest(req);
}

/**
 * A one-line description of a request, for messages and tables.
 *
 * @example
 * ```ts
 * describeRequest({ kind: "pci-msix", count: 8 }); // "pci-msix x8"
 * ```
 */
export function describeRequest(req: unknown): string {
  const c = readRequest(req);
  return c.kind.describeRequest(c.req);
}

/**
 * Short text for a resource, e.g. `ports 0x3f8-0x3ff`.
 *
 * @example
 * ```ts
 * describeResource({ kind: "legacy-irq", irq: irq(6), shared: false }); // "irq 6"
 * ```
 */
export function describeResource(res: Resource): string {
  return describeResourceOwn(readResourceValue(res));
}

/** {@link describeResource} of a resource this package made (trusted as it is). */
export function describeResourceOwn(res: Resource): string {
  return kindOfResource(res).describe(res);
}

/**
 * A resource given by a caller, with its kind: its own keys read once into a
 * frozen record (unknown keys refused), its `kind` looked up, and exactly
 * that kind's keys present. Values are not checked yet. Throws
 * `INVALID_ARGUMENT` naming the field.
 *
 * @example
 * ```ts
 * const { kind, rec } = readResourceRecord(res, "resource");
 * ```
 */
export function readResourceRecord(value: unknown, argument: string): { kind: AnyKind; rec: Readonly<Record<string, unknown>> } {
  const rec = readNested(value, ANY_RESOURCE_KEYS, argument, "INVALID_ARGUMENT");
  const kind = kindNamed(rec["kind"], `${argument}.kind`, "INVALID_ARGUMENT");
  for (const key in rec) if (!kind.resourceKeys.includes(key)) readNested(rec, kind.resourceKeys, argument, "INVALID_ARGUMENT");
  for (const key of kind.resourceKeys)
    if (rec[key] === undefined) throw new AllocError("INVALID_ARGUMENT", `${argument}.${key}: missing`, { argument: `${argument}.${key}` });
  return { kind, rec };
}

/**
 * A resource given by a caller to a function that has no layout to place it
 * in (`describeResource`, `placeOf`, `resourceJSON`): read once by
 * {@link readResourceRecord}, each value of the type its kind writes (u64s
 * as bigints in `0 .. 2^64-1`, ports, lines, vectors, ids and slots as safe
 * integers, flags as booleans, names as strings); returns the frozen copy.
 * Where it lies is not checked against any layout: a manager does that
 * (`freeResource`, `move`). Throws `INVALID_ARGUMENT` naming the field.
 *
 * @example
 * ```ts
 * readResourceValue({ kind: "pio", base: 0x3f8, size: 8 }); // a frozen copy
 * readResourceValue({ kind: "pio", base: "0x3f8", size: 8 }); // INVALID_ARGUMENT resource.base
 * ```
 */
export function readResourceValue(value: unknown, argument = "resource"): Resource {
  const { kind, rec } = readResourceRecord(value, argument);
  kind.write(rec as unknown as Resource, new FieldTypes(argument));
  return rec as unknown as Resource;
}

/** Checks each field a kind writes for the type it writes it as. */
class FieldTypes implements EntryWriter {
  readonly #argument: string;
  constructor(argument: string) {
    this.#argument = argument;
  }
  #fail(key: string, expected: string, value: unknown): never {
    const argument = `${this.#argument}.${key}`;
    throw new AllocError("INVALID_ARGUMENT", `${argument} must be ${expected}; got ${describeValue(value)}`, { argument, value });
  }
  hexField(key: string, value: bigint | number): void {
    if (typeof value !== "bigint" || value < 0n || value > U64_MAX) this.#fail(key, "a bigint in 0..2^64-1", value);
  }
  numberField(key: string, value: number): void {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) this.#fail(key, "a non-negative safe integer", value);
  }
  booleanField(key: string, value: boolean): void {
    if (typeof value !== "boolean") this.#fail(key, "true or false", value);
  }
  stringField(key: string, value: string): void {
    if (typeof value !== "string") this.#fail(key, "a string", value);
  }
}
