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

/** A frozen valued state; its brand tells `fromSorted` it was made here and needs no reading. */
class ValuedState<T> {
  readonly #brand = true;
  readonly kind: "valued" = "valued";
  readonly value: T;

  constructor(value: T) {
    this.value = value;
    Object.freeze(this);
  }

  static is(x: unknown): x is ValuedState<unknown> {
    return typeof x === "object" && x !== null && #brand in x;
  }
}

/**
 * A frozen `{ kind: "valued", value }` state. `IntervalTree.fromSorted`
 * recognises it (like `FREE_STATE` and `ALLOCATED_STATE`) and does not read
 * it again, and it is what `entries()` yields for a valued range: pass these
 * for the fastest build.
 *
 * @example
 * ```ts
 * IntervalTree.fromSorted([[new Range(0, 0xff), valuedState("uart")]]);
 * valuedState("uart"); // { kind: "valued", value: "uart" }
 * ```
 */
export function valuedState<T>(value: T): NodeState<T> & {
  /** Always `"valued"`. */
  readonly kind: "valued";
} {
  return new ValuedState(value);
}

/** Whether `x` was made by {@link valuedState}. */
export const isValuedState: (x: unknown) => x is NodeState<unknown> & { readonly kind: "valued" } = ValuedState.is;

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
