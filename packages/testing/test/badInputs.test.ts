import { describe, expect, it } from "vitest";
import { FreeListModel, TREE_BAD_INPUTS, runBadInputs } from "@alloc/testing";
import type { RangeLike } from "@alloc/constraint";

describe("bad-input catalogue", () => {
  it(`has at least 30 kinds, all named uniquely (${TREE_BAD_INPUTS.length})`, () => {
    expect(TREE_BAD_INPUTS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(TREE_BAD_INPUTS.map((c) => c.name)).size).toBe(TREE_BAD_INPUTS.length);
    expect(new Set(TREE_BAD_INPUTS.map((c) => c.code)).size).toBeGreaterThanOrEqual(9);
  });

  it("passes on FreeListModel: right code, state unchanged", () => {
    const failed = runBadInputs(() => new FreeListModel()).filter((r) => r.problems.length > 0);
    expect(failed).toEqual([]);
  });

  it("flags a target that changes state before refusing", () => {
    class Leaky extends FreeListModel<unknown> {
      override insert(range: RangeLike, data?: unknown): this {
        const saved = this.list.map((e) => ({ ...e }));
        try {
          return super.insert(range, data);
        } catch (e) {
          // Bug on purpose: keeps a one-unit range that was never asked for.
          this.list = saved;
          if (!this.list.some((x) => x.min <= 0xfffn && x.max >= 0xfffn)) this.list.unshift({ min: 0xfffn, max: 0xfffn, kind: "free", value: undefined });
          throw e;
        }
      }
    }
    const results = runBadInputs(() => new Leaky());
    const overlap = results.find((r) => r.name === "insert: overlaps a free range")!;
    expect(overlap.actual).toBe("OVERLAP");
    expect(overlap.problems.join()).toMatch(/state changed/);
  });

  it("flags a wrong code and a missing throw", () => {
    class Lenient extends FreeListModel<unknown> {
      override free(range: RangeLike): unknown {
        try {
          return super.free(range);
        } catch {
          return undefined; // swallows every error
        }
      }
    }
    const r = runBadInputs(() => new Lenient()).find((x) => x.name === "free: a free range (double free)")!;
    expect(r.actual).toBe("returned");
    expect(r.problems.length).toBeGreaterThan(0);
  });
});
