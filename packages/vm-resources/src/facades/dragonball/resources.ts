/**
 * dbs-device `resources.rs`: what a device asks for (`ResourceConstraint`),
 * what it gets (`Resource`) and the list handed to it (`DeviceResources`).
 *
 * Representation: plain frozen objects discriminated by `kind` (the upstream
 * variant name); u16/u32 values are numbers, u64 values bigints. A
 * `DeviceResources` returned by {@link DragonballResourceManager} also
 * remembers, privately, the manager owner that holds it.
 */
import { AllocError, describeValue, quoteText, readArray, refuseArgument, refuseThis } from "@alloc/constraint";
import type { U64Input } from "@alloc/constraint";

import { u32, u64 } from "../shared.js";

/** A resource request (upstream `enum ResourceConstraint`). */
export type ResourceConstraint =
  | {
      /** Port I/O: `size` ports aligned to `align`, inside the inclusive `range` when given. */
      readonly kind: "PioAddress";
      /** Inclusive `[min, max]` the block must lie in, or anywhere. */
      readonly range: readonly [number, number] | undefined;
      /** Alignment (0 and 1: none). */
      readonly align: number;
      /** Number of ports. */
      readonly size: number;
    }
  | {
      /** MMIO (`MmioAddress`) or guest memory (`MemAddress`): `size` bytes aligned to `align`, inside `range` when given. */
      readonly kind: "MmioAddress" | "MemAddress";
      /** Inclusive `[min, max]` the block must lie in, or anywhere. */
      readonly range: readonly [bigint, bigint] | undefined;
      /** Alignment (0 and 1: none). */
      readonly align: bigint;
      /** Number of bytes. */
      readonly size: bigint;
    }
  | {
      /** One legacy IRQ, fixed or any. */
      readonly kind: "LegacyIrq";
      /** The fixed IRQ, or any. */
      readonly irq: number | undefined;
    }
  | {
      /** A block of MSI vectors: PCI MSI (aligned), PCI MSI-X or generic. */
      readonly kind: "PciMsiIrq" | "PciMsixIrq" | "GenericIrq";
      /** Number of vectors. */
      readonly size: number;
    }
  | {
      /** KVM memory slots, from a fixed first slot or any. */
      readonly kind: "KvmMemSlot";
      /** The fixed first slot, or any. */
      readonly slot: number | undefined;
      /** Number of slots. */
      readonly size: number;
    };

const u16 = (v: U64Input, name: string): number => {
  const n = u32(v, name);
  if (n > 0xffff) throw new AllocError("INVALID_VALUE", `${name} must be at most 0xffff; got ${n}`, { argument: name, value: n });
  return n;
};

/** Constraints built by the helpers below: checked and frozen, so known by identity. */
const MADE = new WeakSet<object>();

function made(c: ResourceConstraint): ResourceConstraint {
  Object.freeze(c);
  MADE.add(c);
  return c;
}

const pair16 = (r: readonly [U64Input, U64Input] | undefined): readonly [number, number] | undefined =>
  r === undefined ? undefined : Object.freeze([u16(r[0], "range.0"), u16(r[1], "range.1")] as const);
const pair64 = (r: readonly [U64Input, U64Input] | undefined): readonly [bigint, bigint] | undefined =>
  r === undefined ? undefined : Object.freeze([u64(r[0], "range.0"), u64(r[1], "range.1")] as const);

/**
 * The constraint constructors of upstream (`ResourceConstraint::new_pio` etc.),
 * with its defaults: PIO align 1, MMIO and memory align 0x1000.
 *
 * @example
 * ```ts
 * const reqs = [ResourceConstraint.newMmio(0x1000), ResourceConstraint.newLegacyIrq(undefined)];
 * ```
 */
export const ResourceConstraint: {
  /** Port I/O: `size` ports (a u16), anywhere, align 1 (upstream `ResourceConstraint::new_pio`). */
  readonly newPio: (size: number) => ResourceConstraint;
  /** Port I/O: `size` ports inside the inclusive port `range` when given, aligned to `align` (u16s; upstream `ResourceConstraint::pio_with_constraints`). */
  readonly pioWithConstraints: (size: number, range: readonly [number, number] | undefined, align: number) => ResourceConstraint;
  /** MMIO: `size` bytes (a u64), anywhere, align 0x1000 (upstream `ResourceConstraint::new_mmio`). */
  readonly newMmio: (size: U64Input) => ResourceConstraint;
  /** MMIO: `size` bytes inside the inclusive address `range` when given, aligned to `align` bytes (u64s; upstream `ResourceConstraint::mmio_with_constraints`). */
  readonly mmioWithConstraints: (size: U64Input, range: readonly [U64Input, U64Input] | undefined, align: U64Input) => ResourceConstraint;
  /** Guest memory: `size` bytes (a u64), anywhere, align 0x1000 (upstream `ResourceConstraint::new_mem`). */
  readonly newMem: (size: U64Input) => ResourceConstraint;
  /** Guest memory: `size` bytes inside the inclusive address `range` when given, aligned to `align` bytes (u64s; upstream `ResourceConstraint::mem_with_constraints`). */
  readonly memWithConstraints: (size: U64Input, range: readonly [U64Input, U64Input] | undefined, align: U64Input) => ResourceConstraint;
  /** One legacy IRQ: the fixed line `irq` (a u32), or any when `undefined` (upstream `ResourceConstraint::new_legacy_irq`). */
  readonly newLegacyIrq: (irq: number | undefined) => ResourceConstraint;
  /** A PCI MSI block of `size` vectors (a u32; upstream `ResourceConstraint::new_pci_msi_irq`). */
  readonly newPciMsiIrq: (size: number) => ResourceConstraint;
  /** A PCI MSI-X block of `size` vectors (a u32; upstream `ResourceConstraint::new_pci_msix_irq`). */
  readonly newPciMsixIrq: (size: number) => ResourceConstraint;
  /** A generic MSI block of `size` vectors (a u32; upstream `ResourceConstraint::new_generic_irq`). */
  readonly newGenericIrq: (size: number) => ResourceConstraint;
  /** `size` contiguous KVM memory slots from the fixed first `slot`, or anywhere when `undefined` (u32s; upstream `ResourceConstraint::new_kvm_mem_slot`). */
  readonly newKvmMemSlot: (size: number, slot: number | undefined) => ResourceConstraint;
} = Object.freeze({
  newPio: (size: number): ResourceConstraint => made({ kind: "PioAddress", range: undefined, align: 1, size: u16(size, "size") }),
  pioWithConstraints: (size: number, range: readonly [number, number] | undefined, align: number): ResourceConstraint =>
    made({ kind: "PioAddress", range: pair16(range), align: u16(align, "align"), size: u16(size, "size") }),
  newMmio: (size: U64Input): ResourceConstraint => made({ kind: "MmioAddress", range: undefined, align: 0x1000n, size: u64(size, "size") }),
  mmioWithConstraints: (size: U64Input, range: readonly [U64Input, U64Input] | undefined, align: U64Input): ResourceConstraint =>
    made({ kind: "MmioAddress", range: pair64(range), align: u64(align, "align"), size: u64(size, "size") }),
  newMem: (size: U64Input): ResourceConstraint => made({ kind: "MemAddress", range: undefined, align: 0x1000n, size: u64(size, "size") }),
  memWithConstraints: (size: U64Input, range: readonly [U64Input, U64Input] | undefined, align: U64Input): ResourceConstraint =>
    made({ kind: "MemAddress", range: pair64(range), align: u64(align, "align"), size: u64(size, "size") }),
  newLegacyIrq: (irq: number | undefined): ResourceConstraint => made({ kind: "LegacyIrq", irq: irq === undefined ? undefined : u32(irq, "irq") }),
  newPciMsiIrq: (size: number): ResourceConstraint => made({ kind: "PciMsiIrq", size: u32(size, "size") }),
  newPciMsixIrq: (size: number): ResourceConstraint => made({ kind: "PciMsixIrq", size: u32(size, "size") }),
  newGenericIrq: (size: number): ResourceConstraint => made({ kind: "GenericIrq", size: u32(size, "size") }),
  newKvmMemSlot: (size: number, slot: number | undefined): ResourceConstraint =>
    made({ kind: "KvmMemSlot", slot: slot === undefined ? undefined : u32(slot, "slot"), size: u32(size, "size") }),
});

const CONSTRAINT_KEYS: Readonly<Record<string, readonly string[]>> = {
  PioAddress: ["range", "align", "size"],
  MmioAddress: ["range", "align", "size"],
  MemAddress: ["range", "align", "size"],
  LegacyIrq: ["irq"],
  PciMsiIrq: ["size"],
  PciMsixIrq: ["size"],
  GenericIrq: ["size"],
  KvmMemSlot: ["slot", "size"],
};

/**
 * @internal Reads a caller's constraint once into a checked, frozen one:
 * `INVALID_REQUEST` for an unknown kind or key (named), `INVALID_VALUE` for a
 * bad number.
 */
export function readConstraint(value: unknown): ResourceConstraint {
  if (typeof value === "object" && value !== null && MADE.has(value)) return value as ResourceConstraint;
  if (typeof value !== "object" || value === null) throw new AllocError("INVALID_REQUEST", "a resource constraint must be an object", { argument: "kind" });
  let o: Record<string, unknown>;
  try {
    o = { ...(value as Record<string, unknown>) };
  } catch (cause) {
    throw new AllocError("INVALID_REQUEST", "reading the resource constraint threw", { argument: "kind" }, { cause });
  }
  const kind = o["kind"];
  const keys = typeof kind === "string" && Object.hasOwn(CONSTRAINT_KEYS, kind) ? CONSTRAINT_KEYS[kind] : undefined;
  if (keys === undefined) {
    const k = describeValue(kind);
    throw new AllocError("INVALID_REQUEST", `unknown resource constraint ${k}; expected one of ${Object.keys(CONSTRAINT_KEYS).join(", ")}`, {
      argument: "kind",
    });
  }
  for (const key of Object.keys(o)) {
    if (key !== "kind" && !keys.includes(key))
      throw new AllocError("INVALID_REQUEST", `unknown key ${quoteText(key)} in a ${kind} constraint; expected ${keys.join(", ")}`, {
        argument: key.slice(0, 80),
      });
  }
  const rangeIn = o["range"];
  const range = rangeIn === undefined ? undefined : (readArray(rangeIn, { what: "range", code: "INVALID_REQUEST" }) as readonly [U64Input, U64Input]);
  if (range !== undefined && range.length !== 2) throw new AllocError("INVALID_REQUEST", "range must be [min, max] or undefined", { argument: "range" });
  const size = o["size"] as number;
  switch (kind) {
    case "PioAddress":
      return ResourceConstraint.pioWithConstraints(size, range as readonly [number, number] | undefined, o["align"] as number);
    case "MmioAddress":
      return ResourceConstraint.mmioWithConstraints(size, range, o["align"] as U64Input);
    case "MemAddress":
      return ResourceConstraint.memWithConstraints(size, range, o["align"] as U64Input);
    case "LegacyIrq":
      return ResourceConstraint.newLegacyIrq(o["irq"] as number | undefined);
    case "PciMsiIrq":
      return ResourceConstraint.newPciMsiIrq(size);
    case "PciMsixIrq":
      return ResourceConstraint.newPciMsixIrq(size);
    case "GenericIrq":
      return ResourceConstraint.newGenericIrq(size);
    default:
      return ResourceConstraint.newKvmMemSlot(size, o["slot"] as number | undefined);
  }
}

/** The three MSI flavours (upstream `enum MsiIrqType`). */
export const MsiIrqType = {
  /** PCI MSI vectors (upstream `MsiIrqType::PciMsi`). */
  PciMsi: "PciMsi",
  /** PCI MSI-X vectors (upstream `MsiIrqType::PciMsix`). */
  PciMsix: "PciMsix",
  /** Generic (non-PCI) MSI vectors (upstream `MsiIrqType::GenericMsi`). */
  GenericMsi: "GenericMsi",
} as const;
/** One of {@link MsiIrqType}. */
export type MsiIrqType = (typeof MsiIrqType)[keyof typeof MsiIrqType];

/** A resource given to a device (upstream `enum Resource`). */
export type Resource =
  | {
      /** Ports `[base, base + size - 1]`. */
      readonly kind: "PioAddressRange";
      /** First port. */
      readonly base: number;
      /** Number of ports. */
      readonly size: number;
    }
  | {
      /** MMIO (`MmioAddressRange`) or guest memory (`MemAddressRange`) `[base, base + size - 1]`. */
      readonly kind: "MmioAddressRange" | "MemAddressRange";
      /** First address. */
      readonly base: bigint;
      /** Number of bytes. */
      readonly size: bigint;
    }
  | {
      /** A legacy IRQ. */
      readonly kind: "LegacyIrq";
      /** The IRQ number. */
      readonly irq: number;
    }
  | {
      /** A block of MSI vectors. */
      readonly kind: "MsiIrq";
      /** Which MSI flavour. */
      readonly ty: MsiIrqType;
      /** First vector. */
      readonly base: number;
      /** Number of vectors. */
      readonly size: number;
    }
  | {
      /** A MAC address (not allocated; carried for the device). */
      readonly kind: "MacAddress";
      /** The address text. */
      readonly address: string;
    }
  | {
      /** A KVM memory slot (the first of a block). */
      readonly kind: "KvmMemSlot";
      /** The slot number. */
      readonly slot: number;
    };

/**
 * Constructors for each {@link Resource} variant (upstream `Resource::LegacyIrq(5)` etc.).
 *
 * @example
 * ```ts
 * Resource.LegacyIrq(5); // { kind: "LegacyIrq", irq: 5 }
 * ```
 */
export const Resource: {
  /** Ports `base` .. `base + size - 1` (u16s; upstream `Resource::PioAddressRange { base, size }`). */
  readonly PioAddressRange: (base: number, size: number) => Resource;
  /** MMIO bytes `base` .. `base + size - 1` (u64s; upstream `Resource::MmioAddressRange { base, size }`). */
  readonly MmioAddressRange: (base: U64Input, size: U64Input) => Resource;
  /** Guest memory bytes `base` .. `base + size - 1` (u64s; upstream `Resource::MemAddressRange { base, size }`). */
  readonly MemAddressRange: (base: U64Input, size: U64Input) => Resource;
  /** The legacy IRQ line `irq` (a u32; upstream `Resource::LegacyIrq(u32)`). */
  readonly LegacyIrq: (irq: number) => Resource;
  /** `size` MSI vectors of flavour `ty` from `base` (u32s; upstream `Resource::MsiIrq { ty, base, size }`). */
  readonly MsiIrq: (ty: MsiIrqType, base: number, size: number) => Resource;
  /** A NIC MAC address, carried as text and not allocated (upstream `Resource::MacAddress(String)`). */
  readonly MacAddress: (address: string) => Resource;
  /** The KVM memory slot `slot` (a u32; upstream `Resource::KvmMemSlot(u32)`). */
  readonly KvmMemSlot: (slot: number) => Resource;
} = Object.freeze({
  PioAddressRange: (base: number, size: number): Resource => madeResource({ kind: "PioAddressRange", base: u16(base, "base"), size: u16(size, "size") }),
  MmioAddressRange: (base: U64Input, size: U64Input): Resource => madeResource({ kind: "MmioAddressRange", base: u64(base, "base"), size: u64(size, "size") }),
  MemAddressRange: (base: U64Input, size: U64Input): Resource => madeResource({ kind: "MemAddressRange", base: u64(base, "base"), size: u64(size, "size") }),
  LegacyIrq: (irq: number): Resource => madeResource({ kind: "LegacyIrq", irq: u32(irq, "irq") }),
  MsiIrq: (ty: MsiIrqType, base: number, size: number): Resource => {
    if (ty !== "PciMsi" && ty !== "PciMsix" && ty !== "GenericMsi") refuseArgument("ty", "one of PciMsi, PciMsix, GenericMsi", ty);
    return madeResource({ kind: "MsiIrq", ty, base: u32(base, "base"), size: u32(size, "size") });
  },
  MacAddress: (address: string): Resource => {
    if (typeof address !== "string")
      throw new AllocError("INVALID_ARGUMENT", `address: a MAC address is a string; got ${describeValue(address)}`, { argument: "address" });
    return madeResource({ kind: "MacAddress", address });
  },
  KvmMemSlot: (slot: number): Resource => madeResource({ kind: "KvmMemSlot", slot: u32(slot, "slot") }),
});

/** The resources the {@link Resource} constructors built: the only ones a {@link DeviceResources} holds. */
const MADE_RESOURCES = new WeakSet<Resource>();

function madeResource(r: Resource): Resource {
  Object.freeze(r);
  MADE_RESOURCES.add(r);
  return r;
}

/** Owners recorded for the lists a manager handed out (a list built by hand has none). */
const OWNER = new WeakMap<DeviceResources, string>();

/** @internal The owner a {@link DragonballResourceManager} recorded for `list`. */
export function ownerOfList(list: DeviceResources): string | undefined {
  return OWNER.get(list);
}

/** @internal Records the owner holding `list`. */
export function setOwnerOfList(list: DeviceResources, owner: string): void {
  OWNER.set(list, owner);
}

/** The first MSI block of flavour `ty` in `items`, as `[base, size]`. */
function msiOf(items: readonly Resource[], ty: MsiIrqType): [number, number] | undefined {
  for (const r of items) if (r.kind === "MsiIrq" && r.ty === ty) return [r.base, r.size];
  return undefined;
}

// The resources of a DeviceResources its constructor built; anything else is refused as `this`.
let itemsOf: (list: unknown) => Resource[];

/** @internal True for a DeviceResources its constructor built (no proxy trap runs). */
export let isDeviceResources: (value: unknown) => value is DeviceResources;

/**
 * The resources of one device, in request order (upstream `DeviceResources`).
 *
 * @example
 * ```ts
 * const res = new DeviceResources();
 * res.append(Resource.LegacyIrq(5));
 * res.getLegacyIrq(); // 5
 * ```
 */
export class DeviceResources implements Iterable<Resource> {
  readonly #items: Resource[] = [];

  /** An empty list (upstream `DeviceResources::new()`). @example `DeviceResources.new()` */
  static new(): DeviceResources {
    return new DeviceResources();
  }

  /** Adds a resource at the end. @example `res.append(Resource.KvmMemSlot(0))` */
  append(entry: Resource): void {
    const items = itemsOf(this);
    if (typeof entry !== "object" || entry === null || !MADE_RESOURCES.has(entry)) refuseArgument("entry", "a Resource built by Resource.*", entry);
    items.push(entry);
  }

  /** Number of resources. @example `res.length` */
  get length(): number {
    return itemsOf(this).length;
  }

  /** The resource at `index` (negative counts from the end), or undefined. @example `res.at(0)` */
  at(index: number): Resource | undefined {
    const items = itemsOf(this);
    if (typeof index !== "number" || !Number.isSafeInteger(index)) refuseArgument("index", "a safe integer", index);
    return items.at(index);
  }

  /** In order. @example `[...res]` */
  [Symbol.iterator](): IterableIterator<Resource> {
    return itemsOf(this)[Symbol.iterator]();
  }

  /** Every resource (upstream `get_all_resources`). @example `res.getAllResources().length` */
  getAllResources(): readonly Resource[] {
    return itemsOf(this).slice();
  }

  /** `[base, size]` of each port range. @example `res.getPioAddressRanges()` */
  getPioAddressRanges(): [number, number][] {
    const out: [number, number][] = [];
    for (const r of itemsOf(this)) if (r.kind === "PioAddressRange") out.push([r.base, r.size]);
    return out;
  }

  /** `[base, size]` of each MMIO range. @example `res.getMmioAddressRanges()` */
  getMmioAddressRanges(): [bigint, bigint][] {
    const out: [bigint, bigint][] = [];
    for (const r of itemsOf(this)) if (r.kind === "MmioAddressRange") out.push([r.base, r.size]);
    return out;
  }

  /** `[base, size]` of each memory range. @example `res.getMemAddressRanges()` */
  getMemAddressRanges(): [bigint, bigint][] {
    const out: [bigint, bigint][] = [];
    for (const r of itemsOf(this)) if (r.kind === "MemAddressRange") out.push([r.base, r.size]);
    return out;
  }

  /** The first legacy IRQ. @example `res.getLegacyIrq()` */
  getLegacyIrq(): number | undefined {
    for (const r of itemsOf(this)) if (r.kind === "LegacyIrq") return r.irq;
    return undefined;
  }

  /** `[base, size]` of the first PCI MSI block. @example `res.getPciMsiIrqs()` */
  getPciMsiIrqs(): [number, number] | undefined {
    return msiOf(itemsOf(this), MsiIrqType.PciMsi);
  }

  /** `[base, size]` of the first PCI MSI-X block. @example `res.getPciMsixIrqs()` */
  getPciMsixIrqs(): [number, number] | undefined {
    return msiOf(itemsOf(this), MsiIrqType.PciMsix);
  }

  /** `[base, size]` of the first generic MSI block. @example `res.getGenericMsiIrqs()` */
  getGenericMsiIrqs(): [number, number] | undefined {
    return msiOf(itemsOf(this), MsiIrqType.GenericMsi);
  }

  /** Each KVM memory slot. @example `res.getKvmMemSlots()` */
  getKvmMemSlots(): number[] {
    const out: number[] = [];
    for (const r of itemsOf(this)) if (r.kind === "KvmMemSlot") out.push(r.slot);
    return out;
  }

  /** The first MAC address. @example `res.getMacAddress()` */
  getMacAddress(): string | undefined {
    for (const r of itemsOf(this)) if (r.kind === "MacAddress") return r.address;
    return undefined;
  }

  static {
    isDeviceResources = (value) => typeof value === "object" && value !== null && #items in value;
    itemsOf = (list) => (isDeviceResources(list) ? list.#items : refuseThis("a DeviceResources", list));
  }
}
