import { expect } from "vitest";
import { isAllocError, type AllocError, type AllocErrorCode } from "@alloc/constraint";

/**
 * Runs `fn`, asserts it throws an AllocError with `code` (and, when given,
 * `details.argument`), and returns the error for further checks.
 */
export function expectAllocError(fn: () => unknown, code: AllocErrorCode, argument?: string): AllocError {
  let thrown: unknown = undefined;
  let didThrow = false;
  try {
    fn();
  } catch (e) {
    didThrow = true;
    thrown = e;
  }
  expect(didThrow, `expected an AllocError ${code}, but nothing was thrown`).toBe(true);
  expect(isAllocError(thrown), `expected an AllocError, got ${String(thrown)}`).toBe(true);
  const err = thrown as AllocError;
  expect(err.code).toBe(code);
  if (argument !== undefined) expect(err.details.argument).toBe(argument);
  return err;
}

/**
 * A proxy whose every trap throws (its handler is itself a proxy whose `get`
 * throws, so asking for any trap fails): the hostile object of the boundary tests.
 */
export function throwingProxy(): object {
  return new Proxy(
    {},
    new Proxy(
      {},
      {
        get(_, trap) {
          throw new Error(`trap: ${String(trap)}`);
        },
      },
    ),
  );
}

/** 2^64 - 1. */
export const MAX: bigint = 0xffff_ffff_ffff_ffffn;
/** 2^53 - 1, the largest safe integer, as a bigint. */
export const SAFE: bigint = BigInt(Number.MAX_SAFE_INTEGER);
