/**
 * `Range`: a closed interval `[min, max]` of unsigned 64-bit integers.
 *
 * Representation: four 32-bit halves in plain numbers (`minHi`, `minLo`,
 * `maxHi`, `maxLo`), so allocators compare and build ranges without touching
 * `bigint`. `min`, `max` and `size` read back as exact `bigint`s. Immutable.
 * The whole domain `[0, 2^64-1]` is valid and its `size` is exactly `2^64`.
 */
import { AllocError } from "./AllocError.js";
import { TWO_32, compareParts, hexParts, parseU64, parsedHi, parsedLo, toBigInt } from "./internal/parts.js";
import type { U64Input } from "./U64.js";

/** A range, or anything with exact `min` and `max` fields. */
export type RangeLike = Range | { readonly min: U64Input; readonly max: U64Input };

// A trusted construction path: `Range.fromParts` sets these, then calls the
// constructor, so every Range shares one hidden class.
let trusted = false;
let tMinHi = 0;
let tMinLo = 0;
let tMaxHi = 0;
let tMaxLo = 0;
let tHint = 0;

/**
 * A closed interval `[min, max]`, `0 <= min <= max <= 2^64-1`.
 *
 * @example
 * ```ts
 * const r = new Range(0x1000, 0x1fff);
 * r.size;                              // 4096n
 * Range.withSize(0x1000, 0x1000).equals(r); // true
 * r.toString();                        // "[0x0000000000001000, 0x0000000000001fff]"
 * ```
 */
export class Range {
  /** High 32 bits of `min`. */
  readonly minHi: number;
  /** Low 32 bits of `min`. */
  readonly minLo: number;
  /** High 32 bits of `max`. */
  readonly maxHi: number;
  /** Low 32 bits of `max`. */
  readonly maxLo: number;
  // An allocator's locator for this range (see fromParts); not part of its value.
  readonly #hint: number;

  /**
   * Builds `[min, max]`; throws `INVALID_VALUE` for a value outside the domain
   * and `INVALID_RANGE` when `min > max`.
   */
  constructor(min: U64Input, max: U64Input) {
    if (trusted) {
      this.minHi = tMinHi;
      this.minLo = tMinLo;
      this.maxHi = tMaxHi;
      this.maxLo = tMaxLo;
      this.#hint = tHint;
      return;
    }
    this.#hint = 0;
    parseU64(min, "range.min");
    this.minHi = parsedHi;
    this.minLo = parsedLo;
    parseU64(max, "range.max");
    this.maxHi = parsedHi;
    this.maxLo = parsedLo;
    if (compareParts(this.minHi, this.minLo, this.maxHi, this.maxLo) > 0) {
      throw new AllocError("INVALID_RANGE", `range min ${hexParts(this.minHi, this.minLo)} is above max ${hexParts(this.maxHi, this.maxLo)}`, {
        argument: "range",
        value: { min, max },
      });
    }
  }

  /**
   * `[base, base + size - 1]`: `size` units starting at `base`. Throws
   * `INVALID_SIZE` for size 0 and `INVALID_RANGE` when it would pass `2^64-1`.
   *
   * @example
   * ```ts
   * Range.withSize(0xd0000000n, 0x1000n).max; // 0xd0000fffn
   * ```
   */
  static withSize(base: U64Input, size: U64Input): Range {
    const b = (parseU64(base, "base"), toBigInt(parsedHi, parsedLo));
    parseU64(size, "size");
    if (parsedHi === 0 && parsedLo === 0) {
      throw new AllocError("INVALID_SIZE", "range size must be at least 1; got 0", { argument: "size", value: size });
    }
    const last = b + toBigInt(parsedHi, parsedLo) - 1n;
    if (last > 0xffff_ffff_ffff_ffffn) {
      throw new AllocError("INVALID_RANGE", `range of size ${size} at ${hexParts(Number(b >> 32n), Number(b & 0xffffffffn))} runs past 2^64-1`, {
        argument: "size",
        value: { base, size },
      });
    }
    return new Range(b, last);
  }

  /**
   * The single point `[value, value]`.
   *
   * @example
   * ```ts
   * Range.point(5).size; // 1n
   * ```
   */
  static point(value: U64Input): Range {
    return new Range(value, value);
  }

  /**
   * Builds a range from trusted 32-bit halves without validation; for
   * allocators that have already proved `min <= max` within the domain.
   * `hint` is an opaque locator the allocator may attach (where the range lives
   * in the pool that returned it) to find it again without a search; it never
   * affects the range's value, equality or order, and a pool must verify it.
   */
  static fromParts(minHi: number, minLo: number, maxHi: number, maxLo: number, hint = 0): Range {
    trusted = true;
    tMinHi = minHi;
    tMinLo = minLo;
    tMaxHi = maxHi;
    tMaxLo = maxLo;
    tHint = hint;
    const r = new Range(0, 0);
    trusted = false;
    return r;
  }

  /**
   * Accepts a `Range` as is, or validates `{ min, max }` into one.
   *
   * @example
   * ```ts
   * Range.from({ min: 0, max: 0xff }).size; // 256n
   * ```
   */
  static from(like: RangeLike): Range {
    if (like instanceof Range) return like;
    if (typeof like !== "object" || like === null) {
      throw new AllocError("INVALID_ARGUMENT", `expected a Range or { min, max }; got ${like === null ? "null" : typeof like}`, {
        argument: "range",
        value: like,
      });
    }
    return new Range(like.min, like.max);
  }

  /** The locator given to {@link fromParts}, or 0. */
  static hintOf(range: Range): number {
    return range.#hint;
  }

  /** The first value, exact. */
  get min(): bigint {
    return toBigInt(this.minHi, this.minLo);
  }

  /** The last value, exact. */
  get max(): bigint {
    return toBigInt(this.maxHi, this.maxLo);
  }

  /** The number of values, `max - min + 1`, exact (up to `2^64`). */
  get size(): bigint {
    return this.max - this.min + 1n;
  }

  /** `min` as a number; throws `INVALID_VALUE` above `2^53-1`. Handy for ids and IRQs. */
  get minNumber(): number {
    return safeNumber(this.minHi, this.minLo, "range.min");
  }

  /** `max` as a number; throws `INVALID_VALUE` above `2^53-1`. */
  get maxNumber(): number {
    return safeNumber(this.maxHi, this.maxLo, "range.max");
  }

  /** True when the two ranges share at least one value. */
  intersects(other: Range): boolean {
    return (
      compareParts(this.minHi, this.minLo, other.maxHi, other.maxLo) <= 0 &&
      compareParts(other.minHi, other.minLo, this.maxHi, this.maxLo) <= 0
    );
  }

  /** True when `other` (a range or a single value) lies entirely inside this range. */
  contains(other: Range | U64Input): boolean {
    const r = other instanceof Range ? other : Range.point(other);
    return (
      compareParts(this.minHi, this.minLo, r.minHi, r.minLo) <= 0 &&
      compareParts(r.maxHi, r.maxLo, this.maxHi, this.maxLo) <= 0
    );
  }

  /**
   * This range with `min` raised to the next multiple of `align`, or
   * `undefined` when no aligned value lies inside. `align` 0 and 1 mean none;
   * anything else must be a power of two (`INVALID_ALIGNMENT`).
   *
   * @example
   * ```ts
   * new Range(2, 6).alignUp(4); // [4, 6]
   * new Range(2, 6).alignUp(8); // undefined
   * ```
   */
  alignUp(align: U64Input): Range | undefined {
    parseU64(align, "align");
    const a = toBigInt(parsedHi, parsedLo);
    if (a <= 1n) return this;
    if ((a & (a - 1n)) !== 0n) {
      throw new AllocError("INVALID_ALIGNMENT", `align must be a power of two (or 0/1 for none); got ${a}`, {
        argument: "align",
        value: align,
      });
    }
    const start = ((this.min + a - 1n) / a) * a;
    return start <= this.max ? new Range(start, this.max) : undefined;
  }

  /** True when both ranges have the same `min` and `max`. */
  equals(other: Range): boolean {
    return this.minHi === other.minHi && this.minLo === other.minLo && this.maxHi === other.maxHi && this.maxLo === other.maxLo;
  }

  /** Orders by `min`, then `max`: negative, zero or positive. Usable with `Array.prototype.sort`. */
  compare(other: Range): number {
    return compareParts(this.minHi, this.minLo, other.minHi, other.minLo) || compareParts(this.maxHi, this.maxLo, other.maxHi, other.maxLo);
  }

  /** `[0x…, 0x…]` with 16 hex digits each. */
  toString(): string {
    return `[${hexParts(this.minHi, this.minLo)}, ${hexParts(this.maxHi, this.maxLo)}]`;
  }

  /** JSON form: `{ min, max }` as `0x` hex strings (exact, unlike numbers). */
  toJSON(): { min: string; max: string } {
    return { min: `0x${this.min.toString(16)}`, max: `0x${this.max.toString(16)}` };
  }
}

function safeNumber(hi: number, lo: number, argument: string): number {
  if (hi >= 0x200000) {
    throw new AllocError("INVALID_VALUE", `${argument} ${hexParts(hi, lo)} does not fit in a safe-integer number; read it as a bigint`, {
      argument,
    });
  }
  return hi * TWO_32 + lo;
}
