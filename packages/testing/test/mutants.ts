/**
 * Deliberately broken allocators for the harness's own tests: FreeListModel
 * subclasses with one fault each (test-only; the real-tree mutants live in
 * scripts/mutants.ts).
 */
import { Constraint } from "@alloc/constraint";
import type { ConstraintLike, RangeLike } from "@alloc/constraint";
import { FreeListModel } from "@alloc/testing";
import type { PoolStats } from "@alloc/testing";

/** Aligned allocations skip a start that is already aligned at the window's low end. */
export class AlignOffByOne extends FreeListModel<unknown> {
  override allocate(constraint: ConstraintLike): ReturnType<FreeListModel<unknown>["allocate"]> {
    const c = Constraint.from(constraint);
    if (c.align > 1n && c.min < c.max && c.min % c.align === 0n) return super.allocate(c.with({ min: c.min + 1n }));
    return super.allocate(c);
  }
}

/** Free forgets to merge with the free range after it. */
export class SkipMergeNext extends FreeListModel<unknown> {
  override free(range: RangeLike): unknown {
    const before = this.list.map((e) => ({ ...e }));
    const data = super.free(range);
    // Undo a merge with the successor by splitting the merged entry again.
    const i = this.list.findIndex((e) => e.kind === "free" && before.some((b) => b.min === e.min) && e.max !== before.find((b) => b.min === e.min)!.max);
    const e = this.list[i];
    const old = before.find((b) => b.kind !== "free" && e !== undefined && b.max >= e.min && b.max < e.max);
    if (e !== undefined && old !== undefined) {
      this.list.splice(i, 1, { min: e.min, max: old.max, kind: "free", value: undefined }, { min: old.max + 1n, max: e.max, kind: "free", value: undefined });
    }
    return data;
  }
  override checkInvariants(): void {} // a broken tree whose checker misses it
}

/** Best fit breaks ties towards the highest range instead of the lowest. */
export class BestFitTieHigh extends FreeListModel<unknown> {
  override allocate(constraint: ConstraintLike): ReturnType<FreeListModel<unknown>["allocate"]> {
    const c = Constraint.from(constraint);
    if (c.policy !== "best-fit") return super.allocate(c);
    const fits = this.list.filter((e) => {
      if (e.kind !== "free") return false;
      const lo = e.min > c.min ? e.min : c.min;
      const hi = e.max < c.max ? e.max : c.max;
      const start = ((lo + c.align - 1n) / c.align) * c.align;
      return lo <= hi && start + c.size - 1n <= hi;
    });
    if (fits.length === 0) return undefined;
    const len = (e: { min: bigint; max: bigint }) => e.max - e.min;
    const best = fits.reduce((a, b) => (len(b) <= len(a) ? b : a));
    return super.allocate(c.with({ min: best.min > c.min ? best.min : c.min, max: best.max < c.max ? best.max : c.max, policy: "first-match" }));
  }
}

/** largestFree reports the second-largest free range when there are several. */
export class WrongLargestFree extends FreeListModel<unknown> {
  override stats(): PoolStats {
    const s = super.stats();
    const sizes = this.list
      .filter((e) => e.kind === "free")
      .map((e) => e.max - e.min + 1n)
      .sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    return sizes.length > 2 ? { ...s, largestFree: sizes[1]! } : s;
  }
}
