/**
 * `IntervalTree<T>`: a pool of non-overlapping ranges, each free, allocated or
 * valued, that hands out ranges fitting a `Constraint`.
 *
 * Representation: a `SegmentTree` kernel (the domain as a sequence of free,
 * allocated, valued and not-in-pool segments in a B+tree of typed arrays, each
 * child summarised by its longest free segment and largest aligned free block)
 * plus a `Map` from start to data for valued ranges only. Free space is always
 * coalesced.
 *
 * Cost, n = number of ranges: insert, delete, free, update, get, getSuperset,
 * getById are O(log n) (free and update of a range this pool returned find it
 * through its locator, O(1) before the summaries are refreshed). First- and
 * last-match allocation are O(log n) when the first subtree that passes the
 * length and block summaries holds a fit: always when align == 1 or size ==
 * align, windows included. Worst case, align > 1 and size != align: each leaf
 * whose long-enough free segments are all misaligned for the request costs one
 * scan of its 32 segments, O(log n + k * 32) for k such leaves. Best fit uses a
 * size index built on first use (O(n log n) once, then O(log n) per change):
 * O(log n) per long-enough free range rejected for alignment or window. Every
 * refused call throws `AllocError` before anything changes.
 */
import { AllocError, Constraint, Range } from "@alloc/constraint";
import type { ConstraintLike, RangeLike, U64Input } from "@alloc/constraint";
import { ALLOCATED_STATE, FREE_STATE } from "./NodeState.js";
import type { NodeState, PoolStats } from "./NodeState.js";
import { ALLOCATED, B, FREE, HOLE, SegmentTree, VALUED } from "./internal/SegmentTree.js";
import { TWO_53, dec, fromHalves, hiOf, inc, loOf, lessDX, OUT, toBig } from "./internal/u64.js";

/** Options for a new tree. */
export interface IntervalTreeOptions {
  /** Ranges to make room for up front (the tree grows as needed). */
  readonly initialCapacity?: number;
}

/** The key of a valued range in the value table: its start, a number below 2^53. */
type Key = number | bigint;

function keyOf(d: number, x: number): Key {
  return d < TWO_53 ? d : toBig(d, x);
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
  #k: SegmentTree;
  #values: Map<Key, T>;
  // The range being handled, as (d, x) pairs: start s, exclusive end n.
  // -0: double fields from construction (see SegmentTree).
  #sD = -0;
  #sX = 0;
  #nD = -0;
  #nX = 0;

  constructor(options: IntervalTreeOptions = {}) {
    const ranges = options.initialCapacity ?? 0;
    this.#k = new SegmentTree(Math.ceil((2 * ranges + 2) / (B - 4)));
    this.#values = new Map();
  }

  /** The number of ranges of any state. */
  get size(): number {
    return this.#k.ranges;
  }

  /** True when the tree holds no range at all. */
  isEmpty(): boolean {
    return this.#k.ranges === 0;
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
    this.#read(r);
    const k = this.#k;
    const sD = this.#sD;
    const sX = this.#sX;
    const nD = this.#nD;
    const nX = this.#nX;
    const pos = k.locate(sD, sX);
    k.end(pos);
    if (k.lt[pos] !== HOLE || lessDX(k.outEndD, k.outEndX, nD, nX)) {
      // The conflict reported is the highest range starting at or below r.max.
      dec(nD, nX);
      let c = k.locate(OUT.d, OUT.x);
      if (k.lt[c] === HOLE) c = k.prev(c);
      throw new AllocError("OVERLAP", `insert ${r} overlaps ${this.#rangeAt(c)} already in the pool`, {
        argument: "range",
        range: r.toString(),
        conflict: this.#rangeAt(c).toString(),
      });
    }
    if (data !== undefined) {
      k.fill(pos, sD, sX, nD, nX, VALUED);
      this.#values.set(keyOf(sD, sX), data);
    } else {
      k.fill(pos, sD, sX, nD, nX, FREE);
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
    const pos = this.#exactTaken(Range.from(range), "update");
    const key = keyOf(this.#sD, this.#sX);
    const previous = this.#values.get(key);
    this.#values.set(key, data);
    this.#k.setTaken(pos, VALUED);
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
    const pos = this.#find(r);
    if (pos < 0) throw this.#notFound(r, "delete");
    let data: T | undefined;
    if (this.#k.lt[pos] === VALUED) {
      const key = keyOf(this.#sD, this.#sX);
      data = this.#values.get(key);
      this.#values.delete(key);
    }
    this.#k.drop(pos);
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
    const pos = this.#find(Range.from(range));
    return pos < 0 ? undefined : this.#stateAt(pos);
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
    this.#read(Range.from(range));
    const k = this.#k;
    const pos = k.locate(this.#sD, this.#sX);
    if (k.lt[pos] === HOLE) return undefined;
    k.end(pos);
    if (lessDX(k.outEndD, k.outEndX, this.#nD, this.#nX)) return undefined;
    return [this.#rangeAt(pos), this.#stateAt(pos)];
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
    this.#read(Range.point(id));
    const k = this.#k;
    const pos = k.locate(this.#sD, this.#sX);
    return k.lt[pos] === VALUED ? this.#values.get(keyOf(k.ls[pos]!, k.lx[pos]!)) : undefined;
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
    const k = this.#k;
    fromHalves(c.sizeHi, c.sizeLo);
    const sizeD = OUT.d;
    const sizeX = OUT.x;
    fromHalves(c.alignHi, c.alignLo);
    const alignD = OUT.d;
    fromHalves(c.minHi, c.minLo);
    const wlD = OUT.d;
    const wlX = OUT.x;
    fromHalves(c.maxHi, c.maxLo);
    k.setRequest(sizeD, sizeX, alignD, wlD, wlX, OUT.d, OUT.x);
    const policy = c.policy;
    const pos = policy === "first-match" ? k.findFirst() : policy === "last-match" ? k.findLast() : k.findBest();
    if (pos < 0) return undefined;
    return this.#rangeAt(k.carve(pos), true);
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
    const pos = this.#exactTaken(r, "free");
    let data: T | undefined;
    if (this.#k.lt[pos] === VALUED) {
      const key = keyOf(this.#sD, this.#sX);
      data = this.#values.get(key);
      this.#values.delete(key);
    }
    this.#k.release(pos);
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
    this.#read(Range.from(range));
    yield* this.#walk(this.#sD, this.#sX, this.#nD, this.#nX);
  }

  /**
   * Every range with its state, in address order. Changing the tree while
   * iterating is safe: iteration continues after the last range it yielded.
   *
   * @example
   * ```ts
   * for (const [range, state] of tree.entries()) console.log(`${range} ${state.kind}`);
   * ```
   */
  entries(): IterableIterator<[Range, NodeState<T>]> {
    return this.#walk(0, 0, 18446744073709551616, 0);
  }

  /** Same as {@link entries}. */
  [Symbol.iterator](): IterableIterator<[Range, NodeState<T>]> {
    return this.entries();
  }

  /**
   * Pool figures: total, free, allocated, largest free block, free fragments,
   * ranges. O(1) but the largest free block, which follows the summaries down
   * to the longest free segment (O(log n) when one segment is the longest).
   *
   * @example
   * ```ts
   * tree.stats().largestFree; // 0xe0n
   * ```
   */
  stats(): PoolStats {
    const k = this.#k;
    const total = k.totalBig + BigInt(k.totalSmall);
    const free = k.freeBig + BigInt(k.freeSmall);
    return { total, free, allocated: total - free, largestFree: k.largestFree(), freeFragments: k.freeSegments, ranges: k.ranges };
  }

  /**
   * Verifies every structural invariant (B+tree shape, keys and summaries,
   * segment order and coalescing, counters, best-fit index, value table) and
   * throws an `Error` naming the first broken one. O(n); for tests and
   * fuzzing, never needed in production.
   */
  checkInvariants(): void {
    const k = this.#k;
    k.check();
    let valued = 0;
    for (let p = k.first(); p >= 0; p = k.next(p)) {
      if (k.lt[p] !== VALUED) continue;
      valued++;
      if (!this.#values.has(keyOf(k.ls[p]!, k.lx[p]!))) throw new Error(`IntervalTree invariant broken: valued range ${this.#rangeAt(p)} has no value`);
    }
    if (valued !== this.#values.size) throw new Error("IntervalTree invariant broken: value table holds ranges that are not valued");
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
    const c = new IntervalTree<T>();
    c.#k = this.#k.clone();
    c.#values = new Map(this.#values);
    return c;
  }

  /** A readable dump, one range per line. */
  toString(): string {
    const lines: string[] = [];
    for (const [r, st] of this) lines.push(`${r} ${st.kind}${st.kind === "valued" ? ` ${String(st.value)}` : ""}`);
    return lines.join("\n");
  }

  /** Reads r into #s*, #n* (start, exclusive end). */
  #read(r: Range): void {
    fromHalves(r.maxHi, r.maxLo);
    inc(OUT.d, OUT.x);
    this.#nD = OUT.d;
    this.#nX = OUT.x;
    fromHalves(r.minHi, r.minLo);
    this.#sD = OUT.d;
    this.#sX = OUT.x;
  }

  /** Ranges intersecting `[s, n)`, re-seeking after the last one yielded when the tree changed. */
  *#walk(sD: number, sX: number, nD: number, nX: number): IterableIterator<[Range, NodeState<T>]> {
    const k = this.#k;
    let pos = k.locate(sD, sX);
    let version = k.version;
    while (pos >= 0 && lessDX(k.ls[pos]!, k.lx[pos]!, nD, nX)) {
      if (k.lt[pos] !== HOLE) {
        const d = k.ls[pos]!;
        const x = k.lx[pos]!;
        yield [this.#rangeAt(pos), this.#stateAt(pos)];
        if (k.version !== version) {
          version = k.version;
          pos = k.locate(d, x);
          if (k.ls[pos] !== d || k.lx[pos] !== x) {
            // The range yielded last is gone: continue from what now holds its start.
            if (k.lt[pos] !== HOLE && lessDX(k.ls[pos]!, k.lx[pos]!, d, x)) pos = k.next(pos);
            continue;
          }
        }
      }
      pos = k.next(pos);
    }
  }

  /** The range of the segment at pos; `locator` attaches its leaf for a fast free. */
  #rangeAt(pos: number, locator = false): Range {
    const k = this.#k;
    const sD = k.ls[pos]!;
    const sX = k.lx[pos]!;
    k.end(pos);
    dec(k.outEndD, k.outEndX);
    return Range.fromParts(hiOf(sD), loOf(sD, sX), hiOf(OUT.d), loOf(OUT.d, OUT.x), locator ? (pos >> 5) + 1 : 0);
  }

  #stateAt(pos: number): NodeState<T> {
    const st = this.#k.lt[pos];
    if (st === FREE) return FREE_STATE;
    if (st === ALLOCATED) return ALLOCATED_STATE;
    return { kind: "valued", value: this.#values.get(keyOf(this.#k.ls[pos]!, this.#k.lx[pos]!)) as T };
  }

  /** The position of the segment that is exactly `r` and in the pool, or -1; leaves r in #s*, #n*. */
  #find(r: Range): number {
    this.#read(r);
    const k = this.#k;
    const sD = this.#sD;
    const sX = this.#sX;
    // perf: a range this pool handed out knows its leaf; trust it only when
    // that leaf is live and spans the start (bench W2 free, W3).
    const leaf = Range.hintOf(r) - 1;
    let pos: number;
    if (k.isLeaf(leaf) && !lessDX(sD, sX, k.ls[leaf * B]!, k.lx[leaf * B]!)) {
      pos = k.locateIn(leaf, sD, sX);
      k.end(pos);
      if (!lessDX(sD, sX, k.outEndD, k.outEndX)) pos = k.locate(sD, sX);
    } else {
      pos = k.locate(sD, sX);
    }
    if (k.ls[pos] !== sD || k.lx[pos] !== sX || k.lt[pos] === HOLE) return -1;
    k.end(pos);
    return k.outEndD === this.#nD && k.outEndX === this.#nX ? pos : -1;
  }

  /** The segment exactly `r` that is allocated or valued, or throws. */
  #exactTaken(r: Range, operation: string): number {
    const pos = this.#find(r);
    if (pos < 0) throw this.#notFound(r, operation);
    if (this.#k.lt[pos] === FREE) {
      throw new AllocError("NOT_ALLOCATED", `${operation} ${r}: the range is free (${operation === "free" ? "double free" : "allocate it first"})`, {
        argument: "range",
        range: r.toString(),
      });
    }
    return pos;
  }

  #notFound(r: Range, operation: string): AllocError {
    this.#read(r);
    const k = this.#k;
    const pos = k.locate(this.#sD, this.#sX);
    const inPool = k.lt[pos] !== HOLE;
    const hint = inPool ? `it is not exactly ${this.#rangeAt(pos)} (${this.#stateAt(pos).kind}), which contains its start` : "no range of the pool contains its start";
    return new AllocError("NOT_FOUND", `${operation} ${r}: no such range in the pool; ${hint}`, {
      argument: "range",
      range: r.toString(),
      ...(inPool ? { conflict: this.#rangeAt(pos).toString() } : {}),
    });
  }
}
