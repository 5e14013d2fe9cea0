/**
 * fast-check arbitraries for `@alloc`: unsigned 64-bit values biased to the
 * edges where exact arithmetic breaks (2^32, 2^53, 2^63, 2^64-1), ranges and
 * constraints clustered around a domain's anchors so that they collide, and
 * whole operation sequences (`TreeOp[]`) with a tunable share of malformed
 * inputs. Everything is driven by a {@link DomainProfile}.
 */
import fc from "fast-check";
import { AllocError, Constraint, Range, U64_MAX, describeValue, refuseArgument } from "@alloc/constraint";
import { bigintIn, flag, integer, items, madeProfile, profile as checkProfile, ranges, rate, readOptions } from "./internal/inputs.js";
import type { RangeLike } from "@alloc/constraint";
import { pickKind, tweakName } from "./ops.js";
import type { ConstraintArg, Data, IdArg, PickKind, RangeArg, TreeOp, Tweak } from "./ops.js";

/** The values where 32-bit halves, doubles and u64 wrap-around go wrong. */
export const EDGE_VALUES: readonly bigint[] = [
  0n,
  1n,
  2n,
  2n ** 32n - 1n,
  2n ** 32n,
  2n ** 32n + 1n,
  2n ** 53n - 1n,
  2n ** 53n,
  2n ** 53n + 1n,
  2n ** 63n - 1n,
  2n ** 63n,
  2n ** 63n + 1n,
  U64_MAX - 1n,
  U64_MAX,
];

/**
 * Where generated values live: `[0, max]`, clustered around `anchors` within
 * `spread`, so that generated ranges meet, overlap and touch.
 */
export interface DomainProfile {
  /** A name for reports, e.g. `"small256"`. */
  readonly name: string;
  /** Highest value generated for well-formed calls. */
  readonly max: bigint;
  /** Values around which ranges are generated. */
  readonly anchors: readonly bigint[];
  /** Typical distance from an anchor and typical range length. */
  readonly spread: bigint;
  /** Free ranges inserted before the first command (a pool layout), if any. */
  readonly layout: readonly Range[];
}

/**
 * A small domain `[0, cells-1]`, for checking against `BitmapModel`.
 *
 * @example
 * ```ts
 * fuzzTree(() => new IntervalTree(), { profile: smallDomain(256), model: "bitmap" });
 * ```
 */
export function smallDomain(cells = 256, layout: readonly RangeLike[] = []): DomainProfile {
  integer(1, 1 << 20)(cells, "cells");
  const pools = ranges(layout, "layout");
  const max = BigInt(cells - 1);
  return madeProfile({
    name: `small(${cells})`,
    max,
    anchors: Object.freeze([0n, max / 4n, max / 2n, max]),
    spread: BigInt(Math.max(4, Math.floor(cells / 8))),
    layout: Object.freeze(pools),
  });
}

/**
 * The full domain `[0, 2^64-1]` around the edge values, for `FreeListModel`.
 *
 * @example
 * ```ts
 * fuzzTree(() => new IntervalTree(), { profile: fullDomain() });
 * ```
 */
export function fullDomain(layout: readonly RangeLike[] = []): DomainProfile {
  return madeProfile({ name: "full", max: U64_MAX, anchors: EDGE_VALUES, spread: 64n, layout: Object.freeze(ranges(layout, "layout")) });
}

/**
 * A profile built from a VMM's pool layout: anchors at every pool boundary
 * (and the 64-bit edges), and the pools inserted as free space at the start.
 *
 * @example
 * ```ts
 * const profile = layoutDomain([{ min: 0xd0000000n, max: 0xfebfffffn }, { min: 0x100000000n, max: 0xffffffffffn }]);
 * ```
 */
export function layoutDomain(layout: readonly RangeLike[], spread = 0x1000n): DomainProfile {
  const pools = ranges(layout, "layout");
  if (typeof spread !== "bigint" || spread < 1n || spread > U64_MAX)
    throw new AllocError("INVALID_ARGUMENT", `spread must be a bigint in 1..2^64-1; got ${describeValue(spread)}`, { argument: "spread" });
  const anchors = new Set<bigint>(EDGE_VALUES);
  for (const p of pools) for (const v of [p.min, p.max, p.min + p.size / 2n]) anchors.add(v);
  return madeProfile({
    name: "layout",
    max: U64_MAX,
    anchors: Object.freeze([...anchors].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))),
    spread,
    layout: Object.freeze(pools),
  });
}

const clampTo = (v: bigint, max: bigint): bigint => (v < 0n ? 0n : v > max ? max : v);

/**
 * A u64 value biased to {@link EDGE_VALUES} and their neighbours.
 *
 * @example
 * ```ts
 * fc.sample(u64(), 5); // e.g. [0n, 18446744073709551615n, 9007199254740993n, ...]
 * ```
 */
export function u64(): fc.Arbitrary<bigint> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...EDGE_VALUES) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...EDGE_VALUES), fc.integer({ min: -3, max: 3 })).map(([e, d]) => clampTo(e + BigInt(d), U64_MAX)) },
    { weight: 2, arbitrary: fc.bigInt(0n, U64_MAX) },
  );
}

/** A value in `[0, profile.max]`, usually near an anchor. */
export function valueIn(profile: DomainProfile): fc.Arbitrary<bigint> {
  checkProfile(profile, "profile");
  const s = profile.spread;
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...profile.anchors), fc.bigInt(-s, s)).map(([a, d]) => clampTo(a + d, profile.max)) },
    { weight: 1, arbitrary: fc.bigInt(0n, profile.max) },
    { weight: 1, arbitrary: fc.constantFrom(...EDGE_VALUES.filter((v) => v <= profile.max)) },
  );
}

/** A length in `[1, profile.max+1]`: mostly small, sometimes huge (near the domain's size). */
export function sizeIn(profile: DomainProfile): fc.Arbitrary<bigint> {
  checkProfile(profile, "profile");
  const top = profile.max; // size max+1 may not be representable as u64
  const candidates = [1n, 2n, 3n, 2n ** 32n, 2n ** 53n, 2n ** 63n, top - 1n, top, top + 1n].filter((v) => v >= 1n && v <= top + 1n && v <= U64_MAX);
  return fc.oneof(
    { weight: 8, arbitrary: fc.bigInt(1n, profile.spread < top + 1n ? profile.spread : top + 1n) },
    { weight: 1, arbitrary: fc.constantFrom(...candidates) },
    { weight: 1, arbitrary: fc.bigInt(1n, top + 1n > U64_MAX ? U64_MAX : top + 1n) },
  );
}

/** A well-formed range inside the profile's domain. */
export function rangeIn(profile: DomainProfile): fc.Arbitrary<Range> {
  checkProfile(profile, "profile");
  return fc.oneof(
    fc.tuple(valueIn(profile), valueIn(profile)).map(([a, b]) => (a <= b ? new Range(a, b) : new Range(b, a))),
    fc.tuple(valueIn(profile), sizeIn(profile)).map(([a, n]) => new Range(a, clampTo(a + n - 1n, profile.max))),
  );
}

/** Alignments: none (0, 1), small powers of two, and huge ones up to 2^63. */
export function alignment(): fc.Arbitrary<bigint> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(0n, 1n) },
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 12 }).map((k) => 1n << BigInt(k)) },
    { weight: 2, arbitrary: fc.integer({ min: 13, max: 63 }).map((k) => 1n << BigInt(k)) },
  );
}

/** Every placement policy. */
export function policy(): fc.Arbitrary<"first-match" | "last-match" | "best-fit"> {
  return fc.constantFrom("first-match", "last-match", "best-fit");
}

/**
 * Either the bigint or, when it is a safe integer, the same value as a number.
 * `v` must be a bigint in `0..2^64-1` (else `INVALID_ARGUMENT` naming `v`).
 *
 * @example
 * ```ts
 * fc.sample(asInput(16n), 2); // e.g. [16n, 16]
 * ```
 */
export function asInput(v: bigint): fc.Arbitrary<bigint | number> {
  u64Value(v, "v");
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? fc.constantFrom<bigint | number>(v, Number(v)) : fc.constant(v);
}

/** A well-formed constraint init (optional fields sometimes left out). */
export function constraintIn(profile: DomainProfile): fc.Arbitrary<Record<string, unknown>> {
  checkProfile(profile, "profile");
  return fc
    .record({ size: sizeIn(profile), window: fc.tuple(valueIn(profile), valueIn(profile)), align: alignment(), policy: policy() }, { requiredKeys: ["size"] })
    .map(({ size, window, align, policy: p }) => {
      const init: Record<string, unknown> = { size };
      if (window !== undefined) {
        const [a, b] = window;
        init.min = a <= b ? a : b;
        init.max = a <= b ? b : a;
      }
      if (align !== undefined) init.align = align;
      if (p !== undefined) init.policy = p;
      return init;
    });
}

/** Values that are not u64 inputs: wrong types, fractions, NaN, infinities, negatives, too large. */
export function badValue(): fc.Arbitrary<unknown> {
  return fc.constantFrom<unknown>(NaN, Infinity, -Infinity, -1, 0.5, 1.5, 2 ** 53, 2 ** 64, -1n, 2n ** 64n, "1", "0x10", null, true, [], {}, Symbol("u64"));
}

/** A malformed range argument and its shape. */
export function badRange(profile: DomainProfile): fc.Arbitrary<unknown> {
  checkProfile(profile, "profile");
  return fc.oneof(
    fc.constantFrom<unknown>(null, undefined, 5, "range", Symbol("range"), [1n, 2n]),
    // Hostile look-alikes: forged, cloned, round-tripped, misspelt or extra keys.
    fc
      .tuple(valueIn(profile), valueIn(profile))
      .map(([a, b]) => new Range(a < b ? a : b, a < b ? b : a))
      .chain((r) =>
        fc.constantFrom<unknown>(
          Object.create(Range.prototype),
          structuredClone(r),
          JSON.parse(JSON.stringify(r)),
          { min: r.min, mxa: r.max },
          { min: r.min, max: r.max, size: r.size },
        ),
      ),
    fc.tuple(badValue(), valueIn(profile)).map(([bad, ok]) => ({ min: bad, max: ok })),
    fc.tuple(valueIn(profile), badValue()).map(([ok, bad]) => ({ min: ok, max: bad })),
    fc
      .tuple(valueIn(profile), valueIn(profile))
      .filter(([a, b]) => a !== b)
      .map(([a, b]) => (a > b ? { min: a, max: b } : { min: b, max: a })),
  );
}

/** A malformed constraint: size 0, bad values, bad alignment, min > max, unknown policy, not an object. */
export function badConstraint(profile: DomainProfile): fc.Arbitrary<unknown> {
  checkProfile(profile, "profile");
  return fc.oneof(
    fc.constantFrom<unknown>(null, undefined, 8, "size 8", { size: 0 }, { size: 0n }, { size: 1, policy: "worst-fit" }, { size: 1, align: 2n ** 64n }, {}),
    fc.constantFrom<unknown>(
      { size: 1, allign: 4 },
      { sise: 1 },
      { size: 1, polcy: "best-fit" },
      [1],
      Object.create(Constraint.prototype),
      structuredClone(new Constraint({ size: 1 })),
    ),
    badValue().map((v) => ({ size: v })),
    fc
      .tuple(badValue(), fc.constantFrom("min", "max", "align"))
      .filter(([v]) => v !== undefined)
      .map(([v, k]) => ({ size: 1, [k]: v })),
    fc
      .bigInt(3n, U64_MAX)
      .filter((a) => (a & (a - 1n)) !== 0n)
      .map((a) => ({ size: 1, align: a })),
    fc
      .tuple(valueIn(profile), valueIn(profile))
      .filter(([a, b]) => a !== b)
      .map(([a, b]) => ({ size: 1, min: a > b ? a : b, max: a > b ? b : a })),
  );
}

const u64Value = bigintIn(0n, U64_MAX);
const weight = integer(0, 1_000_000);
const RANGE_ARG_MIX = {
  pickWeight: weight,
  freshWeight: weight,
  exactShare: rate,
  tweaks: (v: unknown, at: string): void => {
    const tweaks = items(v, at, (t, a) => tweakName(t, a));
    if (tweaks.length === 0) refuseArgument(at, "a non-empty array of tweaks", v);
  },
};
const TREE_OP_OPTIONS = { badRate: rate, clone: flag };

const DISTORTIONS: readonly Tweak[] = ["shrinkLeft", "shrinkRight", "growLeft", "growRight", "firstPoint", "lastPoint", "before", "after"];

/** How a pick distorts the entry: mostly exact (the call succeeds), else partial, superset or neighbour. */
function tweak(exactShare: number): fc.Arbitrary<Tweak> {
  return fc.oneof(
    { weight: Math.round(exactShare * 100), arbitrary: fc.constant<Tweak>("exact") },
    { weight: Math.round((1 - exactShare) * 100), arbitrary: fc.constantFrom(...DISTORTIONS) },
  );
}

/** Where a range argument comes from: picks of existing entries vs fresh ranges, and how often a pick is exact. */
export interface RangeArgMix {
  readonly pickWeight?: number;
  readonly freshWeight?: number;
  readonly exactShare?: number;
  readonly tweaks?: readonly Tweak[];
}

/** A range argument: a fresh range, a pick of an existing entry (often exact), or (at `badRate`) a malformed one. */
export function rangeArg(profile: DomainProfile, pick: PickKind, badRate: number, raw: RangeArgMix = {}): fc.Arbitrary<RangeArg> {
  checkProfile(profile, "profile");
  pickKind(pick, "pick");
  rate(badRate, "badRate");
  const mix = readOptions(raw, "mix", RANGE_ARG_MIX) as RangeArgMix;
  if ((mix.pickWeight ?? 30) + (mix.freshWeight ?? 10) === 0) refuseArgument("mix.pickWeight", "positive when mix.freshWeight is 0", 0);
  const tweaks = mix.tweaks === undefined ? tweak(mix.exactShare ?? 0.6) : fc.constantFrom(...mix.tweaks);
  const arbs: Array<fc.WeightedArbitrary<RangeArg>> = [
    { weight: mix.pickWeight ?? 30, arbitrary: fc.record({ pick: fc.constant(pick), index: fc.nat(1000), tweak: tweaks }) },
    {
      weight: mix.freshWeight ?? 10,
      arbitrary: rangeIn(profile)
        .chain((r) => fc.tuple(asInput(r.min), asInput(r.max), fc.boolean()))
        .map(([min, max, asRange]) => ({ at: asRange ? new Range(min, max) : { min, max } })),
    },
  ];
  if (badRate > 0) arbs.push({ weight: Math.max(1, Math.round(badRate * 40)), arbitrary: badRange(profile).map((at) => ({ at })) });
  return fc.oneof(...arbs);
}

/** A constraint argument: literal (well-formed or, at `badRate`, not) or aimed inside a free entry. */
export function constraintArg(profile: DomainProfile, badRate: number): fc.Arbitrary<ConstraintArg> {
  checkProfile(profile, "profile");
  rate(badRate, "badRate");
  const arbs: Array<fc.WeightedArbitrary<ConstraintArg>> = [
    { weight: 8, arbitrary: constraintIn(profile).map((init) => ({ init })) },
    {
      weight: 16,
      arbitrary: fc.record({
        inFree: fc.nat(1000),
        offset: fc.oneof(fc.constant(0n), fc.bigInt(0n, 8n), fc.bigInt(0n, profile.spread)),
        size: fc.oneof(
          { weight: 6, arbitrary: fc.bigInt(1n, 4n) },
          { weight: 3, arbitrary: fc.bigInt(1n, profile.spread) },
          { weight: 1, arbitrary: sizeIn(profile) },
        ),
        align: alignment(),
        policy: policy(),
        exact: fc.boolean(),
      }),
    },
  ];
  if (badRate > 0) arbs.push({ weight: Math.max(1, Math.round(badRate * 20)), arbitrary: badConstraint(profile).map((init) => ({ init })) });
  return fc.oneof(...arbs);
}

/** User data: numbers, strings and `null` (a valued range holding null). */
export function data(): fc.Arbitrary<Data> {
  return fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 999 }) }, { weight: 1, arbitrary: fc.constantFrom<Data>(null, "", "dev") });
}

function idArg(profile: DomainProfile, badRate: number): fc.Arbitrary<IdArg> {
  const arbs: Array<fc.WeightedArbitrary<IdArg>> = [
    { weight: 6, arbitrary: fc.record({ pick: fc.constantFrom<PickKind>("any", "taken"), index: fc.nat(1000), offset: fc.integer({ min: -1, max: 3 }) }) },
    {
      weight: 2,
      arbitrary: valueIn(profile)
        .chain(asInput)
        .map((id) => ({ id })),
    },
  ];
  if (badRate > 0) arbs.push({ weight: 1, arbitrary: badValue().map((id) => ({ id })) });
  return fc.oneof(...arbs);
}

/** Options of {@link treeOp}. */
export interface TreeOpOptions {
  /** Share of malformed arguments, 0..1 (default 0.1). */
  readonly badRate?: number;
  /** Generate `clone` ops (default true). */
  readonly clone?: boolean;
}

/**
 * One tree operation, weighted towards the interesting ones (allocate, free,
 * insert) and towards picks of existing entries.
 */
export function treeOp(profile: DomainProfile, raw: TreeOpOptions = {}): fc.Arbitrary<TreeOp> {
  checkProfile(profile, "profile");
  const options = readOptions(raw, "options", TREE_OP_OPTIONS) as TreeOpOptions;
  const bad = options.badRate ?? 0.1;
  const arbs: Array<fc.WeightedArbitrary<TreeOp>> = [
    // Inserts: mostly fresh ranges, else neighbours of existing ones (coalescing) or overlaps.
    {
      weight: 6,
      arbitrary: fc.record({ op: fc.constant("insert" as const), range: rangeArg(profile, "any", bad, { pickWeight: 12, freshWeight: 30, exactShare: 0.1 }) }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant("insert" as const),
        range: rangeArg(profile, "any", bad, { pickWeight: 12, freshWeight: 30, exactShare: 0.1 }),
        data: data(),
      }),
    },
    { weight: 14, arbitrary: fc.record({ op: fc.constant("allocate" as const), constraint: constraintArg(profile, bad), orThrow: fc.boolean() }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant("update" as const), range: rangeArg(profile, "taken", bad, { exactShare: 0.75 }), data: data() }) },
    { weight: 8, arbitrary: fc.record({ op: fc.constant("free" as const), range: rangeArg(profile, "taken", bad, { exactShare: 0.75 }) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant("delete" as const), range: rangeArg(profile, "any", bad, { exactShare: 0.5 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("get" as const), range: rangeArg(profile, "any", bad, { exactShare: 0.3 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("getSuperset" as const), range: rangeArg(profile, "any", bad, { exactShare: 0.2 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("overlapping" as const), range: rangeArg(profile, "any", bad, { exactShare: 0.2 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("getById" as const), id: idArg(profile, bad) }) },
  ];
  if (options.clone !== false) arbs.push({ weight: 1, arbitrary: fc.constant({ op: "clone" as const }) });
  const single = fc.oneof(...arbs);
  // Bursts of allocations, frees or inserts grow and fragment the pool quickly (deeper trees, more merges).
  const burstBody = fc.oneof(
    fc.record({ op: fc.constant("allocate" as const), constraint: constraintArg(profile, 0), orThrow: fc.constant(false) }),
    fc.record({ op: fc.constant("free" as const), range: rangeArg(profile, "taken", 0, { pickWeight: 1, freshWeight: 0, tweaks: ["exact"] }) }),
    fc.record({ op: fc.constant("insert" as const), range: rangeArg(profile, "any", 0, { pickWeight: 1, freshWeight: 0, tweaks: ["after", "before"] }) }),
  );
  return fc.oneof(
    { weight: 12, arbitrary: single },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant("repeat" as const),
        times: fc.integer({ min: 2, max: 24 }),
        step: fc.integer({ min: 0, max: 3 }),
        body: burstBody,
      }),
    },
  );
}

/**
 * A whole operation sequence (plain data, replayable with `runTreeOps`).
 *
 * @example
 * ```ts
 * fc.assert(fc.property(treeOps(fullDomain()), (ops) => { runTreeOps(() => new IntervalTree(), ops); }));
 * ```
 */
export function treeOps(profile: DomainProfile, raw: TreeOpOptions & { maxLength?: number } = {}): fc.Arbitrary<TreeOp[]> {
  checkProfile(profile, "profile");
  const options = readOptions(raw, "options", { ...TREE_OP_OPTIONS, maxLength: integer(0, 1_000_000) }) as TreeOpOptions & { maxLength?: number };
  const { maxLength, ...opOptions } = options;
  return fc.array(treeOp(profile, opOptions), { maxLength: maxLength ?? 60 });
}
