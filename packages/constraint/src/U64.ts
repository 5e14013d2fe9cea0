/**
 * Unsigned 64-bit values at the API boundary.
 *
 * Inputs may be a `bigint` or a safe-integer `number`; values read back are
 * always exact `bigint`s. The whole domain `0 .. 2^64-1` is valid.
 */
import { readU64, refuseArgument } from "./boundary.js";

/** A value accepted wherever an unsigned 64-bit integer is expected. */
export type U64Input = bigint | number;

/** The largest unsigned 64-bit value, `2^64-1`. */
export const U64_MAX: bigint = 0xffff_ffff_ffff_ffffn;

/**
 * Checks and converts a value to an exact bigint, or throws `INVALID_VALUE`
 * naming `argument`; the typed form of {@link readU64}.
 *
 * @example
 * ```ts
 * toU64(4096) // 4096n
 * toU64(-1)   // throws AllocError INVALID_VALUE
 * ```
 */
export function toU64(value: U64Input, argument = "value"): bigint {
  if (typeof argument !== "string") refuseArgument("argument", "a string", argument);
  return readU64(value, argument);
}

/**
 * Formats a value as `0x` and 16 lowercase hex digits.
 *
 * @example
 * ```ts
 * formatHex(0xfee00000n) // "0x00000000fee00000"
 * ```
 */
export function formatHex(value: U64Input): string {
  return `0x${toU64(value).toString(16).padStart(16, "0")}`;
}

/**
 * True when `value` is a power of two in the domain (1, 2, 4, ... 2^63).
 *
 * @example
 * ```ts
 * isPowerOfTwo(4096n) // true
 * ```
 */
export function isPowerOfTwo(value: U64Input): boolean {
  if (typeof value === "number" && !Number.isSafeInteger(value)) return false;
  if (typeof value !== "number" && typeof value !== "bigint") return false;
  const v = BigInt(value);
  return v > 0n && v <= U64_MAX && (v & (v - 1n)) === 0n;
}
