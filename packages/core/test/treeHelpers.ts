/**
 * Helpers for the IntervalTree example tests: a readable dump of a tree, an
 * exact snapshot for atomicity checks, an AllocError assertion, and a small
 * seeded generator.
 */
import { expect } from "vitest";
import { isAllocError, type AllocError, type AllocErrorCode } from "@alloc/constraint";
import type { IntervalTree, PoolStats } from "@alloc/core";

/** 2^64 - 1. */
export const MAX = 0xffff_ffff_ffff_ffffn;
/** 2^53. */
export const P53: bigint = 2n ** 53n;
/** 2^63. */
export const P63: bigint = 2n ** 63n;

/**
 * One line per range, in iteration order: `min..max kind` (hex, no padding),
 * with `=value` for valued ranges. Easy to read in a failing diff.
 */
export function dump(tree: IntervalTree<unknown>): string[] {
  const out: string[] = [];
  for (const [r, s] of tree) {
    out.push(`${r.min.toString(16)}..${r.max.toString(16)} ${s.kind}${s.kind === "valued" ? `=${String(s.value)}` : ""}`);
  }
  return out;
}

/** The full, exact contents and figures of a tree, for before/after comparison. */
export function snapshot(tree: IntervalTree<unknown>): { entries: [string, unknown][]; stats: PoolStats; size: number } {
  return {
    entries: [...tree].map(([r, s]) => [r.toString(), s] as [string, unknown]),
    stats: tree.stats(),
    size: tree.size,
  };
}

/** Runs `fn`, asserts it throws an AllocError with `code`, and returns the error. */
export function expectAllocError(fn: () => unknown, code: AllocErrorCode): AllocError {
  let thrown: unknown;
  let didThrow = false;
  try {
    fn();
  } catch (e) {
    didThrow = true;
    thrown = e;
  }
  expect(didThrow, `expected AllocError ${code}, nothing was thrown`).toBe(true);
  expect(isAllocError(thrown), `expected an AllocError, got ${String(thrown)}`).toBe(true);
  const err = thrown as AllocError;
  expect(err.code).toBe(code);
  expect(err.message.length).toBeGreaterThan(0);
  return err;
}

/**
 * Asserts that `fn(tree)` throws an AllocError with `code` and leaves the tree
 * exactly as it was (every range, state, value, the stats and the size), with
 * invariants intact, and still usable afterwards.
 */
export function expectRefused<T>(tree: IntervalTree<T>, fn: (t: IntervalTree<T>) => unknown, code: AllocErrorCode): AllocError {
  const before = snapshot(tree as IntervalTree<unknown>);
  const err = expectAllocError(() => fn(tree), code);
  expect(snapshot(tree as IntervalTree<unknown>)).toEqual(before);
  tree.checkInvariants();
  return err;
}

/** A small deterministic generator (xorshift32): `rand(k)` is in `0 .. k-1`; a failure names its seed. */
export function rng(seed: number): (k: number) => number {
  let x = seed >>> 0 || 1;
  return (k: number) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % k;
  };
}
