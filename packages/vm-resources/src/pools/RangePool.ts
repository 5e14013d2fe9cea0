/**
 * `RangePool`: one pool of a resource manager over an `IntervalTree`.
 *
 * Representation: an `IntervalTree<OwnerRecord>` whose ranges are either free,
 * valued with `{ kind: "owner", owner }` (allocated to a device) or valued with
 * `{ kind: "reserved", label }` (a platform hole or fixed legacy device). Space
 * that is in no range does not exist for the pool. Invariants: the tree's own
 * (sorted, disjoint, free space coalesced) plus "no range is merely allocated
 * without a record" and the running `reservedTotal`. Cost: allocate, exact
 * placement, free and lookups are O(log n) in the number of ranges (exact
 * placement that fails walks only the overlapping ranges).
 */
import { AllocError, Constraint, Range, exactly } from "@alloc/constraint";
import type { ConstraintLike, RangeLike, U64Input } from "@alloc/constraint";
import { IntervalTree } from "@alloc/core";
import type { NodeState } from "@alloc/core";
import type { Reservation } from "../Layout.js";

/** Who holds a range of a pool: a device (owner) or the platform (reserved). */
export type OwnerRecord = { readonly kind: "owner"; readonly owner: string } | { readonly kind: "reserved"; readonly label: string };

/** One range of a pool as seen by dumps and snapshots. */
export type PoolEntry =
  | { readonly range: Range; readonly state: "free" }
  | { readonly range: Range; readonly state: "allocated"; readonly owner: string }
  | { readonly range: Range; readonly state: "reserved"; readonly label: string };

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

/** The API shared by every pool (interval-tree pools and bitmap id pools). */
export interface ResourcePool {
  /** The pool's name, e.g. `"mmio"`. */
  readonly name: string;
  /** First/last/best fit for `constraint`, recorded for `owner`; `undefined` when nothing fits. */
  tryAllocate(owner: string, constraint: ConstraintLike): Range | undefined;
  /** Like `tryAllocate`, but throws `NO_FIT`. */
  allocate(owner: string, constraint: ConstraintLike): Range;
  /** Takes exactly `range` for `owner`; `CONFLICT` names who holds any part of it. */
  allocateExact(owner: string, range: RangeLike): Range;
  /** Marks free `range` reserved with `label`. */
  reserve(range: RangeLike, label: string): void;
  /** Gives back exactly `range`, held by `owner`. */
  free(owner: string, range: RangeLike): void;
  /** Who holds the value, or `undefined` when it is free or does not exist. */
  ownerAt(value: U64Input): OwnerRecord | undefined;
  /** The range holding the value, with its state. */
  entryAt(value: U64Input): PoolEntry | undefined;
  /** Every range in address order. */
  entries(): IterableIterator<PoolEntry>;
  /** Figures for the pool. */
  stats(): ResourcePoolStats;
  /** Throws an `Error` naming the first broken invariant. */
  checkInvariants(): void;
}

/** The reserved marker text used where an owner name is expected. */
export function reservedOwnerName(label: string): string {
  return `<reserved: ${label}>`;
}

/** The text naming a holder in errors: the owner, or `<reserved: label>`. */
export function holderName(h: OwnerRecord): string {
  return h.kind === "owner" ? h.owner : reservedOwnerName(h.label);
}

function entryOf(range: Range, state: NodeState<OwnerRecord>): PoolEntry {
  if (state.kind === "valued") {
    const v = state.value;
    return v.kind === "owner" ? { range, state: "allocated", owner: v.owner } : { range, state: "reserved", label: v.label };
  }
  return { range, state: "free" };
}

/**
 * A pool over an interval tree, with owners and reserved regions.
 *
 * @example
 * ```ts
 * const pio = new RangePool("pio", [new Range(0, 0xffff)], [{ range: new Range(0xcf8, 0xcff), label: "PCI config" }]);
 * pio.allocate("virtio-net", { size: 0x20, align: 0x20, min: 0x1000 }); // [0x1000, 0x101f]
 * pio.ownerAt(0x1004); // { kind: "owner", owner: "virtio-net" }
 * ```
 */
export class RangePool implements ResourcePool {
  readonly name: string;
  /** @internal The underlying tree; exposed for tests and snapshots. */
  readonly tree: IntervalTree<OwnerRecord>;
  #reservedTotal = 0n;

  constructor(name: string, ranges: readonly Range[], reserved: readonly Reservation[] = []) {
    this.name = name;
    this.tree = new IntervalTree<OwnerRecord>();
    for (const r of ranges) this.tree.insert(r);
    for (const r of reserved) this.reserve(r.range, r.label);
  }

  tryAllocate(owner: string, constraint: ConstraintLike): Range | undefined {
    const range = this.tree.allocate(constraint);
    if (range !== undefined) this.tree.update(range, { kind: "owner", owner });
    return range;
  }

  allocate(owner: string, constraint: ConstraintLike): Range {
    const range = this.tryAllocate(owner, constraint);
    if (range === undefined) {
      const c = Constraint.from(constraint);
      throw new AllocError("NO_FIT", `${this.name}: nothing fits ${c.toString()}`, { pool: this.name, owner });
    }
    return range;
  }

  allocateExact(owner: string, like: RangeLike): Range {
    const range = this.#takeExact(like, owner);
    this.tree.update(range, { kind: "owner", owner });
    return range;
  }

  reserve(like: RangeLike, label: string): void {
    const range = this.#takeExact(like, undefined);
    this.tree.update(range, { kind: "reserved", label });
    this.#reservedTotal += range.size;
  }

  #takeExact(like: RangeLike, owner: string | undefined): Range {
    const range = Range.from(like);
    const got = this.tree.allocate(exactly(range.min, range.size));
    if (got !== undefined) return got;
    for (const [r, state] of this.tree.overlapping(range)) {
      if (state.kind === "valued") {
        const who = holderName(state.value);
        throw new AllocError("CONFLICT", `${this.name}: ${range} overlaps ${r} held by ${who}`, {
          pool: this.name,
          range: range.toString(),
          conflict: r.toString(),
          conflictOwner: who,
          ...(owner === undefined ? {} : { owner }),
        });
      }
    }
    throw new AllocError("NO_FIT", `${this.name}: ${range} is not inside the pool`, {
      pool: this.name,
      range: range.toString(),
      ...(owner === undefined ? {} : { owner }),
    });
  }

  free(owner: string, like: RangeLike): void {
    const range = Range.from(like);
    const state = this.tree.get(range);
    if (state === undefined) {
      throw new AllocError("NOT_FOUND", `${this.name}: no range is exactly ${range}`, { pool: this.name, range: range.toString(), owner });
    }
    if (state.kind !== "valued") {
      throw new AllocError("NOT_ALLOCATED", `${this.name}: ${range} is free`, { pool: this.name, range: range.toString(), owner });
    }
    const v = state.value;
    if (v.kind === "reserved") {
      throw new AllocError("RESERVED", `${this.name}: ${range} is reserved (${v.label}) and cannot be freed`, {
        pool: this.name,
        range: range.toString(),
        owner,
        conflictOwner: holderName(v),
      });
    }
    if (v.owner !== owner) {
      throw new AllocError("UNKNOWN_OWNER", `${this.name}: ${range} is held by ${v.owner}, not ${owner}`, {
        pool: this.name,
        range: range.toString(),
        owner,
        conflictOwner: v.owner,
      });
    }
    this.tree.free(range);
  }

  ownerAt(value: U64Input): OwnerRecord | undefined {
    return this.tree.getById(value);
  }

  entryAt(value: U64Input): PoolEntry | undefined {
    const hit = this.tree.getSuperset(Range.point(value));
    return hit === undefined ? undefined : entryOf(hit[0], hit[1]);
  }

  *entries(): IterableIterator<PoolEntry> {
    for (const [range, state] of this.tree.entries()) yield entryOf(range, state);
  }

  stats(): ResourcePoolStats {
    const s = this.tree.stats();
    return {
      total: s.total,
      used: s.allocated - this.#reservedTotal,
      reserved: this.#reservedTotal,
      free: s.free,
      largestFree: s.largestFree,
      fragments: s.freeFragments,
      ranges: s.ranges,
    };
  }

  checkInvariants(): void {
    this.tree.checkInvariants();
    let reserved = 0n;
    for (const [range, state] of this.tree.entries()) {
      if (state.kind === "allocated") throw new Error(`${this.name}: ${range} is allocated without an owner record`);
      if (state.kind === "valued" && state.value.kind === "reserved") reserved += range.size;
    }
    if (reserved !== this.#reservedTotal) throw new Error(`${this.name}: reserved total ${this.#reservedTotal} but ranges add up to ${reserved}`);
  }
}

