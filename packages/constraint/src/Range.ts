/**
 * `Range`: a closed interval `[min, max]` of unsigned 64-bit integers.
 *
 * Representation: `min` and `max` each as two private numbers `A * 2^30 + B`
 * with `B < 2^30` (so both are small integers, stored unboxed, for every value
 * below 2^60, and exact over the whole domain); nothing a caller writes can
 * change a checked range, and allocators read 32-bit halves without `bigint`. `min`, `max` and `size` read back as exact
 * `bigint`s. The whole domain `[0, 2^64-1]` is valid and its `size` is
 * exactly `2^64`. Library code reads the halves through the static readers
 * (`Range.minHiOf` ...), which an own property on an instance cannot shadow.
 */
import { AllocError } from "./AllocError.js";
import { describeValue, readFields, refuseArgument } from "./boundary.js";
import { compareParts, hexParts, parseU64, parsedHi, parsedLo, toBigInt } from "./internal/parts.js";
import type { U64Input } from "./U64.js";

/** A range, or anything with exact `min` and `max` fields. */
export type RangeLike =
  | Range
  | {
      /** The first value, in `0 .. 2^64-1`. */
      readonly min: U64Input;
      /** The last value, at least `min`. */
      readonly max: U64Input;
    };

const RANGE_KEYS: readonly string[] = ["min", "max"];

// A trusted construction path: `Range.fromParts` sets these, then calls the
// constructor, so every Range shares one hidden class.
let trusted = false;
let tMinA = 0;
let tMinB = 0;
let tMaxA = 0;
let tMaxB = 0;
let tHint = 0;
const TWO_30 = 1073741824;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_N = 9007199254740991n;
// The brand check of a real Range; set inside the class, where `#minA in` is allowed.
let brand: (value: unknown) => Range;
// The name a plain-object range is reported under (see Range.from).
let rangeName = "range";

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
  #minA: number;
  #minB: number;
  #maxA: number;
  #maxB: number;
  // An allocator's locator for this range (see fromParts); not part of its value.
  #hint: number;

  /**
   * Builds `[min, max]`; throws `INVALID_VALUE` for a value outside the domain
   * and `INVALID_RANGE` when `min > max`.
   */
  constructor(min: U64Input, max: U64Input) {
    if (trusted) {
      this.#minA = tMinA;
      this.#minB = tMinB;
      this.#maxA = tMaxA;
      this.#maxB = tMaxB;
      this.#hint = tHint;
      return;
    }
    this.#hint = 0;
    const lo = smallOf(min);
    const hi = smallOf(max);
    if (lo >= 0 && hi >= lo) {
      // Both below 2^53 and ordered: straight into chunks, nothing can fail.
      this.#minA = Math.floor(lo / TWO_30);
      this.#minB = chunkB(lo >>> 0);
      this.#maxA = Math.floor(hi / TWO_30);
      this.#maxB = chunkB(hi >>> 0);
      return;
    }
    parseU64(min, `${rangeName}.min`);
    const minHi = parsedHi;
    const minLo = parsedLo;
    this.#minA = chunkA(minHi, minLo);
    this.#minB = chunkB(minLo);
    parseU64(max, `${rangeName}.max`);
    this.#maxA = chunkA(parsedHi, parsedLo);
    this.#maxB = chunkB(parsedLo);
    if (compareParts(minHi, minLo, parsedHi, parsedLo) > 0) {
      throw new AllocError("INVALID_RANGE", `${rangeName} min ${hexParts(minHi, minLo)} is above max ${hexParts(parsedHi, parsedLo)}`, {
        argument: rangeName,
        value: { min, max },
      });
    }
  }

  /**
   * True when `value` is a real `Range` (built by this class), whatever its
   * prototype says. Plain objects, clones and forged objects are not.
   *
   * @example
   * ```ts
   * Range.is(new Range(1, 2));                      // true
   * Range.is(Object.create(Range.prototype));       // false
   * Range.is(structuredClone(new Range(1, 2)));     // false
   * ```
   */
  static is(value: unknown): value is Range {
    return typeof value === "object" && value !== null && #minA in value;
  }

  /** High 32 bits of `min` of a real Range, for allocators; unshadowable by instance properties. */
  static minHiOf(r: Range): number {
    return hiOf(brand(r).#minA);
  }

  /** Low 32 bits of `min`; see {@link minHiOf}. */
  static minLoOf(r: Range): number {
    const b = brand(r);
    return loOf(b.#minA, b.#minB);
  }

  /** High 32 bits of `max`; see {@link minHiOf}. */
  static maxHiOf(r: Range): number {
    return hiOf(brand(r).#maxA);
  }

  /** Low 32 bits of `max`; see {@link minHiOf}. */
  static maxLoOf(r: Range): number {
    const b = brand(r);
    return loOf(b.#maxA, b.#maxB);
  }

  /**
   * `min` of a real Range as a number when it is below 2^53 (exact), else -1;
   * for allocators that do number arithmetic below 2^53. See {@link minHiOf}.
   */
  static minNumberOf(r: Range): number {
    const b = brand(r);
    const a = b.#minA;
    return a < 0x800000 ? a * TWO_30 + b.#minB : -1;
  }

  /** `max` as a number below 2^53, else -1; see {@link minNumberOf}. */
  static maxNumberOf(r: Range): number {
    const b = brand(r);
    const a = b.#maxA;
    return a < 0x800000 ? a * TWO_30 + b.#maxB : -1;
  }

  /**
   * `[min, max]` from two safe-integer numbers, with an allocator's locator
   * `hint` as in {@link fromParts}. Checked cheaply (integers, `0 <= min <= max
   * <= 2^53-1`, hint a non-negative int32; else `INVALID_VALUE` /
   * `INVALID_RANGE`), so it cannot make an invalid `Range`.
   *
   * @example
   * ```ts
   * Range.fromNumbers(0x1000, 0x1fff).size; // 4096n
   * ```
   */
  static fromNumbers(min: number, max: number, hint = 0): Range {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 0 || typeof hint !== "number" || (hint | 0) !== hint || hint < 0) {
      throw new AllocError("INVALID_VALUE", "Range.fromNumbers: min and max must be safe integers >= 0 and hint a non-negative int32", { argument: "parts" });
    }
    if (min > max) throw new AllocError("INVALID_RANGE", `Range.fromNumbers: min ${min} is above max ${max}`, { argument: "parts" });
    return buildNumbers(min, max, hint);
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
    const nb = smallOf(base);
    const ns = smallOf(size);
    if (nb >= 0 && ns >= 1 && nb <= MAX_SAFE - (ns - 1)) {
      // Base, size and last all below 2^53: exact in float64, nothing can fail.
      const last = nb + ns - 1;
      return buildNumbers(nb, last, 0);
    }
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
   * Builds a range from 32-bit halves, for allocators that hold values as
   * halves. The halves are only checked cheaply (each an integer in
   * `0 .. 2^32-1`, `min <= max`; else `INVALID_VALUE` / `INVALID_RANGE`), so a
   * caller cannot make an invalid `Range` through it. `hint` is an opaque
   * locator (a non-negative int32) the allocator may attach to find the range
   * again without a search; it never affects the range's value, equality or
   * order, and a pool must verify it against the bounds before trusting it.
   *
   * @example
   * ```ts
   * Range.fromParts(0, 0x1000, 0, 0x1fff).size; // 4096n
   * ```
   */
  static fromParts(minHi: number, minLo: number, maxHi: number, maxLo: number, hint = 0): Range {
    if (!isHalf(minHi) || !isHalf(minLo) || !isHalf(maxHi) || !isHalf(maxLo) || typeof hint !== "number" || (hint | 0) !== hint || hint < 0) {
      throw new AllocError("INVALID_VALUE", "Range.fromParts: each half must be an integer in 0..2^32-1 and hint a non-negative int32", { argument: "parts" });
    }
    if (compareParts(minHi, minLo, maxHi, maxLo) > 0) {
      throw new AllocError("INVALID_RANGE", `Range.fromParts: min ${hexParts(minHi, minLo)} is above max ${hexParts(maxHi, maxLo)}`, { argument: "parts" });
    }
    return build(chunkA(minHi, minLo), chunkB(minLo), chunkA(maxHi, maxLo), chunkB(maxLo), hint);
  }

  /**
   * Returns a real `Range` as is (brand check, no validation); reads anything
   * else once as a plain object with exactly the keys `min` and `max` and
   * validates it. Clones, JSON round trips, forged prototype objects and
   * proxies are not real ranges: they are read like plain objects, so they
   * are refused unless they hold valid own `min`/`max`. `name` prefixes the
   * field names in errors (`"range.min"` by default).
   *
   * @example
   * ```ts
   * Range.from({ min: 0, max: 0xff }).size;        // 256n
   * Range.from({ min: 0, mxa: 0xff });             // throws INVALID_ARGUMENT: ... did you mean "max"?
   * Range.from(JSON.parse(JSON.stringify(r)));     // throws INVALID_VALUE: range.min ... got string "0x…"
   * ```
   */
  static from(like: RangeLike, name = "range"): Range {
    if (typeof like === "object" && like !== null && #minA in like) return like;
    if (typeof name !== "string") refuseArgument("name", "a string", name);
    const out: unknown[] = [undefined, undefined];
    readFields(like, RANGE_KEYS, { what: name, code: "INVALID_ARGUMENT" }, out);
    rangeName = name;
    try {
      return new Range(out[0] as U64Input, out[1] as U64Input);
    } finally {
      rangeName = "range";
    }
  }

  /** The locator given to {@link fromParts}, or 0. */
  static hintOf(range: Range): number {
    return brand(range).#hint;
  }

  /** High 32 bits of `min`. */
  get minHi(): number {
    return hiOf(brand(this).#minA);
  }

  /** Low 32 bits of `min`. */
  get minLo(): number {
    const r = brand(this);
    return loOf(r.#minA, r.#minB);
  }

  /** High 32 bits of `max`. */
  get maxHi(): number {
    return hiOf(brand(this).#maxA);
  }

  /** Low 32 bits of `max`. */
  get maxLo(): number {
    const r = brand(this);
    return loOf(r.#maxA, r.#maxB);
  }

  /** The first value, exact. */
  get min(): bigint {
    const r = brand(this);
    return exact(r.#minA, r.#minB);
  }

  /** The last value, exact. */
  get max(): bigint {
    const r = brand(this);
    return exact(r.#maxA, r.#maxB);
  }

  /** The number of values, `max - min + 1`, exact (up to `2^64`). */
  get size(): bigint {
    const r = brand(this);
    // perf: below 2^53 the difference is exact in float64 (at most 2^53).
    if (r.#maxA < 0x800000) return BigInt(r.#maxA * TWO_30 + r.#maxB - (r.#minA * TWO_30 + r.#minB) + 1);
    return exact(r.#maxA, r.#maxB) - exact(r.#minA, r.#minB) + 1n;
  }

  /** `min` as a number; throws `INVALID_VALUE` above `2^53-1`. Handy for ids and IRQs. */
  get minNumber(): number {
    const r = brand(this);
    return safeNumber(r.#minA, r.#minB, "range.min");
  }

  /** `max` as a number; throws `INVALID_VALUE` above `2^53-1`. */
  get maxNumber(): number {
    const r = brand(this);
    return safeNumber(r.#maxA, r.#maxB, "range.max");
  }

  /** True when the two ranges share at least one value (`other` may be range-like; it is validated). */
  intersects(other: RangeLike): boolean {
    const a = brand(this);
    const b = Range.from(other, "other");
    return compareParts(a.#minA, a.#minB, b.#maxA, b.#maxB) <= 0 && compareParts(b.#minA, b.#minB, a.#maxA, a.#maxB) <= 0;
  }

  /** True when `other` (a range, range-like or a single value) lies entirely inside this range. */
  contains(other: RangeLike | U64Input): boolean {
    const a = brand(this);
    const b = typeof other === "object" && other !== null ? Range.from(other, "other") : Range.point(other as U64Input);
    return compareParts(a.#minA, a.#minB, b.#minA, b.#minB) <= 0 && compareParts(b.#maxA, b.#maxB, a.#maxA, a.#maxB) <= 0;
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
    brand(this);
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

  /** True when both ranges have the same `min` and `max` (`other` may be range-like). */
  equals(other: RangeLike): boolean {
    const a = brand(this);
    const b = Range.from(other, "other");
    return a.#minA === b.#minA && a.#minB === b.#minB && a.#maxA === b.#maxA && a.#maxB === b.#maxB;
  }

  /** Orders by `min`, then `max`: negative, zero or positive. Usable with `Array.prototype.sort`. */
  compare(other: RangeLike): number {
    const a = brand(this);
    const b = Range.from(other, "other");
    return compareParts(a.#minA, a.#minB, b.#minA, b.#minB) || compareParts(a.#maxA, a.#maxB, b.#maxA, b.#maxB);
  }

  /** `[0x…, 0x…]` with 16 hex digits each. */
  toString(): string {
    const r = brand(this);
    return `[${hexParts(hiOf(r.#minA), loOf(r.#minA, r.#minB))}, ${hexParts(hiOf(r.#maxA), loOf(r.#maxA, r.#maxB))}]`;
  }

  /**
   * JSON form: `{ min, max }` as `0x` hex strings (exact, unlike numbers).
   *
   * @example
   * ```ts
   * JSON.stringify(new Range(0x1000, 0x1fff)); // '{"min":"0x1000","max":"0x1fff"}'
   * ```
   */
  toJSON(): {
    /** The first value as lower-case hex, e.g. `"0x1000"`. */
    min: string;
    /** The last value as lower-case hex. */
    max: string;
  } {
    const r = brand(this);
    return { min: `0x${r.min.toString(16)}`, max: `0x${r.max.toString(16)}` };
  }

  static {
    brand = (value: unknown): Range => {
      if (typeof value === "object" && value !== null && #minA in value) return value as Range;
      throw new AllocError(
        "INVALID_ARGUMENT",
        `expected a Range built by new Range, Range.from or an allocator; got ${value === null || typeof value !== "object" ? describeValue(value) : "an object that only looks like one"}`,
        {
          argument: "range",
        },
      );
    };
  }
}

// Nothing outside may replace what the library calls.
Object.freeze(Range.prototype);
Object.freeze(Range);

// A Range from two checked safe integers 0 <= min <= max < 2^53.
function buildNumbers(min: number, max: number, hint: number): Range {
  return build(Math.floor(min / TWO_30), chunkB(min >>> 0), Math.floor(max / TWO_30), chunkB(max >>> 0), hint);
}

// A Range from trusted chunks (see the `trusted` flag), one hidden class for all.
function build(minA: number, minB: number, maxA: number, maxB: number, hint: number): Range {
  trusted = true;
  tMinA = minA;
  tMinB = minB;
  tMaxA = maxA;
  tMaxB = maxB;
  tHint = hint;
  const r = new Range(0, 0);
  trusted = false;
  return r;
}

// `value` as a number when it is a valid input below 2^53 (safe-integer number
// or bigint), else -1: the caller then takes the exact path, which reports errors.
function smallOf(value: unknown): number {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value + 0 : -1; // + 0: -0 -> 0
  if (typeof value === "bigint") return value >= 0n && value <= MAX_SAFE_N ? Number(value) : -1;
  return -1;
}

function isHalf(x: unknown): boolean {
  return typeof x === "number" && x >>> 0 === x;
}

// Chunks: a value is A * 2^30 + B, 0 <= B < 2^30 (A < 2^34), from or to 32-bit halves.
function chunkA(hi: number, lo: number): number {
  return hi * 4 + (lo >>> 30);
}

function chunkB(lo: number): number {
  return lo & 0x3fffffff;
}

function hiOf(a: number): number {
  return Math.floor(a / 4); // exact: a < 2^34
}

function loOf(a: number, b: number): number {
  return (a - Math.floor(a / 4) * 4) * TWO_30 + b;
}

function exact(a: number, b: number): bigint {
  return a < 0x800000 ? BigInt(a * TWO_30 + b) : (BigInt(a) << 30n) | BigInt(b);
}

function safeNumber(a: number, b: number, argument: string): number {
  if (a >= 0x800000) {
    throw new AllocError("INVALID_VALUE", `${argument} ${hexParts(hiOf(a), loOf(a, b))} does not fit in a safe-integer number; read it as a bigint`, {
      argument,
    });
  }
  return a * TWO_30 + b;
}
