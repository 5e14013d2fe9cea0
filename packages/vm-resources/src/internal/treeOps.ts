/**
 * Bulk build and in-place resize of an `IntervalTree`, over the tree's
 * public operations. `@alloc/core` gains `IntervalTree.fromSorted` and
 * `tree.resize` with these meanings; the pools call them through here.
 */
import { AllocError, Range, exactly } from "@alloc/constraint";
import { IntervalTree } from "@alloc/core";
import type { NodeState } from "@alloc/core";

/** A tree holding `entries` (sorted, disjoint; free ones may touch and are merged). */
export function treeFromSorted<T>(entries: Iterable<readonly [Range, NodeState<T>]>): IntervalTree<T> {
  const tree = new IntervalTree<T>();
  for (const [range, state] of entries) {
    if (state.kind === "free") tree.insert(range);
    else if (state.kind === "valued") tree.insert(range, state.value);
    else throw new AllocError("INVALID_ARGUMENT", `${range}: an entry without a value cannot be built`, { range: range.toString() });
  }
  return tree;
}

/**
 * The taken `range` grown or shrunk in place to `size` units (same base,
 * same value); `NO_FIT` and nothing changed when the free space after it is
 * too small.
 */
export function treeResize<T>(tree: IntervalTree<T>, range: Range, size: bigint): Range {
  const st = tree.get(range);
  if (st === undefined || st.kind !== "valued") throw new AllocError("NOT_ALLOCATED", `${range} is not a taken range`, { range: range.toString() });
  if (size > range.size) {
    const next = tree.getSuperset(Range.point(range.max + 1n));
    const want = Range.withSize(range.min, size);
    if (range.max === 0xffff_ffff_ffff_ffffn || next === undefined || next[1].kind !== "free" || next[0].max < want.max) {
      throw new AllocError("NO_FIT", `${range} cannot grow to ${want}: the space after it is not free`, { range: range.toString() });
    }
  }
  const value = st.value;
  tree.free(range);
  const got = tree.allocate(exactly(range.min, size)) as Range;
  tree.update(got, value);
  return got;
}
