/**
 * The harness catches broken allocators: each mutant (test/mutants.ts) must
 * diverge from the model within a bounded number of runs. The real-tree
 * mutation check is scripts/mutation-check.ts (needs @alloc/core).
 */
import { describe, expect, it } from "vitest";
import { checkTree, fullDomain, smallDomain } from "@alloc/testing";
import { AlignOffByOne, BestFitTieHigh, SkipMergeNext, WrongLargestFree } from "./mutants.js";

const cases = [
  ["off-by-one in alignment", () => new AlignOffByOne()],
  ["skipped merge on free (invariant checker blind)", () => new SkipMergeNext()],
  ["best-fit tie broken the wrong way", () => new BestFitTieHigh()],
  ["wrong stats (largestFree)", () => new WrongLargestFree()],
] as const;

describe("mutants are caught", () => {
  it.each(cases)(
    "%s",
    (_name, make) => {
      const t0 = performance.now();
      const small = checkTree(make, { model: "bitmap", profile: smallDomain(64), numRuns: 1000, seed: 1 });
      const caught = small.failed ? small : checkTree(make, { model: "freelist", profile: fullDomain(), numRuns: 1000, seed: 1 });
      const seconds = (performance.now() - t0) / 1000;
      expect(caught.failed).toBe(true);
      expect(caught.message).toMatch(/seed: -?\d+, path: "[\d:]*"/);
      expect(caught.ops!.length).toBeGreaterThan(0);
      console.log(`${_name}: caught after ${caught.numRuns} runs, ${seconds.toFixed(2)} s; ${caught.error}`);
    },
    60_000,
  );
});
