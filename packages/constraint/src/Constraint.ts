/**
 * `Constraint`: what an allocation asks for — `size` units inside the window
 * `[min, max]`, starting on a multiple of `align`, placed by a `policy`.
 *
 * Validated once at construction (size >= 1, align a power of two or 0/1,
 * min <= max, every value an integer in `0 .. 2^64-1`, no unknown key), then
 * held as private 32-bit halves so allocators never convert on the hot path
 * and nothing a caller writes can change it.
 */
import { AllocError } from "./AllocError.js";
import { Policy } from "./Policy.js";
import { describeValue, readFields, readRecord } from "./boundary.js";
import { hexParts, parseU64, parsedHi, parsedLo, toBigInt } from "./internal/parts.js";
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
const CONSTRAINT_KEYS: readonly string[] = ["size", "min", "max", "align", "policy"];
const READ = { what: "constraint", code: "INVALID_ARGUMENT" } as const;

// The brand check of a real Constraint; set inside the class, where `#sizeHi in` is allowed.
let brand: (value: unknown) => Constraint;
// The halves the constructor reads a plain init into (copied out at once).
const HALVES = new Float64Array(8);

/** Reads and validates a plain constraint init once into `out` (see `Constraint.read`); returns its policy. */
function readInit(init: unknown, out: Float64Array): Policy {
  const f: unknown[] = [undefined, undefined, undefined, undefined, undefined];
  readFields(init, CONSTRAINT_KEYS, READ, f);
  const size = f[0];
  const min = f[1];
  const max = f[2];
  const align = f[3];
  const policyIn = f[4];
  parseU64(size, "constraint.size");
  if (parsedHi === 0 && parsedLo === 0) {
    throw new AllocError("INVALID_SIZE", "constraint.size must be at least 1; got 0", { argument: "constraint.size", value: size });
  }
  const sizeHi = parsedHi;
  const sizeLo = parsedLo;

  let minHi = 0;
  let minLo = 0;
  if (min !== undefined) {
    parseU64(min, "constraint.min");
    minHi = parsedHi;
    minLo = parsedLo;
  }
  let maxHi = 0xffffffff;
  let maxLo = 0xffffffff;
  if (max !== undefined) {
    parseU64(max, "constraint.max");
    maxHi = parsedHi;
    maxLo = parsedLo;
  }
  if (minHi > maxHi || (minHi === maxHi && minLo > maxLo)) {
    throw new AllocError("INVALID_WINDOW", `constraint.min ${hexParts(minHi, minLo)} is above constraint.max ${hexParts(maxHi, maxLo)}`, {
      argument: "constraint.min",
      value: { min, max },
    });
  }

  let alignHi = 0;
  let alignLo = 1;
  if (align !== undefined) {
    parseU64(align, "constraint.align");
    const hi = parsedHi;
    const lo = parsedLo;
    const powerOfTwo = hi === 0 ? lo === 0 || (lo & (lo - 1)) === 0 : lo === 0 && (hi & (hi - 1)) === 0;
    if (!powerOfTwo) {
      throw new AllocError("INVALID_ALIGNMENT", `constraint.align must be a power of two (0 or 1 for none); got ${toBigInt(hi, lo)}`, {
        argument: "constraint.align",
        value: align,
      });
    }
    alignHi = hi;
    alignLo = hi === 0 && lo === 0 ? 1 : lo;
  }

  // Only an absent policy defaults (and needs no check); `null` is refused like any other unknown value.
  if (policyIn !== undefined && (typeof policyIn !== "string" || !POLICIES.includes(policyIn))) {
    throw new AllocError("INVALID_ARGUMENT", `constraint.policy must be one of ${POLICIES.join(", ")}; got ${describeValue(policyIn)}`, {
      argument: "constraint.policy",
      value: policyIn,
    });
  }
  const policy = policyIn === undefined ? Policy.FirstMatch : policyIn;
  // Written only now, after every user callback has run (a getter may itself build a Constraint).
  out[0] = sizeHi;
  out[1] = sizeLo;
  out[2] = minHi;
  out[3] = minLo;
  out[4] = maxHi;
  out[5] = maxLo;
  out[6] = alignHi;
  out[7] = alignLo;
  return policy as Policy;
}

/**
 * A validated allocation request. Its checked halves are private: writing to
 * a `Constraint` (or shadowing a getter with an own property) cannot change
 * what an allocator reads through the static readers (`Constraint.sizeHiOf` ...).
 *
 * @example
 * ```ts
 * const c = new Constraint({ size: 0x1000, align: 0x1000, min: 0xc0000000n, max: 0xfebfffffn });
 * c.align; // 4096n
 * new Constraint({ size: 16, allign: 4 } as never); // throws INVALID_ARGUMENT: ... did you mean "align"?
 * ```
 */
export class Constraint {
  #sizeHi: number;
  #sizeLo: number;
  #minHi: number;
  #minLo: number;
  #maxHi: number;
  #maxLo: number;
  #alignHi: number;
  #alignLo: number;
  #policy: Policy;

  /**
   * Validates `init` (a plain object read once through `readFields`, or a
   * `Constraint`, copied); throws an `AllocError` naming the first bad field
   * or unknown key.
   */
  constructor(init: ConstraintInit) {
    if (typeof init === "object" && init !== null && #sizeHi in init) {
      const c = init as Constraint;
      this.#sizeHi = c.#sizeHi;
      this.#sizeLo = c.#sizeLo;
      this.#minHi = c.#minHi;
      this.#minLo = c.#minLo;
      this.#maxHi = c.#maxHi;
      this.#maxLo = c.#maxLo;
      this.#alignHi = c.#alignHi;
      this.#alignLo = c.#alignLo;
      this.#policy = c.#policy;
      return;
    }
    this.#policy = readInit(init, HALVES);
    this.#sizeHi = HALVES[0]!;
    this.#sizeLo = HALVES[1]!;
    this.#minHi = HALVES[2]!;
    this.#minLo = HALVES[3]!;
    this.#maxHi = HALVES[4]!;
    this.#maxLo = HALVES[5]!;
    this.#alignHi = HALVES[6]!;
    this.#alignLo = HALVES[7]!;
  }

  /**
   * Checks `like` exactly as `Constraint.from` does, without building an
   * object: a real `Constraint` is copied, anything else is read once as a
   * plain object and validated (same errors). Writes the 32-bit halves of
   * size, min, max and align (1 when none) to `out[0..7]` and returns the
   * policy; `out` must be a `Float64Array` of at least 8 slots
   * (`INVALID_ARGUMENT`). For allocators that consume a request at once.
   *
   * @example
   * ```ts
   * const out = new Float64Array(8);
   * Constraint.read({ size: 0x1000, align: 0x1000 }, out); // "first-match"; out = [0, 0x1000, 0, 0, 0xffffffff, 0xffffffff, 0, 0x1000]
   * ```
   */
  static read(like: ConstraintLike, out: Float64Array): Policy {
    // isView first: a proxy is never a view, and instanceof would run its getPrototypeOf trap.
    if (!ArrayBuffer.isView(out) || !(out instanceof Float64Array) || out.length < 8) {
      throw new AllocError("INVALID_ARGUMENT", `Constraint.read: out must be a Float64Array of at least 8 slots; got ${describeValue(out)}`, {
        argument: "out",
      });
    }
    if (typeof like === "object" && like !== null && #sizeHi in like) {
      out[0] = like.#sizeHi;
      out[1] = like.#sizeLo;
      out[2] = like.#minHi;
      out[3] = like.#minLo;
      out[4] = like.#maxHi;
      out[5] = like.#maxLo;
      out[6] = like.#alignHi;
      out[7] = like.#alignLo;
      return like.#policy;
    }
    return readInit(like, out);
  }

  /**
   * Returns a real `Constraint` as is, or validates anything else (a plain
   * object, a clone, a forged object) into a new one.
   *
   * @example
   * ```ts
   * Constraint.from({ size: 8, align: 8 }).policy; // "first-match"
   * ```
   */
  static from(like: ConstraintLike): Constraint {
    return typeof like === "object" && like !== null && #sizeHi in like ? like : new Constraint(like);
  }

  /**
   * True when `value` is a real `Constraint`, whatever its prototype says.
   *
   * @example
   * ```ts
   * Constraint.is(new Constraint({ size: 1 })); // true
   * Constraint.is({ size: 1 });                 // false
   * ```
   */
  static is(value: unknown): value is Constraint {
    return typeof value === "object" && value !== null && #sizeHi in value;
  }

  /** High 32 bits of `size` of a real Constraint, for allocators; unshadowable by instance properties. */
  static sizeHiOf(c: Constraint): number {
    return brand(c).#sizeHi;
  }

  /** Low 32 bits of `size`; see {@link sizeHiOf}. */
  static sizeLoOf(c: Constraint): number {
    return brand(c).#sizeLo;
  }

  /** High 32 bits of `min`; see {@link sizeHiOf}. */
  static minHiOf(c: Constraint): number {
    return brand(c).#minHi;
  }

  /** Low 32 bits of `min`; see {@link sizeHiOf}. */
  static minLoOf(c: Constraint): number {
    return brand(c).#minLo;
  }

  /** High 32 bits of `max`; see {@link sizeHiOf}. */
  static maxHiOf(c: Constraint): number {
    return brand(c).#maxHi;
  }

  /** Low 32 bits of `max`; see {@link sizeHiOf}. */
  static maxLoOf(c: Constraint): number {
    return brand(c).#maxLo;
  }

  /** High 32 bits of `align` (1 means none); see {@link sizeHiOf}. */
  static alignHiOf(c: Constraint): number {
    return brand(c).#alignHi;
  }

  /** Low 32 bits of `align`; see {@link sizeHiOf}. */
  static alignLoOf(c: Constraint): number {
    return brand(c).#alignLo;
  }

  /** The policy; see {@link sizeHiOf}. */
  static policyOf(c: Constraint): Policy {
    return brand(c).#policy;
  }

  /** High 32 bits of `size`. */
  get sizeHi(): number {
    return brand(this).#sizeHi;
  }

  /** Low 32 bits of `size`. */
  get sizeLo(): number {
    return brand(this).#sizeLo;
  }

  /** High 32 bits of `min`. */
  get minHi(): number {
    return brand(this).#minHi;
  }

  /** Low 32 bits of `min`. */
  get minLo(): number {
    return brand(this).#minLo;
  }

  /** High 32 bits of `max`. */
  get maxHi(): number {
    return brand(this).#maxHi;
  }

  /** Low 32 bits of `max`. */
  get maxLo(): number {
    return brand(this).#maxLo;
  }

  /** High 32 bits of `align`, normalised so that "none" is 1. */
  get alignHi(): number {
    return brand(this).#alignHi;
  }

  /** Low 32 bits of `align`. */
  get alignLo(): number {
    return brand(this).#alignLo;
  }

  /** How to choose among the places that fit. */
  get policy(): Policy {
    return brand(this).#policy;
  }

  /** Units to allocate, exact. */
  get size(): bigint {
    const c = brand(this);
    return toBigInt(c.#sizeHi, c.#sizeLo);
  }

  /** Lowest acceptable first value, exact. */
  get min(): bigint {
    const c = brand(this);
    return toBigInt(c.#minHi, c.#minLo);
  }

  /** Highest acceptable last value, exact. */
  get max(): bigint {
    const c = brand(this);
    return toBigInt(c.#maxHi, c.#maxLo);
  }

  /** Alignment of the first value, exact; 1 means none. */
  get align(): bigint {
    const c = brand(this);
    return toBigInt(c.#alignHi, c.#alignLo);
  }

  /**
   * A copy with some fields replaced, validated again; `changes` is read once
   * like any plain constraint (unknown keys refused).
   *
   * @example
   * ```ts
   * new Constraint({ size: 8 }).with({ align: 8 }).align; // 8n
   * ```
   */
  with(changes: Partial<ConstraintInit>): Constraint {
    const base = brand(this).toInit();
    const ch = readRecord(changes, CONSTRAINT_KEYS, { what: "constraint changes", code: "INVALID_ARGUMENT" });
    return new Constraint({ ...base, ...ch } as ConstraintInit);
  }

  /**
   * The plain-object form, with exact bigint fields; `new Constraint(c.toInit())`
   * builds an equal constraint.
   *
   * @example
   * ```ts
   * new Constraint({ size: 8 }).toInit(); // { size: 8n, min: 0n, max: 0xffffffffffffffffn, align: 1n, policy: "first-match" }
   * ```
   */
  toInit(): {
    /** Units to allocate, at least 1. */
    size: bigint;
    /** Lowest acceptable first value. */
    min: bigint;
    /** Highest acceptable last value. */
    max: bigint;
    /** Alignment of the first value; 1 means none. */
    align: bigint;
    /** Placement policy. */
    policy: Policy;
  } {
    const c = brand(this);
    return { size: c.size, min: c.min, max: c.max, align: c.align, policy: c.policy };
  }

  /** Readable form, e.g. `size 0x1000 align 0x1000 in [0x…, 0x…] first-match`. */
  toString(): string {
    const c = brand(this);
    return `size 0x${this.size.toString(16)} align 0x${this.align.toString(16)} in [${hexParts(c.#minHi, c.#minLo)}, ${hexParts(c.#maxHi, c.#maxLo)}] ${c.#policy}`;
  }

  static {
    brand = (value: unknown): Constraint => {
      if (typeof value === "object" && value !== null && #sizeHi in value) return value as Constraint;
      throw new AllocError(
        "INVALID_ARGUMENT",
        `expected a Constraint built by new Constraint or Constraint.from; got ${value === null || typeof value !== "object" ? describeValue(value) : "an object that only looks like one"}`,
        {
          argument: "constraint",
        },
      );
    };
  }
}

// Nothing outside may replace what the library calls.
Object.freeze(Constraint.prototype);
Object.freeze(Constraint);

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
