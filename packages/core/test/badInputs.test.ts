/**
 * The @alloc/testing bad-input catalogue against IntervalTree: every malformed
 * call throws the right AllocError code and leaves the tree (contents, stats,
 * invariants) exactly as it was.
 */
import { describe, expect, it } from "vitest";
import { IntervalTree } from "@alloc/core";
import { BAD_INPUT_FIXTURE, TREE_BAD_INPUTS, runBadInputs } from "@alloc/testing";

describe("IntervalTree refuses bad input with state unchanged", () => {
  const results = runBadInputs(() => new IntervalTree<unknown>());
  it(`covers at least 30 kinds (${TREE_BAD_INPUTS.length})`, () => {
    expect(TREE_BAD_INPUTS.length).toBeGreaterThanOrEqual(30);
  });
  it.each(results.map((r) => [r.name, r] as const))("%s", (_name, r) => {
    expect(r.problems).toEqual([]);
    expect(r.actual).toBe(r.expected);
  });
  it("the fixture itself is accepted", () => {
    const t = new IntervalTree<unknown>();
    BAD_INPUT_FIXTURE(t);
    t.checkInvariants();
    expect(t.size).toBe(6);
  });
});
