/**
 * Model-based tests of IntervalTree with @alloc/testing: the tree command set
 * against BitmapModel (every unit of a small domain modelled as a cell) and
 * against FreeListModel (the full 64-bit domain, values biased to 2^32, 2^53,
 * 2^63 and 2^64-1). A failure prints the seed, path and replayPath and the
 * shrunk op list; paste that list into regressions.test.ts.
 */
import { describe, expect, it } from "vitest";
import { IntervalTree } from "@alloc/core";
import { fullDomain, fuzzTree, layoutDomain, smallDomain } from "@alloc/testing";

const factory = () => new IntervalTree<unknown>();

describe("IntervalTree against the reference models", () => {
  it("agrees with BitmapModel on a 256-unit domain", () => {
    const r = fuzzTree(factory, { model: "bitmap", profile: smallDomain(256), numRuns: 300 });
    expect(r.failed).toBe(false);
  });

  it("agrees with BitmapModel on a 16-unit domain (dense: every op collides)", () => {
    const r = fuzzTree(factory, { model: "bitmap", profile: smallDomain(16), numRuns: 300, maxCommands: 40 });
    expect(r.failed).toBe(false);
  });

  it("agrees with FreeListModel on the full 64-bit domain", () => {
    const r = fuzzTree(factory, { model: "freelist", profile: fullDomain(), numRuns: 400 });
    expect(r.failed).toBe(false);
  });

  it("agrees with FreeListModel on a VMM-like pool layout, no malformed inputs", () => {
    const profile = layoutDomain([
      { min: 0xd000_0000n, max: 0xfebf_ffffn }, // 32-bit MMIO hole
      { min: 0x1_0000_0000n, max: 0xff_ffff_ffffn }, // 64-bit MMIO
      { min: 0xffff_ffff_ffff_0000n, max: 0xffff_ffff_ffff_ffffn }, // the top of the domain
    ]);
    const r = fuzzTree(factory, { model: "freelist", profile, numRuns: 200, badRate: 0 });
    expect(r.failed).toBe(false);
  });
});
