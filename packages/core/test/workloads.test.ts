/**
 * Replays the standard workloads (shared/bench/WORKLOADS.md) and checks the
 * reference crate's first-fit checksums, on `IntervalTree` and on the naive
 * baseline (which proves the port of the workloads itself). Results only: no
 * timing here; speed is `pnpm bench`'s job.
 */
import { describe, expect, it } from "vitest";
import { naiveFactory } from "../bench/naive.js";
import { treeFactory } from "../bench/tree.js";
import { type AllocatorFactory, REFERENCE, W4_COUNT, XorShift64Star, hex64, planW2, planW3, runW1, runW2, runW3, runW4 } from "../bench/workloads.js";

it("xorshift64* reproduces the first outputs of WORKLOADS.md", () => {
  const g = new XorShift64Star();
  expect([g.next(), g.next(), g.next(), g.next()]).toEqual([0x0d83b3e29a21487an, 0x54c44c79f1fe9d67n, 0xa845f342007a0e78n, 0x7d6e0b878a794779n]);
});

const plansW2 = new Map([1000, 10000, 100000].map((n) => [n, planW2(n)]));
const plansW3 = new Map([1000, 10000].map((n) => [n, planW3(n)]));

describe.each<[string, AllocatorFactory]>([
  ["IntervalTree", treeFactory],
  ["naive baseline", naiveFactory],
])("%s reproduces the reference checksums", (_, factory) => {
  it("W1 pci-ids", () => {
    const r = runW1(factory);
    expect(r.allocations).toBe(2000 * 256);
    expect(hex64(r.checksum)).toBe(REFERENCE["W1/256"]);
  });

  it.each([1000, 10000, 100000])(
    "W2 mmio-fill-free N=%i",
    (n) => {
      const r = runW2(factory, plansW2.get(n)!);
      expect(r.allocations).toBe(n + n / 2);
      expect(hex64(r.checksum)).toBe(REFERENCE[`W2/${n}`]);
    },
    20_000,
  );

  it.each([1000, 10000])(
    "W3 churn N=%i, 1,000,000 steps",
    (n) => {
      const r = runW3(factory, plansW3.get(n)!);
      expect(r.steps).toBe(1_000_000);
      expect(hex64(r.checksum)).toBe(REFERENCE[`W3/${n}`]);
    },
    20_000,
  );

  it("W4 windowed: 10,000 of 10,000 succeed inside the window", () => {
    // runW4 throws if a start lies outside [0xC000_0000, 0xFEBF_FFFF] or is not 8 KiB aligned.
    const r = runW4(factory);
    expect(r.successes).toBe(W4_COUNT);
    expect(hex64(r.checksum)).toBe(REFERENCE["W4/10000"]);
  });
});
