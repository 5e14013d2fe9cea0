/**
 * One test per kind of bad call on IntervalTree: each asserts the AllocError
 * code and that the tree is exactly unchanged (every range, state and value,
 * the stats and the size), with invariants intact.
 */
import { describe, expect, it } from "vitest";
import { IntervalTree, Range, isAllocError } from "@alloc/core";
import type { ConstraintLike, RangeLike } from "@alloc/core";
import { MAX, dump, expectRefused, snapshot } from "./treeHelpers.js";

const r = (min: bigint | number, max: bigint | number) => new Range(min, max);

/**
 * free [0, ff], allocated [100, 10f], valued [110, 11f]="dev", free [120, 1ff],
 * free [300, 3ff] (gap [200, 2ff] is not in the pool), valued [400, 4ff]="rom",
 * and best fit already used once (so its index is live too).
 */
function fixture(): IntervalTree<string> {
  const t = new IntervalTree<string>();
  t.insert(r(0, 0x1ff));
  t.insert(r(0x300, 0x3ff));
  t.insert(r(0x400, 0x4ff), "rom");
  expect(t.allocate({ size: 0x10, min: 0x100 })?.min).toBe(0x100n);
  const v = t.allocate({ size: 0x10, min: 0x110, policy: "best-fit" })!;
  expect(v.min).toBe(0x110n);
  t.update(v, "dev");
  t.checkInvariants();
  expect(dump(t)).toEqual(["0..ff free", "100..10f allocated", "110..11f valued=dev", "120..1ff free", "300..3ff free", "400..4ff valued=rom"]);
  return t;
}

// Values that are not u64 integers, with the code they must give when used as a bound.
const badValues: [string, unknown][] = [
  ["NaN", Number.NaN],
  ["a fraction", 1.5],
  ["negative number", -1],
  ["negative bigint", -1n],
  ["Infinity", Number.POSITIVE_INFINITY],
  ["unsafe number 2^53", 2 ** 53],
  ["bigint 2^64", 2n ** 64n],
  ["string", "16"],
  ["null", null],
  ["undefined", undefined],
  ["boolean", true],
  ["object", {}],
];

describe("insert", () => {
  it.each([
    ["inside an allocated range", r(0x104, 0x107)],
    ["inside a free range", r(0x10, 0x20)],
    ["covering several ranges", r(0x50, 0x350)],
    ["covering a range exactly", r(0x110, 0x11f)],
    ["covering a range with room on both sides", r(0x2f0, 0x410)],
    ["touching the first unit of a range", r(0x2f0, 0x300)],
    ["touching the last unit of a range", r(0x4ff, 0x600)],
    ["a single point inside", Range.point(0x3ff)],
    ["equal to a free range (would otherwise merge)", r(0x300, 0x3ff)],
    ["overlapping the whole domain", r(0n, MAX)],
  ])("OVERLAP: %s", (_name, range) => {
    const t = fixture();
    const err = expectRefused(t, (x) => x.insert(range), "OVERLAP");
    expect(err.details.range).toBe(range.toString());
    expect(typeof err.details.conflict).toBe("string");
    // The valued form is refused too.
    expectRefused(t, (x) => x.insert(range, "v"), "OVERLAP");
  });

  it("OVERLAP names the range already in the pool", () => {
    const t = fixture();
    const err = expectRefused(t, (x) => x.insert(r(0x3f0, 0x40f)), "OVERLAP");
    expect([r(0x300, 0x3ff).toString(), r(0x400, 0x4ff).toString()]).toContain(err.details.conflict);
  });

  it("INVALID_RANGE: min > max", () => {
    const t = fixture();
    expectRefused(t, (x) => x.insert({ min: 0x2ff, max: 0x200 }), "INVALID_RANGE");
    expectRefused(t, (x) => x.insert({ min: MAX, max: 0n }, "v"), "INVALID_RANGE");
  });

  it.each(badValues)("INVALID_VALUE: bound is %s", (_name, bad) => {
    const t = fixture();
    expectRefused(t, (x) => x.insert({ min: bad, max: 0x2ff } as unknown as RangeLike), "INVALID_VALUE");
    expectRefused(t, (x) => x.insert({ min: 0x200, max: bad } as unknown as RangeLike), "INVALID_VALUE");
  });

  it.each([
    ["null", null],
    ["undefined", undefined],
    ["a string", "[0x200, 0x2ff]"],
    ["a number", 0x200],
  ])("INVALID_ARGUMENT: range is %s", (_name, bad) => {
    const t = fixture();
    expectRefused(t, (x) => x.insert(bad as unknown as RangeLike), "INVALID_ARGUMENT");
  });

  it("refusals leave the tree fully usable: the hole can still be filled and merges", () => {
    const t = fixture();
    expectRefused(t, (x) => x.insert(r(0x1ff, 0x300)), "OVERLAP");
    t.insert(r(0x200, 0x2ff));
    t.checkInvariants();
    expect(dump(t)).toEqual(["0..ff free", "100..10f allocated", "110..11f valued=dev", "120..3ff free", "400..4ff valued=rom"]);
  });
});

describe("update", () => {
  it("NOT_ALLOCATED: a free range", () => {
    const t = fixture();
    expectRefused(t, (x) => x.update(r(0x300, 0x3ff), "x"), "NOT_ALLOCATED");
    expectRefused(t, (x) => x.update(r(0, 0xff), "x"), "NOT_ALLOCATED");
  });

  it.each([
    ["unknown (not in the pool)", r(0x200, 0x20f)],
    ["part of an allocated range", r(0x100, 0x107)],
    ["part of a valued range", r(0x118, 0x11f)],
    ["larger than an allocated range", r(0x100, 0x11f)],
    ["part of a free range", r(0x300, 0x30f)],
  ])("NOT_FOUND: %s", (_name, range) => {
    const t = fixture();
    const err = expectRefused(t, (x) => x.update(range, "x"), "NOT_FOUND");
    expect(err.details.range).toBe(range.toString());
  });

  it("INVALID_RANGE / INVALID_VALUE: malformed range", () => {
    const t = fixture();
    expectRefused(t, (x) => x.update({ min: 0x10f, max: 0x100 }, "x"), "INVALID_RANGE");
    expectRefused(t, (x) => x.update({ min: 0x100, max: Number.NaN }, "x"), "INVALID_VALUE");
    expectRefused(t, (x) => x.update(null as unknown as RangeLike, "x"), "INVALID_ARGUMENT");
  });
});

describe("free", () => {
  it("NOT_ALLOCATED: double free of a range that did not merge", () => {
    const t = fixture();
    const a = t.allocateOrThrow({ size: 0x100, min: 0x300 }); // the whole [300, 3ff]: neighbours are a gap and a valued range
    expect(t.free(a)).toBeUndefined();
    expectRefused(t, (x) => x.free(a), "NOT_ALLOCATED");
  });

  it("NOT_ALLOCATED: free of a range that was inserted free", () => {
    const t = fixture();
    expectRefused(t, (x) => x.free(r(0, 0xff)), "NOT_ALLOCATED");
  });

  it("NOT_FOUND: double free of a range that merged with its neighbours (the range no longer exists)", () => {
    const t = fixture();
    const a = t.allocateOrThrow({ size: 0x10, min: 0x200 }); // [300, 30f]
    t.free(a);
    expect(dump(t)).toContain("300..3ff free");
    const err = expectRefused(t, (x) => x.free(a), "NOT_FOUND");
    expect(err.details.conflict).toBe(r(0x300, 0x3ff).toString());
  });

  it.each([
    ["part of an allocated range", r(0x100, 0x107)],
    ["part of a valued range", r(0x110, 0x110)],
    ["an allocated range plus a neighbour", r(0x100, 0x11f)],
    ["unknown (not in the pool)", r(0x200, 0x2ff)],
    ["unknown, above everything", r(MAX, MAX)],
  ])("NOT_FOUND: %s", (_name, range) => {
    const t = fixture();
    expectRefused(t, (x) => x.free(range), "NOT_FOUND");
  });

  it("INVALID_*: malformed range", () => {
    const t = fixture();
    expectRefused(t, (x) => x.free({ min: 0x10f, max: 0x100 }), "INVALID_RANGE");
    expectRefused(t, (x) => x.free({ min: -1, max: 0x10f }), "INVALID_VALUE");
    expectRefused(t, (x) => x.free({ min: 0x100, max: 2n ** 64n }), "INVALID_VALUE");
    expectRefused(t, (x) => x.free(undefined as unknown as RangeLike), "INVALID_ARGUMENT");
  });
});

describe("delete", () => {
  it.each([
    ["unknown (not in the pool)", r(0x200, 0x2ff)],
    ["part of a free range", r(0x300, 0x3fe)],
    ["part of a valued range", r(0x400, 0x47f)],
    ["two ranges at once", r(0x100, 0x11f)],
  ])("NOT_FOUND: %s", (_name, range) => {
    const t = fixture();
    expectRefused(t, (x) => x.delete(range), "NOT_FOUND");
  });

  it("NOT_FOUND on an empty tree, and for a range already deleted", () => {
    const e = new IntervalTree();
    expectRefused(e, (x) => x.delete(r(0, 0)), "NOT_FOUND");
    const t = fixture();
    expect(t.delete(r(0x400, 0x4ff))).toBe("rom");
    expectRefused(t, (x) => x.delete(r(0x400, 0x4ff)), "NOT_FOUND");
  });

  it("INVALID_*: malformed range", () => {
    const t = fixture();
    expectRefused(t, (x) => x.delete({ min: 2, max: 1 }), "INVALID_RANGE");
    expectRefused(t, (x) => x.delete({ min: 0.5, max: 1 }), "INVALID_VALUE");
  });
});

describe("allocate and allocateOrThrow", () => {
  const cases: [string, unknown, string][] = [
    ["size 0", { size: 0 }, "INVALID_SIZE"],
    ["size 0n", { size: 0n }, "INVALID_SIZE"],
    ["NaN size", { size: Number.NaN }, "INVALID_VALUE"],
    ["negative size", { size: -8 }, "INVALID_VALUE"],
    ["fractional size", { size: 1.5 }, "INVALID_VALUE"],
    ["string size", { size: "8" }, "INVALID_VALUE"],
    ["missing size", {}, "INVALID_VALUE"],
    ["size 2^64", { size: 2n ** 64n }, "INVALID_VALUE"],
    ["align 3 (not a power of two)", { size: 1, align: 3 }, "INVALID_ALIGNMENT"],
    ["align 0x1001", { size: 1, align: 0x1001 }, "INVALID_ALIGNMENT"],
    ["align 2^63 + 2^62", { size: 1, align: 2n ** 63n + 2n ** 62n }, "INVALID_ALIGNMENT"],
    ["align -4", { size: 1, align: -4 }, "INVALID_VALUE"],
    ["align 2^64", { size: 1, align: 2n ** 64n }, "INVALID_VALUE"],
    ["window min > max", { size: 1, min: 0x200, max: 0x1ff }, "INVALID_WINDOW"],
    ["window min 2^64-1 above max 0", { size: 1, min: MAX, max: 0 }, "INVALID_WINDOW"],
    ["window min NaN", { size: 1, min: Number.NaN }, "INVALID_VALUE"],
    ["window max beyond 2^64-1", { size: 1, max: 2n ** 64n }, "INVALID_VALUE"],
    ["unknown policy", { size: 1, policy: "worst-fit" }, "INVALID_ARGUMENT"],
    ["null policy", { size: 1, policy: null }, "INVALID_ARGUMENT"],
    ["constraint null", null, "INVALID_ARGUMENT"],
    ["constraint a number", 8, "INVALID_ARGUMENT"],
  ];

  it.each(cases)("%s", (_name, constraint, code) => {
    const t = fixture();
    expectRefused(t, (x) => x.allocate(constraint as ConstraintLike), code as never);
    expectRefused(t, (x) => x.allocateOrThrow(constraint as ConstraintLike), code as never);
  });

  it("NO_FIT from allocateOrThrow names the constraint; allocate returns undefined", () => {
    const t = fixture();
    const before = snapshot(t);
    expect(t.allocate({ size: 0x200 })).toBeUndefined();
    expect(snapshot(t)).toEqual(before);
    const err = expectRefused(t, (x) => x.allocateOrThrow({ size: 0x200, align: 0x10 }), "NO_FIT");
    expect(err.details.argument).toBe("constraint");
    expect(err.details.value).toMatchObject({ size: 0x200n, align: 0x10n });
  });
});

describe("lookups with bad arguments", () => {
  it.each(badValues)("getById(%s): INVALID_VALUE", (_name, bad) => {
    const t = fixture();
    expectRefused(t, (x) => x.getById(bad as never), "INVALID_VALUE");
  });

  it("get / getSuperset with a malformed range", () => {
    const t = fixture();
    expectRefused(t, (x) => x.get({ min: 5, max: 4 }), "INVALID_RANGE");
    expectRefused(t, (x) => x.getSuperset({ min: 5, max: Number.NaN }), "INVALID_VALUE");
    expectRefused(t, (x) => x.get(null as unknown as RangeLike), "INVALID_ARGUMENT");
  });

  it("overlapping() with a malformed range throws when iterated", () => {
    const t = fixture();
    expectRefused(t, (x) => [...x.overlapping({ min: 5, max: 4 })], "INVALID_RANGE");
    expectRefused(t, (x) => [...x.overlapping({ min: -5, max: 4 })], "INVALID_VALUE");
  });
});

describe("error objects", () => {
  it("are AllocError instances with a message naming the problem", () => {
    const t = fixture();
    try {
      t.free(r(0x300, 0x3ff));
      expect.unreachable();
    } catch (e) {
      expect(isAllocError(e)).toBe(true);
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).name).toBe("AllocError");
      expect((e as Error).message).toMatch(/double free/);
      expect((e as Error).message).toContain(r(0x300, 0x3ff).toString());
    }
  });
});
