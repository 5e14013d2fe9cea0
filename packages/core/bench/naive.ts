/**
 * A deliberately naive first-fit allocator: the baseline of the benchmarks and
 * an independent check of the workload port.
 *
 * Representation: the free extents as two sorted, parallel number arrays of
 * inclusive bounds (`lo[i] .. hi[i]`), never adjacent (always merged). Every
 * workload value is below 2^53, so plain numbers are exact.
 * Cost: allocate is a linear scan from the lowest extent (O(free extents));
 * free is a binary search plus `splice` (O(free extents) moves) and a merge.
 */
import type { AllocatorFactory, BenchAllocator, Request } from "./workloads.js";

/** A live allocation of the naive allocator. */
export interface NaiveRange {
  readonly min: number;
  readonly max: number;
}

export class NaiveFirstFit {
  private readonly lo: number[] = [];
  private readonly hi: number[] = [];

  constructor(poolMin: number, poolMax: number) {
    this.lo.push(poolMin);
    this.hi.push(poolMax);
  }

  /** Number of free extents. */
  get extents(): number {
    return this.lo.length;
  }

  /** Lowest `[start, start+size-1]` with `start % align == 0` inside `[wmin, wmax]` and a free extent. */
  allocate(size: number, align: number, wmin: number, wmax: number): NaiveRange | undefined {
    const lo = this.lo;
    const hi = this.hi;
    for (let i = 0; i < lo.length; i++) {
      const s = lo[i] as number;
      const e = hi[i] as number;
      if (e < wmin) continue;
      if (s > wmax) return undefined;
      const l = s > wmin ? s : wmin;
      const h = e < wmax ? e : wmax;
      const start = Math.ceil(l / align) * align; // exact: align is a power of two
      const end = start + size - 1;
      if (end > h) continue;
      if (start === s) {
        if (end === e) {
          lo.splice(i, 1);
          hi.splice(i, 1);
        } else {
          lo[i] = end + 1;
        }
      } else {
        hi[i] = start - 1;
        if (end !== e) {
          lo.splice(i + 1, 0, end + 1);
          hi.splice(i + 1, 0, e);
        }
      }
      return { min: start, max: end };
    }
    return undefined;
  }

  /** Returns `[min, max]` to the free extents, merged with free neighbours. */
  free(r: NaiveRange): void {
    const lo = this.lo;
    const hi = this.hi;
    const { min, max } = r;
    // First extent with lo > min.
    let a = 0;
    let b = lo.length;
    while (a < b) {
      const m = (a + b) >>> 1; // indices, not addresses
      if ((lo[m] as number) > min) b = m;
      else a = m + 1;
    }
    const prevAdj = a > 0 && (hi[a - 1] as number) + 1 === min;
    const nextAdj = a < lo.length && (lo[a] as number) === max + 1;
    if ((a > 0 && (hi[a - 1] as number) >= min) || (a < lo.length && (lo[a] as number) <= max)) {
      throw new Error(`naive: free of [${min}, ${max}] overlaps a free extent (double free?)`);
    }
    if (prevAdj && nextAdj) {
      hi[a - 1] = hi[a] as number;
      lo.splice(a, 1);
      hi.splice(a, 1);
    } else if (prevAdj) {
      hi[a - 1] = max;
    } else if (nextAdj) {
      lo[a] = min;
    } else {
      lo.splice(a, 0, min);
      hi.splice(a, 0, max);
    }
  }
}

const DOMAIN_MAX = Number.MAX_SAFE_INTEGER;

/** The naive baseline as a workload allocator. */
export const naiveFactory: AllocatorFactory = {
  name: "naive",
  create(poolMin: number, poolMax: number, requests: readonly Request[]): BenchAllocator {
    return new NaiveAllocator(new NaiveFirstFit(poolMin, poolMax), requests) as BenchAllocator;
  },
};

/** Prototype methods rather than closures, like the tree's adapter (see bench/tree.ts). */
class NaiveAllocator implements BenchAllocator<NaiveRange> {
  private readonly size: number[];
  private readonly align: number[];
  private readonly wmin: number[];
  private readonly wmax: number[];
  constructor(
    private readonly pool: NaiveFirstFit,
    requests: readonly Request[],
  ) {
    this.size = requests.map((r) => r.size);
    this.align = requests.map((r) => r.align);
    this.wmin = requests.map((r) => r.min ?? 0);
    this.wmax = requests.map((r) => r.max ?? DOMAIN_MAX);
  }
  allocate(req: number): NaiveRange | undefined {
    return this.pool.allocate(this.size[req] as number, this.align[req] as number, this.wmin[req] as number, this.wmax[req] as number);
  }
  free(r: NaiveRange): void {
    this.pool.free(r);
  }
  start(r: NaiveRange): number {
    return r.min;
  }
}
