import { describe, it, expect } from "vitest";
import { AllocError, Constraint, Policy, exactly, type ConstraintInit } from "@alloc/constraint";
import { MAX, expectAllocError } from "./helpers.js";

describe("Constraint defaults", () => {
  it("fills min 0, max 2^64-1, align 1, first-match", () => {
    const c = new Constraint({ size: 8 });
    expect(c.size).toBe(8n);
    expect(c.min).toBe(0n);
    expect(c.max).toBe(MAX);
    expect(c.align).toBe(1n);
    expect(c.policy).toBe("first-match");
    expect(c.toInit()).toEqual({ size: 8n, min: 0n, max: MAX, align: 1n, policy: "first-match" });
  });

  it("keeps every given field exactly", () => {
    const c = new Constraint({ size: 0x1000, align: 0x1000n, min: 0xc0000000n, max: 0xfebfffffn, policy: Policy.BestFit });
    expect(c.toInit()).toEqual({ size: 0x1000n, min: 0xc0000000n, max: 0xfebfffffn, align: 0x1000n, policy: "best-fit" });
    expect(c.toString()).toBe("size 0x1000 align 0x1000 in [0x00000000c0000000, 0x00000000febfffff] best-fit");
  });

  it("normalises align 0 to 1", () => {
    expect(new Constraint({ size: 1, align: 0 }).align).toBe(1n);
    expect(new Constraint({ size: 1, align: 0n }).align).toBe(1n);
    expect(new Constraint({ size: 1, align: 1 }).align).toBe(1n);
  });

  it("accepts values at the edges of the domain", () => {
    const c = new Constraint({ size: MAX, min: MAX, max: MAX, align: 2n ** 63n, policy: "last-match" });
    expect(c.size).toBe(MAX);
    expect(c.min).toBe(MAX);
    expect(c.max).toBe(MAX);
    expect(c.align).toBe(2n ** 63n);
    expect(c.policy).toBe("last-match");
    expect(new Constraint({ size: 1, min: 0, max: 0 }).max).toBe(0n);
  });

  it("keeps values above 2^53 exact and exposes 32-bit halves", () => {
    const c = new Constraint({ size: 2n ** 53n + 1n, min: 0x1234_5678_9abc_def0n, align: 2n ** 40n });
    expect(c.size).toBe(9007199254740993n);
    expect(c.min).toBe(0x1234_5678_9abc_def0n);
    expect([c.sizeHi, c.sizeLo]).toEqual([0x200000, 1]);
    expect([c.minHi, c.minLo]).toEqual([0x12345678, 0x9abcdef0]);
    expect([c.maxHi, c.maxLo]).toEqual([0xffffffff, 0xffffffff]);
    expect([c.alignHi, c.alignLo]).toEqual([0x100, 0]);
  });
});

describe("Constraint validation", () => {
  it("size 0 → INVALID_SIZE naming constraint.size", () => {
    const e = expectAllocError(() => new Constraint({ size: 0 }), "INVALID_SIZE", "constraint.size");
    expect(e.details.value).toBe(0);
    expectAllocError(() => new Constraint({ size: 0n }), "INVALID_SIZE", "constraint.size");
  });

  it.each([
    ["NaN", Number.NaN],
    ["1.5", 1.5],
    ["-1", -1],
    ["-1n", -1n],
    ["2^64", 2n ** 64n],
    ["2^53", 2 ** 53],
    ["Infinity", Number.POSITIVE_INFINITY],
    ['"12"', "12"],
    ["null", null],
    ["undefined", undefined],
    ["{}", {}],
  ])("size %s → INVALID_VALUE naming constraint.size", (_label, size) => {
    const e = expectAllocError(() => new Constraint({ size } as unknown as ConstraintInit), "INVALID_VALUE", "constraint.size");
    expect(e.details.value).toBe(size);
  });

  it("missing size → INVALID_VALUE naming constraint.size", () => {
    expectAllocError(() => new Constraint({} as ConstraintInit), "INVALID_VALUE", "constraint.size");
  });

  it.each([
    ["min", -1],
    ["min", 2n ** 64n],
    ["min", 0.5],
    ["min", null],
    ["max", -1n],
    ["max", 2n ** 64n],
    ["max", "0xff"],
    ["max", null],
    ["align", -2],
    ["align", 2n ** 64n],
    ["align", 4.5],
    ["align", null],
  ])("%s %s → INVALID_VALUE naming the field", (field, value) => {
    expectAllocError(() => new Constraint({ size: 1, [field]: value } as unknown as ConstraintInit), "INVALID_VALUE", `constraint.${field}`);
  });

  it.each([3, 6, 12n, 0x1001, MAX, 2n ** 63n + 1n, 3n * 2n ** 40n])("align %s → INVALID_ALIGNMENT naming constraint.align", (align) => {
    const e = expectAllocError(() => new Constraint({ size: 1, align }), "INVALID_ALIGNMENT", "constraint.align");
    expect(e.details.value).toBe(align);
  });

  it("every power of two up to 2^63 is a valid alignment", () => {
    for (let k = 0n; k < 64n; k++) {
      expect(new Constraint({ size: 1, align: 2n ** k }).align).toBe(2n ** k);
    }
    for (let k = 0; k < 53; k++) {
      expect(new Constraint({ size: 1, align: 2 ** k }).align).toBe(2n ** BigInt(k));
    }
  });

  it("min > max → INVALID_WINDOW", () => {
    const e = expectAllocError(() => new Constraint({ size: 1, min: 10, max: 9 }), "INVALID_WINDOW", "constraint.min");
    expect(e.details.value).toEqual({ min: 10, max: 9 });
    expect(e.message).toContain("0x000000000000000a");
    expectAllocError(() => new Constraint({ size: 1, min: 2n ** 32n, max: 2n ** 32n - 1n }), "INVALID_WINDOW", "constraint.min");
    expectAllocError(() => new Constraint({ size: 1, min: 1, max: 0 }), "INVALID_WINDOW", "constraint.min");
  });

  it("min == max is a valid window; a window smaller than size is not an error", () => {
    const c = new Constraint({ size: 16, min: 5, max: 5 });
    expect(c.min).toBe(5n);
    expect(c.max).toBe(5n);
    expect(c.size).toBe(16n);
  });

  it.each(["first", "FIRST-MATCH", "worst-fit", "", 0, null, {}])("policy %s → INVALID_ARGUMENT naming constraint.policy", (policy) => {
    const e = expectAllocError(() => new Constraint({ size: 1, policy } as unknown as ConstraintInit), "INVALID_ARGUMENT", "constraint.policy");
    expect(e.details.value).toBe(policy);
  });

  it.each([null, undefined, 5, 5n, "size 5", true])("non-object %s → INVALID_ARGUMENT naming constraint", (init) => {
    const e = expectAllocError(() => new Constraint(init as unknown as ConstraintInit), "INVALID_ARGUMENT", "constraint");
    expect(e.details.value).toBe(init);
  });

  it("reports the first bad field in order size, min, max, window, align, policy", () => {
    const bad = { size: 0, min: -1, max: -1, align: 3, policy: "x" } as unknown as ConstraintInit;
    expectAllocError(() => new Constraint(bad), "INVALID_SIZE", "constraint.size");
    expectAllocError(() => new Constraint({ ...bad, size: 1 }), "INVALID_VALUE", "constraint.min");
    expectAllocError(() => new Constraint({ ...bad, size: 1, min: 0 }), "INVALID_VALUE", "constraint.max");
    expectAllocError(() => new Constraint({ ...bad, size: 1, min: 5, max: 4 }), "INVALID_WINDOW", "constraint.min");
    expectAllocError(() => new Constraint({ ...bad, size: 1, min: 0, max: 4 }), "INVALID_ALIGNMENT", "constraint.align");
    expectAllocError(() => new Constraint({ ...bad, size: 1, min: 0, max: 4, align: 4 }), "INVALID_ARGUMENT", "constraint.policy");
  });
});

describe("Constraint.from / with", () => {
  it("from returns a Constraint instance unchanged", () => {
    const c = new Constraint({ size: 4 });
    expect(Constraint.from(c)).toBe(c);
  });

  it("from validates plain objects", () => {
    const c = Constraint.from({ size: 8, align: 8 });
    expect(c).toBeInstanceOf(Constraint);
    expect(c.policy).toBe("first-match");
    expect(c.size).toBe(8n);
    expect(c.align).toBe(8n);
    expectAllocError(() => Constraint.from({ size: 8, align: 7 }), "INVALID_ALIGNMENT", "constraint.align");
    expectAllocError(() => Constraint.from(null as never), "INVALID_ARGUMENT", "constraint");
  });

  it("with replaces some fields and keeps the others", () => {
    const c = new Constraint({ size: 8, min: 0x100, max: 0x1ff, align: 8, policy: "best-fit" });
    const d = c.with({ size: 16, policy: "last-match" });
    expect(d).not.toBe(c);
    expect(d.toInit()).toEqual({ size: 16n, min: 0x100n, max: 0x1ffn, align: 8n, policy: "last-match" });
    // the original is unchanged
    expect(c.toInit()).toEqual({ size: 8n, min: 0x100n, max: 0x1ffn, align: 8n, policy: "best-fit" });
  });

  it("with validates again", () => {
    const c = new Constraint({ size: 8, min: 0x100, max: 0x1ff });
    expectAllocError(() => c.with({ min: 0x200 }), "INVALID_WINDOW", "constraint.min");
    expectAllocError(() => c.with({ size: 0 }), "INVALID_SIZE", "constraint.size");
    expectAllocError(() => c.with({ align: 12 }), "INVALID_ALIGNMENT", "constraint.align");
  });
});

describe("Policy", () => {
  it("has the three documented values", () => {
    expect(Policy).toEqual({ FirstMatch: "first-match", LastMatch: "last-match", BestFit: "best-fit" });
    for (const p of Object.values(Policy)) {
      expect(new Constraint({ size: 1, policy: p }).policy).toBe(p);
    }
  });
});

describe("exactly", () => {
  it("builds a constraint only [base, base+size-1] satisfies", () => {
    const c = exactly(0x3f8, 8);
    expect(c).toBeInstanceOf(Constraint);
    expect(c.toInit()).toEqual({ size: 8n, min: 0x3f8n, max: 0x3ffn, align: 1n, policy: "first-match" });
  });

  it("size 1 gives a one-point window", () => {
    const c = exactly(5n, 1n);
    expect(c.min).toBe(5n);
    expect(c.max).toBe(5n);
    expect(c.size).toBe(1n);
  });

  it("can reach exactly 2^64-1, and cover the domain up to it", () => {
    const c = exactly(MAX - 7n, 8);
    expect(c.min).toBe(MAX - 7n);
    expect(c.max).toBe(MAX);
    const d = exactly(1, MAX);
    expect(d.min).toBe(1n);
    expect(d.max).toBe(MAX);
    expect(d.size).toBe(MAX);
  });

  it("overflow past 2^64-1 → INVALID_RANGE", () => {
    const e = expectAllocError(() => exactly(MAX - 7n, 9), "INVALID_RANGE", "size");
    expect(e.details.value).toEqual({ base: MAX - 7n, size: 9 });
    expectAllocError(() => exactly(MAX, 2), "INVALID_RANGE", "size");
    expectAllocError(() => exactly(2, MAX), "INVALID_RANGE", "size");
  });

  it("size 0 → INVALID_SIZE", () => {
    expectAllocError(() => exactly(0x3f8, 0), "INVALID_SIZE", "size");
    expectAllocError(() => exactly(0x3f8, 0n), "INVALID_SIZE", "size");
  });

  it("invalid values → INVALID_VALUE naming base or size", () => {
    expectAllocError(() => exactly(-1, 8), "INVALID_VALUE", "base");
    expectAllocError(() => exactly(2n ** 64n, 8), "INVALID_VALUE", "base");
    expectAllocError(() => exactly(0, 1.5), "INVALID_VALUE", "size");
    expectAllocError(() => exactly(0, "8" as never), "INVALID_VALUE", "size");
  });
});

describe("Constraint.read", () => {
  const halves = (c: Constraint) => [
    Constraint.sizeHiOf(c),
    Constraint.sizeLoOf(c),
    Constraint.minHiOf(c),
    Constraint.minLoOf(c),
    Constraint.maxHiOf(c),
    Constraint.maxLoOf(c),
    Constraint.alignHiOf(c),
    Constraint.alignLoOf(c),
  ];

  it("writes the same halves and returns the same policy as the constructor, for plain objects and real constraints", () => {
    const inits = [
      { size: 1 },
      { size: 0x1000, align: 0x1000 },
      { size: 0x10n, min: 0xc000_0000n, max: 0xfebf_ffffn, policy: "last-match" as const },
      { size: 2n ** 64n - 1n, align: 2n ** 63n, policy: "best-fit" as const },
      { size: 3, align: 0 },
    ];
    for (const init of inits) {
      const c = new Constraint(init);
      const out = new Float64Array(8);
      expect(Constraint.read(init, out)).toBe(c.policy);
      expect([...out]).toEqual(halves(c));
      const again = new Float64Array(8);
      expect(Constraint.read(c, again)).toBe(c.policy);
      expect([...again]).toEqual(halves(c));
    }
  });

  it("refuses what the constructor refuses, with the same error, and writes nothing", () => {
    const bad: unknown[] = [{ size: 0 }, { size: 1, allign: 2 }, { size: "1" }, { size: 1, align: 3 }, { size: 1, min: 5, max: 4 }, null, [1]];
    for (const init of bad) {
      const out = new Float64Array(8).fill(7);
      let viaNew: unknown;
      try {
        new Constraint(init as ConstraintInit);
      } catch (e) {
        viaNew = e;
      }
      expect(viaNew).toBeInstanceOf(AllocError);
      expect(() => Constraint.read(init as ConstraintInit, out)).toThrow((viaNew as Error).message);
      expect([...out]).toEqual([7, 7, 7, 7, 7, 7, 7, 7]);
    }
  });

  it("reads each field once, and a getter that itself reads another constraint cannot change the result", () => {
    const out = new Float64Array(8);
    let reads = 0;
    const init = {
      get size() {
        reads++;
        Constraint.read({ size: 99, align: 64 }, out); // re-entrant use of the same output
        return 8;
      },
    };
    expect(Constraint.read(init, out)).toBe("first-match");
    expect(reads).toBe(1);
    expect([...out]).toEqual(halves(new Constraint({ size: 8 })));
  });
});
