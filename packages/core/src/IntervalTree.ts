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
import { AllocError, Constraint, Range, describeValue, isAllocError, quoteText, readFields, readRecord, readU64 } from "@alloc/constraint";
import type { ConstraintLike, RangeLike, U64Input } from "@alloc/constraint";
import { ALLOCATED_STATE, FREE_STATE } from "./NodeState.js";
import type { NodeState, PoolStats } from "./NodeState.js";
import { ALLOCATED, FREE, RangeStore, VALUED } from "./internal/RangeStore.js";
import { add, isSuccessor, less, outHi, outLo } from "./internal/u64.js";

/** Options for a new tree. */
export interface IntervalTreeOptions {
  /** Ranges to make room for up front (the tree grows as needed); an integer in 0 .. 2^24. */
  readonly initialCapacity?: number;
}

const OPTION_KEYS: readonly string[] = ["initialCapacity"];
const STATE_KEYS: readonly string[] = ["kind", "value"];
const MAX_CAPACITY = 1 << 24;
const { minHiOf, minLoOf, maxHiOf, maxLoOf, hintOf } = Range;
const { sizeHiOf, sizeLoOf, alignHiOf, alignLoOf, policyOf } = Constraint;

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

  /**
   * An empty tree. `options` is read once; unknown keys and a capacity that is
   * not an integer in `0 .. 2^24` throw `INVALID_ARGUMENT`.
   *
   * @example
   * ```ts
   * const pool = new IntervalTree<string>({ initialCapacity: 1024 });
   * ```
   */
  constructor(options: IntervalTreeOptions = {}) {
    this.#store = new RangeStore(readCapacity(options));
    this.#values = new Map();
  }

  /**
   * Builds a tree in O(n) from entries in ascending address order, such as
   * those of {@link IntervalTree.entries} or a snapshot. Each entry `[range, state]` is
   * checked as it is read (range-like validated, state read once: `{ kind:
   * "free" }`, `{ kind: "allocated" }` or `{ kind: "valued", value }`), and
   * so are order and disjointness; adjacent free entries are coalesced.
   * Errors name the entry in `details.path` (`"entries[12]"`): `INVALID_RANGE`
   * and `INVALID_VALUE` for a bad range, `OVERLAP` for an entry that meets the
   * one before it, `INVALID_ARGUMENT` for a malformed entry or state or one out
   * of order.
   * The shared `FREE_STATE`/`ALLOCATED_STATE` objects are recognised and not
   * read again; pass them for the fastest build.
   *
   * @example
   * ```ts
   * const copy = IntervalTree.fromSorted(tree.entries());
   * IntervalTree.fromSorted([[{ min: 0, max: 0xff }, { kind: "free" }], [new Range(0x100, 0x1ff), { kind: "valued", value: "dev" }]]);
   * ```
   */
  static fromSorted<T>(entries: Iterable<readonly [RangeLike, NodeState<T>]>, options?: IntervalTreeOptions): IntervalTree<T> {
    const tree = new IntervalTree<T>(options);
    const s = tree.#store;
    const values = tree.#values;
    let index = 0;
    let prev: Range | undefined;
    // A free run not yet stored: consecutive free entries coalesce into it.
    let runOpen = false;
    let runMinHi = 0;
    let runMinLo = 0;
    let runMaxHi = 0;
    let runMaxLo = 0;
    const flush = (): void => {
      if (!runOpen) return;
      s.countFree(runMinHi, runMinLo, runMaxHi, runMaxLo, 1);
      s.newNode(runMinHi, runMinLo, runMaxHi, runMaxLo, FREE);
      runOpen = false;
    };
    let iterator: Iterator<readonly [RangeLike, NodeState<T>]>;
    try {
      iterator = entries[Symbol.iterator]();
    } catch (cause) {
      throw new AllocError("INVALID_ARGUMENT", "fromSorted: entries must be iterable", { argument: "entries" }, { cause });
    }
    for (;;) {
      let step: IteratorResult<readonly [RangeLike, NodeState<T>]>;
      try {
        step = iterator.next();
      } catch (cause) {
        if (isAllocError(cause)) throw cause;
        throw new AllocError("INVALID_ARGUMENT", `fromSorted: reading entries[${index}] threw`, { argument: "entries", path: `entries[${index}]` }, { cause });
      }
      if (step.done === true) break;
      readEntry(step.value, index);
      const r = entryRange;
      const kind = entryKind;
      const value = entryValue;
      const minHi = minHiOf(r);
      const minLo = minLoOf(r);
      const maxHi = maxHiOf(r);
      const maxLo = maxLoOf(r);
      if (prev !== undefined && !less(maxHiOf(prev), maxLoOf(prev), minHi, minLo)) {
        const overlaps = !less(maxHi, maxLo, minHiOf(prev), minLoOf(prev));
        throw new AllocError(
          overlaps ? "OVERLAP" : "INVALID_ARGUMENT",
          overlaps ? `fromSorted: entries[${index}] ${r} overlaps the entry before it, ${prev}` : `fromSorted: entries[${index}] ${r} comes after ${prev}; entries must be in ascending address order`,
          { argument: "entries", path: `entries[${index}]`, range: r.toString(), conflict: prev.toString() },
        );
      }
      s.countTotal(minHi, minLo, maxHi, maxLo, 1);
      if (kind === FREE) {
        if (runOpen && isSuccessor(runMaxHi, runMaxLo, minHi, minLo)) {
          runMaxHi = maxHi;
          runMaxLo = maxLo;
        } else {
          flush();
          runOpen = true;
          runMinHi = minHi;
          runMinLo = minLo;
          runMaxHi = maxHi;
          runMaxLo = maxLo;
        }
      } else {
        flush();
        const n = s.newNode(minHi, minLo, maxHi, maxLo, kind);
        if (kind === VALUED) values.set(n, value as T);
      }
      prev = r;
      index++;
    }
    flush();
    s.buildSorted();
    return tree;
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
    const minHi = minHiOf(r);
    const minLo = minLoOf(r);
    const maxHi = maxHiOf(r);
    const maxLo = maxLoOf(r);
    const s = this.#store;
    const below = s.floor(maxHi, maxLo);
    if (below !== 0 && !less(s.maxHi[below]!, s.maxLo[below]!, minHi, minLo)) {
      throw new AllocError("OVERLAP", `insert ${r} overlaps ${this.#rangeOf(below)} already in the pool`, {
        argument: "range",
        range: r.toString(),
        conflict: this.#rangeOf(below).toString(),
      });
    }
    s.countTotal(minHi, minLo, maxHi, maxLo, 1);
    if (data !== undefined) {
      const n = s.newNode(minHi, minLo, maxHi, maxLo, VALUED);
      this.#values.set(n, data);
      s.link(n);
      return this;
    }
    s.countFree(minHi, minLo, maxHi, maxLo, 1);
    const next = below !== 0 ? s.successor(below) : s.first();
    const mergePrev = below !== 0 && s.state[below] === FREE && isSuccessor(s.maxHi[below]!, s.maxLo[below]!, minHi, minLo);
    const mergeNext = next !== 0 && s.state[next] === FREE && isSuccessor(maxHi, maxLo, s.minHi[next]!, s.minLo[next]!);
    if (mergePrev) {
      let endHi = maxHi;
      let endLo = maxLo;
      if (mergeNext) {
        endHi = s.maxHi[next]!;
        endLo = s.maxLo[next]!;
        s.remove(next);
      }
      s.setBounds(below, s.minHi[below]!, s.minLo[below]!, endHi, endLo);
    } else if (mergeNext) {
      s.setBounds(next, minHi, minLo, s.maxHi[next]!, s.maxLo[next]!);
    } else {
      s.link(s.newNode(minHi, minLo, maxHi, maxLo, FREE));
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
    s.countTotal(minHiOf(r), minLoOf(r), maxHiOf(r), maxLoOf(r), -1);
    if (s.state[n] === FREE) s.countFree(minHiOf(r), minLoOf(r), maxHiOf(r), maxLoOf(r), -1);
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
    const n = s.findContaining(minHiOf(r), minLoOf(r));
    if (n === 0 || less(s.maxHi[n]!, s.maxLo[n]!, maxHiOf(r), maxLoOf(r))) return undefined;
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
    const v = readU64(id, "id");
    const n = this.#store.findContaining(Number(v >> 32n), Number(v & 0xffffffffn));
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
    const c = Constraint.from(constraint);
    const s = this.#store;
    s.setRequest(sizeHiOf(c), sizeLoOf(c), Constraint.minHiOf(c), Constraint.minLoOf(c), Constraint.maxHiOf(c), Constraint.maxLoOf(c), alignHiOf(c), alignLoOf(c));
    const policy = policyOf(c);
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
    const r = Range.from(range);
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
   * Resizes an allocated or valued range given exactly, in place: it keeps its
   * base, state and data, and either grows into the free range right after it
   * (only when that one is long enough) or shrinks, the freed tail merging
   * with a free range after it. Returns the new range. Throws `NOT_FOUND`,
   * `NOT_ALLOCATED`, `INVALID_SIZE` (0), `INVALID_VALUE` (not a u64), or
   * `NO_FIT` when it cannot grow; a refused call changes nothing.
   *
   * @example
   * ```ts
   * const r = tree.allocate({ size: 0x1000 })!;
   * const bigger = tree.resize(r, 0x2000);  // same base, 0x2000 units, if the space after it is free
   * tree.resize(bigger, 0x800);             // gives back the tail
   * ```
   */
  resize(range: RangeLike, newSize: U64Input): Range {
    const r = Range.from(range);
    const size = readU64(newSize, "newSize");
    if (size === 0n) throw new AllocError("INVALID_SIZE", "resize: newSize must be at least 1; got 0", { argument: "newSize", value: newSize });
    const n = this.#exactTaken(r, "resize");
    const s = this.#store;
    const baseHi = minHiOf(r);
    const baseLo = minLoOf(r);
    const oldHi = maxHiOf(r);
    const oldLo = maxLoOf(r);
    const m1 = size - 1n;
    if (!add(baseHi, baseLo, Number(m1 >> 32n), Number(m1 & 0xffffffffn))) throw this.#cannotGrow(r, size, "it would run past 2^64-1");
    const endHi = outHi;
    const endLo = outLo;
    if (endHi === oldHi && endLo === oldLo) return Range.fromParts(baseHi, baseLo, endHi, endLo, n);
    const next = s.successor(n);
    const nextFree = next !== 0 && s.state[next] === FREE && isSuccessor(oldHi, oldLo, s.minHi[next]!, s.minLo[next]!);
    if (less(oldHi, oldLo, endHi, endLo)) {
      if (!nextFree || less(s.maxHi[next]!, s.maxLo[next]!, endHi, endLo)) {
        throw this.#cannotGrow(r, size, nextFree ? `the free range after it, ${this.#rangeOf(next)}, is too short` : "the space right after it is not free");
      }
      add(oldHi, oldLo, 0, 1);
      s.countFree(outHi, outLo, endHi, endLo, -1);
      if (s.maxHi[next] === endHi && s.maxLo[next] === endLo) {
        s.remove(next);
      } else {
        add(endHi, endLo, 0, 1);
        s.setBounds(next, outHi, outLo, s.maxHi[next]!, s.maxLo[next]!);
      }
      s.setBounds(n, baseHi, baseLo, endHi, endLo);
    } else {
      add(endHi, endLo, 0, 1);
      const tailHi = outHi;
      const tailLo = outLo;
      s.countFree(tailHi, tailLo, oldHi, oldLo, 1);
      s.setBounds(n, baseHi, baseLo, endHi, endLo);
      if (nextFree) s.setBounds(next, tailHi, tailLo, s.maxHi[next]!, s.maxLo[next]!);
      else s.linkAfter(n, s.newNode(tailHi, tailLo, oldHi, oldLo, FREE));
    }
    return Range.fromParts(baseHi, baseLo, endHi, endLo, n);
  }

  /**
   * Every range that intersects `range`, in address order.
   *
   * @example
   * ```ts
   * for (const [r, state] of tree.overlapping(new Range(0, 0xfff))) console.log(`${r} ${state.kind}`);
   * ```
   */
  overlapping(range: RangeLike): IterableIterator<[Range, NodeState<T>]> {
    // Validated now, not on the first `next()`.
    return this.#overlapping(Range.from(range));
  }

  *#overlapping(r: Range): IterableIterator<[Range, NodeState<T>]> {
    const s = this.#store;
    const minHi = minHiOf(r);
    const minLo = minLoOf(r);
    let n = s.floor(minHi, minLo);
    if (n === 0 || less(s.maxHi[n]!, s.maxLo[n]!, minHi, minLo)) n = n === 0 ? s.first() : s.successor(n);
    while (n !== 0 && !less(maxHiOf(r), maxLoOf(r), s.minHi[n]!, s.minLo[n]!)) {
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

  /** Node n as a Range carrying its locator (verified against the bounds on use). */
  #rangeOf(n: number): Range {
    const s = this.#store;
    return Range.fromParts(s.minHi[n]!, s.minLo[n]!, s.maxHi[n]!, s.maxLo[n]!, n);
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
    const minHi = minHiOf(r);
    const minLo = minLoOf(r);
    const maxHi = maxHiOf(r);
    const maxLo = maxLoOf(r);
    const hinted = s.liveWithBounds(hintOf(r), minHi, minLo, maxHi, maxLo);
    return hinted !== 0 ? hinted : s.findExact(minHi, minLo, maxHi, maxLo);
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

  #cannotGrow(r: Range, size: bigint, why: string): AllocError {
    return new AllocError("NO_FIT", `resize ${r} to 0x${size.toString(16)} units: ${why}`, { argument: "newSize", value: size, range: r.toString() });
  }

  #notFound(r: Range, operation: string): AllocError {
    const s = this.#store;
    const n = s.findContaining(minHiOf(r), minLoOf(r));
    const hint = n === 0 ? "no range of the pool contains its start" : `it is not exactly ${this.#rangeOf(n)} (${this.#stateOf(n).kind}), which contains its start`;
    return new AllocError("NOT_FOUND", `${operation} ${r}: no such range in the pool; ${hint}`, {
      argument: "range",
      range: r.toString(),
      ...(n === 0 ? {} : { conflict: this.#rangeOf(n).toString() }),
    });
  }
}

/** `options.initialCapacity`, read once and checked. */
function readCapacity(options: IntervalTreeOptions | undefined): number {
  if (options === undefined) return 16;
  const o = readRecord(options, OPTION_KEYS, { what: "tree options", code: "INVALID_ARGUMENT" });
  const cap = o.initialCapacity;
  if (cap === undefined) return 16;
  if (typeof cap !== "number" || !Number.isSafeInteger(cap) || cap < 0 || cap > MAX_CAPACITY) {
    throw new AllocError("INVALID_ARGUMENT", `initialCapacity must be an integer in 0..${MAX_CAPACITY}; got ${describeValue(cap)}`, {
      argument: "initialCapacity",
      value: cap,
    });
  }
  return cap;
}

// The entry read by `readEntry`, set after every user callback has run.
let entryRange: Range = Range.fromParts(0, 0, 0, 0);
let entryKind = FREE;
let entryValue: unknown = undefined;
const STATE_READ = { what: "a node state", code: "INVALID_ARGUMENT" } as const;

/** Reads one `[range, state]` entry of `fromSorted` once into `entryRange`/`entryKind`/`entryValue`. */
function readEntry(entry: unknown, index: number): void {
  let rangeIn: unknown;
  let stateIn: unknown;
  try {
    if (!Array.isArray(entry) || entry.length !== 2) {
      throw new AllocError("INVALID_ARGUMENT", `fromSorted: entries[${index}] must be a [range, state] pair; got ${describeValue(entry)}`, {
        argument: "entries",
        path: `entries[${index}]`,
      });
    }
    rangeIn = entry[0];
    stateIn = entry[1];
  } catch (cause) {
    if (isAllocError(cause)) throw cause;
    throw new AllocError("INVALID_ARGUMENT", `fromSorted: reading entries[${index}] threw`, { argument: "entries", path: `entries[${index}]` }, { cause });
  }
  let r: Range;
  try {
    r = Range.from(rangeIn as RangeLike);
  } catch (e) {
    throw atEntry(e, index, 0);
  }
  let kind: unknown;
  let value: unknown;
  let hasValue = false;
  // perf: the shared state objects (what entries() yields) are ours and frozen: nothing to read.
  if (stateIn === FREE_STATE || stateIn === ALLOCATED_STATE) {
    kind = (stateIn as NodeState<unknown>).kind;
  } else {
    const f: unknown[] = [undefined, undefined];
    let seen: number;
    try {
      seen = readFields(stateIn, STATE_KEYS, STATE_READ, f);
    } catch (e) {
      throw atEntry(e, index, 1);
    }
    kind = f[0];
    value = f[1];
    hasValue = (seen & 2) !== 0;
  }
  let state = -1;
  if (kind === "valued" && hasValue) state = VALUED;
  else if (kind === "free" && !hasValue) state = FREE;
  else if (kind === "allocated" && !hasValue) state = ALLOCATED;
  if (state < 0) {
    const why =
      kind === "valued" ? 'a "valued" state needs a value' : kind === "free" || kind === "allocated" ? `a ${quoteText(kind)} state has no value` : `kind must be "free", "allocated" or "valued"; got ${describeValue(kind)}`;
    throw new AllocError("INVALID_ARGUMENT", `fromSorted: entries[${index}][1]: ${why}`, { argument: `entries[${index}][1].kind`, path: `entries[${index}]` });
  }
  entryRange = r;
  entryKind = state;
  entryValue = value;
}

/** An error about part `slot` of entry `index`, with the entry's path; "range…" arguments become "entries[i][0]…". */
function atEntry(e: unknown, index: number, slot: number): unknown {
  if (!isAllocError(e)) return e;
  const at = `entries[${index}][${slot}]`;
  const argument = e.details.argument;
  const renamed =
    argument === undefined ? at : argument === "range" || argument.startsWith("range.") ? at + argument.slice(5) : argument === STATE_READ.what ? at : argument;
  return new AllocError(e.code, `fromSorted: ${at}: ${e.message}`, { ...e.details, argument: renamed, path: `entries[${index}]` }, { cause: e.cause });
}
