/**
 * `FreeListModel`: the reference allocator for large domains.
 *
 * Representation: one sorted array of `{ min, max, kind, value }` entries with
 * exact `bigint` bounds, covering the whole 64-bit domain. Every operation is
 * a linear scan or a splice: deliberately simple and obviously right, not a
 * copy of the tree. Allocation tries every free entry (first, last or best
 * fit) exactly as CONTRACT.md words it. Invariants: sorted, disjoint, no two
 * free entries adjacent (free space is coalesced). Costs O(n) per call.
 */
import { AllocError, Constraint, Range, refuseThis } from "@alloc/constraint";
import type { ConstraintLike, RangeLike, U64Input } from "@alloc/constraint";
import { toU64 } from "@alloc/constraint";
import type { AllocatorUnderTest, NodeState, PoolStats } from "../interfaces.js";

/** One entry of the free list (mutable only inside the model). */
export interface FreeListEntry<T> {
  /** First value of the range. */
  min: bigint;
  /** Last value of the range. */
  max: bigint;
  /** Free space, taken without data, or taken with data. */
  kind: "free" | "allocated" | "valued";
  /** The data (`kind` `"valued"`). */
  value: T | undefined;
}

// The entries of a FreeListModel its constructor built; anything else is refused as `this`.
let listOf: <T>(model: unknown) => FreeListEntry<T>[];

/**
 * Sorted-list reference model of `IntervalTree`.
 *
 * @example
 * ```ts
 * const m = new FreeListModel<number>();
 * m.insert({ min: 0x200n, max: 0x2ffn });
 * m.allocate({ size: 8, align: 8, min: 0x211n, max: 0x21fn }); // [0x218, 0x21f]
 * ```
 */
export class FreeListModel<T = unknown> implements AllocatorUnderTest<T> {
  /**
   * The entries, sorted by `min`: for subclasses that model a faulty
   * allocator (a harness's own tests); nothing else may change it.
   */
  protected list: FreeListEntry<T>[] = [];
  // Brands an object this constructor built (a forged `this` is refused).
  readonly #made = true;

  get size(): number {
    return listOf<T>(this).length;
  }

  isEmpty(): boolean {
    return listOf<T>(this).length === 0;
  }

  insert(range: RangeLike, data?: T): this {
    const list = listOf<T>(this);
    const r = Range.from(range);
    const min = r.min;
    const max = r.max;
    for (const e of list) {
      if (e.min <= max && min <= e.max) {
        throw new AllocError("OVERLAP", `${r} overlaps ${show(e)}`, { range: r.toString(), conflict: show(e) });
      }
    }
    const entry: FreeListEntry<T> = data === undefined ? { min, max, kind: "free", value: undefined } : { min, max, kind: "valued", value: data };
    let i = 0;
    while (i < list.length && list[i]!.max < min) i++;
    list.splice(i, 0, entry);
    if (entry.kind === "free") coalesce(list, i);
    return this;
  }

  update(range: RangeLike, data: T): T | undefined {
    const list = listOf<T>(this);
    const e = exact(list, range);
    if (e.kind === "free") throw new AllocError("NOT_ALLOCATED", `${show(e)} is free`, { range: show(e) });
    const old = e.value;
    e.kind = "valued";
    e.value = data;
    return old;
  }

  delete(range: RangeLike): T | undefined {
    const list = listOf<T>(this);
    const e = exact(list, range);
    list.splice(list.indexOf(e), 1);
    return e.value;
  }

  get(range: RangeLike): NodeState<T> | undefined {
    const list = listOf<T>(this);
    const r = Range.from(range);
    const e = list.find((x) => x.min === r.min && x.max === r.max);
    return e === undefined ? undefined : state(e);
  }

  getSuperset(range: RangeLike): [Range, NodeState<T>] | undefined {
    const list = listOf<T>(this);
    const r = Range.from(range);
    const e = list.find((x) => x.min <= r.min && r.max <= x.max);
    return e === undefined ? undefined : [new Range(e.min, e.max), state(e)];
  }

  getById(id: U64Input): T | undefined {
    const list = listOf<T>(this);
    const v = toU64(id, "id");
    const e = list.find((x) => x.min <= v && v <= x.max);
    return e !== undefined && e.kind === "valued" ? e.value : undefined;
  }

  allocate(constraint: ConstraintLike): Range | undefined {
    const list = listOf<T>(this);
    const c = Constraint.from(constraint);
    const size = c.size;
    const align = c.align;
    let best: { index: number; start: bigint; length: bigint } | undefined;
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (e.kind !== "free") continue;
      const lo = e.min > c.min ? e.min : c.min;
      const hi = e.max < c.max ? e.max : c.max;
      if (lo > hi) continue;
      const first = ceilTo(lo, align);
      if (first + size - 1n > hi) continue; // nothing in this entry fits
      const start = c.policy === "last-match" ? floorTo(hi - size + 1n, align) : first;
      const length = e.max - e.min + 1n;
      if (c.policy === "first-match") {
        best = { index: i, start, length };
        break;
      }
      if (c.policy === "last-match") {
        best = { index: i, start, length }; // keep the highest
      } else if (best === undefined || length < best.length) {
        best = { index: i, start, length };
      }
    }
    if (best === undefined) return undefined;
    const e = list[best.index]!;
    const end = best.start + size - 1n;
    const pieces: FreeListEntry<T>[] = [];
    if (best.start > e.min) pieces.push({ min: e.min, max: best.start - 1n, kind: "free", value: undefined });
    pieces.push({ min: best.start, max: end, kind: "allocated", value: undefined });
    if (end < e.max) pieces.push({ min: end + 1n, max: e.max, kind: "free", value: undefined });
    list.splice(best.index, 1, ...pieces);
    return new Range(best.start, end);
  }

  allocateOrThrow(constraint: ConstraintLike): Range {
    listOf(this);
    const c = Constraint.from(constraint);
    const r = this.allocate(c);
    if (r === undefined) throw new AllocError("NO_FIT", `nothing fits ${c}`, {});
    return r;
  }

  free(range: RangeLike): T | undefined {
    const list = listOf<T>(this);
    const e = exact(list, range);
    if (e.kind === "free") throw new AllocError("NOT_ALLOCATED", `${show(e)} is already free`, { range: show(e) });
    const old = e.value;
    e.kind = "free";
    e.value = undefined;
    coalesce(list, list.indexOf(e));
    return old;
  }

  overlapping(range: RangeLike): IterableIterator<[Range, NodeState<T>]> {
    const list = listOf<T>(this);
    const r = Range.from(range);
    return yieldAll(list.filter((e) => e.min <= r.max && r.min <= e.max));
  }

  entries(): IterableIterator<[Range, NodeState<T>]> {
    return yieldAll([...listOf<T>(this)]);
  }

  /** Every held range with its state, in address order (as {@link entries}). */
  [Symbol.iterator](): IterableIterator<[Range, NodeState<T>]> {
    return yieldAll([...listOf<T>(this)]);
  }

  stats(): PoolStats {
    const list = listOf<T>(this);
    let total = 0n;
    let free = 0n;
    let largestFree = 0n;
    let freeFragments = 0;
    for (const e of list) {
      const n = e.max - e.min + 1n;
      total += n;
      if (e.kind === "free") {
        free += n;
        freeFragments++;
        if (n > largestFree) largestFree = n;
      }
    }
    return { total, free, allocated: total - free, largestFree, freeFragments, ranges: list.length };
  }

  checkInvariants(): void {
    const list = listOf<T>(this);
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (e.min > e.max || e.min < 0n || e.max > 0xffff_ffff_ffff_ffffn) throw new Error(`FreeListModel: bad entry ${show(e)}`);
      const prev = list[i - 1];
      if (prev === undefined) continue;
      if (prev.max >= e.min) throw new Error(`FreeListModel: order/overlap at ${show(prev)} ${show(e)}`);
      if (prev.kind === "free" && e.kind === "free" && prev.max + 1n === e.min) {
        throw new Error(`FreeListModel: free space not coalesced at ${show(prev)} ${show(e)}`);
      }
    }
  }

  clone(): FreeListModel<T> {
    const c = new FreeListModel<T>();
    c.list = listOf<T>(this).map((e) => ({ ...e }));
    return c;
  }

  static {
    listOf = <T>(model: unknown): FreeListEntry<T>[] =>
      typeof model === "object" && model !== null && #made in model
        ? ((model as FreeListModel<unknown>).list as FreeListEntry<T>[])
        : refuseThis("a FreeListModel", model);
  }
}

/** The entry exactly equal to `range`, or NOT_FOUND. */
function exact<T>(list: readonly FreeListEntry<T>[], range: RangeLike): FreeListEntry<T> {
  const r = Range.from(range);
  const e = list.find((x) => x.min === r.min && x.max === r.max);
  if (e === undefined) throw new AllocError("NOT_FOUND", `no range is exactly ${r}`, { range: r.toString() });
  return e;
}

/** Merges the free entry at `i` with free neighbours that touch it. */
function coalesce<T>(list: FreeListEntry<T>[], i: number): void {
  const e = list[i]!;
  const next = list[i + 1];
  if (next !== undefined && next.kind === "free" && e.max + 1n === next.min) {
    e.max = next.max;
    list.splice(i + 1, 1);
  }
  const prev = list[i - 1];
  if (prev !== undefined && prev.kind === "free" && prev.max + 1n === e.min) {
    prev.max = e.max;
    list.splice(i, 1);
  }
}

/** `entries` (the entries themselves are read as each is yielded), each as a fresh `[Range, state]`. */
function* yieldAll<T>(entries: readonly FreeListEntry<T>[]): IterableIterator<[Range, NodeState<T>]> {
  for (const e of entries) yield [new Range(e.min, e.max), state(e)];
}

function state<T>(e: FreeListEntry<T>): NodeState<T> {
  return e.kind === "valued" ? { kind: "valued", value: e.value as T } : { kind: e.kind };
}

function show(e: { min: bigint; max: bigint }): string {
  return `[0x${e.min.toString(16).padStart(16, "0")}, 0x${e.max.toString(16).padStart(16, "0")}]`;
}

/** Smallest multiple of `a` that is >= `v`. */
export function ceilTo(v: bigint, a: bigint): bigint {
  return ((v + a - 1n) / a) * a;
}

/** Largest multiple of `a` that is <= `v` (v may be negative). */
export function floorTo(v: bigint, a: bigint): bigint {
  const q = v / a;
  return (q * a > v ? q - 1n : q) * a;
}
