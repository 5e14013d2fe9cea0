import { describe, expect, it } from "vitest";
import { IntervalTree, Range } from "@alloc/core";

// Ranges returned by allocate carry their node as a locator; free/update must
// verify it and fall back to a search, never trust it blindly.
describe("allocation locators (Range hints)", () => {
  it("frees the right range when the locator points at a reused node", () => {
    const tree = new IntervalTree();
    tree.insert(new Range(0, 0xff));
    const a = tree.allocate({ size: 0x10 })!; // [0x00, 0x0f]
    const b = tree.allocate({ size: 0x10 })!; // [0x10, 0x1f]
    tree.free(a);
    tree.free(b); // all free again: nodes released and reused below
    const c = tree.allocate({ size: 0x20 })!; // [0x00, 0x1f]
    const d = tree.allocate({ size: 0x8 })!; // [0x20, 0x27]
    expect(() => tree.free(a)).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    expect(() => tree.free(b)).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    expect(tree.free(d)).toBeUndefined();
    expect(tree.get(c)).toEqual({ kind: "allocated" });
    tree.checkInvariants();
  });

  it("finds a range whose segment moved within its leaf after it was handed out", () => {
    const tree = new IntervalTree<string>();
    tree.insert(new Range(0, 0xff));
    const a = tree.allocate({ size: 0x10 })!; // [0x00, 0x0f], first slot
    const b = tree.allocate({ size: 0x10 }, "b")!; // [0x10, 0x1f], second slot
    const c = tree.allocate({ size: 0x10 }, "c")!; // [0x20, 0x2f], third slot
    tree.free(a);
    tree.allocate({ size: 0x8 }); // [0x00, 0x07]; free [0x08, 0x0f] takes the second slot, b and c move up one
    expect(tree.free(b)).toBe("b"); // found in the third slot; merges with [0x08, 0x0f], so c moves back
    expect(tree.free(c)).toBe("c");
    expect([...tree].map(([r, s]) => `${r.min}-${r.max} ${s.kind}`)).toEqual(["0-7 allocated", "8-255 free"]);
    tree.checkInvariants();
  });

  it("finds a range whose recorded slot is past the end of its leaf's segments", () => {
    const tree = new IntervalTree<string>();
    tree.insert(new Range(0, 0x17));
    const x = tree.allocate({ size: 8 })!; // [0x00, 0x07]
    const e = tree.allocate({ size: 8 })!; // [0x08, 0x0f]
    const f = tree.allocate({ size: 8 }, "f")!; // [0x10, 0x17], the third and last slot
    tree.free(x);
    tree.free(e); // merges into free [0x00, 0x0f]: two segments left, f in the second slot
    expect(tree.free(f)).toBe("f");
    expect([...tree].map(([r, s]) => `${r.min}-${r.max} ${s.kind}`)).toEqual(["0-23 free"]);
    tree.checkInvariants();
  });

  it("accepts a range handed out by another pool when the bounds match exactly", () => {
    const one = new IntervalTree<string>();
    const two = new IntervalTree<string>();
    one.insert(new Range(0x1000, 0x1fff));
    two.insert(new Range(0x1000, 0x1fff));
    two.allocate({ size: 0x100, min: 0x1800 }); // a different node layout in `two`
    const fromOne = one.allocate({ size: 0x100 })!; // [0x1000, 0x10ff] in `one`
    const inTwo = two.allocate({ size: 0x100 })!; // [0x1000, 0x10ff] in `two`
    expect(inTwo.equals(fromOne)).toBe(true);
    two.update(fromOne, "dev");
    expect(two.getById(0x1000)).toBe("dev");
    expect(one.get(fromOne)).toEqual({ kind: "allocated" });
    expect(two.free(fromOne)).toBe("dev");
    expect(() => two.free(fromOne)).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    one.checkInvariants();
    two.checkInvariants();
  });

  it("is invisible in the range's value", () => {
    const tree = new IntervalTree();
    tree.insert(new Range(0, 0xff));
    const r = tree.allocate({ size: 4 })!;
    expect(Range.hintOf(r)).not.toBe(0);
    expect(Range.hintOf(new Range(0, 3))).toBe(0);
    expect(r.equals(new Range(0, 3))).toBe(true);
    expect(Object.keys(r)).toEqual([]);
    expect(JSON.stringify(r)).toBe(JSON.stringify(new Range(0, 3)));
  });
});
