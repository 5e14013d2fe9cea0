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

/** A resource as a manager hands it back (structural view of `@alloc/vm-resources`' `Resource`). */
export interface ResourceView {
  readonly kind: string;
  readonly base?: U64Input;
  readonly size?: U64Input;
  readonly count?: number;
  readonly irq?: number;
  readonly id?: number;
  readonly shared?: boolean;
  readonly window?: string;
  readonly align?: U64Input;
}

/** One range of a manager's pool (structural view of `PoolEntry`). */
export interface PoolEntryView {
  readonly range: RangeView;
  readonly state: "free" | "allocated" | "reserved";
  readonly owner?: string;
  readonly label?: string;
}

/** The parts of a pool layout the manager model needs. */
export interface PoolLayoutView {
  readonly ranges: readonly RangeView[];
  readonly reserved: readonly { readonly range: RangeView; readonly label: string }[];
  readonly window: RangeView | undefined;
}

/** The parts of a manager layout the manager model needs. */
export interface ManagerLayoutView {
  readonly mmio: PoolLayoutView & { readonly low: RangeView; readonly high: RangeView | undefined };
  readonly mem: PoolLayoutView;
  readonly pio: PoolLayoutView;
  readonly legacyIrq: PoolLayoutView & { readonly shared: number | undefined };
  readonly msi: PoolLayoutView;
  readonly deviceId: PoolLayoutView;
  readonly memSlot: PoolLayoutView;
}

/**
 * The resource-manager surface the manager command set drives: the
 * structural shape of `@alloc/vm-resources`' `ResourceManager`. Parameters are
 * `unknown` on purpose: method parameters compare bivariantly, so a manager
 * with precise request, resource and pool types is accepted as it is, and the
 * harness can pass deliberately malformed values to it.
 */
export interface ManagerUnderTest {
  readonly layout: ManagerLayoutView;
  allocateDevice(owner: string, requests: readonly unknown[]): readonly ResourceView[];
  extendDevice(owner: string, requests: readonly unknown[]): readonly ResourceView[];
  freeDevice(owner: string): readonly ResourceView[];
  freeResource(owner: string, resource: unknown): void;
  move(owner: string, resource: unknown, to: U64Input): ResourceView;
  owners(): string[];
  resourcesOf(owner: string): readonly ResourceView[];
  entries(pool: unknown): Iterable<PoolEntryView>;
  snapshot(): string;
  checkInvariants(): void;
}

/** Builds managers under test: a fresh one, and one restored from a snapshot. */
export interface ManagerFactory {
  create(): ManagerUnderTest;
  restore(json: string): ManagerUnderTest;
}
