/**
 * `IntervalTree<T>`: a pool of non-overlapping ranges, each free, allocated or
 * valued, that hands out ranges fitting a `Constraint`.
 *
 * Representation: a `SegmentTree` kernel (the domain as a sequence of free,
 * allocated, valued and not-in-pool segments in a B+tree of typed arrays, each
 * child summarised by its longest free segment and largest aligned free block)
 * whose value table holds the data of valued ranges, moved with them. Free
 * space is always coalesced.
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
import {
  AllocError,
  Constraint,
  Range,
  describeValue,
  isAllocError,
  isArrayInput,
  quoteText,
  readArray,
  readFields,
  readRecord,
  readU64,
  refuseThis,
} from "@alloc/constraint";
import type { ConstraintLike, Policy, RangeLike, U64Input } from "@alloc/constraint";
import { ALLOCATED_STATE, FREE_STATE, isValuedState, valuedState } from "./NodeState.js";
import type { NodeState, PoolStats } from "./NodeState.js";
import { ALLOCATED, B, FREE, HOLE, REQUEST_FIELDS, SegmentTree, VALUED } from "./internal/SegmentTree.js";
import { SegmentSequence } from "./internal/SegmentSequence.js";
import { OUT, TWO_53, TWO_64, dec, fromBig, fromHalves, hiOf, inc, loOf, lessDX, toBig } from "./internal/u64.js";

/** Options for a new tree. */
export interface IntervalTreeOptions {
  /** Ranges to make room for up front (the tree grows as needed); an integer in 0 .. 2^24. */
  readonly initialCapacity?: number;
}

const OPTION_KEYS: readonly string[] = ["initialCapacity"];
const STATE_KEYS: readonly string[] = ["kind", "value"];
const MAX_CAPACITY = 1 << 24;
const { minHiOf, minLoOf, maxHiOf, maxLoOf, minNumberOf, maxNumberOf, hintOf } = Range;
const { policyOf } = Constraint;
// A constraint no caller holds: a new tree has no request yet.
const NO_REQUEST = new Constraint({ size: 1 });
// The halves of the request being read (see Constraint.read).
const READ_HALVES = new Float64Array(8);
// The last RECENT real constraints allocated with (by any tree) and their kernel requests, saved in turn.
const RECENT = 16;
const recent: Constraint[] = new Array<Constraint>(RECENT).fill(NO_REQUEST);
const recentRequests = new Float64Array(RECENT * REQUEST_FIELDS);
let recentNext = 0;

// Refuses a receiver the IntervalTree constructor did not build (set in the class's static block).
let checkTree: (self: unknown) => void;

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
  /** The constraint whose request the kernel holds. */
  #request: Constraint = NO_REQUEST;
  /** The halves of the request the kernel holds; all 0 (size 0, never valid) before the first. */
  #held = new Float64Array(8);
  // The range being handled, as (d, x) pairs: start s, exclusive end n.
  // -0: double fields from construction (see SegmentTree).
  #sD = -0;
  #sX = 0;
  #nD = -0;
  #nX = 0;

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
    this.#k = new SegmentTree(Math.ceil((2 * readCapacity(options) + 2) / (B - 4)));
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
   * The shared `FREE_STATE`/`ALLOCATED_STATE` objects and the states made by
   * `valuedState` (what `entries()` yields) are recognised and not read
   * again; pass them for the fastest build.
   *
   * @example
   * ```ts
   * const copy = IntervalTree.fromSorted(tree.entries());
   * IntervalTree.fromSorted([[{ min: 0, max: 0xff }, { kind: "free" }], [new Range(0x100, 0x1ff), { kind: "valued", value: "dev" }]]);
   * ```
   */
  static fromSorted<T>(entries: Iterable<readonly [RangeLike, NodeState<T>]>, options?: IntervalTreeOptions): IntervalTree<T> {
    const tree = new IntervalTree<T>(options);
    const seq = new SegmentSequence();
    let index = 0;
    let prev: Range | undefined;
    let iterator: Iterator<readonly [RangeLike, NodeState<T>]>;
    try {
      iterator = entries[Symbol.iterator]();
    } catch (cause) {
      throw new AllocError("INVALID_ARGUMENT", "fromSorted: entries must be iterable", { argument: "entries" }, { cause });
    }
    for (;;) {
      let step: unknown;
      let value: unknown;
      try {
        step = iterator.next();
        // The step is caller code too: `done` and `value` are read once each, inside the try.
        if (typeof step === "object" && step !== null) {
          if ((step as IteratorResult<unknown>).done === true) break;
          value = (step as IteratorResult<unknown>).value;
        }
      } catch (cause) {
        if (isAllocError(cause)) throw cause;
        throw new AllocError("INVALID_ARGUMENT", `fromSorted: reading entries[${index}] threw`, { argument: "entries", path: `entries[${index}]` }, { cause });
      }
      if (typeof step !== "object" || step === null) {
        throw new AllocError("INVALID_ARGUMENT", `fromSorted: the entries iterator gave ${describeValue(step)} for entries[${index}], not an iterator result`, {
          argument: "entries",
          path: `entries[${index}]`,
        });
      }
      readEntry(value, index);
      const r = entryRange;
      startOf(r);
      const d = OUT.d;
      const x = OUT.x;
      if (prev !== undefined && seq.before(d, x)) {
        const overlaps = !(maxHiOf(r) < minHiOf(prev) || (maxHiOf(r) === minHiOf(prev) && maxLoOf(r) < minLoOf(prev)));
        throw new AllocError(
          overlaps ? "OVERLAP" : "INVALID_ARGUMENT",
          overlaps
            ? `fromSorted: entries[${index}] ${r} overlaps the entry before it, ${prev}`
            : `fromSorted: entries[${index}] ${r} comes after ${prev}; entries must be in ascending address order`,
          { argument: "entries", path: `entries[${index}]`, range: r.toString(), conflict: prev.toString() },
        );
      }
      endOf(r);
      seq.append(d, x, OUT.d, OUT.x, entryKind, entryValue);
      prev = r;
      index++;
    }
    seq.buildInto(tree.#k);
    return tree;
  }

  /**
   * Builds in O(n) the pool over `space` in which each range `taken[i]` is
   * valued with `values[i]` (allocated when that is `undefined`, or when there
   * are no `values`) and the rest of `space` is free: a pool restored from
   * its layout and its allocations, with no free ranges listed. `space` is in
   * ascending address order and disjoint (touching ranges merge); `taken` is
   * in ascending order, disjoint, each inside the space (it may span touching
   * space ranges). Every range is validated as it is read, once. Errors name
   * the element in `details.path` (`"taken[12]"`): `INVALID_RANGE` and
   * `INVALID_VALUE` for a bad range, `OVERLAP` for a taken range that meets
   * the one before it, `INVALID_ARGUMENT` for one out of order or outside the
   * space, a space range out of order, or `values` not an array of the same
   * length.
   *
   * @example
   * ```ts
   * const pool = IntervalTree.fromTaken([new Range(0, 0xffff)], [new Range(0x3f8, 0x3ff)], ["serial"]);
   * pool.getById(0x3f9); // "serial"
   * ```
   */
  static fromTaken<T>(
    space: readonly RangeLike[],
    taken: readonly RangeLike[],
    values?: readonly (T | undefined)[],
    options?: IntervalTreeOptions,
  ): IntervalTree<T> {
    const tree = new IntervalTree<T>(options);
    const spaceList = readArgumentArray(space, "space");
    const takenList = readArgumentArray(taken, "taken");
    const valueList = values === undefined ? undefined : readArgumentArray(values, "values");
    const spaceCount = spaceList.length;
    const takenCount = takenList.length;
    if (valueList !== undefined && valueList.length !== takenCount) {
      throw new AllocError("INVALID_ARGUMENT", `fromTaken: values must have one element per taken range (${takenCount}); got ${describeValue(values)}`, {
        argument: "values",
      });
    }
    // Space ranges are few: read them all first, touching ones merged into [first.min, last.max].
    const starts: Range[] = [];
    const lasts: Range[] = [];
    for (let i = 0; i < spaceCount; i++) {
      const s = rangeAt(spaceList, i, "space");
      const last = lasts[lasts.length - 1];
      if (last !== undefined && !below(maxHiOf(last), maxLoOf(last), minHiOf(s), minLoOf(s))) {
        throw new AllocError("INVALID_ARGUMENT", `fromTaken: space[${i}] ${s} does not come after ${last}; space ranges must be disjoint, in ascending order`, {
          argument: "space",
          path: `space[${i}]`,
          range: s.toString(),
          conflict: last.toString(),
        });
      }
      if (last !== undefined && adjacent(last, s)) lasts[lasts.length - 1] = s;
      else {
        starts.push(s);
        lasts.push(s);
      }
    }
    // Taken ranges that touch need one segment each (the arrays double when there are gaps between them).
    const seq = new SegmentSequence(takenCount + 2 * starts.length + 2, valueList === undefined ? 0 : takenCount);
    let k = 0;
    let t = takenCount > 0 ? rangeAt(takenList, 0, "taken") : undefined;
    let prev: Range | undefined;
    for (let i = 0; i < starts.length; i++) {
      // The part of the space range not tiled yet is [f, e).
      startOf(starts[i]!);
      let fD = OUT.d;
      let fX = OUT.x;
      endOf(lasts[i]!);
      const eD = OUT.d;
      const eX = OUT.x;
      while (t !== undefined) {
        startOf(t);
        const d = OUT.d;
        const x = OUT.x;
        if (!lessDX(d, x, eD, eX)) break;
        if (lessDX(d, x, fD, fX)) throw misplaced(t, k, prev !== undefined && seq.before(d, x) ? prev : undefined);
        endOf(t);
        const nD = OUT.d;
        const nX = OUT.x;
        if (lessDX(eD, eX, nD, nX)) {
          throw takenError("INVALID_ARGUMENT", k, t, "runs past the end of the pool range it starts in", undefined);
        }
        if (d !== fD || x !== fX) seq.append(fD, fX, d, x, FREE, undefined);
        const value = valueList === undefined ? undefined : valueList[k];
        seq.append(d, x, nD, nX, value === undefined ? ALLOCATED : VALUED, value);
        fD = nD;
        fX = nX;
        prev = t;
        k++;
        t = k < takenCount ? rangeAt(takenList, k, "taken") : undefined;
      }
      if (fD !== eD || fX !== eX) seq.append(fD, fX, eD, eX, FREE, undefined);
    }
    if (t !== undefined) throw misplaced(t, k, undefined);
    seq.buildInto(tree.#k);
    return tree;
  }

  /** The number of ranges of any state. */
  get size(): number {
    checkTree(this);
    return this.#k.ranges;
  }

  /** True when the tree holds no range at all. */
  isEmpty(): boolean {
    checkTree(this);
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
    checkTree(this);
    const r = Range.from(range);
    this.#read(r);
    const k = this.#k;
    const sD = this.#sD;
    const sX = this.#sX;
    const nD = this.#nD;
    const nX = this.#nX;
    const pos = k.locate(sD, sX);
    k.end(pos);
    if (k.kindAt(pos) !== HOLE || lessDX(k.outEndD, k.outEndX, nD, nX)) {
      // The conflict reported is the highest range starting at or below r.max.
      dec(nD, nX);
      let c = k.locate(OUT.d, OUT.x);
      if (k.kindAt(c) === HOLE) c = k.prev(c);
      throw new AllocError("OVERLAP", `insert ${r} overlaps ${this.#rangeAt(c)} already in the pool`, {
        argument: "range",
        range: r.toString(),
        conflict: this.#rangeAt(c).toString(),
      });
    }
    if (data !== undefined) {
      k.fill(pos, sD, sX, nD, nX, VALUED, data);
    } else {
      k.fill(pos, sD, sX, nD, nX, FREE, undefined);
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
    checkTree(this);
    const pos = this.#exactTaken(Range.from(range), "update");
    const k = this.#k;
    const previous = (k.kindAt(pos) === VALUED ? k.lv[pos] : undefined) as T | undefined;
    k.setTaken(pos, VALUED);
    k.setValue(pos, data);
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
    checkTree(this);
    const r = Range.from(range);
    const pos = this.#find(r);
    if (pos < 0) throw this.#notFound(r, "delete");
    const data = this.#takeValue(pos);
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
    checkTree(this);
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
    checkTree(this);
    this.#read(Range.from(range));
    const k = this.#k;
    const pos = k.locate(this.#sD, this.#sX);
    if (k.kindAt(pos) === HOLE) return undefined;
    k.end(pos);
    if (lessDX(k.outEndD, k.outEndX, this.#nD, this.#nX)) return undefined;
    return [this.#rangeAt(pos, true), this.#stateAt(pos)];
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
    checkTree(this);
    fromBig(readU64(id, "id"));
    const k = this.#k;
    const pos = k.locate(OUT.d, OUT.x);
    return k.kindAt(pos) === VALUED ? (k.lv[pos] as T) : undefined;
  }

  /**
   * Allocates a range that fits the constraint and marks it allocated, or
   * valued with `data` when `data` is not `undefined` (one search, where
   * `allocate` then `update` makes two); returns `undefined` when nothing
   * fits. Throws only for an invalid constraint.
   *
   * @example
   * ```ts
   * tree.allocate({ size: 0x1000, align: 0x1000, policy: "last-match" });
   * tree.allocate({ size: 8 }, "uart"); // valued: tree.getById(...) answers "uart"
   * ```
   */
  allocate(constraint: ConstraintLike, data?: T): Range | undefined {
    checkTree(this);
    const k = this.#k;
    let policy: Policy;
    // perf: a constraint is immutable, so the request the kernel holds from the
    // last call is still right when the same one comes again (bench W1); a
    // plain object is read once into halves, with no Constraint built.
    if (constraint === this.#request) {
      policy = policyOf(constraint as Constraint);
    } else if (Constraint.is(constraint)) {
      policy = policyOf(constraint);
      // perf: the kernel form of a recently used constraint is loaded, not rebuilt from its halves (bench W2, W3: nine in turn).
      let slot = RECENT - 1;
      while (slot >= 0 && recent[slot] !== constraint) slot--;
      if (slot >= 0) {
        k.loadRequest(recentRequests, slot * REQUEST_FIELDS);
        // The halves the kernel holds are no longer known: size 0 matches no request.
        this.#held[0] = 0;
        this.#held[1] = 0;
      } else {
        Constraint.read(constraint, READ_HALVES);
        this.#setRequest(READ_HALVES);
        recent[recentNext] = constraint;
        k.saveRequest(recentRequests, recentNext * REQUEST_FIELDS);
        recentNext = (recentNext + 1) % RECENT;
      }
      this.#request = constraint;
    } else {
      policy = Constraint.read(constraint, READ_HALVES);
      this.#setRequest(READ_HALVES);
    }
    const pos = policy === "first-match" ? k.findFirst() : policy === "last-match" ? k.findLast() : k.findBest();
    if (pos < 0) return undefined;
    const at = k.carve(pos);
    if (data !== undefined) {
      k.setTaken(at, VALUED);
      k.setValue(at, data);
    }
    return this.#rangeAt(at, true);
  }

  /** Hands the request with halves `h` to the kernel, unless it already holds it. */
  #setRequest(h: Float64Array): void {
    const held = this.#held;
    if (
      h[0] === held[0] &&
      h[1] === held[1] &&
      h[2] === held[2] &&
      h[3] === held[3] &&
      h[4] === held[4] &&
      h[5] === held[5] &&
      h[6] === held[6] &&
      h[7] === held[7]
    ) {
      return;
    }
    held.set(h);
    this.#request = NO_REQUEST;
    fromHalves(h[0]!, h[1]!);
    const sizeD = OUT.d;
    const sizeX = OUT.x;
    fromHalves(h[6]!, h[7]!);
    const alignD = OUT.d;
    fromHalves(h[2]!, h[3]!);
    const wlD = OUT.d;
    const wlX = OUT.x;
    fromHalves(h[4]!, h[5]!);
    this.#k.setRequest(sizeD, sizeX, alignD, wlD, wlX, OUT.d, OUT.x);
  }

  /**
   * Like {@link allocate} (with the same optional `data`), but throws `NO_FIT` when nothing fits.
   *
   * @example
   * ```ts
   * const bar = tree.allocateOrThrow({ size: 0x4000, align: 0x4000 });
   * ```
   */
  allocateOrThrow(constraint: ConstraintLike, data?: T): Range {
    checkTree(this);
    const c = Constraint.from(constraint);
    const r = this.allocate(c, data);
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
    checkTree(this);
    // perf: kept under V8's 81-byte "small function" size, so a new process optimises it within the first ~1,000 calls (bench --fresh-reps).
    const pos = this.#exactTaken(Range.from(range), "free");
    const data = this.#takeValue(pos);
    this.#k.release(pos);
    return data;
  }

  /** Removes and returns the value of the segment at pos, undefined when it is not valued. */
  #takeValue(pos: number): T | undefined {
    return this.#k.kindAt(pos) === VALUED ? (this.#k.takeValue(pos) as T) : undefined;
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
    checkTree(this);
    const r = Range.from(range);
    const size = readU64(newSize, "newSize");
    if (size === 0n) throw new AllocError("INVALID_SIZE", "resize: newSize must be at least 1; got 0", { argument: "newSize", value: newSize });
    const pos = this.#exactTaken(r, "resize");
    const k = this.#k;
    const base = toBig(this.#sD, this.#sX);
    const end = base + size;
    if (end > 0x1_0000_0000_0000_0000n) throw this.#cannotGrow(r, size, "it would run past 2^64-1");
    fromBig(end);
    const eD = OUT.d;
    const eX = OUT.x;
    if (lessDX(this.#nD, this.#nX, eD, eX)) {
      const next = k.next(pos);
      const nextFree = next >= 0 && k.kindAt(next) === FREE;
      if (nextFree) k.end(next);
      if (!nextFree || lessDX(k.outEndD, k.outEndX, eD, eX)) {
        throw this.#cannotGrow(r, size, nextFree ? `the free range after it, ${this.#rangeAt(next)}, is too short` : "the space right after it is not free");
      }
    }
    k.moveEnd(pos, eD, eX);
    fromBig(base);
    return this.#rangeAt(k.locate(OUT.d, OUT.x), true);
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
    checkTree(this);
    // Validated now, not on the first `next()`.
    this.#read(Range.from(range));
    return this.#walk(this.#sD, this.#sX, this.#nD, this.#nX);
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
    checkTree(this);
    return this.#walk(0, 0, TWO_64, 0);
  }

  /** Same as {@link entries}. */
  [Symbol.iterator](): IterableIterator<[Range, NodeState<T>]> {
    checkTree(this);
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
    checkTree(this);
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
    checkTree(this);
    this.#k.check();
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
    checkTree(this);
    const c = new IntervalTree<T>();
    c.#k = this.#k.clone();
    return c;
  }

  /** A readable dump, one range per line. */
  toString(): string {
    checkTree(this);
    const lines: string[] = [];
    for (const [r, st] of this) lines.push(`${r} ${st.kind}${st.kind === "valued" ? ` ${shown(st.value)}` : ""}`);
    return lines.join("\n");
  }

  /** Reads r into #s*, #n* (start, exclusive end). */
  #read(r: Range): void {
    endOf(r);
    this.#nD = OUT.d;
    this.#nX = OUT.x;
    startOf(r);
    this.#sD = OUT.d;
    this.#sX = OUT.x;
  }

  /** Ranges intersecting `[s, n)`, re-seeking after the last one yielded when the tree changed. */
  *#walk(sD: number, sX: number, nD: number, nX: number): IterableIterator<[Range, NodeState<T>]> {
    const k = this.#k;
    let pos = k.locate(sD, sX);
    let version = k.version;
    while (pos >= 0 && lessDX(k.ls[pos]!, k.xAt(pos), nD, nX)) {
      if (k.kindAt(pos) !== HOLE) {
        const d = k.ls[pos]!;
        const x = k.xAt(pos);
        yield [this.#rangeAt(pos, true), this.#stateAt(pos)];
        if (k.version !== version) {
          version = k.version;
          pos = k.locate(d, x);
          if (k.ls[pos] !== d || k.xAt(pos) !== x) {
            // The range yielded last is gone: continue from what now holds its start.
            if (k.kindAt(pos) !== HOLE && lessDX(k.ls[pos]!, k.xAt(pos), d, x)) pos = k.next(pos);
            continue;
          }
        }
      }
      pos = k.next(pos);
    }
  }

  /** The range of the segment at pos; `locator` attaches its position for a fast free. */
  #rangeAt(pos: number, locator = false): Range {
    const k = this.#k;
    const sD = k.ls[pos]!;
    const sX = k.xAt(pos);
    k.end(pos);
    const hint = locator ? pos + 1 : 0;
    if (k.outEndD <= TWO_53 && k.outEndX === 0) return Range.fromNumbers(sD, k.outEndD - 1, hint);
    dec(k.outEndD, k.outEndX);
    return Range.fromParts(hiOf(sD), loOf(sD, sX), hiOf(OUT.d), loOf(OUT.d, OUT.x), hint);
  }

  #stateAt(pos: number): NodeState<T> {
    const st = this.#k.kindAt(pos);
    if (st === FREE) return FREE_STATE;
    if (st === ALLOCATED) return ALLOCATED_STATE;
    return valuedState(this.#k.lv[pos] as T);
  }

  /** The position of the segment that is exactly `r` and in the pool, or -1; leaves r in #s*, #n*. */
  #find(r: Range): number {
    this.#read(r);
    // perf: a range this pool handed out knows its position, and so its leaf (bench W2 free, W3).
    return this.#k.exact(hintOf(r) - 1, this.#sD, this.#sX, this.#nD, this.#nX);
  }

  /** The segment exactly `r` that is allocated or valued, or throws. */
  #exactTaken(r: Range, operation: string): number {
    const pos = this.#find(r);
    if (pos < 0) throw this.#notFound(r, operation);
    if (this.#k.kindAt(pos) === FREE) {
      throw new AllocError("NOT_ALLOCATED", `${operation} ${r}: the range is free (${operation === "free" ? "double free" : "allocate it first"})`, {
        argument: "range",
        range: r.toString(),
      });
    }
    return pos;
  }

  #cannotGrow(r: Range, size: bigint, why: string): AllocError {
    return new AllocError("NO_FIT", `resize ${r} to 0x${size.toString(16)} units: ${why}`, { argument: "newSize", value: size, range: r.toString() });
  }

  #notFound(r: Range, operation: string): AllocError {
    this.#read(r);
    const k = this.#k;
    const pos = k.locate(this.#sD, this.#sX);
    const inPool = k.kindAt(pos) !== HOLE;
    const hint = inPool
      ? `it is not exactly ${this.#rangeAt(pos)} (${this.#stateAt(pos).kind}), which contains its start`
      : "no range of the pool contains its start";
    return new AllocError("NOT_FOUND", `${operation} ${r}: no such range in the pool; ${hint}`, {
      argument: "range",
      range: r.toString(),
      ...(inPool ? { conflict: this.#rangeAt(pos).toString() } : {}),
    });
  }

  static {
    checkTree = (self) => {
      if (typeof self !== "object" || self === null || !(#k in self)) refuseThis("an IntervalTree", self);
    };
  }
}

/** `options.initialCapacity`, read once and checked. */
function readCapacity(options: IntervalTreeOptions | undefined): number {
  if (options === undefined) return 0;
  const o = readRecord(options, OPTION_KEYS, { what: "tree options", code: "INVALID_ARGUMENT" });
  const cap = o.initialCapacity;
  if (cap === undefined) return 0;
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
    // Only here, after `Array.isArray` or a read threw, are the options naming the entry built: a revoked proxy is named as such (perf: building them per entry cost fromSorted 20-30 %).
    isArrayInput(entry, { what: `fromSorted: entries[${index}]`, code: "INVALID_ARGUMENT", path: `entries[${index}]` });
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
  } else if (isValuedState(stateIn)) {
    kind = "valued";
    value = stateIn.value;
    hasValue = true;
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
      kind === "valued"
        ? 'a "valued" state needs a value'
        : kind === "free" || kind === "allocated"
          ? `a ${quoteText(kind)} state has no value`
          : `kind must be "free", "allocated" or "valued"; got ${describeValue(kind)}`;
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

/** The start of `r` into OUT (perf: a number below 2^53 is its own pair, bench "restore"). */
function startOf(r: Range): void {
  const n = minNumberOf(r);
  if (n >= 0) {
    OUT.d = n;
    OUT.x = 0;
  } else {
    fromHalves(minHiOf(r), minLoOf(r));
  }
}

/** The exclusive end of `r` into OUT (below 2^53, `max + 1 <= 2^53` is exact). */
function endOf(r: Range): void {
  const n = maxNumberOf(r);
  if (n >= 0) {
    OUT.d = n + 1;
    OUT.x = 0;
  } else {
    fromHalves(maxHiOf(r), maxLoOf(r));
    inc(OUT.d, OUT.x);
  }
}

/** True when value `(aHi, aLo)` is below `(bHi, bLo)`. */
function below(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  return aHi < bHi || (aHi === bHi && aLo < bLo);
}

/** True when `b` starts right after `a` ends. */
function adjacent(a: Range, b: Range): boolean {
  const hi = maxHiOf(a);
  const lo = maxLoOf(a);
  return lo === 0xffff_ffff ? minHiOf(b) === hi + 1 && minLoOf(b) === 0 : minHiOf(b) === hi && minLoOf(b) === lo + 1;
}

/** The array argument `name` of `fromTaken`, read once (`readArray`: its length checked, each element read once into a copy). */
function readArgumentArray(list: unknown, name: string): readonly unknown[] {
  return readArray(list, { what: `fromTaken: ${name}`, code: "INVALID_ARGUMENT", path: name });
}

/** Element i of a `fromTaken` list already read, as a range. */
function rangeAt(list: readonly unknown[], i: number, name: string): Range {
  const value = list[i];
  try {
    return Range.from(value as RangeLike);
  } catch (e) {
    if (!isAllocError(e)) throw e;
    const at = `${name}[${i}]`;
    const argument = e.details.argument;
    const renamed = argument === undefined || argument === "range" ? at : argument.startsWith("range.") ? at + argument.slice(5) : argument;
    throw new AllocError(e.code, `fromTaken: ${at}: ${e.message}`, { ...e.details, argument: renamed, path: at }, { cause: e.cause });
  }
}

/** The error for taken range `t` (index k) that starts before where it may: inside `prev` (an overlap) or outside the space. */
/** `String(value)`, or its {@link describeValue} when that throws (a null-prototype object, a throwing `toString`). */
function shown(value: unknown): string {
  try {
    return String(value);
  } catch {
    return describeValue(value);
  }
}

function misplaced(t: Range, k: number, prev: Range | undefined): AllocError {
  if (prev !== undefined && !below(maxHiOf(t), maxLoOf(t), minHiOf(prev), minLoOf(prev))) {
    return takenError("OVERLAP", k, t, `overlaps the range before it, ${prev}`, prev);
  }
  const why = prev !== undefined ? `comes before ${prev}; taken ranges must be in ascending order` : "lies outside the pool";
  return takenError("INVALID_ARGUMENT", k, t, why, prev);
}

/** The error for `taken[k]`; `details.reason` is the message without its `fromTaken: taken[k] ` prefix. */
function takenError(code: "OVERLAP" | "INVALID_ARGUMENT", k: number, t: Range, why: string, conflict: Range | undefined): AllocError {
  const path = `taken[${k}]`;
  const reason = `${t} ${why}`;
  return new AllocError(code, `fromTaken: ${path} ${reason}`, {
    argument: "taken",
    path,
    range: t.toString(),
    reason,
    ...(conflict === undefined ? {} : { conflict: conflict.toString() }),
  });
}
