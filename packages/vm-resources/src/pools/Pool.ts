/**
 * `Pool`: what the manager's engine needs from one pool, and `PoolView`, the
 * read-only face of a pool that the manager hands out.
 *
 * A pool belongs to exactly one manager; every change goes through the
 * manager (with an owner), which has already checked the range against the
 * kind's rules, so pools take `Range`s and `Constraint`s as proof and only
 * answer "free / taken by whom". Views validate what callers pass (values
 * read with `readU64`) and expose no way to change anything.
 */
import { AllocError, describeValue, isAllocError, refuseThis } from "@alloc/constraint";
import type { Constraint, Range, U64Input } from "@alloc/constraint";
import { IntervalTree } from "@alloc/core";
import type { PoolName } from "../Layout.js";
import { readU64 } from "@alloc/constraint";
import { readNested } from "../kinds/fields.js";

/** Who holds a range of a pool: a device (owner) or the platform (reserved). */
export type OwnerRecord =
  | {
      /** Held by a device. */
      readonly kind: "owner";
      /** The owner name the range was allocated to (e.g. `"virtio-net0"`). */
      readonly owner: string;
    }
  | {
      /** Reserved by the layout or a `reserve` call; never handed out. */
      readonly kind: "reserved";
      /** The reservation's label (e.g. `"PCIe MMCONFIG (ECAM)"`). */
      readonly label: string;
    };

/** One range of a pool as seen by dumps and snapshots. */
export type PoolEntry =
  | {
      /** The inclusive range `[min, max]`, in the pool's units (bytes, ports, vectors, ids or slots). */
      readonly range: Range;
      /** Free: available to allocations. */
      readonly state: "free";
    }
  | {
      /** The inclusive range `[min, max]`, in the pool's units (bytes, ports, vectors, ids or slots). */
      readonly range: Range;
      /** Allocated to `owner`. */
      readonly state: "allocated";
      /** The owner name holding the range. */
      readonly owner: string;
    }
  | {
      /** The inclusive range `[min, max]`, in the pool's units (bytes, ports, vectors, ids or slots). */
      readonly range: Range;
      /** Reserved under `label`; never handed out. */
      readonly state: "reserved";
      /** The reservation's label. */
      readonly label: string;
    };

/** Per-pool figures; all sizes in units of the pool (bytes, ports, vectors, ids). */
export interface ResourcePoolStats {
  /** Every value that exists in the pool. */
  readonly total: bigint;
  /** Values held by owners. */
  readonly used: bigint;
  /** Values in reserved regions. */
  readonly reserved: bigint;
  /** Values free to allocate. */
  readonly free: bigint;
  /** The largest free block. */
  readonly largestFree: bigint;
  /** How many separate free blocks there are. */
  readonly fragments: number;
  /** How many ranges (free, allocated, reserved) the pool holds. */
  readonly ranges: number;
}

/** The engine's side of a pool. */
export interface Pool {
  /** The pool's name, e.g. `"mmio"`. */
  readonly name: PoolName;
  /** The policy's fit for `c`, valued with `record`; `undefined` when nothing fits. */
  take(record: OwnerRecord, c: Constraint): Range | undefined;
  /** Exactly `range`, valued with `record`; `CONFLICT` names the holder, `NO_FIT` when it is not inside the pool. */
  takeExact(record: OwnerRecord, range: Range): Range;
  /** Frees a range this pool handed out (the manager's own record of it). */
  release(range: Range): void;
  /** The held `range` grown or shrunk in place to `size` units; `NO_FIT`/`CONFLICT` and nothing changed otherwise. */
  resize(record: OwnerRecord, range: Range, size: bigint): Range;
  /** Marks free `range` reserved with `label`. */
  reserve(range: Range, label: string): void;
  /** Who holds the value, or `undefined`. */
  ownerAt(value: bigint): OwnerRecord | undefined;
  /** The range holding the value, with its state. */
  entryAt(value: bigint): PoolEntry | undefined;
  /** Every range in address order. */
  entries(): IterableIterator<PoolEntry>;
  /** Figures for the pool. */
  stats(): ResourcePoolStats;
  /** Throws an `Error` naming the first broken invariant. */
  checkInvariants(): void;
}

/**
 * The text naming a holder in errors: the owner, or `<reserved: label>`.
 * `h` is read once (`{ kind: "owner", owner }` or `{ kind: "reserved", label }`,
 * nothing else; anything else is `INVALID_ARGUMENT`).
 *
 * @example
 * ```ts
 * holderName(rm.ownerOf("pio", 0x3f8)!); // "serial0"
 * ```
 */
export function holderName(h: OwnerRecord): string {
  const rec = readNested(h, HOLDER_KEYS, "holder", "INVALID_ARGUMENT");
  const kind = rec["kind"];
  const name = rec[kind === "owner" ? "owner" : "label"];
  if ((kind !== "owner" && kind !== "reserved") || typeof name !== "string" || rec[kind === "owner" ? "label" : "owner"] !== undefined)
    throw new AllocError("INVALID_ARGUMENT", `holder: expected { kind: "owner", owner } or { kind: "reserved", label }; got kind ${describeValue(kind)}`, {
      argument: "holder",
    });
  return holderNameOwn(rec as OwnerRecord);
}

const HOLDER_KEYS: readonly string[] = ["kind", "owner", "label"];

/** {@link holderName} of a record this package made (trusted as it is). */
export function holderNameOwn(h: OwnerRecord): string {
  return h.kind === "owner" ? h.owner : `<reserved: ${h.label}>`;
}

// Refuses a receiver the PoolView constructor did not build (set in the class's static block).
let checkView: (self: unknown) => void;

/**
 * A read-only view of one pool of a manager: lookups, entries and figures.
 *
 * @example
 * ```ts
 * rm.pool("pio").ownerAt(0x3f8); // { kind: "owner", owner: "serial0" }
 * ```
 */
export class PoolView {
  readonly #pool: Pool;

  /** @internal Built (and frozen) by the manager over its own pool. */
  constructor(pool: Pool) {
    this.#pool = pool;
  }

  /** The pool's name. */
  get name(): PoolName {
    checkView(this);
    return this.#pool.name;
  }

  /**
   * Who holds `value` (a bigint or safe-integer number; anything else is
   * `INVALID_ARGUMENT`): a frozen copy of the pool's record, so nothing a
   * caller does to it reaches the pool.
   */
  ownerAt(value: U64Input): OwnerRecord | undefined {
    checkView(this);
    const h = this.#pool.ownerAt(readU64(value, "value", "INVALID_ARGUMENT"));
    if (h === undefined) return undefined;
    return Object.freeze(h.kind === "owner" ? { kind: "owner", owner: h.owner } : { kind: "reserved", label: h.label });
  }

  /** The range holding `value`, with its state. */
  entryAt(value: U64Input): PoolEntry | undefined {
    checkView(this);
    return this.#pool.entryAt(readU64(value, "value", "INVALID_ARGUMENT"));
  }

  /** Every range in address order (free, allocated, reserved). */
  entries(): IterableIterator<PoolEntry> {
    checkView(this);
    return this.#pool.entries();
  }

  /** Figures for the pool. */
  stats(): ResourcePoolStats {
    checkView(this);
    return this.#pool.stats();
  }

  static {
    checkView = (self) => {
      if (typeof self !== "object" || self === null || !(#pool in self)) refuseThis("a PoolView", self);
    };
  }
}

/** The holders of a pool's taken ranges, for a bulk build (restore): `records[k]` holds `ranges[k]`. */
export interface TakenRanges {
  /** The taken ranges, sorted by address. */
  readonly ranges: readonly Range[];
  /** The holder of each. */
  readonly records: readonly OwnerRecord[];
}

/**
 * The tree of a pool over its layout ranges `space` with the taken ranges in
 * place, valued with their records, and the rest free, built by
 * `IntervalTree.fromTaken` (the one place the tiling is checked): a taken
 * range that overlaps the one before it or lies outside the space fails
 * through `fail(k, message)`. O(space + taken).
 *
 * @example
 * ```ts
 * const tree = tileTree(layout.pio.ranges, { ranges, records }, (k, message) => rd.fail(paths[k], message));
 * ```
 */
export function tileTree(space: readonly Range[], taken: TakenRanges, fail: (index: number, message: string) => never): IntervalTree<OwnerRecord> {
  try {
    return IntervalTree.fromTaken<OwnerRecord>(space, taken.ranges, taken.records);
  } catch (e) {
    const at = isAllocError(e) && e.details.reason !== undefined ? /^taken\[(\d+)\]$/.exec(e.details.path ?? "") : null;
    if (at === null) throw e;
    // The caller names the range its own way: only the reason is passed on.
    return fail(Number(at[1]), (e as AllocError).details.reason as string);
  }
}
