/**
 * Operations as plain data.
 *
 * A generated test case is a list of `TreeOp`s: serialisable, printable as a
 * TypeScript literal, and replayable by `runTreeOps` without fast-check. Ops
 * that act on "something in the pool" carry a `pick` (which entry, chosen at
 * run time from the model's contents, and how to distort it), so a shrunk
 * failure stays meaningful when pasted into a regression test.
 */
import { Range, U64_MAX } from "@alloc/constraint";
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

/** Resolves a range argument against the model's current contents, clamped to `[0, domainMax]`. */
export function resolveRange(arg: RangeArg, model: AllocatorUnderTest<unknown>, domainMax: bigint): unknown {
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

/** Resolves a constraint argument against the model's current contents. */
export function resolveConstraint(arg: ConstraintArg, model: AllocatorUnderTest<unknown>): unknown {
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

/** Resolves a `getById` argument. */
export function resolveId(arg: IdArg, model: AllocatorUnderTest<unknown>, domainMax: bigint): unknown {
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
 * list can be pasted into `test/regressions.test.ts`.
 */
export function literal(v: unknown): string {
  if (typeof v === "bigint") return `0x${v.toString(16)}n`;
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : Number.isNaN(v) ? "NaN" : String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (typeof v === "symbol") return `Symbol(${JSON.stringify(v.description ?? "")})`;
  if (typeof v === "boolean") return String(v);
  if (typeof v === "function") return "(() => {})";
  if (v instanceof Range) return `new Range(${literal(v.min)}, ${literal(v.max)})`;
  if (Array.isArray(v)) return `[${v.map(literal).join(", ")}]`;
  const proto = Object.getPrototypeOf(v) as unknown;
  const keys = Reflect.ownKeys(v as object).filter((k): k is string => typeof k === "string");
  const body = keys
    .map((k) => `${k === "__proto__" ? '["__proto__"]' : /^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${literal((v as Record<string, unknown>)[k])}`)
    .join(", ");
  const prefix = proto === null ? "__proto__: null, " : "";
  return keys.length === 0 && prefix === "" ? "{}" : `{ ${prefix}${body} }`;
}

/** One op as a short line: `free(pick taken#3 exact)`. */
export function describeOp(op: TreeOp): string {
  return literal(op);
}
