// Differential property tests: each facade and its naive model of the upstream
// semantics (naive.ts) get the same random calls, and every answer is compared.
// A failure prints the seed; replay it with driveX(seed, calls).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { driveDragonball, driveFirecracker, driveRustVmm } from "./differential.js";

const runs = (drive: (seed: number, calls: number) => { divergence: string | undefined }, numRuns: number, calls: number): void => {
  fc.assert(
    fc.property(fc.integer(), (seed) => {
      const r = drive(seed, calls);
      expect(r.divergence).toBeUndefined();
    }),
    { numRuns },
  );
};

describe("differential: facade vs naive upstream model", () => {
  // About a second each on an idle core; the timeout leaves room for a loaded CI machine.
  it("rust-vmm AddressAllocator and IdAllocator", { timeout: 60_000 }, () => runs(driveRustVmm, 40, 250));
  it("Firecracker ResourceAllocator", { timeout: 60_000 }, () => runs(driveFirecracker, 20, 150));
  it("Dragonball ResourceManager", { timeout: 60_000 }, () => runs(driveDragonball, 30, 250));
});
