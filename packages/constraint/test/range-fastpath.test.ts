import { describe, it, expect } from "vitest";
import { Range } from "@alloc/constraint";
import { MAX, expectAllocError } from "./helpers.js";

// Values around the float64 fast path's edge (2^53) and the ends of the domain,
// checked against plain bigint arithmetic.
const S = 2n ** 53n;
const EDGES = [0n, 1n, 2n ** 30n - 1n, 2n ** 30n, 2n ** 32n - 1n, 2n ** 32n, S - 2n, S - 1n, S, S + 1n, 2n ** 60n, MAX - 1n, MAX];
const asNumber = (v: bigint): number | undefined => (v < S ? Number(v) : undefined);

function inputs(v: bigint): (bigint | number)[] {
  const n = asNumber(v);
  return n === undefined ? [v] : [v, n];
}

function expectExact(r: Range, min: bigint, max: bigint): void {
  expect(r.min).toBe(min);
  expect(r.max).toBe(max);
  expect(r.size).toBe(max - min + 1n);
  expect((BigInt(r.minHi) << 32n) | BigInt(r.minLo)).toBe(min);
  expect((BigInt(r.maxHi) << 32n) | BigInt(r.maxLo)).toBe(max);
  expect(r.equals(Range.fromParts(Number(min >> 32n), Number(min & 0xffffffffn), Number(max >> 32n), Number(max & 0xffffffffn)))).toBe(true);
}

describe("Range fast paths agree with the exact bigint reference", () => {
  it("new Range at every pair of edges, number and bigint inputs", () => {
    for (const a of EDGES) {
      for (const b of EDGES) {
        for (const x of inputs(a)) {
          for (const y of inputs(b)) {
            if (a <= b) expectExact(new Range(x, y), a, b);
            else expectAllocError(() => new Range(x, y), "INVALID_RANGE", "range");
          }
        }
      }
    }
  });

  it("Range.withSize at every base and size edge, including base + size - 1 around 2^53 and 2^64-1", () => {
    const sizes = [...EDGES.filter((s) => s > 0n), 2n ** 64n];
    for (const base of EDGES) {
      for (const size of sizes) {
        for (const x of inputs(base)) {
          for (const y of size === 2n ** 64n ? [size] : inputs(size)) {
            const last = base + size - 1n;
            if (size <= MAX && last <= MAX) expectExact(Range.withSize(x, y), base, last);
            else if (size > MAX) expectAllocError(() => Range.withSize(x, y), "INVALID_VALUE", "size");
            else expectAllocError(() => Range.withSize(x, y), "INVALID_RANGE", "size");
          }
        }
      }
    }
  });

  it("base + size - 1 exactly at 2^53-1, 2^53 and 2^53+1", () => {
    expectExact(Range.withSize(S - 1n, 1), S - 1n, S - 1n);
    expectExact(Range.withSize(Number(S - 1n), 1), S - 1n, S - 1n);
    expectExact(Range.withSize(1, Number(S - 1n)), 1n, S - 1n);
    expectExact(Range.withSize(2, Number(S - 1n)), 2n, S);
    expectExact(Range.withSize(3, Number(S - 1n)), 3n, S + 1n);
    expectExact(Range.withSize(Number(S - 1n), Number(S - 1n)), S - 1n, 2n * S - 3n);
    expectExact(Range.withSize(2 ** 52, 2 ** 52), 2n ** 52n, S - 1n);
    expectExact(Range.withSize(2 ** 52, 2 ** 52 + 1), 2n ** 52n, S);
    expectExact(Range.withSize(2 ** 52 + 1, 2 ** 52 + 1), 2n ** 52n + 1n, S + 1n);
  });

  it("the full domain from size 2^64, and sizes that run past 2^64-1", () => {
    expectExact(Range.withSize(0, 2n ** 64n - 1n), 0n, MAX - 1n);
    expectExact(Range.withSize(1, MAX), 1n, MAX);
    expect(Range.withSize(0n, MAX).size).toBe(MAX);
    expect(new Range(0, MAX).size).toBe(2n ** 64n);
    expect(new Range(0, Number(S - 1n)).size).toBe(S);
    const e = expectAllocError(() => Range.withSize(2, MAX), "INVALID_RANGE", "size");
    expect(e.message).toBe(`range of size ${MAX} at 0x0000000000000002 runs past 2^64-1`);
    expect(e.details.value).toEqual({ base: 2, size: MAX });
    expectAllocError(() => Range.withSize(MAX, 2), "INVALID_RANGE", "size");
    expectExact(Range.withSize(Number(S - 1n), MAX - S + 2n), S - 1n, MAX);
    expectAllocError(() => Range.withSize(Number(S - 1n), MAX - S + 3n), "INVALID_RANGE", "size");
    expectAllocError(() => Range.withSize(0, 2n ** 64n), "INVALID_VALUE", "size");
  });

  it("-0 reads as 0 and unsafe or fractional numbers keep their errors", () => {
    expectExact(new Range(-0, -0), 0n, 0n);
    expectExact(Range.withSize(-0, 1), 0n, 0n);
    expect(Object.is(new Range(-0, 3).minLo, 0)).toBe(true);
    expectAllocError(() => new Range(2 ** 53, 2 ** 53), "INVALID_VALUE", "range.min");
    expectAllocError(() => Range.withSize(0, 2 ** 53), "INVALID_VALUE", "size");
    expectAllocError(() => Range.withSize(0.5, 1), "INVALID_VALUE", "base");
    expectAllocError(() => Range.withSize(1, 0), "INVALID_SIZE", "size");
    expectAllocError(() => Range.withSize(1, 0n), "INVALID_SIZE", "size");
    expectAllocError(() => new Range(0, -1), "INVALID_VALUE", "range.max");
  });
});

describe("Range.fromNumbers, minNumberOf, maxNumberOf", () => {
  it("build the same range as the constructor, with a locator that never changes its value", () => {
    for (const [min, max] of [
      [0, 0],
      [0x1000, 0x1fff],
      [2 ** 30 - 1, 2 ** 30],
      [2 ** 32 - 1, 2 ** 32 + 5],
      [2 ** 53 - 2, 2 ** 53 - 1],
    ] as const) {
      const r = Range.fromNumbers(min, max, 7);
      expect(r.equals(new Range(min, max))).toBe(true);
      expect(Range.hintOf(r)).toBe(7);
      expect(Range.minNumberOf(r)).toBe(min);
      expect(Range.maxNumberOf(r)).toBe(max);
    }
  });

  it("answer -1 at and above 2^53, where a number is not exact", () => {
    const r = new Range(2n ** 53n - 1n, 2n ** 53n);
    expect(Range.minNumberOf(r)).toBe(2 ** 53 - 1);
    expect(Range.maxNumberOf(r)).toBe(-1);
    expect(Range.minNumberOf(new Range(2n ** 64n - 1n, 2n ** 64n - 1n))).toBe(-1);
  });

  it("refuse unsafe, negative, fractional or non-number bounds, an inverted range and a bad hint", () => {
    for (const args of [
      [-1, 0],
      [0.5, 1],
      [0, 2 ** 53],
      [Number.NaN, 1],
      ["1", 2],
      [0, 1, -1],
      [0, 1, 0.5],
      [0, 1, 2 ** 31],
    ] as const) {
      expect(() => Range.fromNumbers(...(args as unknown as [number, number, number]))).toThrow(/Range.fromNumbers/);
    }
    expect(() => Range.fromNumbers(5, 4)).toThrow(expect.objectContaining({ code: "INVALID_RANGE" }));
  });
});
