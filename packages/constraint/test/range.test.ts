import { describe, it, expect } from "vitest";
import { Range } from "@alloc/constraint";
import { MAX, SAFE, expectAllocError } from "./helpers.js";

describe("Range constructor", () => {
  it("builds [min, max] from numbers and bigints", () => {
    const a = new Range(0x1000, 0x1fff);
    expect(a.min).toBe(0x1000n);
    expect(a.max).toBe(0x1fffn);
    const b = new Range(0x1000n, 0x1fffn);
    expect(b.equals(a)).toBe(true);
    const c = new Range(0x1000, 0x1fffn);
    expect(c.equals(a)).toBe(true);
  });

  it("accepts a single point and the bounds of the domain", () => {
    expect(new Range(7, 7).size).toBe(1n);
    expect(new Range(0, 0).size).toBe(1n);
    expect(new Range(MAX, MAX).size).toBe(1n);
    expect(new Range(MAX, MAX).min).toBe(MAX);
  });

  it("accepts the full 64-bit domain, whose size is exactly 2^64", () => {
    const full = new Range(0n, MAX);
    expect(full.min).toBe(0n);
    expect(full.max).toBe(MAX);
    expect(full.size).toBe(2n ** 64n);
  });

  it("refuses min > max with INVALID_RANGE", () => {
    const e = expectAllocError(() => new Range(5, 4), "INVALID_RANGE", "range");
    expect(e.details.value).toEqual({ min: 5, max: 4 });
    expect(e.message).toContain("0x0000000000000005");
    expectAllocError(() => new Range(MAX, MAX - 1n), "INVALID_RANGE", "range");
    expectAllocError(() => new Range(2n ** 32n, 2n ** 32n - 1n), "INVALID_RANGE", "range");
  });

  it("refuses values outside the domain with INVALID_VALUE naming the bound", () => {
    expectAllocError(() => new Range(-1, 4), "INVALID_VALUE", "range.min");
    expectAllocError(() => new Range(0, -1n), "INVALID_VALUE", "range.max");
    expectAllocError(() => new Range(0, 2n ** 64n), "INVALID_VALUE", "range.max");
    expectAllocError(() => new Range(1.5, 4), "INVALID_VALUE", "range.min");
    expectAllocError(() => new Range(Number.NaN, 4), "INVALID_VALUE", "range.min");
    expectAllocError(() => new Range(0, Number.POSITIVE_INFINITY), "INVALID_VALUE", "range.max");
    expectAllocError(() => new Range(0, 2 ** 53), "INVALID_VALUE", "range.max");
    expectAllocError(() => new Range("1" as never, 4), "INVALID_VALUE", "range.min");
    expectAllocError(() => new Range(null as never, 4), "INVALID_VALUE", "range.min");
    expectAllocError(() => new Range(undefined as never, 4), "INVALID_VALUE", "range.min");
  });

  it("accepts the largest safe integer number exactly", () => {
    const r = new Range(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    expect(r.min).toBe(SAFE);
  });

  it("treats -0 as 0", () => {
    const r = Range.point(-0);
    expect(r.min).toBe(0n);
    expect(r.equals(Range.point(0))).toBe(true);
    expect(Object.is(r.minHi, 0)).toBe(true);
    expect(Object.is(r.minLo, 0)).toBe(true);
  });
});

describe("Range.withSize", () => {
  it("builds [base, base + size - 1] (not the crate's [base, base + size])", () => {
    const r = Range.withSize(0x1000, 0x1000);
    expect(r.min).toBe(0x1000n);
    expect(r.max).toBe(0x1fffn);
    expect(r.size).toBe(0x1000n);
    expect(Range.withSize(0xd0000000n, 0x1000n).max).toBe(0xd0000fffn);
  });

  it("size 1 is a single point", () => {
    const r = Range.withSize(42, 1);
    expect(r.min).toBe(42n);
    expect(r.max).toBe(42n);
    expect(r.equals(Range.point(42))).toBe(true);
  });

  it("can end exactly at 2^64-1 and cover the whole domain", () => {
    expect(Range.withSize(MAX, 1).max).toBe(MAX);
    expect(Range.withSize(MAX - 0xfffn, 0x1000).max).toBe(MAX);
    const full = Range.withSize(0, 2n ** 64n - 1n);
    expect(full.max).toBe(MAX - 1n);
  });

  it("refuses size 0 with INVALID_SIZE", () => {
    expectAllocError(() => Range.withSize(0x1000, 0), "INVALID_SIZE", "size");
    expectAllocError(() => Range.withSize(0x1000, 0n), "INVALID_SIZE", "size");
  });

  it("refuses a range running past 2^64-1 with INVALID_RANGE", () => {
    const e = expectAllocError(() => Range.withSize(MAX, 2), "INVALID_RANGE", "size");
    expect(e.details.value).toEqual({ base: MAX, size: 2 });
    expectAllocError(() => Range.withSize(MAX - 0xfffn, 0x1001), "INVALID_RANGE", "size");
    expectAllocError(() => Range.withSize(2, MAX), "INVALID_RANGE", "size");
    expect(Range.withSize(1, MAX).max).toBe(MAX);
  });

  it("refuses invalid base and size values with INVALID_VALUE", () => {
    expectAllocError(() => Range.withSize(-1, 1), "INVALID_VALUE", "base");
    expectAllocError(() => Range.withSize(0, 1.5), "INVALID_VALUE", "size");
    expectAllocError(() => Range.withSize(0, 2n ** 64n), "INVALID_VALUE", "size");
  });
});

describe("Range.point / from / fromParts", () => {
  it("point(v) is [v, v]", () => {
    const p = Range.point(5);
    expect(p.min).toBe(5n);
    expect(p.max).toBe(5n);
    expect(p.size).toBe(1n);
    expect(Range.point(MAX).toString()).toBe("[0xffffffffffffffff, 0xffffffffffffffff]");
    expectAllocError(() => Range.point(-1), "INVALID_VALUE", "range.min");
  });

  it("from returns a Range instance unchanged", () => {
    const r = new Range(1, 2);
    expect(Range.from(r)).toBe(r);
  });

  it("from validates plain { min, max } objects", () => {
    const r = Range.from({ min: 0, max: 0xff });
    expect(r).toBeInstanceOf(Range);
    expect(r.size).toBe(256n);
    expect(Range.from({ min: 2n ** 60n, max: MAX }).min).toBe(2n ** 60n);
    expectAllocError(() => Range.from({ min: 3, max: 2 }), "INVALID_RANGE", "range");
    expectAllocError(() => Range.from({ min: -3, max: 2 }), "INVALID_VALUE", "range.min");
    expectAllocError(() => Range.from({ min: 0 } as never), "INVALID_VALUE", "range.max");
  });

  it("from refuses non-objects with INVALID_ARGUMENT", () => {
    expectAllocError(() => Range.from(null as never), "INVALID_ARGUMENT", "range");
    expectAllocError(() => Range.from(5 as never), "INVALID_ARGUMENT", "range");
    expectAllocError(() => Range.from(undefined as never), "INVALID_ARGUMENT", "range");
    expectAllocError(() => Range.from("[1,2]" as never), "INVALID_ARGUMENT", "range");
  });

  it("fromParts builds from 32-bit halves", () => {
    const r = Range.fromParts(0x1, 0x2, 0xffffffff, 0xfffffffe);
    expect(r).toBeInstanceOf(Range);
    expect(r.min).toBe(0x1_0000_0002n);
    expect(r.max).toBe(0xffff_ffff_ffff_fffen);
    expect([r.minHi, r.minLo, r.maxHi, r.maxLo]).toEqual([0x1, 0x2, 0xffffffff, 0xfffffffe]);
    expect(Range.fromParts(0, 0, 0xffffffff, 0xffffffff).size).toBe(2n ** 64n);
  });

  it("fromParts does not leave the constructor in trusted mode", () => {
    Range.fromParts(0, 9, 0, 9);
    const r = new Range(3, 4);
    expect(r.min).toBe(3n);
    expect(r.max).toBe(4n);
    expectAllocError(() => new Range(4, 3), "INVALID_RANGE");
  });
});

describe("Range getters", () => {
  it("exposes 32-bit halves", () => {
    const r = new Range(0x1234_5678_9abc_def0n, 0xffff_ffff_0000_0001n);
    expect(r.minHi).toBe(0x12345678);
    expect(r.minLo).toBe(0x9abcdef0);
    expect(r.maxHi).toBe(0xffffffff);
    expect(r.maxLo).toBe(0x00000001);
  });

  it("is exact around 2^53", () => {
    const r = new Range(2n ** 53n - 1n, 2n ** 53n + 1n);
    expect(r.min).toBe(9007199254740991n);
    expect(r.max).toBe(9007199254740993n);
    expect(r.size).toBe(3n);
    const s = new Range(2n ** 53n + 1n, 2n ** 53n + 1n);
    expect(s.min).toBe(9007199254740993n);
  });

  it("is exact around 2^64-1", () => {
    const r = new Range(MAX - 2n, MAX);
    expect(r.min).toBe(18446744073709551613n);
    expect(r.max).toBe(18446744073709551615n);
    expect(r.size).toBe(3n);
  });

  it("size is max - min + 1", () => {
    expect(new Range(0, 0xfff).size).toBe(0x1000n);
    expect(new Range(1n, MAX).size).toBe(MAX);
    expect(new Range(0n, MAX - 1n).size).toBe(MAX);
  });

  it("minNumber/maxNumber return numbers up to 2^53-1", () => {
    const r = new Range(3, Number.MAX_SAFE_INTEGER);
    expect(r.minNumber).toBe(3);
    expect(r.maxNumber).toBe(Number.MAX_SAFE_INTEGER);
    const s = new Range(0x1_0000_0000n, 0x1_0000_0001n);
    expect(s.minNumber).toBe(4294967296);
    expect(s.maxNumber).toBe(4294967297);
  });

  it("minNumber/maxNumber throw INVALID_VALUE above 2^53-1", () => {
    const r = new Range(1, 2n ** 53n);
    expect(r.minNumber).toBe(1);
    expectAllocError(() => r.maxNumber, "INVALID_VALUE", "range.max");
    const s = new Range(2n ** 53n, MAX);
    expectAllocError(() => s.minNumber, "INVALID_VALUE", "range.min");
    expectAllocError(() => s.maxNumber, "INVALID_VALUE", "range.max");
  });
});

describe("Range.intersects", () => {
  const r = new Range(10, 20);
  it.each([
    [0, 9, false],
    [0, 10, true],
    [20, 30, true],
    [21, 30, false],
    [12, 15, true],
    [0, 100, true],
    [10, 20, true],
  ])("[10,20] vs [%i,%i] → %s", (min, max, expected) => {
    const o = new Range(min, max);
    expect(r.intersects(o)).toBe(expected);
    expect(o.intersects(r)).toBe(expected);
  });

  it("works across the 32-bit boundary and at the top of the domain", () => {
    const a = new Range(0xffff_ffffn, 0x1_0000_0000n);
    expect(a.intersects(Range.point(0x1_0000_0000n))).toBe(true);
    expect(a.intersects(Range.point(0x1_0000_0001n))).toBe(false);
    expect(a.intersects(Range.point(0xffff_fffen))).toBe(false);
    expect(new Range(0n, MAX).intersects(Range.point(MAX))).toBe(true);
    expect(new Range(0n, MAX - 1n).intersects(Range.point(MAX))).toBe(false);
  });
});

describe("Range.contains", () => {
  const r = new Range(10, 20);
  it("contains ranges entirely inside", () => {
    expect(r.contains(new Range(10, 20))).toBe(true);
    expect(r.contains(new Range(11, 19))).toBe(true);
    expect(r.contains(new Range(9, 20))).toBe(false);
    expect(r.contains(new Range(10, 21))).toBe(false);
    expect(r.contains(new Range(0, 5))).toBe(false);
    expect(new Range(11, 19).contains(r)).toBe(false);
  });

  it("contains points given as numbers or bigints", () => {
    expect(r.contains(10)).toBe(true);
    expect(r.contains(20n)).toBe(true);
    expect(r.contains(15)).toBe(true);
    expect(r.contains(9)).toBe(false);
    expect(r.contains(21n)).toBe(false);
    const top = new Range(MAX - 1n, MAX);
    expect(top.contains(MAX)).toBe(true);
    expect(top.contains(MAX - 2n)).toBe(false);
    expect(new Range(0n, MAX).contains(2n ** 63n)).toBe(true);
  });

  it("refuses an invalid point with INVALID_VALUE", () => {
    expectAllocError(() => r.contains(-1), "INVALID_VALUE");
    expectAllocError(() => r.contains(2n ** 64n), "INVALID_VALUE");
  });
});

describe("Range.alignUp (crate examples and more)", () => {
  const r = new Range(2, 6);
  it("align 0, 1 and 2 leave [2,6] unchanged", () => {
    for (const a of [0, 1, 2, 0n, 1n, 2n]) {
      const out = r.alignUp(a);
      expect(out?.min).toBe(2n);
      expect(out?.max).toBe(6n);
    }
  });

  it("align 4 gives [4,6]", () => {
    const out = r.alignUp(4);
    expect(out).toBeInstanceOf(Range);
    expect(out?.min).toBe(4n);
    expect(out?.max).toBe(6n);
  });

  it("align 8 gives undefined (no multiple of 8 inside)", () => {
    expect(r.alignUp(8)).toBeUndefined();
    expect(r.alignUp(8n)).toBeUndefined();
  });

  it("align 3 throws INVALID_ALIGNMENT", () => {
    const e = expectAllocError(() => r.alignUp(3), "INVALID_ALIGNMENT", "align");
    expect(e.details.value).toBe(3);
    expectAllocError(() => r.alignUp(6n), "INVALID_ALIGNMENT", "align");
    expectAllocError(() => r.alignUp(MAX), "INVALID_ALIGNMENT", "align");
  });

  it("invalid align values throw INVALID_VALUE", () => {
    expectAllocError(() => r.alignUp(-4), "INVALID_VALUE", "align");
    expectAllocError(() => r.alignUp(2n ** 64n), "INVALID_VALUE", "align");
  });

  it("[2,2] align 2 gives [2,2]", () => {
    const out = new Range(2, 2).alignUp(2);
    expect(out?.min).toBe(2n);
    expect(out?.max).toBe(2n);
  });

  it("an already aligned min is kept", () => {
    const out = new Range(0x1000, 0x1fff).alignUp(0x1000);
    expect(out?.min).toBe(0x1000n);
    expect(out?.max).toBe(0x1fffn);
  });

  it("handles large alignments at the top of the domain", () => {
    const top = new Range(2n ** 63n - 5n, MAX);
    const out = top.alignUp(2n ** 63n);
    expect(out?.min).toBe(2n ** 63n);
    expect(out?.max).toBe(MAX);
    const high = new Range(0xffff_ffff_ffff_e001n, MAX);
    const out2 = high.alignUp(0x1000);
    expect(out2?.min).toBe(0xffff_ffff_ffff_f000n);
    expect(out2?.max).toBe(MAX);
  });

  it("returns undefined when the next aligned value would pass 2^64-1", () => {
    expect(new Range(MAX - 0xffen, MAX).alignUp(0x1000)).toBeUndefined();
    expect(new Range(2n ** 63n + 1n, MAX).alignUp(2n ** 63n)).toBeUndefined();
    expect(Range.point(MAX).alignUp(2)).toBeUndefined();
    expect(Range.point(MAX).alignUp(1)?.min).toBe(MAX);
  });

  it("keeps exact values above 2^53", () => {
    const out = new Range(2n ** 53n + 1n, 2n ** 53n + 100n).alignUp(16);
    expect(out?.min).toBe(2n ** 53n + 16n);
    expect(out?.max).toBe(2n ** 53n + 100n);
  });
});

describe("Range.equals / compare", () => {
  it("equals compares min and max exactly", () => {
    expect(new Range(1, 2).equals(new Range(1n, 2n))).toBe(true);
    expect(new Range(1, 2).equals(new Range(1, 3))).toBe(false);
    expect(new Range(1, 2).equals(new Range(0, 2))).toBe(false);
    expect(new Range(MAX - 1n, MAX).equals(new Range(MAX - 1n, MAX))).toBe(true);
    expect(new Range(2n ** 32n, 2n ** 32n).equals(new Range(0, 0))).toBe(false);
  });

  it("compare orders by min, then max", () => {
    expect(new Range(1, 5).compare(new Range(2, 3))).toBeLessThan(0);
    expect(new Range(2, 3).compare(new Range(1, 5))).toBeGreaterThan(0);
    expect(new Range(1, 3).compare(new Range(1, 5))).toBeLessThan(0);
    expect(new Range(1, 5).compare(new Range(1, 3))).toBeGreaterThan(0);
    expect(new Range(1, 5).compare(new Range(1, 5))).toBe(0);
    expect(new Range(0xffff_ffffn, MAX).compare(new Range(0x1_0000_0000n, 0x1_0000_0000n))).toBeLessThan(0);
    expect(new Range(MAX, MAX).compare(new Range(0, MAX))).toBeGreaterThan(0);
  });

  it("sorts with Array.prototype.sort", () => {
    const ranges = [
      new Range(MAX, MAX),
      new Range(5, 9),
      new Range(2n ** 40n, 2n ** 41n),
      new Range(5, 6),
      new Range(0, MAX),
      new Range(0xffff_ffffn, 0x1_0000_0000n),
    ];
    const sorted = [...ranges].sort((a, b) => a.compare(b)).map((r) => r.toJSON());
    expect(sorted).toEqual([
      { min: "0x0", max: "0xffffffffffffffff" },
      { min: "0x5", max: "0x6" },
      { min: "0x5", max: "0x9" },
      { min: "0xffffffff", max: "0x100000000" },
      { min: "0x10000000000", max: "0x20000000000" },
      { min: "0xffffffffffffffff", max: "0xffffffffffffffff" },
    ]);
  });
});

describe("Range.toString / toJSON", () => {
  it("toString prints 16 hex digits per bound", () => {
    expect(new Range(0x1000, 0x1fff).toString()).toBe("[0x0000000000001000, 0x0000000000001fff]");
    expect(new Range(0, MAX).toString()).toBe("[0x0000000000000000, 0xffffffffffffffff]");
    expect(new Range(0xdead_beef_0000_0001n, 0xdead_beef_0000_0001n).toString()).toBe("[0xdeadbeef00000001, 0xdeadbeef00000001]");
    expect(String(Range.point(0xab))).toBe("[0x00000000000000ab, 0x00000000000000ab]");
  });

  it("toJSON gives exact 0x hex strings", () => {
    expect(new Range(0x1000, 0x1fff).toJSON()).toEqual({ min: "0x1000", max: "0x1fff" });
    expect(new Range(0, MAX).toJSON()).toEqual({ min: "0x0", max: "0xffffffffffffffff" });
    expect(JSON.stringify(new Range(2n ** 53n + 1n, 2n ** 53n + 1n))).toBe('{"min":"0x20000000000001","max":"0x20000000000001"}');
  });

  it("toJSON round-trips through Range.from with BigInt", () => {
    const r = new Range(0x1234_5678_9abc_def0n, MAX);
    const j = r.toJSON();
    expect(Range.from({ min: BigInt(j.min), max: BigInt(j.max) }).equals(r)).toBe(true);
  });
});
