/**
 * `IntervalTree<T>`: a pool of non-overlapping ranges, each free, allocated or
 * valued, that hands out ranges fitting a `Constraint`.
 *
 * Representation: a `RangeStore` kernel (an AVL tree in typed arrays, augmented
 * per subtree with the longest free run and the largest aligned free block)
 * plus a `Map` from node to data for valued ranges only. Free space is always
 * coalesced.
 *
 * Cost, n = number of ranges: insert, delete, free, update, get, getSuperset,
 * getById are O(log n). First- and last-match allocation are O(log n) when the
 * first free range that passes the run and block tests also fits (always when
 * size == align); each one passed over for window or alignment adds O(log n).
 * Best fit uses a size index built on first use (O(n log n) once, then kept in
 * step at O(log n) per change): O(log n) plus one step per long-enough free
 * range rejected for alignment or window. Every refused call throws
 * `AllocError` before anything changes.
 */
import { AllocError, Constraint, Range } from "@alloc/constraint";
import type { ConstraintLike, RangeLike, U64Input } from "@alloc/constraint";
import { ALLOCATED_STATE, FREE_STATE } from "./NodeState.js";
import type { NodeState, PoolStats } from "./NodeState.js";
import { ALLOCATED, FREE, RangeStore, VALUED } from "./internal/RangeStore.js";
import { isSuccessor, less } from "./internal/u64.js";

/** Options for a new tree. */
export interface IntervalTreeOptions {
  /** Ranges to make room for up front (the tree grows as needed). */
  readonly initialCapacity?: number;
}

/**
 * An interval-tree resource pool.
 *
 * @example
 * ```ts
 * const pool = new IntervalTree<string>();
 * pool.insert(new Range(0x100, 0x100));
 * pool.insert(new Range(0x200, 0x2ff));
 * const r = pool.allocate({ size: 8, align: 8, min: 0x211, max: 0x21f }); // [0x218, 0x21f]
 * pool.update(r!, "uart");
 * pool.free(r!); // "uart"
 * ```
 */
export class IntervalTree<T = unknown> implements Iterable<[Range, NodeState<T>]> {
  #store: RangeStore;
  #values: Map<number, T>;

  constructor(options: IntervalTreeOptions = {}) {
    this.#store = new RangeStore(options.initialCapacity ?? 16);
    this.#values = new Map();
  }

  /** The number of ranges of any state. */
  get size(): number {
    return this.#store.count;
  }

  /** True when the tree holds no range at all. */
  isEmpty(): boolean {
    return this.#store.count === 0;
  }

  /**
   * Adds a range: free when `data` is `undefined` (merged with adjacent free
   * ranges), valued otherwise. Throws `OVERLAP` when it intersects a range
   * already in the tree.
   *
   * @example
   * ```ts
   * tree.insert(new Range(0, 0xffff));          // free port space
   * tree.insert(Range.point(0x3f8), "serial");  // valued
   * ```
   */
  insert(range: RangeLike, data?: T): this {
    const r = Range.from(range);
    const s = this.#store;
    const below = s.floor(r.maxHi, r.maxLo);
    if (below !== 0 && !less(s.maxHi[below]!, s.maxLo[below]!, r.minHi, r.minLo)) {
      throw new AllocError("OVERLAP", `insert ${r} overlaps ${this.#rangeOf(below)} already in the pool`, {
        argument: "range",
        range: r.toString(),
        conflict: this.#rangeOf(below).toString(),
      });
    }
    s.countTotal(r.minHi, r.minLo, r.maxHi, r.maxLo, 1);
    if (data !== undefined) {
      const n = s.newNode(r.minHi, r.minLo, r.maxHi, r.maxLo, VALUED);
      this.#values.set(n, data);
      s.link(n);
      return this;
    }
    s.countFree(r.minHi, r.minLo, r.maxHi, r.maxLo, 1);
    const next = below !== 0 ? s.successor(below) : s.first();
    const mergePrev = below !== 0 && s.state[below] === FREE && isSuccessor(s.maxHi[below]!, s.maxLo[below]!, r.minHi, r.minLo);
    const mergeNext = next !== 0 && s.state[next] === FREE && isSuccessor(r.maxHi, r.maxLo, s.minHi[next]!, s.minLo[next]!);
    if (mergePrev) {
      let maxHi = r.maxHi;
      let maxLo = r.maxLo;
      if (mergeNext) {
        maxHi = s.maxHi[next]!;
        maxLo = s.maxLo[next]!;
        s.remove(next);
      }
      s.setBounds(below, s.minHi[below]!, s.minLo[below]!, maxHi, maxLo);
    } else if (mergeNext) {
      s.setBounds(next, r.minHi, r.minLo, s.maxHi[next]!, s.maxLo[next]!);
    } else {
      s.link(s.newNode(r.minHi, r.minLo, r.maxHi, r.maxLo, FREE));
    }
    return this;
  }

  /**
   * Attaches `data` to a range that is exactly an allocated or valued one and
   * returns the previous data. Throws `NOT_FOUND` or `NOT_ALLOCATED`.
   *
   * @example
   * ```ts
   * const r = tree.allocate({ size: 2 })!;
   * tree.update(r, "dev0"); // undefined
   * tree.update(r, "dev1"); // "dev0"
   * ```
   */
  update(range: RangeLike, data: T): T | undefined {
    const n = this.#exactTaken(Range.from(range), "update");
    const previous = this.#values.get(n);
    this.#values.set(n, data);
    this.#store.state[n] = VALUED;
    return previous;
  }

  /**
   * Removes a range given exactly, whatever its state; the space stops
   * existing for the pool. Returns its data. Throws `NOT_FOUND`.
   *
   * @example
   * ```ts
   * tree.delete(new Range(0x100, 0x100));
   * ```
   */
  delete(range: RangeLike): T | undefined {
    const r = Range.from(range);
    const n = this.#find(r);
    if (n === 0) throw this.#notFound(r, "delete");
    const s = this.#store;
    s.countTotal(r.minHi, r.minLo, r.maxHi, r.maxLo, -1);
    if (s.state[n] === FREE) s.countFree(r.minHi, r.minLo, r.maxHi, r.maxLo, -1);
    const data = this.#values.get(n);
    this.#values.delete(n);
    s.remove(n);
    return data;
  }

  /**
   * The state of the range given exactly, or `undefined`.
   *
   * @example
   * ```ts
   * tree.get(new Range(0x200, 0x2ff)); // { kind: "free" }
   * ```
   */
  get(range: RangeLike): NodeState<T> | undefined {
    const r = Range.from(range);
    const n = this.#find(r);
    return n === 0 ? undefined : this.#stateOf(n);
  }

  /**
   * The range of the tree that contains all of `range`, with its state.
   *
   * @example
   * ```ts
   * tree.getSuperset(Range.point(0x210)); // [Range [0x200, 0x2ff], { kind: "free" }]
   * ```
   */
  getSuperset(range: RangeLike): [Range, NodeState<T>] | undefined {
    const r = Range.from(range);
    const s = this.#store;
    const n = s.findContaining(r.minHi, r.minLo);
    if (n === 0 || less(s.maxHi[n]!, s.maxLo[n]!, r.maxHi, r.maxLo)) return undefined;
    return [this.#rangeOf(n), this.#stateOf(n)];
  }

  /**
   * The data of the valued range containing the point `id`, or `undefined`.
   *
   * @example
   * ```ts
   * tree.getById(0x3f8); // "serial"
   * ```
   */
  getById(id: U64Input): T | undefined {
    const p = Range.point(id);
    const n = this.#store.findContaining(p.minHi, p.minLo);
    return n !== 0 && this.#store.state[n] === VALUED ? this.#values.get(n) : undefined;
  }

  /**
   * Allocates a range that fits the constraint and marks it allocated, or
   * returns `undefined` when nothing fits. Throws only for an invalid constraint.
   *
   * @example
   * ```ts
   * tree.allocate({ size: 0x1000, align: 0x1000, policy: "last-match" });
   * ```
   */
  allocate(constraint: ConstraintLike): Range | undefined {
    const c = constraint instanceof Constraint ? constraint : Constraint.from(constraint);
    const s = this.#store;
    s.setRequest(c.sizeHi, c.sizeLo, c.minHi, c.minLo, c.maxHi, c.maxLo, c.alignHi, c.alignLo);
    const policy = c.policy;
    const x = policy === "first-match" ? s.findFirst() : policy === "last-match" ? s.findLast() : s.findBest();
    if (x === 0) return undefined;
    const n = s.take(x);
    return Range.fromParts(s.minHi[n]!, s.minLo[n]!, s.maxHi[n]!, s.maxLo[n]!, n);
  }

  /**
   * Like {@link allocate}, but throws `NO_FIT` when nothing fits.
   *
   * @example
   * ```ts
   * const bar = tree.allocateOrThrow({ size: 0x4000, align: 0x4000 });
   * ```
   */
  allocateOrThrow(constraint: ConstraintLike): Range {
    const c = Constraint.from(constraint);
    const r = this.allocate(c);
    if (r === undefined) {
      throw new AllocError("NO_FIT", `nothing in the pool fits ${c}`, { argument: "constraint", value: c.toInit() });
    }
    return r;
  }

  /**
   * Frees a range that is exactly an allocated or valued one, merging it with
   * free neighbours, and returns its data. Throws `NOT_FOUND` (no such range,
   * or only part of one) and `NOT_ALLOCATED` (already free: a double free).
   *
   * @example
   * ```ts
   * tree.free(r); // the data attached by update, or undefined
   * ```
   */
  free(range: RangeLike): T | undefined {
    const r = range instanceof Range ? range : Range.from(range);
    const n = this.#exactTaken(r, "free");
    let data: T | undefined;
    if (this.#store.state[n] === VALUED) {
      data = this.#values.get(n);
      this.#values.delete(n);
    }
    this.#store.freeNode(n);
    return data;
  }

  /**
   * Every range that intersects `range`, in address order.
   *
   * @example
   * ```ts
   * for (const [r, state] of tree.overlapping(new Range(0, 0xfff))) console.log(`${r} ${state.kind}`);
   * ```
   */
  *overlapping(range: RangeLike): IterableIterator<[Range, NodeState<T>]> {
    const r = Range.from(range);
    const s = this.#store;
    let n = s.floor(r.minHi, r.minLo);
    if (n === 0 || less(s.maxHi[n]!, s.maxLo[n]!, r.minHi, r.minLo)) n = n === 0 ? s.first() : s.successor(n);
    while (n !== 0 && !less(r.maxHi, r.maxLo, s.minHi[n]!, s.minLo[n]!)) {
      const next = s.successor(n);
      yield [this.#rangeOf(n), this.#stateOf(n)];
      n = next;
    }
  }

  /**
   * Every range with its state, in address order. Do not change the tree while iterating.
   *
   * @example
   * ```ts
   * for (const [range, state] of tree.entries()) console.log(`${range} ${state.kind}`);
   * ```
   */
  *entries(): IterableIterator<[Range, NodeState<T>]> {
    const s = this.#store;
    for (let n = s.first(); n !== 0; n = s.successor(n)) {
      yield [this.#rangeOf(n), this.#stateOf(n)];
    }
  }

  /** Same as {@link entries}. */
  [Symbol.iterator](): IterableIterator<[Range, NodeState<T>]> {
    return this.entries();
  }

  /**
   * Pool figures, O(1) (the largest free block above 2^53 compares a few candidates): total, free, allocated, largest free block, free fragments, ranges.
   *
   * @example
   * ```ts
   * tree.stats().largestFree; // 0xe0n
   * ```
   */
  stats(): PoolStats {
    const s = this.#store;
    const total = BigInt(s.totalHi) * 4294967296n + BigInt(s.totalLo);
    const free = BigInt(s.freeHi) * 4294967296n + BigInt(s.freeLo);
    return { total, free, allocated: total - free, largestFree: s.largestFree(), freeFragments: s.freeNodes, ranges: s.count };
  }

  /**
   * Verifies every structural invariant (order, no overlap, AVL balance and
   * heights, parent links, the largest-free-run augmentation, free space
   * coalesced, counters, value table) and throws an `Error` naming the first
   * broken one. O(n); for tests and fuzzing, never needed in production.
   */
  checkInvariants(): void {
    const valued = new Set(this.#values.keys());
    this.#store.check(valued);
    for (const n of valued) {
      if (this.#store.state[n] !== VALUED) throw new Error(`IntervalTree invariant broken: value held for node ${n} that is not valued`);
    }
  }

  /**
   * An independent deep copy (data values are shared, not cloned).
   *
   * @example
   * ```ts
   * const before = tree.clone();
   * ```
   */
  clone(): IntervalTree<T> {
    const c = new IntervalTree<T>({ initialCapacity: 0 });
    c.#store = this.#store.clone();
    c.#values = new Map(this.#values);
    return c;
  }

  /** A readable dump, one range per line. */
  toString(): string {
    const lines: string[] = [];
    for (const [r, st] of this) lines.push(`${r} ${st.kind}${st.kind === "valued" ? ` ${String(st.value)}` : ""}`);
    return lines.join("\n");
  }

  #rangeOf(n: number): Range {
    const s = this.#store;
    return Range.fromParts(s.minHi[n]!, s.minLo[n]!, s.maxHi[n]!, s.maxLo[n]!);
  }

  #stateOf(n: number): NodeState<T> {
    const st = this.#store.state[n];
    if (st === FREE) return FREE_STATE;
    if (st === ALLOCATED) return ALLOCATED_STATE;
    return { kind: "valued", value: this.#values.get(n) as T };
  }

  /** The node holding exactly `r`, or 0. */
  #find(r: Range): number {
    // perf: a range this pool handed out knows its node; trust it only when
    // that node is live with exactly these bounds (bench W2 free, W3).
    const s = this.#store;
    const hinted = s.liveWithBounds(Range.hintOf(r), r.minHi, r.minLo, r.maxHi, r.maxLo);
    return hinted !== 0 ? hinted : s.findExact(r.minHi, r.minLo, r.maxHi, r.maxLo);
  }

  /** The node exactly `r` that is allocated or valued, or throws. */
  #exactTaken(r: Range, operation: string): number {
    const n = this.#find(r);
    if (n === 0) throw this.#notFound(r, operation);
    if (this.#store.state[n] === FREE) {
      throw new AllocError("NOT_ALLOCATED", `${operation} ${r}: the range is free (${operation === "free" ? "double free" : "allocate it first"})`, {
        argument: "range",
        range: r.toString(),
      });
    }
    return n;
  }

  #notFound(r: Range, operation: string): AllocError {
    const s = this.#store;
    const n = s.findContaining(r.minHi, r.minLo);
    const hint = n === 0 ? "no range of the pool contains its start" : `it is not exactly ${this.#rangeOf(n)} (${this.#stateOf(n).kind}), which contains its start`;
    return new AllocError("NOT_FOUND", `${operation} ${r}: no such range in the pool; ${hint}`, {
      argument: "range",
      range: r.toString(),
      ...(n === 0 ? {} : { conflict: this.#rangeOf(n).toString() }),
    });
  }
}
