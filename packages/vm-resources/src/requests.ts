/**
 * Resource requests: what a device asks the manager for, mirroring
 * Dragonball's `ResourceConstraint` kinds (pio, mmio, mem, legacy irq, PCI MSI,
 * PCI MSI-X, generic MSI, KVM memory slot) plus device ids, and the resources
 * handed back for them.
 *
 * Representation: plain objects discriminated by `kind`; sizes and addresses
 * accept numbers or bigints, results are exact and branded. A request with
 * `base` (or `irq`/`slot`/`id`) asks for exact placement; `range` bounds where
 * it may go; without either it goes to the pool's default window.
 * {@link checkRequest} validates one request in O(1).
 */
import { AllocError, isPowerOfTwo, toU64 } from "@alloc/constraint";
import type { Policy, U64Input } from "@alloc/constraint";
import type { DeviceId, GuestAddress, Irq, MemSlot, MmioAddress, MsiVector, PioPort } from "./brands.js";
import type { PoolName } from "./Layout.js";
import type { MmioWindow } from "./pools/MmioPool.js";
import { checkMsiCount } from "./pools/MsiPool.js";

/** Bounds for an address-like request: `[min, max]` that the whole block must lie in. */
export interface RangeBounds {
  readonly min: U64Input;
  readonly max: U64Input;
}

/** Port I/O ports (Dragonball `PioAddress`). */
export interface PioRequest {
  readonly kind: "pio";
  readonly size: number;
  readonly align?: number;
  readonly range?: RangeBounds;
  /** Exact first port. */
  readonly base?: number;
}

/** MMIO space (Dragonball `MmioAddress`), in the low or high window. */
export interface MmioRequest {
  readonly kind: "mmio";
  readonly size: U64Input;
  readonly align?: U64Input;
  readonly range?: RangeBounds;
  readonly base?: U64Input;
  /** `"low"` (default, below 4 GiB), `"high"`, or `"any"` (high first, then low). */
  readonly window?: MmioWindow;
  /** A prefetchable BAR (recorded; it does not change placement). */
  readonly prefetchable?: boolean;
  /** A 64-bit BAR (recorded; it allows the high window through {@link pciBar}). */
  readonly is64bit?: boolean;
  readonly policy?: Policy;
}

/** Guest RAM space (Dragonball `MemAddress`). */
export interface MemRequest {
  readonly kind: "mem";
  readonly size: U64Input;
  readonly align?: U64Input;
  readonly range?: RangeBounds;
  readonly base?: U64Input;
  readonly policy?: Policy;
}

/** One legacy IRQ line (Dragonball `LegacyIrq`): fixed or any, shared or not. */
export interface LegacyIrqRequest {
  readonly kind: "legacy-irq";
  /** A fixed line; omit for any line of the pool's window. */
  readonly irq?: number;
  /** Accept the layout's shared IRQ (outside the pool). */
  readonly shared?: boolean;
}

/** A block of MSI vectors (Dragonball `PciMsiIrq`, `PciMsixIrq`, `GenericIrq`). */
export interface MsiRequest {
  readonly kind: "pci-msi" | "pci-msix" | "generic-msi";
  readonly count: number;
}

/** KVM user memory slots (Dragonball `KvmMemSlot`): fixed first slot or any, `count` contiguous. */
export interface MemSlotRequest {
  readonly kind: "mem-slot";
  readonly slot?: number;
  readonly count?: number;
}

/** A device instance id, e.g. a PCI device number. */
export interface DeviceIdRequest {
  readonly kind: "device-id";
  readonly id?: number;
}

/** Anything a device may ask for. */
export type ResourceRequest = PioRequest | MmioRequest | MemRequest | LegacyIrqRequest | MsiRequest | MemSlotRequest | DeviceIdRequest;

/** The kinds of requests. */
export type RequestKind = ResourceRequest["kind"];

/** Every request kind. */
export const REQUEST_KINDS: readonly RequestKind[] = ["pio", "mmio", "mem", "legacy-irq", "pci-msi", "pci-msix", "generic-msi", "mem-slot", "device-id"];

/** The pool each request kind draws from. */
export const POOL_OF_KIND: Readonly<Record<RequestKind, PoolName>> = {
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

/** A resource handed to a device; `request` is its index in the request list. */
export type Resource =
  | { readonly kind: "pio"; readonly base: PioPort; readonly size: number }
  | {
      readonly kind: "mmio";
      readonly base: MmioAddress;
      readonly size: bigint;
      readonly window: "low" | "high";
      readonly prefetchable: boolean;
      readonly is64bit: boolean;
      readonly align: bigint;
    }
  | { readonly kind: "mem"; readonly base: GuestAddress; readonly size: bigint; readonly align: bigint }
  | { readonly kind: "legacy-irq"; readonly irq: Irq; readonly shared: boolean }
  | { readonly kind: "pci-msi" | "pci-msix" | "generic-msi"; readonly base: MsiVector; readonly count: number }
  | { readonly kind: "mem-slot"; readonly base: MemSlot; readonly count: number }
  | { readonly kind: "device-id"; readonly id: DeviceId };

/**
 * A PCI memory BAR request: natural alignment (align = size), a 64-bit BAR may
 * go to the high window (`window: "any"`), a 32-bit one stays low. The size must
 * be a power of two of at least 16 bytes (PCI Local Bus spec); throws
 * `INVALID_REQUEST` otherwise.
 *
 * @example
 * ```ts
 * manager.allocateDevice("nvme0", [pciBar({ size: 0x4000, is64bit: true }), { kind: "pci-msix", count: 8 }]);
 * ```
 */
export function pciBar(bar: { size: U64Input; is64bit?: boolean; prefetchable?: boolean }): MmioRequest {
  const size = toU64(bar.size, "bar.size");
  if (!isPowerOfTwo(size) || size < 16n) {
    throw new AllocError("INVALID_REQUEST", `a PCI BAR size must be a power of two of at least 16 bytes; got ${size}`, {
      argument: "size",
      value: bar.size,
    });
  }
  const is64bit = bar.is64bit ?? false;
  return { kind: "mmio", size, align: size, window: is64bit ? "any" : "low", is64bit, prefetchable: bar.prefetchable ?? false };
}

function bad(message: string, argument: string, value: unknown): never {
  throw new AllocError("INVALID_REQUEST", message, { argument, value });
}

function smallInt(v: unknown, name: string, max: number): void {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0 || v > max) bad(`${name} must be an integer in 0..${max}; got ${String(v)}`, name, v);
}

function u64(v: unknown, name: string): bigint {
  if (typeof v !== "number" && typeof v !== "bigint") bad(`${name} must be a number or bigint; got ${typeof v}`, name, v);
  try {
    return toU64(v, name);
  } catch (e) {
    return bad(`${name} must be an integer in 0..2^64-1; got ${String(v)}`, name, v);
  }
}

/**
 * Validates one request's shape (not whether it fits); throws
 * `INVALID_REQUEST` with `details.argument` naming the bad field.
 *
 * @example
 * ```ts
 * checkRequest({ kind: "pci-msi", count: 3 }); // throws: power of two
 * ```
 */
export function checkRequest(req: ResourceRequest): void {
  if (typeof req !== "object" || req === null) bad("a request must be an object with a kind", "kind", req);
  switch (req.kind) {
    case "pio": {
      smallInt(req.size, "size", 0x10000);
      if (req.size < 1) bad("size must be at least 1", "size", req.size);
      if (req.align !== undefined && (smallInt(req.align, "align", 0x10000), !isPowerOfTwo(req.align) && req.align !== 0)) bad("align must be a power of two", "align", req.align);
      if (req.base !== undefined) smallInt(req.base, "base", 0xffff);
      if (req.range !== undefined) checkRange(req.range);
      return;
    }
    case "mmio":
    case "mem": {
      const size = u64(req.size, "size");
      if (size < 1n) bad("size must be at least 1", "size", req.size);
      if (req.align !== undefined) {
        const a = u64(req.align, "align");
        if (a !== 0n && !isPowerOfTwo(a)) bad(`align must be a power of two; got ${a}`, "align", req.align);
      }
      if (req.base !== undefined) {
        const b = u64(req.base, "base");
        if (b + size - 1n > 0xffff_ffff_ffff_ffffn) bad("base + size runs past 2^64-1", "base", req.base);
      }
      if (req.range !== undefined) checkRange(req.range);
      if (req.kind === "mmio" && req.window !== undefined && !["low", "high", "any"].includes(req.window)) {
        bad(`window must be "low", "high" or "any"; got ${String(req.window)}`, "window", req.window);
      }
      return;
    }
    case "legacy-irq":
      if (req.irq !== undefined) smallInt(req.irq, "irq", 0xffff_ffff);
      if (req.shared !== undefined && typeof req.shared !== "boolean") bad("shared must be true or false", "shared", req.shared);
      return;
    case "pci-msi":
    case "pci-msix":
    case "generic-msi":
      try {
        checkMsiCount(req.kind, req.count);
      } catch (e) {
        throw new AllocError("INVALID_REQUEST", (e as Error).message, { argument: "count", value: req.count });
      }
      return;
    case "mem-slot":
      if (req.slot !== undefined) smallInt(req.slot, "slot", 0xffff_ffff);
      if (req.count !== undefined) {
        smallInt(req.count, "count", 0xffff_ffff);
        if (req.count < 1) bad("count must be at least 1", "count", req.count);
      }
      return;
    case "device-id":
      if (req.id !== undefined) smallInt(req.id, "id", 0xffff_ffff);
      return;
    default:
      bad(`unknown request kind ${JSON.stringify((req as { kind?: unknown }).kind)}; expected one of ${REQUEST_KINDS.join(", ")}`, "kind", (req as { kind?: unknown }).kind);
  }
}

function checkRange(r: RangeBounds): void {
  if (typeof r !== "object" || r === null) bad("range must be { min, max }", "range", r);
  const min = u64(r.min, "range.min");
  const max = u64(r.max, "range.max");
  if (min > max) bad(`range.min 0x${min.toString(16)} is above range.max 0x${max.toString(16)}`, "range.min", r);
}

/**
 * A one-line description of a request, for messages and tables.
 *
 * @example
 * ```ts
 * describeRequest({ kind: "pci-msix", count: 8 }); // "pci-msix x8"
 * ```
 */
export function describeRequest(req: ResourceRequest): string {
  switch (req.kind) {
    case "pio":
    case "mmio":
    case "mem": {
      const at = req.base !== undefined ? ` at 0x${BigInt(req.base).toString(16)}` : "";
      const al = req.align !== undefined ? ` align 0x${BigInt(req.align).toString(16)}` : "";
      return `${req.kind} size 0x${BigInt(req.size).toString(16)}${al}${at}`;
    }
    case "legacy-irq":
      return `legacy-irq ${req.shared === true ? "shared" : req.irq !== undefined ? String(req.irq) : "any"}`;
    case "mem-slot":
      return `mem-slot ${req.slot !== undefined ? String(req.slot) : "any"} x${req.count ?? 1}`;
    case "device-id":
      return `device-id ${req.id !== undefined ? String(req.id) : "any"}`;
    default:
      return `${req.kind} x${req.count}`;
  }
}
