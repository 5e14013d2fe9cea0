/**
 * Placement caches for the kind modules. A placement depends only on checked
 * request values and the (frozen) layout, so a kind may keep the placements it
 * built, keyed by a number it derives from those checked values (never from
 * anything unchecked), instead of building new constraints for every request.
 * The layout used last is remembered beside the per-layout table, so a
 * manager's steady stream of requests costs one number-keyed lookup.
 * perf: bench "churn" (device plug + unplug); number keys hash faster than
 * bigint ones.
 */
import type { Layout } from "../Layout.js";
import type { Placement } from "./Kind.js";

/** Largest number of placements kept per layout before the cache is emptied. */
const LIMIT = 256;

/**
 * A cache of placements per layout and numeric key.
 *
 * @example
 * ```ts
 * const cache = new PlacementCache();
 * cache.get(layout, count) ?? cache.set(layout, count, { fits: [...] });
 * ```
 */
export class PlacementCache {
  readonly #byLayout = new WeakMap<Layout, Map<number, Placement>>();
  // The table of the layout used last (one strong reference per cache).
  #layout: Layout | undefined = undefined;
  #table: Map<number, Placement> | undefined = undefined;

  /** The placement kept for `key`, if any. */
  get(layout: Layout, key: number): Placement | undefined {
    return (layout === this.#layout ? this.#table : this.#tableOf(layout))?.get(key);
  }

  /** Keeps `placement` for `key` and returns it. */
  set(layout: Layout, key: number, placement: Placement): Placement {
    let table = this.#tableOf(layout);
    if (table === undefined) {
      table = new Map();
      this.#byLayout.set(layout, table);
      this.#table = table;
    }
    if (table.size >= LIMIT) table.clear();
    table.set(key, Object.freeze(placement));
    return placement;
  }

  #tableOf(layout: Layout): Map<number, Placement> | undefined {
    const table = this.#byLayout.get(layout);
    this.#layout = layout;
    this.#table = table;
    return table;
  }
}
