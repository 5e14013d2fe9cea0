/**
 * `IntervalTree.fromTaken`: examples for each documented rule and error, and
 * a property test against a naive build of the same pool by `insert` (space
 * as free ranges, then each taken range allocated exactly and valued).
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { IntervalTree, Range, exactly } from "@alloc/core";
import { contents } from "@alloc/testing";
import { MAX, dump, expectAllocError } from "./treeHelpers.js";

/** The same pool by insert and exact allocations (the naive model). */
function byHand<T>(space: readonly Range[], taken: readonly Range[], values?: readonly (T | undefined)[]): IntervalTree<T> {
  const t = new IntervalTree<T>();
  for (const s of space) t.insert(s);
  taken.forEach((r, i) => {
    const got = t.allocate(exactly(r.min, r.size), values?.[i]);
    expect(got?.equals(r)).toBe(true);
  });
  return t;
}

describe("fromTaken", () => {
  it("tiles the space: free gaps, allocated and valued ranges, touching space merged", () => {
    const space = [new Range(0, 0xff), new Range(0x100, 0x1ff), new Range(0x400, 0x4ff)];
    const taken = [new Range(0x10, 0x1f), new Range(0x20, 0x2f), new Range(0xf0, 0x10f), new Range(0x4f0, 0x4ff)];
    const t = IntervalTree.fromTaken(space, taken, ["a", undefined, "b", "c"]);
    expect(dump(t)).toEqual([
      "0..f free",
      "10..1f valued=a",
      "20..2f allocated",
      "30..ef free",
      "f0..10f valued=b",
      "110..1ff free",
      "400..4ef free",
      "4f0..4ff valued=c",
    ]);
    t.checkInvariants();
    expect(t.stats()).toEqual({ total: 0x300n, free: 0x2b0n, allocated: 0x50n, largestFree: 0xf0n, freeFragments: 4, ranges: 8 });
    // The pool works: it frees and allocates where the model says.
    expect(t.free(new Range(0x10, 0x1f))).toBe("a");
    expect(t.allocate({ size: 0x20 })?.equals(new Range(0, 0x1f))).toBe(true);
  });

  it("no values: every taken range is allocated; no taken: all space free; nothing: an empty tree", () => {
    expect(dump(IntervalTree.fromTaken([new Range(0, 9)], [new Range(2, 3)]))).toEqual(["0..1 free", "2..3 allocated", "4..9 free"]);
    expect(dump(IntervalTree.fromTaken([new Range(5, 9), new Range(10, 12)], []))).toEqual(["5..c free"]);
    const empty = IntervalTree.fromTaken([], []);
    expect(empty.size).toBe(0);
    empty.insert(new Range(0, 1));
    expect(empty.size).toBe(1);
  });

  it("reaches both ends of the 64-bit domain exactly", () => {
    const t = IntervalTree.fromTaken([new Range(0, MAX)], [new Range(0, 0), new Range(MAX - 1n, MAX)], [1, 2]);
    expect(dump(t)).toEqual(["0..0 valued=1", `1..${(MAX - 2n).toString(16)} free`, `${(MAX - 1n).toString(16)}..${MAX.toString(16)} valued=2`]);
    t.checkInvariants();
    expect(t.getById(MAX)).toBe(2);
    expect(t.getById(1n)).toBeUndefined();
  });

  it("takes range-likes, each read once", () => {
    let reads = 0;
    const counted = {
      get min() {
        reads++;
        return 4;
      },
      max: 7,
    };
    const t = IntervalTree.fromTaken([{ min: 0, max: 0xf }], [counted], ["x"]);
    expect(reads).toBe(1);
    expect(dump(t)).toEqual(["0..3 free", "4..7 valued=x", "8..f free"]);
  });

  it("refuses what it cannot tile, naming the element, and builds nothing", () => {
    const space = [new Range(0, 0xff), new Range(0x200, 0x2ff)];
    const cases: [() => unknown, string, string][] = [
      [() => IntervalTree.fromTaken(space, [new Range(0x10, 0x1f), new Range(0x18, 0x20)]), "OVERLAP", "taken[1]"],
      [() => IntervalTree.fromTaken(space, [new Range(0x10, 0x1f), new Range(0x0, 0x1)]), "INVALID_ARGUMENT", "taken[1]"],
      [() => IntervalTree.fromTaken(space, [new Range(0x100, 0x1ff)]), "INVALID_ARGUMENT", "taken[0]"],
      [() => IntervalTree.fromTaken(space, [new Range(0xf0, 0x10f)]), "INVALID_ARGUMENT", "taken[0]"],
      [() => IntervalTree.fromTaken(space, [new Range(0x300, 0x300)]), "INVALID_ARGUMENT", "taken[0]"],
      [() => IntervalTree.fromTaken(space, [new Range(0x1, 0x1), { min: 5, max: 4 }]), "INVALID_RANGE", "taken[1]"],
      [() => IntervalTree.fromTaken(space, [{ min: "5", max: 6 } as never]), "INVALID_VALUE", "taken[0]"],
      [() => IntervalTree.fromTaken([new Range(0x10, 0x1f), new Range(0x1f, 0x30)], []), "INVALID_ARGUMENT", "space[1]"],
      [() => IntervalTree.fromTaken([new Range(0x10, 0x1f), new Range(0x0, 0x1)], []), "INVALID_ARGUMENT", "space[1]"],
    ];
    for (const [call, code, path] of cases) {
      const e = expectAllocError(call, code as never);
      expect(e.details.path, e.message).toBe(path);
      expect(e.message).toContain(path);
      expect(e.message).not.toContain("\n");
    }
    expect(expectAllocError(() => IntervalTree.fromTaken(space, [new Range(1, 1)], []), "INVALID_ARGUMENT").details.argument).toBe("values");
    expect(expectAllocError(() => IntervalTree.fromTaken("x" as never, []), "INVALID_ARGUMENT").details.argument).toBe("space");
    expect(expectAllocError(() => IntervalTree.fromTaken([], null as never), "INVALID_ARGUMENT").details.argument).toBe("taken");
    const trap = new Proxy([new Range(0, 1)], {
      get(target, key) {
        if (key === "0") throw new Error("boom");
        return Reflect.get(target, key);
      },
    });
    // Lists are read like every list of the project (readArray): the message names the element, the path the list.
    const e = expectAllocError(() => IntervalTree.fromTaken(space, trap), "INVALID_ARGUMENT");
    expect(e.message).toBe("fromTaken: taken: reading element 0 threw");
    expect(e.details.path).toBe("taken");
    const { proxy: revoked, revoke } = Proxy.revocable([], {});
    revoke();
    const r = expectAllocError(() => IntervalTree.fromTaken(space, revoked), "INVALID_ARGUMENT");
    expect(r.message).toBe("fromTaken: taken is a revoked proxy");
    expect(r.details.argument).toBe("taken");
    expect(r.details.path).toBe("taken");
    const entry = expectAllocError(() => IntervalTree.fromSorted([revoked as never]), "INVALID_ARGUMENT");
    expect(entry.details.path).toBe("entries[0]");
    expect(entry.message).toBe("fromSorted: entries[0] is a revoked proxy");
  });

  it("reads each list's length once and refuses one no array has", () => {
    const space = [new Range(0, 0xff)];
    const lying = (list: unknown[], length: unknown): unknown[] => new Proxy(list, { get: (t, k, r) => (k === "length" ? length : Reflect.get(t, k, r)) });
    for (const length of [Number.NaN, -1, "1", 1.5, 2 ** 40, undefined]) {
      for (const [name, call] of [
        ["space", () => IntervalTree.fromTaken(lying([new Range(0, 0xff)], length) as never, [])],
        ["taken", () => IntervalTree.fromTaken(space, lying([new Range(1, 2)], length) as never)],
        ["values", () => IntervalTree.fromTaken(space, [new Range(1, 2)], lying(["a"], length))],
      ] as const) {
        const e = expectAllocError(call, "INVALID_ARGUMENT");
        expect(e.message).toMatch(new RegExp(`^fromTaken: ${name} has a length that no array has: `));
        expect(e.details.path).toBe(name);
      }
    }
    let reads = 0;
    const counted = new Proxy([new Range(1, 2)], {
      get: (t, k, r) => {
        if (k === "length" || k === "0") reads++;
        return Reflect.get(t, k, r);
      },
    });
    expect([...IntervalTree.fromTaken(space, counted).entries()].map(([r, st]) => `${r.min}-${r.max}:${st.kind}`)).toEqual([
      "0-0:free",
      "1-2:allocated",
      "3-255:free",
    ]);
    expect(reads).toBe(2);
  });

  it("gives the reason a misplaced taken range fails without the argument's name, for callers that name it their own way", () => {
    const space = [new Range(0, 0xff), new Range(0x200, 0x2ff)];
    const cases: [readonly Range[], "OVERLAP" | "INVALID_ARGUMENT", string][] = [
      [
        [new Range(0x10, 0x1f), new Range(0x18, 0x20)],
        "OVERLAP",
        "[0x0000000000000018, 0x0000000000000020] overlaps the range before it, [0x0000000000000010, 0x000000000000001f]",
      ],
      [
        [new Range(0x10, 0x1f), new Range(0x0, 0x1)],
        "INVALID_ARGUMENT",
        "[0x0000000000000000, 0x0000000000000001] comes before [0x0000000000000010, 0x000000000000001f]; taken ranges must be in ascending order",
      ],
      [[new Range(0x100, 0x1ff)], "INVALID_ARGUMENT", "[0x0000000000000100, 0x00000000000001ff] lies outside the pool"],
      [[new Range(0xf0, 0x10f)], "INVALID_ARGUMENT", "[0x00000000000000f0, 0x000000000000010f] runs past the end of the pool range it starts in"],
    ];
    for (const [taken, code, reason] of cases) {
      const e = expectAllocError(() => IntervalTree.fromTaken(space, taken), code);
      expect(e.details.reason).toBe(reason);
      expect(e.message).toBe(`fromTaken: ${e.details.path} ${reason}`);
    }
    // A bad range is not a tiling problem: no reason, the message names the element.
    expect(expectAllocError(() => IntervalTree.fromTaken(space, [{ min: 5, max: 4 }]), "INVALID_RANGE").details.reason).toBeUndefined();
  });

  it("builds the same pool as insert and exact allocations, and behaves the same after (property)", () => {
    const layout = fc
      .array(fc.record({ gap: fc.bigInt({ min: 0n, max: 0x40n }), length: fc.bigInt({ min: 1n, max: 0x40n }), taken: fc.nat(3) }), { maxLength: 40 })
      .chain((pieces) => fc.tuple(fc.constant(pieces), fc.bigInt({ min: 0n, max: MAX - 0x10000n }), fc.boolean()));
    fc.assert(
      fc.property(layout, ([pieces, start, high]) => {
        const base = high ? MAX - 0x4000n : start;
        const space: Range[] = [];
        const taken: Range[] = [];
        const values: (number | undefined)[] = [];
        let at = base;
        pieces.forEach((p, i) => {
          const min = at + p.gap;
          const max = min + p.length - 1n;
          if (max > MAX) return;
          space.push(new Range(min, max));
          // Up to two taken ranges inside each space range, sometimes spanning into the next one.
          if (p.taken > 0 && p.length > 2n) {
            taken.push(new Range(min + 1n, min + 1n));
            values.push(p.taken === 1 ? undefined : i);
          }
          at = max + 1n;
        });
        const built = IntervalTree.fromTaken(space, taken, values);
        built.checkInvariants();
        const model = byHand(space, taken, values);
        expect(contents(built)).toEqual(contents(model));
        expect(built.stats()).toEqual(model.stats());
        const c = { size: 1, align: 1 };
        expect(built.allocate(c)?.toString()).toBe(model.allocate(c)?.toString());
        built.checkInvariants();
      }),
      { numRuns: 300 },
    );
  });
});
