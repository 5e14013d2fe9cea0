/**
 * The harness's own trust boundary: what its documented entry points
 * (`fuzzTree`, `checkTree`, `replayTree`, `runTreeOps`, `fuzzManager`,
 * `checkManager`, `runManagerOps`, the domain profiles, the models and the
 * bad-input runners) are given is checked once, here: options read once
 * through `readRecord` (unknown keys named), each value of its documented
 * type, factories callable, profiles made by this package. A mistake is an
 * `AllocError` `INVALID_ARGUMENT` naming the argument, never a bare
 * `TypeError` from deep inside a run.
 */
import { AllocError, Range, describeValue, readRecord } from "@alloc/constraint";
import type { RangeLike } from "@alloc/constraint";

/**
 * Throws `INVALID_ARGUMENT`: `argument` is not `expected`.
 *
 * @example
 * ```ts
 * refuse("copyFrom", "a ManagerModel", copyFrom);
 * ```
 */
export function refuse(argument: string, expected: string, value: unknown): never {
  throw new AllocError("INVALID_ARGUMENT", `${argument}: must be ${expected}; got ${describeValue(value)}`, { argument });
}

/**
 * `options` (`undefined`: none) read once into a frozen record with only
 * `allowed` keys; `check[key]` is then applied to each present value.
 *
 * @example
 * ```ts
 * readOptions({ numRuns: 5 }, "options", { numRuns: count }); // { numRuns: 5 }
 * ```
 */
export function readOptions(
  options: unknown,
  what: string,
  check: Readonly<Record<string, (value: unknown, argument: string) => void>>,
): Readonly<Record<string, unknown>> {
  if (options === undefined) return {};
  let rec: Readonly<Record<string, unknown>>;
  try {
    rec = readRecord(options, Object.keys(check), { what, code: "INVALID_ARGUMENT" });
  } catch (e) {
    // An unknown key is named with its object (`options.numRun`).
    const key = e instanceof AllocError ? e.details.argument : undefined;
    if (key === undefined || key === what) throw e;
    throw new AllocError("INVALID_ARGUMENT", e instanceof Error ? e.message : String(e), { argument: `${what}.${key}` }, { cause: e });
  }
  for (const key of Object.keys(rec)) (check[key] as (value: unknown, argument: string) => void)(rec[key], `${what}.${key}`);
  return rec;
}

/** A count: a safe integer in `min .. max`. */
export function integer(min: number, max: number): (value: unknown, argument: string) => void {
  return (value, argument) => {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) refuse(argument, `an integer in ${min}..${max}`, value);
  };
}

/** A duration in milliseconds: a number in `0 .. 2^31-1` (fractions allowed). */
export function duration(value: unknown, argument: string): void {
  if (typeof value !== "number" || !(value >= 0 && value <= 2 ** 31 - 1)) refuse(argument, "a number of milliseconds in 0..2^31-1", value);
}

/** A rate: a number in `0 .. 1`. */
export function rate(value: unknown, argument: string): void {
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) refuse(argument, "a number in 0..1", value);
}

/** A string. */
export function text(value: unknown, argument: string): void {
  if (typeof value !== "string") refuse(argument, "a string", value);
}

/** `true` or `false`. */
export function flag(value: unknown, argument: string): void {
  if (typeof value !== "boolean") refuse(argument, "true or false", value);
}

/** A function (a factory, a model constructor). */
export function callable(value: unknown, argument: string): void {
  if (typeof value !== "function") refuse(argument, "a function", value);
}

/** An object whose `keys` are all functions (a manager factory: `create`, `restore`; an allocator). */
export function methods(keys: readonly string[]): (value: unknown, argument: string) => void {
  return (value, argument) => {
    if (typeof value !== "object" || value === null) refuse(argument, `an object with ${keys.join(", ")}`, value);
    for (const k of keys) callable(member(value, k, argument), `${argument}.${k}`);
  };
}

/** `value[key]`, a throwing getter or proxy trap reported as `INVALID_ARGUMENT` naming `argument.key`. */
export function member(value: object, key: string, argument: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch (cause) {
    throw new AllocError("INVALID_ARGUMENT", `${argument}.${key}: reading it threw`, { argument: `${argument}.${key}` }, { cause });
  }
}

/** An array (its elements are checked where they are used). */
export function list(value: unknown, argument: string): void {
  if (!Array.isArray(value)) refuse(argument, "an array", value);
}

/** `value` as ranges: an array of `Range`s or `{ min, max }` objects, each read once. */
export function ranges(value: unknown, argument: string): Range[] {
  list(value, argument);
  return (value as readonly unknown[]).map((r, i) => Range.from(r as RangeLike, `${argument}[${i}]`));
}

/** Every domain profile `smallDomain`, `fullDomain` and `layoutDomain` made (frozen). */
const PROFILES = new WeakSet<object>();

/**
 * `profile` frozen and remembered as one this package made.
 *
 * @example
 * ```ts
 * return madeProfile({ name: "full", max, anchors, spread, layout });
 * ```
 */
export function madeProfile<P extends object>(profile: P): P {
  Object.freeze(profile);
  PROFILES.add(profile);
  return profile;
}

/** A domain profile made by this package; anything else is refused. */
export function profile(value: unknown, argument: string): void {
  if (typeof value !== "object" || value === null || !PROFILES.has(value)) refuse(argument, "a profile from smallDomain, fullDomain or layoutDomain", value);
}
