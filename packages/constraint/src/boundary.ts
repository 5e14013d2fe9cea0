/**
 * The trust boundary toolkit: how a value from outside is read, checked and
 * described, once, before anything below trusts it.
 *
 * - {@link quoteText} and {@link describeValue} make any user text or value
 *   safe to put in a one-line error message; {@link safeLine} does the same
 *   for a whole message a CLI prints.
 * - {@link readRecord} reads a plain-object input: own string keys taken once,
 *   unknown ones refused by name, each value read with a single `[[Get]]`;
 *   symbol keys are ignored (never read).
 * - {@link readU64} accepts exactly a `bigint` or a safe-integer `number` in
 *   `0 .. 2^64-1`; nothing is coerced.
 */
import { AllocError, isAllocErrorCode } from "./AllocError.js";
import type { AllocErrorCode } from "./AllocError.js";
import { parseU64, parsedHi, parsedLo, toBigInt } from "./internal/parts.js";

const ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" };

// What quoteText escapes: quote, backslash, C0/C1 controls, DEL, line/paragraph separators, bidi controls, lone surrogates.
const CONTROLS = "\\u0000-\\u001f\\u007f-\\u009f\\u200e\\u200f\\u2028-\\u202e\\u2066-\\u2069\\ufeff";
const LONE_SURROGATE = "[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]";
const UNSAFE = new RegExp(`["\\\\${CONTROLS}]|${LONE_SURROGATE}`, "g");

function escapeChar(ch: string): string {
  return ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/**
 * Quotes user text for a message: JSON-style double quotes, control characters,
 * separators and lone surrogates escaped, so the result is always one line.
 * Text longer than `max` characters (UTF-16 units) is cut there, and `…` and
 * the full length are appended. Costs O(max), whatever the length of `text`.
 *
 * @example
 * ```ts
 * quoteText("a\nb");              // "\"a\\nb\""
 * quoteText("x".repeat(100), 4);  // "\"xxxx…\" (100 chars)"
 * ```
 */
export function quoteText(text: string, max = 80): string {
  if (max !== 80) checkLimit(max);
  if (typeof text !== "string") return describeValue(text);
  const body = escapeClipped(text, max, UNSAFE);
  return text.length <= max ? `"${body}"` : `"${body}" (${text.length} chars)`;
}

// A length limit of quoteText/safeLine: a safe integer >= 0, nothing else.
function checkLimit(max: unknown): void {
  if (typeof max !== "number" || !Number.isSafeInteger(max) || max < 0) {
    throw new AllocError("INVALID_ARGUMENT", `max must be a safe integer >= 0; got ${describeValue(max)}`, { argument: "max", value: max });
  }
}

// `text` escaped, cut to at most `limit` UTF-16 units (never inside a surrogate pair) with `…`.
function escapeClipped(text: string, limit: number, unsafe: RegExp): string {
  if (text.length <= limit) return text.replace(unsafe, escapeChar);
  let cut = limit;
  const last = text.charCodeAt(cut - 1);
  if (cut > 0 && last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut).replace(unsafe, escapeChar)}…`;
}

// The same set without the quote and backslash: whole lines keep those as they are.
const UNSAFE_IN_LINE = new RegExp(`[${CONTROLS}]|${LONE_SURROGATE}`, "g");

/**
 * Makes a whole message safe to print on one terminal line: the characters
 * {@link quoteText} escapes are escaped the same way (quotes and backslashes
 * excepted, since the line is not quoted), and text longer than `max`
 * characters is cut there with `…` and the full length appended. For CLIs
 * that print messages built from user input.
 *
 * @example
 * ```ts
 * safeLine("bad\u001b[31m input");   // "bad\\u001b[31m input"
 * safeLine("x".repeat(100), 4);      // "xxxx… (100 chars)"
 * ```
 */
export function safeLine(text: string, max = 200): string {
  if (max !== 200) checkLimit(max);
  if (typeof text !== "string") return describeValue(text);
  const body = escapeClipped(text, max, UNSAFE_IN_LINE);
  return text.length <= max ? body : `${body} (${text.length} chars)`;
}

/**
 * A short description of any value for an error message, computed without
 * running user code (no `toString`, no getters, no proxy traps beyond an
 * array's `length`).
 *
 * @example
 * ```ts
 * describeValue("0x10"); // 'string "0x10"'
 * describeValue(1.5);    // "number 1.5"
 * describeValue(NaN);    // "NaN"
 * describeValue([7]);    // "array (length 1)"
 * describeValue(5n);     // "bigint 5n"
 * ```
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "string":
      return `string ${quoteText(value, 40)}`;
    case "number":
      if (Number.isNaN(value)) return "NaN";
      if (value === Infinity) return "Infinity";
      if (value === -Infinity) return "-Infinity";
      return `number ${Object.is(value, -0) ? "-0" : String(value)}`;
    case "bigint": {
      const digits = value.toString();
      return digits.length <= 40 ? `bigint ${digits}n` : `bigint ${digits.slice(0, 20)}…n (${digits.length} digits)`;
    }
    case "boolean":
      return `boolean ${value}`;
    case "undefined":
      return "undefined";
    case "symbol":
      return value.description === undefined ? "symbol" : `symbol ${quoteText(value.description, 40)}`;
    case "function":
      return "function";
    default:
      if (value === null) return "null";
      return describeObject(value as object);
  }
}

function describeObject(value: object): string {
  try {
    if (!Array.isArray(value)) return "object";
    const length: unknown = (value as unknown[]).length;
    return typeof length === "number" ? `array (length ${length})` : "array";
  } catch {
    // A revoked proxy, or a proxy whose trap throws.
    return "object";
  }
}

/** Options of {@link readRecord}. */
export interface ReadRecordOptions {
  /** What the input is, for messages, e.g. `"a constraint"`. */
  readonly what: string;
  /** The code of every error thrown. */
  readonly code: AllocErrorCode;
  /** Where the input sits, e.g. `"entries[3].range"`; goes to `details.path`. */
  readonly path?: string;
}

/**
 * Reads a plain-object input once: refuses non-objects, `null`, arrays and
 * functions; takes `Object.getOwnPropertyNames` once and refuses every own
 * string key (enumerable or not) not in `allowed`, naming the key, listing the
 * allowed ones and suggesting the nearest; then reads each present key with
 * exactly one `[[Get]]`. Symbol-keyed properties are not part of any input:
 * they are never read and never an error. Inherited properties are never read. A throwing getter or proxy trap becomes an
 * `AllocError` with the thrown value as `cause`. Returns a frozen
 * null-prototype record of the values read.
 *
 * @example
 * ```ts
 * readRecord({ base: 1 }, ["base", "size"], { what: "a request", code: "INVALID_REQUEST" }); // { base: 1 }
 * readRecord({ bsae: 1 }, ["base", "size"], { what: "a request", code: "INVALID_REQUEST" });
 * // throws: a request has an unknown key "bsae" (allowed: base, size); did you mean "base"?
 * ```
 */
export function readRecord(input: unknown, allowed: readonly string[], options: ReadRecordOptions): Readonly<Record<string, unknown>> {
  const out: unknown[] = Array.isArray(allowed) ? new Array<unknown>(allowed.length) : [];
  const seen = readFields(input, allowed, options, out);
  const record: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (let i = 0; i < allowed.length; i++) if (seen & (1 << i)) record[allowed[i]!] = out[i];
  return Object.freeze(record);
}

/**
 * The engine of {@link readRecord} without its record: writes the value of
 * `allowed[i]` to `out[i]` (when present; `out` is not cleared) and returns a
 * bit mask of the keys present. At most 31 allowed keys. Use a fresh `out`
 * per call: a getter may re-enter. Keys are read in the input's own order;
 * when one is refused, `out` keeps the values read before it, so a caller can
 * make its message more specific (a request's kind) without reading again.
 *
 * @example
 * ```ts
 * const out: unknown[] = [undefined, undefined];
 * const seen = readFields({ max: 9 }, ["min", "max"], { what: "a range", code: "INVALID_ARGUMENT" }, out);
 * // seen === 0b10, out[1] === 9
 * ```
 */
export function readFields(input: unknown, allowed: readonly string[], options: ReadRecordOptions, out: unknown[]): number {
  if (!Array.isArray(allowed) || allowed.length > 31) refuseArgument("allowed", "an array of at most 31 key names", allowed);
  if (!Array.isArray(out)) refuseArgument("out", "an array", out);
  if (typeof input !== "object" || input === null || isArrayInput(input, options)) {
    const o = settings(options);
    throw new AllocError(o.code, `${o.what} must be a plain object; got ${describeValue(input)}`, details(o, o.path ?? o.what, input));
  }
  let keys: string[];
  try {
    keys = Object.getOwnPropertyNames(input);
  } catch (cause) {
    const o = settings(options);
    throw new AllocError(o.code, `${o.what}: listing its keys threw`, details(o, o.path ?? o.what, undefined), { cause });
  }
  let seen = 0;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const i = allowed.indexOf(key);
    if (i < 0) throw unknownKey(key, allowed, settings(options));
    let value: unknown;
    try {
      value = (input as Record<string, unknown>)[key];
    } catch (cause) {
      const o = settings(options);
      throw new AllocError(o.code, `${o.what}: reading ${quoteText(key)} threw`, details(o, key, undefined), { cause });
    }
    out[i] = value;
    seen |= 1 << i;
  }
  return seen;
}

const OPTION_KEYS: readonly string[] = ["what", "code", "path"];
const OPTIONS_READ: ReadRecordOptions = Object.freeze({ what: "options", code: "INVALID_ARGUMENT" });

/**
 * The options of a read that is failing, read once and checked (only then:
 * a read that succeeds never looks at them). A bad one is refused as a
 * setting of the caller, not blamed on the input.
 */
function settings(options: ReadRecordOptions): ReadRecordOptions {
  if (options === OPTIONS_READ) return options;
  const o = readRecord(options, OPTION_KEYS, OPTIONS_READ);
  const what = o["what"];
  const code = o["code"];
  const path = o["path"];
  if (typeof what !== "string") refuseArgument("options.what", "a string", what);
  if (!isAllocErrorCode(code)) refuseArgument("options.code", "an AllocError code", code);
  if (path !== undefined && typeof path !== "string") refuseArgument("options.path", "a string or undefined", path);
  // `what` starts every message: kept one line and short (safeLine) even when a caller built it from its input.
  const safe = safeLine(what);
  return (safe === what ? o : { what: safe, code, path }) as unknown as ReadRecordOptions;
}

/**
 * Throws `INVALID_ARGUMENT` for an argument that is not what a function takes:
 * `"<argument> must be <expected>; got <value described>"`, with
 * `details.argument`. The one shape of such refusals in every `@alloc`
 * package (a parameter that configures a read, such as a name for messages
 * or a key list, is refused with it too, never blamed on the input read).
 *
 * @example
 * ```ts
 * refuseArgument("count", "a safe integer >= 1", 0.5); // throws: count must be a safe integer >= 1; got number 0.5
 * ```
 */
export function refuseArgument(argument: string, expected: string, value: unknown): never {
  const name = safeLine(argument);
  throw new AllocError("INVALID_ARGUMENT", `${name} must be ${safeLine(expected)}; got ${describeValue(value)}`, { argument: name });
}

/**
 * Throws `INVALID_ARGUMENT` with `details.argument: "this"` for a method
 * called on an object that `what`'s constructor did not build
 * (`Pool.prototype.free.call({}, r)`): the receiver check of every `@alloc` class.
 *
 * @example
 * ```ts
 * refuseThis("an IntervalTree", {}); // throws: this must be an IntervalTree built by its constructor; got object
 * ```
 */
export function refuseThis(what: string, value: unknown): never {
  refuseArgument("this", `${safeLine(what)} built by its constructor`, value);
}

/**
 * Reads an array input once: refuses anything that is not an array (a
 * revoked proxy included) with `options.code`, reads `length` once (it must
 * be an integer in `0 .. 2^32-1`, which a proxy may not answer) and each
 * element once, in order, into a new array that only the caller holds (not
 * frozen: freezing would cost more than the copy, perf: bench "churn"). A
 * throwing getter or proxy trap becomes an `AllocError` with the thrown value
 * as `cause`.
 *
 * @example
 * ```ts
 * readArray([1, 2], { what: "requests", code: "INVALID_ARGUMENT" }); // [1, 2], a copy
 * readArray("ab", { what: "requests", code: "INVALID_ARGUMENT" });   // throws: requests must be an array; got string "ab"
 * ```
 */
export function readArray(input: unknown, options: ReadRecordOptions): readonly unknown[] {
  if (!isArrayInput(input, options)) {
    const o = settings(options);
    throw new AllocError(o.code, `${o.what} must be an array; got ${describeValue(input)}`, details(o, o.path ?? o.what, input));
  }
  let length: unknown;
  try {
    length = input.length;
  } catch (cause) {
    throw readThrew(options, "its length", cause);
  }
  if (typeof length !== "number" || !Number.isInteger(length) || length < 0 || length > 0xffffffff) {
    const o = settings(options);
    throw new AllocError(o.code, `${o.what} has a length that no array has: ${describeValue(length)}`, details(o, o.path ?? o.what, undefined));
  }
  const out = new Array<unknown>(length);
  let i = 0;
  try {
    for (; i < length; i++) out[i] = input[i];
  } catch (cause) {
    throw readThrew(options, `element ${i}`, cause);
  }
  return out;
}

function readThrew(options: ReadRecordOptions, what: string, cause: unknown): AllocError {
  const o = settings(options);
  return new AllocError(o.code, `${o.what}: reading ${what} threw`, details(o, o.path ?? o.what, undefined), { cause });
}

/**
 * `Array.isArray(value)` for a value from outside, which may be a revoked
 * proxy: there `Array.isArray` throws a bare `TypeError`, and this throws an
 * `AllocError` with `options.code` saying that `options.what` is a revoked
 * proxy (`details.path` from `options.path`). Every array check at an entry point goes through it.
 *
 * @example
 * ```ts
 * isArrayInput([1, 2], { what: "requests", code: "INVALID_ARGUMENT" }); // true
 * const { proxy, revoke } = Proxy.revocable([], {});
 * revoke();
 * isArrayInput(proxy, { what: "requests", code: "INVALID_ARGUMENT" }); // throws: requests is a revoked proxy
 * ```
 */
export function isArrayInput(value: unknown, options: ReadRecordOptions): value is readonly unknown[] {
  try {
    return Array.isArray(value);
  } catch (cause) {
    const o = settings(options);
    throw new AllocError(o.code, `${o.what} is a revoked proxy`, details(o, o.path ?? o.what, undefined), { cause });
  }
}

function details(options: ReadRecordOptions, argument: string, value: unknown): { argument: string; path?: string; value?: unknown } {
  const d: { argument: string; path?: string; value?: unknown } = { argument };
  if (options.path !== undefined) d.path = options.path;
  if (value !== undefined) d.value = value;
  return d;
}

function unknownKey(key: string, allowed: readonly string[], options: ReadRecordOptions): AllocError {
  for (let i = 0; i < allowed.length; i++) if (typeof allowed[i] !== "string") refuseArgument(`allowed[${i}]`, "a string", allowed[i]);
  const near = nearest(key, allowed);
  const hint = near === undefined ? "" : `; did you mean "${near}"?`;
  return new AllocError(
    options.code,
    `${options.what} has an unknown key ${quoteText(key)} (allowed: ${allowed.length === 0 ? "none" : allowed.join(", ")})${hint}`,
    details(options, key, undefined),
  );
}

/** The allowed key closest to `key` by edit distance (transpositions count 1), if close enough. */
function nearest(key: string, allowed: readonly string[]): string | undefined {
  if (key.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const limit = candidate.length >= 4 ? 2 : 1;
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    const distance = d === 0 ? 1 : d; // a case-only difference is still a near miss
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/**
 * Reads an unsigned 64-bit value: only a `bigint` in `0 .. 2^64-1` or a
 * safe-integer `number >= 0` (`-0` reads as 0). Anything else (strings,
 * booleans, arrays, `NaN`, `±Infinity`, fractions, unsafe integers, symbols,
 * objects, `undefined`) throws `code` naming `name` and describing the value.
 *
 * @example
 * ```ts
 * readU64(4096, "size");   // 4096n
 * readU64("0x10", "base"); // throws INVALID_VALUE: base must be a bigint or a safe-integer number; got string "0x10"
 * ```
 */
export function readU64(value: unknown, name: string, code: AllocErrorCode = "INVALID_VALUE"): bigint {
  if (typeof name !== "string") refuseArgument("name", "a string", name);
  if (code !== "INVALID_VALUE" && !isAllocErrorCode(code)) refuseArgument("code", "an AllocError code", code);
  if (typeof value === "bigint") {
    parseU64(value, name, code);
    return value;
  }
  parseU64(value, name, code);
  return toBigInt(parsedHi, parsedLo);
}

/**
 * {@link readU64} for an optional field: `undefined` gives `fallback`.
 *
 * @example
 * ```ts
 * readOptionalU64(undefined, "align", 1n); // 1n
 * ```
 */
export function readOptionalU64(value: unknown, name: string, fallback: bigint, code: AllocErrorCode = "INVALID_VALUE"): bigint {
  if (typeof name !== "string") refuseArgument("name", "a string", name);
  if (typeof fallback !== "bigint" || fallback < 0n || fallback > 0xffff_ffff_ffff_ffffn) refuseArgument("fallback", "a bigint in 0..2^64-1", fallback);
  return value === undefined ? fallback : readU64(value, name, code);
}
