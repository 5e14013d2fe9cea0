import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { FreeListModel } from "@alloc/testing";
import { fuzzTreeCampaign, parseArgs } from "../src/cli/alloc-fuzz.js";
import { resolveFromCwd } from "../src/cli/loadTarget.js";
import { BestFitTieHigh } from "./mutants.js";

describe("alloc-fuzz", { timeout: 60_000 }, () => {
  it("parses its options and rejects bad ones", () => {
    expect(parseArgs(["--target", "core", "--seconds", "5", "--seed", "7"])).toEqual({ target: "core", seconds: 5, seed: 7, batch: 50 });
    expect(() => parseArgs(["--target", "kernel"])).toThrow(/--target/);
    expect(() => parseArgs(["--seconds", "-1"])).toThrow(/--seconds/);
    expect(() => parseArgs(["--seed", "x"])).toThrow(/--seed/);
    expect(() => parseArgs(["--mutant", "x"])).toThrow(/unknown option/);
  });

  it("resolves a package from the working directory, walking up (and itself by name)", () => {
    const here = join(__dirname, "..");
    const dep = resolveFromCwd("@alloc/constraint", join(here, "test"));
    expect(dep.file).toMatch(/constraint[/\\](src[/\\]index\.ts|dist[/\\]index\.js)$/);
    expect(resolveFromCwd("@alloc/testing", here).packageDir).toBe(here);
    expect(() => resolveFromCwd("@alloc/does-not-exist", here)).toThrow(/cannot find/);
  });

  it("runs batches until the time is up and reports operations", () => {
    const r = fuzzTreeCampaign(() => new FreeListModel(), { seconds: 0.5, seed: 3, batch: 10 });
    expect(r.failure).toBeUndefined();
    expect(r.ops).toBeGreaterThan(100);
    expect(r.seconds).toBeGreaterThanOrEqual(0.5);
  });

  it("stops at the first divergence with a replayable batch seed", () => {
    const r = fuzzTreeCampaign(() => new BestFitTieHigh(), { seconds: 20, seed: 3, batch: 50 });
    expect(r.failure).toBeDefined();
    expect(r.failure!.message).toContain(`seed: ${r.failure!.batchSeed}`);
  });
});
