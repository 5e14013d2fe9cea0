/**
 * `IntervalTree` from `@alloc/core` as a workload allocator: one prebuilt
 * `Constraint` per distinct request (first match), `free` with the very
 * `Range` that `allocate` returned. `factoryFor` does the same for any build
 * of the package (bench/compare.ts loads two).
 */
import { Constraint, Range } from "@alloc/constraint";
import { IntervalTree } from "@alloc/core";
import type { AllocatorFactory, BenchAllocator, Request } from "./workloads.js";

const TWO_32 = 4294967296;

/** What the workload adapter needs from a build of @alloc/core and its @alloc/constraint. */
export interface CoreBuild {
  readonly IntervalTree: new () => { insert(r: never): unknown; allocate(c: never): unknown; free(r: never): unknown };
  readonly Constraint: new (init: { size: number; align: number; min?: number; max?: number }) => unknown;
  readonly Range: (new (min: number, max: number) => unknown) & { minHiOf(r: never): number; minLoOf(r: never): number };
}

const here: CoreBuild = { IntervalTree, Constraint, Range } as unknown as CoreBuild;

export function constraintsFor(requests: readonly Request[], build: CoreBuild = here): unknown[] {
  return requests.map(
    (r) =>
      new build.Constraint({
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

type AnyTree = { allocate(c: unknown): unknown; free(r: unknown): unknown };

/**
 * The adapter is a class with prototype methods, not an object of closures:
 * optimised code that inlines a per-pool closure holds that pool as a
 * constant and is thrown away when the pool dies, which would make every
 * repetition after a collection re-warm the JIT (a benchmark artefact, not
 * something a long-lived VMM pool sees).
 */
class TreeAllocator implements BenchAllocator {
  constructor(
    private readonly build: CoreBuild,
    private readonly tree: AnyTree,
    private readonly constraints: readonly unknown[],
  ) {}
  allocate(req: number): unknown {
    return this.tree.allocate(this.constraints[req]);
  }
  free(r: unknown): void {
    this.tree.free(r);
  }
  /** Start of a range as a number; exact below 2^53 (every workload address is). */
  start(r: unknown): number {
    const R = this.build.Range as unknown as { minHiOf(r: unknown): number; minLoOf(r: unknown): number };
    return R.minHiOf(r) * TWO_32 + R.minLoOf(r);
  }
}

/** The workload allocator over a given build of @alloc/core. */
export function factoryFor(build: CoreBuild): AllocatorFactory {
  return {
    name: "IntervalTree",
    create(poolMin: number, poolMax: number, requests: readonly Request[]): BenchAllocator {
      const tree = new build.IntervalTree() as unknown as AnyTree & { insert(r: unknown): unknown };
      tree.insert(new build.Range(poolMin, poolMax));
      return new TreeAllocator(build, tree, constraintsFor(requests, build));
    },
  };
}

export const treeFactory: AllocatorFactory = factoryFor(here);
