/**
 * Placement policies: which of the places that fit an allocation gets it.
 */

/**
 * - `first-match`: the lowest address that fits (the only behaviour of the
 *   reference crate; its default).
 * - `last-match`: the highest address that fits, aligned down.
 * - `best-fit`: inside the smallest free range that fits (ties go to the
 *   lowest range), at its lowest fitting address.
 *
 * Exact placement is not a policy: use `exactly(base, size)`.
 *
 * @example
 * ```ts
 * tree.allocate({ size: 0x1000, policy: Policy.LastMatch });
 * ```
 */
export const Policy = {
  /** The lowest aligned address that fits; the default. */
  FirstMatch: "first-match",
  /** The highest aligned address that fits. */
  LastMatch: "last-match",
  /** The lowest fitting address inside the smallest free range that fits (ties go to the lowest range). */
  BestFit: "best-fit",
} as const;

/** One of the {@link Policy} values. */
export type Policy = (typeof Policy)[keyof typeof Policy];
