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
import { AllocError, Constraint, Range, toU64 } from "@alloc/constraint";
import type { ConstraintLike, RangeLike, U64Input } from "@alloc/constraint";
import type { AllocatorUnderTest, NodeState, PoolStats } from "../interfaces.js";

const ABSENT = 0;
const FREE = 1;
const ALLOCATED = 2;
const VALUED = 3;

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
  /** Number of units: the model covers `[0, cells-1]`. */
  readonly cells: number;
  private kind: Uint8Array;
  private start: Uint8Array;
  private data: Array<T | undefined>;

  constructor(cells = 256) {
    integer(1, 1 << 20)(cells, "cells");
    this.cells = cells;
    this.kind = new Uint8Array(cells);
    this.start = new Uint8Array(cells);
    this.data = new Array<T | undefined>(cells).fill(undefined);
  }

  get size(): number {
    return this.ranges().length;
  }

  isEmpty(): boolean {
    return this.kind.every((k) => k === ABSENT);
  }

  insert(range: RangeLike, data?: T): this {
    const r = Range.from(range);
    const hit = this.ranges().find((x) => x.min <= r.max && r.min <= x.max);
    if (hit !== undefined) throw new AllocError("OVERLAP", `${r} overlaps [${hit.min}, ${hit.max}]`, { range: r.toString() });
    if (r.max >= BigInt(this.cells)) throw new Error(`BitmapModel: ${r} is outside the modelled domain [0, ${this.cells - 1}]`);
    const lo = Number(r.min);
    const hi = Number(r.max);
    for (let i = lo; i <= hi; i++) {
      this.kind[i] = data === undefined ? FREE : VALUED;
      this.start[i] = 0;
      this.data[i] = undefined;
    }
    if (data !== undefined) {
      this.start[lo] = 1;
      this.data[lo] = data;
    }
    this.settle(hi + 1);
    return this;
  }

  update(range: RangeLike, data: T): T | undefined {
    const x = this.exact(range);
    if (x.kind === FREE) throw new AllocError("NOT_ALLOCATED", `[${x.min}, ${x.max}] is free`, {});
    const old = this.data[x.min];
    for (let i = x.min; i <= x.max; i++) this.kind[i] = VALUED;
    this.data[x.min] = data;
    return old;
  }

  delete(range: RangeLike): T | undefined {
    const x = this.exact(range);
    const old = this.data[x.min];
    for (let i = x.min; i <= x.max; i++) {
      this.kind[i] = ABSENT;
      this.start[i] = 0;
      this.data[i] = undefined;
    }
    return old;
  }

  get(range: RangeLike): NodeState<T> | undefined {
    const r = Range.from(range);
    const x = this.ranges().find((y) => BigInt(y.min) === r.min && BigInt(y.max) === r.max);
    return x === undefined ? undefined : this.state(x);
  }

  getSuperset(range: RangeLike): [Range, NodeState<T>] | undefined {
    const r = Range.from(range);
    const x = this.ranges().find((y) => BigInt(y.min) <= r.min && r.max <= BigInt(y.max));
    return x === undefined ? undefined : [new Range(x.min, x.max), this.state(x)];
  }

  getById(id: U64Input): T | undefined {
    const v = toU64(id, "id");
    if (v >= BigInt(this.cells)) return undefined;
    const i = Number(v);
    if (this.kind[i] !== VALUED) return undefined;
    let s = i;
    while (this.start[s] !== 1) s--;
    return this.data[s];
  }

  allocate(constraint: ConstraintLike): Range | undefined {
    const c = Constraint.from(constraint);
    if (c.size > BigInt(this.cells) || c.min >= BigInt(this.cells)) return undefined;
    const size = Number(c.size);
    const lo = Number(c.min);
    const hiWindow = c.max >= BigInt(this.cells) ? this.cells - 1 : Number(c.max);
    // Every start address that is aligned and whose `size` cells are all free.
    const fits: number[] = [];
    for (let s = lo; s + size - 1 <= hiWindow; s++) {
      if (BigInt(s) % c.align !== 0n) continue;
      let ok = true;
      for (let i = s; i < s + size; i++) {
        if (this.kind[i] !== FREE) {
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
      let bestLen = this.freeRunLength(chosen);
      for (const s of fits) {
        const len = this.freeRunLength(s);
        if (len < bestLen) {
          bestLen = len;
          chosen = s;
        }
      }
    }
    for (let i = chosen; i < chosen + size; i++) {
      this.kind[i] = ALLOCATED;
      this.start[i] = 0;
    }
    this.start[chosen] = 1;
    this.settle(chosen + size);
    return new Range(chosen, chosen + size - 1);
  }

  allocateOrThrow(constraint: ConstraintLike): Range {
    const c = Constraint.from(constraint);
    const r = this.allocate(c);
    if (r === undefined) throw new AllocError("NO_FIT", `nothing fits ${c}`, {});
    return r;
  }

  free(range: RangeLike): T | undefined {
    const x = this.exact(range);
    if (x.kind === FREE) throw new AllocError("NOT_ALLOCATED", `[${x.min}, ${x.max}] is already free`, {});
    const old = this.data[x.min];
    for (let i = x.min; i <= x.max; i++) {
      this.kind[i] = FREE;
      this.start[i] = 0;
      this.data[i] = undefined;
    }
    this.settle(x.max + 1);
    return old;
  }

  *overlapping(range: RangeLike): IterableIterator<[Range, NodeState<T>]> {
    const r = Range.from(range);
    const hits = this.ranges().filter((x) => BigInt(x.min) <= r.max && r.min <= BigInt(x.max));
    for (const x of hits) yield [new Range(x.min, x.max), this.state(x)];
  }

  *entries(): IterableIterator<[Range, NodeState<T>]> {
    for (const x of this.ranges()) yield [new Range(x.min, x.max), this.state(x)];
  }

  /** Every held range with its state, in address order (as {@link entries}). */
  [Symbol.iterator](): IterableIterator<[Range, NodeState<T>]> {
    return this.entries();
  }

  stats(): PoolStats {
    let total = 0n;
    let free = 0n;
    let largestFree = 0n;
    let freeFragments = 0;
    const all = this.ranges();
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
    for (let i = 0; i < this.cells; i++) {
      const k = this.kind[i]!;
      if (k > VALUED) throw new Error(`BitmapModel: cell ${i} has kind ${k}`);
      if ((k === FREE || k === ABSENT) && this.start[i] !== 0) throw new Error(`BitmapModel: start flag on untaken cell ${i}`);
      if ((k === ALLOCATED || k === VALUED) && this.start[i] !== 1 && this.kind[i - 1] !== k) {
        throw new Error(`BitmapModel: taken cell ${i} starts no range`);
      }
    }
  }

  clone(): BitmapModel<T> {
    const c = new BitmapModel<T>(this.cells);
    c.kind = this.kind.slice();
    c.start = this.start.slice();
    c.data = this.data.slice();
    return c;
  }

  /** After cells changed up to `next - 1`, a taken run continuing at `next` needs its own start flag. */
  private settle(next: number): void {
    if (next < this.cells && (this.kind[next] === ALLOCATED || this.kind[next] === VALUED)) this.start[next] = 1;
  }

  /** The ranges, read from the cells in address order. */
  private ranges(): Array<{ min: number; max: number; kind: number }> {
    const out: Array<{ min: number; max: number; kind: number }> = [];
    let i = 0;
    while (i < this.cells) {
      const k = this.kind[i]!;
      if (k === ABSENT) {
        i++;
        continue;
      }
      let j = i;
      while (j + 1 < this.cells && this.kind[j + 1] === k && this.start[j + 1] !== 1) j++;
      out.push({ min: i, max: j, kind: k });
      i = j + 1;
    }
    return out;
  }

  private state(x: { min: number; kind: number }): NodeState<T> {
    if (x.kind === FREE) return { kind: "free" };
    if (x.kind === ALLOCATED) return { kind: "allocated" };
    return { kind: "valued", value: this.data[x.min] as T };
  }

  private freeRunLength(s: number): number {
    let a = s;
    let b = s;
    while (a > 0 && this.kind[a - 1] === FREE) a--;
    while (b + 1 < this.cells && this.kind[b + 1] === FREE) b++;
    return b - a + 1;
  }

  private exact(range: RangeLike): { min: number; max: number; kind: number } {
    const r = Range.from(range);
    const x = this.ranges().find((y) => BigInt(y.min) === r.min && BigInt(y.max) === r.max);
    if (x === undefined) throw new AllocError("NOT_FOUND", `no range is exactly ${r}`, { range: r.toString() });
    return x;
  }
}
