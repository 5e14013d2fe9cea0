/**
 * `Constraint`: what an allocation asks for — `size` units inside the window
 * `[min, max]`, starting on a multiple of `align`, placed by a `policy`.
 *
 * Validated once at construction (size >= 1, align a power of two or 0/1,
 * min <= max, every value an integer in `0 .. 2^64-1`), then held as 32-bit
 * halves so allocators never convert on the hot path. Immutable.
 */
import { AllocError } from "./AllocError.js";
import { Policy } from "./Policy.js";
import { describe, hexParts, parseU64, parsedHi, parsedLo, toBigInt } from "./internal/parts.js";
import type { U64Input } from "./U64.js";

/** The plain-object form of a constraint; every field but `size` has a default. */
export interface ConstraintInit {
  /** Units to allocate, at least 1. */
  readonly size: U64Input;
  /** Lowest acceptable first value; default 0. */
  readonly min?: U64Input;
  /** Highest acceptable last value; default `2^64-1`. */
  readonly max?: U64Input;
  /** Power-of-two alignment of the first value; 0 or 1 (default) mean none. */
  readonly align?: U64Input;
  /** Placement policy; default `"first-match"`. */
  readonly policy?: Policy;
}

/** A `Constraint`, or its plain-object form. */
export type ConstraintLike = Constraint | ConstraintInit;

const POLICIES: readonly string[] = Object.values(Policy);

/**
 * A validated allocation request.
 *
 * @example
 * ```ts
 * const c = new Constraint({ size: 0x1000, align: 0x1000, min: 0xc0000000n, max: 0xfebfffffn });
 * c.align; // 4096n
 * ```
 */
export class Constraint {
  /** High/low 32-bit halves of `size`. */
  readonly sizeHi: number;
  /** @see sizeHi */
  readonly sizeLo: number;
  /** High/low 32-bit halves of `min`. */
  readonly minHi: number;
  /** @see minHi */
  readonly minLo: number;
  /** High/low 32-bit halves of `max`. */
  readonly maxHi: number;
  /** @see maxHi */
  readonly maxLo: number;
  /** High/low 32-bit halves of `align`, normalised so that "none" is 1. */
  readonly alignHi: number;
  /** @see alignHi */
  readonly alignLo: number;
  /** How to choose among the places that fit. */
  readonly policy: Policy;

  /** Validates `init`; throws an `AllocError` naming the first bad field. */
  constructor(init: ConstraintInit) {
    if (typeof init !== "object" || init === null) {
      throw new AllocError("INVALID_ARGUMENT", `a constraint must be an object { size, min?, max?, align?, policy? }; got ${describe(init)}`, {
        argument: "constraint",
        value: init,
      });
    }
    parseU64(init.size, "constraint.size");
    if (parsedHi === 0 && parsedLo === 0) {
      throw new AllocError("INVALID_SIZE", "constraint.size must be at least 1; got 0", { argument: "constraint.size", value: init.size });
    }
    this.sizeHi = parsedHi;
    this.sizeLo = parsedLo;

    if (init.min === undefined) {
      this.minHi = 0;
      this.minLo = 0;
    } else {
      parseU64(init.min, "constraint.min");
      this.minHi = parsedHi;
      this.minLo = parsedLo;
    }
    if (init.max === undefined) {
      this.maxHi = 0xffffffff;
      this.maxLo = 0xffffffff;
    } else {
      parseU64(init.max, "constraint.max");
      this.maxHi = parsedHi;
      this.maxLo = parsedLo;
    }
    if (this.minHi > this.maxHi || (this.minHi === this.maxHi && this.minLo > this.maxLo)) {
      throw new AllocError(
        "INVALID_WINDOW",
        `constraint.min ${hexParts(this.minHi, this.minLo)} is above constraint.max ${hexParts(this.maxHi, this.maxLo)}`,
        { argument: "constraint.min", value: { min: init.min, max: init.max } },
      );
    }

    if (init.align === undefined) {
      this.alignHi = 0;
      this.alignLo = 1;
    } else {
      parseU64(init.align, "constraint.align");
      const hi = parsedHi;
      const lo = parsedLo;
      const powerOfTwo = hi === 0 ? lo === 0 || (lo & (lo - 1)) === 0 : lo === 0 && (hi & (hi - 1)) === 0;
      if (!powerOfTwo) {
        throw new AllocError("INVALID_ALIGNMENT", `constraint.align must be a power of two (0 or 1 for none); got ${toBigInt(hi, lo)}`, {
          argument: "constraint.align",
          value: init.align,
        });
      }
      this.alignHi = hi;
      this.alignLo = hi === 0 && lo === 0 ? 1 : lo;
    }

    // Only an absent policy defaults; `null` is refused like any other unknown value.
    const policy = init.policy === undefined ? Policy.FirstMatch : init.policy;
    if (!POLICIES.includes(policy)) {
      throw new AllocError("INVALID_ARGUMENT", `constraint.policy must be one of ${POLICIES.join(", ")}; got ${describe(policy)}`, {
        argument: "constraint.policy",
        value: policy,
      });
    }
    this.policy = policy;
  }

  /**
   * Returns a `Constraint` as is, or validates a plain object into one.
   *
   * @example
   * ```ts
   * Constraint.from({ size: 8, align: 8 }).policy; // "first-match"
   * ```
   */
  static from(like: ConstraintLike): Constraint {
    return like instanceof Constraint ? like : new Constraint(like);
  }

  /** Units to allocate, exact. */
  get size(): bigint {
    return toBigInt(this.sizeHi, this.sizeLo);
  }

  /** Lowest acceptable first value, exact. */
  get min(): bigint {
    return toBigInt(this.minHi, this.minLo);
  }

  /** Highest acceptable last value, exact. */
  get max(): bigint {
    return toBigInt(this.maxHi, this.maxLo);
  }

  /** Alignment of the first value, exact; 1 means none. */
  get align(): bigint {
    return toBigInt(this.alignHi, this.alignLo);
  }

  /** A copy with some fields replaced, validated again. */
  with(changes: Partial<ConstraintInit>): Constraint {
    return new Constraint({ ...this.toInit(), ...changes });
  }

  /** The plain-object form, with exact bigint fields. */
  toInit(): { size: bigint; min: bigint; max: bigint; align: bigint; policy: Policy } {
    return { size: this.size, min: this.min, max: this.max, align: this.align, policy: this.policy };
  }

  /** Readable form, e.g. `size 0x1000 align 0x1000 in [0x…, 0x…] first-match`. */
  toString(): string {
    return `size 0x${this.size.toString(16)} align 0x${this.align.toString(16)} in [${hexParts(this.minHi, this.minLo)}, ${hexParts(this.maxHi, this.maxLo)}] ${this.policy}`;
  }
}

/**
 * A constraint that only `[base, base + size - 1]` satisfies: exact placement,
 * for restoring a snapshot or placing a fixed device. Throws `INVALID_SIZE` for
 * size 0 and `INVALID_RANGE` when the range would pass `2^64-1`.
 *
 * @example
 * ```ts
 * tree.allocate(exactly(0x3f8, 8)); // [0x3f8, 0x3ff] or undefined if taken
 * ```
 */
export function exactly(base: U64Input, size: U64Input): Constraint {
  parseU64(base, "base");
  const b = toBigInt(parsedHi, parsedLo);
  parseU64(size, "size");
  const s = toBigInt(parsedHi, parsedLo);
  if (s === 0n) throw new AllocError("INVALID_SIZE", "size must be at least 1; got 0", { argument: "size", value: size });
  const last = b + s - 1n;
  if (last > 0xffff_ffff_ffff_ffffn) {
    throw new AllocError("INVALID_RANGE", `${s} units at 0x${b.toString(16)} run past 2^64-1`, { argument: "size", value: { base, size } });
  }
  return new Constraint({ size: s, min: b, max: last, policy: Policy.FirstMatch });
}
