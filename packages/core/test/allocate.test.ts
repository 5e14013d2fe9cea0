/**
 * Example tests of IntervalTree.allocate: first match (the crate's semantics),
 * last match, best fit, exact placement, windows and alignment, and the edges
 * of the 64-bit domain (0, 2^32, 2^53, 2^63, 2^64-1, the full domain).
 */
import { describe, expect, it } from "vitest";
import { Constraint, IntervalTree, Policy, Range, exactly } from "@alloc/core";
import { MAX, P53, P63, dump, expectRefused } from "./treeHelpers.js";
import fc from "fast-check";
import { FreeListModel } from "@alloc/testing";

const r = (min: bigint | number, max: bigint | number) => new Range(min, max);
const str = (x: Range | undefined) => (x === undefined ? "none" : `${x.min.toString(16)}..${x.max.toString(16)}`);

/**
 * Free ranges of lengths 0x100, 0x20, 0x40, 0x20 (lowest to highest), kept
 * apart by gaps so none merge: [1000, 10ff], [2000, 201f], [3000, 303f], [4000, 401f].
 */
function fourHoles(): IntervalTree<string> {
  const t = new IntervalTree<string>();
  t.insert(r(0x1000, 0x10ff));
  t.insert(r(0x2000, 0x201f));
  t.insert(r(0x3000, 0x303f));
  t.insert(r(0x4000, 0x401f));
  t.checkInvariants();
  return t;
}

describe("first match (default policy)", () => {
  it("is the default and picks the lowest free range that fits, at its lowest aligned start", () => {
    const t = fourHoles();
    expect(new Constraint({ size: 1 }).policy).toBe("first-match");
    expect(str(t.allocate({ size: 0x10 }))).toBe("1000..100f");
    expect(str(t.allocate({ size: 0x10, align: 0x100 }))).toBe("2000..200f"); // 1010 is not 0x100-aligned and 1100 is outside
    expect(str(t.allocate({ size: 0x30 }))).toBe("1010..103f");
    t.checkInvariants();
    expect(dump(t)).toEqual([
      "1000..100f allocated",
      "1010..103f allocated",
      "1040..10ff free",
      "2000..200f allocated",
      "2010..201f free",
      "3000..303f free",
      "4000..401f free",
    ]);
  });

  it("skips a range that is long enough but misaligned", () => {
    const t = new IntervalTree();
    t.insert(r(0x108, 0x11e)); // 0x17 long: start 0x110 would end at 0x11f > 0x11e
    t.insert(r(0x200, 0x2ff));
    expect(str(t.allocate({ size: 0x10, align: 0x10 }))).toBe("200..20f");
    expect(str(t.allocate({ size: 0x8, align: 0x10 }))).toBe("110..117");
    t.checkInvariants();
    expect(dump(t)).toEqual(["108..10f free", "110..117 allocated", "118..11e free", "200..20f allocated", "210..2ff free"]);
  });

  it("skips allocated ranges and ranges outside the window", () => {
    const t = fourHoles();
    t.allocateOrThrow(exactly(0x2000, 0x20)); // the whole [2000, 201f]
    expect(str(t.allocate({ size: 0x20, min: 0x1f00 }))).toBe("3000..301f");
    expect(str(t.allocate({ size: 0x20, min: 0x1f00, max: 0x3fff }))).toBe("3020..303f");
    expect(str(t.allocate({ size: 0x20, min: 0x1f00, max: 0x3fff }))).toBe("none");
    t.checkInvariants();
  });

  it("takes a whole free range when it is exactly the size (no split)", () => {
    const t = fourHoles();
    expect(str(t.allocate({ size: 0x20, min: 0x2000 }))).toBe("2000..201f");
    expect(t.size).toBe(4);
    expect(t.get(r(0x2000, 0x201f))).toEqual({ kind: "allocated" });
    t.checkInvariants();
  });
});

describe("last match", () => {
  it("picks the highest free range that fits, at its highest start aligned down", () => {
    const t = new IntervalTree();
    t.insert(r(0x1000, 0x1fff));
    t.insert(r(0x3000, 0x3ffe));
    // hi = 0x3ffe, start = alignDown(0x3ffe - 0xff = 0x3eff, 0x100) = 0x3e00
    expect(str(t.allocate({ size: 0x100, align: 0x100, policy: Policy.LastMatch }))).toBe("3e00..3eff");
    t.checkInvariants();
    expect(dump(t)).toEqual(["1000..1fff free", "3000..3dff free", "3e00..3eff allocated", "3f00..3ffe free"]);
    expect(str(t.allocate({ size: 1, policy: "last-match" }))).toBe("3ffe..3ffe");
    expect(str(t.allocate({ size: 0x100, policy: "last-match", max: 0x2fff }))).toBe("1f00..1fff");
    expect(str(t.allocate({ size: 0x10, policy: "last-match", max: 0x1e80, align: 0x40 }))).toBe("1e40..1e4f");
    t.checkInvariants();
  });

  it("falls back to a lower range when the highest cannot hold the aligned block", () => {
    const t = new IntervalTree();
    t.insert(r(0x1000, 0x1fff));
    t.insert(r(0x3001, 0x30ff)); // 0xff long, no 0x100-aligned start of size 0x80 inside
    expect(str(t.allocate({ size: 0x80, align: 0x100, policy: "last-match" }))).toBe("1f00..1f7f");
    expect(str(t.allocate({ size: 0x80, align: 0x80, policy: "last-match" }))).toBe("3080..30ff");
    t.checkInvariants();
  });

  it("clips to the window before aligning down", () => {
    const t = new IntervalTree();
    t.insert(r(0, 0xffff));
    // hi = min(0xffff, 0x8fff) = 0x8fff, start = alignDown(0x8fff - 0xfff, 0x1000) = 0x8000
    expect(str(t.allocate({ size: 0x1000, align: 0x1000, max: 0x8fff, policy: "last-match" }))).toBe("8000..8fff");
    // hi = 0x8ffe: start = alignDown(0x7fff) = 0x7000
    expect(str(t.allocate({ size: 0x1000, align: 0x1000, max: 0x8ffe, policy: "last-match" }))).toBe("7000..7fff");
    // window [0x7001, 0x7ffe] cannot hold an aligned 0x1000 block
    expect(t.allocate({ size: 0x10, align: 0x1000, min: 0x6001, max: 0x6ffe, policy: "last-match" })).toBeUndefined();
    t.checkInvariants();
  });
});

describe("best fit", () => {
  it("picks the smallest free range that fits, ties to the lowest address, at its lowest start", () => {
    const t = fourHoles(); // lengths 0x100, 0x20, 0x40, 0x20
    expect(str(t.allocate({ size: 0x10, policy: "best-fit" }))).toBe("2000..200f"); // 0x20 at 2000 beats 0x20 at 4000
    expect(str(t.allocate({ size: 0x10, policy: "best-fit" }))).toBe("2010..201f"); // now 0x10 long: exact
    expect(str(t.allocate({ size: 0x10, policy: "best-fit" }))).toBe("4000..400f");
    expect(str(t.allocate({ size: 0x30, policy: "best-fit" }))).toBe("3000..302f");
    expect(str(t.allocate({ size: 0x30, policy: "best-fit" }))).toBe("1000..102f");
    t.checkInvariants();
    expect(dump(t)).toEqual([
      "1000..102f allocated",
      "1030..10ff free",
      "2000..200f allocated",
      "2010..201f allocated",
      "3000..302f allocated",
      "3030..303f free",
      "4000..400f allocated",
      "4010..401f free",
    ]);
  });

  it("prefers a small range far up over a large one low down (unlike first match)", () => {
    const first = fourHoles();
    const best = fourHoles();
    expect(str(first.allocate({ size: 0x40 }))).toBe("1000..103f");
    expect(str(best.allocate({ size: 0x40, policy: "best-fit" }))).toBe("3000..303f");
  });

  it("skips a smaller range that cannot hold the aligned block", () => {
    const t = new IntervalTree();
    t.insert(r(0x1000, 0x10ff)); // 0x100
    t.insert(r(0x2008, 0x2027)); // 0x20, but a 0x20-aligned 0x20 block does not fit
    t.insert(r(0x3000, 0x303f)); // 0x40
    expect(str(t.allocate({ size: 0x20, align: 0x20, policy: "best-fit" }))).toBe("3000..301f");
    expect(str(t.allocate({ size: 0x10, align: 0x10, policy: "best-fit" }))).toBe("2010..201f");
    t.checkInvariants();
    expect(dump(t)).toEqual(["1000..10ff free", "2008..200f free", "2010..201f allocated", "2020..2027 free", "3000..301f allocated", "3020..303f free"]);
  });

  it("respects the window: ranges outside it do not count however small", () => {
    const t = fourHoles();
    expect(str(t.allocate({ size: 0x10, min: 0x2100, policy: "best-fit" }))).toBe("4000..400f");
    expect(str(t.allocate({ size: 0x10, max: 0x1fff, policy: "best-fit" }))).toBe("1000..100f");
    // The window clips the range: [2000, 201f] clipped to [2018, 201f] is too short.
    expect(str(t.allocate({ size: 0x10, min: 0x2018, max: 0x3fff, policy: "best-fit" }))).toBe("3000..300f");
    t.checkInvariants();
  });

  it("keeps answering correctly as free ranges split, merge and disappear after the first best fit", () => {
    const t = fourHoles();
    const a = t.allocateOrThrow({ size: 0x20, policy: "best-fit" }); // [2000, 201f]
    expect(str(a)).toBe("2000..201f");
    t.checkInvariants();
    expect(str(t.allocate({ size: 0x20, policy: "best-fit" }))).toBe("4000..401f");
    t.free(a);
    t.checkInvariants();
    expect(str(t.allocate({ size: 0x18, policy: "best-fit" }))).toBe("2000..2017");
    t.delete(r(0x3000, 0x303f));
    t.insert(r(0x5000, 0x5037)); // 0x38 long
    t.insert(r(0x5038, 0x503f)); // merges: 0x40 long
    t.checkInvariants();
    expect(str(t.allocate({ size: 0x40, policy: "best-fit" }))).toBe("5000..503f");
    expect(str(t.allocate({ size: 0x8, policy: "best-fit" }))).toBe("2018..201f");
    t.checkInvariants();
    expect(dump(t).filter((l) => l.endsWith("free"))).toEqual(["1000..10ff free"]);
  });

  it("returns undefined when no free range is long enough", () => {
    const t = fourHoles();
    expect(t.allocate({ size: 0x101, policy: "best-fit" })).toBeUndefined();
    t.checkInvariants();
    expect(t.stats().free).toBe(0x180n);
  });
});

describe("exact placement with exactly(base, size)", () => {
  it("allocates exactly [base, base+size-1] inside a free range", () => {
    const t = new IntervalTree();
    t.insert(r(0, 0xffff));
    expect(str(t.allocate(exactly(0x3f8, 8)))).toBe("3f8..3ff");
    expect(str(t.allocate(exactly(0, 1)))).toBe("0..0");
    expect(str(t.allocate(exactly(0xfff0, 0x10)))).toBe("fff0..ffff");
    t.checkInvariants();
    expect(dump(t)).toEqual(["0..0 allocated", "1..3f7 free", "3f8..3ff allocated", "400..ffef free", "fff0..ffff allocated"]);
  });

  it("returns undefined when any part of the place is taken or not in the pool", () => {
    const t = new IntervalTree();
    t.insert(r(0, 0xfff));
    t.allocateOrThrow(exactly(0x100, 0x10));
    expect(t.allocate(exactly(0x108, 0x10))).toBeUndefined(); // starts inside the taken block
    expect(t.allocate(exactly(0xf8, 0x10))).toBeUndefined(); // ends inside the taken block
    expect(t.allocate(exactly(0x100, 0x10))).toBeUndefined(); // the very same block
    expect(t.allocate(exactly(0xff8, 0x10))).toBeUndefined(); // runs past the pool
    expect(t.allocate(exactly(0x2000, 1))).toBeUndefined(); // outside the pool
    expect(dump(t)).toEqual(["0..ff free", "100..10f allocated", "110..fff free"]);
    expect(str(t.allocate(exactly(0xf0, 0x10)))).toBe("f0..ff"); // right next to it is fine
    t.checkInvariants();
  });

  it("with allocateOrThrow reports NO_FIT when the place is taken, leaving the tree unchanged", () => {
    const t = new IntervalTree();
    t.insert(r(0, 0xfff));
    t.allocateOrThrow(exactly(0x100, 0x10));
    expectRefused(t, (x) => x.allocateOrThrow(exactly(0x10f, 2)), "NO_FIT");
  });
});

describe("windows and alignment", () => {
  it("a window narrower than the free range places the block inside the window", () => {
    const t = new IntervalTree();
    t.insert(r(0, 0xffff));
    expect(str(t.allocate({ size: 0x10, min: 0x1234 }))).toBe("1234..1243");
    expect(str(t.allocate({ size: 0x10, min: 0x1234, align: 0x100 }))).toBe("1300..130f");
    expect(str(t.allocate({ size: 0x10, min: 0x1234, max: 0x1253 }))).toBe("1244..1253"); // exactly fills the rest of the window
    expect(t.allocate({ size: 0x10, min: 0x1234, max: 0x1253 })).toBeUndefined();
    t.checkInvariants();
  });

  it("a window that covers part of several ranges considers each clipped part", () => {
    const t = new IntervalTree();
    t.insert(r(0x100, 0x1ff));
    t.insert(r(0x300, 0x3ff));
    expect(t.allocate({ size: 0x20, min: 0x1f0, max: 0x30f })).toBeUndefined(); // 0x10 + 0x10 in two pieces
    expect(str(t.allocate({ size: 0x10, min: 0x1f0, max: 0x30f }))).toBe("1f0..1ff");
    expect(str(t.allocate({ size: 0x10, min: 0x1f0, max: 0x30f }))).toBe("300..30f");
    t.checkInvariants();
  });

  it("align 0 and 1 both mean none", () => {
    const t = new IntervalTree();
    t.insert(r(3, 0xff));
    expect(str(t.allocate({ size: 2, align: 0 }))).toBe("3..4");
    expect(str(t.allocate({ size: 2, align: 1 }))).toBe("5..6");
    expect(str(t.allocate({ size: 2, align: 2 }))).toBe("8..9");
  });

  it("a window of one unit allocates that unit or nothing", () => {
    const t = new IntervalTree();
    t.insert(r(0, 0xff));
    expect(str(t.allocate({ size: 1, min: 0x80, max: 0x80 }))).toBe("80..80");
    expect(t.allocate({ size: 1, min: 0x80, max: 0x80 })).toBeUndefined();
    expect(t.allocate({ size: 2, min: 0x81, max: 0x81 })).toBeUndefined();
  });
});

describe("nothing fits", () => {
  it("allocate returns undefined and allocateOrThrow throws NO_FIT, both leaving the tree unchanged", () => {
    const t = new IntervalTree();
    expect(t.allocate({ size: 1 })).toBeUndefined(); // empty tree
    expectRefused(t, (x) => x.allocateOrThrow({ size: 1 }), "NO_FIT");
    t.insert(r(0x100, 0x1ff));
    t.allocateOrThrow({ size: 0x10 });
    const before = dump(t);
    for (const policy of [Policy.FirstMatch, Policy.LastMatch, Policy.BestFit]) {
      expect(t.allocate({ size: 0x100, policy })).toBeUndefined(); // too big
      expect(t.allocate({ size: 1, min: 0x200, policy })).toBeUndefined(); // window outside the pool
      expect(t.allocate({ size: 1, max: 0xff, policy })).toBeUndefined();
      expect(t.allocate({ size: 1, min: 0x100, max: 0x10f, policy })).toBeUndefined(); // only allocated space
      expect(t.allocate({ size: 0x10, align: 0x200, policy })).toBeUndefined(); // no aligned start
      const err = expectRefused(t, (x) => x.allocateOrThrow({ size: 0xf1, policy }), "NO_FIT");
      expect(err.details.argument).toBe("constraint");
    }
    expect(dump(t)).toEqual(before);
    t.checkInvariants();
  });

  it("allocateOrThrow returns the same range allocate would", () => {
    const a = fourHoles();
    const b = fourHoles();
    for (const c of [
      { size: 8, align: 16, policy: "last-match" as const },
      { size: 0x30, policy: "best-fit" as const },
      { size: 3, min: 0x2001 },
    ]) {
      expect(str(a.allocateOrThrow(c))).toBe(str(b.allocate(c)));
    }
    expect(dump(a)).toEqual(dump(b));
  });
});

describe("the edges of the 64-bit domain", () => {
  it("a range touching 0: allocation at 0, last match down to 0", () => {
    const t = new IntervalTree();
    t.insert(r(0, 0xf));
    expect(str(t.allocate({ size: 1, policy: "last-match", max: 0 }))).toBe("0..0");
    expect(str(t.allocate({ size: 4, policy: "last-match", max: 4 }))).toBe("1..4");
    t.checkInvariants();
    expect(dump(t)).toEqual(["0..0 allocated", "1..4 allocated", "5..f free"]);
  });

  it("a range touching 2^64-1: allocations ending exactly at 2^64-1, with and without alignment", () => {
    const t = new IntervalTree();
    t.insert(r(MAX - 0x2fffn, MAX));
    const a = t.allocateOrThrow({ size: 0x1000, align: 0x1000, policy: "last-match" });
    expect(a.min).toBe(MAX - 0xfffn);
    expect(a.max).toBe(MAX);
    expect(a.size).toBe(0x1000n);
    const b = t.allocateOrThrow({ size: 0x1000, min: MAX - 0x1fffn });
    expect([b.min, b.max]).toEqual([MAX - 0x1fffn, MAX - 0x1000n]);
    t.free(a);
    const c = t.allocateOrThrow(exactly(MAX, 1));
    expect([c.min, c.max]).toEqual([MAX, MAX]);
    t.checkInvariants();
    expect(dump(t)).toEqual([
      `${(MAX - 0x2fffn).toString(16)}..${(MAX - 0x2000n).toString(16)} free`,
      `${(MAX - 0x1fffn).toString(16)}..${(MAX - 0x1000n).toString(16)} allocated`,
      `${(MAX - 0xfffn).toString(16)}..${(MAX - 1n).toString(16)} free`,
      `${MAX.toString(16)}..${MAX.toString(16)} allocated`,
    ]);
    expect(t.free(c)).toBeUndefined();
    expect(t.free(b)).toBeUndefined();
    t.checkInvariants();
    expect(dump(t)).toEqual([`${(MAX - 0x2fffn).toString(16)}..${MAX.toString(16)} free`]);
  });

  it("first match whose aligned start would pass 2^64-1 finds nothing (no wrap-around to 0)", () => {
    const t = new IntervalTree();
    t.insert(r(0, 0xf));
    t.insert(r(MAX - 0xen, MAX)); // no 0x10-aligned start inside
    expect(t.allocate({ size: 1, align: 0x10, min: 0x10 })).toBeUndefined();
    expect(t.allocate({ size: 1, align: P63, min: 1 })).toBeUndefined();
    expect(str(t.allocate({ size: 0xf, min: 0x10 }))).toBe(`${(MAX - 0xen).toString(16)}..${(MAX - 0n).toString(16)}`);
    t.checkInvariants();
  });

  it("the full domain [0, 2^64-1]: stats exact at 2^64, allocate 2^64-1 units, free back", () => {
    const t = new IntervalTree();
    t.insert(r(0n, MAX));
    t.checkInvariants();
    const full = { total: 2n ** 64n, free: 2n ** 64n, allocated: 0n, largestFree: 2n ** 64n, freeFragments: 1, ranges: 1 };
    expect(t.stats()).toEqual(full);
    expect(t.getSuperset(Range.point(P63))?.[0].size).toBe(2n ** 64n);

    const a = t.allocateOrThrow({ size: MAX });
    expect([a.min, a.max]).toEqual([0n, MAX - 1n]);
    expect(t.stats()).toEqual({ total: 2n ** 64n, free: 1n, allocated: MAX, largestFree: 1n, freeFragments: 1, ranges: 2 });
    t.checkInvariants();
    t.free(a);
    expect(t.stats()).toEqual(full);

    const b = t.allocateOrThrow({ size: MAX, policy: "last-match" });
    expect([b.min, b.max]).toEqual([1n, MAX]);
    t.free(b);
    const c = t.allocateOrThrow({ size: MAX, policy: "best-fit" });
    expect([c.min, c.max]).toEqual([0n, MAX - 1n]);
    t.free(c);
    t.checkInvariants();
    expect(t.stats()).toEqual(full);
    expect(dump(t)).toEqual([`0..${MAX.toString(16)} free`]);
  });

  it("the full domain can be rebuilt from two halves (merge across 2^63) and deleted", () => {
    const t = new IntervalTree();
    t.insert(r(P63, MAX));
    t.insert(r(0n, P63 - 1n));
    t.checkInvariants();
    expect(t.stats().total).toBe(2n ** 64n);
    expect(t.size).toBe(1);
    expect(t.delete(r(0n, MAX))).toBeUndefined();
    expect(t.stats().total).toBe(0n);
  });

  it("size 2^64 cannot be asked for (sizes are u64): INVALID_VALUE, tree unchanged", () => {
    const t = new IntervalTree();
    t.insert(r(0n, MAX));
    const err = expectRefused(t, (x) => x.allocate({ size: 2n ** 64n }), "INVALID_VALUE");
    expect(err.details.argument).toBe("constraint.size");
  });

  it("align 2^63", () => {
    const t = new IntervalTree();
    t.insert(r(0n, MAX));
    expect(str(t.allocate({ size: 1, align: P63, min: 1 }))).toBe(`${P63.toString(16)}..${P63.toString(16)}`);
    expect(str(t.allocate({ size: 1, align: P63 }))).toBe("0..0");
    expect(t.allocate({ size: 1, align: P63 })).toBeUndefined(); // 0 and 2^63 are the only multiples
    t.checkInvariants();

    const u = new IntervalTree();
    u.insert(r(0n, MAX));
    const top = u.allocateOrThrow({ size: P63, align: P63, policy: "last-match" });
    expect([top.min, top.max]).toEqual([P63, MAX]);
    expect(top.size).toBe(P63);
    const bottom = u.allocateOrThrow({ size: P63, align: P63, policy: "last-match" });
    expect([bottom.min, bottom.max]).toEqual([0n, P63 - 1n]);
    expect(u.stats()).toEqual({ total: 2n ** 64n, free: 0n, allocated: 2n ** 64n, largestFree: 0n, freeFragments: 0, ranges: 2 });
    u.free(top);
    u.free(bottom);
    u.checkInvariants();
    expect(u.size).toBe(1);
  });

  it("values around 2^53 stay exact (2^53-1, 2^53, 2^53+1)", () => {
    const t = new IntervalTree<string>();
    t.insert(r(P53 - 1n, P53 + 1n));
    const a = t.allocateOrThrow({ size: 1 });
    const b = t.allocateOrThrow({ size: 1 });
    const c = t.allocateOrThrow({ size: 1 });
    expect([a.min, b.min, c.min]).toEqual([P53 - 1n, P53, P53 + 1n]);
    expect(c.max).toBe(9007199254740993n);
    t.update(c, "odd");
    t.update(b, "even");
    expect(t.getById(P53 + 1n)).toBe("odd");
    expect(t.getById(P53)).toBe("even");
    expect(t.getById(Number.MAX_SAFE_INTEGER)).toBeUndefined(); // allocated, no data
    t.free(b);
    expect(t.get(r(P53, P53))).toEqual({ kind: "free" });
    expect(t.get(r(P53 + 1n, P53 + 1n))).toEqual({ kind: "valued", value: "odd" });
    t.checkInvariants();
    expect(dump(t)).toEqual(["1fffffffffffff..1fffffffffffff allocated", "20000000000000..20000000000000 free", "20000000000001..20000000000001 valued=odd"]);
  });

  it("last match and alignment across 2^53 keep the odd low bit", () => {
    const t = new IntervalTree();
    t.insert(r(P53 - 0x10n, P53 + 0x11n));
    const a = t.allocateOrThrow({ size: 3, policy: "last-match" });
    expect([a.min, a.max]).toEqual([P53 + 0xfn, P53 + 0x11n]);
    const b = t.allocateOrThrow({ size: 2, align: 0x10, min: P53 - 0xfn });
    expect([b.min, b.max]).toEqual([P53, P53 + 1n]);
    t.checkInvariants();
  });

  it("alignment carrying into the high 32 bits, and alignment of 2^32 and more", () => {
    const t = new IntervalTree();
    t.insert(r(0xffff_fff0n, 0x1_0000_00ffn));
    expect(str(t.allocate({ size: 0x20, align: 0x20 }))).toBe("100000000..10000001f");
    expect(str(t.allocate({ size: 0x10 }))).toBe("fffffff0..ffffffff");
    expect(t.allocate({ size: 0x20, policy: "last-match", max: 0x1_0000_0030n })).toBeUndefined(); // [1_0000_0020, 1_0000_0030] is too short
    expect(str(t.allocate({ size: 0x20, policy: "last-match", max: 0x1_0000_0050n }))).toBe("100000031..100000050");
    t.checkInvariants();

    const u = new IntervalTree();
    u.insert(r(0x1_2345_6789n, 0x3_ffff_ffffn));
    expect(str(u.allocate({ size: 2n ** 32n, align: 2n ** 32n }))).toBe("200000000..2ffffffff");
    expect(str(u.allocate({ size: 2n ** 32n, align: 2n ** 32n, policy: "last-match" }))).toBe("300000000..3ffffffff");
    expect(u.allocate({ size: 2n ** 32n, align: 2n ** 32n })).toBeUndefined();
    expect(str(u.allocate({ size: 0x10, align: 2n ** 33n, policy: "last-match" }))).toBe("none");
    u.checkInvariants();
    expect(dump(u)).toEqual(["123456789..1ffffffff free", "200000000..2ffffffff allocated", "300000000..3ffffffff allocated"]);
  });

  it("last match across the 2^32 boundary", () => {
    const t = new IntervalTree();
    t.insert(r(0xffff_ff00n, 0x1_0000_000fn));
    expect(str(t.allocate({ size: 0x20, policy: "last-match" }))).toBe("fffffff0..10000000f");
    expect(str(t.allocate({ size: 0x20, align: 0x100, policy: "last-match" }))).toBe("ffffff00..ffffff1f");
    t.checkInvariants();
    expect(dump(t)).toEqual(["ffffff00..ffffff1f allocated", "ffffff20..ffffffef free", "fffffff0..10000000f allocated"]);
  });
});

describe("sizes above 2^53 are compared exactly", () => {
  const P60 = 2n ** 60n;
  const P61 = 2n ** 61n;
  const P62 = 2n ** 62n;

  it("largestFree, best fit and first/last match tell apart sizes that differ by one unit near 2^60", () => {
    const t = new IntervalTree();
    t.insert(r(0n, P60 + 2n)); // A: 2^60 + 3 units
    t.insert(r(P61, P61 + P60 + 1n)); // B: 2^60 + 2 units
    t.insert(r(P62, P62 + P60)); // C: 2^60 + 1 units
    expect(t.stats()).toEqual({ total: 3n * P60 + 6n, free: 3n * P60 + 6n, allocated: 0n, largestFree: P60 + 3n, freeFragments: 3, ranges: 3 });
    const b = t.allocateOrThrow({ size: P60 + 2n, policy: "best-fit" });
    expect([b.min, b.max]).toEqual([P61, P61 + P60 + 1n]);
    expect(t.stats().largestFree).toBe(P60 + 3n);
    const a = t.allocateOrThrow({ size: P60 + 3n });
    expect([a.min, a.max]).toEqual([0n, P60 + 2n]);
    expect(t.stats().largestFree).toBe(P60 + 1n);
    for (const policy of [Policy.FirstMatch, Policy.LastMatch, Policy.BestFit]) {
      expect(t.allocate({ size: P60 + 2n, policy })).toBeUndefined();
    }
    const c = t.allocateOrThrow({ size: P60 + 1n, policy: "last-match" });
    expect([c.min, c.max]).toEqual([P62, P62 + P60]);
    expect(t.stats()).toEqual({ total: 3n * P60 + 6n, free: 0n, allocated: 3n * P60 + 6n, largestFree: 0n, freeFragments: 0, ranges: 3 });
    t.checkInvariants();
    t.free(b);
    expect(t.stats().largestFree).toBe(P60 + 2n);
    t.checkInvariants();
  });

  it("near 2^63: 2^63+1 units vs 2^63-2 units", () => {
    const t = new IntervalTree();
    t.insert(r(0n, P63)); // 2^63 + 1 units
    t.insert(r(P63 + 2n, MAX)); // 2^63 - 2 units
    expect(t.stats().largestFree).toBe(P63 + 1n);
    expect(t.stats().total).toBe(2n ** 64n - 1n);
    expect(t.allocate({ size: P63 + 2n })).toBeUndefined();
    const a = t.allocateOrThrow({ size: P63 + 1n, policy: "last-match" });
    expect([a.min, a.max]).toEqual([0n, P63]);
    expect(t.stats().largestFree).toBe(P63 - 2n);
    expect(t.allocate({ size: P63 - 1n })).toBeUndefined();
    expect(t.allocate({ size: P63 - 1n, policy: "best-fit" })).toBeUndefined();
    const b = t.allocateOrThrow({ size: P63 - 2n, policy: "best-fit" });
    expect([b.min, b.max]).toEqual([P63 + 2n, MAX]);
    expect(t.stats().largestFree).toBe(0n);
    t.free(a);
    expect(t.stats().largestFree).toBe(P63 + 1n);
    t.checkInvariants();
  });

  it("many free ranges just above 2^53 with lengths one apart: largestFree is the exact maximum", () => {
    const t = new IntervalTree();
    const base = 2n ** 56n;
    for (let i = 0n; i < 20n; i++) {
      const min = base * (2n * i + 2n);
      t.insert(r(min, min + P53 + ((i * 7n) % 20n))); // lengths 2^53+1 .. 2^53+20, shuffled
    }
    t.checkInvariants();
    expect(t.stats().largestFree).toBe(P53 + 20n);
    const top = t.allocateOrThrow({ size: P53 + 20n });
    expect(top.size).toBe(P53 + 20n);
    expect(t.stats().largestFree).toBe(P53 + 19n);
    expect(t.allocate({ size: P53 + 20n, policy: "last-match" })).toBeUndefined();
    const next = t.allocateOrThrow({ size: P53 + 19n, policy: "best-fit" });
    expect(next.size).toBe(P53 + 19n);
    expect(t.stats().largestFree).toBe(P53 + 18n);
    t.checkInvariants();
  });
});

describe("allocate with data", () => {
  it("marks the range valued in the same call: getById, get, free and update see the data", () => {
    const t = fourHoles();
    const a = t.allocate({ size: 0x10 }, "uart");
    expect(str(a)).toBe("1000..100f");
    expect(t.getById(0x1008)).toBe("uart");
    expect(t.get(a!)).toEqual({ kind: "valued", value: "uart" });
    const b = t.allocate({ size: 0x20, policy: "last-match" }, "rtc");
    expect(str(b)).toBe("4000..401f");
    const c = t.allocateOrThrow({ size: 0x8, policy: "best-fit" }, "virtio");
    expect(str(c)).toBe("2000..2007");
    expect(t.getById(0x2007)).toBe("virtio");
    t.checkInvariants();
    expect(t.update(a!, "serial")).toBe("uart");
    expect(t.free(a!)).toBe("serial");
    expect(t.free(c)).toBe("virtio");
    expect(t.getById(0x2007)).toBeUndefined();
    t.checkInvariants();
  });

  it("without data (or with undefined) the range is plainly allocated; no fit stores nothing", () => {
    const t = fourHoles();
    const a = t.allocate({ size: 0x10 }, undefined);
    expect(t.get(a!)).toEqual({ kind: "allocated" });
    expect(t.allocate({ size: 0x1000 }, "too big")).toBeUndefined();
    expect(() => t.allocateOrThrow({ size: 0x1000 }, "too big")).toThrow(/nothing in the pool fits/);
    expect([...t].filter(([, s]) => s.kind === "valued")).toHaveLength(0);
    t.checkInvariants();
  });

  it("works above 2^53, where the value table is keyed by an exact bigint", () => {
    const t = new IntervalTree<string>();
    t.insert(r(P63, MAX));
    const a = t.allocateOrThrow({ size: 3, align: 2 }, "high");
    expect(a.min).toBe(P63);
    expect(t.getById(P63 + 2n)).toBe("high");
    const b = t.allocateOrThrow({ size: 1, policy: "last-match" }, "top");
    expect(b.min).toBe(MAX);
    expect(t.getById(MAX)).toBe("top");
    expect(t.free(b)).toBe("top");
    t.checkInvariants();
  });
});

describe("many constraints in turn", () => {
  it("place exactly as plain-object copies do: more constraints than the recent-request cache holds, across trees, windows and policies", () => {
    // 40 distinct constraints (the cache holds 16), used in a seeded order by three trees, with plain objects and a
    // repeated constraint between them: every answer must be the one a fresh plain copy of the same constraint gives.
    const policies: Policy[] = ["first-match", "last-match", "best-fit"];
    const cs = Array.from({ length: 40 }, (_, i) => {
      const size = 1n << BigInt(i % 7);
      const windowed = i % 3 === 0;
      return new Constraint({
        size,
        align: i % 2 === 0 ? size : 1n,
        ...(windowed ? { min: P53 - 0x1000n + BigInt(i), max: P53 + 0x1000n } : {}),
        policy: policies[i % 3] as Policy,
      });
    });
    const mk = () =>
      new IntervalTree()
        .insert(r(0, 0xfff))
        .insert(r(P53 - 0x2000n, P53 + 0x2000n))
        .insert(r(MAX - 0xfffn, MAX));
    const trees = [mk(), mk(), mk()];
    const models = [mk(), mk(), mk()];
    let seed = 12345;
    for (let step = 0; step < 3000; step++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const t = seed % 3;
      const c = cs[(seed >>> 3) % cs.length] as Constraint;
      const plain = c.toInit();
      const got = (seed >>> 9) % 5 === 0 ? (trees[t] as IntervalTree).allocate(plain) : (trees[t] as IntervalTree).allocate(c);
      const want = (models[t] as IntervalTree).allocate({ ...plain });
      expect(str(got), `step ${step}, constraint ${c}`).toBe(str(want));
      // Free now and then, so fits move around.
      if (got !== undefined && (seed >>> 12) % 3 === 0) {
        (trees[t] as IntervalTree).free(got);
        (models[t] as IntervalTree).free(want as Range);
      }
    }
    for (const t of trees) t.checkInvariants();
  });
});

describe("recent requests (property)", () => {
  it("a tree given reused Constraint instances answers as the naive model given plain copies, whatever the order and number of distinct constraints", () => {
    const spec = fc.record({
      size: fc.bigInt({ min: 1n, max: 64n }),
      align: fc.constantFrom(0n, 1n, 2n, 8n, 64n),
      low: fc.boolean(),
      policy: fc.constantFrom<Policy>("first-match", "last-match", "best-fit"),
    });
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 40 }), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { maxLength: 300 }), (specs, steps) => {
        const cs = specs.map((s) => new Constraint({ size: s.size, align: s.align, ...(s.low ? { max: 0x7ffn } : { min: P53 - 0x800n }), policy: s.policy }));
        const trees = [0, 1].map(() => new IntervalTree().insert(r(0, 0xfff)).insert(r(P53 - 0x1000n, P53 + 0x1000n)));
        const models = [0, 1].map(() => new FreeListModel().insert(r(0, 0xfff)).insert(r(P53 - 0x1000n, P53 + 0x1000n)));
        const held: [Range, Range][][] = [[], []];
        for (const [pick, which, free] of steps) {
          const t = which % 2;
          const list = held[t] as [Range, Range][];
          if (free && list.length > 0) {
            const [a, b] = list.splice(pick % list.length, 1)[0] as [Range, Range];
            (trees[t] as IntervalTree).free(a);
            (models[t] as FreeListModel<unknown>).free(b);
            continue;
          }
          const c = cs[pick % cs.length] as Constraint;
          const got = (trees[t] as IntervalTree).allocate(c);
          const want = (models[t] as FreeListModel<unknown>).allocate(c.toInit());
          expect(str(got)).toBe(str(want));
          if (got !== undefined && want !== undefined) list.push([got, want]);
        }
        for (const t of trees) t.checkInvariants();
      }),
      { numRuns: 200 },
    );
  });
});
