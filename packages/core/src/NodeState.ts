/**
 * The state of a range held in an `IntervalTree`.
 */

/**
 * - `free`: available to `allocate`.
 * - `allocated`: handed out by `allocate`, no data attached yet.
 * - `valued`: taken, with user data (from `insert(range, data)` or `update`).
 *
 * @example
 * ```ts
 * const s = tree.get(range);
 * if (s?.kind === "valued") console.log(s.value);
 * ```
 */
export type NodeState<T> =
  | {
      /** The range is free: available to `allocate`. */
      readonly kind: "free";
    }
  | {
      /** The range is taken, with no data attached. */
      readonly kind: "allocated";
    }
  | {
      /** The range is taken and carries `value`. */
      readonly kind: "valued";
      /** The data attached by `insert(range, data)` or `update`. */
      readonly value: T;
    };

/** The shared `free` state object. */
export const FREE_STATE: {
  /** Always `"free"`. */
  readonly kind: "free";
} = Object.freeze({ kind: "free" });

/** The shared `allocated` state object. */
export const ALLOCATED_STATE: {
  /** Always `"allocated"`. */
  readonly kind: "allocated";
} = Object.freeze({ kind: "allocated" });

/** Pool figures, all exact. */
export interface PoolStats {
  /** Units covered by all ranges of the pool. */
  readonly total: bigint;
  /** Units in free ranges. */
  readonly free: bigint;
  /** Units in allocated and valued ranges. */
  readonly allocated: bigint;
  /** Size of the largest free range (0 when none). */
  readonly largestFree: bigint;
  /** Number of free ranges (free space is always coalesced, so this is its fragmentation). */
  readonly freeFragments: number;
  /** Number of ranges of any state. */
  readonly ranges: number;
}
