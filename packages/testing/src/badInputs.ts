/**
 * The bad-input catalogue: every way a call on an `IntervalTree`-shaped
 * allocator can be wrong, each with the `AllocError` code it must throw.
 *
 * `runBadInputs(factory)` builds a standard pool ({@link BAD_INPUT_FIXTURE}) in
 * a fresh allocator per case, takes its full contents and stats, makes the bad
 * call, and checks the code, that contents and stats are exactly as before,
 * and that `checkInvariants()` still holds. Iterables returned by the call
 * (e.g. `overlapping`) are consumed, so lazy validation is caught too.
 */
import { callable, list, methods } from "./internal/inputs.js";
import { Constraint, Range, isAllocError } from "@alloc/constraint";
import type { AllocErrorCode } from "@alloc/constraint";
import { contents, diffContents, diffStats, show } from "./internal/compare.js";
import type { AllocatorFactory, AllocatorUnderTest } from "./interfaces.js";

/** One kind of bad input. */
export interface BadInputCase<Target> {
  /** What is wrong, e.g. `"insert: min is NaN"`. */
  readonly name: string;
  /** The code the call must throw. */
  readonly code: AllocErrorCode;
  /** Valid calls made before the state is recorded (e.g. the first of two frees). */
  readonly before?: (target: Target) => void;
  /** Makes the bad call. */
  run(target: Target): unknown;
}

const TOP = 0xffff_ffff_ffff_ffffn;
const P53 = 2n ** 53n;

/**
 * The pool every tree case starts from:
 * free `[0x1000, 0x10ff]`, allocated `[0x1100, 0x11ff]`, free `[0x1200, 0x1fff]`,
 * valued `[0x3000, 0x30ff]` = "dev", free `[2^53-16, 2^53+15]`, free `[2^64-0x1000, 2^64-1]`.
 * `t` must have `insert` and `allocate` (else an `AllocError`
 * `INVALID_ARGUMENT` naming `t.insert`); an Error is thrown if the allocator
 * does not place `[0x1100, 0x11ff]` as asked.
 *
 * @example
 * ```ts
 * const t = new IntervalTree();
 * BAD_INPUT_FIXTURE(t);
 * ```
 */
export function BAD_INPUT_FIXTURE(t: AllocatorUnderTest<unknown>): void {
  fixtureTarget(t, "t");
  fixtureUnchecked(t);
}

const fixtureTarget = methods(["insert", "allocate"]);

/** {@link BAD_INPUT_FIXTURE} on a checked allocator. */
function fixtureUnchecked(t: AllocatorUnderTest<unknown>): void {
  t.insert({ min: 0x1000n, max: 0x1fffn });
  t.insert({ min: 0x3000n, max: 0x30ffn }, "dev");
  t.insert({ min: P53 - 16n, max: P53 + 15n });
  t.insert({ min: TOP - 0xfffn, max: TOP });
  const r = t.allocate({ size: 0x100n, min: 0x1100n, max: 0x11ffn });
  if (r === undefined || r.min !== 0x1100n || r.max !== 0x11ffn) throw new Error("BAD_INPUT_FIXTURE: could not allocate [0x1100, 0x11ff]");
}

type T = AllocatorUnderTest<unknown>;
const range = (min: unknown, max: unknown): never => ({ min, max }) as never;
const c = (init: unknown): never => init as never;

/**
 * Every bad call on a tree, with the code it must throw.
 */
export const TREE_BAD_INPUTS: readonly BadInputCase<T>[] = [
  // --- values: types, non-integers, NaN, infinities, negatives, out of domain
  { name: "insert: min is a string", code: "INVALID_VALUE", run: (t) => t.insert(range("0x5000", 0x5fff)) },
  { name: "insert: min is NaN", code: "INVALID_VALUE", run: (t) => t.insert(range(NaN, 0x5fff)) },
  { name: "insert: max is Infinity", code: "INVALID_VALUE", run: (t) => t.insert(range(0x5000, Infinity)) },
  { name: "insert: min is -Infinity", code: "INVALID_VALUE", run: (t) => t.insert(range(-Infinity, 0x5fff)) },
  { name: "insert: min is a negative number", code: "INVALID_VALUE", run: (t) => t.insert(range(-1, 0x5fff)) },
  { name: "insert: min is a negative bigint", code: "INVALID_VALUE", run: (t) => t.insert(range(-1n, 0x5fffn)) },
  { name: "insert: max is not an integer", code: "INVALID_VALUE", run: (t) => t.insert(range(0x5000, 0x5fff + 0.5)) },
  { name: "insert: max is an unsafe number (2^53)", code: "INVALID_VALUE", run: (t) => t.insert(range(0x5000, 2 ** 53)) },
  { name: "insert: max is 2^64 (out of domain)", code: "INVALID_VALUE", run: (t) => t.insert(range(0x5000n, 2n ** 64n)) },
  { name: "insert: min is a Symbol", code: "INVALID_VALUE", run: (t) => t.insert(range(Symbol("min"), 0x5fff)) },
  { name: "insert: min is a boolean", code: "INVALID_VALUE", run: (t) => t.insert(range(true, 0x5fff)) },
  { name: "insert: max is missing", code: "INVALID_VALUE", run: (t) => t.insert({ min: 0x5000 } as never) },
  { name: "insert: range is null", code: "INVALID_ARGUMENT", run: (t) => t.insert(null as never) },
  { name: "insert: range is a number", code: "INVALID_ARGUMENT", run: (t) => t.insert(0x5000 as never) },
  {
    name: "insert: range from JSON with a __proto__ key",
    code: "INVALID_ARGUMENT",
    run: (t) => t.insert(JSON.parse('{"__proto__": {"min": 20480, "max": 24575}}') as never),
  },
  // --- ranges
  { name: "insert: min > max", code: "INVALID_RANGE", run: (t) => t.insert(range(0x5fffn, 0x5000n)) },
  { name: "insert: overlaps a free range", code: "OVERLAP", run: (t) => t.insert(range(0x1f00n, 0x20ffn)) },
  { name: "insert: inside an allocated range", code: "OVERLAP", run: (t) => t.insert(range(0x1180n, 0x1180n), 1) },
  { name: "insert: superset of existing ranges", code: "OVERLAP", run: (t) => t.insert(range(0n, 0xffffn)) },
  { name: "insert: the whole domain over existing ranges", code: "OVERLAP", run: (t) => t.insert(range(0n, TOP)) },
  { name: "insert: touches 2^64-1 over a free range", code: "OVERLAP", run: (t) => t.insert(range(TOP, TOP), "x") },
  { name: "insert: straddles 2^53 over a free range", code: "OVERLAP", run: (t) => t.insert(range(P53, P53)) },
  // --- constraints
  { name: "allocate: size 0", code: "INVALID_SIZE", run: (t) => t.allocate(c({ size: 0 })) },
  { name: "allocate: size 0n with a window", code: "INVALID_SIZE", run: (t) => t.allocate(c({ size: 0n, min: 0x1000n, max: 0x1fffn })) },
  { name: "allocate: size missing", code: "INVALID_VALUE", run: (t) => t.allocate(c({ align: 8 })) },
  { name: "allocate: size is NaN", code: "INVALID_VALUE", run: (t) => t.allocate(c({ size: NaN })) },
  { name: "allocate: size is negative", code: "INVALID_VALUE", run: (t) => t.allocate(c({ size: -8 })) },
  { name: "allocate: size is 2^64", code: "INVALID_VALUE", run: (t) => t.allocate(c({ size: 2n ** 64n })) },
  { name: "allocate: align 3 (not a power of two)", code: "INVALID_ALIGNMENT", run: (t) => t.allocate(c({ size: 8, align: 3 })) },
  { name: "allocate: align 2^63+1 (huge, not a power of two)", code: "INVALID_ALIGNMENT", run: (t) => t.allocate(c({ size: 8, align: 2n ** 63n + 1n })) },
  { name: "allocate: align 2^64 (out of domain)", code: "INVALID_VALUE", run: (t) => t.allocate(c({ size: 8, align: 2n ** 64n })) },
  { name: "allocate: align is a fraction", code: "INVALID_VALUE", run: (t) => t.allocate(c({ size: 8, align: 0.5 })) },
  { name: "allocate: window min > max", code: "INVALID_WINDOW", run: (t) => t.allocate(c({ size: 1, min: 0x1fff, max: 0x1000 })) },
  { name: "allocate: window max is a string", code: "INVALID_VALUE", run: (t) => t.allocate(c({ size: 1, max: "0x1fff" })) },
  { name: "allocate: unknown policy", code: "INVALID_ARGUMENT", run: (t) => t.allocate(c({ size: 1, policy: "worst-fit" })) },
  { name: "allocate: policy named __proto__", code: "INVALID_ARGUMENT", run: (t) => t.allocate(c({ size: 1, policy: "__proto__" })) },
  { name: "allocate: constraint is null", code: "INVALID_ARGUMENT", run: (t) => t.allocate(c(null)) },
  { name: "allocate: constraint is a number", code: "INVALID_ARGUMENT", run: (t) => t.allocate(c(8)) },
  { name: "allocateOrThrow: larger than any free range", code: "NO_FIT", run: (t) => t.allocateOrThrow({ size: TOP }) },
  { name: "allocateOrThrow: window holds no free space", code: "NO_FIT", run: (t) => t.allocateOrThrow({ size: 1, min: 0x3000n, max: 0x30ffn }) },
  { name: "allocateOrThrow: exact place is taken", code: "NO_FIT", run: (t) => t.allocateOrThrow({ size: 0x10, min: 0x1100, max: 0x110f }) },
  {
    name: "allocateOrThrow: alignment leaves no room at 2^64-1",
    code: "NO_FIT",
    run: (t) => t.allocateOrThrow({ size: 2, align: 2n ** 63n, min: 2n ** 63n + 1n }),
  },
  // --- free
  { name: "free: unknown range", code: "NOT_FOUND", run: (t) => t.free(range(0x9000n, 0x90ffn)) },
  { name: "free: part of an allocated range", code: "NOT_FOUND", run: (t) => t.free(range(0x1100n, 0x117fn)) },
  { name: "free: superset of an allocated range", code: "NOT_FOUND", run: (t) => t.free(range(0x10ffn, 0x11ffn)) },
  { name: "free: a free range (double free)", code: "NOT_ALLOCATED", run: (t) => t.free(range(0x1000n, 0x10ffn)) },
  {
    name: "free: twice (the first free merged it away)",
    code: "NOT_FOUND",
    before: (t) => t.free(range(0x1100n, 0x11ffn)),
    run: (t) => t.free(range(0x1100n, 0x11ffn)),
  },
  { name: "free: min > max", code: "INVALID_RANGE", run: (t) => t.free(range(0x11ffn, 0x1100n)) },
  { name: "free: range is undefined", code: "INVALID_ARGUMENT", run: (t) => t.free(undefined as never) },
  // --- update / delete / lookups
  { name: "update: a free range", code: "NOT_ALLOCATED", run: (t) => t.update(range(0x1200n, 0x1fffn), "x") },
  { name: "update: unknown range", code: "NOT_FOUND", run: (t) => t.update(range(0x9000n, 0x9000n), "x") },
  { name: "update: part of a valued range", code: "NOT_FOUND", run: (t) => t.update(range(0x3000n, 0x3001n), "x") },
  { name: "update: max is NaN", code: "INVALID_VALUE", run: (t) => t.update(range(0x3000, NaN), "x") },
  { name: "delete: unknown range", code: "NOT_FOUND", run: (t) => t.delete(range(0x9000n, 0x90ffn)) },
  { name: "delete: part of a free range", code: "NOT_FOUND", run: (t) => t.delete(range(0x1000n, 0x1000n)) },
  { name: "delete: min is -1", code: "INVALID_VALUE", run: (t) => t.delete(range(-1, 0x10ff)) },
  { name: "get: min > max", code: "INVALID_RANGE", run: (t) => t.get(range(2, 1)) },
  { name: "getSuperset: min is NaN", code: "INVALID_VALUE", run: (t) => t.getSuperset(range(NaN, 1)) },
  { name: "getById: negative id", code: "INVALID_VALUE", run: (t) => t.getById(-1) },
  { name: "getById: id is a string", code: "INVALID_VALUE", run: (t) => t.getById("12288" as never) },
  { name: "getById: id is 2^64", code: "INVALID_VALUE", run: (t) => t.getById(2n ** 64n) },
  { name: "overlapping: min > max (consumed)", code: "INVALID_RANGE", run: (t) => t.overlapping(range(0x2000n, 0x1000n)) },
  // --- hostile objects: forged, cloned, round-tripped, misspelt, proxies, throwing getters
  { name: "free: a forged Range.prototype object", code: "INVALID_VALUE", run: (t) => t.free(Object.create(Range.prototype) as never) },
  { name: "free: a structuredClone of an allocated Range", code: "INVALID_VALUE", run: (t) => t.free(structuredClone(new Range(0x1100n, 0x11ffn))) },
  {
    name: "free: a JSON round trip of an allocated Range",
    code: "INVALID_VALUE",
    run: (t) => t.free(JSON.parse(JSON.stringify(new Range(0x1100n, 0x11ffn))) as never),
  },
  { name: "update: a forged Range.prototype object", code: "INVALID_VALUE", run: (t) => t.update(Object.create(Range.prototype) as never, "x") },
  { name: "delete: a structuredClone of a Range", code: "INVALID_VALUE", run: (t) => t.delete(structuredClone(new Range(0x3000n, 0x30ffn))) },
  { name: "get: a proxy of a real Range (not trusted, no own min)", code: "INVALID_VALUE", run: (t) => t.get(new Proxy(new Range(0x3000n, 0x30ffn), {})) },
  { name: "insert: a misspelt range key (mni)", code: "INVALID_ARGUMENT", run: (t) => t.insert({ mni: 0x5000, max: 0x5fff } as never) },
  { name: "insert: an extra range key (size)", code: "INVALID_ARGUMENT", run: (t) => t.insert({ min: 0x5000, max: 0x5fff, size: 0x1000 } as never) },
  {
    name: "insert: an unknown key beside an ignored symbol key on a range",
    code: "INVALID_ARGUMENT",
    run: (t) => t.insert({ min: 0x5000, max: 0x5fff, [Symbol("k")]: 1, k: 1 } as never),
  },
  { name: "insert: a range that is an array", code: "INVALID_ARGUMENT", run: (t) => t.insert([0x5000, 0x5fff] as never) },
  {
    name: "insert: a range getter that throws",
    code: "INVALID_ARGUMENT",
    run: (t) =>
      t.insert({
        min: 0x5000,
        get max(): number {
          throw new Error("boom");
        },
      }),
  },
  {
    name: "insert: a range proxy whose ownKeys trap throws",
    code: "INVALID_ARGUMENT",
    run: (t) =>
      t.insert(
        new Proxy(
          { min: 0x5000, max: 0x5fff },
          {
            ownKeys: () => {
              throw new Error("boom");
            },
          },
        ),
      ),
  },
  { name: "insert: a revoked proxy", code: "INVALID_ARGUMENT", run: (t) => t.insert(revoked() as never) },
  {
    name: "insert: a 1 MB control-character key",
    code: "INVALID_ARGUMENT",
    run: (t) => t.insert({ min: 0x5000, max: 0x5fff, [`\u001b${"k".repeat(1 << 20)}`]: 1 } as never),
  },
  { name: "overlapping: a forged range (not consumed lazily)", code: "INVALID_VALUE", run: (t) => t.overlapping(Object.create(Range.prototype) as never) },
  { name: "getSuperset: max is an array", code: "INVALID_VALUE", run: (t) => t.getSuperset(range(0x1000, [0x1fff])) },
  { name: "getById: id is a boolean", code: "INVALID_VALUE", run: (t) => t.getById(true as never) },
  { name: "getById: id is a fraction", code: "INVALID_VALUE", run: (t) => t.getById(0x3000 + 0.5) },
  { name: "getById: id is NaN", code: "INVALID_VALUE", run: (t) => t.getById(NaN) },
  { name: "allocate: misspelt key allign", code: "INVALID_ARGUMENT", run: (t) => t.allocate(c({ size: 16, allign: 4 })) },
  { name: "allocate: misspelt key sise", code: "INVALID_ARGUMENT", run: (t) => t.allocate(c({ sise: 16 })) },
  {
    name: "allocate: an unknown key beside an ignored symbol key on a constraint",
    code: "INVALID_ARGUMENT",
    run: (t) => t.allocate(c({ size: 16, [Symbol("align")]: 4, alignment: 4 })),
  },
  { name: "allocate: a forged Constraint.prototype object", code: "INVALID_VALUE", run: (t) => t.allocate(Object.create(Constraint.prototype) as never) },
  { name: "allocate: a structuredClone of a Constraint", code: "INVALID_VALUE", run: (t) => t.allocate(structuredClone(new Constraint({ size: 16 }))) },
  { name: "allocate: a constraint that is an array", code: "INVALID_ARGUMENT", run: (t) => t.allocate(c([16])) },
  {
    name: "allocate: a constraint getter that throws",
    code: "INVALID_ARGUMENT",
    run: (t) =>
      t.allocate({
        get size(): number {
          throw new Error("boom");
        },
      }),
  },
  { name: "allocate: size is a string", code: "INVALID_VALUE", run: (t) => t.allocate(c({ size: "16" })) },
  { name: "allocate: size is a boolean", code: "INVALID_VALUE", run: (t) => t.allocate(c({ size: true })) },
  { name: "allocate: size is an array", code: "INVALID_VALUE", run: (t) => t.allocate(c({ size: [16] })) },
  { name: "allocate: size is Infinity", code: "INVALID_VALUE", run: (t) => t.allocate(c({ size: Infinity })) },
  { name: "allocate: size is an unsafe integer", code: "INVALID_VALUE", run: (t) => t.allocate(c({ size: 2 ** 53 + 2 })) },
  { name: "allocate: size is a Symbol", code: "INVALID_VALUE", run: (t) => t.allocate(c({ size: Symbol("16") })) },
  { name: "allocate: align is a string", code: "INVALID_VALUE", run: (t) => t.allocate(c({ size: 8, align: "8" })) },
  { name: "allocate: min is -Infinity", code: "INVALID_VALUE", run: (t) => t.allocate(c({ size: 8, min: -Infinity })) },
  { name: "allocate: max is null", code: "INVALID_VALUE", run: (t) => t.allocate(c({ size: 8, max: null })) },
  { name: "allocate: policy is a boxed string", code: "INVALID_ARGUMENT", run: (t) => t.allocate(c({ size: 8, policy: Object("best-fit") })) },
  { name: "allocateOrThrow: misspelt key polcy", code: "INVALID_ARGUMENT", run: (t) => t.allocateOrThrow(c({ size: 8, polcy: "best-fit" })) },
];

function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({ min: 0x5000, max: 0x5fff }, {});
  revoke();
  return proxy;
}

/** The result of one catalogue case. */
export interface BadInputResult {
  /** The case's name. */
  readonly name: string;
  /** The error code the case must be refused with. */
  readonly expected: AllocErrorCode;
  /** The code thrown, `"returned"` when nothing was thrown, or `"<not an AllocError>"`. */
  readonly actual: string;
  /** Empty when the case passed. */
  readonly problems: readonly string[];
}

function consume(v: unknown): void {
  if (typeof v === "object" && v !== null && typeof (v as Iterable<unknown>)[Symbol.iterator] === "function" && !("min" in v)) {
    for (const _ of v as Iterable<unknown>) {
      /* drain */
    }
  }
}

/**
 * Runs a catalogue against fresh allocators: each case must throw its code and
 * leave contents, stats and invariants as they were. Returns one result per case.
 *
 * @example
 * ```ts
 * const failed = runBadInputs(() => new IntervalTree()).filter((r) => r.problems.length > 0);
 * ```
 */
export function runBadInputs(
  factory: AllocatorFactory<unknown>,
  cases: readonly BadInputCase<T>[] = TREE_BAD_INPUTS,
  fixture: (t: T) => void = BAD_INPUT_FIXTURE,
): BadInputResult[] {
  callable(factory, "factory");
  list(cases, "cases");
  callable(fixture, "fixture");
  return cases.map((k) => {
    const t = factory();
    methods(["insert", "allocate", "free"])(t, "factory()");
    (fixture === BAD_INPUT_FIXTURE ? fixtureUnchecked : fixture)(t);
    k.before?.(t);
    const before = contents(t.entries());
    const statsBefore = t.stats();
    let actual: string;
    const problems: string[] = [];
    try {
      consume(k.run(t));
      actual = "returned";
      problems.push(`expected ${k.code}, but the call returned`);
    } catch (e) {
      actual = isAllocError(e) ? e.code : `<not an AllocError: ${String(e)}>`;
      if (actual !== k.code) problems.push(`expected ${k.code}, got ${actual}${isAllocError(e) ? `: ${e.message}` : ""}`);
    }
    const d = diffContents(contents(t.entries()), before);
    if (d !== undefined) problems.push(`state changed: ${d}`);
    const s = diffStats(t.stats(), statsBefore);
    if (s !== undefined) problems.push(`stats changed: ${s}`);
    try {
      t.checkInvariants();
    } catch (e) {
      problems.push(`invariant broken: ${e instanceof Error ? e.message : show(e)}`);
    }
    return { name: k.name, expected: k.code, actual, problems };
  });
}

/**
 * Like {@link runBadInputs}, but throws one Error listing every failed case.
 */
export function assertBadInputs(factory: AllocatorFactory<unknown>, cases: readonly BadInputCase<T>[] = TREE_BAD_INPUTS): BadInputResult[] {
  const results = runBadInputs(factory, cases);
  const failed = results.filter((r) => r.problems.length > 0);
  if (failed.length > 0) {
    throw new Error(
      `${failed.length} of ${results.length} bad-input cases failed:\n${failed.map((f) => `  - ${f.name}: ${f.problems.join("; ")}`).join("\n")}`,
    );
  }
  return results;
}
