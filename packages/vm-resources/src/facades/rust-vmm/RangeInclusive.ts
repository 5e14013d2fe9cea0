/**
 * `RangeInclusive`: rust-vmm vm-allocator's closed interval `[start, end]`,
 * as returned by {@link AddressAllocator.allocate} and taken by its `free`.
 *
 * Representation: two private bigints, so a range cannot change after it is
 * checked. Deviation from upstream: `[0, 2^64-1]` is a valid range here (its
 * `len()` is the exact 2^64); upstream refuses it because the length does not
 * fit a u64.
 */
import { AllocError, refuseArgument, refuseThis } from "@alloc/constraint";
import type { U64Input } from "@alloc/constraint";

import { u64 } from "../shared.js";

/** @internal True for a RangeInclusive its constructor built (no proxy trap runs; set in the class's static block). */
export let isRangeInclusive: (value: unknown) => value is RangeInclusive;

/**
 * A closed interval of u64 values.
 *
 * @example
 * ```ts
 * const r = new RangeInclusive(0x1000, 0x1fff);
 * r.len(); // 4096n
 * ```
 */
export class RangeInclusive {
  readonly #start: bigint;
  readonly #end: bigint;

  /** `[start, end]`; `INVALID_RANGE` when `start > end` (upstream `Error::InvalidRange`). */
  constructor(start: U64Input, end: U64Input) {
    const s = u64(start, "start");
    const e = u64(end, "end");
    if (s > e)
      throw new AllocError("INVALID_RANGE", `range start 0x${s.toString(16)} is above its end 0x${e.toString(16)}`, {
        argument: "start",
        range: `[0x${s.toString(16)}, 0x${e.toString(16)}]`,
      });
    this.#start = s;
    this.#end = e;
  }

  /** Lower boundary. @example `new RangeInclusive(3, 5).start(); // 3n` */
  start(): bigint {
    return own(this, "this").#start;
  }

  /** Upper boundary (inclusive). @example `new RangeInclusive(3, 5).end(); // 5n` */
  end(): bigint {
    return own(this, "this").#end;
  }

  /** Number of values, `end - start + 1`. @example `new RangeInclusive(1, 4).len(); // 4n` */
  len(): bigint {
    const a = own(this, "this");
    return a.#end - a.#start + 1n;
  }

  /** True when the two ranges share a value. @example `new RangeInclusive(1, 4).overlaps(new RangeInclusive(4, 6)); // true` */
  overlaps(other: RangeInclusive): boolean {
    const a = own(this, "this");
    const b = own(other, "other");
    const lo = a.#start > b.#start ? a.#start : b.#start;
    const hi = a.#end < b.#end ? a.#end : b.#end;
    return lo <= hi;
  }

  /** True when `other` lies inside this range. @example `new RangeInclusive(2, 6).contains(new RangeInclusive(3, 4)); // true` */
  contains(other: RangeInclusive): boolean {
    const a = own(this, "this");
    const b = own(other, "other");
    return a.#start <= b.#start && b.#end <= a.#end;
  }

  /** Same start and end. @example `new RangeInclusive(1, 4).equals(new RangeInclusive(1, 4)); // true` */
  equals(other: RangeInclusive): boolean {
    const a = own(this, "this");
    const b = own(other, "other");
    return a.#start === b.#start && a.#end === b.#end;
  }

  /** Order by start, then end (upstream derives `Ord` the same way): -1, 0 or 1. @example `new RangeInclusive(1, 3).compare(new RangeInclusive(1, 4)); // -1` */
  compare(other: RangeInclusive): -1 | 0 | 1 {
    const a = own(this, "this");
    const b = own(other, "other");
    if (a.#start !== b.#start) return a.#start < b.#start ? -1 : 1;
    if (a.#end !== b.#end) return a.#end < b.#end ? -1 : 1;
    return 0;
  }

  /** `[0x…, 0x…]`. @example `String(new RangeInclusive(16, 31)); // "[0x10, 0x1f]"` */
  toString(): string {
    const a = own(this, "this");
    return `[0x${a.#start.toString(16)}, 0x${a.#end.toString(16)}]`;
  }

  static {
    isRangeInclusive = (value): value is RangeInclusive => typeof value === "object" && value !== null && #start in value;
  }
}

/** `value` as a RangeInclusive its constructor built, or `INVALID_ARGUMENT` naming `argument`. */
function own(value: unknown, argument: string): RangeInclusive {
  if (isRangeInclusive(value)) return value as RangeInclusive;
  if (argument === "this") refuseThis("a RangeInclusive", value);
  refuseArgument(argument, "a RangeInclusive", value);
}
