/**
 * The kernel of `IntervalTree`: the whole domain `[0, 2^64)` as a sequence of
 * segments in a B+tree stored in typed arrays.
 *
 * Representation. A segment is its start and a kind: FREE, ALLOCATED, VALUED
 * or HOLE (space that is not in the pool). It ends where the next one starts
 * (the last one at 2^64), so the sequence covers the domain, the first starts
 * at 0, and neither two FREE nor two HOLE segments are ever adjacent. Growing
 * or shrinking a segment is changing one start; coalescing is deleting one.
 * Values are `(d, x)` pairs (see u64.ts): float64 arithmetic below 2^53, an
 * exact bigint path at and above it, chosen per segment.
 *
 * Leaves hold up to B = 32 segments (start `d` in `ls`, start `x` and kind packed in `lm`, the
 * value of a VALUED one in `lv`, slot `pos = leaf * B + i`) and are chained in address order. Inner nodes hold up
 * to B children, and for each child its first start and two summaries over
 * the free segments below it: `il`, the largest length (a float64 never below
 * the true length: exact up to 2^53), and `ib`, 1 + log2 of the largest
 * naturally aligned power-of-two block (0 when none). All leaves are at the
 * same depth; a node below B/4 entries merges with or borrows from a sibling.
 *
 * Allocation (first/last match) walks children in address order and enters
 * only those whose summaries can hold the request (length >= size, block >=
 * min(align, largest power of two <= size)) and that meet the window; inside
 * a leaf each free segment gets the exact fit test. Cost, n = segments:
 * O(log n) when the first child that passes the summaries holds a fit, which
 * is always the case when align == 1, or size == align (a power of two), or
 * the request has a window only at its ends (the window cuts at most two
 * children per level). Worst case: a request with align > 1 and size != align
 * can pass the summaries of subtrees whose long-enough segments are all
 * misaligned for it; each such leaf costs one scan of B segments, so a first
 * match that steps over k such leaves costs O(log n + k * B), k <= n / B: free
 * segments `[m*A - 5, (m+1)*A - 1]` asked for size A + 1 aligned to A all pass
 * and none fits (the audit's linear case). Best fit uses `SizeIndex`: O(log n)
 * per step, one step per long-enough segment rejected for alignment or window.
 * The walks use a preallocated stack: nothing on an allocation path recurses
 * or calls a closure.
 *
 * Invariants are checked by `check()` (tests only, never on the hot path).
 */
import { SizeIndex } from "./SizeIndex.js";
import { OUT, POW2, TWO_53, TWO_64, blockOf, fromBig, lengthOf, lessDX, log2Floor, modPow2, toBig } from "./u64.js";

export const FREE = 0;
export const ALLOCATED = 1;
export const VALUED = 2;
export const HOLE = 3;

/** Slots per node. */
export const B = 32;
/** Numbers in a saved request (see saveRequest). */
export const REQUEST_FIELDS = 11;
/** log2(B): `pos >> SHIFT` is the leaf of slot `pos`. */
export const SHIFT = 5;
const MIN_FILL = 8;
const MERGE_LIMIT = 28;
const TWO_52 = 4503599627370496;

/** Where the kind sits in `lm`, and the mask of `x` below it. */
const KS = 12;
const XM = 0xfff;

// Every tree's best-fit index until its first best-fit request, when the tree builds its own:
// nothing changes it (perf: a new pool allocates none of its arrays).
const NO_INDEX = new SizeIndex(2);

// The descent of findFirst/findLast: node and slot per inner level. Shared by
// every tree: a walk runs to its end before any other starts.
const STACK_NODE = new Int32Array(64);
const STACK_SLOT = new Int32Array(64);

export class SegmentTree {
  // Leaves: starts, kinds, counts, chain, parent.
  ls!: Float64Array;
  /** Per slot: the start's low bits `x` (bits 0..11) and the kind (bits 12..13), one array so shifts move two arrays, not three. */
  lm!: Uint16Array;
  lCount!: Int32Array;
  /**
   * Per slot: the value of a VALUED segment, moved with its segment; undefined
   * in every other slot, so nothing freed stays reachable. Empty until the
   * first value is stored (a pool without values pays no memory for it).
   */
  lv: unknown[] = NO_VALUES;
  /** Bit i set when slot i of the leaf is FREE: scans visit only free segments. */
  lFree!: Int32Array;
  lNext!: Int32Array;
  lPrev!: Int32Array;
  lParent!: Int32Array;
  /** Slot of each leaf in its parent (valid while it has one). */
  lSlot!: Uint8Array;
  // Inner nodes: per child slot its first start, node, summaries.
  ik!: Float64Array;
  ikx!: Uint16Array;
  ic!: Int32Array;
  il!: Float64Array;
  ib!: Uint8Array;
  iCount!: Int32Array;
  iParent!: Int32Array;
  /** Slot of each inner node in its parent. */
  iSlot!: Uint8Array;
  /** 1 when the inner node's children are leaves. */
  iLeafKids!: Uint8Array;

  // Number fields that hold doubles start as -0 (a double), so every pool has
  // one hidden class from construction and none migrates on its first large value.
  root = 0;
  /** Inner levels above the leaves (0: the root is a leaf). */
  height = 0;
  /** Bumped by every change, so iterators can tell they must re-seek. */
  version = 0;
  /** Segments that are not HOLE. */
  ranges = 0;
  freeSegments = 0;
  /** Length sums as small + big, exact (small stays within +-2^52). */
  totalSmall = -0;
  totalBig = 0n;
  freeSmall = -0;
  freeBig = 0n;
  /** The best-fit index, kept up to date by every change; `NO_INDEX` (shared, empty, never changed) until the first best-fit request. */
  sizeIndex: SizeIndex = NO_INDEX;

  private leafTop = 0;
  private leafReleased = -1;
  private innerTop = 0;
  private innerReleased = -1;

  // The request being served (see setRequest).
  private cSizeD = -0;
  private cSizeX = 0;
  private cAlignD = -0;
  private cAlignInv = -0;
  private cWlD = -0;
  private cWlX = 0;
  private cWhD = -0;
  private cWhX = 0;
  private cBlk = 1;
  private cFast = true;
  private cWindowed = false;
  /** Start of the fit found by the last search. */
  fitD = -0;
  fitX = 0;
  // Scratch summary of the last leafSum/innerSum.
  private sLen = -0;
  private sBlk = 0;

  /** An empty pool with room for `leafCapacity` leaves, or (for {@link clone}) one holding `copyOf`'s nodes, its other state still to copy. */
  constructor(leafCapacity = 4, copyOf?: SegmentTree) {
    if (copyOf !== undefined) {
      this.lay(copyOf.lCount.length, copyOf.iCount.length, copyOf);
      return;
    }
    const leaves = Math.max(4, leafCapacity);
    this.lay(leaves, Math.max(2, leaves >> 3));
    const l = this.newLeaf();
    this.lCount[l] = 1;
    this.lm[0] = HOLE << KS;
    this.root = l;
  }

  // ------------------------------------------------------------ storage

  private newLeaf(): number {
    let l = this.leafReleased;
    if (l >= 0) {
      this.leafReleased = this.lNext[l]!;
    } else {
      if (this.leafTop === this.lCount.length) this.growLeaves();
      l = this.leafTop++;
    }
    this.lCount[l] = 0;
    this.lFree[l] = 0;
    this.lNext[l] = -1;
    this.lPrev[l] = -1;
    this.lParent[l] = -1;
    return l;
  }

  private releaseLeaf(l: number): void {
    this.lCount[l] = 0;
    this.lParent[l] = -2;
    this.lNext[l] = this.leafReleased;
    this.leafReleased = l;
  }

  private newInner(): number {
    let k = this.innerReleased;
    if (k >= 0) {
      this.innerReleased = this.iParent[k]!;
    } else {
      if (this.innerTop === this.iCount.length) this.growInner();
      k = this.innerTop++;
    }
    this.iCount[k] = 0;
    this.iParent[k] = -1;
    return k;
  }

  private releaseInner(k: number): void {
    this.iCount[k] = 0;
    this.iParent[k] = this.innerReleased;
    this.innerReleased = k;
  }

  private growLeaves(): void {
    this.lay(grown(this.lCount.length), this.iCount.length);
    if (this.lv.length !== 0) this.lv = valuesCopy(this.lv, this.lCount.length * B);
  }

  private growInner(): void {
    this.lay(this.lCount.length, grown(this.iCount.length));
  }

  /**
   * Gives the tree room for `leafCap` leaves and `innerCap` inner nodes,
   * keeping what `from`'s nodes hold (this tree's own by default). perf:
   * every node array is a view of one `ArrayBuffer`, widest elements first
   * (so each view is aligned), and a new pool or a growth allocates one
   * buffer, not seventeen: creating an off-heap buffer costs 2–5 µs here.
   */
  private lay(leafCap: number, innerCap: number, from: SegmentTree = this): void {
    const ls = leafCap * B;
    const is = innerCap * B;
    const buf = new ArrayBuffer(ls * 10 + leafCap * 21 + is * 23 + innerCap * 10);
    const old = from.ls === undefined ? undefined : from.#views();
    let at = 0;
    // The next n elements of the buffer, as a view of kind V.
    const view = <V>(Kind: { new (buffer: ArrayBuffer, offset: number, length: number): V; readonly BYTES_PER_ELEMENT: number }, n: number): V => {
      const v = new Kind(buf, at, n);
      at += n * Kind.BYTES_PER_ELEMENT;
      return v;
    };
    this.ls = view(Float64Array, ls);
    this.ik = view(Float64Array, is);
    this.il = view(Float64Array, is);
    this.lCount = view(Int32Array, leafCap);
    this.lFree = view(Int32Array, leafCap);
    this.lNext = view(Int32Array, leafCap);
    this.lPrev = view(Int32Array, leafCap);
    this.lParent = view(Int32Array, leafCap);
    this.ic = view(Int32Array, is);
    this.iCount = view(Int32Array, innerCap);
    this.iParent = view(Int32Array, innerCap);
    this.lm = view(Uint16Array, ls);
    this.ikx = view(Uint16Array, is);
    this.lSlot = view(Uint8Array, leafCap);
    this.ib = view(Uint8Array, is);
    this.iSlot = view(Uint8Array, innerCap);
    this.iLeafKids = view(Uint8Array, innerCap);
    if (old === undefined) return;
    const now = this.#views();
    for (let k = 0; k < now.length; k++) (now[k] as Float64Array).set(old[k] as Float64Array);
  }

  /** Every node array, in one fixed order (see {@link lay}). */
  #views(): readonly (Float64Array | Int32Array | Uint16Array | Uint8Array)[] {
    return [
      this.ls,
      this.ik,
      this.il,
      this.lCount,
      this.lFree,
      this.lNext,
      this.lPrev,
      this.lParent,
      this.ic,
      this.iCount,
      this.iParent,
      this.lm,
      this.ikx,
      this.lSlot,
      this.ib,
      this.iSlot,
      this.iLeafKids,
    ];
  }

  // ------------------------------------------------------------ navigation

  /** The kind of the segment at pos. */
  kindAt(pos: number): number {
    return this.lm[pos]! >> KS;
  }

  /** The low part `x` of the start of the segment at pos (its `d` is `ls[pos]`). */
  xAt(pos: number): number {
    return this.lm[pos]! & XM;
  }

  /** True when `l` is a live leaf (any number is safe to ask about). */
  isLeaf(l: number): boolean {
    return l >= 0 && l < this.leafTop && this.lParent[l] !== -2 && this.lCount[l]! > 0;
  }

  /** The position of the segment that contains the value `(d, x)`. */
  locate(d: number, x: number): number {
    let node = this.root;
    for (let h = this.height; h > 0; h--) {
      const base = node << SHIFT;
      let lo = 0;
      let hi = this.iCount[node]! - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        const k = this.ik[base + mid]!;
        if (k < d || (k === d && this.ikx[base + mid]! <= x)) lo = mid;
        else hi = mid - 1;
      }
      node = this.ic[base + lo]!;
    }
    return this.locateIn(node, d, x);
  }

  /** The position in leaf `l` of the last segment starting at or below `(d, x)`. */
  locateIn(l: number, d: number, x: number): number {
    const base = l << SHIFT;
    let lo = 0;
    let hi = this.lCount[l]! - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const s = this.ls[base + mid]!;
      if (s < d || (s === d && (this.lm[base + mid]! & XM) <= x)) lo = mid;
      else hi = mid - 1;
    }
    return base + lo;
  }

  /**
   * The position of the segment that is exactly `[s, n)` and not a HOLE, or
   * -1. `hint` (any number) is a position to try first, then its leaf with
   * the leaf's neighbours (where inserts, splits, merges and borrows move
   * segments), before a descent.
   */
  exact(hint: number, sD: number, sX: number, nD: number, nX: number): number {
    let pos = -1;
    const hinted = hint >> SHIFT;
    if (this.isLeaf(hinted)) {
      // perf: a segment nothing has moved since it was handed out is where its range says (bench W2 free, W3).
      if ((hint & (B - 1)) < this.lCount[hinted]! && this.ls[hint] === sD && (this.lm[hint]! & XM) === sX) {
        this.end(hint);
        return this.outEndD === nD && this.outEndX === nX && this.lm[hint]! >> KS !== HOLE ? hint : -1;
      }
      let l = hinted;
      if (this.startsAfter(l, sD, sX)) {
        const p = this.lPrev[l]!;
        l = p >= 0 && !this.startsAfter(p, sD, sX) ? p : -1;
      }
      if (l >= 0) {
        pos = this.locateIn(l, sD, sX);
        this.end(pos);
        if (!lessDX(sD, sX, this.outEndD, this.outEndX)) {
          // Past the leaf's last segment: the start is in a later leaf.
          const q = this.lNext[l]!;
          pos = -1;
          if (q >= 0 && !this.startsAfter(q, sD, sX)) {
            pos = this.locateIn(q, sD, sX);
            this.end(pos);
            if (!lessDX(sD, sX, this.outEndD, this.outEndX)) pos = -1;
          }
        }
      }
    }
    if (pos < 0) {
      pos = this.locate(sD, sX);
      this.end(pos);
    }
    if (this.ls[pos] !== sD || (this.lm[pos]! & XM) !== sX || this.lm[pos]! >> KS === HOLE) return -1;
    return this.outEndD === nD && this.outEndX === nX ? pos : -1;
  }

  /** True when leaf l's first segment starts above `(d, x)`. */
  private startsAfter(l: number, d: number, x: number): boolean {
    const base = l << SHIFT;
    return lessDX(d, x, this.ls[base]!, this.lm[base]! & XM);
  }

  /** The next segment's position, or -1 after the last. */
  next(pos: number): number {
    const l = pos >> SHIFT;
    if ((pos & (B - 1)) + 1 < this.lCount[l]!) return pos + 1;
    const n = this.lNext[l]!;
    return n < 0 ? -1 : n << SHIFT;
  }

  /** The previous segment's position, or -1 before the first. */
  prev(pos: number): number {
    if ((pos & (B - 1)) !== 0) return pos - 1;
    const p = this.lPrev[pos >> SHIFT]!;
    return p < 0 ? -1 : (p << SHIFT) + this.lCount[p]! - 1;
  }

  /** The end (exclusive) of the segment at pos into outEnd*. */
  end(pos: number): void {
    const l = pos >> SHIFT;
    if ((pos & (B - 1)) + 1 < this.lCount[l]!) {
      this.outEndD = this.ls[pos + 1]!;
      this.outEndX = this.lm[pos + 1]! & XM;
      return;
    }
    this.leafEnd(l);
  }

  /** Exclusive end of the segment at pos (after `end(pos)`). */
  outEndD = -0;
  outEndX = 0;

  /** The start of the leaf after l (2^64 after the last) into outEnd*; skips leaves emptied mid-operation. */
  private leafEnd(l: number): void {
    let n = this.lNext[l]!;
    while (n >= 0 && this.lCount[n] === 0) n = this.lNext[n]!;
    if (n < 0) {
      this.outEndD = TWO_64;
      this.outEndX = 0;
    } else {
      this.outEndD = this.ls[n << SHIFT]!;
      this.outEndX = this.lm[n << SHIFT]! & XM;
    }
  }

  /** The first segment's position (always the one starting at 0). */
  first(): number {
    let node = this.root;
    for (let h = this.height; h > 0; h--) node = this.ic[node << SHIFT]!;
    return node << SHIFT;
  }

  // ------------------------------------------------------------ summaries

  /** Summary of leaf l into sLen/sBlk. */
  private leafSum(l: number): void {
    const base = l << SHIFT;
    const c = this.lCount[l]!;
    const ls = this.ls;
    const lm = this.lm;
    // The leaf's end, read up front: a call only on the last slot's branch would be cold when this is first optimised (a deopt).
    this.leafEnd(l);
    const endD = this.outEndD;
    const endX = this.outEndX;
    let len = -1;
    let blk = 0;
    for (let m = this.lFree[l]!; m !== 0; ) {
      const i = 31 - Math.clz32(m & -m);
      m &= m - 1;
      const sD = ls[base + i]!;
      const last = i + 1 >= c;
      const nD = last ? endD : ls[base + i + 1]!;
      const nX = last ? endX : lm[base + i + 1]! & XM;
      const sX = lm[base + i]! & XM;
      const n = nD < TWO_53 ? nD - sD : lengthOf(sD, sX, nD, nX);
      if (n > len) len = n;
      // perf: a block can only beat blk when the length can (bench W2, W3).
      if (n >= POW2[blk]!) {
        const b = blockOf(sD, sX, nD, nX);
        if (b > blk) blk = b;
      }
    }
    this.sLen = len;
    this.sBlk = blk;
  }

  private innerSum(k: number): void {
    const base = k << SHIFT;
    const c = this.iCount[k]!;
    let len = -1;
    let blk = 0;
    for (let j = 0; j < c; j++) {
      const a = this.il[base + j]!;
      if (a > len) len = a;
      const b = this.ib[base + j]!;
      if (b > blk) blk = b;
    }
    this.sLen = len;
    this.sBlk = blk;
  }

  /** The position of `child` (a leaf when `leaf`) in its parent `parent`. */
  private slotOf(parent: number, child: number, leaf: boolean): number {
    return (parent << SHIFT) + (leaf ? this.lSlot[child]! : this.iSlot[child]!);
  }

  /** Puts `child` in inner slot q, recording the slot on the child. */
  private place(q: number, child: number): void {
    this.ic[q] = child;
    if (this.iLeafKids[q >> SHIFT] === 1) this.lSlot[child] = q & (B - 1);
    else this.iSlot[child] = q & (B - 1);
  }

  /**
   * Recomputes the summary of `node` (a leaf when `leaf`) and writes it with
   * its first start into its parent's slot, then upwards while anything
   * changed. Above `node` only one slot changes per level, so a parent's
   * summary follows from its stored one (a rise, or no change when the slot
   * did not hold the maximum); only a maximum that falls costs a rescan.
   */
  private updateUp(node: number, leaf: boolean): void {
    let p: number;
    let kD: number;
    let kX: number;
    if (leaf) {
      this.leafSum(node);
      p = this.lParent[node]!;
      kD = this.ls[node << SHIFT]!;
      kX = this.lm[node << SHIFT]! & XM;
    } else {
      this.innerSum(node);
      p = this.iParent[node]!;
      kD = this.ik[node << SHIFT]!;
      kX = this.ikx[node << SHIFT]!;
    }
    const il = this.il;
    const ib = this.ib;
    const ik = this.ik;
    const ikx = this.ikx;
    let len = this.sLen;
    let blk = this.sBlk;
    while (p >= 0) {
      const q = this.slotOf(p, node, leaf);
      const oldLen = il[q]!;
      const oldBlk = ib[q]!;
      if (oldLen === len && oldBlk === blk && ik[q] === kD && ikx[q] === kX) return;
      il[q] = len;
      ib[q] = blk;
      ik[q] = kD;
      ikx[q] = kX;
      const g = this.iParent[p]!;
      // The root's summary is stored nowhere.
      if (g < 0) return;
      const gq = this.slotOf(g, p, false);
      const pLen = il[gq]!;
      const pBlk = ib[gq]!;
      if ((len < pLen && oldLen >= pLen) || (blk < pBlk && oldBlk >= pBlk)) {
        this.innerSum(p);
        len = this.sLen;
        blk = this.sBlk;
      } else {
        if (len < pLen) len = pLen;
        if (blk < pBlk) blk = pBlk;
      }
      kD = ik[p << SHIFT]!;
      kX = ikx[p << SHIFT]!;
      node = p;
      leaf = false;
      p = g;
    }
  }

  // ------------------------------------------------------------ structure

  /**
   * Inserts a segment `(d, x, kind)` at slot i of leaf l (0 < i <= count),
   * splitting a full leaf. Summaries of l are left to the caller's updateUp;
   * returns the new segment's position.
   */
  private insertAt(l: number, i: number, d: number, x: number, kind: number): number {
    if (this.lCount[l] === B) {
      const r = this.splitLeaf(l, i);
      const c = this.lCount[l]!;
      if (i > c) {
        l = r;
        i -= c;
      }
    }
    const base = l << SHIFT;
    const c = this.lCount[l]!;
    const ls = this.ls;
    const lm = this.lm;
    // perf: within one leaf (<= 32 slots) an element loop beats copyWithin, whose call costs ~30 ns per array (bench W1, W2).
    for (let k = base + c; k > base + i; k--) {
      ls[k] = ls[k - 1]!;
      lm[k] = lm[k - 1]!;
    }
    ls[base + i] = d;
    lm[base + i] = x | (kind << KS);
    const lv = this.lv;
    if (lv.length !== 0) {
      for (let k = base + c; k > base + i; k--) lv[k] = lv[k - 1];
      lv[base + i] = undefined;
    }
    this.lCount[l] = c + 1;
    // c < B here, so bit c-1 <= 30 and the high part never shifts out.
    const m = this.lFree[l]!;
    this.lFree[l] = (i === 0 ? 0 : m & (-1 >>> (32 - i))) | ((m >>> i) << (i + 1)) | (kind === FREE ? 1 << i : 0);
    if (kind !== HOLE) this.ranges++;
    return base + i;
  }

  /** Splits full leaf l (an insert is coming at slot i); returns the new right leaf. */
  private splitLeaf(l: number, i: number): number {
    const r = this.newLeaf();
    // perf: an insert at the end (the usual allocation frontier) keeps the left leaf nearly full (memory).
    const mid = i >= B - 4 ? B - 4 : B >> 1;
    this.moveEntries(l, mid, r, 0, B - mid);
    this.lCount[l] = mid;
    this.lCount[r] = B - mid;
    this.remask(l);
    this.remask(r);
    const n = this.lNext[l]!;
    this.lNext[r] = n;
    this.lPrev[r] = l;
    if (n >= 0) this.lPrev[n] = r;
    this.lNext[l] = r;
    this.attachAfter(l, r, true);
    return r;
  }

  /** Moves `count` segments from slot i of leaf `from` to slot j of leaf `to` (ranges may overlap). */
  private moveEntries(from: number, i: number, to: number, j: number, count: number): void {
    const a = (from << SHIFT) + i;
    const b = (to << SHIFT) + j;
    // perf: a builtin, not a JS loop: splits and merges are rare, and a loop here would get hot and be compiled late in a fresh process (bench --fresh-reps).
    this.ls.copyWithin(b, a, a + count);
    this.lm.copyWithin(b, a, a + count);
    const lv = this.lv;
    if (lv.length !== 0) {
      // An element loop: copyWithin on a JS array takes the generic path.
      if (b > a) for (let k = count - 1; k >= 0; k--) lv[b + k] = lv[a + k];
      else for (let k = 0; k < count; k++) lv[b + k] = lv[a + k];
      // The slots left behind drop their values.
      const from = b > a ? a : Math.max(a, b + count);
      const to = b > a ? Math.min(a + count, b) : a + count;
      for (let k = from; k < to; k++) lv[k] = undefined;
    }
  }

  /** Links the new node r (a leaf when `leaf`) as the next sibling of node l, and refreshes both. */
  private attachAfter(l: number, r: number, leaf: boolean): void {
    let p = leaf ? this.lParent[l]! : this.iParent[l]!;
    if (p < 0) {
      p = this.newInner();
      this.iLeafKids[p] = leaf ? 1 : 0;
      this.place(p << SHIFT, l);
      this.iCount[p] = 1;
      this.setParent(l, p, leaf);
      this.root = p;
      this.height++;
    }
    const q = this.slotOf(p, l, leaf) + 1;
    if (this.iCount[p] === B) {
      this.splitInner(p, q - (p << SHIFT));
      p = leaf ? this.lParent[l]! : this.iParent[l]!;
    }
    const j = this.slotOf(p, l, leaf) + 1 - (p << SHIFT);
    this.insertSlot(p, j, r);
    this.setParent(r, p, leaf);
    this.updateUp(l, leaf);
    this.updateUp(r, leaf);
    this.updateUp(p, false);
  }

  private setParent(child: number, p: number, leaf: boolean): void {
    if (leaf) this.lParent[child] = p;
    else this.iParent[child] = p;
  }

  /** Opens slot j of inner node p for child (summaries written by the caller's updateUp). */
  private insertSlot(p: number, j: number, child: number): void {
    const base = p << SHIFT;
    const c = this.iCount[p]!;
    this.moveSlots(base + j, base + j + 1, c - j);
    this.place(base + j, child);
    this.il[base + j] = -1;
    this.ib[base + j] = 0;
    this.ik[base + j] = -1;
    this.ikx[base + j] = 0;
    this.iCount[p] = c + 1;
  }

  /**
   * Moves inner slots `[a, a + count)` to `b` (ranges may overlap; the
   * destination node's children level decides which slot records change).
   */
  private moveSlots(a: number, b: number, count: number): void {
    // An insert after the last slot (the usual split) moves nothing.
    if (count === 0) return;
    // perf: builtins, not a loop of per-slot calls: splits and merges are rare, and such helpers
    // would get hot and be compiled late in a fresh process (bench --fresh-reps).
    this.ik.copyWithin(b, a, a + count);
    this.ikx.copyWithin(b, a, a + count);
    this.ic.copyWithin(b, a, a + count);
    this.il.copyWithin(b, a, a + count);
    this.ib.copyWithin(b, a, a + count);
    const ic = this.ic;
    const slots = this.iLeafKids[b >> SHIFT] === 1 ? this.lSlot : this.iSlot;
    for (let k = b; k < b + count; k++) slots[ic[k]!] = k & (B - 1);
  }

  /** True when inner node k's children are leaves. */
  private kidsAreLeaves(k: number): boolean {
    return this.iLeafKids[k] === 1;
  }

  /** Splits full inner node p (an insert is coming at slot j). */
  private splitInner(p: number, j: number): void {
    const leafKids = this.kidsAreLeaves(p);
    const r = this.newInner();
    this.iLeafKids[r] = leafKids ? 1 : 0;
    const mid = j >= B - 4 ? B - 4 : B >> 1;
    const a = p << SHIFT;
    const b = r << SHIFT;
    this.moveSlots(a + mid, b, B - mid);
    for (let k = 0; k < B - mid; k++) this.setParent(this.ic[b + k]!, r, leafKids);
    this.iCount[p] = mid;
    this.iCount[r] = B - mid;
    this.attachAfter(p, r, false);
  }

  /** Removes slot j of inner node p. */
  private removeSlot(p: number, j: number): void {
    const base = p << SHIFT;
    const c = this.iCount[p]!;
    this.moveSlots(base + j + 1, base + j, c - j - 1);
    this.iCount[p] = c - 1;
  }

  /** Sets the kind of the segment at pos, keeping the leaf's free mask. */
  private setKind(pos: number, kind: number): void {
    this.lm[pos] = (this.lm[pos]! & XM) | (kind << KS);
    const l = pos >> SHIFT;
    const bit = 1 << (pos & (B - 1));
    this.lFree[l] = kind === FREE ? this.lFree[l]! | bit : this.lFree[l]! & ~bit;
  }

  /** Recomputes the free mask of leaf l from its kinds (after entries moved in bulk). */
  private remask(l: number): void {
    const base = l << SHIFT;
    let m = 0;
    for (let i = this.lCount[l]! - 1; i >= 0; i--) if (this.lm[base + i]! >> KS === FREE) m |= 1 << i;
    this.lFree[l] = m;
  }

  /** Removes the segment at pos without rebalancing (see settle). */
  private deleteAt(pos: number): void {
    const l = pos >> SHIFT;
    if (this.lm[pos]! >> KS !== HOLE) this.ranges--;
    const end = (l << SHIFT) + this.lCount[l]! - 1;
    const ls = this.ls;
    const lm = this.lm;
    // perf: an element loop, as in insertAt.
    for (let k = pos; k < end; k++) {
      ls[k] = ls[k + 1]!;
      lm[k] = lm[k + 1]!;
    }
    const lv = this.lv;
    if (lv.length !== 0) {
      for (let k = pos; k < end; k++) lv[k] = lv[k + 1];
      lv[end] = undefined;
    }
    const i = pos & (B - 1);
    const m = this.lFree[l]!;
    this.lFree[l] = (i === 0 ? 0 : m & (-1 >>> (32 - i))) | (i === B - 1 ? 0 : (m >>> (i + 1)) << i);
    this.lCount[l] = this.lCount[l]! - 1;
  }

  /** Rebalances leaf l after deletions (merge or borrow below B/4) and refreshes it. */
  private settle(l: number): void {
    if (this.lParent[l] === -2) return;
    const p = this.lParent[l]!;
    if (p < 0 || this.lCount[l]! >= MIN_FILL) {
      this.updateUp(l, true);
      return;
    }
    const q = this.slotOf(p, l, true);
    const j = q - (p << SHIFT);
    const c = this.iCount[p]!;
    if (c < 2) {
      this.updateUp(l, true);
      return;
    }
    const a = j + 1 < c ? l : this.ic[q - 1]!;
    const b = j + 1 < c ? this.ic[q + 1]! : l;
    const ca = this.lCount[a]!;
    const cb = this.lCount[b]!;
    if (ca + cb <= MERGE_LIMIT) {
      // perf: the smaller leaf's segments join the larger one, so most leaf locators that
      // returned Ranges carry stay right (bench W1: frees in allocation order).
      let keep = a;
      let gone = b;
      if (ca >= cb) this.moveEntries(b, 0, a, ca, cb);
      else {
        this.moveEntries(b, 0, b, ca, cb);
        this.moveEntries(a, 0, b, 0, ca);
        keep = b;
        gone = a;
      }
      this.lCount[keep] = ca + cb;
      this.remask(keep);
      const before = this.lPrev[gone]!;
      const after = this.lNext[gone]!;
      if (before >= 0) this.lNext[before] = after;
      if (after >= 0) this.lPrev[after] = before;
      this.removeSlot(p, this.lSlot[gone]!);
      this.releaseLeaf(gone);
      this.updateUp(keep, true);
      this.settleInner(p);
      return;
    }
    const half = (ca + cb) >> 1;
    if (ca < half) {
      const k = half - ca;
      this.moveEntries(b, 0, a, ca, k);
      this.moveEntries(b, k, b, 0, cb - k);
    } else {
      const k = ca - half;
      this.moveEntries(b, 0, b, k, cb);
      this.moveEntries(a, half, b, 0, k);
    }
    this.lCount[a] = half;
    this.lCount[b] = ca + cb - half;
    this.remask(a);
    this.remask(b);
    this.updateUp(a, true);
    this.updateUp(b, true);
  }

  /** Rebalances inner node p after it lost a child, collapsing the root when it has one child. */
  private settleInner(p: number): void {
    const g = this.iParent[p]!;
    if (g < 0) {
      if (this.iCount[p] === 1 && this.height > 0) {
        const only = this.ic[p << SHIFT]!;
        this.height--;
        this.setParent(only, -1, this.height === 0);
        this.root = only;
        this.releaseInner(p);
        return;
      }
      this.updateUp(p, false);
      return;
    }
    if (this.iCount[p]! >= MIN_FILL) {
      this.updateUp(p, false);
      return;
    }
    const leafKids = this.kidsAreLeaves(p);
    const q = this.slotOf(g, p, false);
    const j = q - (g << SHIFT);
    const c = this.iCount[g]!;
    const a = j + 1 < c ? p : this.ic[q - 1]!;
    const b = j + 1 < c ? this.ic[q + 1]! : p;
    const ca = this.iCount[a]!;
    const cb = this.iCount[b]!;
    const A = a << SHIFT;
    const Bb = b << SHIFT;
    if (ca + cb <= MERGE_LIMIT) {
      this.moveSlots(Bb, A + ca, cb);
      for (let k = 0; k < cb; k++) this.setParent(this.ic[A + ca + k]!, a, leafKids);
      this.iCount[a] = ca + cb;
      this.removeSlot(g, this.iSlot[b]!);
      this.releaseInner(b);
      this.updateUp(a, false);
      this.settleInner(g);
      return;
    }
    const half = (ca + cb) >> 1;
    if (ca < half) {
      const k = half - ca;
      this.moveSlots(Bb, A + ca, k);
      for (let t = 0; t < k; t++) this.setParent(this.ic[A + ca + t]!, a, leafKids);
      this.moveSlots(Bb + k, Bb, cb - k);
    } else {
      const k = ca - half;
      this.moveSlots(Bb, Bb + k, cb);
      this.moveSlots(A + half, Bb, k);
      for (let t = 0; t < k; t++) this.setParent(this.ic[Bb + t]!, b, leafKids);
    }
    this.iCount[a] = half;
    this.iCount[b] = ca + cb - half;
    this.updateUp(a, false);
    this.updateUp(b, false);
  }

  // ------------------------------------------------------------ bookkeeping

  /** A free segment `[s, n)` appears (sign 1) or goes (sign -1). */
  private noteFree(sign: number, sD: number, sX: number, nD: number, nX: number): void {
    this.freeSegments += sign;
    this.noteFreeLength(sign, sD, sX, nD, nX);
    if (this.sizeIndex !== NO_INDEX) {
      if (sign > 0) this.sizeIndex.add(sD, sX, nD, nX);
      else this.sizeIndex.remove(sD, sX, nD, nX);
    }
  }

  /** The free length grows (sign 1) or shrinks (sign -1) by the length of `[s, n)`. */
  private noteFreeLength(sign: number, sD: number, sX: number, nD: number, nX: number): void {
    if (nD < TWO_53 && nD - sD <= TWO_52) {
      const f = this.freeSmall + sign * (nD - sD);
      if (f > TWO_52 || f < -TWO_52) {
        this.freeBig += BigInt(f);
        this.freeSmall = 0;
      } else {
        this.freeSmall = f;
      }
    } else {
      const len = toBig(nD, nX) - toBig(sD, sX);
      this.freeBig += sign > 0 ? len : -len;
    }
  }

  /** The best-fit index after carve: free `[s, n)` gives way to the pieces `[s, f)` and `[e, n)` that are not empty. */
  private indexCarve(sD: number, sX: number, fD: number, fX: number, eD: number, eX: number, nD: number, nX: number): void {
    const index = this.sizeIndex;
    index.remove(sD, sX, nD, nX);
    if (fD !== sD || fX !== sX) index.add(sD, sX, fD, fX);
    if (eD !== nD || eX !== nX) index.add(eD, eX, nD, nX);
  }

  /** The best-fit index after release of `[s, n)`: the free neighbours `[m, s)` and `[n, e)` that are not empty merge with it into `[m, e)`. */
  private indexRelease(mD: number, mX: number, sD: number, sX: number, nD: number, nX: number, eD: number, eX: number): void {
    const index = this.sizeIndex;
    if (mD !== sD || mX !== sX) index.remove(mD, mX, sD, sX);
    if (eD !== nD || eX !== nX) index.remove(nD, nX, eD, eX);
    index.add(mD, mX, eD, eX);
  }

  /** A range `[s, n)` enters (sign 1) or leaves (sign -1) the pool. */
  private noteTotal(sign: number, sD: number, sX: number, nD: number, nX: number): void {
    if (nD < TWO_53 && nD - sD <= TWO_52) {
      const t = this.totalSmall + sign * (nD - sD);
      if (t > TWO_52 || t < -TWO_52) {
        this.totalBig += BigInt(t);
        this.totalSmall = 0;
      } else {
        this.totalSmall = t;
      }
    } else {
      const len = toBig(nD, nX) - toBig(sD, sX);
      this.totalBig += sign > 0 ? len : -len;
    }
  }

  // ------------------------------------------------------------ allocation

  /** Sets the request for the next find: size, align (power of two, 1 = none), window `[wl, wh]`. */
  setRequest(sizeD: number, sizeX: number, alignD: number, wlD: number, wlX: number, whD: number, whX: number): void {
    this.cSizeD = sizeD;
    this.cSizeX = sizeX;
    this.cAlignD = alignD;
    this.cAlignInv = 1 / alignD;
    this.cWlD = wlD;
    this.cWlX = wlX;
    this.cWhD = whD;
    this.cWhX = whX;
    const sizeLog = log2Floor(sizeD);
    const alignLog = log2Floor(alignD);
    this.cBlk = 1 + (sizeLog < alignLog ? sizeLog : alignLog);
    this.cFast = sizeD < TWO_53 && alignD < TWO_53 && wlD < TWO_53;
    this.cWindowed = wlD !== 0 || whD < TWO_64 - 2048;
  }

  /** Writes the request being served to `out[at .. at + REQUEST_FIELDS)`, for {@link loadRequest}. */
  saveRequest(out: Float64Array, at: number): void {
    out[at] = this.cSizeD;
    out[at + 1] = this.cSizeX;
    out[at + 2] = this.cAlignD;
    out[at + 3] = this.cAlignInv;
    out[at + 4] = this.cWlD;
    out[at + 5] = this.cWlX;
    out[at + 6] = this.cWhD;
    out[at + 7] = this.cWhX;
    out[at + 8] = this.cBlk;
    out[at + 9] = this.cFast ? 1 : 0;
    out[at + 10] = this.cWindowed ? 1 : 0;
  }

  /** Serves again a request that {@link saveRequest} wrote (no conversion, no logarithms). */
  loadRequest(src: Float64Array, at: number): void {
    this.cSizeD = src[at]!;
    this.cSizeX = src[at + 1]!;
    this.cAlignD = src[at + 2]!;
    this.cAlignInv = src[at + 3]!;
    this.cWlD = src[at + 4]!;
    this.cWlX = src[at + 5]!;
    this.cWhD = src[at + 6]!;
    this.cWhX = src[at + 7]!;
    this.cBlk = src[at + 8]!;
    this.cFast = src[at + 9] === 1;
    this.cWindowed = src[at + 10] === 1;
  }

  /** Whether free segment `[s, n)` holds the request; if so its lowest start goes to fit*. */
  fitsFirst(sD: number, sX: number, nD: number, nX: number): boolean {
    if (this.cFast && nD < TWO_53) {
      const lo = sD < this.cWlD ? this.cWlD : sD;
      let hi = nD - 1;
      if (this.cWhD < hi) hi = this.cWhD;
      const a = this.cAlignD;
      let start = lo;
      if (a !== 1) {
        const r = modPow2(lo, a, this.cAlignInv);
        if (r !== 0) start = lo - r + a;
      }
      if (start + this.cSizeD - 1 > hi) return false;
      this.fitD = start;
      this.fitX = 0;
      return true;
    }
    const s = toBig(sD, sX);
    const wl = toBig(this.cWlD, this.cWlX);
    const wh = toBig(this.cWhD, this.cWhX);
    const lo = s > wl ? s : wl;
    let hi = toBig(nD, nX) - 1n;
    if (wh < hi) hi = wh;
    const a = BigInt(this.cAlignD);
    const start = ((lo + a - 1n) / a) * a;
    if (start + toBig(this.cSizeD, this.cSizeX) - 1n > hi) return false;
    fromBig(start);
    this.fitD = OUT.d;
    this.fitX = OUT.x;
    return true;
  }

  /** Whether free segment `[s, n)` holds the request; if so its highest start goes to fit*. */
  private fitsLast(sD: number, sX: number, nD: number, nX: number): boolean {
    if (this.cFast && nD < TWO_53) {
      const lo = sD < this.cWlD ? this.cWlD : sD;
      let hi = nD - 1;
      if (this.cWhD < hi) hi = this.cWhD;
      const t = hi - this.cSizeD + 1;
      if (t < lo) return false;
      const a = this.cAlignD;
      const start = a === 1 ? t : t - modPow2(t, a, this.cAlignInv);
      if (start < lo) return false;
      this.fitD = start;
      this.fitX = 0;
      return true;
    }
    const s = toBig(sD, sX);
    const wl = toBig(this.cWlD, this.cWlX);
    const wh = toBig(this.cWhD, this.cWhX);
    const lo = s > wl ? s : wl;
    let hi = toBig(nD, nX) - 1n;
    if (wh < hi) hi = wh;
    const t = hi - toBig(this.cSizeD, this.cSizeX) + 1n;
    if (t < lo) return false;
    const a = BigInt(this.cAlignD);
    const start = t - (t % a);
    if (start < lo) return false;
    fromBig(start);
    this.fitD = OUT.d;
    this.fitX = OUT.x;
    return true;
  }

  /** The position of the lowest free segment that fits (start in fit*), or -1. */
  findFirst(): number {
    return this.find(true);
  }

  /** The position of the highest free segment that fits (start in fit*), or -1. */
  findLast(): number {
    return this.find(false);
  }

  /**
   * Walks the children in address order (reversed for last match) with a
   * preallocated stack, entering only those whose summaries can hold the
   * request and that meet the window; each leaf reached tests its free
   * segments exactly. A leaf or child past the window ends the whole walk.
   */
  private find(lowestFirst: boolean): number {
    const il = this.il;
    const ib = this.ib;
    const ik = this.ik;
    const need = this.cSizeD;
    const needBlk = this.cBlk;
    const windowed = this.cWindowed;
    const wlD = this.cWlD;
    const whD = this.cWhD;
    let node = this.root;
    let h = this.height;
    let top = 0;
    // Next slot to look at in `node`; -1 for "start from the far end" (last match).
    let j = lowestFirst ? 0 : -1;
    for (;;) {
      if (h === 0) {
        const r = lowestFirst ? this.firstInLeaf(node) : this.lastInLeaf(node);
        if (r >= 0) return r;
        if (r === -2 || top === 0) return -1;
        top--;
        node = STACK_NODE[top]!;
        j = STACK_SLOT[top]! + (lowestFirst ? 1 : -1);
        h++;
        if (!lowestFirst && j < 0) j = -2;
        continue;
      }
      const base = node << SHIFT;
      const c = this.iCount[node]!;
      let found = -1;
      if (lowestFirst) {
        for (; j < c; j++) {
          const q = base + j;
          if (il[q]! < need || ib[q]! < needBlk) continue;
          if (windowed) {
            if (ik[q]! > whD) return -1;
            if (j + 1 < c && ik[q + 1]! < wlD) continue;
          }
          found = j;
          break;
        }
      } else {
        if (j === -1) j = c - 1;
        for (; j >= 0; j--) {
          const q = base + j;
          if (il[q]! < need || ib[q]! < needBlk) continue;
          if (windowed) {
            if (ik[q]! > whD) continue;
            if (j + 1 < c && ik[q + 1]! < wlD) return -1;
          }
          found = j;
          break;
        }
      }
      if (found < 0) {
        if (top === 0) return -1;
        top--;
        node = STACK_NODE[top]!;
        j = STACK_SLOT[top]! + (lowestFirst ? 1 : -1);
        h++;
        if (!lowestFirst && j < 0) j = -2;
        continue;
      }
      STACK_NODE[top] = node;
      STACK_SLOT[top] = found;
      top++;
      node = this.ic[base + found]!;
      h--;
      j = lowestFirst ? 0 : -1;
    }
  }

  private firstInLeaf(l: number): number {
    const base = l << SHIFT;
    const c = this.lCount[l]!;
    const ls = this.ls;
    for (let m = this.lFree[l]!; m !== 0; ) {
      const i = 31 - Math.clz32(m & -m);
      m &= m - 1;
      const sD = ls[base + i]!;
      if (sD > this.cWhD) return -2;
      let nD: number;
      let nX: number;
      if (i + 1 < c) {
        nD = ls[base + i + 1]!;
        nX = this.lm[base + i + 1]! & XM;
      } else {
        this.leafEnd(l);
        nD = this.outEndD;
        nX = this.outEndX;
      }
      if (this.fitsFirst(sD, this.lm[base + i]! & XM, nD, nX)) return base + i;
    }
    return -1;
  }

  private lastInLeaf(l: number): number {
    const base = l << SHIFT;
    const c = this.lCount[l]!;
    for (let m = this.lFree[l]!; m !== 0; ) {
      const i = 31 - Math.clz32(m);
      m ^= 1 << i;
      let nD: number;
      let nX: number;
      if (i + 1 < c) {
        nD = this.ls[base + i + 1]!;
        nX = this.lm[base + i + 1]! & XM;
      } else {
        this.leafEnd(l);
        nD = this.outEndD;
        nX = this.outEndX;
      }
      if (nD < this.cWlD) return -2;
      const sD = this.ls[base + i]!;
      if (sD <= this.cWhD && this.fitsLast(sD, this.lm[base + i]! & XM, nD, nX)) return base + i;
    }
    return -1;
  }

  /** The position of the smallest free segment that fits, ties to the lowest (start in fit*), or -1. */
  findBest(): number {
    let index = this.sizeIndex;
    if (index === NO_INDEX) {
      index = this.sizeIndex = new SizeIndex(2);
      for (let p = this.first(); p >= 0; p = this.next(p)) {
        if (this.lm[p]! >> KS !== FREE) continue;
        this.end(p);
        index.add(this.ls[p]!, this.lm[p]! & XM, this.outEndD, this.outEndX);
      }
    }
    for (let ok = index.seek(this.cSizeD, this.cSizeX); ok; ok = index.advance()) {
      if (this.fitsFirst(index.curSD, index.curSX, index.curND, index.curNX)) return this.locate(index.curSD, index.curSX);
    }
    return -1;
  }

  // ------------------------------------------------------------ changes

  /**
   * Carves `[fit, fit + size)` out of the free segment at pos (found by a
   * find*) and marks it ALLOCATED; returns the allocated segment's position.
   */
  carve(pos: number): number {
    this.version++;
    const fD = this.fitD;
    const fX = this.fitX;
    let eD: number;
    let eX: number;
    if (fD + this.cSizeD < TWO_53 && this.cSizeX === 0) {
      eD = fD + this.cSizeD;
      eX = 0;
    } else {
      fromBig(toBig(fD, fX) + toBig(this.cSizeD, this.cSizeX));
      eD = OUT.d;
      eX = OUT.x;
    }
    const sD = this.ls[pos]!;
    const sX = this.lm[pos]! & XM;
    this.end(pos);
    const nD = this.outEndD;
    const nX = this.outEndX;
    const l = pos >> SHIFT;
    const i = pos & (B - 1);
    const atStart = fD === sD && fX === sX;
    const atEnd = eD === nD && eX === nX;
    // perf: the counters change by the block carved and the pieces left, in one step (bench W1-W3).
    this.noteFreeLength(-1, fD, fX, eD, eX);
    this.freeSegments += (atStart ? 0 : 1) + (atEnd ? 0 : 1) - 1;
    if (this.sizeIndex !== NO_INDEX) this.indexCarve(sD, sX, fD, fX, eD, eX, nD, nX);
    // perf: the pieces left are shorter than the segment carved, so when it held
    // neither maximum of its leaf and the leaf does not split, no summary changes (bench W2, W3).
    const quiet = this.holdsNoMaximum(l, sD, sX, nD, nX, (atStart ? 0 : 1) + (atEnd ? 0 : 1));
    let taken: number;
    // Every leaf from the one of `from` (-1: the segment before taken) to the one of `to` is refreshed.
    let from = -1;
    let to: number;
    if (atStart) {
      this.setKind(pos, ALLOCATED);
      if (atEnd) {
        if (!quiet) this.updateUp(l, true);
        return pos;
      }
      to = this.insertAt(l, i + 1, eD, eX, FREE);
      taken = this.prev(to);
      from = taken;
    } else {
      taken = this.insertAt(l, i + 1, fD, fX, ALLOCATED);
      to = taken;
      if (!atEnd) {
        to = this.insertAt(taken >> SHIFT, (taken & (B - 1)) + 1, eD, eX, FREE);
        taken = this.prev(to);
      }
    }
    if (quiet) return taken;
    if (from < 0) from = this.prev(taken);
    // perf: a loop here, not a helper: one called from carve would get hot and be compiled late in a fresh process (bench --fresh-reps).
    const last = to >> SHIFT;
    for (let leaf = from >> SHIFT; ; leaf = this.lNext[leaf]!) {
      this.updateUp(leaf, true);
      if (leaf === last) return taken;
    }
  }

  /**
   * True when free segment `[s, n)` of leaf l is below both summaries its
   * parent holds for l (or l is the root: nothing is stored) and l has room
   * for `inserts` more segments.
   */
  private holdsNoMaximum(l: number, sD: number, sX: number, nD: number, nX: number, inserts: number): boolean {
    if (this.lCount[l]! + inserts > B) return false;
    const p = this.lParent[l]!;
    if (p < 0) return true;
    const q = this.slotOf(p, l, true);
    const len = lengthOf(sD, sX, nD, nX);
    if (!(len < this.il[q]!)) return false;
    const cap = this.ib[q]!;
    // A block of 2^(k-1) needs a length of at least 2^(k-1) (len is never below the true length).
    return cap > 0 && (POW2[cap - 1]! > len || blockOf(sD, sX, nD, nX) < cap);
  }

  /** Refreshes the leaf of pos and, when pos starts its leaf, the leaf before it. */
  private refreshAround(pos: number): void {
    const l = pos >> SHIFT;
    this.updateUp(l, true);
    const p = this.lPrev[l]!;
    if (p >= 0 && (pos & (B - 1)) === 0) this.updateUp(p, true);
  }

  /** Frees the ALLOCATED or VALUED segment at pos, merging it with free neighbours. */
  release(pos: number): void {
    this.version++;
    const sD = this.ls[pos]!;
    const sX = this.lm[pos]! & XM;
    this.end(pos);
    const nD = this.outEndD;
    const nX = this.outEndX;
    const p = this.prev(pos);
    const q = this.next(pos);
    const mergePrev = p >= 0 && this.lm[p]! >> KS === FREE;
    const mergeNext = q >= 0 && this.lm[q]! >> KS === FREE;
    let mD = sD;
    let mX = sX;
    let eD = nD;
    let eX = nX;
    if (mergePrev) {
      mD = this.ls[p]!;
      mX = this.lm[p]! & XM;
    }
    if (mergeNext) {
      this.end(q);
      eD = this.outEndD;
      eX = this.outEndX;
    }
    // perf: the counters change by the segment freed and the merges, in one step (bench W1-W3).
    this.noteFreeLength(1, sD, sX, nD, nX);
    this.freeSegments += 1 - (mergePrev ? 1 : 0) - (mergeNext ? 1 : 0);
    if (this.sizeIndex !== NO_INDEX) this.indexRelease(mD, mX, sD, sX, nD, nX, eD, eX);
    const l = pos >> SHIFT;
    const ql = q >> SHIFT;
    const pl = p >> SHIFT;
    if (mergeNext) this.deleteAt(q);
    if (mergePrev) this.deleteAt(pos);
    else this.setKind(pos, FREE);
    if ((!mergeNext || ql === l) && (!mergePrev || pl === l) && (this.lCount[l]! >= MIN_FILL || this.lParent[l]! < 0)) {
      // perf: merging only grows free space inside one leaf, so its summary
      // can only rise: no rescan, and the walk stops where it already holds (bench W1-W3).
      this.raiseUp(l, lengthOf(mD, mX, eD, eX), blockOf(mD, mX, eD, eX));
      return;
    }
    this.settle(l);
    if (mergeNext && ql !== l) this.settle(ql);
    if (mergePrev && pl !== l && this.isLeaf(pl)) this.updateUp(pl, true);
  }

  /** Raises the summaries above leaf l to at least (len, blk), stopping where they already are. */
  private raiseUp(l: number, len: number, blk: number): void {
    let node = l;
    let p = this.lParent[l]!;
    let leaf = true;
    while (p >= 0) {
      const q = this.slotOf(p, node, leaf);
      leaf = false;
      const a = this.il[q]!;
      const b = this.ib[q]!;
      if (a >= len && b >= blk) return;
      if (a < len) this.il[q] = len;
      if (b < blk) this.ib[q] = blk;
      node = p;
      p = this.iParent[p]!;
    }
  }

  /** Marks the taken segment at pos VALUED or ALLOCATED (no summary depends on it). */
  setTaken(pos: number, kind: number): void {
    this.setKind(pos, kind);
  }

  /** Stores the value of the VALUED segment at pos. */
  setValue(pos: number, value: unknown): void {
    if (this.lv.length === 0) this.lv = valuesCopy(NO_VALUES, this.lCount.length * B);
    this.lv[pos] = value;
  }

  /** Removes and returns the value stored at pos (undefined when there is none). */
  takeValue(pos: number): unknown {
    const lv = this.lv;
    if (lv.length === 0) return undefined;
    const value = lv[pos];
    lv[pos] = undefined;
    return value;
  }

  /**
   * Adds `[s, n)` of `kind` (FREE, ALLOCATED or VALUED) inside the HOLE at
   * pos, which contains all of it; free space is merged with free neighbours.
   */
  fill(pos: number, sD: number, sX: number, nD: number, nX: number, kind: number, value: unknown): void {
    this.version++;
    this.noteTotal(1, sD, sX, nD, nX);
    if (kind === FREE) this.noteFree(1, sD, sX, nD, nX);
    this.end(pos);
    // The hole's tail first, so no summary ever sees the new segment run to the hole's end
    // (for a pool's first range, 2^64: the exact path, and a deopt of the summaries in every new pool).
    if (nD !== this.outEndD || nX !== this.outEndX) {
      this.refreshAround(this.insertAt(pos >> SHIFT, (pos & (B - 1)) + 1, nD, nX, HOLE));
      pos = this.locate(sD, sX);
    }
    let at: number;
    if (this.ls[pos] === sD && (this.lm[pos]! & XM) === sX) {
      this.setKind(pos, kind);
      this.ranges++;
      at = pos;
    } else {
      at = this.insertAt(pos >> SHIFT, (pos & (B - 1)) + 1, sD, sX, kind);
    }
    if (kind === VALUED) this.setValue(at, value);
    this.refreshAround(at);
    this.coalesce(sD, sX);
  }

  /** Turns the segment at pos into a HOLE (the space leaves the pool). */
  drop(pos: number): void {
    this.version++;
    const sD = this.ls[pos]!;
    const sX = this.lm[pos]! & XM;
    this.end(pos);
    this.noteTotal(-1, sD, sX, this.outEndD, this.outEndX);
    if (this.lm[pos]! >> KS === FREE) this.noteFree(-1, sD, sX, this.outEndD, this.outEndX);
    this.setKind(pos, HOLE);
    this.ranges--;
    this.updateUp(pos >> SHIFT, true);
    this.coalesce(sD, sX);
  }

  /** Merges the segment starting at `(d, x)` with neighbours of the same mergeable kind. */
  private coalesce(d: number, x: number): void {
    let pos = this.locate(d, x);
    const kind = this.lm[pos]! >> KS;
    if (kind !== FREE && kind !== HOLE) return;
    const q = this.next(pos);
    if (q >= 0 && this.lm[q]! >> KS === kind) {
      if (kind === FREE) {
        this.end(q);
        const eD = this.outEndD;
        const eX = this.outEndX;
        this.noteFree(-1, d, x, this.ls[q]!, this.lm[q]! & XM);
        this.noteFree(-1, this.ls[q]!, this.lm[q]! & XM, eD, eX);
        this.noteFree(1, d, x, eD, eX);
      }
      const l = q >> SHIFT;
      this.deleteAt(q);
      this.settle(l);
      pos = this.locate(d, x);
      this.updateUp(pos >> SHIFT, true);
    }
    const p = this.prev(pos);
    if (p >= 0 && this.lm[p]! >> KS === kind) {
      if (kind === FREE) {
        this.end(pos);
        const eD = this.outEndD;
        const eX = this.outEndX;
        this.noteFree(-1, this.ls[p]!, this.lm[p]! & XM, d, x);
        this.noteFree(-1, d, x, eD, eX);
        this.noteFree(1, this.ls[p]!, this.lm[p]! & XM, eD, eX);
      }
      const pD = this.ls[p]!;
      const pX = this.lm[p]! & XM;
      const l = pos >> SHIFT;
      this.deleteAt(pos);
      this.settle(l);
      const at = this.locate(pD, pX);
      this.updateUp(at >> SHIFT, true);
    }
  }

  /**
   * Moves the end of the taken segment at pos to `(eD, eX)`: into the free
   * segment after it (which the caller has checked is long enough) or back,
   * handing the space to the free segment after it (or a new one).
   */
  moveEnd(pos: number, eD: number, eX: number): void {
    this.version++;
    const sD = this.ls[pos]!;
    const sX = this.lm[pos]! & XM;
    this.end(pos);
    const nD = this.outEndD;
    const nX = this.outEndX;
    if (eD === nD && eX === nX) return;
    const q = this.next(pos);
    if (q >= 0 && this.lm[q]! >> KS === FREE) {
      this.end(q);
      const fD = this.outEndD;
      const fX = this.outEndX;
      this.noteFree(-1, nD, nX, fD, fX);
      if (eD === fD && eX === fX) {
        const l = q >> SHIFT;
        this.deleteAt(q);
        this.settle(l);
      } else {
        this.noteFree(1, eD, eX, fD, fX);
        this.ls[q] = eD;
        this.lm[q] = eX | (FREE << KS);
        this.refreshAround(q);
      }
    } else {
      this.noteFree(1, eD, eX, nD, nX);
      this.refreshAround(this.insertAt(pos >> SHIFT, (pos & (B - 1)) + 1, eD, eX, FREE));
    }
    const at = this.locate(sD, sX);
    this.updateUp(at >> SHIFT, true);
  }

  /**
   * Replaces the contents with `count` segments given in address order
   * (starts strictly increasing, the first at 0, kinds already coalesced),
   * bottom-up in O(n), counters included.
   */
  build(count: number, sD: Float64Array, sX: Uint16Array, kind: Uint8Array, values: readonly unknown[], valued: number): void {
    this.version++;
    this.sizeIndex = NO_INDEX;
    this.ranges = 0;
    this.freeSegments = 0;
    this.totalSmall = 0;
    this.totalBig = 0n;
    this.freeSmall = 0;
    this.freeBig = 0n;
    const per = MERGE_LIMIT;
    const leaves = Math.max(1, Math.ceil(count / per));
    // Inner nodes over all levels: leaves / per + leaves / per^2 + ... < leaves / (per - 1), plus a partial node per level.
    if (this.lCount.length < leaves) this.lay(leaves, Math.max(this.iCount.length, Math.ceil(leaves / (per - 1)) + 8));
    this.lv = valued === 0 ? NO_VALUES : valuesCopy(NO_VALUES, this.lCount.length * B);
    const ls = this.ls;
    const lm = this.lm;
    const lv = this.lv;
    // The next valued segment's value.
    let v = 0;
    this.leafTop = 0;
    this.leafReleased = -1;
    this.innerTop = 0;
    this.innerReleased = -1;
    let level: number[] = [];
    for (let k = 0; k < leaves; k++) {
      const l = this.newLeaf();
      const from = Math.floor((k * count) / leaves);
      const to = Math.floor(((k + 1) * count) / leaves);
      const at = (l << SHIFT) - from;
      let free = 0;
      for (let i = from; i < to; i++) {
        const t = kind[i]!;
        const d = sD[i]!;
        const x = sX[i]!;
        ls[at + i] = d;
        lm[at + i] = x | (t << KS);
        if (t === HOLE) continue;
        const nD = i + 1 < count ? sD[i + 1]! : TWO_64;
        const nX = i + 1 < count ? sX[i + 1]! : 0;
        this.ranges++;
        this.noteTotal(1, d, x, nD, nX);
        if (t === FREE) {
          free |= 1 << (i - from);
          this.noteFree(1, d, x, nD, nX);
        } else if (t === VALUED) lv[at + i] = values[v++];
      }
      this.lCount[l] = to - from;
      this.lFree[l] = free;
      if (k > 0) {
        this.lNext[l - 1] = l;
        this.lPrev[l] = l - 1;
      }
      level.push(l);
    }
    this.height = 0;
    let leafLevel = true;
    while (level.length > 1) {
      const groups = Math.ceil(level.length / per);
      const up: number[] = [];
      for (let g = 0; g < groups; g++) {
        const k = this.newInner();
        this.iLeafKids[k] = leafLevel ? 1 : 0;
        const from = Math.floor((g * level.length) / groups);
        const to = Math.floor(((g + 1) * level.length) / groups);
        for (let i = from; i < to; i++) {
          const child = level[i]!;
          const q = (k << SHIFT) + i - from;
          this.place(q, child);
          this.setParent(child, k, leafLevel);
          if (leafLevel) {
            this.leafSum(child);
            this.ik[q] = this.ls[child << SHIFT]!;
            this.ikx[q] = this.lm[child << SHIFT]! & XM;
          } else {
            this.innerSum(child);
            this.ik[q] = this.ik[child << SHIFT]!;
            this.ikx[q] = this.ikx[child << SHIFT]!;
          }
          this.il[q] = this.sLen;
          this.ib[q] = this.sBlk;
        }
        this.iCount[k] = to - from;
        up.push(k);
      }
      level = up;
      leafLevel = false;
      this.height++;
    }
    this.root = level[0]!;
    this.setParent(this.root, -1, this.height === 0);
  }

  /** The exact length of the largest free segment, 0n when none: children are entered only while their summary can beat the best so far. */
  largestFree(): bigint {
    let best = 0n;
    let bound = 0;
    // Pending (node, height) pairs; at most 32 per level.
    const nodes = new Int32Array(B * (this.height + 1));
    const heights = new Int32Array(B * (this.height + 1));
    const bounds = new Float64Array(B * (this.height + 1));
    let top = 0;
    nodes[top] = this.root;
    heights[top] = this.height;
    bounds[top] = Infinity;
    top++;
    while (top > 0) {
      top--;
      const node = nodes[top]!;
      const h = heights[top]!;
      if (bounds[top]! < bound) continue;
      if (h === 0) {
        for (let m = this.lFree[node]!; m !== 0; ) {
          const i = 31 - Math.clz32(m & -m);
          m &= m - 1;
          const p = (node << SHIFT) + i;
          this.end(p);
          const len = toBig(this.outEndD, this.outEndX) - toBig(this.ls[p]!, this.lm[p]! & XM);
          if (len > best) {
            best = len;
            bound = Number(len) - 4096;
          }
        }
        continue;
      }
      const base = node << SHIFT;
      for (let j = this.iCount[node]! - 1; j >= 0; j--) {
        const len = this.il[base + j]!;
        if (len < 0 || len < bound) continue;
        nodes[top] = this.ic[base + j]!;
        heights[top] = h - 1;
        bounds[top] = len;
        top++;
      }
    }
    return best;
  }

  /** A deep copy. */
  clone(): SegmentTree {
    const c = new SegmentTree(0, this);
    c.lv = this.lv.length === 0 ? NO_VALUES : this.lv.slice();
    c.root = this.root;
    c.height = this.height;
    c.ranges = this.ranges;
    c.freeSegments = this.freeSegments;
    c.totalSmall = this.totalSmall;
    c.totalBig = this.totalBig;
    c.freeSmall = this.freeSmall;
    c.freeBig = this.freeBig;
    c.sizeIndex = this.sizeIndex === NO_INDEX ? NO_INDEX : this.sizeIndex.clone();
    c.leafTop = this.leafTop;
    c.leafReleased = this.leafReleased;
    c.innerTop = this.innerTop;
    c.innerReleased = this.innerReleased;
    return c;
  }

  // ------------------------------------------------------------ checking

  /** Throws an Error naming the first broken invariant. */
  check(): void {
    // Structure: depth, parents, keys, summaries, fill.
    const leavesInOrder: number[] = [];
    const walk = (node: number, h: number, parent: number): void => {
      if (h === 0) {
        if (this.lParent[node] !== parent) fail(`leaf ${node}: parent ${this.lParent[node]} should be ${parent}`);
        const c = this.lCount[node]!;
        if (c < 1 || c > B) fail(`leaf ${node}: ${c} segments`);
        const m = this.lFree[node]!;
        this.remask(node);
        if (this.lFree[node] !== m) fail(`leaf ${node}: free mask is stale`);
        leavesInOrder.push(node);
        return;
      }
      if (this.iParent[node] !== parent) fail(`inner node ${node}: parent ${this.iParent[node]} should be ${parent}`);
      const c = this.iCount[node]!;
      if (c < (parent < 0 ? 2 : 1) || c > B) fail(`inner node ${node}: ${c} children`);
      for (let j = 0; j < c; j++) {
        const q = (node << SHIFT) + j;
        const child = this.ic[q]!;
        if (this.iLeafKids[node] !== (h === 1 ? 1 : 0)) fail(`inner node ${node}: wrong children level`);
        if ((h === 1 ? this.lSlot[child] : this.iSlot[child]) !== j) fail(`inner node ${node} slot ${j}: the child records another slot`);
        walk(child, h - 1, node);
        if (h === 1) {
          this.leafSum(child);
          if (this.ik[q] !== this.ls[child << SHIFT] || this.ikx[q] !== (this.lm[child << SHIFT]! & XM)) fail(`inner node ${node} slot ${j}: stale key`);
        } else {
          this.innerSum(child);
          if (this.ik[q] !== this.ik[child << SHIFT] || this.ikx[q] !== this.ikx[child << SHIFT]) fail(`inner node ${node} slot ${j}: stale key`);
        }
        if (this.il[q] !== this.sLen || this.ib[q] !== this.sBlk) fail(`inner node ${node} slot ${j}: stale summary`);
      }
    };
    walk(this.root, this.height, -1);
    const lv = this.lv;
    if (lv.length !== 0 && lv.length !== this.lCount.length * B) fail(`value table has ${lv.length} slots for ${this.lCount.length * B}`);
    const inUse = new Set(leavesInOrder);
    for (let p = 0; p < lv.length; p++) {
      const l = p >> SHIFT;
      const live = inUse.has(l) && (p & (B - 1)) < this.lCount[l]!;
      if (lv[p] !== undefined && !(live && this.lm[p]! >> KS === VALUED)) fail(`slot ${p}: a value is kept where no valued segment is`);
    }
    for (let k = 0; k < leavesInOrder.length; k++) {
      const l = leavesInOrder[k]!;
      if (this.lPrev[l] !== (k === 0 ? -1 : leavesInOrder[k - 1])) fail(`leaf ${l}: broken back link`);
      if (this.lNext[l] !== (k + 1 === leavesInOrder.length ? -1 : leavesInOrder[k + 1])) fail(`leaf ${l}: broken chain`);
    }
    // Sequence: order, first at 0, coalesced, counters, exact form.
    let ranges = 0;
    let free = 0;
    let total = 0n;
    let freeLen = 0n;
    const frees: [bigint, bigint][] = [];
    let prevKind = -1;
    let prevStart = -1n;
    for (let p = this.first(); p >= 0; p = this.next(p)) {
      const d = this.ls[p]!;
      const x = this.lm[p]! & XM;
      const s = toBig(d, x);
      fromBig(s);
      if (OUT.d !== d || OUT.x !== x) fail(`segment at ${s}: start not in canonical form`);
      if (prevStart < 0n ? s !== 0n : s <= prevStart) fail(`segment at ${s}: out of order`);
      const kind = this.lm[p]! >> KS;
      if (kind > HOLE) fail(`segment at ${s}: bad kind ${kind}`);
      if (kind === prevKind && (kind === FREE || kind === HOLE)) fail(`segment at ${s}: adjacent ${kind === FREE ? "free" : "hole"} segments not merged`);
      this.end(p);
      const n = toBig(this.outEndD, this.outEndX);
      if (kind !== HOLE) {
        ranges++;
        total += n - s;
      }
      if (kind === FREE) {
        free++;
        freeLen += n - s;
        frees.push([s, n]);
      }
      prevKind = kind;
      prevStart = s;
    }
    if (ranges !== this.ranges) fail(`range count ${this.ranges} should be ${ranges}`);
    if (free !== this.freeSegments) fail(`free segment count ${this.freeSegments} should be ${free}`);
    if (total !== this.totalBig + BigInt(this.totalSmall)) fail("total length counter is wrong");
    if (freeLen !== this.freeBig + BigInt(this.freeSmall)) fail("free length counter is wrong");
    if (this.sizeIndex !== NO_INDEX) {
      const keys = this.sizeIndex.keys();
      frees.sort((a, b) => (a[1] - a[0] < b[1] - b[0] ? -1 : a[1] - a[0] > b[1] - b[0] ? 1 : a[0] < b[0] ? -1 : 1));
      if (keys.length !== frees.length || keys.some((k, i) => k[0] !== frees[i]![0] || k[1] !== frees[i]![1]))
        fail("best-fit index disagrees with the free segments");
    }
  }

  /** Every segment as [start, end, kind] exact, in address order (for checks). */
  forEachSegment(fn: (pos: number, s: bigint, n: bigint, kind: number) => void): void {
    for (let p = this.first(); p >= 0; p = this.next(p)) {
      this.end(p);
      fn(p, toBig(this.ls[p]!, this.lm[p]! & XM), toBig(this.outEndD, this.outEndX), this.lm[p]! >> KS);
    }
  }
}

function fail(message: string): never {
  throw new Error(`IntervalTree invariant broken: ${message}`);
}

/**
 * The value table of a pool that has stored no value yet (see `lv`): empty,
 * but of the same element kind as a filled one, so the field keeps one type
 * from construction (no deoptimisation when a pool gets its first value).
 */
const NO_VALUES: unknown[] = new Array<unknown>(1).fill(undefined);
NO_VALUES.pop();

/** A value table of `n` slots holding `a` then undefined. */
function valuesCopy(a: readonly unknown[], n: number): unknown[] {
  const b = new Array<unknown>(n).fill(undefined);
  for (let i = 0; i < a.length; i++) b[i] = a[i];
  return b;
}

/** The next capacity: doubling while small (a fresh pool reaches its size in few copies), then x1.5 (memory). */
function grown(n: number): number {
  return n < 1024 ? 2 * n : Math.ceil(n * 1.5);
}
