/**
 * `OwnerOrder`: a manager's owners in name order, kept from one snapshot to
 * the next. The order last asked for (or restored) is kept; owners added
 * since are appended unsorted; an owner that is gone is one whose holding
 * holds nothing (the manager empties a holding when it drops it). Asking for
 * the order sorts only the `k` owners added since and merges them in:
 * O(n + k log k) instead of O(n log n) for a snapshot or `owners()` (bench
 * "snapshot": the sort was about 10% of a 100,000-owner snapshot).
 *
 * Memory stays bounded without any snapshot: when the additions and the
 * removals kept exceed twice the live owners (plus a little), the kept order
 * is dropped, and the next request sorts every owner again.
 */

/** What the order needs to know of a holding. */
export interface Ordered {
  readonly owner: string;
  readonly resources: readonly unknown[];
}

/** Entries kept beyond twice the live owners before the order is dropped. */
const SLACK = 1024;

const byName = (a: Ordered, b: Ordered): number => (a.owner < b.owner ? -1 : 1);

/**
 * A manager's owners in name order.
 *
 * @example
 * ```ts
 * const order = new OwnerOrder<Holding>(restored);
 * order.added(holding, owners.size);
 * order.sorted(owners.values()); // every live holding, by name
 * ```
 */
export class OwnerOrder<H extends Ordered> {
  /** In name order; may hold owners that are gone. Empty with {@link OwnerOrder.#lost}. */
  #sorted: readonly H[];
  /** Added since {@link OwnerOrder.#sorted} was made, in any order; may hold owners that are gone. */
  #added: H[] = [];
  /** Owners that went since. */
  #gone = 0;
  /** True when nothing is kept: the next request sorts every live owner. */
  #lost = false;

  /** `sorted`: the live owners in name order (a restored manager's), or none. */
  constructor(sorted: readonly H[] = []) {
    this.#sorted = sorted;
  }

  /** Notes a new owner; `live` is how many owners there now are. */
  added(holding: H, live: number): void {
    if (this.#lost) return;
    this.#added.push(holding);
    this.#bound(live);
  }

  /** Notes that an owner's holding was emptied and dropped; `live` is how many owners there now are. */
  removed(live: number): void {
    if (this.#lost) return;
    this.#gone++;
    this.#bound(live);
  }

  #bound(live: number): void {
    if (this.#sorted.length + this.#added.length > 2 * live + SLACK) {
      this.#sorted = [];
      this.#added = [];
      this.#gone = 0;
      this.#lost = true;
    }
  }

  /** Every live owner in name order; `live` lists them (any order) and is read only when nothing is kept. The array must not be changed. */
  sorted(live: () => Iterable<H>): readonly H[] {
    if (this.#lost) {
      const all = [...live()];
      all.sort(byName);
      this.#lost = false;
      this.#sorted = all;
      return all;
    }
    const added = this.#added;
    if (added.length === 0 && this.#gone === 0) return this.#sorted;
    const fresh = added.filter(isLive);
    fresh.sort(byName);
    const kept = this.#sorted;
    const out: H[] = [];
    let i = 0;
    let j = 0;
    while (i < kept.length || j < fresh.length) {
      const a = kept[i];
      if (a !== undefined && !isLive(a)) {
        i++;
        continue;
      }
      const b = fresh[j];
      // Live names are distinct: the kept and the added never tie.
      if (b === undefined || (a !== undefined && a.owner < b.owner)) {
        out.push(a as H);
        i++;
      } else {
        out.push(b);
        j++;
      }
    }
    this.#sorted = out;
    this.#added = [];
    this.#gone = 0;
    return out;
  }

  /** Throws unless the order kept, with the additions, lists exactly `live` (for `checkInvariants`). */
  check(live: ReadonlyMap<string, H>): void {
    if (this.#lost) return;
    const seen = new Set<H>();
    let previous: string | undefined;
    for (const h of this.#sorted) {
      if (!isLive(h)) continue;
      if (previous !== undefined && !(previous < h.owner)) throw new Error(`owner order: ${h.owner} follows ${previous}`);
      previous = h.owner;
      seen.add(h);
    }
    for (const h of this.#added) if (isLive(h)) seen.add(h);
    for (const h of seen) if (live.get(h.owner) !== h) throw new Error(`owner order: ${h.owner} is listed but not held`);
    if (seen.size !== live.size) throw new Error(`owner order lists ${seen.size} owners, the manager has ${live.size}`);
  }
}

function isLive(h: Ordered): boolean {
  return h.resources.length > 0;
}
