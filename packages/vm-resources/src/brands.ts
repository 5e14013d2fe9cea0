/**
 * Branded numbers: one nominal type per kind of VMM resource.
 *
 * Representation: a brand is a phantom property (`__brand`) that exists only
 * in the type system, so an `Irq` is a plain `number` at run time and a
 * `GuestAddress` a plain `bigint`: zero cost. Addresses are exact 64-bit
 * `bigint`s; small ids (IRQ lines, ports, vectors, ids, slots) are numbers.
 * Invariant: the constructors below are the only way to mint a brand from
 * unchecked input, and they validate the range of the value (O(1)).
 */
import { AllocError, describeValue, toU64 } from "@alloc/constraint";
import type { U64Input } from "@alloc/constraint";

/**
 * `Base` tagged with `Name` at the type level only, so one kind of number
 * cannot be passed where another is expected; nothing exists at run time.
 */
export type Brand<Base extends number | bigint, Name extends string> = Base & {
  /** Type-only tag naming the kind of number; it does not exist at run time. */
  readonly __brand: Name;
};

/** A legacy interrupt line (GSI) number. */
export type Irq = Brand<number, "Irq">;
/** An MSI / MSI-X interrupt vector (GSI) number. */
export type MsiVector = Brand<number, "MsiVector">;
/** A port I/O address, `0 .. 0xffff`. */
export type PioPort = Brand<number, "PioPort">;
/** A device instance id (e.g. a PCI device number on a bus). */
export type DeviceId = Brand<number, "DeviceId">;
/** A KVM user memory slot number. */
export type MemSlot = Brand<number, "MemSlot">;
/** An exact 64-bit guest-physical address in guest RAM space. */
export type GuestAddress = Brand<bigint, "GuestAddress">;
/** An exact 64-bit guest-physical address in MMIO space. */
export type MmioAddress = Brand<bigint, "MmioAddress">;

function smallInt(value: number, max: number, what: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new AllocError("INVALID_VALUE", `${what} must be an integer in 0..${max}; got ${describeValue(value)}`, { argument: what, value });
  }
  return value;
}

/** Largest value accepted for number-backed brands other than ports (2^32-1). */
const U32_MAX = 0xffff_ffff;

/**
 * Brands a legacy IRQ line number (0 .. 2^32-1); throws `INVALID_VALUE` otherwise.
 *
 * @example
 * ```ts
 * const line: Irq = irq(5);
 * ```
 */
export function irq(value: number): Irq {
  return smallInt(value, U32_MAX, "irq") as Irq;
}

/**
 * Brands an MSI vector number (0 .. 2^32-1).
 *
 * @example
 * ```ts
 * const v: MsiVector = msiVector(24);
 * ```
 */
export function msiVector(value: number): MsiVector {
  return smallInt(value, U32_MAX, "msiVector") as MsiVector;
}

/**
 * Brands a port I/O address (0 .. 0xffff).
 *
 * @example
 * ```ts
 * const com1: PioPort = pioPort(0x3f8);
 * ```
 */
export function pioPort(value: number): PioPort {
  return smallInt(value, 0xffff, "pioPort") as PioPort;
}

/**
 * Brands a device instance id (0 .. 2^32-1).
 *
 * @example
 * ```ts
 * const slot: DeviceId = deviceId(3);
 * ```
 */
export function deviceId(value: number): DeviceId {
  return smallInt(value, U32_MAX, "deviceId") as DeviceId;
}

/**
 * Brands a KVM memory slot number (0 .. 2^32-1).
 *
 * @example
 * ```ts
 * const s: MemSlot = memSlot(0);
 * ```
 */
export function memSlot(value: number): MemSlot {
  return smallInt(value, U32_MAX, "memSlot") as MemSlot;
}

/**
 * Brands an exact guest RAM address (bigint or safe number, 0 .. 2^64-1).
 *
 * @example
 * ```ts
 * const a: GuestAddress = guestAddress(0x1_0000_0000n);
 * ```
 */
export function guestAddress(value: U64Input): GuestAddress {
  return toU64(value, "guestAddress") as GuestAddress;
}

/**
 * Brands an exact MMIO address (bigint or safe number, 0 .. 2^64-1).
 *
 * @example
 * ```ts
 * const a: MmioAddress = mmioAddress(0xd000_0000n);
 * ```
 */
export function mmioAddress(value: U64Input): MmioAddress {
  return toU64(value, "mmioAddress") as MmioAddress;
}
