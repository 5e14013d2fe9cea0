import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { Constraint, Policy, Range, exactly, formatHex, isAllocError, isPowerOfTwo, toU64, type AllocError } from "@alloc/constraint";
import { MAX } from "./helpers.js";

const TWO_32 = 2n ** 32n;

/** Values in the domain, with extra weight on the boundaries that matter to a hi/lo representation. */
const edge = fc.constantFrom(0n, 1n, TWO_32 - 1n, TWO_32, TWO_32 + 1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 63n, MAX - 1n, MAX);
const u64 = fc.oneof(
  { arbitrary: fc.bigInt({ min: 0n, max: MAX }), weight: 4 },
  { arbitrary: edge, weight: 1 },
  { arbitrary: fc.bigInt({ min: 0n, max: TWO_32 * 4n }), weight: 1 },
  { arbitrary: fc.bigInt({ min: MAX - TWO_32 * 4n, max: MAX }), weight: 1 },
);
/** Two domain values, ordered. */
const orderedPair: fc.Arbitrary<[bigint, bigint]> = fc.tuple(u64, u64).map(([a, b]) => (a <= b ? [a, b] : [b, a]));
const range = orderedPair.map(([a, b]) => new Range(a, b));
const powerOfTwo = fc.integer({ min: 0, max: 63 }).map((k) => 2n ** BigInt(k));

function sign(n: number | bigint): number {
  return n > 0 ? 1 : n < 0 ? -1 : 0;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (!isAllocError(e)) throw e;
    return (e as AllocError).code;
  }
}

describe("Range properties", () => {
  it("min/max/size round-trip exactly", () => {
    fc.assert(
      fc.property(orderedPair, ([a, b]) => {
        const r = new Range(a, b);
        expect(r.min).toBe(a);
        expect(r.max).toBe(b);
        expect(r.size).toBe(b - a + 1n);
      }),
    );
  });

  it("min > max is always INVALID_RANGE", () => {
    fc.assert(
      fc.property(orderedPair, ([a, b]) => {
        fc.pre(a < b);
        expect(codeOf(() => new Range(b, a))).toBe("INVALID_RANGE");
      }),
    );
  });

  it("hi/lo fields are 32-bit integers that recompose to the value", () => {
    fc.assert(
      fc.property(range, (r) => {
        for (const half of [r.minHi, r.minLo, r.maxHi, r.maxLo]) {
          expect(Number.isInteger(half)).toBe(true);
          expect(half).toBeGreaterThanOrEqual(0);
          expect(half).toBeLessThanOrEqual(0xffffffff);
        }
        expect(BigInt(r.minHi) * TWO_32 + BigInt(r.minLo)).toBe(r.min);
        expect(BigInt(r.maxHi) * TWO_32 + BigInt(r.maxLo)).toBe(r.max);
        expect(Range.fromParts(r.minHi, r.minLo, r.maxHi, r.maxLo).equals(r)).toBe(true);
      }),
    );
  });

  it("compare agrees with bigint comparison by (min, max)", () => {
    fc.assert(
      fc.property(range, range, (a, b) => {
        const expected = a.min !== b.min ? sign(a.min - b.min) : sign(a.max - b.max);
        expect(sign(a.compare(b))).toBe(expected);
        // 0, not -0, when they are equal (toBe compares with Object.is).
        expect(sign(b.compare(a))).toBe(expected === 0 ? 0 : -expected);
        expect(a.equals(b)).toBe(expected === 0);
      }),
      // Equal ranges every run, not only when the generator happens to draw them (seed 681613429 did).
      { examples: [[new Range(0x7fff_ffff_ffff_ffffn, 0xffff_ffff_ffff_fffen), new Range(0x7fff_ffff_ffff_ffffn, 0xffff_ffff_ffff_fffen)]] },
    );
  });

  it("intersects and contains agree with the naive bigint definition", () => {
    fc.assert(
      fc.property(range, range, (a, b) => {
        expect(a.intersects(b)).toBe(a.min <= b.max && b.min <= a.max);
        expect(a.contains(b)).toBe(a.min <= b.min && b.max <= a.max);
      }),
    );
  });

  it("intersects and contains agree with bigints on nearby ranges", () => {
    // Ranges drawn close together so that overlaps and touching bounds are common.
    const near = fc.tuple(u64, fc.bigInt({ min: -8n, max: 8n }), fc.bigInt({ min: 0n, max: 8n })).map(([base, shift, len]) => {
      let lo = base + shift;
      if (lo < 0n) lo = 0n;
      if (lo > MAX) lo = MAX;
      let hi = lo + len;
      if (hi > MAX) hi = MAX;
      return new Range(lo, hi);
    });
    fc.assert(
      fc.property(u64, fc.bigInt({ min: 0n, max: 8n }), near, (base, len, b) => {
        const a = new Range(base, base + len > MAX ? MAX : base + len);
        expect(a.intersects(b)).toBe(a.min <= b.max && b.min <= a.max);
        expect(a.contains(b)).toBe(a.min <= b.min && b.max <= a.max);
        expect(b.contains(a)).toBe(b.min <= a.min && a.max <= b.max);
      }),
    );
  });

  it("contains(point) agrees with min <= v <= max", () => {
    fc.assert(
      fc.property(range, u64, (r, v) => {
        expect(r.contains(v)).toBe(r.min <= v && v <= r.max);
        expect(r.contains(r.min)).toBe(true);
        expect(r.contains(r.max)).toBe(true);
      }),
    );
  });

  it("alignUp agrees with a naive bigint computation", () => {
    fc.assert(
      fc.property(range, fc.oneof(powerOfTwo, fc.constant(0n)), (r, a) => {
        const out = r.alignUp(a);
        const step = a === 0n ? 1n : a;
        const start = ((r.min + step - 1n) / step) * step;
        if (start <= r.max) {
          expect(out).toBeDefined();
          expect(out?.min).toBe(start);
          expect(out?.max).toBe(r.max);
          expect((out?.min ?? 1n) % step).toBe(0n);
        } else {
          expect(out).toBeUndefined();
        }
      }),
    );
  });

  it("alignUp refuses every alignment that is not a power of two (or 0)", () => {
    fc.assert(
      fc.property(range, u64, (r, a) => {
        fc.pre(a > 1n && (a & (a - 1n)) !== 0n);
        expect(codeOf(() => r.alignUp(a))).toBe("INVALID_ALIGNMENT");
      }),
    );
  });

  it("safe-integer numbers give the same Range as their bigints", () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.maxSafeNat(), (x, y) => {
        const [a, b] = x <= y ? [x, y] : [y, x];
        const n = new Range(a, b);
        const g = new Range(BigInt(a), BigInt(b));
        expect(n.equals(g)).toBe(true);
        expect([n.minHi, n.minLo, n.maxHi, n.maxLo]).toStrictEqual([g.minHi, g.minLo, g.maxHi, g.maxLo]);
        expect(n.min).toBe(BigInt(a));
        expect(n.maxNumber).toBe(b);
        expect(n.minNumber).toBe(a);
      }),
    );
  });

  it("minNumber/maxNumber succeed exactly up to 2^53-1 and throw INVALID_VALUE above", () => {
    fc.assert(
      fc.property(range, (r) => {
        for (const [value, read] of [
          [r.min, () => r.minNumber],
          [r.max, () => r.maxNumber],
        ] as const) {
          if (value <= BigInt(Number.MAX_SAFE_INTEGER)) expect(read()).toBe(Number(value));
          else expect(codeOf(read)).toBe("INVALID_VALUE");
        }
      }),
    );
  });

  it("withSize is [base, base+size-1] or INVALID_RANGE past 2^64-1", () => {
    fc.assert(
      fc.property(u64, u64, (base, size) => {
        fc.pre(size > 0n);
        const last = base + size - 1n;
        if (last <= MAX) {
          const r = Range.withSize(base, size);
          expect(r.min).toBe(base);
          expect(r.max).toBe(last);
          expect(r.size).toBe(size);
        } else {
          expect(codeOf(() => Range.withSize(base, size))).toBe("INVALID_RANGE");
        }
      }),
    );
  });

  it("toString and toJSON encode the exact bounds", () => {
    fc.assert(
      fc.property(range, (r) => {
        expect(r.toString()).toBe(`[${formatHex(r.min)}, ${formatHex(r.max)}]`);
        expect(r.toString()).toMatch(/^\[0x[0-9a-f]{16}, 0x[0-9a-f]{16}\]$/);
        const j = r.toJSON();
        expect(BigInt(j.min)).toBe(r.min);
        expect(BigInt(j.max)).toBe(r.max);
        expect(Range.from({ min: BigInt(j.min), max: BigInt(j.max) }).equals(r)).toBe(true);
      }),
    );
  });
});

describe("U64 helper properties", () => {
  it("toU64 is the identity on the domain, formatHex round-trips, isPowerOfTwo matches bigint arithmetic", () => {
    fc.assert(
      fc.property(u64, (v) => {
        expect(toU64(v)).toBe(v);
        const hex = formatHex(v);
        expect(hex).toMatch(/^0x[0-9a-f]{16}$/);
        expect(BigInt(hex)).toBe(v);
        expect(isPowerOfTwo(v)).toBe(v > 0n && (v & (v - 1n)) === 0n);
      }),
    );
  });

  it("toU64 refuses every value outside the domain", () => {
    const outside = fc.oneof(fc.bigInt({ max: -1n }), fc.bigInt({ min: MAX + 1n }));
    fc.assert(
      fc.property(outside, (v) => {
        expect(codeOf(() => toU64(v))).toBe("INVALID_VALUE");
      }),
    );
  });
});

// ---------------------------------------------------------------------------
// Constraint: a model of the validation rules, checked against the class.

type Field = { readonly value: unknown; readonly ok: boolean };
const validU64: fc.Arbitrary<Field> = fc
  .oneof(
    u64,
    fc.maxSafeNat().map((n) => n as number | bigint),
  )
  .map((value) => ({ value, ok: true }));
const invalidU64: fc.Arbitrary<Field> = fc
  .oneof(
    fc.bigInt({ max: -1n }),
    fc.bigInt({ min: MAX + 1n, max: MAX * 4n }),
    fc.integer({ max: -1 }),
    fc.double({ noInteger: true }),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 2 ** 64, "12", null, true, {}),
  )
  .map((value) => ({ value, ok: false }));
const u64Field = fc.oneof({ arbitrary: validU64, weight: 4 }, { arbitrary: invalidU64, weight: 1 });
const optional = (f: fc.Arbitrary<Field>) => fc.option(f, { nil: undefined, freq: 3 });
const alignArb = fc.option(
  fc.oneof(
    powerOfTwo.map((value) => ({ value, ok: true })),
    fc.constantFrom(0, 0n, 1).map((value) => ({ value, ok: true })),
    u64Field,
  ),
  { nil: undefined, freq: 4 },
);
const policyArb = fc.option(
  fc.oneof(
    { arbitrary: fc.constantFrom<unknown>(...Object.values(Policy)), weight: 4 },
    { arbitrary: fc.constantFrom<unknown>("first", "BEST-FIT", "", 0, null), weight: 1 },
  ),
  { nil: undefined, freq: 4 },
);

/** The code the contract predicts, in validation order, or undefined when valid. */
function expectedCode(size: Field, min: Field | undefined, max: Field | undefined, align: Field | undefined, policy: unknown): [string, string] | undefined {
  if (!size.ok) return ["INVALID_VALUE", "constraint.size"];
  if (BigInt(size.value as bigint) === 0n) return ["INVALID_SIZE", "constraint.size"];
  if (min && !min.ok) return ["INVALID_VALUE", "constraint.min"];
  if (max && !max.ok) return ["INVALID_VALUE", "constraint.max"];
  const lo = min ? BigInt(min.value as bigint) : 0n;
  const hi = max ? BigInt(max.value as bigint) : MAX;
  if (lo > hi) return ["INVALID_WINDOW", "constraint.min"];
  if (align) {
    if (!align.ok) return ["INVALID_VALUE", "constraint.align"];
    const a = BigInt(align.value as bigint);
    if (a > 1n && (a & (a - 1n)) !== 0n) return ["INVALID_ALIGNMENT", "constraint.align"];
  }
  if (policy !== undefined && !(Object.values(Policy) as unknown[]).includes(policy)) return ["INVALID_ARGUMENT", "constraint.policy"];
  return undefined;
}

describe("Constraint properties", () => {
  it("accepts every valid combination and rejects the others with the right code and field", () => {
    fc.assert(
      fc.property(u64Field, optional(u64Field), optional(u64Field), alignArb, policyArb, (size, min, max, align, policy) => {
        const init: Record<string, unknown> = { size: size.value };
        if (min) init.min = min.value;
        if (max) init.max = max.value;
        if (align) init.align = align.value;
        if (policy !== undefined) init.policy = policy;
        const expected = expectedCode(size, min, max, align, policy);
        let got: [string, string | undefined] | undefined;
        let c: Constraint | undefined;
        try {
          c = new Constraint(init as never);
        } catch (e) {
          if (!isAllocError(e)) throw e;
          got = [e.code, e.details.argument];
        }
        expect(got).toEqual(expected);
        if (c) {
          expect(c.size).toBe(BigInt(size.value as bigint));
          expect(c.min).toBe(min ? BigInt(min.value as bigint) : 0n);
          expect(c.max).toBe(max ? BigInt(max.value as bigint) : MAX);
          const a = align ? BigInt(align.value as bigint) : 1n;
          expect(c.align).toBe(a === 0n ? 1n : a);
          expect(c.policy).toBe(policy ?? "first-match");
          // round trips
          expect(new Constraint(c.toInit()).toInit()).toEqual(c.toInit());
          expect(Constraint.from(c)).toBe(c);
          expect(BigInt(c.sizeHi) * TWO_32 + BigInt(c.sizeLo)).toBe(c.size);
          expect(BigInt(c.alignHi) * TWO_32 + BigInt(c.alignLo)).toBe(c.align);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("exactly(base, size) is the window [base, base+size-1], or the right error", () => {
    fc.assert(
      fc.property(u64, u64, (base, size) => {
        const last = base + size - 1n;
        if (size === 0n) {
          expect(codeOf(() => exactly(base, size))).toBe("INVALID_SIZE");
        } else if (last > MAX) {
          expect(codeOf(() => exactly(base, size))).toBe("INVALID_RANGE");
        } else {
          const c = exactly(base, size);
          expect(c.toInit()).toEqual({ size, min: base, max: last, align: 1n, policy: "first-match" });
        }
      }),
    );
  });
});
