/**
 * Assertions shared by the boundary tests: a call refused with an
 * `AllocError` of the expected code, on one line, naming the argument.
 */
import { AllocError } from "@alloc/constraint";
import { expect } from "vitest";

/** Runs `fn`, asserts it throws a one-line `AllocError` with `code`, and returns it. */
export function refusal(fn: () => unknown, code = "INVALID_ARGUMENT"): AllocError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(AllocError);
  const e = caught as AllocError;
  expect(e.code).toBe(code);
  expect(e.message).not.toContain("\n");
  return e;
}

/** Like {@link refusal}, and the error names `argument`. */
export function refused(fn: () => unknown, argument: string, code = "INVALID_ARGUMENT"): AllocError {
  const e = refusal(fn, code);
  expect(e.details.argument).toBe(argument);
  return e;
}
