import { describe, expect, it } from "vitest";
import { Range } from "@alloc/constraint";
import { BitmapModel, FreeListModel, checkTree, contents, smallDomain } from "@alloc/testing";
import type { AllocatorUnderTest } from "@alloc/testing";

const models: Array<[string, () => AllocatorUnderTest<string>]> = [
  ["FreeListModel", () => new FreeListModel<string>()],
  ["BitmapModel", () => new BitmapModel<string>(0x400)],
];

describe.each(models)("%s", (_name, make) => {
  it("reproduces the crate's worked example", () => {
    const m = make();
    m.insert(new Range(0x100, 0x100));
    m.insert(new Range(0x200, 0x2ff));
    const r = m.allocate({ size: 8, align: 8, min: 0x211, max: 0x21f });
    expect(r && [r.min, r.max]).toEqual([0x218n, 0x21fn]);
    expect(contents(m.entries())).toEqual([
      [0x100n, 0x100n, "free", undefined],
      [0x200n, 0x217n, "free", undefined],
      [0x218n, 0x21fn, "allocated", undefined],
      [0x220n, 0x2ffn, "free", undefined],
    ]);
    m.checkInvariants();
  });

  it("places by policy: first, last (aligned down) and best fit (smallest range, then lowest)", () => {
    const m = make();
    m.insert(new Range(0x000, 0x0ff)); // 256
    m.insert(new Range(0x100, 0x100), "wall");
    m.insert(new Range(0x101, 0x11f)); // 31: best fit for size 16
    m.insert(new Range(0x120, 0x120), "wall");
    m.insert(new Range(0x121, 0x13f)); // 31, higher: loses the tie
    m.insert(new Range(0x140, 0x140), "wall");
    m.insert(new Range(0x141, 0x3ff));
    expect(m.allocate({ size: 16, policy: "best-fit" })?.min).toBe(0x101n);
    expect(m.allocate({ size: 16, align: 16, policy: "last-match" })?.min).toBe(0x3f0n);
    expect(m.allocate({ size: 16, align: 16 })?.min).toBe(0n);
    expect(m.allocate({ size: 0x300 })).toBeUndefined();
    m.checkInvariants();
  });

  it("coalesces free space on insert and on free, and refuses a double free", () => {
    const m = make();
    m.insert(new Range(0x10, 0x1f));
    m.insert(new Range(0x30, 0x3f));
    m.insert(new Range(0x20, 0x2f));
    expect(contents(m.entries())).toEqual([[0x10n, 0x3fn, "free", undefined]]);
    const a = m.allocate({ size: 4, min: 0x20 })!;
    m.update(a, "dev");
    expect(m.getById(0x22)).toBe("dev");
    expect(m.free(a)).toBe("dev");
    expect(contents(m.entries())).toEqual([[0x10n, 0x3fn, "free", undefined]]);
    expect(() => m.free(new Range(0x10, 0x3f))).toThrow(expect.objectContaining({ code: "NOT_ALLOCATED" }));
    expect(m.stats()).toEqual({ total: 0x30n, free: 0x30n, allocated: 0n, largestFree: 0x30n, freeFragments: 1, ranges: 1 });
  });
});

describe("a model refuses a receiver its constructor did not build", () => {
  const cases: Array<[string, object, () => AllocatorUnderTest<string>]> = [
    ["FreeListModel", FreeListModel.prototype, () => new FreeListModel<string>()],
    ["BitmapModel", BitmapModel.prototype, () => new BitmapModel<string>(0x100)],
  ];
  it.each(cases)("%s: every method and getter, for a forged object and for null", (name, proto, make) => {
    const forged = Object.create(proto) as object;
    const members = Object.getOwnPropertyNames(proto).filter((k) => k !== "constructor");
    expect(members.length).toBeGreaterThanOrEqual(16);
    for (const receiver of [forged, null, { list: [] }]) {
      for (const key of [...members, Symbol.iterator]) {
        const d = Object.getOwnPropertyDescriptor(proto, key)!;
        const fn = (d.get ?? d.value) as (...a: unknown[]) => unknown;
        // Valid arguments: only the receiver is wrong.
        const args = key === "allocate" || key === "allocateOrThrow" ? [{ size: 1 }] : key === "getById" ? [0] : [{ min: 0, max: 0 }, "x"];
        let caught: unknown;
        try {
          fn.apply(receiver, args);
        } catch (e) {
          caught = e;
        }
        expect(caught, `${name}.${String(key)}`).toMatchObject({ code: "INVALID_ARGUMENT", details: { argument: "this" } });
      }
    }
    // A real one is unaffected, and a BitmapModel's cells cannot be changed from outside.
    const m = make();
    m.insert({ min: 0, max: 0xf });
    expect(m.allocate({ size: 4 })?.toString()).toBe(new Range(0, 3).toString());
    if (m instanceof BitmapModel) {
      expect(Object.keys(m)).toEqual([]);
      expect(() => {
        (m as unknown as { cells: number }).cells = 1 << 30;
      }).toThrow(TypeError);
      expect(m.cells).toBe(0x100);
    }
  });
});

describe("the two models agree", { timeout: 60_000 }, () => {
  it("BitmapModel (as the target) against FreeListModel on a 64-unit domain", () => {
    const r = checkTree(() => new BitmapModel<unknown>(64), { model: "freelist", profile: smallDomain(64), numRuns: 300 });
    expect(r.message).toContain("0 divergences");
  });
  it("FreeListModel (as the target) against BitmapModel on a 256-unit domain", () => {
    const r = checkTree(() => new FreeListModel<unknown>(), { model: "bitmap", profile: smallDomain(256), numRuns: 200 });
    expect(r.message).toContain("0 divergences");
  });
  it("FreeListModel handles the whole 64-bit domain exactly", () => {
    const m = new FreeListModel<number>();
    m.insert({ min: 0n, max: 2n ** 64n - 1n });
    expect(m.stats().total).toBe(2n ** 64n);
    const top = m.allocate({ size: 1, policy: "last-match" })!;
    expect(top.min).toBe(2n ** 64n - 1n);
    const big = m.allocate({ size: 2n ** 63n, align: 2n ** 63n })!;
    expect([big.min, big.max]).toEqual([0n, 2n ** 63n - 1n]);
    expect(m.allocate({ size: 2n ** 63n })).toBeUndefined();
    m.checkInvariants();
  });
});
