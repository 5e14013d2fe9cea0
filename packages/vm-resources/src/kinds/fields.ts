/**
 * Field readers shared by the kind modules: each takes one value of a request
 * (already read once from the caller's object, `undefined` when absent) and
 * its key, and returns the checked value or throws `INVALID_REQUEST` with
 * `details.argument` naming the field. No coercion: numbers are bigints or
 * safe-integer numbers only.
 */
import { AllocError, Constraint, Policy, Range, isAllocError } from "@alloc/constraint";
import type { AllocErrorCode } from "@alloc/constraint";
import { describeValue, readRecord, readU64 } from "@alloc/constraint";
import type { At, ResourceReader } from "./Kind.js";

/** Throws `INVALID_REQUEST` naming `argument`. */
export function bad(argument: string, message: string, value?: unknown): never {
  throw new AllocError("INVALID_REQUEST", `${argument}: ${message}`, value === undefined ? { argument } : { argument, value });
}

/** An optional u64 field. */
export function u64Field(v: unknown, key: string): bigint | undefined {
  return v === undefined ? undefined : readU64(v, key, "INVALID_REQUEST");
}

/** A required size/count field in `1 .. max`. */
export function sizeField(v: unknown, key: string, max: bigint): bigint {
  if (v === undefined) bad(key, "is required");
  const n = readU64(v, key, "INVALID_REQUEST");
  if (n < 1n || n > max) bad(key, `must be in 1..${max}; got ${n}`, v);
  return n;
}

/** A required count field in `1 .. max` (at most 2^32), as a number. */
export function countField(v: unknown, key: string, max: number): number {
  // perf: a safe-integer number is checked without a bigint (bench "churn").
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 1 && v <= max) return v;
  return Number(sizeField(v, key, BigInt(max)));
}

/** An optional integer field in `0 .. max`, as a number. */
export function intField(v: unknown, key: string, max: number): number | undefined {
  if (v === undefined) return undefined;
  // perf: a safe-integer number is checked without a bigint (bench "churn").
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v <= max) return v + 0;
  const n = readU64(v, key, "INVALID_REQUEST");
  if (n > BigInt(max)) bad(key, `must be in 0..${max}; got ${n}`, v);
  return Number(n);
}

/** An optional alignment: a power of two, or 0/1 for none (normalised to 1). */
export function alignField(v: unknown, max: bigint = 1n << 63n): bigint {
  const a = u64Field(v, "align");
  if (a === undefined || a === 0n) return 1n;
  if ((a & (a - 1n)) !== 0n || a > max) bad("align", `must be a power of two (or 0/1 for none); got ${a}`, a);
  return a;
}

/** An optional boolean field. */
export function boolField(v: unknown, key: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") bad(key, `must be true or false; got ${describeValue(v)}`, v);
  return v;
}

/** An optional string field that must be one of `allowed`. */
export function oneOf<T extends string>(v: unknown, key: string, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) bad(key, `must be one of ${allowed.join(", ")}; got ${describeValue(v)}`, v);
  return v as T;
}

const POLICIES: readonly Policy[] = Object.values(Policy);

/** An optional placement policy. */
export function policyField(v: unknown): Policy | undefined {
  return oneOf(v, "policy", POLICIES);
}

/**
 * `readRecord` of an object found at `path` (e.g. `range`, `resource`): the
 * error names the field by its full name (`range.mx`) in `details.argument`.
 */
export function readNested(value: unknown, allowed: readonly string[], path: string, code: AllocErrorCode): Readonly<Record<string, unknown>> {
  try {
    return readRecord(value, allowed, { what: path, code, path });
  } catch (e) {
    if (!isAllocError(e)) throw e;
    const key = e.details.argument;
    const argument = key === undefined || key === path ? path : `${path}.${key}`;
    throw new AllocError(e.code, e.message, { ...e.details, argument, path: argument }, { cause: e });
  }
}

/** An optional `range: { min, max }` bound, read once, `min <= max`. */
export function rangeField(v: unknown): Range | undefined {
  if (v === undefined) return undefined;
  const r = readNested(v, ["min", "max"], "range", "INVALID_REQUEST");
  if (r["min"] === undefined) bad("range.min", "is required");
  if (r["max"] === undefined) bad("range.max", "is required");
  const min = readU64(r["min"], "range.min", "INVALID_REQUEST");
  const max = readU64(r["max"], "range.max", "INVALID_REQUEST");
  if (min > max) bad("range.min", `${hex(min)} is above range.max ${hex(max)}`);
  return new Range(min, max);
}

/** `[base, base+size-1]`, refusing a block that runs past 2^64-1 (naming `argument`). */
export function blockAt(base: bigint, size: bigint, argument: string): Range {
  if (base + size - 1n > 0xffff_ffff_ffff_ffffn) bad(argument, `${hex(base)} + size ${hex(size)} runs past 2^64-1`);
  return span(base, size);
}

const SAFE = Number.MAX_SAFE_INTEGER;
const SAFE_BIG = BigInt(SAFE);

/**
 * `[base, base+size-1]` of a checked base and size (size at least 1, the end
 * at most 2^64-1). perf: below 2^53 the range is built from exact numbers, not
 * bigints (bench "churn", "restore"); above, through `Range.withSize`.
 *
 * @example
 * ```ts
 * span(0x1000n, 0x100n); // [0x1000, 0x10ff]
 * ```
 */
export function span(base: bigint | number, size: bigint | number): Range {
  if (typeof base === "bigint" ? base <= SAFE_BIG : true) {
    if (typeof size === "bigint" ? size <= SAFE_BIG : true) {
      const b = Number(base);
      const s = Number(size);
      if (s - 1 <= SAFE - b) return new Range(b, b + s - 1);
    }
  }
  return Range.withSize(base, size);
}

const TWO_32 = 0x1_0000_0000;

/**
 * The last unit of `[base, base+size-1]` when that block is at least one unit,
 * aligned to `align` (a power of two) and ends below 2^53, decided on exact
 * numbers (perf: no bigint temporaries, bench "restore"); `undefined` when it
 * is not, or lies higher: the caller's bigint checks then decide, and name the
 * mistake.
 *
 * @example
 * ```ts
 * alignedBlockEnd(0x2000n, 0x1000n, 0x1000n); // 0x2fff
 * alignedBlockEnd(0x2000n, 0x1000n, 0x3000n); // undefined (not a power of two)
 * ```
 */
export function alignedBlockEnd(base: bigint, size: bigint, align: bigint): number | undefined {
  if (base > SAFE_BIG || size > SAFE_BIG || align > SAFE_BIG) return undefined;
  const b = Number(base);
  const s = Number(size);
  const a = Number(align);
  if (a < 1 || s < 1 || s - 1 > SAFE - b) return undefined;
  const high = a / TWO_32;
  const power = a < TWO_32 ? (a & (a - 1)) === 0 : a % TWO_32 === 0 && (high & (high - 1)) === 0;
  return power && b % a === 0 ? b + s - 1 : undefined;
}

/**
 * The last address of a snapshot record's aligned block (`mmio`, `mem`):
 * `align` a power of two, `base` aligned to it, `size` at least 1, the end
 * at most 2^64-1; otherwise `rd` fails naming the field. The end is a number
 * below 2^53 (checked without bigints), else a bigint.
 */
export function readBlockEnd(base: bigint, size: bigint, align: bigint, at: At, rd: ResourceReader): bigint | number {
  const end = alignedBlockEnd(base, size, align);
  if (end !== undefined) return end;
  if (align === 0n || (align & (align - 1n)) !== 0n) rd.fail(`${at}.align`, "must be a power of two");
  if (base % align !== 0n) rd.fail(`${at}.base`, `${hex(base)} is not aligned to ${hex(align)}`);
  const last = base + size - 1n;
  if (size < 1n || last > 0xffff_ffff_ffff_ffffn) rd.fail(`${at}.size`, "must be at least 1 and end by 2^64-1");
  return last;
}

/** The part of `window` inside `bounds` (both optional), or `null` when they do not meet. */
export function narrow(window: Range | undefined, bounds: Range | undefined): Range | undefined | null {
  if (bounds === undefined) return window;
  if (window === undefined) return bounds;
  const min = bounds.min > window.min ? bounds.min : window.min;
  const max = bounds.max < window.max ? bounds.max : window.max;
  return min > max ? null : new Range(min, max);
}

/** A constraint of `size` units aligned to `align` inside `win` (anywhere when `undefined`). */
export function fit(size: bigint, align: bigint, win: Range | undefined, policy?: Policy): Constraint {
  if (win === undefined) return policy === undefined ? new Constraint({ size, align }) : new Constraint({ size, align, policy });
  return policy === undefined
    ? new Constraint({ size, align, min: win.min, max: win.max })
    : new Constraint({ size, align, min: win.min, max: win.max, policy });
}

/** Throws `INVALID_ALIGNMENT` when `base` is not a multiple of `align`. */
export function checkAligned(base: bigint, align: bigint, argument: string): void {
  if (base % align !== 0n) throw new AllocError("INVALID_ALIGNMENT", `${argument}: ${hex(base)} is not aligned to ${hex(align)}`, { argument });
}

/** `0x` + lowercase hex. */
export function hex(v: bigint | number): string {
  return `0x${v.toString(16)}`;
}

/** Throws `INVALID_ARGUMENT` (argument `size`): this kind has a fixed size. */
export function notResizable(what: string): never {
  throw new AllocError("INVALID_ARGUMENT", `size: ${what} cannot be resized`, { argument: "size" });
}
