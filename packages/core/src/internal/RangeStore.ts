/**
 * The kernel of `IntervalTree`: an AVL tree of non-overlapping ranges keyed by
 * their first value, stored as a struct of typed arrays.
 *
 * Representation: node `i` is `[min_i, max_i]` with 32-bit halves in
 * `minHi/minLo/maxHi/maxLo`, links `left/right/parent` (0 is the nil sentinel),
 * `height`, and `state` (FREE, ALLOCATED, VALUED). Released nodes form a free
 * list threaded through `left`. A node keeps its index for its whole life:
 * deletion relinks nodes, it never moves contents, so callers may hold indices.
 *
 * Augmentation: `blk` is 1 + log2 of the largest naturally aligned power-of-two
 * block inside any free node of the subtree (0 when there is none). A request
 * of size S aligned to A needs such a block of min(A, largest power of two
 * <= S), so subtrees without one are skipped too; when S == A (a BAR, a page,
 * the usual VMM request) that test is exact and first/last match never visit
 * a long-but-misaligned range.
 *
 * `run` is the largest `max - min` of any free node in the
 * subtree as a float64 (-1 when there is none): exact below 2^53, correctly
 * rounded above. Rounding is monotonic, so pruning with it never skips a fit;
 * every fit is then checked exactly on the 32-bit halves. A subtree whose largest free
 * run is shorter than the request cannot hold it and is skipped, which makes
 * first- and last-match O(log n) whenever the first run that is long enough
 * also fits (always when `run >= size + align - 1`); every run that is long
 * enough but cannot fit for alignment or window costs one more O(log n) step.
 *
 * Invariants (checked by `check()`, never on the hot path): in-order sorted by
 * `min` with `max_i < min_next`; AVL balance |h(l) - h(r)| <= 1 with correct
 * heights; parent links consistent; augmentation exact; no two free nodes
 * adjacent (`max + 1 == next.min`); counters match the nodes.
 */
import { SizeIndex } from "./SizeIndex.js";
import { TWO_32, add, alignDown, alignUp, isSuccessor, less, outHi, outLo, sub } from "./u64.js";

export const FREE = 0;
export const ALLOCATED = 1;
export const VALUED = 2;

const STACK_DEPTH = 128;

export class RangeStore {
  minHi: Uint32Array;
  minLo: Uint32Array;
  maxHi: Uint32Array;
  maxLo: Uint32Array;
  left: Int32Array;
  right: Int32Array;
  parent: Int32Array;
  /** AVL height in the low byte, `blk` in the high byte: one read gives both. */
  meta: Uint16Array;
  state: Uint8Array;
  run: Float64Array;
  /** The node's own `blk` term: its block if it is free, else 0 (kept by the setters). */
  ownBlk: Uint8Array;

  root = 0;
  /** The best-fit index, built on the first best-fit request. */
  sizeIndex: SizeIndex | null = null;
  /** Live nodes. */
  count = 0;
  /** Live free nodes. */
  freeNodes = 0;
  /** Sum of all lengths and of free lengths, as (hi, lo) with hi possibly 2^32. */
  totalHi = 0;
  totalLo = 0;
  freeHi = 0;
  freeLo = 0;

  private capacity: number;
  private released = 0;
  private next = 1;
  private readonly stack = new Int32Array(STACK_DEPTH);

  // The request being served, copied once per allocation.
  private cMinHi = 0;
  private cMinLo = 0;
  private cMaxHi = 0;
  private cMaxLo = 0;
  private cAlignHi = 0;
  private cAlignLo = 1;
  private cSizeM1Hi = 0;
  private cSizeM1Lo = 0;
  /** size - 1 as a float64 (rounded like `run`), compared with `run` to prune. */
  private cNeed = 0;
  /** 1 + log2 of the aligned block every fit must contain, compared with `blk`. */
  private cBlk = 0;
  /** The node being tested, clipped to the window (set by `clip`). */
  private clipLoHi = 0;
  private clipLoLo = 0;
  private clipHiHi = 0;
  private clipHiLo = 0;
  /** Start of the fit found by `fitsFirst`/`fitsLast`. */
  private fitHi = 0;
  private fitLo = 0;

  constructor(initialCapacity: number) {
    const cap = Math.max(8, initialCapacity | 0) + 1;
    this.capacity = cap;
    this.minHi = new Uint32Array(cap);
    this.minLo = new Uint32Array(cap);
    this.maxHi = new Uint32Array(cap);
    this.maxLo = new Uint32Array(cap);
    this.left = new Int32Array(cap);
    this.right = new Int32Array(cap);
    this.parent = new Int32Array(cap);
    this.meta = new Uint16Array(cap);
    this.state = new Uint8Array(cap);
    this.run = new Float64Array(cap).fill(-1);
    this.ownBlk = new Uint8Array(cap);
  }

  // ---------------------------------------------------------------- storage

  private grow(): void {
    const cap = Math.ceil(this.capacity * 1.5);
    this.minHi = copyU32(this.minHi, cap);
    this.minLo = copyU32(this.minLo, cap);
    this.maxHi = copyU32(this.maxHi, cap);
    this.maxLo = copyU32(this.maxLo, cap);
    this.left = copyI32(this.left, cap);
    this.right = copyI32(this.right, cap);
    this.parent = copyI32(this.parent, cap);
    const meta = new Uint16Array(cap);
    meta.set(this.meta);
    this.meta = meta;
    this.state = copyU8(this.state, cap);
    const run = new Float64Array(cap).fill(-1);
    run.set(this.run);
    this.run = run;
    this.ownBlk = copyU8(this.ownBlk, cap);
    this.sizeIndex?.grow(cap);
    this.capacity = cap;
  }

  /** A detached leaf holding `[min, max]` in `state`; counters updated. */
  newNode(minHi: number, minLo: number, maxHi: number, maxLo: number, state: number): number {
    let n = this.released;
    if (n !== 0) {
      this.released = this.left[n]!;
    } else {
      if (this.next === this.capacity) this.grow();
      n = this.next++;
    }
    this.minHi[n] = minHi;
    this.minLo[n] = minLo;
    this.maxHi[n] = maxHi;
    this.maxLo[n] = maxLo;
    this.left[n] = 0;
    this.right[n] = 0;
    this.parent[n] = 0;
    this.meta[n] = 1;
    this.state[n] = state;
    this.count++;
    if (state === FREE) this.noteFree(n, 1);
    this.recompute(n);
    return n;
  }

  private release(n: number): void {
    this.count--;
    if (this.state[n] === FREE) this.noteFree(n, -1);
    this.left[n] = this.released;
    this.right[n] = 0;
    this.parent[n] = 0;
    this.run[n] = -1;
    this.ownBlk[n] = 0;
    this.meta[n] = 0;
    this.released = n;
  }

  // The length sums are kept as hi * 2^32 + lo with both parts unnormalised
  // integers (lo may go negative or past 2^32); lo is folded into hi before it
  // could lose precision. They change only when space enters or leaves the
  // pool (insert, delete) or changes hands (allocate, free): splits and merges
  // move no units, so the hot paths adjust each sum once. perf: bench W1, W2.

  /** Adds (sign 1) or removes (sign -1) the length of `[min, max]` to the total. */
  countTotal(minHi: number, minLo: number, maxHi: number, maxLo: number, sign: number): void {
    this.totalHi += sign * (maxHi - minHi);
    const lo = this.totalLo + sign * (maxLo - minLo + 1);
    if (lo > FOLD || lo < -FOLD) {
      const carry = Math.floor(lo / TWO_32);
      this.totalHi += carry;
      this.totalLo = lo - carry * TWO_32;
    } else {
      this.totalLo = lo;
    }
  }

  /** Adds (sign 1) or removes (sign -1) the length of `[min, max]` to the free total. */
  countFree(minHi: number, minLo: number, maxHi: number, maxLo: number, sign: number): void {
    this.freeHi += sign * (maxHi - minHi);
    const lo = this.freeLo + sign * (maxLo - minLo + 1);
    if (lo > FOLD || lo < -FOLD) {
      const carry = Math.floor(lo / TWO_32);
      this.freeHi += carry;
      this.freeLo = lo - carry * TWO_32;
    } else {
      this.freeLo = lo;
    }
  }

  /** A free node n appears (sign 1) or goes or is about to change (sign -1): count, own block, size index. */
  private noteFree(n: number, sign: number): void {
    this.freeNodes += sign;
    // Every change of a free node's extent passes here (-1 before, +1 after).
    this.ownBlk[n] = sign > 0 ? blockOf(this.minHi[n]!, this.minLo[n]!, this.maxHi[n]!, this.maxLo[n]!) : 0;
    const index = this.sizeIndex;
    if (index !== null) {
      if (sign < 0) index.remove(n);
      else index.insert(this, n);
    }
  }

  // ------------------------------------------------------------ AVL balance

  /** Recomputes height, largest free run and largest aligned block of n from its children. */
  private recompute(n: number): void {
    const l = this.left[n]!;
    const r = this.right[n]!;
    const ml = this.meta[l]!;
    const mr = this.meta[r]!;
    const hl = ml & 0xff;
    const hr = mr & 0xff;
    let block = this.ownBlk[n]!;
    if (ml >> 8 > block) block = ml >> 8;
    if (mr >> 8 > block) block = mr >> 8;
    this.meta[n] = ((hl > hr ? hl : hr) + 1) | (block << 8);
    let best = this.state[n] === FREE ? runOf(this.maxHi[n]! - this.minHi[n]!, this.maxLo[n]! - this.minLo[n]!) : -1;
    const rl = this.run[l]!;
    const rr = this.run[r]!;
    if (rl > best) best = rl;
    if (rr > best) best = rr;
    this.run[n] = best;
  }

  private replaceChild(p: number, old: number, child: number): void {
    if (p === 0) this.root = child;
    else if (this.left[p] === old) this.left[p] = child;
    else this.right[p] = child;
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
    this.recompute(x);
    this.recompute(y);
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
    this.recompute(x);
    this.recompute(y);
    return y;
  }

  /** The AVL height of node n (0 for nil). */
  heightOf(n: number): number {
    return this.meta[n]! & 0xff;
  }

  /** Recomputes n and restores balance there; returns the subtree's new root. */
  private rebalance(n: number): number {
    this.recompute(n);
    const l = this.left[n]!;
    const r = this.right[n]!;
    const bf = this.heightOf(l) - this.heightOf(r);
    if (bf > 1) {
      if (this.heightOf(this.left[l]!) < this.heightOf(this.right[l]!)) this.rotateLeft(l);
      return this.rotateRight(n);
    }
    if (bf < -1) {
      if (this.heightOf(this.right[r]!) < this.heightOf(this.left[r]!)) this.rotateRight(r);
      return this.rotateLeft(n);
    }
    return n;
  }

  /**
   * Restores heights, augmentation and balance from n towards the root. Every
   * node up to and including `through` is recomputed; above it the walk stops
   * at the first node whose height and largest free run did not change.
   */
  fixUp(n: number, through = 0): void {
    // perf: one tight loop with the arrays in locals, and the early stop,
    // make the walk cheap and O(1) amortised when nothing changes (bench W1-W3).
    const left = this.left;
    const right = this.right;
    const meta = this.meta;
    const state = this.state;
    const run = this.run;
    const ownBlk = this.ownBlk;
    const parent = this.parent;
    let pending = through !== 0;
    while (n !== 0) {
      const l = left[n]!;
      const r = right[n]!;
      const ml = meta[l]!;
      const mr = meta[r]!;
      const hl = ml & 0xff;
      const hr = mr & 0xff;
      if (hl > hr + 1 || hr > hl + 1) {
        if (n === through) pending = false;
        n = parent[this.rebalance(n)]!;
        continue;
      }
      let block = ownBlk[n]!;
      if (ml >> 8 > block) block = ml >> 8;
      if (mr >> 8 > block) block = mr >> 8;
      const m = ((hl > hr ? hl : hr) + 1) | (block << 8);
      let best = state[n] === FREE ? runOf(this.maxHi[n]! - this.minHi[n]!, this.maxLo[n]! - this.minLo[n]!) : -1;
      const rl = run[l]!;
      const rr = run[r]!;
      if (rl > best) best = rl;
      if (rr > best) best = rr;
      if (pending) {
        if (n === through) pending = false;
      } else if (m === meta[n] && best === run[n]) {
        return;
      }
      meta[n] = m;
      run[n] = best;
      n = parent[n]!;
    }
  }

  // -------------------------------------------------------------- structure

  /** Links a detached node into the tree by its `min`; the caller has ruled out overlap. */
  link(n: number): void {
    const kHi = this.minHi[n]!;
    const kLo = this.minLo[n]!;
    let p = 0;
    let x = this.root;
    let goLeft = false;
    while (x !== 0) {
      p = x;
      goLeft = less(kHi, kLo, this.minHi[x]!, this.minLo[x]!);
      x = goLeft ? this.left[x]! : this.right[x]!;
    }
    this.parent[n] = p;
    if (p === 0) this.root = n;
    else if (goLeft) this.left[p] = n;
    else this.right[p] = n;
    this.fixUp(p);
  }

  /**
   * Links every node of an empty store, created by `newNode` in ascending
   * address order (indices 1 .. count), as a balanced tree in O(n): each
   * subtree's root is the middle of its index span, so sibling heights differ
   * by at most one. The caller has checked order, disjointness and coalescing.
   */
  buildSorted(): void {
    const n = this.next - 1;
    this.root = 0;
    if (n === 0) return;
    // Depth-first over index spans (lo, hi, parent) with an explicit stack: at
    // most one pending sibling per level, so 64 levels is more than enough.
    const spans = new Int32Array(3 * 66);
    const order = new Int32Array(n);
    let top = 1;
    let k = 0;
    spans[0] = 1;
    spans[1] = n;
    spans[2] = 0;
    while (top > 0) {
      top--;
      const lo = spans[3 * top]!;
      const hi = spans[3 * top + 1]!;
      const p = spans[3 * top + 2]!;
      const mid = (lo + hi) >>> 1;
      this.parent[mid] = p;
      this.left[mid] = 0;
      this.right[mid] = 0;
      if (p === 0) this.root = mid;
      else if (mid < p) this.left[p] = mid;
      else this.right[p] = mid;
      order[k++] = mid;
      if (lo < mid) {
        spans[3 * top] = lo;
        spans[3 * top + 1] = mid - 1;
        spans[3 * top + 2] = mid;
        top++;
      }
      if (mid < hi) {
        spans[3 * top] = mid + 1;
        spans[3 * top + 1] = hi;
        spans[3 * top + 2] = mid;
        top++;
      }
    }
    // Pre-order reversed visits children before their parent.
    for (let i = n - 1; i >= 0; i--) this.recompute(order[i]!);
  }

  /** Links a detached node as the in-order successor of x. */
  linkAfter(x: number, n: number): void {
    let p = this.right[x]!;
    if (p === 0) {
      this.right[x] = n;
      this.parent[n] = x;
      this.fixUp(x, x);
      return;
    }
    while (this.left[p] !== 0) p = this.left[p]!;
    this.left[p] = n;
    this.parent[n] = p;
    this.fixUp(p, x);
  }

  /** Unlinks node z and releases it. Other nodes keep their indices. */
  remove(z: number): void {
    const l = this.left[z]!;
    const r = this.right[z]!;
    let start: number;
    let through = 0;
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
      through = y;
    } else {
      const child = l !== 0 ? l : r;
      const p = this.parent[z]!;
      if (child !== 0) this.parent[child] = p;
      this.replaceChild(p, z, child);
      start = p;
    }
    this.release(z);
    this.fixUp(start, through);
  }

  /** Changes the state of a linked node, keeping counters and augmentation right. */
  setState(n: number, state: number): void {
    const wasFree = this.state[n] === FREE;
    this.setStateQuiet(n, state);
    if (wasFree !== (state === FREE)) this.fixUp(n);
  }

  /** Changes the bounds of a linked node in place; the caller keeps the order intact. */
  setBounds(n: number, minHi: number, minLo: number, maxHi: number, maxLo: number): void {
    this.setBoundsQuiet(n, minHi, minLo, maxHi, maxLo);
    if (this.state[n] === FREE) this.fixUp(n);
  }

  /** Changes bounds and counters without re-walking the path (the caller fixes up through n). */
  private setBoundsQuiet(n: number, minHi: number, minLo: number, maxHi: number, maxLo: number): void {
    const free = this.state[n] === FREE;
    if (free) this.noteFree(n, -1);
    this.minHi[n] = minHi;
    this.minLo[n] = minLo;
    this.maxHi[n] = maxHi;
    this.maxLo[n] = maxLo;
    if (free) this.noteFree(n, 1);
  }

  // ---------------------------------------------------------------- lookups

  /** The node whose range is exactly `[min, max]`, or 0. */
  findExact(minHi: number, minLo: number, maxHi: number, maxLo: number): number {
    let x = this.root;
    while (x !== 0) {
      const h = this.minHi[x]!;
      const l = this.minLo[x]!;
      if (h === minHi && l === minLo) {
        return this.maxHi[x] === maxHi && this.maxLo[x] === maxLo ? x : 0;
      }
      x = minHi < h || (minHi === h && minLo < l) ? this.left[x]! : this.right[x]!;
    }
    return 0;
  }

  /** `n` when it is a live node holding exactly `[min, max]`, else 0; any `n` is safe to ask about. */
  liveWithBounds(n: number, minHi: number, minLo: number, maxHi: number, maxLo: number): number {
    if (n <= 0 || n >= this.next || (this.meta[n]! & 0xff) === 0) return 0;
    return this.minHi[n] === minHi && this.minLo[n] === minLo && this.maxHi[n] === maxHi && this.maxLo[n] === maxLo ? n : 0;
  }

  /** The node containing the value, or 0. */
  findContaining(hi: number, lo: number): number {
    let x = this.root;
    while (x !== 0) {
      if (less(hi, lo, this.minHi[x]!, this.minLo[x]!)) x = this.left[x]!;
      else if (less(this.maxHi[x]!, this.maxLo[x]!, hi, lo)) x = this.right[x]!;
      else return x;
    }
    return 0;
  }

  /** The node with the largest `min <= value`, or 0. */
  floor(hi: number, lo: number): number {
    let x = this.root;
    let best = 0;
    while (x !== 0) {
      if (less(hi, lo, this.minHi[x]!, this.minLo[x]!)) {
        x = this.left[x]!;
      } else {
        best = x;
        x = this.right[x]!;
      }
    }
    return best;
  }

  first(): number {
    let x = this.root;
    if (x === 0) return 0;
    while (this.left[x] !== 0) x = this.left[x]!;
    return x;
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

  predecessor(x: number): number {
    let l = this.left[x]!;
    if (l !== 0) {
      while (this.right[l] !== 0) l = this.right[l]!;
      return l;
    }
    let p = this.parent[x]!;
    while (p !== 0 && this.left[p] === x) {
      x = p;
      p = this.parent[p]!;
    }
    return p;
  }

  /** True when node a ends right before node b starts (`a.max + 1 == b.min`). */
  adjacent(a: number, b: number): boolean {
    return isSuccessor(this.maxHi[a]!, this.maxLo[a]!, this.minHi[b]!, this.minLo[b]!);
  }

  // ------------------------------------------------------------- allocation

  /** Sets the request for the next `findFirst`/`findLast`/`findBest`. */
  setRequest(
    sizeHi: number,
    sizeLo: number,
    minHi: number,
    minLo: number,
    maxHi: number,
    maxLo: number,
    alignHi: number,
    alignLo: number,
  ): void {
    this.cMinHi = minHi;
    this.cMinLo = minLo;
    this.cMaxHi = maxHi;
    this.cMaxLo = maxLo;
    this.cAlignHi = alignHi;
    this.cAlignLo = alignLo;
    sub(sizeHi, sizeLo, 0, 1);
    this.cSizeM1Hi = outHi;
    this.cSizeM1Lo = outLo;
    this.cNeed = outHi * TWO_32 + outLo;
    const sizeLog = sizeHi !== 0 ? 63 - Math.clz32(sizeHi) : 31 - Math.clz32(sizeLo);
    const alignLog = alignHi !== 0 ? 63 - Math.clz32(alignHi) : 31 - Math.clz32(alignLo);
    this.cBlk = 1 + (sizeLog < alignLog ? sizeLog : alignLog);
  }

  /** Node x clipped to the request window: `[max(x.min, c.min), min(x.max, c.max)]` into clip*. */
  private clip(x: number): void {
    let loHi = this.minHi[x]!;
    let loLo = this.minLo[x]!;
    if (less(loHi, loLo, this.cMinHi, this.cMinLo)) {
      loHi = this.cMinHi;
      loLo = this.cMinLo;
    }
    let hiHi = this.maxHi[x]!;
    let hiLo = this.maxLo[x]!;
    if (less(this.cMaxHi, this.cMaxLo, hiHi, hiLo)) {
      hiHi = this.cMaxHi;
      hiLo = this.cMaxLo;
    }
    this.clipLoHi = loHi;
    this.clipLoLo = loLo;
    this.clipHiHi = hiHi;
    this.clipHiLo = hiLo;
  }

  /** Whether free node x can hold the request; if so its lowest start goes to fitHi/fitLo. */
  private fitsFirst(x: number): boolean {
    this.clip(x);
    const loHi = this.clipLoHi;
    const loLo = this.clipLoLo;
    const hiHi = this.clipHiHi;
    const hiLo = this.clipHiLo;
    if (!alignUp(loHi, loLo, this.cAlignHi, this.cAlignLo)) return false;
    const sHi = outHi;
    const sLo = outLo;
    if (less(hiHi, hiLo, sHi, sLo)) return false;
    if (!add(sHi, sLo, this.cSizeM1Hi, this.cSizeM1Lo)) return false;
    if (less(hiHi, hiLo, outHi, outLo)) return false;
    this.fitHi = sHi;
    this.fitLo = sLo;
    return true;
  }

  /** Whether free node x can hold the request; if so its highest start goes to fitHi/fitLo. */
  private fitsLast(x: number): boolean {
    this.clip(x);
    const loHi = this.clipLoHi;
    const loLo = this.clipLoLo;
    const hiHi = this.clipHiHi;
    const hiLo = this.clipHiLo;
    if (less(hiHi, hiLo, this.cSizeM1Hi, this.cSizeM1Lo)) return false;
    sub(hiHi, hiLo, this.cSizeM1Hi, this.cSizeM1Lo);
    alignDown(outHi, outLo, this.cAlignHi, this.cAlignLo);
    if (less(outHi, outLo, loHi, loLo)) return false;
    this.fitHi = outHi;
    this.fitLo = outLo;
    return true;
  }

  /** The lowest free node that fits the request (start in fitHi/fitLo), or 0. */
  findFirst(): number {
    return this.find(true);
  }

  /** The highest free node that fits the request (start in fitHi/fitLo), or 0. */
  findLast(): number {
    return this.find(false);
  }

  /**
   * The first (`lowestFirst`) or last free node in address order that fits
   * the request, start in fitHi/fitLo, or 0: an in-order walk (reversed for
   * last match) with an explicit stack that skips subtrees whose largest free
   * run or aligned block is too small, and subtrees outside the window.
   */
  private find(lowestFirst: boolean): number {
    const stack = this.stack;
    const near = lowestFirst ? this.left : this.right;
    const far = lowestFirst ? this.right : this.left;
    const left = this.left;
    const right = this.right;
    const run = this.run;
    const meta = this.meta;
    const need = this.cNeed;
    const needBlk = this.cBlk;
    const minHi = this.minHi;
    const minLo = this.minLo;
    const maxHi = this.maxHi;
    const maxLo = this.maxLo;
    const wMinHi = this.cMinHi;
    const wMinLo = this.cMinLo;
    const wMaxHi = this.cMaxHi;
    const wMaxLo = this.cMaxLo;
    // perf: most requests have no window; skip its two tests per step (bench W1-W3).
    const windowed = wMinHi !== 0 || wMinLo !== 0 || wMaxHi !== 0xffffffff || wMaxLo !== 0xffffffff;
    let top = 0;
    let x = this.root;
    for (;;) {
      while (x !== 0) {
        if (run[x]! < need || meta[x]! >> 8 < needBlk) break;
        if (windowed) {
          const xh = maxHi[x]!;
          if (xh < wMinHi || (xh === wMinHi && maxLo[x]! < wMinLo)) {
            x = right[x]!;
            continue;
          }
          const nh = minHi[x]!;
          if (wMaxHi < nh || (wMaxHi === nh && wMaxLo < minLo[x]!)) {
            x = left[x]!;
            continue;
          }
        }
        const n = near[x]!;
        if (run[n]! >= need && meta[n]! >> 8 >= needBlk) {
          stack[top++] = x;
          x = n;
        } else {
          // perf: nothing on the near side can fit, so test x now instead of
          // pushing it and coming back (bench W2 phase 1, W3).
          if (this.state[x] === FREE && this.fits(x, lowestFirst)) return x;
          x = far[x]!;
        }
      }
      if (top === 0) return 0;
      x = stack[--top]!;
      if (this.state[x] === FREE && this.fits(x, lowestFirst)) return x;
      x = far[x]!;
    }
  }

  private fits(x: number, lowestFirst: boolean): boolean {
    return lowestFirst ? this.fitsFirst(x) : this.fitsLast(x);
  }

  /**
   * The smallest free node that fits (ties to the lowest), start in
   * fitHi/fitLo, or 0: the first node of the size index, from the shortest
   * long-enough one upwards, that fits window and alignment.
   */
  findBest(): number {
    let index = this.sizeIndex;
    if (index === null) {
      index = new SizeIndex(this.capacity);
      for (let x = this.first(); x !== 0; x = this.successor(x)) {
        if (this.state[x] === FREE) index.insert(this, x);
      }
      this.sizeIndex = index;
    }
    for (let x = index.lowerBound(this, this.cSizeM1Hi, this.cSizeM1Lo); x !== 0; x = index.successor(x)) {
      if (this.fitsFirst(x)) return x;
    }
    return 0;
  }

  /**
   * Carves `[fit, fit + size - 1]` out of free node x (found by a `find*`) and
   * marks it allocated. Returns the allocated node. Node x keeps the lowest
   * piece so the order never changes; new pieces are linked right after it.
   */
  take(x: number): number {
    const sHi = this.fitHi;
    const sLo = this.fitLo;
    add(sHi, sLo, this.cSizeM1Hi, this.cSizeM1Lo);
    const eHi = outHi;
    const eLo = outLo;
    this.countFree(sHi, sLo, eHi, eLo, -1);
    const xMaxHi = this.maxHi[x]!;
    const xMaxLo = this.maxLo[x]!;
    const startsAtMin = sHi === this.minHi[x] && sLo === this.minLo[x];
    const endsAtMax = eHi === xMaxHi && eLo === xMaxLo;
    if (startsAtMin) {
      if (endsAtMax) {
        this.setState(x, ALLOCATED);
        return x;
      }
      this.setStateQuiet(x, ALLOCATED);
      this.setBoundsQuiet(x, sHi, sLo, eHi, eLo);
      add(eHi, eLo, 0, 1);
      this.linkAfter(x, this.newNode(outHi, outLo, xMaxHi, xMaxLo, FREE));
      return x;
    }
    sub(sHi, sLo, 0, 1);
    this.setBoundsQuiet(x, this.minHi[x]!, this.minLo[x]!, outHi, outLo);
    if (!endsAtMax) {
      add(eHi, eLo, 0, 1);
      this.linkAfter(x, this.newNode(outHi, outLo, xMaxHi, xMaxLo, FREE));
    }
    const taken = this.newNode(sHi, sLo, eHi, eLo, ALLOCATED);
    this.linkAfter(x, taken);
    return taken;
  }

  /** Frees linked node x and merges it with free neighbours; returns the merged node. */
  freeNode(x: number): number {
    this.countFree(this.minHi[x]!, this.minLo[x]!, this.maxHi[x]!, this.maxLo[x]!, 1);
    const p = this.predecessor(x);
    const s = this.successor(x);
    const mergePrev = p !== 0 && this.state[p] === FREE && this.adjacent(p, x);
    const mergeNext = s !== 0 && this.state[s] === FREE && this.adjacent(x, s);
    this.setStateQuiet(x, FREE);
    if (mergePrev || mergeNext) {
      this.setBoundsQuiet(
        x,
        mergePrev ? this.minHi[p]! : this.minHi[x]!,
        mergePrev ? this.minLo[p]! : this.minLo[x]!,
        mergeNext ? this.maxHi[s]! : this.maxHi[x]!,
        mergeNext ? this.maxLo[s]! : this.maxLo[x]!,
      );
      // x now overlaps its old neighbours until they are unlinked; nothing
      // reads bounds between here and the end of the removals.
      if (mergePrev) this.remove(p);
      if (mergeNext) this.remove(s);
    }
    // perf: when a removal's walk already passed through x this stops at once (bench W1).
    this.fixUp(x);
    return x;
  }

  /** Changes state and counters without re-walking the path (the caller fixes up). */
  private setStateQuiet(n: number, state: number): void {
    const was = this.state[n]!;
    if (was === state) return;
    if (was === FREE) this.noteFree(n, -1);
    this.state[n] = state;
    if (state === FREE) this.noteFree(n, 1);
  }

  /** The exact size of the largest free node, 0n when there is none. */
  largestFree(): bigint {
    const top = this.run[this.root]!;
    if (top < 0) return 0n;
    if (top < MAX_EXACT) return BigInt(top) + 1n;
    // Above 2^53 runs are rounded: compare exactly the few that round to the top.
    const threshold = top;
    let best = 0n;
    const visit = (n: number): void => {
      if (n === 0 || this.run[n]! < threshold) return;
      if (this.state[n] === FREE) {
        const size = exactPair(this.maxHi[n]!, this.maxLo[n]!) - exactPair(this.minHi[n]!, this.minLo[n]!) + 1n;
        if (size > best) best = size;
      }
      visit(this.left[n]!);
      visit(this.right[n]!);
    };
    visit(this.root);
    return best;
  }

  /** A deep copy. */
  clone(): RangeStore {
    const c = new RangeStore(0);
    c.minHi = this.minHi.slice();
    c.minLo = this.minLo.slice();
    c.maxHi = this.maxHi.slice();
    c.maxLo = this.maxLo.slice();
    c.left = this.left.slice();
    c.right = this.right.slice();
    c.parent = this.parent.slice();
    c.meta = this.meta.slice();
    c.ownBlk = this.ownBlk.slice();
    c.state = this.state.slice();
    c.run = this.run.slice();

    c.sizeIndex = this.sizeIndex === null ? null : this.sizeIndex.clone();
    c.capacity = this.capacity;
    c.released = this.released;
    c.next = this.next;
    c.root = this.root;
    c.count = this.count;
    c.freeNodes = this.freeNodes;
    c.totalHi = this.totalHi;
    c.totalLo = this.totalLo;
    c.freeHi = this.freeHi;
    c.freeLo = this.freeLo;
    return c;
  }

  // -------------------------------------------------------------- checking

  /** Throws an Error naming the first broken invariant. */
  check(valued: ReadonlySet<number>): void {
    let count = 0;
    let freeNodes = 0;
    let tHi = 0;
    let tLo = 0;
    let fHi = 0;
    let fLo = 0;
    const verify = (n: number, parent: number): number => {
      if (n === 0) return 0;
      if (this.parent[n] !== parent) fail(`node ${n}: parent link ${this.parent[n]} should be ${parent}`);
      if (less(this.maxHi[n]!, this.maxLo[n]!, this.minHi[n]!, this.minLo[n]!)) fail(`node ${n}: min above max`);
      const hl = verify(this.left[n]!, n);
      const hr = verify(this.right[n]!, n);
      if (Math.abs(hl - hr) > 1) fail(`node ${n}: unbalanced (${hl} vs ${hr})`);
      const h = Math.max(hl, hr) + 1;
      if (this.heightOf(n) !== h) fail(`node ${n}: height ${this.heightOf(n)} should be ${h}`);
      const st = this.state[n]!;
      if (st !== FREE && st !== ALLOCATED && st !== VALUED) fail(`node ${n}: bad state ${st}`);
      if ((st === VALUED) !== valued.has(n)) fail(`node ${n}: state ${st} disagrees with the value table`);
      const saveRun = this.run[n];
      const saveMeta = this.meta[n];
      this.recompute(n);
      if (this.run[n] !== saveRun || this.meta[n] !== saveMeta) {
        fail(`node ${n}: augmentation (largest free run) is stale`);
      }
      count++;
      sub(this.maxHi[n]!, this.maxLo[n]!, this.minHi[n]!, this.minLo[n]!);
      tLo += outLo + 1;
      tHi += outHi;
      if (st === FREE) {
        freeNodes++;
        fLo += outLo + 1;
        fHi += outHi;
      }
      return h;
    };
    if (this.parent[this.root] !== 0 && this.root !== 0) fail("root has a parent");
    verify(this.root, 0);
    let prev = 0;
    for (let x = this.first(); x !== 0; x = this.successor(x)) {
      if (prev !== 0) {
        if (!less(this.maxHi[prev]!, this.maxLo[prev]!, this.minHi[x]!, this.minLo[x]!)) fail(`nodes ${prev} and ${x} overlap or are out of order`);
        if (this.state[prev] === FREE && this.state[x] === FREE && this.adjacent(prev, x)) fail(`free nodes ${prev} and ${x} are adjacent but not merged`);
      }
      prev = x;
    }
    if (count !== this.count) fail(`count ${this.count} should be ${count}`);
    if (freeNodes !== this.freeNodes) fail(`free node count ${this.freeNodes} should be ${freeNodes}`);
    this.sizeIndex?.check(this, freeNodes);
    if (valued.size > count) fail("value table holds released nodes");
    if (exactPair(tHi, tLo) !== exactPair(this.totalHi, this.totalLo)) fail("total length counter is wrong");
    if (exactPair(fHi, fLo) !== exactPair(this.freeHi, this.freeLo)) fail("free length counter is wrong");
  }
}

const MAX_EXACT = 9007199254740992;
const POW2 = Float64Array.from({ length: 32 }, (_, k) => 2 ** k);
const FOLD = 2 ** 52;

/**
 * `max - min` from the differences of the halves as a float64: exact up to
 * 2^53, correctly rounded above. Rounding is monotonic, so comparing rounded
 * runs with the rounded request never prunes a run that is long enough.
 */
function runOf(dHi: number, dLo: number): number {
  return dHi * TWO_32 + dLo;
}

/**
 * 1 + log2 of the largest naturally aligned power-of-two block inside
 * `[min, max]`. With k = floor(log2(length)) that block is 2^k or 2^(k-1).
 */
function blockOf(minHi: number, minLo: number, maxHi: number, maxLo: number): number {
  let lenLo = maxLo - minLo + 1;
  let lenHi = maxHi - minHi;
  if (lenLo < 0) {
    lenLo += TWO_32;
    lenHi -= 1;
  } else if (lenLo === TWO_32) {
    lenLo = 0;
    lenHi += 1;
  }
  if (lenHi === 0) {
    // perf: lengths below 2^32 stay on plain numbers (bench W1, W2).
    const k = 31 - Math.clz32(lenLo);
    const a = POW2[k]!;
    const rem = minLo & (a - 1); // a <= 2^31, so the mask is a non-negative int32
    return (rem === 0 ? 0 : a - rem) + a <= lenLo ? k + 1 : k;
  }
  if (lenHi === TWO_32) return 65; // the whole domain, a block of 2^64
  const k = 63 - Math.clz32(lenHi);
  const aHi = POW2[k - 32]!;
  const aLo = 0;
  if (!alignUp(minHi, minLo, aHi, aLo)) return k;
  const sHi = outHi;
  const sLo = outLo;
  // start + 2^k - 1 <= max
  if (!add(sHi, sLo, aHi - 1, 0xffffffff)) return k;
  return less(maxHi, maxLo, outHi, outLo) ? k : k + 1;
}

function exactPair(hi: number, lo: number): bigint {
  return BigInt(hi) * 4294967296n + BigInt(lo);
}

function fail(message: string): never {
  throw new Error(`IntervalTree invariant broken: ${message}`);
}

function copyU32(a: Uint32Array, cap: number): Uint32Array {
  const b = new Uint32Array(cap);
  b.set(a);
  return b;
}

function copyI32(a: Int32Array, cap: number): Int32Array {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}

function copyU8(a: Uint8Array, cap: number): Uint8Array {
  const b = new Uint8Array(cap);
  b.set(a);
  return b;
}
