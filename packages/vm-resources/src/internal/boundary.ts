/**
 * The boundary readers this package uses: `readRecord`, `readU64`,
 * `quoteText`, `describeValue`. They are `@alloc/constraint`'s public helpers
 * of the same names and meaning; this module is the one place the package
 * takes them from, so every field of every input goes through them.
 */
import { AllocError, isAllocError } from "@alloc/constraint";
import type { AllocErrorCode } from "@alloc/constraint";

/** Where a record is read: what it is (for messages), the code to throw, and its path. */
export interface RecordContext {
  readonly what: string;
  readonly code: AllocErrorCode;
  readonly path?: string;
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * `text` quoted for a message: control characters escaped, at most `max`
 * characters kept, with an ellipsis and the full length when cut.
 *
 * @example
 * ```ts
 * quoteText("a\nb"); // '"a\\nb"'
 * ```
 */
export function quoteText(text: string, max = 80): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  const esc = JSON.stringify(cut).replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return text.length > max ? `${esc.slice(0, -1)}…" (${text.length} characters)` : esc;
}

/**
 * A short, safe, one-line description of any value for messages.
 *
 * @example
 * ```ts
 * describeValue([7]); // "an array"
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return quoteText(value);
    case "number":
    case "boolean":
      return String(value);
    case "bigint":
      return `${value}n`;
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
    default:
      return "an object";
  }
}

function keyText(key: string | symbol): string {
  return typeof key === "symbol" ? "a symbol key" : quoteText(key);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] as number;
      row[j] = Math.min(cur + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] as number;
}

function nearest(key: string, allowed: readonly string[]): string | undefined {
  if (key.length > 64) return undefined;
  let best: string | undefined;
  let bestD = 3;
  for (const a of allowed) {
    const d = editDistance(key.toLowerCase(), a.toLowerCase());
    if (d < bestD) {
      best = a;
      bestD = d;
    }
  }
  return best;
}

/**
 * Reads a caller's plain object once: its own keys (refusing symbols and keys
 * not in `allowed`, naming the key, the allowed ones and a near miss), then
 * each present key exactly once, into a frozen null-prototype record. A getter
 * or proxy that throws becomes an `AllocError` with the throw as `cause`.
 *
 * @example
 * ```ts
 * readRecord({ size: 8 }, ["size", "base"], { what: "pio request", code: "INVALID_REQUEST" }); // { size: 8 }
 * ```
 */
export function readRecord(input: unknown, allowed: readonly string[], ctx: RecordContext): Readonly<Record<string, unknown>> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    const at = ctx.path;
    throw new AllocError(ctx.code, `${ctx.what} must be an object; got ${describeValue(input)}`, at === undefined ? { value: input } : { argument: at, path: at, value: input });
  }
  const out = Object.create(null) as Record<string, unknown>;
  let keys: (string | symbol)[];
  try {
    keys = Reflect.ownKeys(input);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string | symbol;
      if (typeof key === "symbol" || !allowed.includes(key)) unknownKey(key, allowed, ctx);
      out[key] = (input as Record<string, unknown>)[key];
    }
  } catch (e) {
    if (isAllocError(e)) throw e;
    const at = ctx.path;
    throw new AllocError(ctx.code, `${ctx.what}: reading it threw ${e instanceof Error ? quoteText(e.message) : describeValue(e)}`, at === undefined ? {} : { argument: at, path: at }, { cause: e });
  }
  return Object.freeze(out);
}

function unknownKey(key: string | symbol, allowed: readonly string[], ctx: RecordContext): never {
  const near = typeof key === "string" ? nearest(key, allowed) : undefined;
  const k = typeof key === "string" ? key : "<symbol>";
  const argument = ctx.path === undefined ? k : `${ctx.path}.${k}`;
  throw new AllocError(
    ctx.code,
    `${ctx.what}: unknown key ${keyText(key)}${near === undefined ? "" : ` (did you mean ${quoteText(near)}?)`}; allowed: ${allowed.join(", ")}`,
    { argument, path: argument },
  );
}

/**
 * A `bigint` in `0 .. 2^64-1` or a safe-integer `number` >= 0, as an exact
 * bigint; anything else (strings, booleans, fractions, NaN, unsafe numbers)
 * throws `code` (default `INVALID_VALUE`) naming `name`. No coercion.
 *
 * @example
 * ```ts
 * readU64(0x10, "base"); // 16n
 * readU64("0x10", "base"); // throws
 * ```
 */
export function readU64(value: unknown, name: string, code: AllocErrorCode = "INVALID_VALUE"): bigint {
  if (typeof value === "bigint") {
    if (value >= 0n && value <= 0xffff_ffff_ffff_ffffn) return value;
  } else if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) {
    return BigInt(value);
  }
  throw new AllocError(code, `${name} must be an integer in 0..2^64-1 (a bigint or a safe-integer number); got ${describeValue(value)}`, { argument: name, value });
}
