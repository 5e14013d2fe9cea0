/**
 * `IntervalTree` from `@alloc/core` as a workload allocator: one prebuilt
 * `Constraint` per distinct request (first match), `free` with the very
 * `Range` that `allocate` returned.
 */
import { Constraint, Range } from "@alloc/constraint";
import { IntervalTree } from "@alloc/core";
import type { AllocatorFactory, BenchAllocator, Request } from "./workloads.js";

const TWO_32 = 4294967296;

/** Start of a range as a number; exact below 2^53 (every workload address is). */
function startOf(r: Range): number {
  return r.minHi * TWO_32 + r.minLo;
}

export function constraintsFor(requests: readonly Request[]): Constraint[] {
  return requests.map(
    (r) =>
      new Constraint({
        size: r.size,
        align: r.align,
        ...(r.min === undefined ? {} : { min: r.min }),
        ...(r.max === undefined ? {} : { max: r.max }),
      }),
  );
}

/** A fresh tree holding the single free range `[poolMin, poolMax]`. */
export function newPool(poolMin: number, poolMax: number): IntervalTree {
  return new IntervalTree().insert(new Range(poolMin, poolMax));
}

/**
 * The adapter is a class with prototype methods, not an object of closures:
 * optimised code that inlines a per-pool closure holds that pool as a
 * constant and is thrown away when the pool dies, which would make every
 * repetition after a collection re-warm the JIT (a benchmark artefact, not
 * something a long-lived VMM pool sees).
 */
class TreeAllocator implements BenchAllocator<Range> {
  constructor(
    private readonly tree: IntervalTree,
    private readonly constraints: readonly Constraint[],
  ) {}
  allocate(req: number): Range | undefined {
    return this.tree.allocate(this.constraints[req] as Constraint);
  }
  free(r: Range): void {
    this.tree.free(r);
  }
  start(r: Range): number {
    return startOf(r);
  }
}

export const treeFactory: AllocatorFactory = {
  name: "IntervalTree",
  create(poolMin: number, poolMax: number, requests: readonly Request[]): BenchAllocator {
    return new TreeAllocator(newPool(poolMin, poolMax), constraintsFor(requests)) as BenchAllocator;
  },
};
