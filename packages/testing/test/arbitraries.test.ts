import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { EDGE_VALUES, alignment, constraintIn, fullDomain, rangeIn, sizeIn, smallDomain, treeOps, u64, valueIn } from "@alloc/testing";
import type { TreeOp } from "@alloc/testing";

const sample = <T>(arb: fc.Arbitrary<T>, n: number): T[] => fc.sample(arb, { numRuns: n, seed: 42 });

describe("arbitraries reach the edges", () => {
  it("u64() produces every edge value (0, 1, 2^32±1, 2^53±1, 2^63, 2^64-1) and stays in the domain", () => {
    const values = sample(u64(), 5000);
    for (const e of EDGE_VALUES) expect(values).toContain(e);
    expect(values.every((v) => v >= 0n && v <= 2n ** 64n - 1n)).toBe(true);
  });

  it("valueIn() stays inside a small domain and hits both its ends", () => {
    const values = sample(valueIn(smallDomain(256)), 3000);
    expect(values.every((v) => v >= 0n && v <= 255n)).toBe(true);
    expect(values).toContain(0n);
    expect(values).toContain(255n);
  });

  it("ranges are well formed and some touch 0 and 2^64-1", () => {
    const ranges = sample(rangeIn(fullDomain()), 3000);
    expect(ranges.every((r) => r.min <= r.max)).toBe(true);
    expect(ranges.some((r) => r.min === 0n)).toBe(true);
    expect(ranges.some((r) => r.max === 2n ** 64n - 1n)).toBe(true);
  });

  it("sizes include huge ones near the domain's size, alignments include 0, 1 and 2^63", () => {
    const sizes = sample(sizeIn(fullDomain()), 3000);
    expect(sizes).toContain(1n);
    expect(sizes).toContain(2n ** 64n - 1n);
    expect(sizes).toContain(2n ** 53n);
    const aligns = sample(alignment(), 3000);
    for (const a of [0n, 1n, 2n, 2n ** 63n]) expect(aligns).toContain(a);
    expect(aligns.every((a) => a === 0n || (a & (a - 1n)) === 0n)).toBe(true);
  });

  it("constraints use every policy, windows and defaults", () => {
    const cs = sample(constraintIn(fullDomain()), 2000);
    for (const p of ["first-match", "last-match", "best-fit"]) expect(cs.some((c) => c.policy === p)).toBe(true);
    expect(cs.some((c) => c.policy === undefined && c.min === undefined && c.align === undefined)).toBe(true);
    expect(cs.every((c) => c.min === undefined || (c.min as bigint) <= (c.max as bigint))).toBe(true);
  });

  it("op sequences use every operation, picks, tweaks and malformed arguments", () => {
    const ops: TreeOp[] = sample(treeOps(fullDomain()), 300)
      .flat()
      .map((o) => (o.op === "repeat" ? o.body : o));
    const kinds = new Set(ops.map((o) => o.op));
    for (const k of ["insert", "allocate", "update", "free", "delete", "get", "getSuperset", "overlapping", "getById", "clone"]) expect(kinds).toContain(k);
    const rangeArgs = ops.flatMap((o) => ("range" in o ? [o.range] : []));
    const tweaks = new Set(rangeArgs.flatMap((r) => ("tweak" in r ? [r.tweak] : [])));
    expect(tweaks.size).toBe(9);
    const literal = rangeArgs.flatMap((r) => ("at" in r ? [r.at] : []));
    expect(literal.some((at) => typeof at !== "object" || at === null || typeof (at as { min: unknown }).min !== "bigint")).toBe(true);
    expect(ops.some((o) => o.op === "insert" && "data" in o && o.data === null)).toBe(true);
  });
});
