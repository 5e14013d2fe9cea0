/**
 * `RangePool`: one pool of a manager over an `IntervalTree`.
 *
 * Representation: an `IntervalTree<OwnerRecord>` whose ranges are free,
 * valued with an owner record (allocated to a device; one shared record per
 * owner) or valued with `{ kind: "reserved", label }` (a platform hole or a
 * fixed legacy device). Space that is in no range does not exist for the pool.
 * Invariants: the tree's own (sorted, disjoint, free space coalesced), no
 * range merely allocated without a record, and the running `reservedTotal`.
 * Cost: take, exact placement, release, resize and lookups are O(log n);
 * building from sorted entries (restore) is O(n).
 */
import { AllocError, Range, exactly, quoteText } from "@alloc/constraint";
import type { Constraint } from "@alloc/constraint";
import { IntervalTree } from "@alloc/core";
import type { NodeState } from "@alloc/core";
import type { PoolName, Reservation } from "../Layout.js";
import { holderNameOwn, tileTree } from "./Pool.js";
import type { OwnerRecord, Pool, PoolEntry, ResourcePoolStats, TakenRanges } from "./Pool.js";

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
 * pio.take({ kind: "owner", owner: "virtio-net" }, new Constraint({ size: 0x20, align: 0x20, min: 0x1000 })); // [0x1000, 0x101f]
 * ```
 */
export class RangePool implements Pool {
  readonly name: PoolName;
  readonly #tree: IntervalTree<OwnerRecord>;
  #reservedTotal = 0n;

  constructor(
    name: PoolName,
    ranges: readonly Range[],
    reserved: readonly Reservation[] = [],
    built?: { readonly tree: IntervalTree<OwnerRecord>; readonly reservedTotal: bigint },
  ) {
    this.name = name;
    if (built !== undefined) {
      this.#tree = built.tree;
      this.#reservedTotal = built.reservedTotal;
      return;
    }
    this.#tree = new IntervalTree<OwnerRecord>();
    for (const r of ranges) this.#tree.insert(r);
    for (const r of reserved) this.reserve(r.range, r.label);
  }

  /**
   * A pool built at once over `space` with the `taken` ranges in place (see
   * {@link tileTree}; a misplaced one fails through `fail`). O(n).
   *
   * @example
   * ```ts
   * RangePool.fromTaken("pio", layout.pio.ranges, { ranges, records }, fail);
   * ```
   */
  static fromTaken(name: PoolName, space: readonly Range[], taken: TakenRanges, fail: (index: number, message: string) => never): RangePool {
    const tree = tileTree(space, taken, fail);
    let reservedTotal = 0n;
    const { ranges, records } = taken;
    for (let i = 0; i < records.length; i++) if ((records[i] as OwnerRecord).kind === "reserved") reservedTotal += (ranges[i] as Range).size;
    return new RangePool(name, [], [], { tree, reservedTotal });
  }

  // perf: the range is valued with its record in the same search (bench "churn").
  take(record: OwnerRecord, c: Constraint): Range | undefined {
    return this.#tree.allocate(c, record);
  }

  takeExact(record: OwnerRecord, range: Range): Range {
    return this.#tree.allocate(exactly(range.min, range.size), record) ?? this.#refuse(range, record);
  }

  #refuse(range: Range, record: OwnerRecord | undefined): never {
    const owner = record?.kind === "owner" ? { owner: record.owner } : {};
    for (const [r, state] of this.#tree.overlapping(range)) {
      if (state.kind === "valued") {
        const who = holderNameOwn(state.value);
        throw new AllocError("CONFLICT", `${this.name}: ${range} overlaps ${r} held by ${quoteText(who)}`, {
          pool: this.name,
          range: range.toString(),
          conflict: r.toString(),
          conflictOwner: who,
          ...owner,
        });
      }
    }
    throw new AllocError("NO_FIT", `${this.name}: ${range} is not inside the pool`, { pool: this.name, range: range.toString(), ...owner });
  }

  release(range: Range): void {
    this.#tree.free(range);
  }

  resize(record: OwnerRecord, range: Range, size: bigint): Range {
    if (size === range.size) return range;
    const grow = size > range.size ? Range.withSize(range.max + 1n, size - range.size) : undefined;
    // A grown block must find free space after it: name who holds it instead.
    if (grow !== undefined) for (const [, st] of this.#tree.overlapping(grow)) if (st.kind === "valued") this.#refuse(grow, record);
    try {
      return this.#tree.resize(range, size);
    } catch (e) {
      throw new AllocError(
        "NO_FIT",
        `${this.name}: ${range} cannot grow to ${size} units in place`,
        { pool: this.name, range: range.toString() },
        { cause: e },
      );
    }
  }

  reserve(range: Range, label: string): void {
    const record: OwnerRecord = { kind: "reserved", label };
    const got = this.#tree.allocate(exactly(range.min, range.size), record) ?? this.#refuse(range, undefined);
    this.#reservedTotal += got.size;
  }

  ownerAt(value: bigint): OwnerRecord | undefined {
    return this.#tree.getById(value);
  }

  entryAt(value: bigint): PoolEntry | undefined {
    const hit = this.#tree.getSuperset(Range.point(value));
    return hit === undefined ? undefined : entryOf(hit[0], hit[1]);
  }

  *entries(): IterableIterator<PoolEntry> {
    for (const [range, state] of this.#tree.entries()) yield entryOf(range, state);
  }

  stats(): ResourcePoolStats {
    const s = this.#tree.stats();
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
    this.#tree.checkInvariants();
    let reserved = 0n;
    for (const [range, state] of this.#tree.entries()) {
      if (state.kind === "allocated") throw new Error(`${this.name}: ${range} is allocated without an owner record`);
      if (state.kind === "valued" && state.value.kind === "reserved") reserved += range.size;
    }
    if (reserved !== this.#reservedTotal) throw new Error(`${this.name}: reserved total ${this.#reservedTotal} but ranges add up to ${reserved}`);
  }
}
