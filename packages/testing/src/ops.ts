/**
 * Operations as plain data.
 *
 * A generated test case is a list of `TreeOp`s: serialisable, printable as a
 * TypeScript literal, and replayable by `runTreeOps` without fast-check. Ops
 * that act on "something in the pool" carry a `pick` (which entry, chosen at
 * run time from the model's contents, and how to distort it), so a shrunk
 * failure stays meaningful when pasted into a regression test.
 */
import { Range, U64_MAX, describeValue, refuseArgument } from "@alloc/constraint";
import { allocator, bigintIn, flag, integer, oneOf, readObject, text } from "./internal/inputs.js";
import type { AllocatorUnderTest } from "./interfaces.js";

/** Which entries a pick chooses from. */
export type PickKind = "any" | "free" | "taken";

/** How a picked entry `[a, b]` becomes the range passed to the call. */
export type Tweak =
  | "exact" // [a, b]
  | "shrinkLeft" // [a+1, b]  (partial)
  | "shrinkRight" // [a, b-1] (partial)
  | "growLeft" // [a-1, b]  (superset)
  | "growRight" // [a, b+1] (superset)
  | "firstPoint" // [a, a]
  | "lastPoint" // [b, b]
  | "before" // [a-1, a-1] (neighbour)
  | "after"; // [b+1, b+1] (neighbour)

/** The range argument of an op: a literal value (possibly malformed) or a pick. */
export type RangeArg =
  | {
      /** The literal argument, passed as it is. */
      readonly at: unknown;
    }
  | {
      /** Which entries to pick from. */
      readonly pick: PickKind;
      /** Which one (modulo the number of candidates). */
      readonly index: number;
      /** How the picked entry's bounds are changed. */
      readonly tweak: Tweak;
    };

/** The constraint argument of an op: a literal (possibly malformed) or one aimed inside a free entry. */
export type ConstraintArg =
  | {
      /** The literal constraint, passed as it is. */
      readonly init: unknown;
    }
  | {
      /** Which free entry to aim at (modulo the number of free entries). */
      readonly inFree: number;
      /** Where the block starts inside it. */
      readonly offset: bigint;
      /** Size of the block. */
      readonly size: bigint;
      /** Alignment asked for. */
      readonly align: bigint;
      /** Placement policy. */
      readonly policy: "first-match" | "last-match" | "best-fit";
      /** Ask for exactly that block (`exactly(base, size)`) rather than a window. */
      readonly exact: boolean;
    };

/** The id argument of `getById`: a literal or a point relative to a picked entry. */
export type IdArg =
  | {
      /** The literal id, passed as it is. */
      readonly id: unknown;
    }
  | {
      /** Which entries to pick from. */
      readonly pick: PickKind;
      /** Which one (modulo the number of candidates). */
      readonly index: number;
      /** The point's offset from the entry's start. */
      readonly offset: number;
    };

/** User data stored in valued ranges. */
export type Data = number | string | null;

/** One operation on an interval tree. `insert` without `data` inserts free space. */
export type TreeOp =
  | {
      /** `insert(range, data?)`. */
      readonly op: "insert";
      /** The range to insert. */
      readonly range: RangeArg;
      /** Data for a valued range; none inserts free space. */
      readonly data?: Data;
    }
  | {
      /** `allocate` or `allocateOrThrow`. */
      readonly op: "allocate";
      /** What to ask for. */
      readonly constraint: ConstraintArg;
      /** Call `allocateOrThrow` instead of `allocate`. */
      readonly orThrow: boolean;
    }
  | {
      /** `update(range, data)`. */
      readonly op: "update";
      /** The range to update. */
      readonly range: RangeArg;
      /** The new data. */
      readonly data: Data;
    }
  | {
      /** `free(range)`. */
      readonly op: "free";
      /** The range to free. */
      readonly range: RangeArg;
    }
  | {
      /** `delete(range)`. */
      readonly op: "delete";
      /** The range to delete. */
      readonly range: RangeArg;
    }
  | {
      /** `get(range)`. */
      readonly op: "get";
      /** The range to look up. */
      readonly range: RangeArg;
    }
  | {
      /** `getSuperset(range)`. */
      readonly op: "getSuperset";
      /** The range to look up. */
      readonly range: RangeArg;
    }
  | {
      /** `overlapping(range)`. */
      readonly op: "overlapping";
      /** The range to look up. */
      readonly range: RangeArg;
    }
  | {
      /** `getById(id)`. */
      readonly op: "getById";
      /** The point to look up. */
      readonly id: IdArg;
    }
  | {
      /** `clone()`, then carry on with the copy. */
      readonly op: "clone";
    }
  | {
      /** `body` applied `times` times, its pick indices advanced by `step` each time (grows and fragments the pool fast). */
      readonly op: "repeat";
      /** How many times. */
      readonly times: number;
      /** Pick-index advance per repetition. */
      readonly step: number;
      /** The op repeated. */
      readonly body: TreeOp;
    };

/** The i-th instance of a repeated op: pick indices advanced by `i * step`. */
export function shiftOp(op: TreeOp, delta: number): TreeOp {
  const shiftRange = (r: RangeArg): RangeArg => ("pick" in r ? { ...r, index: r.index + delta } : r);
  switch (op.op) {
    case "allocate":
      return "inFree" in op.constraint ? { ...op, constraint: { ...op.constraint, inFree: op.constraint.inFree + delta } } : op;
    case "getById":
      return "pick" in op.id ? { ...op, id: { ...op.id, index: op.id.index + delta } } : op;
    case "clone":
    case "repeat":
      return op;
    default:
      return { ...op, range: shiftRange(op.range) };
  }
}

/**
 * Resolves a range argument against the model's current contents, clamped to
 * `[0, domainMax]`. Checks its arguments once (`arg` through the range-argument
 * reader, `model` an allocator, `domainMax` a bigint in `0..2^64-1`); a mistake
 * is an `AllocError` `INVALID_ARGUMENT` naming it (`arg.tweak`).
 *
 * @example
 * ```ts
 * resolveRange({ pick: "free", index: 0, tweak: "exact" }, model, U64_MAX); // the first free entry's Range
 * ```
 */
export function resolveRange(arg: RangeArg, model: AllocatorUnderTest<unknown>, domainMax: bigint): unknown {
  const a = readRangeArg(arg, "arg");
  allocator(model, "model");
  domainMaxIn(domainMax, "domainMax");
  return rangeOf(a, model, domainMax);
}

/** @internal {@link resolveRange} on arguments already read. */
export function rangeOf(arg: RangeArg, model: AllocatorUnderTest<unknown>, domainMax: bigint): unknown {
  if ("at" in arg) return arg.at;
  const e = pickEntry(model, arg.pick, arg.index);
  const clamp = (v: bigint): bigint => (v < 0n ? 0n : v > domainMax ? domainMax : v);
  const a = e.min;
  const b = e.max;
  let lo: bigint;
  let hi: bigint;
  switch (arg.tweak) {
    case "exact":
      [lo, hi] = [a, b];
      break;
    case "shrinkLeft":
      [lo, hi] = [a + 1n, b];
      break;
    case "shrinkRight":
      [lo, hi] = [a, b - 1n];
      break;
    case "growLeft":
      [lo, hi] = [a - 1n, b];
      break;
    case "growRight":
      [lo, hi] = [a, b + 1n];
      break;
    case "firstPoint":
      [lo, hi] = [a, a];
      break;
    case "lastPoint":
      [lo, hi] = [b, b];
      break;
    case "before":
      [lo, hi] = [a - 1n, a - 1n];
      break;
    case "after":
      [lo, hi] = [b + 1n, b + 1n];
      break;
  }
  lo = clamp(lo);
  hi = clamp(hi);
  if (lo > hi) [lo, hi] = [a, b];
  return new Range(lo, hi);
}

/**
 * Resolves a constraint argument against the model's current contents.
 * Checks its arguments once, like {@link resolveRange}.
 *
 * @example
 * ```ts
 * resolveConstraint({ inFree: 0, offset: 0n, size: 16n, align: 1n, policy: "first-match", exact: false }, model);
 * ```
 */
export function resolveConstraint(arg: ConstraintArg, model: AllocatorUnderTest<unknown>): unknown {
  const a = readConstraintArg(arg, "arg");
  allocator(model, "model");
  return constraintOf(a, model);
}

/** @internal {@link resolveConstraint} on arguments already read. */
export function constraintOf(arg: ConstraintArg, model: AllocatorUnderTest<unknown>): unknown {
  if ("init" in arg) return arg.init;
  const e = pickEntry(model, "free", arg.inFree);
  let min = e.min + arg.offset;
  if (min > e.max) min = e.min;
  if (arg.exact) {
    let size = arg.size;
    if (min + size - 1n > U64_MAX) size = U64_MAX - min + 1n;
    return { size, min, max: min + size - 1n, policy: "first-match" };
  }
  return { size: arg.size, min, max: e.max, align: arg.align, policy: arg.policy };
}

/**
 * Resolves a `getById` argument. Checks its arguments once, like {@link resolveRange}.
 *
 * @example
 * ```ts
 * resolveId({ pick: "taken", index: 2, offset: -1 }, model, U64_MAX); // just before the third taken entry
 * ```
 */
export function resolveId(arg: IdArg, model: AllocatorUnderTest<unknown>, domainMax: bigint): unknown {
  const a = readIdArg(arg, "arg");
  allocator(model, "model");
  domainMaxIn(domainMax, "domainMax");
  return idOf(a, model, domainMax);
}

/** @internal {@link resolveId} on arguments already read. */
export function idOf(arg: IdArg, model: AllocatorUnderTest<unknown>, domainMax: bigint): unknown {
  if ("id" in arg) return arg.id;
  const e = pickEntry(model, arg.pick, arg.index);
  // offset < 0: just before the entry; inside it otherwise, or just past its end.
  let v = e.min + BigInt(arg.offset);
  if (v > e.max) v = e.max + 1n;
  return v < 0n ? 0n : v > domainMax ? domainMax : v;
}

function pickEntry(model: AllocatorUnderTest<unknown>, kind: PickKind, index: number): { min: bigint; max: bigint } {
  const all: Array<{ min: bigint; max: bigint; free: boolean }> = [];
  for (const [r, s] of model.entries()) all.push({ min: r.min, max: r.max, free: s.kind === "free" });
  const wanted = kind === "any" ? all : all.filter((x) => x.free === (kind === "free"));
  const from = wanted.length > 0 ? wanted : all;
  if (from.length === 0) return { min: 0n, max: 0n };
  return from[index % from.length]!;
}

/**
 * Prints a value as TypeScript source (bigints as `0x…n`), so a failing op
 * list can be pasted into `test/regressions.test.ts`. Never throws and runs
 * no user code it can avoid: a proxy whose traps throw, a throwing getter, a
 * revoked proxy or a cycle prints as `undefined` with a comment saying why
 * (`undefined /* unreadable object *\/`), so a divergence report is never
 * lost to the value it describes.
 *
 * @example
 * ```ts
 * literal({ op: "free", range: { at: new Range(0n, 0xffn) } }); // '{ op: "free", range: { at: new Range(0x0n, 0xffn) } }'
 * ```
 */
export function literal(v: unknown): string {
  return print(v, []);
}

function print(v: unknown, open: object[]): string {
  if (typeof v === "bigint") return `0x${v.toString(16)}n`;
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : Number.isNaN(v) ? "NaN" : String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (typeof v === "symbol") return `Symbol(${JSON.stringify(v.description ?? "")})`;
  if (typeof v === "boolean") return String(v);
  if (typeof v === "function") return "(() => {})";
  if (open.includes(v as object)) return "undefined /* a cycle */";
  open.push(v as object);
  try {
    return printObject(v as object, open);
  } catch {
    return `undefined /* unreadable ${describeValue(v)} */`;
  } finally {
    open.pop();
  }
}

function printObject(v: object, open: object[]): string {
  if (v instanceof Range) return `new Range(${print(v.min, open)}, ${print(v.max, open)})`;
  if (Array.isArray(v)) return `[${Array.from(v as unknown[], (x) => print(x, open)).join(", ")}]`;
  const proto = Object.getPrototypeOf(v) as unknown;
  const keys = Object.getOwnPropertyNames(v);
  const body = keys
    .map((k) => `${k === "__proto__" ? '["__proto__"]' : /^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${printMember(v, k, open)}`)
    .join(", ");
  const prefix = proto === null ? "__proto__: null, " : "";
  return keys.length === 0 && prefix === "" ? "{}" : `{ ${prefix}${body} }`;
}

function printMember(v: object, k: string, open: object[]): string {
  let x: unknown;
  try {
    x = (v as Record<string, unknown>)[k];
  } catch {
    return "undefined /* reading it threw */";
  }
  return print(x, open);
}

/**
 * One op as a short line (its {@link literal}), e.g.
 * `{ op: "free", range: { pick: "taken", index: 3, tweak: "exact" } }`.
 * The op is read first (see {@link readTreeOp}); anything that is not a
 * `TreeOp` is refused as `INVALID_ARGUMENT` naming the field (`op.range.tweak`).
 */
export function describeOp(op: TreeOp): string {
  return literal(readOp(op, "op", 0));
}

/** The names of {@link TreeOp}s and the keys each one takes. */
const TREE_OP_KEYS: Readonly<Record<TreeOp["op"], readonly string[]>> = {
  insert: ["op", "range", "data"],
  allocate: ["op", "constraint", "orThrow"],
  update: ["op", "range", "data"],
  free: ["op", "range"],
  delete: ["op", "range"],
  get: ["op", "range"],
  getSuperset: ["op", "range"],
  overlapping: ["op", "range"],
  getById: ["op", "id"],
  clone: ["op"],
  repeat: ["op", "times", "step", "body"],
};
const ALL_TREE_OP_KEYS = [...new Set(Object.values(TREE_OP_KEYS).flat())];
const opName: (value: unknown, argument: string) => asserts value is TreeOp["op"] = oneOf(Object.keys(TREE_OP_KEYS) as TreeOp["op"][]);
/** @internal A {@link PickKind}. */
export const pickKind: (value: unknown, argument: string) => void = oneOf<PickKind>(["any", "free", "taken"]);
/** @internal A {@link Tweak}. */
export const tweakName: (value: unknown, argument: string) => void = oneOf<Tweak>([
  "exact",
  "shrinkLeft",
  "shrinkRight",
  "growLeft",
  "growRight",
  "firstPoint",
  "lastPoint",
  "before",
  "after",
]);
const policyName = oneOf<"first-match" | "last-match" | "best-fit">(["first-match", "last-match", "best-fit"]);

/** Largest pick index (`index`, `inFree`): used modulo a count, and a repeat's shift (at most 2^16 × 2^16) keeps it a safe integer. */
export const PICK_INDEX_MAX: number = 2 ** 32 - 1;
/** Largest `times` and `step` of a `repeat`. */
export const REPEAT_MAX: number = 2 ** 16;
/** Deepest nesting of `repeat` bodies (a repeat inside a repeat is depth 2). */
export const REPEAT_DEPTH_MAX = 4;
/** Most ops one `repeat` may expand to (the product of nested `times`). */
export const REPEAT_EXPANSION_MAX: number = 2 ** 20;

const pickIndex = integer(0, PICK_INDEX_MAX);
const repeatCount = integer(0, REPEAT_MAX);
const u64 = bigintIn(0n, U64_MAX);
const size = bigintIn(1n, U64_MAX);
const domainMaxIn = bigintIn(0n, U64_MAX);

/** `align` of a computed constraint: 0 or a power of two up to 2^63 (malformed alignments are written as `{ init }`). */
function alignment(value: unknown, argument: string): void {
  if (typeof value !== "bigint" || value < 0n || value > 1n << 63n || (value & (value - 1n)) !== 0n) {
    refuseArgument(argument, "0n or a power-of-two bigint up to 2^63", value);
  }
}

/** A {@link Data}: a number, a string or `null`. */
function data(value: unknown, argument: string): void {
  if (value !== null && typeof value !== "number" && typeof value !== "string") refuseArgument(argument, "a number, a string or null", value);
}

/** Refuses every key of `rec` outside `keys`, naming it (`ops[3].range.tweak` beside `at`). */
function only(rec: Readonly<Record<string, unknown>>, keys: readonly string[], argument: string, shape: string): void {
  for (const k of Object.keys(rec)) if (!keys.includes(k)) refuseArgument(`${argument}.${k}`, `absent (${shape})`, rec[k]);
}

/** `rec[key]`, which must be present, checked by `check`. */
function need(rec: Readonly<Record<string, unknown>>, key: string, argument: string, check: (value: unknown, argument: string) => void): unknown {
  const v = rec[key];
  check(v, `${argument}.${key}`);
  return v;
}

type Check = (value: unknown, argument: string) => void;

/**
 * Reads an op argument that is either exactly `{ [literal]: value }` (any
 * value, passed as is) or an object with every key of `fields`, each checked
 * by its check; returns a frozen copy.
 */
function readEither(value: unknown, argument: string, literal: string, fields: Readonly<Record<string, Check>>): Readonly<Record<string, unknown>> {
  const keys = Object.keys(fields);
  const rec = readObject(value, argument, [literal, ...keys]);
  if (literal in rec) {
    only(rec, [literal], argument, `${argument} is { ${literal} } or { ${keys.join(", ")} }`);
    return Object.freeze({ [literal]: rec[literal] });
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = need(rec, k, argument, fields[k] as Check);
  return Object.freeze(out);
}

const RANGE_ARG: Readonly<Record<string, Check>> = { pick: pickKind, index: pickIndex, tweak: tweakName };
const CONSTRAINT_ARG: Readonly<Record<string, Check>> = { inFree: pickIndex, offset: u64, size, align: alignment, policy: policyName, exact: flag };
const ID_ARG: Readonly<Record<string, Check>> = { pick: pickKind, index: pickIndex, offset: integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) };

/**
 * Reads a {@link RangeArg} once: exactly `{ at }` (any value, passed as is)
 * or `{ pick, index, tweak }`; returns a frozen copy.
 */
export function readRangeArg(value: unknown, argument: string): RangeArg {
  return readEither(value, argument, "at", RANGE_ARG) as unknown as RangeArg;
}

/**
 * Reads a {@link ConstraintArg} once: exactly `{ init }` (any value, passed
 * as is) or `{ inFree, offset, size, align, policy, exact }` (`offset` a u64
 * bigint, `size` a bigint in `1..2^64-1`, `align` 0n or a power of two up to
 * 2^63); returns a frozen copy.
 */
export function readConstraintArg(value: unknown, argument: string): ConstraintArg {
  return readEither(value, argument, "init", CONSTRAINT_ARG) as unknown as ConstraintArg;
}

/**
 * Reads an {@link IdArg} once: exactly `{ id }` (any value, passed as is) or
 * `{ pick, index, offset }` (`offset` a safe integer); returns a frozen copy.
 */
export function readIdArg(value: unknown, argument: string): IdArg {
  return readEither(value, argument, "id", ID_ARG) as unknown as IdArg;
}

/**
 * Reads one {@link TreeOp} from outside, once: each key read a single time
 * through `readRecord` (an unknown key is refused by name, with "did you
 * mean"), `op` one of the names and only that op's keys present, every field
 * of its documented type and range (pick indices in `0..2^32-1`, `repeat`'s
 * `times`/`step` in `0..2^16`, nested at most 4 deep and expanding to at most
 * 2^20 ops). Returns a deeply frozen copy; the literal payloads (`at`,
 * `init`, `id`) are the arguments passed to the allocator as they are, so
 * they are neither copied nor frozen. A mistake is an `AllocError`
 * `INVALID_ARGUMENT` whose `details.argument` names the field
 * (`ops[3].range.tweak`, `ops[0].body.body.times`).
 *
 * @example
 * ```ts
 * readTreeOp({ op: "free", range: { pick: "taken", index: 0, tweak: "exact" } }, "ops[0]"); // a frozen TreeOp
 * readTreeOp({ op: "free", range: { pick: "taken", index: 0, tweek: "exact" } }, "ops[0]");
 * // throws INVALID_ARGUMENT ops[0].range.tweek: ops[0].range has an unknown key "tweek" (…); did you mean "tweak"?
 * ```
 */
export function readTreeOp(value: unknown, argument = "op"): TreeOp {
  text(argument, "argument");
  return readOp(value, argument, 0);
}

// `depth`: how many repeats enclose this op.
function readOp(value: unknown, argument: string, depth: number): TreeOp {
  const rec = readObject(value, argument, ALL_TREE_OP_KEYS);
  const op = rec.op;
  opName(op, `${argument}.op`);
  only(rec, TREE_OP_KEYS[op], argument, `a ${op} op takes ${TREE_OP_KEYS[op].join(", ")}`);
  switch (op) {
    case "insert":
      if (!("data" in rec)) return Object.freeze({ op, range: readRangeArg(rec.range, `${argument}.range`) });
      return Object.freeze({ op, range: readRangeArg(rec.range, `${argument}.range`), data: need(rec, "data", argument, data) as Data });
    case "update":
      return Object.freeze({ op, range: readRangeArg(rec.range, `${argument}.range`), data: need(rec, "data", argument, data) as Data });
    case "allocate":
      return Object.freeze({
        op,
        constraint: readConstraintArg(rec.constraint, `${argument}.constraint`),
        orThrow: need(rec, "orThrow", argument, flag) as boolean,
      });
    case "getById":
      return Object.freeze({ op, id: readIdArg(rec.id, `${argument}.id`) });
    case "clone":
      return Object.freeze({ op });
    case "repeat": {
      const times = need(rec, "times", argument, repeatCount) as number;
      const step = need(rec, "step", argument, repeatCount) as number;
      if (depth >= REPEAT_DEPTH_MAX) refuseArgument(argument, `not a repeat: repeats nest at most ${REPEAT_DEPTH_MAX} deep`, value);
      const body = readOp(rec.body, `${argument}.body`, depth + 1);
      if (times * expansion(body) > REPEAT_EXPANSION_MAX)
        refuseArgument(`${argument}.times`, `at most ${REPEAT_EXPANSION_MAX} ops in all once nested repeats expand`, times);
      return Object.freeze({ op, times, step, body });
    }
    default:
      return Object.freeze({ op, range: readRangeArg(rec.range, `${argument}.range`) });
  }
}

function expansion(op: TreeOp): number {
  return op.op === "repeat" ? op.times * expansion(op.body) : 1;
}
