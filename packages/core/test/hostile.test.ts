/**
 * Hostile callers against every IntervalTree entry point: mutated and forged
 * value objects, clones, JSON round trips, proxies, changing getters,
 * misspelt keys and every wrong type for every numeric field. Each case
 * asserts the code, the field named, and that nothing changed: the dump, the
 * stats and the next few allocations equal those of an untouched copy.
 */
import { describe, expect, it } from "vitest";
import { Constraint, IntervalTree, Range, isAllocError } from "@alloc/core";
import type { AllocError } from "@alloc/core";
import type { AllocErrorCode } from "@alloc/constraint";

const TOP = 0xffff_ffff_ffff_ffffn;

/** free [0x1000,0x10ff], allocated [0x1100,0x11ff], free [0x1200,0x1fff], valued [0x3000,0x30ff]="dev", free [2^64-0x1000, 2^64-1]. */
function fixture(): { tree: IntervalTree<string>; held: Range } {
  const tree = new IntervalTree<string>();
  tree.insert(new Range(0x1000, 0x1fff));
  tree.insert(new Range(0x3000, 0x30ff), "dev");
  tree.insert(new Range(TOP - 0xfffn, TOP));
  const held = tree.allocate({ size: 0x100, min: 0x1100, max: 0x11ff })!;
  return { tree, held };
}

function nextAllocations(tree: IntervalTree<string>): string[] {
  const out: string[] = [];
  for (const policy of ["first-match", "last-match", "best-fit"] as const) out.push(String(tree.allocate({ size: 0x10, align: 0x10, policy })));
  out.push(String(tree.allocate({ size: 0x100 })));
  return out;
}

/** Runs `call` on a fresh fixture; asserts the code, the field, and that the tree is exactly as before. */
function refused(call: (t: IntervalTree<string>, held: Range) => unknown, code: AllocErrorCode, argument?: string, path?: string): AllocError {
  const { tree, held } = fixture();
  const twin = tree.clone();
  const text = tree.toString();
  const stats = tree.stats();
  let thrown: unknown;
  try {
    const v = call(tree, held);
    if (v !== null && typeof v === "object" && Symbol.iterator in v) [...(v as Iterable<unknown>)];
  } catch (e) {
    thrown = e;
  }
  expect(isAllocError(thrown), `expected AllocError ${code}, got ${String(thrown)}`).toBe(true);
  const err = thrown as AllocError;
  expect(err.code).toBe(code);
  if (argument !== undefined) expect(err.details.argument).toBe(argument);
  if (path !== undefined) expect(err.details.path).toBe(path);
  expect(err.message).not.toContain("\n");
  expect(err.message.length).toBeLessThan(400);
  expect(tree.toString()).toBe(text);
  expect(tree.stats()).toEqual(stats);
  tree.checkInvariants();
  expect(nextAllocations(tree)).toEqual(nextAllocations(twin));
  return err;
}

const forged = (): Range => Object.create(Range.prototype) as Range;
const cloned = (): Range => structuredClone(new Range(0x1100, 0x11ff));
const viaJson = (): Range => JSON.parse(JSON.stringify(new Range(0x1100, 0x11ff))) as Range;

type RangeEntry = [string, (t: IntervalTree<string>, r: never) => unknown];
const RANGE_ENTRIES: RangeEntry[] = [
  ["insert", (t, r) => t.insert(r)],
  ["insert valued", (t, r) => t.insert(r, "x")],
  ["update", (t, r) => t.update(r, "x")],
  ["delete", (t, r) => t.delete(r)],
  ["get", (t, r) => t.get(r)],
  ["getSuperset", (t, r) => t.getSuperset(r)],
  ["free", (t, r) => t.free(r)],
  ["overlapping", (t, r) => t.overlapping(r)],
  ["resize", (t, r) => t.resize(r, 0x10)],
];

describe("value objects cannot be changed behind the tree", () => {
  it("a Constraint with sizeLo written (strict mode throws) or shadowed allocates with its checked size", () => {
    const c = new Constraint({ size: 16 });
    expect(() => {
      (c as unknown as { sizeLo: number }).sizeLo = 0;
    }).toThrow(TypeError);
    Object.defineProperty(c, "sizeLo", { value: 0 });
    Object.defineProperty(c, "maxLo", { value: 0 });
    const { tree } = fixture();
    const twin = tree.clone();
    expect(String(tree.allocate(c))).toBe(String(twin.allocate({ size: 16 })));
    expect(tree.toString()).toBe(twin.toString());
    tree.checkInvariants();
  });

  it("a Range with minLo shadowed is inserted with its checked bounds", () => {
    const r = new Range(0x300, 0x4ff);
    Object.defineProperty(r, "minLo", { value: 0x500 });
    Object.defineProperty(r, "min", { value: 0x500n });
    const tree = new IntervalTree<string>();
    tree.insert(r);
    expect(tree.toString()).toBe("[0x0000000000000300, 0x00000000000004ff] free");
    expect(() => {
      (r as unknown as { minLo: number }).minLo = 0x500;
    }).toThrow(TypeError);
  });

  it("a returned Range cannot be changed into a different node's range", () => {
    const { tree, held } = fixture();
    Object.defineProperty(held, "maxLo", { value: 0x1fff });
    expect(tree.free(held)).toBe(undefined);
    expect(tree.get(new Range(0x1000, 0x1fff))).toEqual({ kind: "free" });
    tree.checkInvariants();
  });
});

describe.each([
  ["a forged Range.prototype object", forged, "INVALID_VALUE", "range.min"],
  ["a structuredClone of a Range", cloned, "INVALID_VALUE", "range.min"],
  ["a JSON round trip of a Range", viaJson, "INVALID_VALUE", "range.min"],
  ["a plain range with a misspelt key", () => ({ min: 0x1100, mx: 0x11ff }), "INVALID_ARGUMENT", "mx"],
  ["a plain range with an extra key", () => ({ min: 0x1100, max: 0x11ff, size: 0x100 }), "INVALID_ARGUMENT", "size"],
  ["a range with a symbol key (ignored) and an unknown key", () => ({ min: 0x1100, max: 0x11ff, [Symbol("x")]: 1, x: 1 }), "INVALID_ARGUMENT", "x"],
  ["a range that is an array", () => [0x1100, 0x11ff], "INVALID_ARGUMENT", "range"],
  ["a range that is a function", () => () => 0, "INVALID_ARGUMENT", "range"],
  [
    "a range whose getter throws",
    () => ({
      min: 0x1100,
      get max(): number {
        throw new Error("boom");
      },
    }),
    "INVALID_ARGUMENT",
    "max",
  ],
] as [string, () => unknown, AllocErrorCode, string][])("%s", (_name, make, code, argument) => {
  it.each(RANGE_ENTRIES)("is refused by %s", (_entry, call) => {
    refused((t) => call(t, make() as never), code, argument);
  });
});

const BAD_NUMBERS: [string, unknown][] = [
  ["a hex string", "0x1100"],
  ["a decimal string", "4352"],
  ["true", true],
  ["an array", [0x1100]],
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["-Infinity", -Infinity],
  ["a fraction", 4352.5],
  ["an unsafe integer", 2 ** 53 + 2],
  ["a symbol", Symbol("n")],
  ["an object with valueOf", { valueOf: () => 0x1100 }],
  ["null", null],
];

describe.each(BAD_NUMBERS)("a numeric field that is %s", (_name, bad) => {
  it("is refused as range.min by insert, naming the field", () => {
    const e = refused((t) => t.insert({ min: bad, max: 0x5fff } as never), "INVALID_VALUE", "range.min");
    expect(e.message).toContain("range.min");
  });
  it("is refused as range.max by free", () => {
    refused((t) => t.free({ min: 0x1100, max: bad } as never), "INVALID_VALUE", "range.max");
  });
  it.each(["size", "min", "max", "align"])("is refused as constraint.%s by allocate", (field) => {
    const init = field === "size" ? { size: bad } : { size: 0x10, [field]: bad };
    refused((t) => t.allocate(init as never), "INVALID_VALUE", `constraint.${field}`);
  });
  it("is refused as id by getById and as newSize by resize", () => {
    refused((t) => t.getById(bad as never), "INVALID_VALUE", "id");
    refused((t, held) => t.resize(held, bad as never), "INVALID_VALUE", "newSize");
  });
});

describe("constraints at the tree boundary", () => {
  it.each([
    [{ size: 16, allign: 4 }, "allign", "align"],
    [{ size: 16, polciy: "best-fit" }, "polciy", "policy"],
    [{ szie: 16 }, "szie", "size"],
  ])("allocate refuses %o naming the key with a suggestion", (init, key, near) => {
    const e = refused((t) => t.allocate(init as never), "INVALID_ARGUMENT", key);
    expect(e.message).toContain(`did you mean "${near}"?`);
    refused((t) => t.allocateOrThrow(init as never), "INVALID_ARGUMENT", key);
  });

  it("a forged or cloned Constraint is read as a plain object and refused", () => {
    refused((t) => t.allocate(Object.create(Constraint.prototype) as Constraint), "INVALID_VALUE", "constraint.size");
    refused((t) => t.allocate(structuredClone(new Constraint({ size: 16 }))), "INVALID_VALUE", "constraint.size");
  });

  it("a getter that answers differently on each read: checked and placed with the one value read", () => {
    let reads = 0;
    const init = {
      get size() {
        return reads++ === 0 ? 0x10 : 0x1000;
      },
    };
    const { tree } = fixture();
    const twin = tree.clone();
    expect(String(tree.allocate(init))).toBe(String(twin.allocate({ size: 0x10 })));
    expect(reads).toBe(1);
    expect(tree.toString()).toBe(twin.toString());
  });

  it("a proxy constraint and a proxy range are read exactly once per property", () => {
    const log: string[] = [];
    const spy = <O extends object>(o: O): O =>
      new Proxy(o, {
        ownKeys: (t) => (log.push("ownKeys"), Reflect.ownKeys(t)),
        get: (t, k) => (log.push(`get ${String(k)}`), Reflect.get(t, k)),
        has: (t, k) => (log.push(`has ${String(k)}`), Reflect.has(t, k)),
      });
    const { tree } = fixture();
    tree.allocate(spy({ size: 0x10, align: 0x10, policy: "best-fit" }));
    expect(log).toEqual(["ownKeys", "get size", "get align", "get policy"]);
    log.length = 0;
    tree.insert(spy({ min: 0x5000, max: 0x5fff }));
    expect(log).toEqual(["ownKeys", "get min", "get max"]);
  });

  it("a 50 MB key is named in a message of a few hundred characters", () => {
    const key = `\u0000${"k".repeat(50_000_000)}`;
    const e = refused((t) => t.allocate({ size: 1, [key]: 1 } as never), "INVALID_ARGUMENT");
    expect(e.message.length).toBeLessThan(300);
    expect(e.message).toContain("\\u0000");
  });

  it("control characters in a bad policy are escaped", () => {
    const e = refused((t) => t.allocate({ size: 1, policy: "\u001b[31mred\n" } as never), "INVALID_ARGUMENT", "constraint.policy");
    expect(e.message).toContain("\\u001b[31mred\\n");
  });
});

describe("the locator a returned Range carries", () => {
  it("from another tree, it never acts on a node with other bounds", () => {
    const a = new IntervalTree<string>();
    a.insert(new Range(0, 0xffff));
    const ra = a.allocate({ size: 0x10 })!; // [0, 0xf] in a
    const b = new IntervalTree<string>();
    b.insert(new Range(0x100, 0x1ff));
    b.allocate({ size: 0x10 }); // some node in b with other bounds
    const before = b.toString();
    expect(() => b.free(ra)).toThrow(expect.objectContaining({ code: "NOT_FOUND" }) as Error);
    expect(b.toString()).toBe(before);
  });

  it("a stale Range (its node merged away and reused) is refused with NOT_FOUND", () => {
    const t = new IntervalTree<string>();
    t.insert(new Range(0, 0xffff));
    const r1 = t.allocate({ size: 0x10 })!;
    t.free(r1);
    t.allocate({ size: 0x20 }); // the node may be reused with other bounds
    const before = t.toString();
    expect(() => t.update(r1, "x")).toThrow(expect.objectContaining({ code: "NOT_FOUND" }) as Error);
    expect(t.toString()).toBe(before);
  });

  it("the hint cannot be set by a caller: Range.fromParts of other bounds with the same hint finds by bounds", () => {
    const { tree, held } = fixture();
    const fake = Range.fromParts(0, 0x1000, 0, 0x10ff, Range.hintOf(held));
    expect(() => tree.free(fake)).toThrow(expect.objectContaining({ code: "NOT_ALLOCATED" }) as Error);
    expect(tree.get(held)).toEqual({ kind: "allocated" });
  });

  it("the hint cannot be set by a caller: a range with the held one's start and hint but another end frees nothing", () => {
    const { tree, held } = fixture();
    const before = tree.toString();
    const next = nextAllocations(fixture().tree);
    for (const max of [0x117f, 0x11fe, 0x1200, 0x1fff]) {
      const fake = Range.fromParts(0, 0x1100, 0, max, Range.hintOf(held));
      expect(() => tree.free(fake)).toThrow(expect.objectContaining({ code: "NOT_FOUND" }) as Error);
      expect(() => tree.update(fake, "x")).toThrow(expect.objectContaining({ code: "NOT_FOUND" }) as Error);
      expect(tree.toString()).toBe(before);
    }
    expect(nextAllocations(tree)).toEqual(next);
    tree.checkInvariants();
  });
});

describe("constructor options", () => {
  it.each([
    [{ initialCapacty: 4 }, "initialCapacty"],
    [{ initialCapacity: -1 }, "initialCapacity"],
    [{ initialCapacity: 1.5 }, "initialCapacity"],
    [{ initialCapacity: "16" }, "initialCapacity"],
    [{ initialCapacity: NaN }, "initialCapacity"],
    [{ initialCapacity: 2 ** 40 }, "initialCapacity"],
    [null, "tree options"],
    [[], "tree options"],
  ])("refuses %o naming %s", (options, argument) => {
    let thrown: unknown;
    try {
      new IntervalTree(options as never);
    } catch (e) {
      thrown = e;
    }
    expect(isAllocError(thrown)).toBe(true);
    expect((thrown as AllocError).code).toBe("INVALID_ARGUMENT");
    expect((thrown as AllocError).details.argument).toBe(argument);
  });
});

describe("resize refuses bad calls with nothing changed", () => {
  it("NOT_FOUND for a range that is not exactly one of the pool", () => {
    refused((t) => t.resize(new Range(0x1100, 0x117f), 0x10), "NOT_FOUND", "range");
    refused((t) => t.resize(new Range(0x9000, 0x90ff), 0x10), "NOT_FOUND", "range");
  });
  it("NOT_ALLOCATED for a free range", () => {
    refused((t) => t.resize(new Range(0x1200, 0x1fff), 0x10), "NOT_ALLOCATED", "range");
  });
  it("INVALID_SIZE for 0 and 0n", () => {
    refused((t, held) => t.resize(held, 0), "INVALID_SIZE", "newSize");
    refused((t, held) => t.resize(held, 0n), "INVALID_SIZE", "newSize");
  });
  it("NO_FIT when the free neighbour is too short, missing, or the size passes 2^64-1", () => {
    refused((t, held) => t.resize(held, 0xf01), "NO_FIT", "newSize"); // [0x1200, 0x1fff] holds 0xe00 more
    refused((t) => t.resize(new Range(0x3000, 0x30ff), 0x101), "NO_FIT", "newSize"); // nothing after it
    refused((t, held) => t.resize(held, TOP), "NO_FIT", "newSize");
  });
});

describe("fromSorted refuses bad entries, naming the entry", () => {
  const ok: [Range, { kind: "free" }] = [new Range(0, 0xff), { kind: "free" }];
  const bad = (entries: unknown, code: AllocErrorCode, path?: string, argument?: string): AllocError => {
    let thrown: unknown;
    try {
      IntervalTree.fromSorted(entries as never);
    } catch (e) {
      thrown = e;
    }
    expect(isAllocError(thrown), String(thrown)).toBe(true);
    const e = thrown as AllocError;
    expect(e.code).toBe(code);
    if (path !== undefined) expect(e.details.path).toBe(path);
    if (argument !== undefined) expect(e.details.argument).toBe(argument);
    expect(e.message).not.toContain("\n");
    return e;
  };
  it.each([
    ["not iterable", 5, "INVALID_ARGUMENT", undefined, "entries"],
    ["an entry that is not a pair", [ok, [new Range(0x100, 0x1ff)]], "INVALID_ARGUMENT", "entries[1]"],
    ["an entry that is an object", [ok, { range: new Range(0x100, 0x1ff) }], "INVALID_ARGUMENT", "entries[1]"],
    ["a range with min > max", [ok, [{ min: 0x200, max: 0x100 }, { kind: "free" }]], "INVALID_RANGE", "entries[1]"],
    ["a range with a string min", [ok, [{ min: "0x100", max: 0x1ff }, { kind: "free" }]], "INVALID_VALUE", "entries[1]", "entries[1][0].min"],
    ["a range with an unknown key", [ok, [{ min: 0x100, max: 0x1ff, mni: 1 }, { kind: "free" }]], "INVALID_ARGUMENT", "entries[1]", "mni"],
    ["a cloned Range", [ok, [structuredClone(new Range(0x100, 0x1ff)), { kind: "free" }]], "INVALID_VALUE", "entries[1]"],
    ["an unknown state kind", [ok, [new Range(0x100, 0x1ff), { kind: "reserved" }]], "INVALID_ARGUMENT", "entries[1]", "entries[1][1].kind"],
    ["a valued state without value", [ok, [new Range(0x100, 0x1ff), { kind: "valued" }]], "INVALID_ARGUMENT", "entries[1]"],
    ["a free state with a value", [ok, [new Range(0x100, 0x1ff), { kind: "free", value: 1 }]], "INVALID_ARGUMENT", "entries[1]"],
    ["a state with a misspelt key", [ok, [new Range(0x100, 0x1ff), { knid: "free" }]], "INVALID_ARGUMENT", "entries[1]", "knid"],
    ["a state that is a string", [ok, [new Range(0x100, 0x1ff), "free"]], "INVALID_ARGUMENT", "entries[1]"],
    ["an overlap with the entry before", [ok, [new Range(0xff, 0x1ff), { kind: "allocated" }]], "OVERLAP", "entries[1]"],
    ["an entry out of order", [[new Range(0x100, 0x1ff), { kind: "free" }], ok], "INVALID_ARGUMENT", "entries[1]"],
    ["the same range twice", [ok, ok], "OVERLAP", "entries[1]"],
  ] as [string, unknown, AllocErrorCode, string | undefined, string | undefined][])("%s", (_name, entries, code, path, argument) => {
    bad(entries, code, path, argument);
  });

  it("an iterator that throws becomes INVALID_ARGUMENT with the cause and the entry", () => {
    const boom = new Error("boom");
    function* entries(): Generator<[Range, { kind: "free" }]> {
      yield ok;
      throw boom;
    }
    expect(bad(entries(), "INVALID_ARGUMENT", "entries[1]").cause).toBe(boom);
  });

  it("a getter on a state read once", () => {
    let reads = 0;
    const state = {
      get kind() {
        reads++;
        return reads === 1 ? "allocated" : "free";
      },
    };
    const t = IntervalTree.fromSorted([[new Range(0, 0xff), state as never]]);
    expect(reads).toBe(1);
    expect(t.get(new Range(0, 0xff))).toEqual({ kind: "allocated" });
  });
});

describe("ranges read back carry a verified locator", () => {
  it("entries(), getSuperset() and overlapping() hand out ranges whose locator finds their node, and only it", () => {
    const { tree, held } = fixture();
    const fromEntries = [...tree.entries()].find(([r]) => r.equals(held))![0];
    expect(Range.hintOf(fromEntries)).toBe(Range.hintOf(held));
    const [sup] = tree.getSuperset(Range.point(0x1180))!;
    expect(Range.hintOf(sup)).toBe(Range.hintOf(held));
    const [over] = [...tree.overlapping(new Range(0x3000, 0x3000))][0]!;
    expect(tree.free(over)).toBe("dev");
    expect(() => tree.free(over)).toThrow(expect.objectContaining({ code: "NOT_ALLOCATED" }) as Error);
    // After a merge the old locator names a node with other bounds: searched, not trusted.
    tree.free(held);
    expect(() => tree.free(fromEntries)).toThrow(expect.objectContaining({ code: "NOT_FOUND" }) as Error);
    tree.checkInvariants();
  });
});

describe("plain-object constraints read without building a Constraint", () => {
  it("a getter that allocates from the same tree mid-read leaves both requests right", () => {
    const t = new IntervalTree<string>();
    t.insert(new Range(0, 0xffff));
    let inner: Range | undefined;
    const outer = t.allocate({
      get size() {
        inner = t.allocate({ size: 0x100, align: 0x100, policy: "last-match" });
        return 0x10;
      },
      align: 0x10,
    });
    expect(inner?.toString()).toBe(new Range(0xff00, 0xffff).toString());
    expect(outer?.toString()).toBe(new Range(0, 0xf).toString());
    // The kernel holds the outer request: the same values again come next to it.
    expect(t.allocate({ size: 0x10, align: 0x10 })?.toString()).toBe(new Range(0x10, 0x1f).toString());
    expect(t.allocate({ size: 0x100, align: 0x100, policy: "last-match" })?.toString()).toBe(new Range(0xfe00, 0xfeff).toString());
    t.checkInvariants();
  });

  it("a plain object equal to the held request, then a different one, then the first Constraint again", () => {
    const t = new IntervalTree();
    t.insert(new Range(0, 0xfff));
    const c = new Constraint({ size: 0x100, align: 0x100 });
    expect(t.allocate(c)?.min).toBe(0n);
    expect(t.allocate({ size: 0x100, align: 0x100 })?.min).toBe(0x100n);
    expect(t.allocate({ size: 1, min: 0x800 })?.min).toBe(0x800n);
    expect(t.allocate(c)?.min).toBe(0x200n); // not served with the request of the plain object before it (0x801)
    t.checkInvariants();
  });
});

describe("a method called on an object the constructor did not build", () => {
  it("is refused as `this` by every method and getter, and the real tree is untouched", () => {
    const t = new IntervalTree<string>();
    t.insert(new Range(0, 0xff));
    const r = t.allocate({ size: 8 })!;
    const before = t.toString();
    const proto = IntervalTree.prototype as unknown as Record<string | symbol, unknown>;
    const members = Reflect.ownKeys(proto).filter((k) => k !== "constructor");
    expect(members.length).toBeGreaterThanOrEqual(19);
    for (const self of [Object.create(IntervalTree.prototype), null, {}, new Proxy(t, {})]) {
      for (const key of members) {
        const d = Object.getOwnPropertyDescriptor(proto, key)!;
        const fn = (d.get ?? d.value) as (...a: unknown[]) => unknown;
        let caught: unknown;
        try {
          fn.call(self, r, "x");
        } catch (e) {
          caught = e;
        }
        expect(isAllocError(caught), String(key)).toBe(true);
        expect((caught as AllocError).details.argument, String(key)).toBe("this");
        expect((caught as AllocError).message, String(key)).toMatch(/^this must be an IntervalTree built by its constructor; got /);
      }
    }
    expect(t.toString()).toBe(before);
    expect(t.free(r)).toBeUndefined();
  });
});
