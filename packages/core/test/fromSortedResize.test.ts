/**
 * Examples and property tests of the bulk builder `fromSorted` (against
 * building the same entries by insert) and of `resize` (against a naive
 * resize on FreeListModel: free, then allocate exactly, then restore the data).
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { FREE_STATE, IntervalTree, Range, exactly, isAllocError, valuedState } from "@alloc/core";
import type { NodeState } from "@alloc/core";
import { FreeListModel, contents } from "@alloc/testing";

const TOP = 0xffff_ffff_ffff_ffffn;

type Kind = "free" | "allocated" | "valued";
interface Piece {
  gap: bigint;
  length: bigint;
  kind: Kind;
}

const piece = fc.record({
  gap: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 0x100n }), fc.bigInt({ min: 0n, max: 2n ** 60n })),
  length: fc.oneof(fc.bigInt({ min: 1n, max: 0x40n }), fc.bigInt({ min: 1n, max: 2n ** 58n })),
  kind: fc.constantFrom<Kind>("free", "allocated", "valued"),
});

function layout(pieces: readonly Piece[], start: bigint): [Range, NodeState<number>][] {
  const out: [Range, NodeState<number>][] = [];
  let at = start;
  pieces.forEach((p, i) => {
    const min = at + p.gap;
    const max = min + p.length - 1n;
    if (max > TOP) return;
    out.push([new Range(min, max), p.kind === "valued" ? { kind: "valued", value: i } : { kind: p.kind }]);
    at = max + 1n;
  });
  return out;
}

function byInsert(entries: readonly [Range, NodeState<number>][]): IntervalTree<number> {
  const t = new IntervalTree<number>();
  for (const [r, s] of entries) {
    if (s.kind === "valued") t.insert(r, s.value);
    else t.insert(r);
  }
  for (const [r, s] of entries) if (s.kind === "allocated") t.allocateOrThrow(exactly(r.min, r.size));
  return t;
}

describe("fromSorted", () => {
  it("coalesces adjacent free entries and keeps states and values", () => {
    const t = IntervalTree.fromSorted<string>([
      [{ min: 0, max: 0xff }, { kind: "free" }],
      [new Range(0x100, 0x1ff), { kind: "free" }],
      [new Range(0x200, 0x2ff), { kind: "valued", value: "dev" }],
      [{ min: 0x300n, max: 0x3ffn }, { kind: "allocated" }],
      [new Range(0x500, TOP), { kind: "free" }],
    ]);
    expect(t.toString().split("\n")).toEqual([
      "[0x0000000000000000, 0x00000000000001ff] free",
      "[0x0000000000000200, 0x00000000000002ff] valued dev",
      "[0x0000000000000300, 0x00000000000003ff] allocated",
      "[0x0000000000000500, 0xffffffffffffffff] free",
    ]);
    t.checkInvariants();
    expect(t.stats().freeFragments).toBe(2);
    expect(t.free(new Range(0x300, 0x3ff))).toBe(undefined);
    expect(t.allocate({ size: 0x100, min: 0x200 })?.toString()).toBe("[0x0000000000000300, 0x00000000000003ff]");
  });

  it("an empty iterable gives an empty tree that works", () => {
    const t = IntervalTree.fromSorted([]);
    expect(t.isEmpty()).toBe(true);
    t.insert(new Range(0, 9));
    t.checkInvariants();
  });

  it("takes options like the constructor", () => {
    expect(IntervalTree.fromSorted([], { initialCapacity: 1000 }).size).toBe(0);
    expect(() => IntervalTree.fromSorted([], { initialCapcity: 1 } as never)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }) as Error);
  });

  it("a copy of any tree by fromSorted(entries()) equals it and behaves the same (property)", () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 80 }), fc.bigInt({ min: 0n, max: TOP }), (pieces, start) => {
        const entries = layout(pieces, start);
        const built = IntervalTree.fromSorted(entries);
        const inserted = byInsert(entries);
        built.checkInvariants();
        expect(contents(built.entries())).toEqual(contents(inserted.entries()));
        expect(built.stats()).toEqual(inserted.stats());
        const copy = IntervalTree.fromSorted(built.entries());
        expect(copy.toString()).toBe(built.toString());
        for (const policy of ["first-match", "last-match", "best-fit"] as const) {
          expect(String(built.allocate({ size: 3, align: 4, policy }))).toBe(String(inserted.allocate({ size: 3, align: 4, policy })));
        }
        built.checkInvariants();
      }),
      { numRuns: 300 },
    );
  });

  it("builds 100,000 entries in linear time with a balanced tree", () => {
    const entries: [Range, NodeState<number>][] = [];
    for (let i = 0; i < 100_000; i++) entries.push([Range.withSize(i * 0x20, 0x10), i % 2 === 0 ? { kind: "allocated" } : { kind: "valued", value: i }]);
    const t = IntervalTree.fromSorted(entries);
    expect(t.size).toBe(100_000);
    t.checkInvariants();
  });
});

/** The naive resize on the model: checks in the tree's order, then free + exact allocate + update. */
function modelResize(m: FreeListModel<number>, r: Range, size: bigint): string {
  if (size === 0n) return "INVALID_SIZE";
  const st = m.get(r);
  if (st === undefined) return "NOT_FOUND";
  if (st.kind === "free") return "NOT_ALLOCATED";
  const max = r.min + size - 1n;
  if (max > TOP) return "NO_FIT";
  if (max > r.max) {
    const after = m.getSuperset({ min: r.max + 1n, max });
    if (after === undefined || after[1].kind !== "free") return "NO_FIT";
  }
  m.free(r);
  const got = m.allocate(exactly(r.min, size))!;
  if (st.kind === "valued") m.update(got, st.value);
  return got.toString();
}

describe("resize", () => {
  it("grows into the free range after it, and shrinks giving the tail back", () => {
    const t = new IntervalTree<string>();
    t.insert(new Range(0, 0xfff));
    const r = t.allocate({ size: 0x100 })!;
    t.update(r, "dev");
    const grown = t.resize(r, 0x300);
    expect(grown.toString()).toBe("[0x0000000000000000, 0x00000000000002ff]");
    expect(t.get(grown)).toEqual({ kind: "valued", value: "dev" });
    expect(t.stats().free).toBe(0xd00n);
    const shrunk = t.resize(grown, 0x10);
    expect(t.toString().split("\n")).toEqual(["[0x0000000000000000, 0x000000000000000f] valued dev", "[0x0000000000000010, 0x0000000000000fff] free"]);
    expect(t.free(shrunk)).toBe("dev");
    t.checkInvariants();
  });

  it("grows to exactly the end of the free neighbour, removing it", () => {
    const t = new IntervalTree();
    t.insert(new Range(0, 0xff));
    const r = t.allocate({ size: 0x10 })!;
    expect(t.resize(r, 0x100).toString()).toBe("[0x0000000000000000, 0x00000000000000ff]");
    expect(t.size).toBe(1);
    t.checkInvariants();
  });

  it("shrinking before an allocated neighbour creates a free tail; the same size changes nothing", () => {
    const t = new IntervalTree();
    t.insert(new Range(0, 0xff));
    const a = t.allocate({ size: 0x80 })!;
    t.allocate({ size: 0x80 });
    const before = t.toString();
    expect(t.resize(a, 0x80).equals(a)).toBe(true);
    expect(t.toString()).toBe(before);
    t.resize(a, 0x40);
    expect(t.get(new Range(0x40, 0x7f))).toEqual({ kind: "free" });
    t.checkInvariants();
  });

  it("the returned Range finds its node again at once (its locator is valid)", () => {
    const t = new IntervalTree();
    t.insert(new Range(0, 0xffff));
    const r = t.resize(t.allocate({ size: 0x10 })!, 0x20);
    expect(Range.hintOf(r)).not.toBe(0);
    t.free(r);
    expect(t.size).toBe(1);
  });

  it("agrees with a naive resize on FreeListModel, with best-fit's size index in step (property)", () => {
    const op = fc.oneof(
      fc.record({
        op: fc.constant("alloc" as const),
        size: fc.bigInt({ min: 1n, max: 0x40n }),
        policy: fc.constantFrom("first-match" as const, "last-match" as const, "best-fit" as const),
      }),
      fc.record({ op: fc.constant("resize" as const), pick: fc.nat(), size: fc.oneof(fc.bigInt({ min: 0n, max: 0x80n }), fc.constant(TOP)) }),
      fc.record({ op: fc.constant("free" as const), pick: fc.nat() }),
      fc.record({ op: fc.constant("value" as const), pick: fc.nat(), value: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const t = new IntervalTree<number>();
        const m = new FreeListModel<number>();
        for (const x of [t, m]) {
          x.insert({ min: 0n, max: 0x3ffn });
          x.insert({ min: TOP - 0xffn, max: TOP });
        }
        const held: Range[] = [];
        for (const o of ops) {
          if (o.op === "alloc") {
            const a = t.allocate({ size: o.size, policy: o.policy });
            const b = m.allocate({ size: o.size, policy: o.policy });
            expect(String(a)).toBe(String(b));
            if (a !== undefined) held.push(a);
          } else if (held.length > 0) {
            const i = o.pick % held.length;
            const r = held[i]!;
            if (o.op === "free") {
              expect(t.free(r)).toBe(m.free(r));
              held.splice(i, 1);
            } else if (o.op === "value") {
              expect(t.update(r, o.value)).toBe(m.update(r, o.value));
            } else {
              const expected = modelResize(m, r, o.size);
              let actual: string;
              try {
                const n = t.resize(r, o.size);
                actual = n.toString();
                held[i] = n;
              } catch (e) {
                if (!isAllocError(e)) throw e;
                actual = e.code;
              }
              expect(actual).toBe(expected);
            }
          }
          expect(contents(t.entries())).toEqual(contents(m.entries()));
          expect(t.stats()).toEqual(m.stats());
        }
        t.checkInvariants();
      }),
      { numRuns: 300 },
    );
  });
});

describe("valuedState", () => {
  it("is a frozen valued state that fromSorted takes without reading it again, and what entries() yields", () => {
    const s = valuedState("uart");
    expect(s).toEqual({ kind: "valued", value: "uart" });
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.keys(s)).toEqual(["kind", "value"]);
    const tree = IntervalTree.fromSorted([
      [new Range(0, 0xff), FREE_STATE],
      [new Range(0x100, 0x1ff), s],
    ]);
    expect(tree.getById(0x180)).toBe("uart");
    const [, st] = [...tree.entries()][1]!;
    expect(st).toEqual(s);
    expect(Object.isFrozen(st)).toBe(true);
    // An undefined value is still a value: the range is valued, not allocated.
    const copy = IntervalTree.fromSorted([[new Range(0, 0xf), valuedState(undefined)]]);
    expect(copy.get(new Range(0, 0xf))).toEqual({ kind: "valued", value: undefined });
  });

  it("recognises only states it made: look-alikes are read as plain states", () => {
    const real = valuedState(7);
    const forged = Object.create(Object.getPrototypeOf(real)) as object;
    const e = (() => {
      try {
        IntervalTree.fromSorted([[new Range(0, 0xf), forged as NodeState<number>]]);
      } catch (err) {
        return err;
      }
    })();
    expect(isAllocError(e) && e.code).toBe("INVALID_ARGUMENT");
    expect(isAllocError(e) && e.details.argument).toBe("entries[0][1].kind");
    // A proxy of a real one has no brand: its fields are read, once each.
    const reads: string[] = [];
    const proxy = new Proxy(real, {
      get(t, k, r) {
        reads.push(String(k));
        return Reflect.get(t, k, r);
      },
    });
    expect(IntervalTree.fromSorted([[new Range(0, 0xf), proxy]]).getById(3)).toBe(7);
    expect(reads.filter((k) => k === "kind" || k === "value").sort()).toEqual(["kind", "value"]);
  });

  it("reads each iterator step once inside the boundary: a throwing `value` getter or a step that is not an object is a typed error", () => {
    const boom = new Error("boom");
    const steps = (answer: () => unknown): Iterable<never> => ({
      [Symbol.iterator]: () => ({ next: answer as () => IteratorResult<never> }),
    });
    const refused = (entries: Iterable<never>): { code: unknown; path: unknown; message: string; cause: unknown } => {
      try {
        IntervalTree.fromSorted(entries);
      } catch (e) {
        if (!isAllocError(e)) throw e;
        return { code: e.code, path: e.details.path, message: e.message, cause: e.cause };
      }
      throw new Error("not refused");
    };
    const getter = refused(
      steps(() => ({
        done: false,
        get value() {
          throw boom;
        },
      })),
    );
    expect(getter).toEqual({ code: "INVALID_ARGUMENT", path: "entries[0]", message: "fromSorted: reading entries[0] threw", cause: boom });
    const notAStep = refused(steps(() => 5));
    expect(notAStep.code).toBe("INVALID_ARGUMENT");
    expect(notAStep.message).toBe("fromSorted: the entries iterator gave number 5 for entries[0], not an iterator result");
    // `done` and `value` are read once each per step.
    const reads: string[] = [];
    let n = 0;
    const counted = steps(() => {
      const done = n++ === 1;
      return new Proxy(
        { done, value: done ? undefined : [new Range(0, 0xf), FREE_STATE] },
        {
          get(t, k, r) {
            reads.push(String(k));
            return Reflect.get(t, k, r);
          },
        },
      );
    });
    expect([...IntervalTree.fromSorted(counted).entries()].length).toBe(1);
    expect(reads).toEqual(["done", "value", "done"]);
  });
});
