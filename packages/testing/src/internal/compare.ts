/**
 * Comparison helpers shared by the command sets and the catalogue runner:
 * capture a call's outcome (value or AllocError code), flatten an allocator's
 * contents to plain tuples, and describe values (bigints in hex) for messages.
 */
import { AllocError, U64_MAX, isAllocError, refuseArgument } from "@alloc/constraint";
import { allocator, flag, items, label, member } from "./inputs.js";
import type { AllocatorUnderTest, NodeState, PoolStats, RangeView } from "../interfaces.js";

/** The outcome of one call. */
export type Outcome<V> = { readonly ok: true; readonly value: V } | { readonly ok: false; readonly error: unknown };

/** Runs `fn`, catching whatever it throws. */
export function capture<V>(fn: () => V): Outcome<V> {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The AllocError code of an outcome, `"<not an AllocError: …>"` for other throws, or undefined on success. */
export function codeOf(o: Outcome<unknown>): string | undefined {
  if (o.ok) return undefined;
  return isAllocError(o.error) ? o.error.code : `<not an AllocError: ${String(o.error)}>`;
}

/** A flat, comparable entry: `[min, max, kind, value]`. */
export type FlatEntry = readonly [bigint, bigint, string, unknown];

/**
 * The allocator's whole contents in iteration order, as {@link FlatEntry}s.
 * `target` (usually `allocator.entries()`) is checked as it is read: an
 * iterable whose every element is a `[range, state]` pair, `range` with
 * bigint `min`/`max` in `0..2^64-1` and `state` with a `kind` of `"free"`,
 * `"allocated"` or `"valued"` (and a `value` when valued); anything else,
 * or an iterator or getter that throws, is an `AllocError`
 * `INVALID_ARGUMENT` naming it (`target[2][0].min`).
 *
 * @example
 * ```ts
 * contents(tree.entries()); // [[0x1000n, 0x1fffn, "free", undefined], …]
 * ```
 */
export function contents(target: Iterable<[RangeView, NodeState<unknown>]>): FlatEntry[] {
  if (typeof target !== "object" || target === null) refuseArgument("target", "an iterable of [range, state] pairs", target);
  let pairs: unknown[];
  try {
    const iterate = (target as unknown as Record<symbol, unknown>)[Symbol.iterator];
    if (typeof iterate !== "function") refuseArgument("target", "an iterable of [range, state] pairs", target);
    pairs = Array.from({ [Symbol.iterator]: (): Iterator<unknown> => (iterate as () => Iterator<unknown>).call(target) });
  } catch (cause) {
    if (isAllocError(cause)) throw cause;
    throw new AllocError("INVALID_ARGUMENT", "target: iterating it threw", { argument: "target" }, { cause });
  }
  return pairs.map((pair, i) => readEntry(pair, `target[${i}]`));
}

const bound = (value: unknown, argument: string): bigint => {
  if (typeof value !== "bigint" || value < 0n || value > U64_MAX) refuseArgument(argument, "a bigint in 0..2^64-1", value);
  return value;
};

/** One `[range, state]` pair read into a {@link FlatEntry}. */
function readEntry(pair: unknown, argument: string): FlatEntry {
  const [r, s] = items(pair, argument, (x) => x, 2);
  if (typeof r !== "object" || r === null) refuseArgument(`${argument}[0]`, "a range { min, max }", r);
  if (typeof s !== "object" || s === null) refuseArgument(`${argument}[1]`, "a state { kind }", s);
  const min = bound(member(r, "min", `${argument}[0]`), `${argument}[0].min`);
  const max = bound(member(r, "max", `${argument}[0]`), `${argument}[0].max`);
  const kind = member(s, "kind", `${argument}[1]`);
  if (kind !== "free" && kind !== "allocated" && kind !== "valued") refuseArgument(`${argument}[1].kind`, '"free", "allocated" or "valued"', kind);
  return Object.freeze([min, max, kind, kind === "valued" ? member(s, "value", `${argument}[1]`) : undefined] as const);
}

/** @internal {@link contents} of a trusted allocator's entries (no checks). */
export function flatten(target: Iterable<[RangeView, NodeState<unknown>]>): FlatEntry[] {
  const out: FlatEntry[] = [];
  for (const [r, s] of target) out.push([r.min, r.max, s.kind, s.kind === "valued" ? s.value : undefined]);
  return out;
}

/**
 * Compares two contents; returns a description of the first difference, or
 * undefined. Both are read once and checked: arrays of {@link FlatEntry}
 * tuples `[min, max, kind, value]` (`min`/`max` bigints in `0..2^64-1`,
 * `kind` a string); a mistake is an `AllocError` `INVALID_ARGUMENT` naming it
 * (`model[3][0]`).
 *
 * @example
 * ```ts
 * diffContents(contents(real.entries()), contents(model.entries())); // undefined when they agree
 * ```
 */
export function diffContents(real: readonly FlatEntry[], model: readonly FlatEntry[]): string | undefined {
  return diff(items(real, "real", readFlat), items(model, "model", readFlat));
}

function readFlat(value: unknown, argument: string): FlatEntry {
  const e = items(value, argument, (x) => x, 4);
  if (e.length !== 4) refuseArgument(argument, "a [min, max, kind, value] tuple", value);
  bound(e[0], `${argument}[0]`);
  bound(e[1], `${argument}[1]`);
  if (typeof e[2] !== "string") refuseArgument(`${argument}[2]`, "a string", e[2]);
  return Object.freeze(e as unknown as FlatEntry);
}

/** @internal {@link diffContents} of trusted contents (no checks). */
export function diff(real: readonly FlatEntry[], model: readonly FlatEntry[]): string | undefined {
  const n = Math.max(real.length, model.length);
  for (let i = 0; i < n; i++) {
    const a = real[i];
    const b = model[i];
    if (a === undefined || b === undefined || a[0] !== b[0] || a[1] !== b[1] || a[2] !== b[2] || !Object.is(a[3], b[3])) {
      return `entry #${i}: real ${a === undefined ? "<none>" : showEntry(a)} vs model ${b === undefined ? "<none>" : showEntry(b)} (real has ${real.length}, model ${model.length})`;
    }
  }
  return undefined;
}

/** Compares two stats objects field by field. */
export function diffStats(real: PoolStats, model: PoolStats): string | undefined {
  for (const k of ["total", "free", "allocated", "largestFree", "freeFragments", "ranges"] as const) {
    if (real[k] !== model[k] && BigInt(real[k]) !== BigInt(model[k])) return `stats.${k}: real ${show(real[k])} vs model ${show(model[k])}`;
  }
  return undefined;
}

/** Normalises a call's result to a comparable plain form. */
export function normalize(v: unknown): unknown {
  if (v === undefined || v === null) return v;
  if (Array.isArray(v)) return v.map(normalize);
  if (typeof v === "object" && v !== null && "min" in v && "max" in v && typeof (v as RangeView).min === "bigint") {
    return { min: (v as RangeView).min, max: (v as RangeView).max };
  }
  if (typeof v === "object" && v !== null && "kind" in v) {
    const s = v as NodeState<unknown>;
    return s.kind === "valued" ? { kind: s.kind, value: s.value } : { kind: s.kind };
  }
  return v;
}

/** Deep equality of normalised values (Object.is on leaves). */
export function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Text for messages: bigints as hex, symbols and functions readable. */
export function show(v: unknown): string {
  if (v === undefined) return "undefined";
  return (
    JSON.stringify(v, (_k, x: unknown) => {
      if (typeof x === "bigint") return `0x${x.toString(16)}n`;
      if (typeof x === "number" && !Number.isFinite(x)) return String(x);
      if (x === undefined) return "undefined";
      if (typeof x === "symbol" || typeof x === "function") return String(x);
      return x;
    }) ?? String(v)
  );
}

function showEntry(e: FlatEntry): string {
  return `${e[2]} [0x${e[0].toString(16)}, 0x${e[1].toString(16)}]${e[2] === "valued" ? ` = ${show(e[3])}` : ""}`;
}

/**
 * Checks that `real` agrees with `model` as a whole: contents in order, stats,
 * size, isEmpty, and (unless `invariants` is false) the real allocator's own
 * invariant checker. Throws an Error describing the first disagreement.
 * Its arguments are checked once first (`real` and `model` allocators,
 * `after` a string or a function returning one, `invariants` a boolean): a
 * mistake is an `AllocError` `INVALID_ARGUMENT` naming it.
 *
 * @example
 * ```ts
 * assertAgree(tree, model, "inserting the layout");
 * ```
 */
export function assertAgree(real: AllocatorUnderTest<unknown>, model: AllocatorUnderTest<unknown>, after: string | (() => string), invariants = true): void {
  allocator(real, "real");
  allocator(model, "model");
  label(after, "after");
  flag(invariants, "invariants");
  agree(real, model, after, invariants);
}

/** @internal {@link assertAgree} on trusted arguments (the command sets' own calls). */
export function agree(real: AllocatorUnderTest<unknown>, model: AllocatorUnderTest<unknown>, after: string | (() => string), invariants: boolean): void {
  const what = (): string => (typeof after === "string" ? after : after());
  if (invariants) {
    try {
      real.checkInvariants();
    } catch (e) {
      throw new Error(`after ${what()}: invariant broken: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
  const d = diff(flatten(real.entries()), flatten(model.entries()));
  if (d !== undefined) throw new Error(`after ${what()}: contents differ: ${d}`);
  const viaIterator = diff(flatten(real), flatten(model.entries()));
  if (viaIterator !== undefined) throw new Error(`after ${what()}: [Symbol.iterator] differs from the model: ${viaIterator}`);
  const s = diffStats(real.stats(), model.stats());
  if (s !== undefined) throw new Error(`after ${what()}: ${s}`);
  if (real.size !== model.size) throw new Error(`after ${what()}: size real ${real.size} vs model ${model.size}`);
  if (real.isEmpty() !== model.isEmpty()) throw new Error(`after ${what()}: isEmpty real ${real.isEmpty()} vs model ${model.isEmpty()}`);
}
