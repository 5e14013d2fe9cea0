/**
 * Exact unsigned 64-bit values as two 32-bit halves held in plain numbers.
 *
 * A value `v` is the pair `(hi, lo)` with `v = hi * 2^32 + lo`, both halves in
 * `0 .. 2^32-1`. Every operation here is exact; none uses bitwise operators on
 * a whole value (they truncate to 32 bits). Parsing writes into the module
 * scratch `parsedHi`/`parsedLo` so the hot path allocates nothing.
 */
import { AllocError } from "../AllocError.js";
import type { AllocErrorCode } from "../AllocError.js";
import { describeValue } from "../boundary.js";

/** 2^32 as a number. */
export const TWO_32 = 4294967296;

/** Halves written by {@link parseU64}. */
export let parsedHi = 0;
/** Halves written by {@link parseU64}. */
export let parsedLo = 0;

const MASK_32 = 0xffffffffn;
const MAX_U64 = 0xffff_ffff_ffff_ffffn;

/**
 * Parses a `bigint` or safe-integer `number` in `0 .. 2^64-1` into
 * `parsedHi`/`parsedLo`, or throws `code` (default `INVALID_VALUE`) naming `argument`.
 */
export function parseU64(value: unknown, argument: string, code: AllocErrorCode = "INVALID_VALUE"): void {
  if (typeof value === "number") {
    if (Number.isSafeInteger(value) && value >= 0) {
      // `>>> 0` truncates (exact for 0 .. 2^53-1) and turns -0 into +0.
      parsedHi = (value / TWO_32) >>> 0;
      parsedLo = value >>> 0;
      return;
    }
    throw new AllocError(code, `${argument} must be an integer in 0..2^64-1 (a bigint, or a number up to 2^53-1); got ${describeValue(value)}`, {
      argument,
      value,
    });
  }
  if (typeof value === "bigint") {
    if (value >= 0n && value <= MAX_U64) {
      parsedHi = Number(value >> 32n);
      parsedLo = Number(value & MASK_32);
      return;
    }
    throw new AllocError(code, `${argument} must be in 0..2^64-1; got ${describeValue(value)}`, { argument, value });
  }
  throw new AllocError(code, `${argument} must be a bigint or a safe-integer number; got ${describeValue(value)}`, { argument, value });
}

/** The exact bigint of a pair. */
export function toBigInt(hi: number, lo: number): bigint {
  // perf: values below 2^53 convert in one step (bench W1/W2 read back starts).
  if (hi < 0x200000) return BigInt(hi * TWO_32 + lo);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Compares two pairs: negative, zero or positive. */
export function compareParts(aHi: number, aLo: number, bHi: number, bLo: number): number {
  return aHi !== bHi ? aHi - bHi : aLo - bLo;
}

/** Fixed-width lowercase hex of a pair, `0x` and 16 digits. */
export function hexParts(hi: number, lo: number): string {
  return `0x${hi.toString(16).padStart(8, "0")}${lo.toString(16).padStart(8, "0")}`;
}
