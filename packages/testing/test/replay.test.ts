import { describe, expect, it } from "vitest";
import { FreeListModel, checkTree, fullDomain, replayTree, runTreeOps } from "@alloc/testing";
import { BestFitTieHigh } from "./mutants.js";

describe("replay", { timeout: 60_000 }, () => {
  const buggy = () => new BestFitTieHigh();
  const report = checkTree(buggy, { numRuns: 2000, seed: 12345, profile: fullDomain(), model: "freelist" });

  it("a failure reports seed, path, replayPath and a minimized sequence", () => {
    expect(report.failed).toBe(true);
    expect(report.seed).toBe(12345);
    expect(report.path).toMatch(/^\d+(:\d+)*$/);
    expect(report.message).toContain("replay with: { seed: 12345");
    expect(report.message).toContain("minimized sequence");
    expect(report.ops!.length).toBeLessThanOrEqual(8);
  });

  it("replaying { seed, path, replayPath } reproduces the same failure exactly", () => {
    const again = replayTree(buggy, {
      seed: report.seed,
      path: report.path!,
      ...(report.replayPath ? { replayPath: report.replayPath } : {}),
      profile: fullDomain(),
      model: "freelist",
    });
    expect(again.failed).toBe(true);
    expect(again.error).toBe(report.error);
    expect(again.ops).toEqual(report.ops);
  });

  it("the same seed gives the same campaign", () => {
    const twice = checkTree(buggy, { numRuns: 2000, seed: 12345, profile: fullDomain(), model: "freelist" });
    expect(twice.message).toBe(report.message);
  });

  it("the printed op list replays without fast-check (a regression test), and passes on a correct allocator", () => {
    expect(() => runTreeOps(buggy, report.ops!)).toThrow(report.error!.replace(/^op #\d+: /, ""));
    expect(() => runTreeOps(() => new FreeListModel(), report.ops!)).not.toThrow();
  });
});
