/**
 * `AllocPolicy` and `Constraint`: how rust-vmm vm-allocator asks for space.
 *
 * `FirstMatch` (the default) takes the lowest fitting block, `LastMatch` the
 * highest, `ExactMatch(address)` exactly `[address, address + size - 1]`.
 * {@link Constraint} checks a request once, as upstream's `Constraint::new`
 * does: size at least 1, alignment a non-zero power of two, an exact address
 * aligned to it.
 */
import { AllocError, isPowerOfTwo, refuseThis } from "@alloc/constraint";
import type { U64Input } from "@alloc/constraint";

import { u64 } from "../shared.js";

/** One allocation policy (upstream `enum AllocPolicy`). */
export type AllocPolicy =
  | {
      /** The lowest fitting block (`FirstMatch`) or the highest (`LastMatch`). */
      readonly kind: "first-match" | "last-match";
    }
  | {
      /** Exactly `[address, address + size - 1]` (`ExactMatch(address)`). */
      readonly kind: "exact-match";
      /** The first address. */
      readonly address: bigint;
    };

/**
 * The policies: `AllocPolicy.FirstMatch`, `AllocPolicy.LastMatch`,
 * `AllocPolicy.ExactMatch(address)`.
 *
 * @example
 * ```ts
 * pool.allocate(0x1000, 0x1000, AllocPolicy.ExactMatch(0x1000));
 * ```
 */
export const AllocPolicy: {
  /** The lowest-addressed fitting block; the default (upstream `AllocPolicy::FirstMatch`). */
  readonly FirstMatch: AllocPolicy;
  /** The highest-addressed fitting block (upstream `AllocPolicy::LastMatch`). */
  readonly LastMatch: AllocPolicy;
  /** Exactly `[address, address + size - 1]`, `address` a u64 (upstream `AllocPolicy::ExactMatch(u64)`). */
  readonly ExactMatch: (address: U64Input) => AllocPolicy;
} = Object.freeze({
  FirstMatch: Object.freeze({ kind: "first-match" as const }),
  LastMatch: Object.freeze({ kind: "last-match" as const }),
  ExactMatch: (address: U64Input): AllocPolicy => Object.freeze({ kind: "exact-match" as const, address: u64(address, "address") }),
});

/** Reads a policy given by a caller once, refusing anything that is not one of {@link AllocPolicy}. */
function readPolicy(policy: unknown): AllocPolicy {
  if (typeof policy === "object" && policy !== null) {
    const kind = (policy as { kind?: unknown }).kind;
    if (kind === "first-match") return AllocPolicy.FirstMatch;
    if (kind === "last-match") return AllocPolicy.LastMatch;
    if (kind === "exact-match") return AllocPolicy.ExactMatch((policy as { address?: unknown }).address as U64Input);
  }
  throw new AllocError("INVALID_ARGUMENT", "policy must be AllocPolicy.FirstMatch, AllocPolicy.LastMatch or AllocPolicy.ExactMatch(address)", {
    argument: "policy",
  });
}

// True for a Constraint this class built (set in its static block).
let isConstraint: (value: unknown) => boolean;

/**
 * A checked allocation request (upstream `Constraint::new(size, align, policy)`).
 * Throws `INVALID_SIZE` for size 0 (`Error::InvalidSize`), `INVALID_ALIGNMENT`
 * for an alignment that is 0 or not a power of two (`Error::InvalidAlignment`)
 * and for an exact address not aligned to it (`Error::UnalignedAddress`).
 *
 * @example
 * ```ts
 * const c = new Constraint(0x1000, 0x1000, AllocPolicy.FirstMatch);
 * c.align(); // 4096n
 * ```
 */
export class Constraint {
  readonly #size: bigint;
  readonly #align: bigint;
  readonly #policy: AllocPolicy;

  constructor(size: U64Input, align: U64Input, policy: AllocPolicy = AllocPolicy.FirstMatch) {
    const s = u64(size, "size");
    const a = u64(align, "alignment");
    const p = readPolicy(policy);
    if (s === 0n) throw new AllocError("INVALID_SIZE", "size must be at least 1; got 0", { argument: "size", value: s });
    if (!isPowerOfTwo(a)) throw new AllocError("INVALID_ALIGNMENT", `alignment must be a non-zero power of two; got ${a}`, { argument: "alignment", value: a });
    if (p.kind === "exact-match" && p.address % a !== 0n) {
      throw new AllocError("INVALID_ALIGNMENT", `address 0x${p.address.toString(16)} is not aligned to 0x${a.toString(16)}`, {
        argument: "address",
        value: p.address,
      });
    }
    this.#size = s;
    this.#align = a;
    this.#policy = p;
  }

  /** The size asked for. @example `new Constraint(16, 4).size(); // 16n` */
  size(): bigint {
    return own(this).#size;
  }

  /** The alignment asked for. @example `new Constraint(16, 4).align(); // 4n` */
  align(): bigint {
    return own(this).#align;
  }

  /** The policy asked for. @example `new Constraint(16, 4).policy().kind; // "first-match"` */
  policy(): AllocPolicy {
    return own(this).#policy;
  }

  static {
    isConstraint = (value) => typeof value === "object" && value !== null && #size in value;
  }
}

/** `value` as a Constraint this class built, or `INVALID_ARGUMENT` (a forged `this`). */
function own(value: unknown): Constraint {
  if (!isConstraint(value)) refuseThis("a Constraint", value);
  return value as Constraint;
}
