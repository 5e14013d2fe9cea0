/**
 * `BitmapModel`: the reference allocator for small domains.
 *
 * Representation: one cell per unit of `[0, cells-1]`, each absent, free,
 * allocated or valued, plus a "starts a range" flag so that two taken ranges
 * side by side stay distinct. A range of the pool is read back from the cells:
 * a maximal run of free cells is one free range (so free space is coalesced by
 * construction), a taken range runs from its start flag to the next start or
 * state change. Allocation tries every start address, one by one. Nothing here
 * resembles a tree. Costs O(cells) per call, O(cells * size) per allocation.
 *
 * Ranges that reach past the modelled domain cannot be inserted (the model
 * throws a plain Error: the harness must not generate them); lookups there
 * simply find nothing.
 */
import { integer } from "../internal/inputs.js";
import { AllocError, Constraint, Range, refuseThis, toU64 } from "@alloc/constraint";
import type { ConstraintLike, RangeLike, U64Input } from "@alloc/constraint";
import type { AllocatorUnderTest, NodeState, PoolStats } from "../interfaces.js";

const ABSENT = 0;
const FREE = 1;
const ALLOCATED = 2;
const VALUED = 3;

// The cells of a real BitmapModel; anything else is refused as `this`.
let cellsOf: <T>(model: unknown) => Cells<T>;

/**
 * Cell-per-unit reference model of `IntervalTree` over `[0, cells-1]`.
 *
 * @example
 * ```ts
 * const m = new BitmapModel<string>(256);
 * m.insert({ min: 0, max: 255 });
 * m.allocate({ size: 4, align: 4, policy: "last-match" }); // [252, 255]
 * ```
 */
export class BitmapModel<T = unknown> implements AllocatorUnderTest<T> {
  #c: Cells<T>;

  /** @param cells The number of units: the model covers `[0, cells-1]` (an integer in `1..2^20`). */
  constructor(cells = 256) {
    integer(1, 1 << 20)(cells, "cells");
    this.#c = { cells, kind: new Uint8Array(cells), start: new Uint8Array(cells), data: new Array<T | undefined>(cells).fill(undefined) };
  }

  /** Number of units: the model covers `[0, cells-1]`. */
  get cells(): number {
    return cellsOf(this).cells;
  }

  get size(): number {
    const st = cellsOf<T>(this);
    return ranges(st).length;
  }

  isEmpty(): boolean {
    const st = cellsOf<T>(this);
    return st.kind.every((k) => k === ABSENT);
  }

  insert(range: RangeLike, data?: T): this {
    const st = cellsOf<T>(this);
    const r = Range.from(range);
    const hit = ranges(st).find((x) => x.min <= r.max && r.min <= x.max);
    if (hit !== undefined) throw new AllocError("OVERLAP", `${r} overlaps [${hit.min}, ${hit.max}]`, { range: r.toString() });
    if (r.max >= BigInt(st.cells)) throw new Error(`BitmapModel: ${r} is outside the modelled domain [0, ${st.cells - 1}]`);
    const lo = Number(r.min);
    const hi = Number(r.max);
    for (let i = lo; i <= hi; i++) {
      st.kind[i] = data === undefined ? FREE : VALUED;
      st.start[i] = 0;
      st.data[i] = undefined;
    }
    if (data !== undefined) {
      st.start[lo] = 1;
      st.data[lo] = data;
    }
    settle(st, hi + 1);
    return this;
  }

  update(range: RangeLike, data: T): T | undefined {
    const st = cellsOf<T>(this);
    const x = exact(st, range);
    if (x.kind === FREE) throw new AllocError("NOT_ALLOCATED", `[${x.min}, ${x.max}] is free`, {});
    const old = st.data[x.min];
    for (let i = x.min; i <= x.max; i++) st.kind[i] = VALUED;
    st.data[x.min] = data;
    return old;
  }

  delete(range: RangeLike): T | undefined {
    const st = cellsOf<T>(this);
    const x = exact(st, range);
    const old = st.data[x.min];
    for (let i = x.min; i <= x.max; i++) {
      st.kind[i] = ABSENT;
      st.start[i] = 0;
      st.data[i] = undefined;
    }
    return old;
  }

  get(range: RangeLike): NodeState<T> | undefined {
    const st = cellsOf<T>(this);
    const r = Range.from(range);
    const x = ranges(st).find((y) => BigInt(y.min) === r.min && BigInt(y.max) === r.max);
    return x === undefined ? undefined : state(st, x);
  }

  getSuperset(range: RangeLike): [Range, NodeState<T>] | undefined {
    const st = cellsOf<T>(this);
    const r = Range.from(range);
    const x = ranges(st).find((y) => BigInt(y.min) <= r.min && r.max <= BigInt(y.max));
    return x === undefined ? undefined : [new Range(x.min, x.max), state(st, x)];
  }

  getById(id: U64Input): T | undefined {
    const st = cellsOf<T>(this);
    const v = toU64(id, "id");
    if (v >= BigInt(st.cells)) return undefined;
    const i = Number(v);
    if (st.kind[i] !== VALUED) return undefined;
    let s = i;
    while (st.start[s] !== 1) s--;
    return st.data[s];
  }

  allocate(constraint: ConstraintLike): Range | undefined {
    const st = cellsOf<T>(this);
    const c = Constraint.from(constraint);
    if (c.size > BigInt(st.cells) || c.min >= BigInt(st.cells)) return undefined;
    const size = Number(c.size);
    const lo = Number(c.min);
    const hiWindow = c.max >= BigInt(st.cells) ? st.cells - 1 : Number(c.max);
    // Every start address that is aligned and whose `size` cells are all free.
    const fits: number[] = [];
    for (let s = lo; s + size - 1 <= hiWindow; s++) {
      if (BigInt(s) % c.align !== 0n) continue;
      let ok = true;
      for (let i = s; i < s + size; i++) {
        if (st.kind[i] !== FREE) {
          ok = false;
          break;
        }
      }
      if (ok) fits.push(s);
    }
    if (fits.length === 0) return undefined;
    let chosen: number;
    if (c.policy === "first-match") chosen = fits[0]!;
    else if (c.policy === "last-match") chosen = fits[fits.length - 1]!;
    else {
      chosen = fits[0]!;
      let bestLen = freeRunLength(st, chosen);
      for (const s of fits) {
        const len = freeRunLength(st, s);
        if (len < bestLen) {
          bestLen = len;
          chosen = s;
        }
      }
    }
    for (let i = chosen; i < chosen + size; i++) {
      st.kind[i] = ALLOCATED;
      st.start[i] = 0;
    }
    st.start[chosen] = 1;
    settle(st, chosen + size);
    return new Range(chosen, chosen + size - 1);
  }

  allocateOrThrow(constraint: ConstraintLike): Range {
    cellsOf(this);
    const c = Constraint.from(constraint);
    const r = this.allocate(c);
    if (r === undefined) throw new AllocError("NO_FIT", `nothing fits ${c}`, {});
    return r;
  }

  free(range: RangeLike): T | undefined {
    const st = cellsOf<T>(this);
    const x = exact(st, range);
    if (x.kind === FREE) throw new AllocError("NOT_ALLOCATED", `[${x.min}, ${x.max}] is already free`, {});
    const old = st.data[x.min];
    for (let i = x.min; i <= x.max; i++) {
      st.kind[i] = FREE;
      st.start[i] = 0;
      st.data[i] = undefined;
    }
    settle(st, x.max + 1);
    return old;
  }

  overlapping(range: RangeLike): IterableIterator<[Range, NodeState<T>]> {
    const st = cellsOf<T>(this);
    const r = Range.from(range);
    return yieldAll(
      st,
      ranges(st).filter((x) => BigInt(x.min) <= r.max && r.min <= BigInt(x.max)),
    );
  }

  entries(): IterableIterator<[Range, NodeState<T>]> {
    const st = cellsOf<T>(this);
    return yieldAll(st, ranges(st));
  }

  /** Every held range with its state, in address order (as {@link entries}). */
  [Symbol.iterator](): IterableIterator<[Range, NodeState<T>]> {
    const st = cellsOf<T>(this);
    return yieldAll(st, ranges(st));
  }

  stats(): PoolStats {
    const st = cellsOf<T>(this);
    let total = 0n;
    let free = 0n;
    let largestFree = 0n;
    let freeFragments = 0;
    const all = ranges(st);
    for (const x of all) {
      const n = BigInt(x.max - x.min + 1);
      total += n;
      if (x.kind === FREE) {
        free += n;
        freeFragments++;
        if (n > largestFree) largestFree = n;
      }
    }
    return { total, free, allocated: total - free, largestFree, freeFragments, ranges: all.length };
  }

  checkInvariants(): void {
    const st = cellsOf<T>(this);
    for (let i = 0; i < st.cells; i++) {
      const k = st.kind[i]!;
      if (k > VALUED) throw new Error(`BitmapModel: cell ${i} has kind ${k}`);
      if ((k === FREE || k === ABSENT) && st.start[i] !== 0) throw new Error(`BitmapModel: start flag on untaken cell ${i}`);
      if ((k === ALLOCATED || k === VALUED) && st.start[i] !== 1 && st.kind[i - 1] !== k) {
        throw new Error(`BitmapModel: taken cell ${i} starts no range`);
      }
    }
  }

  clone(): BitmapModel<T> {
    const st = cellsOf<T>(this);
    const copy = new BitmapModel<T>(st.cells);
    copy.#c = { cells: st.cells, kind: st.kind.slice(), start: st.start.slice(), data: st.data.slice() };
    return copy;
  }

  static {
    cellsOf = <T>(model: unknown): Cells<T> =>
      typeof model === "object" && model !== null && #c in model ? ((model as BitmapModel<unknown>).#c as Cells<T>) : refuseThis("a BitmapModel", model);
  }
}

/** The cells of a model (see the module comment). */
interface Cells<T> {
  readonly cells: number;
  readonly kind: Uint8Array;
  readonly start: Uint8Array;
  readonly data: Array<T | undefined>;
}

/** A range read back from the cells. */
interface CellRange {
  readonly min: number;
  readonly max: number;
  readonly kind: number;
}

/** After cells changed up to `next - 1`, a taken run continuing at `next` needs its own start flag. */
function settle(st: Cells<unknown>, next: number): void {
  if (next < st.cells && (st.kind[next] === ALLOCATED || st.kind[next] === VALUED)) st.start[next] = 1;
}

/** The ranges, read from the cells in address order. */
function ranges(st: Cells<unknown>): CellRange[] {
  const out: CellRange[] = [];
  let i = 0;
  while (i < st.cells) {
    const k = st.kind[i]!;
    if (k === ABSENT) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < st.cells && st.kind[j + 1] === k && st.start[j + 1] !== 1) j++;
    out.push({ min: i, max: j, kind: k });
    i = j + 1;
  }
  return out;
}

function state<T>(st: Cells<T>, x: CellRange): NodeState<T> {
  if (x.kind === FREE) return { kind: "free" };
  if (x.kind === ALLOCATED) return { kind: "allocated" };
  return { kind: "valued", value: st.data[x.min] as T };
}

/** `list` as fresh `[Range, state]` pairs (states read as each is yielded). */
function* yieldAll<T>(st: Cells<T>, list: readonly CellRange[]): IterableIterator<[Range, NodeState<T>]> {
  for (const x of list) yield [new Range(x.min, x.max), state(st, x)];
}

function freeRunLength(st: Cells<unknown>, s: number): number {
  let a = s;
  let b = s;
  while (a > 0 && st.kind[a - 1] === FREE) a--;
  while (b + 1 < st.cells && st.kind[b + 1] === FREE) b++;
  return b - a + 1;
}

function exact(st: Cells<unknown>, range: RangeLike): CellRange {
  const r = Range.from(range);
  const x = ranges(st).find((y) => BigInt(y.min) === r.min && BigInt(y.max) === r.max);
  if (x === undefined) throw new AllocError("NOT_FOUND", `no range is exactly ${r}`, { range: r.toString() });
  return x;
}
