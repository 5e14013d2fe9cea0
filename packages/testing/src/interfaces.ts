/**
 * The structural surfaces the harness drives.
 *
 * `@alloc/testing` never imports `@alloc/core` or `@alloc/vm-resources` (that
 * would make a cycle: they use this package in their tests). Instead it states
 * the shape it needs here; `IntervalTree`, the reference models and any user
 * allocator with the same methods fit it structurally.
 */
import type { ConstraintLike, RangeLike, U64Input } from "@alloc/constraint";

/** Any range read back from an allocator: exact bigint bounds. */
export interface RangeView {
  readonly min: bigint;
  readonly max: bigint;
}

/** The state of one range held by an allocator. */
export type NodeState<T> =
  | { readonly kind: "free" }
  | { readonly kind: "allocated" }
  | { readonly kind: "valued"; readonly value: T };

/** Pool counters, as `IntervalTree.stats()` reports them. */
export interface PoolStats {
  readonly total: bigint;
  readonly free: bigint;
  readonly allocated: bigint;
  readonly largestFree: bigint;
  readonly freeFragments: number;
  readonly ranges: number;
}

/**
 * The `IntervalTree` surface the tree command set, the bad-input catalogue and
 * the CLI drive. Results are compared with a reference model after every call.
 *
 * @example
 * ```ts
 * const target: AllocatorUnderTest<number> = new IntervalTree<number>();
 * ```
 */
export interface AllocatorUnderTest<T = unknown> extends Iterable<[RangeView, NodeState<T>]> {
  readonly size: number;
  isEmpty(): boolean;
  insert(range: RangeLike, data?: T): unknown;
  update(range: RangeLike, data: T): T | undefined;
  delete(range: RangeLike): T | undefined;
  get(range: RangeLike): NodeState<T> | undefined;
  getSuperset(range: RangeLike): [RangeView, NodeState<T>] | undefined;
  getById(id: U64Input): T | undefined;
  allocate(constraint: ConstraintLike): RangeView | undefined;
  allocateOrThrow(constraint: ConstraintLike): RangeView;
  free(range: RangeLike): T | undefined;
  overlapping(range: RangeLike): Iterable<[RangeView, NodeState<T>]>;
  entries(): Iterable<[RangeView, NodeState<T>]>;
  stats(): PoolStats;
  /** Throws an Error naming the broken invariant. */
  checkInvariants(): void;
  /** Optional: an independent deep copy. */
  clone?(): AllocatorUnderTest<T>;
}

/** Builds a fresh, empty allocator under test. */
export type AllocatorFactory<T = unknown> = () => AllocatorUnderTest<T>;

/**
 * A snapshot/restore-capable resource manager, as much of it as the manager
 * command set drives. Kept minimal: an adapter maps the real
 * `@alloc/vm-resources` API onto it (see `commands/manager.ts`).
 */
export interface ManagerUnderTest {
  /** Pool names the manager holds, e.g. `"mmio"`, `"pio"`, `"irq"`. */
  pools(): readonly string[];
  /** Allocates `size` units in `pool` for `owner`; `undefined` when nothing fits. */
  allocate(owner: string, pool: string, constraint: ConstraintLike): RangeView | undefined;
  /** Frees every resource `owner` holds; returns how many ranges were released. */
  freeOwner(owner: string): number;
  /** Frees one range held by `owner`. */
  free(owner: string, pool: string, range: RangeLike): void;
  /** Every resource, sorted by pool then address: `[pool, range, owner]`. */
  holdings(): Array<[string, RangeView, string]>;
  /** Free space of a pool, in address order. */
  freeRanges(pool: string): RangeView[];
  /** A JSON-serialisable snapshot. */
  snapshot(): unknown;
  /** Replaces the state from a snapshot; throws INVALID_SNAPSHOT (state unchanged) when malformed. */
  restore(snapshot: unknown): void;
  /** Throws an Error naming the broken invariant. */
  checkInvariants(): void;
}
