import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FreeListModel, checkTree, rangeIn, smallDomain, u64 } from "@alloc/testing";

// Run twice by `pnpm test`: with fast-check 4, and with fast-check 3 (vitest.fc3.config.ts
// sets ALLOC_FC_MAJOR=3), the two ends of the peer range.
describe(`fast-check peer (major ${process.env.ALLOC_FC_MAJOR ?? "4"})`, () => {
  it("is the fast-check this run asked for", () => {
    expect(fc.__version.split(".")[0]).toBe(process.env.ALLOC_FC_MAJOR ?? "4");
  });
  it("our arbitraries mix with the user's fc", () => {
    fc.assert(
      fc.property(u64(), fc.nat(), (v, n) => typeof v === "bigint" && n >= 0),
      { numRuns: 50, seed: 1 },
    );
    const samples = fc.sample(fc.tuple(rangeIn(smallDomain(256)), fc.boolean()), { numRuns: 20, seed: 2 });
    expect(samples).toHaveLength(20);
  });
  it("the model-based command set runs", () => {
    const r = checkTree(() => new FreeListModel(), { numRuns: 10, seed: 3 });
    expect(r.failed).toBe(false);
    expect(r.opsRun).toBeGreaterThan(0);
  });
});
