/**
 * The best-fit index: the free nodes of a `RangeStore` in a second AVL tree
 * ordered by (length, first value), sharing the store's node indices.
 *
 * It exists only once a pool has been asked for a best fit (pools that never
 * use best fit pay nothing), and is then kept in step by the store each time a
 * free node appears, disappears or changes length. Insert and remove are
 * O(log n); the best-fit query is a lower-bound search on the length followed
 * by an in-order walk that stops at the first free range that fits.
 */
import { less } from "./u64.js";

/** The parts of the store the index reads. */
export interface SizeKeys {
  minHi: Uint32Array;
  minLo: Uint32Array;
  maxHi: Uint32Array;
  maxLo: Uint32Array;
}

export class SizeIndex {
  left: Int32Array;
  right: Int32Array;
  parent: Int32Array;
  height: Uint8Array;
  root = 0;
  size = 0;

  constructor(capacity: number) {
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.parent = new Int32Array(capacity);
    this.height = new Uint8Array(capacity);
  }

  /** Grows the arrays to the store's new capacity. */
  grow(capacity: number): void {
    const l = new Int32Array(capacity);
    l.set(this.left);
    this.left = l;
    const r = new Int32Array(capacity);
    r.set(this.right);
    this.right = r;
    const p = new Int32Array(capacity);
    p.set(this.parent);
    this.parent = p;
    const h = new Uint8Array(capacity);
    h.set(this.height);
    this.height = h;
  }

  clone(): SizeIndex {
    const c = new SizeIndex(0);
    c.left = this.left.slice();
    c.right = this.right.slice();
    c.parent = this.parent.slice();
    c.height = this.height.slice();
    c.root = this.root;
    c.size = this.size;
    return c;
  }

  /** True when node a orders before node b: shorter first, then lower. */
  before(k: SizeKeys, a: number, b: number): boolean {
    lengthM1(k, a);
    const aHi = lenHi;
    const aLo = lenLo;
    lengthM1(k, b);
    if (aHi !== lenHi || aLo !== lenLo) return less(aHi, aLo, lenHi, lenLo);
    return less(k.minHi[a]!, k.minLo[a]!, k.minHi[b]!, k.minLo[b]!);
  }

  insert(k: SizeKeys, n: number): void {
    this.left[n] = 0;
    this.right[n] = 0;
    this.height[n] = 1;
    let p = 0;
    let x = this.root;
    let goLeft = false;
    while (x !== 0) {
      p = x;
      goLeft = this.before(k, n, x);
      x = goLeft ? this.left[x]! : this.right[x]!;
    }
    this.parent[n] = p;
    if (p === 0) this.root = n;
    else if (goLeft) this.left[p] = n;
    else this.right[p] = n;
    this.size++;
    this.fixUp(p);
  }

  remove(z: number): void {
    const l = this.left[z]!;
    const r = this.right[z]!;
    let start: number;
    if (l !== 0 && r !== 0) {
      let y = r;
      while (this.left[y] !== 0) y = this.left[y]!;
      if (y !== r) {
        const yp = this.parent[y]!;
        const yr = this.right[y]!;
        this.left[yp] = yr;
        if (yr !== 0) this.parent[yr] = yp;
        this.right[y] = r;
        this.parent[r] = y;
        start = yp;
      } else {
        start = y;
      }
      this.left[y] = l;
      this.parent[l] = y;
      const zp = this.parent[z]!;
      this.parent[y] = zp;
      this.replaceChild(zp, z, y);
    } else {
      const child = l !== 0 ? l : r;
      const p = this.parent[z]!;
      if (child !== 0) this.parent[child] = p;
      this.replaceChild(p, z, child);
      start = p;
    }
    this.left[z] = 0;
    this.right[z] = 0;
    this.parent[z] = 0;
    this.height[z] = 0;
    this.size--;
    this.fixUp(start);
  }

  /** The first node, in (length, min) order, whose length is at least `sizeM1 + 1`, or 0. */
  lowerBound(k: SizeKeys, sizeM1Hi: number, sizeM1Lo: number): number {
    let x = this.root;
    let best = 0;
    while (x !== 0) {
      lengthM1(k, x);
      if (less(lenHi, lenLo, sizeM1Hi, sizeM1Lo)) {
        x = this.right[x]!;
      } else {
        best = x;
        x = this.left[x]!;
      }
    }
    return best;
  }

  successor(x: number): number {
    let r = this.right[x]!;
    if (r !== 0) {
      while (this.left[r] !== 0) r = this.left[r]!;
      return r;
    }
    let p = this.parent[x]!;
    while (p !== 0 && this.right[p] === x) {
      x = p;
      p = this.parent[p]!;
    }
    return p;
  }

  /** Throws unless the index holds exactly `expected` nodes, ordered and balanced. */
  check(k: SizeKeys, expected: number): void {
    let count = 0;
    const verify = (n: number, parent: number): number => {
      if (n === 0) return 0;
      if (this.parent[n] !== parent) throw new Error(`IntervalTree invariant broken: size index parent link of node ${n}`);
      const hl = verify(this.left[n]!, n);
      const hr = verify(this.right[n]!, n);
      if (Math.abs(hl - hr) > 1 || this.height[n] !== Math.max(hl, hr) + 1) throw new Error(`IntervalTree invariant broken: size index balance at node ${n}`);
      if (this.left[n] !== 0 && !this.before(k, this.left[n]!, n)) throw new Error(`IntervalTree invariant broken: size index order at node ${n}`);
      if (this.right[n] !== 0 && !this.before(k, n, this.right[n]!)) throw new Error(`IntervalTree invariant broken: size index order at node ${n}`);
      count++;
      return this.height[n]!;
    };
    verify(this.root, 0);
    if (count !== expected || this.size !== expected) throw new Error(`IntervalTree invariant broken: size index holds ${count} nodes, expected ${expected}`);
  }

  private replaceChild(p: number, old: number, child: number): void {
    if (p === 0) this.root = child;
    else if (this.left[p] === old) this.left[p] = child;
    else this.right[p] = child;
  }

  private update(n: number): void {
    const hl = this.height[this.left[n]!]!;
    const hr = this.height[this.right[n]!]!;
    this.height[n] = (hl > hr ? hl : hr) + 1;
  }

  private rotateLeft(x: number): number {
    const y = this.right[x]!;
    const b = this.left[y]!;
    this.right[x] = b;
    if (b !== 0) this.parent[b] = x;
    const p = this.parent[x]!;
    this.parent[y] = p;
    this.replaceChild(p, x, y);
    this.left[y] = x;
    this.parent[x] = y;
    this.update(x);
    this.update(y);
    return y;
  }

  private rotateRight(x: number): number {
    const y = this.left[x]!;
    const b = this.right[y]!;
    this.left[x] = b;
    if (b !== 0) this.parent[b] = x;
    const p = this.parent[x]!;
    this.parent[y] = p;
    this.replaceChild(p, x, y);
    this.right[y] = x;
    this.parent[x] = y;
    this.update(x);
    this.update(y);
    return y;
  }

  private fixUp(n: number): void {
    while (n !== 0) {
      this.update(n);
      const l = this.left[n]!;
      const r = this.right[n]!;
      const bf = this.height[l]! - this.height[r]!;
      if (bf > 1) {
        if (this.height[this.left[l]!]! < this.height[this.right[l]!]!) this.rotateLeft(l);
        n = this.rotateRight(n);
      } else if (bf < -1) {
        if (this.height[this.right[r]!]! < this.height[this.left[r]!]!) this.rotateRight(r);
        n = this.rotateLeft(n);
      }
      n = this.parent[n]!;
    }
  }
}

let lenHi = 0;
let lenLo = 0;

/** `max - min` of node n into lenHi/lenLo. */
function lengthM1(k: SizeKeys, n: number): void {
  let lo = k.maxLo[n]! - k.minLo[n]!;
  let hi = k.maxHi[n]! - k.minHi[n]!;
  if (lo < 0) {
    lo += 4294967296;
    hi -= 1;
  }
  lenHi = hi;
  lenLo = lo;
}
