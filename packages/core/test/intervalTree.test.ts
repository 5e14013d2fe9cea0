/**
 * Example tests of IntervalTree: the reference crate's worked example and doc
 * examples, lookups, coalescing, delete, iteration, `overlapping`, stats and
 * `clone`. Allocation policies and edge values are in allocate.test.ts, bad
 * calls in errors.test.ts. Every step ends with `checkInvariants()`.
 */
import { describe, expect, it } from "vitest";
import { ALLOCATED_STATE, FREE_STATE, IntervalTree, Range } from "@alloc/core";
import { dump } from "./treeHelpers.js";

const r = (min: bigint | number, max: bigint | number) => new Range(min, max);

/** The crate's fixture: free [0x100, 0x100] and free [0x200, 0x2ff]. */
function crateFixture<T = unknown>(): IntervalTree<T> {
  const t = new IntervalTree<T>();
  t.insert(r(0x100, 0x100));
  t.insert(r(0x200, 0x2ff));
  t.checkInvariants();
  return t;
}

describe("the crate's worked example", () => {
  it("allocates size 8 align 8 in [0x211, 0x21f] at [0x218, 0x21f] and splits the free range in three", () => {
    const t = crateFixture<number>();
    const key = t.allocate({ size: 8, align: 8, min: 0x211, max: 0x21f });
    expect(key?.toString()).toBe(r(0x218, 0x21f).toString());
    t.checkInvariants();
    expect(dump(t)).toEqual(["100..100 free", "200..217 free", "218..21f allocated", "220..2ff free"]);
    expect(t.get(r(0x218, 0x21f))).toEqual({ kind: "allocated" });
  });

  it("update returns the previous data, get returns the valued state, free returns the data and merges back", () => {
    const t = crateFixture<number>();
    const key = t.allocate({ size: 8, align: 8, min: 0x211, max: 0x21f })!;
    expect(t.update(r(0x218, 0x21f), 2)).toBeUndefined();
    t.checkInvariants();
    expect(t.update(r(0x218, 0x21f), 3)).toBe(2);
    t.checkInvariants();
    expect(t.get(r(0x218, 0x21f))).toEqual({ kind: "valued", value: 3 });
    expect(dump(t)).toEqual(["100..100 free", "200..217 free", "218..21f valued=3", "220..2ff free"]);
    expect(t.free(key)).toBe(3);
    t.checkInvariants();
    expect(dump(t)).toEqual(["100..100 free", "200..2ff free"]);
    expect(t.get(r(0x200, 0x2ff))).toEqual({ kind: "free" });
    expect(t.get(r(0x218, 0x21f))).toBeUndefined();
  });
});

describe("the crate's doc examples", () => {
  it("is_empty / get: exact match only", () => {
    const t = new IntervalTree<number>();
    expect(t.isEmpty()).toBe(true);
    expect(t.size).toBe(0);
    expect(t.get(r(0x101, 0x101))).toBeUndefined();
    t.insert(r(0x100, 0x100), 1);
    t.insert(r(0x200, 0x2ff));
    t.checkInvariants();
    expect(t.isEmpty()).toBe(false);
    expect(t.size).toBe(2);
    expect(t.get(r(0x100, 0x100))).toEqual({ kind: "valued", value: 1 });
    expect(t.get(r(0x200, 0x2ff))).toEqual({ kind: "free" });
    expect(t.get(r(0x101, 0x101))).toBeUndefined();
    expect(t.get(r(0x100, 0x101))).toBeUndefined(); // overlaps but is not exact
    expect(t.get(r(0x200, 0x2fe))).toBeUndefined(); // inside but is not exact
  });

  it("getSuperset: the range that contains the whole key, with its state", () => {
    const t = new IntervalTree<number>();
    t.insert(r(0x100, 0x100), 1);
    t.insert(r(0x200, 0x2ff));
    const a = t.getSuperset(r(0x100, 0x100))!;
    expect([a[0].toString(), a[1]]).toEqual([r(0x100, 0x100).toString(), { kind: "valued", value: 1 }]);
    const b = t.getSuperset(r(0x210, 0x210))!;
    expect([b[0].toString(), b[1]]).toEqual([r(0x200, 0x2ff).toString(), { kind: "free" }]);
    const c = t.getSuperset(r(0x2ff, 0x2ff))!;
    expect(c[0].equals(r(0x200, 0x2ff))).toBe(true);
    const d = t.getSuperset(r(0x200, 0x2ff))!;
    expect(d[0].equals(r(0x200, 0x2ff))).toBe(true);
    // Not contained in one range: undefined.
    expect(t.getSuperset(r(0x2ff, 0x300))).toBeUndefined();
    expect(t.getSuperset(r(0x100, 0x200))).toBeUndefined();
    expect(t.getSuperset(r(0x1ff, 0x200))).toBeUndefined();
    expect(t.getSuperset(r(0x101, 0x101))).toBeUndefined();
    expect(t.getSuperset(r(0, 0))).toBeUndefined();
  });

  it("getById: the data of the valued range containing the point", () => {
    const t = new IntervalTree<number>();
    t.insert(r(0x100, 0x100), 1);
    t.insert(r(0x200, 0x2ff));
    t.insert(r(0x400, 0x4ff), 7);
    expect(t.getById(0x100)).toBe(1);
    expect(t.getById(0x100n)).toBe(1);
    expect(t.getById(0x210)).toBeUndefined(); // free
    expect(t.getById(0x2ff)).toBeUndefined(); // free
    expect(t.getById(0x300)).toBeUndefined(); // not in the tree
    expect(t.getById(0x400)).toBe(7);
    expect(t.getById(0x47f)).toBe(7);
    expect(t.getById(0x4ff)).toBe(7);
    expect(t.getById(0x500)).toBeUndefined();
    const a = t.allocate({ size: 4 })!;
    expect(t.getById(a.min)).toBeUndefined(); // allocated, no data yet
    t.update(a, 9);
    expect(t.getById(a.max)).toBe(9);
  });

  it("insert: a valued range and a free range", () => {
    const t = new IntervalTree<number>();
    expect(t.insert(r(0x100, 0x100), 1)).toBe(t); // chainable
    t.insert(r(0x200, 0x2ff));
    t.checkInvariants();
    expect(dump(t)).toEqual(["100..100 valued=1", "200..2ff free"]);
  });

  it("update: allocate size 2 gives [0x200, 0x201]; update returns the previous data", () => {
    const t = crateFixture<number>();
    const key = t.allocate({ size: 2 });
    expect(key?.toString()).toBe(r(0x200, 0x201).toString());
    expect(t.update(r(0x200, 0x201), 2)).toBeUndefined();
    expect(t.update(r(0x200, 0x201), 3)).toBe(2);
    t.checkInvariants();
    expect(dump(t)).toEqual(["100..100 free", "200..201 valued=3", "202..2ff free"]);
  });

  it("delete: returns the data (or undefined for a free range) and the range disappears", () => {
    const t = new IntervalTree<number>();
    t.insert(r(0x100, 0x100), 1);
    t.insert(r(0x200, 0x2ff));
    expect(t.delete(r(0x100, 0x100))).toBe(1);
    t.checkInvariants();
    expect(t.get(r(0x100, 0x100))).toBeUndefined();
    expect(t.getById(0x100)).toBeUndefined();
    expect(t.delete(r(0x200, 0x2ff))).toBeUndefined();
    t.checkInvariants();
    expect(t.isEmpty()).toBe(true);
    expect(t.stats()).toEqual({ total: 0n, free: 0n, allocated: 0n, largestFree: 0n, freeFragments: 0, ranges: 0 });
  });

  it("allocate size 2 (first match) skips the free range that is too small", () => {
    const t = crateFixture();
    expect(t.allocate({ size: 2 })?.toString()).toBe(r(0x200, 0x201).toString());
    expect(t.allocate({ size: 1 })?.toString()).toBe(r(0x100, 0x100).toString());
    t.checkInvariants();
    expect(dump(t)).toEqual(["100..100 allocated", "200..201 allocated", "202..2ff free"]);
  });
});

describe("states and data", () => {
  it("get returns the shared frozen free/allocated state objects", () => {
    const t = crateFixture();
    expect(t.get(r(0x100, 0x100))).toBe(FREE_STATE);
    const a = t.allocate({ size: 1 })!;
    expect(t.get(a)).toBe(ALLOCATED_STATE);
    expect(Object.isFrozen(FREE_STATE) && Object.isFrozen(ALLOCATED_STATE)).toBe(true);
  });

  it("a valued range inserted directly can be updated and freed (it then merges with free neighbours)", () => {
    const t = new IntervalTree<string>();
    t.insert(r(0x0, 0xff));
    t.insert(r(0x100, 0x1ff), "rom");
    t.insert(r(0x200, 0x2ff));
    t.checkInvariants();
    expect(t.update(r(0x100, 0x1ff), "ram")).toBe("rom");
    expect(t.free(r(0x100, 0x1ff))).toBe("ram");
    t.checkInvariants();
    expect(dump(t)).toEqual(["0..2ff free"]);
  });

  it("free of an allocated range without data returns undefined", () => {
    const t = crateFixture();
    const a = t.allocate({ size: 0x10 })!;
    expect(t.free(a)).toBeUndefined();
    t.checkInvariants();
    expect(dump(t)).toEqual(["100..100 free", "200..2ff free"]);
  });

  it("falsy data (0, '', false, null) is data: the range is valued, not free", () => {
    const t = new IntervalTree<unknown>();
    t.insert(r(0, 0), 0);
    t.insert(r(1, 1), "");
    t.insert(r(2, 2), false);
    t.insert(r(3, 3), null);
    t.checkInvariants();
    expect(dump(t)).toEqual(["0..0 valued=0", "1..1 valued=", "2..2 valued=false", "3..3 valued=null"]);
    expect(t.stats().freeFragments).toBe(0);
    expect(t.getById(0)).toBe(0);
    expect(t.free(r(3, 3))).toBe(null);
    expect(dump(t)).toEqual(["0..0 valued=0", "1..1 valued=", "2..2 valued=false", "3..3 free"]);
  });

  it("accepts plain { min, max } objects and number/bigint mixes wherever a range is taken", () => {
    const t = new IntervalTree<string>();
    t.insert({ min: 0x1000, max: 0x1fffn });
    const a = t.allocate({ size: 0x10 })!;
    expect(t.update({ min: 0x1000n, max: 0x100f }, "x")).toBeUndefined();
    expect(t.get({ min: 0x1000, max: 0x100f })).toEqual({ kind: "valued", value: "x" });
    expect(t.getSuperset({ min: 0x1001, max: 0x1002 })?.[0].equals(a)).toBe(true);
    expect(t.free({ min: 0x1000, max: 0x100fn })).toBe("x");
    expect(dump(t)).toEqual(["1000..1fff free"]);
  });
});

describe("coalescing of free space", () => {
  it("insert of a free range right after a free range merges left", () => {
    const t = new IntervalTree();
    t.insert(r(0x100, 0x1ff));
    t.insert(r(0x200, 0x2ff));
    t.checkInvariants();
    expect(dump(t)).toEqual(["100..2ff free"]);
    expect(t.size).toBe(1);
    expect(t.get(r(0x100, 0x2ff))).toEqual({ kind: "free" });
    expect(t.get(r(0x200, 0x2ff))).toBeUndefined();
  });

  it("insert of a free range right before a free range merges right", () => {
    const t = new IntervalTree();
    t.insert(r(0x200, 0x2ff));
    t.insert(r(0x100, 0x1ff));
    t.checkInvariants();
    expect(dump(t)).toEqual(["100..2ff free"]);
  });

  it("insert of a free range filling the hole between two free ranges merges both sides", () => {
    const t = new IntervalTree();
    t.insert(r(0x100, 0x1ff));
    t.insert(r(0x300, 0x3ff));
    t.insert(r(0x200, 0x2ff));
    t.checkInvariants();
    expect(dump(t)).toEqual(["100..3ff free"]);
    expect(t.stats()).toMatchObject({ total: 0x300n, free: 0x300n, largestFree: 0x300n, freeFragments: 1, ranges: 1 });
  });

  it("single points merge too", () => {
    const t = new IntervalTree();
    t.insert(Range.point(5));
    t.insert(Range.point(7));
    t.insert(Range.point(6));
    t.checkInvariants();
    expect(dump(t)).toEqual(["5..7 free"]);
  });

  it("no merge across a gap of space that is not in the tree", () => {
    const t = new IntervalTree();
    t.insert(r(0x100, 0x1ff));
    t.insert(r(0x201, 0x2ff)); // 0x200 missing
    t.insert(r(0x300, 0x3fe));
    t.insert(r(0x400, 0x4ff)); // 0x3ff missing
    t.checkInvariants();
    expect(dump(t)).toEqual(["100..1ff free", "201..3fe free", "400..4ff free"]);
    expect(t.stats().freeFragments).toBe(3);
  });

  it("no merge of a free insert with allocated or valued neighbours", () => {
    const t = new IntervalTree<string>();
    t.insert(r(0x100, 0x1ff), "a");
    t.insert(r(0x300, 0x3ff), "b");
    t.insert(r(0x200, 0x2ff));
    t.checkInvariants();
    expect(dump(t)).toEqual(["100..1ff valued=a", "200..2ff free", "300..3ff valued=b"]);
  });

  it("a valued insert between free ranges does not merge them", () => {
    const t = new IntervalTree<string>();
    t.insert(r(0x100, 0x1ff));
    t.insert(r(0x300, 0x3ff));
    t.insert(r(0x200, 0x2ff), "v");
    t.checkInvariants();
    expect(dump(t)).toEqual(["100..1ff free", "200..2ff valued=v", "300..3ff free"]);
  });

  it("free merges with the free range on the left only, the right only, both, or neither", () => {
    const t = new IntervalTree();
    t.insert(r(0, 0xfff));
    const a = t.allocateOrThrow({ size: 0x100 }); // [0, ff]
    const b = t.allocateOrThrow({ size: 0x100 }); // [100, 1ff]
    const c = t.allocateOrThrow({ size: 0x100 }); // [200, 2ff]
    const d = t.allocateOrThrow({ size: 0x100 }); // [300, 3ff]
    expect([a, b, c, d].map((x) => x.min)).toEqual([0n, 0x100n, 0x200n, 0x300n]);
    t.checkInvariants();
    expect(dump(t)).toEqual(["0..ff allocated", "100..1ff allocated", "200..2ff allocated", "300..3ff allocated", "400..fff free"]);

    t.free(b); // neighbours a and c are allocated: no merge
    t.checkInvariants();
    expect(dump(t)).toEqual(["0..ff allocated", "100..1ff free", "200..2ff allocated", "300..3ff allocated", "400..fff free"]);

    t.free(d); // merges right with [400, fff]
    t.checkInvariants();
    expect(dump(t)).toEqual(["0..ff allocated", "100..1ff free", "200..2ff allocated", "300..fff free"]);

    t.free(a); // merges right with [100, 1ff]... which is a's right neighbour
    t.checkInvariants();
    expect(dump(t)).toEqual(["0..1ff free", "200..2ff allocated", "300..fff free"]);

    t.free(c); // merges both sides
    t.checkInvariants();
    expect(dump(t)).toEqual(["0..fff free"]);
    expect(t.stats()).toEqual({ total: 0x1000n, free: 0x1000n, allocated: 0n, largestFree: 0x1000n, freeFragments: 1, ranges: 1 });
  });

  it("free merges left only", () => {
    const t = new IntervalTree<string>();
    t.insert(r(0, 0xff));
    t.insert(r(0x200, 0x2ff), "fence");
    const a = t.allocateOrThrow({ size: 0x80, min: 0x80 }); // [80, ff]: free [0, 7f] left of it
    expect(dump(t)).toEqual(["0..7f free", "80..ff allocated", "200..2ff valued=fence"]);
    t.free(a);
    t.checkInvariants();
    expect(dump(t)).toEqual(["0..ff free", "200..2ff valued=fence"]);
  });

  it("free does not merge across a gap", () => {
    const t = new IntervalTree();
    t.insert(r(0x100, 0x1ff));
    t.insert(r(0x201, 0x2ff));
    const a = t.allocateOrThrow({ size: 0x100 });
    expect(a.equals(r(0x100, 0x1ff))).toBe(true);
    t.free(a);
    t.checkInvariants();
    expect(dump(t)).toEqual(["100..1ff free", "201..2ff free"]);
  });
});

describe("delete", () => {
  it("removes an allocated range: its space is gone and never handed out again", () => {
    const t = new IntervalTree();
    t.insert(r(0, 0x2f));
    const a = t.allocateOrThrow({ size: 0x10, min: 0x10 });
    expect(dump(t)).toEqual(["0..f free", "10..1f allocated", "20..2f free"]);
    expect(t.delete(a)).toBeUndefined();
    t.checkInvariants();
    // The two free pieces stay apart: the hole is not space of the pool.
    expect(dump(t)).toEqual(["0..f free", "20..2f free"]);
    expect(t.stats()).toEqual({ total: 0x20n, free: 0x20n, allocated: 0n, largestFree: 0x10n, freeFragments: 2, ranges: 2 });
    expect(t.allocate({ size: 0x11 })).toBeUndefined();
    expect(t.allocate({ size: 1, min: 0x10, max: 0x1f })).toBeUndefined();
    expect(t.getSuperset(Range.point(0x15))).toBeUndefined();
  });

  it("removes a free range entirely", () => {
    const t = crateFixture();
    expect(t.delete(r(0x200, 0x2ff))).toBeUndefined();
    t.checkInvariants();
    expect(dump(t)).toEqual(["100..100 free"]);
    expect(t.allocate({ size: 2 })).toBeUndefined();
  });

  it("the space of a deleted range can be inserted again (and then merges)", () => {
    const t = new IntervalTree();
    t.insert(r(0, 0x2f));
    const a = t.allocateOrThrow({ size: 0x10, min: 0x10 });
    t.delete(a);
    t.insert(a);
    t.checkInvariants();
    expect(dump(t)).toEqual(["0..2f free"]);
  });

  it("a valued range's data goes with it", () => {
    const t = new IntervalTree<string>();
    t.insert(r(0x10, 0x1f), "dev");
    expect(t.delete(r(0x10, 0x1f))).toBe("dev");
    expect(t.getById(0x10)).toBeUndefined();
    t.insert(r(0x10, 0x1f));
    expect(t.get(r(0x10, 0x1f))).toEqual({ kind: "free" });
    t.checkInvariants();
  });
});

describe("iteration and overlapping()", () => {
  function sample(): IntervalTree<string> {
    const t = new IntervalTree<string>();
    // Inserted out of order on purpose.
    t.insert(r(0x500, 0x5ff));
    t.insert(r(0x100, 0x1ff), "a");
    t.insert(r(0x300, 0x3ff));
    t.insert(r(0x200, 0x27f), "b");
    t.insert(r(0x0, 0xf));
    t.checkInvariants();
    return t;
  }

  it("iterates in address order, with entries() and the iterator agreeing", () => {
    const t = sample();
    const viaIterator = [...t].map(([x, s]) => `${x.min.toString(16)} ${s.kind}`);
    const viaEntries = [...t.entries()].map(([x, s]) => `${x.min.toString(16)} ${s.kind}`);
    expect(viaIterator).toEqual(["0 free", "100 valued", "200 valued", "300 free", "500 free"]);
    expect(viaEntries).toEqual(viaIterator);
    expect(t.size).toBe(5);
  });

  it("iterates an empty tree as nothing", () => {
    expect([...new IntervalTree()]).toEqual([]);
    expect([...new IntervalTree().overlapping(r(0, 10))]).toEqual([]);
  });

  it("iterates many ranges in order after splits and merges", () => {
    const t = new IntervalTree();
    t.insert(r(0, 0xffff));
    const got: Range[] = [];
    for (let i = 0; i < 200; i++) got.push(t.allocateOrThrow({ size: 0x10, policy: i % 2 === 0 ? "first-match" : "last-match" }));
    for (let i = 0; i < 200; i += 3) t.free(got[i]!);
    t.checkInvariants();
    const mins = [...t].map(([x]) => x.min);
    const sorted = [...mins].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(mins).toEqual(sorted);
    const list = [...t];
    for (let i = 1; i < list.length; i++) {
      expect(list[i - 1]![0].max < list[i]![0].min).toBe(true);
      // No two adjacent free ranges.
      if (list[i - 1]![1].kind === "free" && list[i]![1].kind === "free") expect(list[i - 1]![0].max + 1n < list[i]![0].min).toBe(true);
    }
    expect(t.size).toBe(list.length);
  });

  it("overlapping() yields every range intersecting the query, in order, and nothing else", () => {
    const t = sample();
    const q = (min: number, max: number) => [...t.overlapping(r(min, max))].map(([x]) => x.min.toString(16));
    expect(q(0x0, 0xffff)).toEqual(["0", "100", "200", "300", "500"]);
    expect(q(0x1ff, 0x200)).toEqual(["100", "200"]); // touches the end of one and the start of the next
    expect(q(0x150, 0x160)).toEqual(["100"]); // inside one range
    expect(q(0x280, 0x2ff)).toEqual([]); // a hole
    expect(q(0x280, 0x300)).toEqual(["300"]);
    expect(q(0x10, 0x10)).toEqual([]);
    expect(q(0xf, 0xf)).toEqual(["0"]);
    expect(q(0x27f, 0x500)).toEqual(["200", "300", "500"]);
    expect(q(0x600, 0x700)).toEqual([]);
    const states = [...t.overlapping(r(0x1ff, 0x200))].map(([, s]) => s);
    expect(states).toEqual([
      { kind: "valued", value: "a" },
      { kind: "valued", value: "b" },
    ]);
  });

  it("overlapping() reaches 2^64-1", () => {
    const t = new IntervalTree();
    t.insert(r(0xffff_ffff_ffff_ff00n, 0xffff_ffff_ffff_ffffn));
    const got = [...t.overlapping(r(0xffff_ffff_ffff_ffffn, 0xffff_ffff_ffff_ffffn))];
    expect(got.length).toBe(1);
    expect(got[0]![0].max).toBe(0xffff_ffff_ffff_ffffn);
  });

  it("toString prints one line per range", () => {
    const t = new IntervalTree<string>();
    t.insert(r(0x10, 0x1f), "uart");
    t.insert(r(0x20, 0x2f));
    expect(t.toString()).toBe(`${r(0x10, 0x1f)} valued uart\n${r(0x20, 0x2f)} free`);
  });

  it("toString prints data that String() cannot convert by its description, never throwing", () => {
    const t = new IntervalTree<unknown>();
    const throwing = {
      toString() {
        throw new Error("no");
      },
    };
    t.insert(r(0x10, 0x1f), Object.create(null));
    t.insert(r(0x20, 0x2f), throwing);
    t.insert(r(0x30, 0x3f), Symbol("irq"));
    expect(t.toString()).toBe(`${r(0x10, 0x1f)} valued object\n${r(0x20, 0x2f)} valued object\n${r(0x30, 0x3f)} valued Symbol(irq)`);
  });
});

describe("stats", () => {
  it("tracks total/free/allocated/largestFree/freeFragments/ranges after each step", () => {
    const t = new IntervalTree<string>();
    expect(t.stats()).toEqual({ total: 0n, free: 0n, allocated: 0n, largestFree: 0n, freeFragments: 0, ranges: 0 });

    t.insert(r(0x1000, 0x1fff));
    expect(t.stats()).toEqual({ total: 0x1000n, free: 0x1000n, allocated: 0n, largestFree: 0x1000n, freeFragments: 1, ranges: 1 });

    t.insert(r(0x4000, 0x43ff));
    expect(t.stats()).toEqual({ total: 0x1400n, free: 0x1400n, allocated: 0n, largestFree: 0x1000n, freeFragments: 2, ranges: 2 });

    t.insert(r(0x3000, 0x30ff), "rom");
    expect(t.stats()).toEqual({ total: 0x1500n, free: 0x1400n, allocated: 0x100n, largestFree: 0x1000n, freeFragments: 2, ranges: 3 });

    const a = t.allocateOrThrow({ size: 0x800, min: 0x1400 }); // [1400, 1bff]
    expect(a.equals(r(0x1400, 0x1bff))).toBe(true);
    expect(t.stats()).toEqual({ total: 0x1500n, free: 0xc00n, allocated: 0x900n, largestFree: 0x400n, freeFragments: 3, ranges: 5 });

    const b = t.allocateOrThrow({ size: 0x400, policy: "best-fit" }); // one of the 0x400 pieces: the lowest, [1000, 13ff]
    expect(b.equals(r(0x1000, 0x13ff))).toBe(true);
    expect(t.stats()).toEqual({ total: 0x1500n, free: 0x800n, allocated: 0xd00n, largestFree: 0x400n, freeFragments: 2, ranges: 5 });

    t.update(b, "dev");
    expect(t.stats()).toEqual({ total: 0x1500n, free: 0x800n, allocated: 0xd00n, largestFree: 0x400n, freeFragments: 2, ranges: 5 });

    expect(t.free(a)).toBeUndefined(); // merges right with [1c00, 1fff]
    expect(t.stats()).toEqual({ total: 0x1500n, free: 0x1000n, allocated: 0x500n, largestFree: 0xc00n, freeFragments: 2, ranges: 4 });

    expect(t.delete(r(0x3000, 0x30ff))).toBe("rom");
    expect(t.stats()).toEqual({ total: 0x1400n, free: 0x1000n, allocated: 0x400n, largestFree: 0xc00n, freeFragments: 2, ranges: 3 });

    expect(t.free(b)).toBe("dev");
    expect(t.stats()).toEqual({ total: 0x1400n, free: 0x1400n, allocated: 0n, largestFree: 0x1000n, freeFragments: 2, ranges: 2 });
    expect(dump(t)).toEqual(["1000..1fff free", "4000..43ff free"]);
    t.checkInvariants();
  });

  it("largestFree is 0 when everything is taken", () => {
    const t = new IntervalTree();
    t.insert(r(0, 0xff));
    t.allocateOrThrow({ size: 0x100 });
    expect(t.stats()).toEqual({ total: 0x100n, free: 0n, allocated: 0x100n, largestFree: 0n, freeFragments: 0, ranges: 1 });
  });
});

describe("clone()", () => {
  it("is an independent deep copy in both directions", () => {
    const t = new IntervalTree<string>();
    t.insert(r(0, 0xfff));
    const a = t.allocateOrThrow({ size: 0x100 });
    t.update(a, "a");
    const c = t.clone();
    c.checkInvariants();
    expect(dump(c)).toEqual(dump(t));
    expect(c.stats()).toEqual(t.stats());

    // Change the clone: the original does not move.
    const b = c.allocateOrThrow({ size: 0x100 });
    expect(c.update(a, "a2")).toBe("a");
    c.checkInvariants();
    expect(dump(t)).toEqual(["0..ff valued=a", "100..fff free"]);
    expect(dump(c)).toEqual(["0..ff valued=a2", "100..1ff allocated", "200..fff free"]);

    // Change the original: the clone does not move.
    expect(t.free(a)).toBe("a");
    t.insert(r(0x1000, 0x1fff));
    t.checkInvariants();
    expect(dump(t)).toEqual(["0..1fff free"]);
    expect(dump(c)).toEqual(["0..ff valued=a2", "100..1ff allocated", "200..fff free"]);
    expect(c.getById(0x10)).toBe("a2");
    expect(t.getById(0x10)).toBeUndefined();
    expect(c.free(b)).toBeUndefined();
    c.checkInvariants();
  });

  it("copies a tree after best fit (its size index) independently too", () => {
    const t = new IntervalTree();
    t.insert(r(0, 0xff));
    t.insert(r(0x200, 0x20f));
    expect(t.allocate({ size: 4, policy: "best-fit" })?.min).toBe(0x200n);
    const c = t.clone();
    expect(c.allocate({ size: 8, policy: "best-fit" })?.min).toBe(0x204n);
    expect(t.allocate({ size: 0xc, policy: "best-fit" })?.min).toBe(0x204n);
    expect(c.allocate({ size: 4, policy: "best-fit" })?.min).toBe(0x20cn);
    t.checkInvariants();
    c.checkInvariants();
    expect(dump(t)).toEqual(["0..ff free", "200..203 allocated", "204..20f allocated"]);
    expect(dump(c)).toEqual(["0..ff free", "200..203 allocated", "204..20b allocated", "20c..20f allocated"]);
  });

  it("clones an empty tree", () => {
    const c = new IntervalTree().clone();
    expect(c.isEmpty()).toBe(true);
    c.insert(r(1, 2));
    expect(c.size).toBe(1);
  });
});

describe("capacity", () => {
  it("grows past the initial capacity with every range intact", () => {
    const t = new IntervalTree<number>({ initialCapacity: 1 });
    for (let i = 0; i < 100; i++) t.insert(r(i * 4, i * 4 + 1), i);
    t.checkInvariants();
    expect(t.size).toBe(100);
    expect(t.getById(99 * 4 + 1)).toBe(99);
    expect(t.getById(2)).toBeUndefined();
    expect(t.stats().total).toBe(200n);
  });
});
