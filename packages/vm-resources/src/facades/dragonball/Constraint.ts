/**
 * `Constraint`: dbs-allocator's allocation request as Dragonball builds it,
 * `Constraint.new(size).min(a).max(b).align(c)`. Immutable: each builder call
 * returns a new constraint; the same method without an argument reads the
 * value. Defaults are upstream's: min 0, max 2^64-1, align 1, first match.
 */
import { AllocError, U64_MAX, describeValue, refuseThis } from "@alloc/constraint";
import type { U64Input } from "@alloc/constraint";

import { u64 } from "../shared.js";

/** dbs-allocator `AllocPolicy`: both variants are first fit from the lowest address. */
export type DbsAllocPolicy = "Default" | "FirstMatch";

/** @internal True for a Constraint this class built (no proxy trap runs; set in its static block). */
export let isDbsConstraint: (value: unknown) => value is Constraint;

/**
 * A dbs-allocator constraint.
 *
 * @example
 * ```ts
 * const c = Constraint.new(0x100_0000n).min(0xfe00_0000n).max(0xffff_ffffn);
 * c.min(); // 0xfe000000n
 * ```
 */
export class Constraint {
  readonly #size: bigint;
  readonly #min: bigint;
  readonly #max: bigint;
  readonly #align: bigint;
  readonly #policy: DbsAllocPolicy;

  private constructor(size: bigint, min: bigint, max: bigint, align: bigint, policy: DbsAllocPolicy) {
    this.#size = size;
    this.#min = min;
    this.#max = max;
    this.#align = align;
    this.#policy = policy;
  }

  /** A constraint for `size` units anywhere (upstream `Constraint::new(size)`). @example `Constraint.new(0x1000)` */
  static new(size: U64Input): Constraint {
    return new Constraint(u64(size, "size"), 0n, U64_MAX, 1n, "Default");
  }

  /** The size asked for. @example `Constraint.new(8).size(); // 8n` */
  size(): bigint {
    const c = own(this);
    return c.#size;
  }

  /** The lowest acceptable start, or a copy with it set. @example `Constraint.new(8).min(0x1000)` */
  min(): bigint;
  min(value: U64Input): Constraint;
  min(value?: U64Input): bigint | Constraint {
    const c = own(this);
    return value === undefined ? c.#min : new Constraint(c.#size, u64(value, "min"), c.#max, c.#align, c.#policy);
  }

  /** The highest acceptable end, or a copy with it set. @example `Constraint.new(8).max(0xffff)` */
  max(): bigint;
  max(value: U64Input): Constraint;
  max(value?: U64Input): bigint | Constraint {
    const c = own(this);
    return value === undefined ? c.#max : new Constraint(c.#size, c.#min, u64(value, "max"), c.#align, c.#policy);
  }

  /** The alignment (0 and 1 mean none), or a copy with it set. @example `Constraint.new(8).align(8)` */
  align(): bigint;
  align(value: U64Input): Constraint;
  align(value?: U64Input): bigint | Constraint {
    const c = own(this);
    return value === undefined ? c.#align : new Constraint(c.#size, c.#min, c.#max, u64(value, "align"), c.#policy);
  }

  /** The policy, or a copy with it set. @example `Constraint.new(8).policy("FirstMatch")` */
  policy(): DbsAllocPolicy;
  policy(value: DbsAllocPolicy): Constraint;
  policy(value?: DbsAllocPolicy): DbsAllocPolicy | Constraint {
    const c = own(this);
    if (value === undefined) return c.#policy;
    if (value !== "Default" && value !== "FirstMatch")
      throw new AllocError("INVALID_ARGUMENT", `policy must be "Default" or "FirstMatch"; got ${describeValue(value)}`, { argument: "policy" });
    return new Constraint(c.#size, c.#min, c.#max, c.#align, value);
  }

  static {
    isDbsConstraint = (value): value is Constraint => typeof value === "object" && value !== null && #size in value;
  }
}

/** `value` as a Constraint this class built, or `INVALID_ARGUMENT` (a forged `this`). */
function own(value: unknown): Constraint {
  if (!isDbsConstraint(value)) refuseThis("a Constraint", value);
  return value as Constraint;
}
