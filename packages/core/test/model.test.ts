/**
 * Model-based tests of IntervalTree with @alloc/testing: the tree command set
 * against BitmapModel (every unit of a small domain modelled as a cell) and
 * against FreeListModel (the full 64-bit domain, values biased to 2^32, 2^53,
 * 2^63 and 2^64-1). A failure prints the seed, path and replayPath and the
 * shrunk op list; paste that list into regressions.test.ts.
 */
import { describe, expect, it } from "vitest";
import { IntervalTree } from "@alloc/core";
import { fullDomain, fuzzTree, layoutDomain, runTreeOps, smallDomain } from "@alloc/testing";
import type { TreeOp } from "@alloc/testing";

const factory = () => new IntervalTree<unknown>();

describe("IntervalTree against the reference models", { timeout: 120_000 }, () => {
  it("agrees with BitmapModel on a 256-unit domain", () => {
    const r = fuzzTree(factory, { model: "bitmap", profile: smallDomain(256), numRuns: 600 });
    expect(r.failed).toBe(false);
  });

  it("agrees with BitmapModel on a 16-unit domain (dense: every op collides)", () => {
    const r = fuzzTree(factory, { model: "bitmap", profile: smallDomain(16), numRuns: 600, maxCommands: 40 });
    expect(r.failed).toBe(false);
  });

  it("agrees with FreeListModel on the full 64-bit domain", () => {
    const r = fuzzTree(factory, { model: "freelist", profile: fullDomain(), numRuns: 1500 });
    expect(r.failed).toBe(false);
  });

  it("agrees with FreeListModel on a VMM-like pool layout, no malformed inputs", () => {
    const profile = layoutDomain([
      { min: 0xd000_0000n, max: 0xfebf_ffffn }, // 32-bit MMIO hole
      { min: 0x1_0000_0000n, max: 0xff_ffff_ffffn }, // 64-bit MMIO
      { min: 0xffff_ffff_ffff_0000n, max: 0xffff_ffff_ffff_ffffn }, // the top of the domain
    ]);
    const r = fuzzTree(factory, { model: "freelist", profile, numRuns: 500, badRate: 0 });
    expect(r.failed).toBe(false);
  });
});

/**
 * Permanent regression tests: shrunk failures exactly as fuzzTree/alloc-fuzz
 * printed them ("minimized sequence"). Add an entry per bug found; runTreeOps
 * replays it against a fresh tree and the reference model without fast-check.
 */
const REGRESSIONS: ReadonlyArray<{ name: string; found: string; ops: TreeOp[] }> = [
  {
    name: "largestFree of a free range of 2^53+2 units (float64 run bound rounds)",
    found: "alloc-fuzz --target core --seed 777 (batch seed 797, path 5:1:0:0:1, replayPath WED:F)",
    ops: [{ op: "insert", range: { at: { min: 0x0n, max: 0x20000000000001n } } }],
  },
];

describe("IntervalTree regressions (shrunk fuzz failures)", () => {
  it.each(REGRESSIONS.map((r) => [r.name, r] as const))("%s", (_name, r) => {
    runTreeOps(factory, r.ops, { model: "freelist", profile: fullDomain() });
  });
});
