/**
 * The input of a bulk build (`SegmentTree.build`): the whole domain as
 * segments in address order, holes included, free neighbours coalesced.
 * `IntervalTree.fromSorted` and `IntervalTree.fromTaken` read their inputs
 * and append ranges here in ascending order; they check the order, this only
 * tiles. Values are `(d, x)` pairs (see u64.ts); ends are exclusive.
 */
import { FREE, HOLE, VALUED } from "./SegmentTree.js";
import type { SegmentTree } from "./SegmentTree.js";
import { TWO_64 } from "./u64.js";

export class SegmentSequence {
  sD: Float64Array;
  sX: Uint16Array;
  kind: Uint8Array;
  /** Segments so far; the first is the hole from 0 until something starts there. */
  count = 1;
  /** The value of each valued segment, in sequence order (the build takes them in turn); `valued` of them are set. */
  values: unknown[];
  valued = 0;
  /** Exclusive end of the last range appended: 0 before the first, never 0 after (an end is above its start). */
  endD = 0;
  endX = 0;

  /** `segments` and `valued`: how many of each are expected (perf: a caller that knows its input size sizes the arrays once, bench "restore"). */
  constructor(segments = 64, valued = 16) {
    const n = Math.max(64, segments);
    this.sD = new Float64Array(n);
    this.sX = new Uint16Array(n);
    this.kind = new Uint8Array(n);
    this.kind[0] = HOLE;
    this.values = new Array<unknown>(Math.max(16, valued));
  }

  /** True when `(d, x)` is below the end of the last range appended. */
  before(d: number, x: number): boolean {
    return d < this.endD || (d === this.endD && x < this.endX);
  }

  /**
   * Appends `[s, n)` of kind `t` (FREE, ALLOCATED or VALUED with `value`),
   * starting at or after the end of the last one: a gap becomes a hole, a free
   * range right after a free one extends it.
   */
  append(sD: number, sX: number, nD: number, nX: number, t: number, value: unknown): void {
    const gap = sD !== this.endD || sX !== this.endX;
    if (gap && this.kind[this.count - 1] !== HOLE) this.push(this.endD, this.endX, HOLE);
    if (gap || t !== FREE || this.kind[this.count - 1] !== FREE) {
      if (this.count === 1 && sD === 0 && sX === 0) this.kind[0] = t;
      else this.push(sD, sX, t);
      if (t === VALUED) {
        if (this.valued === this.values.length) this.values.length *= 2;
        this.values[this.valued++] = value;
      }
    }
    this.endD = nD;
    this.endX = nX;
  }

  /** Builds `k` from the sequence (the domain after the last range is a hole). */
  buildInto(k: SegmentTree): void {
    if (this.endD !== 0 && this.endD !== TWO_64) this.push(this.endD, this.endX, HOLE);
    k.build(this.count, this.sD, this.sX, this.kind, this.values, this.valued);
  }

  private push(d: number, x: number, t: number): void {
    const n = this.count;
    if (n === this.sD.length) {
      const a = new Float64Array(2 * n);
      a.set(this.sD);
      this.sD = a;
      const b = new Uint16Array(2 * n);
      b.set(this.sX);
      this.sX = b;
      const c = new Uint8Array(2 * n);
      c.set(this.kind);
      this.kind = c;
    }
    this.sD[n] = d;
    this.sX[n] = x;
    this.kind[n] = t;
    this.count = n + 1;
  }
}
