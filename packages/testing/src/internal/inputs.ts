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
import { AllocError, Range, U64_MAX, readRecord, refuseArgument } from "@alloc/constraint";
import type { RangeLike } from "@alloc/constraint";

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
  const rec = readObject(options, what, Object.keys(check));
  for (const key of Object.keys(rec)) (check[key] as (value: unknown, argument: string) => void)(rec[key], `${what}.${key}`);
  return rec;
}

/**
 * `value` read once through `readRecord` as an object with only `allowed`
 * keys, into a frozen null-prototype record; an unknown key or a throwing
 * getter is named with its object (`ops[3].range.tweek`).
 *
 * @example
 * ```ts
 * readObject({ at: 5 }, "ops[0].range", ["at", "pick", "index", "tweak"]); // { at: 5 }
 * ```
 */
export function readObject(value: unknown, argument: string, allowed: readonly string[]): Readonly<Record<string, unknown>> {
  try {
    return readRecord(value, allowed, { what: argument, code: "INVALID_ARGUMENT" });
  } catch (e) {
    const key = e instanceof AllocError ? e.details.argument : undefined;
    if (key === undefined || key === argument) throw e;
    throw new AllocError("INVALID_ARGUMENT", e instanceof Error ? e.message : String(e), { argument: `${argument}.${key}` }, { cause: e });
  }
}

/** A count: a safe integer in `min .. max`. */
export function integer(min: number, max: number): (value: unknown, argument: string) => void {
  return (value, argument) => {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max)
      refuseArgument(argument, `an integer in ${min}..${max}`, value);
  };
}

/** A duration in milliseconds: a number in `0 .. 2^31-1` (fractions allowed). */
export function duration(value: unknown, argument: string): void {
  if (typeof value !== "number" || !(value >= 0 && value <= 2 ** 31 - 1)) refuseArgument(argument, "a number of milliseconds in 0..2^31-1", value);
}

/** A rate: a number in `0 .. 1`. */
export function rate(value: unknown, argument: string): void {
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) refuseArgument(argument, "a number in 0..1", value);
}

/** One of `values` (compared with `===`, so `"toString"` or a boxed string is refused). */
export function oneOf<V extends string>(values: readonly V[]): (value: unknown, argument: string) => asserts value is V {
  const expected = `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`;
  return (value, argument) => {
    if (!values.includes(value as V)) refuseArgument(argument, expected, value);
  };
}

/** A bigint in `min .. max`. */
export function bigintIn(
  min: bigint,
  max: bigint,
  expected: string = `a bigint in ${min}..${max === U64_MAX ? "2^64-1" : max}`,
): (value: unknown, argument: string) => void {
  return (value, argument) => {
    if (typeof value !== "bigint" || value < min || value > max) refuseArgument(argument, expected, value);
  };
}

/** A string. */
export function text(value: unknown, argument: string): void {
  if (typeof value !== "string") refuseArgument(argument, "a string", value);
}

/** `true` or `false`. */
export function flag(value: unknown, argument: string): void {
  if (typeof value !== "boolean") refuseArgument(argument, "true or false", value);
}

/** A function (a factory, a model constructor). */
export function callable(value: unknown, argument: string): void {
  if (typeof value !== "function") refuseArgument(argument, "a function", value);
}

/** An object whose `keys` are all functions (a manager factory: `create`, `restore`; an allocator). */
export function methods(keys: readonly string[]): (value: unknown, argument: string) => void {
  return (value, argument) => {
    if (typeof value !== "object" || value === null) refuseArgument(argument, `an object with ${keys.join(", ")}`, value);
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

/** An array (its elements are checked where they are used); a revoked proxy is refused too. */
export function list(value: unknown, argument: string): void {
  let isArray: boolean;
  try {
    isArray = Array.isArray(value);
  } catch (cause) {
    throw new AllocError("INVALID_ARGUMENT", `${argument} must be an array; got a revoked proxy`, { argument }, { cause });
  }
  if (!isArray) refuseArgument(argument, "an array", value);
}

/**
 * The elements of the array `value`, each read once (its `length` too) into
 * a fresh array, each passed to `read(element, "argument[i]")`; a throwing
 * getter or proxy trap is refused naming the element.
 *
 * @example
 * ```ts
 * items(ops, "ops", readTreeOp); // a fresh array of read ops; ops[5] malformed: refused naming ops[5]…
 * ```
 */
export function items<T>(value: unknown, argument: string, read: (element: unknown, argument: string) => T, max: number = 1 << 24): T[] {
  list(value, argument);
  const length = member(value as object, "length", argument) as number;
  if (length > max) refuseArgument(argument, `an array of at most ${max} elements`, value);
  const out = new Array<T>(length);
  for (let i = 0; i < length; i++) {
    let element: unknown;
    try {
      element = (value as readonly unknown[])[i];
    } catch (cause) {
      throw new AllocError("INVALID_ARGUMENT", `${argument}[${i}]: reading it threw`, { argument: `${argument}[${i}]` }, { cause });
    }
    out[i] = read(element, `${argument}[${i}]`);
  }
  return out;
}

/** `value` as ranges: an array of `Range`s or `{ min, max }` objects, each read once. */
export function ranges(value: unknown, argument: string): Range[] {
  return items(value, argument, (r, at) => Range.from(r as RangeLike, at));
}

/** `f` is a string or a function returning one (a label computed only when a message needs it). */
export function label(value: unknown, argument: string): void {
  if (typeof value !== "string" && typeof value !== "function") refuseArgument(argument, "a string or a function returning one", value);
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
  if (typeof value !== "object" || value === null || !PROFILES.has(value))
    refuseArgument(argument, "a profile from smallDomain, fullDomain or layoutDomain", value);
}

/** The methods of an `IntervalTree`-shaped allocator the harness calls. */
const TREE_METHODS = [
  "isEmpty",
  "insert",
  "update",
  "delete",
  "get",
  "getSuperset",
  "getById",
  "allocate",
  "allocateOrThrow",
  "free",
  "overlapping",
  "entries",
  "stats",
  "checkInvariants",
] as const;
const treeMethods = methods(TREE_METHODS);

/** An allocator under test (or a model): every method the harness calls, and `[Symbol.iterator]`. */
export function allocator(value: unknown, argument: string): void {
  treeMethods(value, argument);
  let iterator: unknown;
  try {
    iterator = (value as Record<symbol, unknown>)[Symbol.iterator];
  } catch (cause) {
    throw new AllocError("INVALID_ARGUMENT", `${argument}[Symbol.iterator]: reading it threw`, { argument: `${argument}[Symbol.iterator]` }, { cause });
  }
  callable(iterator, `${argument}[Symbol.iterator]`);
}

/** A resource manager under test: every method the manager command set calls. */
export const manager: (value: unknown, argument: string) => void = methods([
  "allocateDevice",
  "extendDevice",
  "freeDevice",
  "freeResource",
  "move",
  "resizeResource",
  "owners",
  "resourcesOf",
  "entries",
  "snapshot",
  "checkInvariants",
]);
