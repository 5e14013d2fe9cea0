/**
 * Permanent regression tests: shrunk failures, pasted as printed.
 *
 * When `fuzzTree`/`alloc-fuzz` reports a divergence it prints the minimized
 * sequence as a TypeScript literal. Paste it here (or in the target package's
 * own test) as a new entry; `runTreeOps` replays it against a fresh allocator
 * and the reference model, with no fast-check involved, so it keeps testing
 * the same thing even after the arbitraries change.
 *
 * The entries below are the sequences that caught the mutants of
 * test/mutants.ts and scripts/mutants.ts; they must pass on a correct allocator
 * and fail on the mutant they caught.
 */
import { describe, expect, it } from "vitest";
import { Range } from "@alloc/constraint";
import { BitmapModel, FreeListModel, runTreeOps, smallDomain } from "@alloc/testing";
import type { TreeOp } from "@alloc/testing";
import { AlignOffByOne, BestFitTieHigh, SkipMergeNext, WrongLargestFree } from "./mutants.js";

interface Regression {
  readonly name: string;
  readonly ops: readonly TreeOp[];
  readonly options?: Parameters<typeof runTreeOps>[2];
  /** The broken allocator it caught, to prove it still would. */
  readonly caught?: () => FreeListModel<unknown>;
}

const REGRESSIONS: readonly Regression[] = [
  {
    name: "the crate's worked example",
    ops: [
      { op: "insert", range: { at: { min: 0x100n, max: 0x100n } } },
      { op: "insert", range: { at: { min: 0x200n, max: 0x2ffn } } },
      { op: "allocate", constraint: { init: { size: 8, align: 8, min: 0x211n, max: 0x21fn } }, orThrow: true },
    ],
  },
  {
    name: "aligned start exactly at the window's low end",
    ops: [
      { op: "insert", range: { at: new Range(0x0n, 0x3fn) } },
      { op: "allocate", constraint: { init: { size: 0x1n, min: 0x0n, max: 0x1n, align: 0x2n, policy: "first-match" } }, orThrow: false },
    ],
    caught: () => new AlignOffByOne(),
  },
  {
    name: "free merges with the free range after it",
    ops: [
      { op: "insert", range: { at: new Range(0x0n, 0x3fn) } },
      { op: "allocate", constraint: { init: { size: 0x1fn } }, orThrow: false },
      { op: "free", range: { pick: "taken", index: 0, tweak: "exact" } },
    ],
    caught: () => new SkipMergeNext(),
  },
  {
    name: "best fit breaks ties towards the lowest range",
    ops: [
      { op: "insert", range: { at: new Range(0x1n, 0x1n) } },
      { op: "insert", range: { at: new Range(0x2n, 0x2n) }, data: 1 },
      { op: "insert", range: { at: new Range(0xfn, 0xfn) } },
      { op: "allocate", constraint: { init: { size: 0x1n, policy: "best-fit" } }, orThrow: false },
    ],
    caught: () => new BestFitTieHigh(),
  },
  {
    name: "largestFree with three free fragments",
    ops: [
      { op: "insert", range: { at: new Range(0x0n, 0x3fn) } },
      { op: "allocate", constraint: { init: { size: 0x1n, min: 0x1n } }, orThrow: false },
      { op: "allocate", constraint: { init: { size: 0x1n, min: 0x4n } }, orThrow: false },
    ],
    caught: () => new WrongLargestFree(),
  },
];

describe("regressions", () => {
  it.each(REGRESSIONS.map((r) => [r.name, r] as const))("%s passes on both reference models", (_n, r) => {
    runTreeOps(() => new FreeListModel(), r.ops, r.options);
    runTreeOps(() => new BitmapModel(0x400), r.ops, { model: "freelist", profile: smallDomain(0x400) });
  });
  it.each(REGRESSIONS.filter((r) => r.caught !== undefined).map((r) => [r.name, r] as const))("%s still catches its mutant", (_n, r) => {
    expect(() => runTreeOps(r.caught!, r.ops, r.options)).toThrow(/op #\d+/);
  });
});
