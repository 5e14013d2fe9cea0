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
  /** The first value of the closed interval. */
  readonly min: bigint;
  /** The last value of the closed interval (`min <= max`). */
  readonly max: bigint;
}

/** The state of one range held by an allocator. */
export type NodeState<T> =
  | {
      /** Free space, available to `allocate`. */
      readonly kind: "free";
    }
  | {
      /** Taken, with no data attached yet. */
      readonly kind: "allocated";
    }
  | {
      /** Taken, with data attached. */
      readonly kind: "valued";
      /** The attached data. */
      readonly value: T;
    };

/** Pool counters, as `IntervalTree.stats()` reports them. */
export interface PoolStats {
  /** Values held by all ranges (free or taken); up to 2^64. */
  readonly total: bigint;
  /** Values in free ranges. */
  readonly free: bigint;
  /** Values in allocated or valued ranges. */
  readonly allocated: bigint;
  /** Size of the largest free range (0 when none). */
  readonly largestFree: bigint;
  /** Number of free ranges. */
  readonly freeFragments: number;
  /** Number of ranges of any state. */
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
  /** Number of ranges held, of any state. */
  readonly size: number;
  /** True when no range is held. */
  isEmpty(): boolean;
  /** Adds a free range (no data) or a valued one (with data); refuses an overlap with `OVERLAP`. */
  insert(range: RangeLike, data?: T): unknown;
  /** Attaches `data` to the allocated or valued range given exactly; returns the previous data. */
  update(range: RangeLike, data: T): T | undefined;
  /** Removes the range given exactly (its space stops existing); returns its data. */
  delete(range: RangeLike): T | undefined;
  /** The state of the range given exactly, or `undefined`. */
  get(range: RangeLike): NodeState<T> | undefined;
  /** The held range that contains `range` entirely, with its state. */
  getSuperset(range: RangeLike): [RangeView, NodeState<T>] | undefined;
  /** The data of the valued range that contains the point `id`. */
  getById(id: U64Input): T | undefined;
  /** Takes a block that satisfies `constraint` (by its policy), or returns `undefined` when none fits. */
  allocate(constraint: ConstraintLike): RangeView | undefined;
  /** As {@link AllocatorUnderTest.allocate}, but throws `NO_FIT` when none fits. */
  allocateOrThrow(constraint: ConstraintLike): RangeView;
  /** Returns the taken range given exactly to free space (merged with free neighbours); returns its data. */
  free(range: RangeLike): T | undefined;
  /** Every held range that intersects `range`, in address order. */
  overlapping(range: RangeLike): Iterable<[RangeView, NodeState<T>]>;
  /** Every held range with its state, in address order. */
  entries(): Iterable<[RangeView, NodeState<T>]>;
  /** Counters over the whole pool. */
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
  /** The request kind that produced it (`"pio"`, `"mmio"`, `"legacy-irq"`, ...). */
  readonly kind: string;
  /** First address, port, vector or slot (range-like kinds). */
  readonly base?: U64Input;
  /** Number of addresses or ports (pio, mmio, mem). */
  readonly size?: U64Input;
  /** Number of vectors or slots (MSI kinds, mem-slot). */
  readonly count?: number;
  /** The IRQ line (legacy-irq). */
  readonly irq?: number;
  /** The device id (device-id). */
  readonly id?: number;
  /** True for the layout's shared IRQ line (legacy-irq). */
  readonly shared?: boolean;
  /** Which MMIO window it was placed in (mmio). */
  readonly window?: string;
  /** The alignment it was placed with (mmio, mem). */
  readonly align?: U64Input;
}

/** One range of a manager's pool (structural view of `PoolEntry`). */
export interface PoolEntryView {
  /** The values of this entry. */
  readonly range: RangeView;
  /** Free space, held by an owner, or a reserved region. */
  readonly state: "free" | "allocated" | "reserved";
  /** The holder (`state` `"allocated"`). */
  readonly owner?: string;
  /** What sits there (`state` `"reserved"`). */
  readonly label?: string;
}

/** The parts of a pool layout the manager model needs. */
export interface PoolLayoutView {
  /** The values that exist, sorted and disjoint. */
  readonly ranges: readonly RangeView[];
  /** Reserved regions, sorted, each inside one range. */
  readonly reserved: readonly {
    /** The reserved values. */
    readonly range: RangeView;
    /** What sits there. */
    readonly label: string;
  }[];
  /** Where requests without an explicit range go; `undefined` means anywhere. */
  readonly window: RangeView | undefined;
}

/** The parts of a manager layout the manager model needs. */
export interface ManagerLayoutView {
  /** MMIO space, with its window below 4 GiB and the optional one above. */
  readonly mmio: PoolLayoutView & {
    /** MMIO space below 4 GiB (32-bit BARs). */
    readonly low: RangeView;
    /** MMIO space above 4 GiB, if any. */
    readonly high: RangeView | undefined;
  };
  /** Guest-physical memory space. */
  readonly mem: PoolLayoutView;
  /** Port I/O space. */
  readonly pio: PoolLayoutView;
  /** Legacy IRQ lines, with the shared line if the layout has one. */
  readonly legacyIrq: PoolLayoutView & {
    /** The one line every shared request gets (outside the pool), if any. */
    readonly shared: number | undefined;
  };
  /** MSI/MSI-X vectors. */
  readonly msi: PoolLayoutView;
  /** Device instance ids. */
  readonly deviceId: PoolLayoutView;
  /** KVM memory slots. */
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
  /** The layout the manager's pools were built from. */
  readonly layout: ManagerLayoutView;
  /** Places every request for a new owner, all or nothing. */
  allocateDevice(owner: string, requests: readonly unknown[]): readonly ResourceView[];
  /** Places more requests for an existing owner, all or nothing. */
  extendDevice(owner: string, requests: readonly unknown[]): readonly ResourceView[];
  /** Releases everything `owner` holds; returns what it held. */
  freeDevice(owner: string): readonly ResourceView[];
  /** Releases one resource that `owner` holds. */
  freeResource(owner: string, resource: unknown): void;
  /** Moves one of `owner`'s resources to start at `to`, atomically. */
  move(owner: string, resource: unknown, to: U64Input): ResourceView;
  /** Grows or shrinks one of `owner`'s resources in place to `size` units, atomically. */
  resizeResource(owner: string, resource: unknown, size: U64Input): ResourceView;
  /** Every owner, in allocation order. */
  owners(): string[];
  /** What `owner` holds, in allocation order. */
  resourcesOf(owner: string): readonly ResourceView[];
  /** Every entry of the pool named `pool`, in address order. */
  entries(pool: unknown): Iterable<PoolEntryView>;
  /** The canonical snapshot text (restorable by {@link ManagerFactory.restore}). */
  snapshot(): string;
  /** Throws an Error naming the broken invariant. */
  checkInvariants(): void;
}

/** Builds managers under test: a fresh one, and one restored from a snapshot. */
export interface ManagerFactory {
  /** A fresh manager (the CLI uses the x86_64 preset). */
  create(): ManagerUnderTest;
  /** A manager restored from snapshot text; refuses a bad one with `INVALID_SNAPSHOT`. */
  restore(json: string): ManagerUnderTest;
}
