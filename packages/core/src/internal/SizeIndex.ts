// The path from the root of the last descent (AVL height stays far below 64).
// Shared by every index: a descent runs to its end before any other starts.
const PATH = new Int32Array(64);

/**
 * The best-fit index: every free segment of a pool as a key
 * `(length, start)` in an AVL tree stored in typed arrays, values in the
 * kernel's `(d, x)` form (see u64.ts).
 *
 * It is created empty with its pool (one stable shape) and switched on by the
 * first best-fit request, which fills it in O(n log n); from then on the
 * kernel reports every free segment that appears or goes, O(log n) each.
 * Keys are unique because starts are. Best fit walks the keys upwards from
 * the first long-enough length (`seek`, then `advance`) and stops at the first
 * segment that fits. Insert and remove retrace a preallocated path stack; no
 * recursion.
 */
import { lessDX, OUT, fromBig, toBig, TWO_53 } from "./u64.js";

const NIL = 0;

export class SizeIndex {
  size = 0;
  private lenD: Float64Array;
  private lenX: Uint16Array;
  private startD: Float64Array;
  private startX: Uint16Array;
  private left: Int32Array;
  private right: Int32Array;
  private height: Uint8Array;
  private root = NIL;
  /** The cursor of `seek`/`advance`: the segment `[curS, curN)`, of length curL. */
  curSD = -0;
  curSX = 0;
  curND = -0;
  curNX = 0;
  private curLD = -0;
  private curLX = 0;
  private next = 1;
  private released = NIL;
  // The key being inserted, removed or searched.
  private kLD = 0;
  private kLX = 0;
  private kSD = 0;
  private kSX = 0;

  constructor(capacity: number) {
    const cap = Math.max(2, capacity);
    this.lenD = new Float64Array(cap);
    this.lenX = new Uint16Array(cap);
    this.startD = new Float64Array(cap);
    this.startX = new Uint16Array(cap);
    this.left = new Int32Array(cap);
    this.right = new Int32Array(cap);
    this.height = new Uint8Array(cap);
  }

  /** Adds the free segment `[s, n)`. */
  add(sD: number, sX: number, nD: number, nX: number): void {
    this.setKey(sD, sX, nD, nX);
    let depth = 0;
    let goLeft = false;
    for (let x = this.root; x !== NIL; ) {
      PATH[depth++] = x;
      goLeft = this.cmp(x) < 0;
      x = goLeft ? this.left[x]! : this.right[x]!;
    }
    const n = this.newNode(); // may grow the arrays: link after it
    if (depth === 0) this.root = n;
    else if (goLeft) this.left[PATH[depth - 1]!] = n;
    else this.right[PATH[depth - 1]!] = n;
    this.retrace(depth);
    this.size++;
  }

  /** Removes the free segment `[s, n)`, which is in the index. */
  remove(sD: number, sX: number, nD: number, nX: number): void {
    this.setKey(sD, sX, nD, nX);
    let depth = 0;
    let x = this.root;
    for (;;) {
      if (x === NIL) throw new Error("IntervalTree invariant broken: size index lost a free segment");
      const c = this.cmp(x);
      if (c === 0) break;
      PATH[depth++] = x;
      x = c < 0 ? this.left[x]! : this.right[x]!;
    }
    let target = x;
    if (this.left[x] !== NIL && this.right[x] !== NIL) {
      // Two children: x takes its successor's key, and the successor's node goes instead.
      PATH[depth++] = x;
      let m = this.right[x]!;
      while (this.left[m] !== NIL) {
        PATH[depth++] = m;
        m = this.left[m]!;
      }
      this.lenD[x] = this.lenD[m]!;
      this.lenX[x] = this.lenX[m]!;
      this.startD[x] = this.startD[m]!;
      this.startX[x] = this.startX[m]!;
      target = m;
    }
    const child = this.left[target] !== NIL ? this.left[target]! : this.right[target]!;
    if (depth === 0) {
      this.root = child;
    } else {
      const p = PATH[depth - 1]!;
      if (this.left[p] === target) this.left[p] = child;
      else this.right[p] = child;
    }
    this.left[target] = this.released;
    this.released = target;
    this.retrace(depth);
    this.size--;
  }

  /** Puts the cursor on the first segment at least `(needD, needX)` long; false when there is none. */
  seek(needD: number, needX: number): boolean {
    return this.above(needD, needX, -1, 0);
  }

  /** Moves the cursor to the next segment in (length, start) order; false after the last. */
  advance(): boolean {
    return this.above(this.curLD, this.curLX, this.curSD, this.curSX);
  }

  /** Puts the cursor on the smallest key above (length l, start s). */
  private above(lD: number, lX: number, sD: number, sX: number): boolean {
    let x = this.root;
    let best = NIL;
    while (x !== NIL) {
      if (this.keyAbove(x, lD, lX, sD, sX)) {
        best = x;
        x = this.left[x]!;
      } else {
        x = this.right[x]!;
      }
    }
    if (best === NIL) return false;
    const bLD = this.lenD[best]!;
    const bLX = this.lenX[best]!;
    const bSD = this.startD[best]!;
    const bSX = this.startX[best]!;
    this.curLD = bLD;
    this.curLX = bLX;
    this.curSD = bSD;
    this.curSX = bSX;
    if (bSD + bLD < TWO_53 && bLX === 0 && bSX === 0) {
      this.curND = bSD + bLD;
      this.curNX = 0;
    } else {
      fromBig(toBig(bSD, bSX) + toBig(bLD, bLX));
      this.curND = OUT.d;
      this.curNX = OUT.x;
    }
    return true;
  }

  /** Every key as [start, end) exact, in key order (for checks). */
  keys(): [bigint, bigint][] {
    const out: [bigint, bigint][] = [];
    const stack: number[] = [];
    let x = this.root;
    while (x !== NIL || stack.length > 0) {
      while (x !== NIL) {
        stack.push(x);
        x = this.left[x]!;
      }
      x = stack.pop()!;
      const s = toBig(this.startD[x]!, this.startX[x]!);
      out.push([s, s + toBig(this.lenD[x]!, this.lenX[x]!)]);
      x = this.right[x]!;
    }
    return out;
  }

  clone(): SizeIndex {
    const c = new SizeIndex(2);
    c.size = this.size;
    c.lenD = this.lenD.slice();
    c.lenX = this.lenX.slice();
    c.startD = this.startD.slice();
    c.startX = this.startX.slice();
    c.left = this.left.slice();
    c.right = this.right.slice();
    c.height = this.height.slice();
    c.root = this.root;
    c.next = this.next;
    c.released = this.released;
    return c;
  }

  private setKey(sD: number, sX: number, nD: number, nX: number): void {
    if (nD < TWO_53) {
      this.kLD = nD - sD;
      this.kLX = 0;
    } else {
      fromBig(toBig(nD, nX) - toBig(sD, sX));
      this.kLD = OUT.d;
      this.kLX = OUT.x;
    }
    this.kSD = sD;
    this.kSX = sX;
  }

  /** Key of x > (lD, lX, sD, sX). */
  private keyAbove(x: number, lD: number, lX: number, sD: number, sX: number): boolean {
    const a = this.lenD[x]!;
    const ax = this.lenX[x]!;
    if (a !== lD || ax !== lX) return lessDX(lD, lX, a, ax);
    return lessDX(sD, sX, this.startD[x]!, this.startX[x]!);
  }

  /** Sign of (key being handled) - (key of x). */
  private cmp(x: number): number {
    if (this.keyAbove(x, this.kLD, this.kLX, this.kSD, this.kSX)) return -1;
    return this.lenD[x] === this.kLD && this.lenX[x] === this.kLX && this.startD[x] === this.kSD && this.startX[x] === this.kSX ? 0 : 1;
  }

  private newNode(): number {
    let n = this.released;
    if (n !== NIL) {
      this.released = this.left[n]!;
    } else {
      if (this.next === this.lenD.length) this.grow();
      n = this.next++;
    }
    this.lenD[n] = this.kLD;
    this.lenX[n] = this.kLX;
    this.startD[n] = this.kSD;
    this.startX[n] = this.kSX;
    this.left[n] = NIL;
    this.right[n] = NIL;
    this.height[n] = 1;
    return n;
  }

  private grow(): void {
    const cap = this.lenD.length * 2;
    const f = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const u = (a: Uint16Array): Uint16Array => {
      const b = new Uint16Array(cap);
      b.set(a);
      return b;
    };
    const i = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.lenD = f(this.lenD);
    this.startD = f(this.startD);
    this.lenX = u(this.lenX);
    this.startX = u(this.startX);
    this.left = i(this.left);
    this.right = i(this.right);
    const h = new Uint8Array(cap);
    h.set(this.height);
    this.height = h;
  }

  private h(x: number): number {
    return x === NIL ? 0 : this.height[x]!;
  }

  private fix(x: number): void {
    const a = this.h(this.left[x]!);
    const b = this.h(this.right[x]!);
    this.height[x] = (a > b ? a : b) + 1;
  }

  private rotRight(x: number): number {
    const y = this.left[x]!;
    this.left[x] = this.right[y]!;
    this.right[y] = x;
    this.fix(x);
    this.fix(y);
    return y;
  }

  private rotLeft(x: number): number {
    const y = this.right[x]!;
    this.right[x] = this.left[y]!;
    this.left[y] = x;
    this.fix(x);
    this.fix(y);
    return y;
  }

  private balance(x: number): number {
    this.fix(x);
    const bf = this.h(this.left[x]!) - this.h(this.right[x]!);
    if (bf > 1) {
      const l = this.left[x]!;
      if (this.h(this.left[l]!) < this.h(this.right[l]!)) this.left[x] = this.rotLeft(l);
      return this.rotRight(x);
    }
    if (bf < -1) {
      const r = this.right[x]!;
      if (this.h(this.right[r]!) < this.h(this.left[r]!)) this.right[x] = this.rotRight(r);
      return this.rotLeft(x);
    }
    return x;
  }

  /** Rebalances the first `depth` nodes of the path bottom-up, relinking each new subtree root to its parent. */
  private retrace(depth: number): void {
    for (let i = depth - 1; i >= 0; i--) {
      const x = PATH[i]!;
      const y = this.balance(x);
      if (y === x) continue;
      if (i === 0) {
        this.root = y;
      } else {
        const p = PATH[i - 1]!;
        if (this.left[p] === x) this.left[p] = y;
        else this.right[p] = y;
      }
    }
  }
}
