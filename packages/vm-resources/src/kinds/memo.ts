/**
 * Placement caches for the kind modules. A placement depends only on checked
 * request values and the (frozen) layout, so a kind may keep the placements it
 * built, keyed by those values, instead of building new constraints for every
 * request. perf: bench "churn" (device plug + unplug).
 */
import type { Layout } from "../Layout.js";
import type { Placement } from "./Kind.js";

/** Largest number of placements kept per layout before the cache is emptied. */
const LIMIT = 256;

/**
 * A cache of placements per layout and key.
 *
 * @example
 * ```ts
 * const cache = new PlacementCache<bigint>();
 * cache.get(layout, count) ?? cache.set(layout, count, { fits: [...] });
 * ```
 */
export class PlacementCache<K> {
  readonly #byLayout = new WeakMap<Layout, Map<K, Placement>>();

  /** The placement kept for `key`, if any. */
  get(layout: Layout, key: K): Placement | undefined {
    return this.#byLayout.get(layout)?.get(key);
  }

  /** Keeps `placement` for `key` and returns it. */
  set(layout: Layout, key: K, placement: Placement): Placement {
    let map = this.#byLayout.get(layout);
    if (map === undefined) this.#byLayout.set(layout, (map = new Map()));
    if (map.size >= LIMIT) map.clear();
    map.set(key, Object.freeze(placement));
    return placement;
  }
}
