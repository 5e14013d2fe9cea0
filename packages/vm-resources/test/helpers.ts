import { isAllocError } from "@alloc/constraint";
import type { AllocError } from "@alloc/constraint";
import { expect } from "vitest";

/** Runs `fn`, expects an AllocError with `code`, and returns it for more checks. */
export function expectAllocError(fn: () => unknown, code: string): AllocError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, "expected a throw").toBeDefined();
  expect(isAllocError(caught), `expected an AllocError, got ${String(caught)}`).toBe(true);
  const err = caught as AllocError;
  expect(err.code, err.message).toBe(code);
  return err;
}
