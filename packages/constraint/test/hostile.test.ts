/**
 * Hostile callers against Range and Constraint: writes, shadowing, forged and
 * cloned objects, proxies, getters that change between reads, unknown keys.
 */
import { describe, expect, it } from "vitest";
import { AllocError, Constraint, Range } from "../src/index.js";
import { expectAllocError } from "./helpers.js";

// Node's global, not in this package's lib (types: []).
const structuredClone = (globalThis as unknown as { structuredClone: <V>(value: V) => V }).structuredClone;

describe("Range keeps its checked value", () => {
  it("a write to a half throws in strict mode and changes nothing", () => {
    const r = new Range(0x300, 0x4ff);
    expect(() => {
      (r as unknown as { minLo: number }).minLo = 0x500;
    }).toThrow(TypeError);
    expect(Reflect.set(r, "minLo", 0x500)).toBe(false);
    expect(r.minLo).toBe(0x300);
    expect(Range.minLoOf(r)).toBe(0x300);
    expect(r.toString()).toBe("[0x0000000000000300, 0x00000000000004ff]");
  });

  it("an own property shadowing a getter changes what the caller sees, never what the library reads", () => {
    const r = new Range(0x300, 0x4ff);
    Object.defineProperty(r, "minLo", { value: 0x500 });
    Object.defineProperty(r, "min", { value: 0x500n });
    expect(Range.minLoOf(r)).toBe(0x300);
    expect(Range.from(r).equals(new Range(0x300, 0x4ff))).toBe(true);
    expect(new Range(0x300, 0x4ff).compare(r)).toBe(0);
  });

  it("the class and its prototype are frozen: nothing can replace a reader", () => {
    expect(Object.isFrozen(Range)).toBe(true);
    expect(Object.isFrozen(Range.prototype)).toBe(true);
    expect(() => {
      (Range as unknown as { minLoOf: unknown }).minLoOf = () => 0;
    }).toThrow(TypeError);
  });

  it.each(["min", "max", "size", "minNumber", "maxNumber", "minHi", "minLo", "maxHi", "maxLo"])("getter %s on a forged object throws AllocError", (name) => {
    const forged = Object.create(Range.prototype) as Range;
    expectAllocError(() => (forged as unknown as Record<string, unknown>)[name], "INVALID_ARGUMENT", "range");
  });

  it.each([
    ["toString", (f: Range) => f.toString()],
    ["toJSON", (f: Range) => f.toJSON()],
    ["equals", (f: Range) => f.equals(new Range(0, 1))],
    ["compare", (f: Range) => f.compare(new Range(0, 1))],
    ["intersects", (f: Range) => f.intersects(new Range(0, 1))],
    ["contains", (f: Range) => f.contains(1)],
    ["alignUp", (f: Range) => f.alignUp(4)],
    ["hintOf", (f: Range) => Range.hintOf(f)],
  ] as [string, (f: Range) => unknown][])("method %s on a forged object throws AllocError", (_name, call) => {
    expectAllocError(() => call(Object.create(Range.prototype) as Range), "INVALID_ARGUMENT");
  });

  it("methods called on null, a plain object or a forged one throw AllocError (Range and Constraint)", () => {
    const range = Range.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
    const constraint = Constraint.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const self of [null, undefined, {}, { min: 1n, max: 2n }, Object.create(Range.prototype)]) {
      for (const name of ["toString", "toJSON", "equals", "compare", "intersects", "contains", "alignUp"]) {
        expectAllocError(() => range[name]!.call(self, new Range(0, 1)), "INVALID_ARGUMENT");
      }
    }
    for (const self of [null, {}, { size: 1n }, Object.create(Constraint.prototype)]) {
      for (const name of ["toString", "toInit", "with"]) expectAllocError(() => constraint[name]!.call(self, { size: 2 }), "INVALID_ARGUMENT");
    }
  });

  it("Range.is tells real ranges from look-alikes", () => {
    expect(Range.is(new Range(1, 2))).toBe(true);
    expect(Range.is(Object.create(Range.prototype))).toBe(false);
    expect(Range.is(structuredClone(new Range(1, 2)))).toBe(false);
    expect(Range.is({ min: 1n, max: 2n })).toBe(false);
    expect(Range.is(new Proxy(new Range(1, 2), {}))).toBe(false);
  });
});

describe("Range.from re-validates anything that is not a real Range", () => {
  it("a forged prototype object is read as a plain object: no own min, refused", () => {
    expectAllocError(() => Range.from(Object.create(Range.prototype) as Range), "INVALID_VALUE", "range.min");
  });

  it("a structuredClone (no own fields) is refused", () => {
    expectAllocError(() => Range.from(structuredClone(new Range(1, 2))), "INVALID_VALUE", "range.min");
  });

  it("a JSON round trip (hex strings) is refused, not parsed", () => {
    const e = expectAllocError(() => Range.from(JSON.parse(JSON.stringify(new Range(0x10, 0x20))) as never), "INVALID_VALUE", "range.min");
    expect(e.message).toContain('string "0x10"');
  });

  it("a proxy of a real Range is not trusted and has no own min", () => {
    expectAllocError(() => Range.from(new Proxy(new Range(1, 2), {})), "INVALID_VALUE", "range.min");
  });

  it("a proxy of a plain object: ownKeys once, each field read exactly once", () => {
    const log: string[] = [];
    const p = new Proxy(
      { min: 1, max: 2 },
      {
        ownKeys: (t) => (log.push("ownKeys"), Reflect.ownKeys(t)),
        get: (t, k) => (log.push(`get ${String(k)}`), Reflect.get(t, k)),
      },
    );
    expect(Range.from(p).toString()).toBe("[0x0000000000000001, 0x0000000000000002]");
    expect(log).toEqual(["ownKeys", "get min", "get max"]);
  });

  it("a getter that changes between reads is read once, and checked with that value", () => {
    let n = 0;
    const like = {
      get min() {
        return n++ === 0 ? 5 : 500;
      },
      max: 10,
    };
    const r = Range.from(like);
    expect(r.min).toBe(5n);
    expect(n).toBe(1);
  });

  it("an unknown key is refused with a suggestion", () => {
    const e = expectAllocError(() => Range.from({ min: 1, mxa: 2 } as never), "INVALID_ARGUMENT", "mxa");
    expect(e.message).toContain('did you mean "max"?');
  });

  it("a throwing getter becomes an AllocError with the cause", () => {
    const boom = new Error("boom");
    const e = expectAllocError(
      () =>
        Range.from({
          min: 1,
          get max(): number {
            throw boom;
          },
        }),
      "INVALID_ARGUMENT",
      "max",
    );
    expect(e.cause).toBe(boom);
  });
});

describe("Constraint keeps its checked value", () => {
  it("a write to sizeLo throws in strict mode; the halves stay as checked", () => {
    const c = new Constraint({ size: 16 });
    expect(() => {
      (c as unknown as { sizeLo: number }).sizeLo = 0;
    }).toThrow(TypeError);
    expect(Reflect.set(c, "sizeLo", 0)).toBe(false);
    expect(c.size).toBe(16n);
    expect(Constraint.sizeLoOf(c)).toBe(16);
  });

  it("an own property shadowing a getter never reaches the readers", () => {
    const c = new Constraint({ size: 16, align: 16 });
    Object.defineProperty(c, "sizeLo", { value: 0 });
    Object.defineProperty(c, "alignLo", { value: 3 });
    Object.defineProperty(c, "policy", { value: "worst-fit" });
    expect(Constraint.sizeLoOf(c)).toBe(16);
    expect(Constraint.alignLoOf(c)).toBe(16);
    expect(Constraint.policyOf(c)).toBe("first-match");
    expect(Constraint.from(c)).toBe(c);
  });

  it.each(["size", "min", "max", "align", "policy", "sizeHi", "sizeLo", "alignLo"])("getter %s on a forged Constraint throws AllocError", (name) => {
    const forged = Object.create(Constraint.prototype) as Constraint;
    expectAllocError(() => (forged as unknown as Record<string, unknown>)[name], "INVALID_ARGUMENT", "constraint");
  });

  it("toString, toInit and with on a forged Constraint throw AllocError", () => {
    const forged = Object.create(Constraint.prototype) as Constraint;
    expectAllocError(() => forged.toString(), "INVALID_ARGUMENT");
    expectAllocError(() => forged.toInit(), "INVALID_ARGUMENT");
    expectAllocError(() => forged.with({ size: 1 }), "INVALID_ARGUMENT");
  });

  it("Constraint.from re-validates a forged object, a clone and a JSON round trip", () => {
    expectAllocError(() => Constraint.from(Object.create(Constraint.prototype) as Constraint), "INVALID_VALUE", "constraint.size");
    expectAllocError(() => Constraint.from(structuredClone(new Constraint({ size: 4 }))), "INVALID_VALUE", "constraint.size");
    expectAllocError(
      () =>
        Constraint.from(JSON.parse(JSON.stringify(new Constraint({ size: 4 }).toInit(), (_k, v: unknown) => (typeof v === "bigint" ? `${v}` : v))) as never),
      "INVALID_VALUE",
      "constraint.size",
    );
  });

  it("new Constraint(existing) copies a real one", () => {
    const c = new Constraint({ size: 8, align: 8, policy: "best-fit" });
    expect(new Constraint(c).toString()).toBe(c.toString());
  });
});

describe("plain constraints: read once, unknown keys refused", () => {
  it.each([
    [{ size: 16, allign: 4 }, "allign", "align"],
    [{ sise: 16 }, "sise", "size"],
    [{ size: 16, polcy: "best-fit" }, "polcy", "policy"],
    [{ size: 16, Min: 0 }, "Min", "min"],
  ])("refuses %o naming %s and suggesting %s", (init, key, near) => {
    const e = expectAllocError(() => new Constraint(init as never), "INVALID_ARGUMENT", key);
    expect(e.message).toContain(`did you mean "${near}"?`);
    expect(e.message).toContain("allowed: size, min, max, align, policy");
  });

  it("refuses a key with no near match without a suggestion", () => {
    const e = expectAllocError(() => new Constraint({ size: 1, alignment: 4 } as never), "INVALID_ARGUMENT", "alignment");
    expect(e.message).not.toContain("did you mean");
  });

  it.each([
    ["a string", "16"],
    ["a boolean", true],
    ["an array", [16]],
    ["NaN", NaN],
    ["Infinity", Infinity],
    ["-Infinity", -Infinity],
    ["a fraction", 1.5],
    ["an unsafe integer", 2 ** 53 + 2],
    ["a symbol", Symbol("16")],
    ["null", null],
  ] as [string, unknown][])("each numeric field refuses %s", (_name, v) => {
    for (const field of ["size", "min", "max", "align"]) {
      const init = field === "size" ? { size: v } : { size: 1, [field]: v };
      expectAllocError(() => new Constraint(init as never), "INVALID_VALUE", `constraint.${field}`);
    }
  });

  it("a getter changing between reads: checked and used with the one value read", () => {
    let reads = 0;
    const init = {
      get size() {
        return reads++ === 0 ? 16 : 0;
      },
    };
    const c = new Constraint(init);
    expect(c.size).toBe(16n);
    expect(reads).toBe(1);
  });

  it("a proxy constraint: each property read exactly once", () => {
    const log: string[] = [];
    const p = new Proxy({ size: 8, align: 8, min: 0, max: 0xff, policy: "last-match" }, { get: (t, k) => (log.push(String(k)), Reflect.get(t, k)) });
    new Constraint(p as never);
    expect(log.sort()).toEqual(["align", "max", "min", "policy", "size"]);
  });

  it("with() reads its changes once and refuses unknown keys", () => {
    const c = new Constraint({ size: 8 });
    expectAllocError(() => c.with({ allign: 4 } as never), "INVALID_ARGUMENT", "allign");
    expectAllocError(() => c.with(null as never), "INVALID_ARGUMENT");
    expect(c.with({ align: 4 }).align).toBe(4n);
  });

  it("policy must be one of the names; a boxed string or a symbol is refused", () => {
    expectAllocError(() => new Constraint({ size: 1, policy: new String("best-fit") as never }), "INVALID_ARGUMENT", "constraint.policy");
    expectAllocError(() => new Constraint({ size: 1, policy: Symbol("best-fit") as never }), "INVALID_ARGUMENT", "constraint.policy");
  });

  it("messages are one line and quote user text briefly", () => {
    const e = expectAllocError(() => new Constraint({ size: 1, policy: `x\n${"y".repeat(10_000)}` as never }), "INVALID_ARGUMENT", "constraint.policy");
    expect(e.message).not.toContain("\n");
    expect(e.message.length).toBeLessThan(200);
  });
});

describe("Range.fromParts cannot make an invalid Range", () => {
  it.each([
    ["a negative half", [-1, 0, 0, 1, 0]],
    ["a half of 2^32", [0, 2 ** 32, 1, 0, 0]],
    ["a fractional half", [0, 0.5, 0, 1, 0]],
    ["a NaN half", [0, NaN, 0, 1, 0]],
    ["a string half", [0, "1", 0, 1, 0]],
    ["a symbol half", [0, Symbol("1"), 0, 1, 0]],
    ["a negative hint", [0, 0, 0, 1, -1]],
    ["a fractional hint", [0, 0, 0, 1, 1.5]],
  ] as [string, unknown[]][])("refuses %s with INVALID_VALUE", (_name, parts) => {
    expectAllocError(() => Range.fromParts(...(parts as [number, number, number, number, number])), "INVALID_VALUE", "parts");
  });

  it("refuses min > max with INVALID_RANGE", () => {
    expectAllocError(() => Range.fromParts(0, 5, 0, 4), "INVALID_RANGE", "parts");
    expectAllocError(() => Range.fromParts(1, 0, 0, 0xffffffff), "INVALID_RANGE", "parts");
  });
});

describe("the static readers allocators use refuse what is not a real value", () => {
  const forged = [{}, Object.create(Range.prototype), structuredClone(new Range(1, 2)), { minHi: 0, minLo: 1 }, null, 5];
  it("Range.minHiOf / minLoOf / maxHiOf / maxLoOf / minNumberOf / maxNumberOf / hintOf throw AllocError, never TypeError", () => {
    const readers = [Range.minHiOf, Range.minLoOf, Range.maxHiOf, Range.maxLoOf, Range.minNumberOf, Range.maxNumberOf, Range.hintOf];
    for (const read of readers) {
      for (const [i, f] of forged.entries()) {
        let caught: unknown;
        try {
          read(f as unknown as Range);
        } catch (e) {
          caught = e;
        }
        expect(caught, `${read.name}(forged[${i}])`).toBeInstanceOf(AllocError);
      }
    }
    expect(Range.minNumberOf(new Range(7, 9))).toBe(7);
  });

  it("Constraint's readers throw AllocError for a forged constraint", () => {
    const readers = [
      Constraint.sizeHiOf,
      Constraint.sizeLoOf,
      Constraint.minHiOf,
      Constraint.minLoOf,
      Constraint.maxHiOf,
      Constraint.maxLoOf,
      Constraint.alignHiOf,
      Constraint.alignLoOf,
      Constraint.policyOf,
    ];
    const fake = [{}, Object.create(Constraint.prototype), { size: 1 }, null];
    for (const read of readers) for (const f of fake) expect(() => read(f as unknown as Constraint), read.name).toThrow(AllocError);
  });

  it("Constraint.read refuses an output that is not a Float64Array of 8 slots, and writes nothing", () => {
    for (const out of [new Float64Array(4), [0, 0, 0, 0, 0, 0, 0, 0], new Uint32Array(8), undefined, {}]) {
      expect(() => Constraint.read({ size: 1 }, out as unknown as Float64Array)).toThrow(/out must be a Float64Array/);
    }
    const short = new Float64Array(7).fill(3);
    expect(() => Constraint.read({ size: 1 }, short)).toThrow(AllocError);
    expect([...short]).toEqual([3, 3, 3, 3, 3, 3, 3]);
  });
});
