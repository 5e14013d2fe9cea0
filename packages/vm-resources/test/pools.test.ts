import { Constraint, Range } from "@alloc/constraint";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IdPool } from "../src/pools/IdPool.js";
import { RangePool } from "../src/pools/RangePool.js";
import type { OwnerRecord } from "../src/pools/Pool.js";
import { expectAllocError } from "./helpers.js";

const A: OwnerRecord = { kind: "owner", owner: "a" };
const B: OwnerRecord = { kind: "owner", owner: "b" };
const c = (init: ConstructorParameters<typeof Constraint>[0]): Constraint => new Constraint(init);

describe("RangePool", () => {
  const make = (): RangePool => new RangePool("pio", [new Range(0, 0xff)], [{ range: new Range(0x80, 0x8f), label: "hole" }]);

  it("takes first fit, records the owner, releases back to coalesced space", () => {
    const p = make();
    const a = p.take(A, c({ size: 0x10, align: 0x10 }));
    const b = p.take(B, c({ size: 0x10 }));
    expect(a?.toString()).toBe(new Range(0, 0xf).toString());
    expect(b?.min).toBe(0x10n);
    expect(p.ownerAt(0x5n)).toBe(A);
    expect(p.ownerAt(0x85n)).toEqual({ kind: "reserved", label: "hole" });
    expect(p.ownerAt(0x50n)).toBeUndefined();
    p.release(a as Range);
    p.release(b as Range);
    p.checkInvariants();
    expect([...p.entries()].map((e) => e.state)).toEqual(["free", "reserved", "free"]);
  });

  it("stats: total, used, reserved, free, largest free, fragments", () => {
    const p = make();
    p.take(A, c({ size: 0x10 }));
    expect(p.stats()).toEqual({ total: 0x100n, used: 0x10n, reserved: 0x10n, free: 0xe0n, largestFree: 0x70n, fragments: 2, ranges: 4 });
  });

  it("exact placement names the conflicting owner, or says the range is outside", () => {
    const p = make();
    p.takeExact(A, new Range(0x10, 0x1f));
    const e = expectAllocError(() => p.takeExact(B, new Range(0x18, 0x27)), "CONFLICT");
    expect(e.details.conflictOwner).toBe("a");
    expect(e.details.conflict).toBe(new Range(0x10, 0x1f).toString());
    expect(expectAllocError(() => p.takeExact(B, new Range(0x7f, 0x80)), "CONFLICT").details.conflictOwner).toBe("<reserved: hole>");
    expectAllocError(() => p.takeExact(B, new Range(0xf0, 0x100)), "NO_FIT");
    expect(p.take(B, c({ size: 0x1000 }))).toBeUndefined();
    expect(p.entryAt(0x12n)).toMatchObject({ state: "allocated", owner: "a" });
  });

  it("resizes in place: grows into free space, shrinks, refuses a held neighbour with nothing changed", () => {
    const p = make();
    const a = p.takeExact(A, new Range(0x10, 0x1f));
    p.takeExact(B, new Range(0x30, 0x3f));
    const grown = p.resize(A, a, 0x20n);
    expect(grown.toString()).toBe(new Range(0x10, 0x2f).toString());
    const before = [...p.entries()].map((e) => `${e.range}:${e.state}`);
    expect(expectAllocError(() => p.resize(A, grown, 0x21n), "CONFLICT").details.conflictOwner).toBe("b");
    expect([...p.entries()].map((e) => `${e.range}:${e.state}`)).toEqual(before);
    const shrunk = p.resize(A, grown, 1n);
    expect(shrunk.toString()).toBe(Range.point(0x10).toString());
    expectAllocError(() => p.resize(A, p.takeExact(A, new Range(0xf0, 0xff)), 0x11n), "NO_FIT");
    p.checkInvariants();
  });
});

describe("IdPool (bitmap)", () => {
  it("allocates the lowest free id, skips reserved ones, frees in any order", () => {
    const p = new IdPool("deviceId", [new Range(0, 31)], [{ range: Range.point(0), label: "host bridge" }]);
    expect([p.allocateId(A), p.allocateId(B), p.allocateId(A)]).toEqual([1, 2, 3]);
    p.freeId(2);
    expect(p.allocateId(B)).toBe(2);
    p.checkInvariants();
  });
  it("returns -1 when full and works across word boundaries", () => {
    const p = new IdPool("deviceId", [new Range(0, 69)]);
    for (let i = 0; i < 70; i++) expect(p.allocateId(A)).toBe(i);
    expect(p.allocateId(A)).toBe(-1);
    expect(p.take(A, c({ size: 1 }))).toBeUndefined();
    p.freeId(40);
    p.freeId(33);
    expect(p.allocateId(A)).toBe(33);
    expect(p.allocateId(A)).toBe(40);
    p.checkInvariants();
  });
  it("contiguous blocks, alignment, windows, last-match and best-fit", () => {
    const p = new IdPool("memSlot", [new Range(0, 63)]);
    const a = p.take(A, c({ size: 3 })) as Range;
    expect(a.toString()).toBe(new Range(0, 2).toString());
    expect(p.take(B, c({ size: 4, align: 4 }))?.min).toBe(4n);
    expect(p.take(A, c({ size: 2, min: 10, max: 20 }))?.min).toBe(10n);
    expect(p.take(A, c({ size: 2, policy: "last-match" }))?.min).toBe(62n);
    p.release(a);
    // free runs: [0,3] (len 4), [8,9] (len 2), [12,61]: best fit for 2 is [8,9]
    expect(p.take(B, c({ size: 2, policy: "best-fit" }))?.min).toBe(8n);
    expect(p.ownerAt(9n)).toBe(B);
    expect(p.entryAt(5n)).toMatchObject({ state: "allocated", owner: "b" });
    p.checkInvariants();
    expectAllocError(() => p.takeExact(A, new Range(3, 5)), "CONFLICT");
    expectAllocError(() => p.takeExact(A, new Range(63, 64)), "CONFLICT");
    expectAllocError(() => p.takeExact(A, new Range(64, 65)), "NO_FIT");
  });
  it("non-contiguous ranges: ids between them do not exist", () => {
    const p = new IdPool("deviceId", [new Range(0, 4), new Range(6, 15)]);
    for (let i = 0; i < 5; i++) p.allocateId(A);
    expect(p.allocateId(A)).toBe(6);
    expectAllocError(() => p.takeExact(A, Range.point(5)), "NO_FIT");
    expect(p.stats().total).toBe(15n);
    expect([...p.entries()].map((e) => e.range.toString())).toHaveLength(7);
  });
  it("agrees with a RangePool over the same space, resizes and bulk builds included (model test)", () => {
    const op = fc.oneof(
      fc.record({
        op: fc.constant("alloc" as const),
        size: fc.integer({ min: 1, max: 5 }),
        align: fc.constantFrom(1, 2, 4),
        policy: fc.constantFrom("first-match" as const, "last-match" as const, "best-fit" as const),
      }),
      fc.record({ op: fc.constant("free" as const), pick: fc.nat() }),
      fc.record({ op: fc.constant("resize" as const), pick: fc.nat(), size: fc.integer({ min: 1, max: 8 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const space = [new Range(0, 40), new Range(50, 99)];
        const hole = [{ range: new Range(60, 61), label: "r" }];
        const bits = new IdPool("deviceId", space, hole);
        const tree = new RangePool("deviceId", space, hole);
        const held: Range[] = [];
        for (const o of ops) {
          if (o.op === "alloc") {
            const init = { size: o.size, align: o.align, policy: o.policy };
            const a = bits.take(A, c(init));
            const b = tree.take(A, c(init));
            expect(a?.toString()).toBe(b?.toString());
            if (a !== undefined) held.push(a);
          } else if (held.length > 0) {
            const i = o.pick % held.length;
            const r = held[i] as Range;
            if (o.op === "free") {
              held.splice(i, 1);
              bits.release(r);
              tree.release(tree.entryAt(r.min)?.range as Range);
            } else {
              let x: string;
              let y: string;
              try {
                held[i] = bits.resize(A, r, BigInt(o.size));
                x = String(held[i]);
              } catch (e) {
                x = (e as { code: string }).code;
              }
              try {
                y = String(tree.resize(A, tree.entryAt(r.min)?.range as Range, BigInt(o.size)));
              } catch (e) {
                y = (e as { code: string }).code;
              }
              expect(x).toBe(y);
            }
          }
          bits.checkInvariants();
          tree.checkInvariants();
          expect([...bits.entries()].map((e) => `${e.range}:${e.state}`)).toEqual([...tree.entries()].map((e) => `${e.range}:${e.state}`));
          expect(bits.stats()).toEqual(tree.stats());
        }
        // Bulk build from the tiling gives the same pools.
        const taken = [...tree.entries()]
          .filter((e) => e.state !== "free")
          .map((e) => ({
            range: e.range,
            record: e.state === "allocated" ? A : ({ kind: "reserved", label: "r" } as const),
          }));
        const fail = (k: number, m: string): never => {
          throw new Error(`${k}: ${m}`);
        };
        const list = { ranges: taken.map((t) => t.range), records: taken.map((t) => t.record) };
        const built = RangePool.fromTaken("deviceId", space, list, fail);
        const builtBits = IdPool.fromTaken("deviceId", space, list, fail);
        built.checkInvariants();
        builtBits.checkInvariants();
        expect([...built.entries()].map((e) => `${e.range}:${e.state}`)).toEqual([...tree.entries()].map((e) => `${e.range}:${e.state}`));
        expect(builtBits.stats()).toEqual(tree.stats());
      }),
      { numRuns: 150 },
    );
  });
});
