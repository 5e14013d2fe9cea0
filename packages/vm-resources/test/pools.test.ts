import { Range } from "@alloc/constraint";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IdPool, IrqPool, MemPool, MmioPool, MsiPool, PioPool, RangePool, checkMsiCount, irq, mmioAddress, msiVector, pioPort, guestAddress, presetLayout } from "../src/index.js";
import { expectAllocError } from "./helpers.js";

const x86 = presetLayout("x86_64");

describe("RangePool", () => {
  const make = (): RangePool => new RangePool("p", [new Range(0, 0xff)], [{ range: new Range(0x80, 0x8f), label: "hole" }]);

  it("allocates first fit, records the owner, frees back to coalesced space", () => {
    const p = make();
    const a = p.allocate("a", { size: 0x10, align: 0x10 });
    const b = p.allocate("b", { size: 0x10 });
    expect(a.toString()).toBe(new Range(0, 0xf).toString());
    expect(b.min).toBe(0x10n);
    expect(p.ownerAt(0x5)).toEqual({ kind: "owner", owner: "a" });
    expect(p.ownerAt(0x85)).toEqual({ kind: "reserved", label: "hole" });
    expect(p.ownerAt(0x50)).toBeUndefined();
    p.free("a", a);
    p.free("b", b);
    p.checkInvariants();
    expect([...p.entries()].map((e) => e.state)).toEqual(["free", "reserved", "free"]);
  });

  it("stats: total, used, reserved, free, largest free, fragments", () => {
    const p = make();
    p.allocate("a", { size: 0x10 });
    expect(p.stats()).toEqual({ total: 0x100n, used: 0x10n, reserved: 0x10n, free: 0xe0n, largestFree: 0x70n, fragments: 2, ranges: 4 });
  });

  it("free refuses reserved (RESERVED), free (NOT_ALLOCATED), unknown (NOT_FOUND), others' (UNKNOWN_OWNER)", () => {
    const p = make();
    const a = p.allocate("a", { size: 4 });
    expect(expectAllocError(() => p.free("a", new Range(0x80, 0x8f)), "RESERVED").details.conflictOwner).toBe("<reserved: hole>");
    expectAllocError(() => p.free("a", new Range(0x90, 0xff)), "NOT_ALLOCATED");
    expectAllocError(() => p.free("a", new Range(0, 1)), "NOT_FOUND");
    expect(expectAllocError(() => p.free("b", a), "UNKNOWN_OWNER").details.conflictOwner).toBe("a");
    p.checkInvariants();
  });

  it("exact placement names the conflicting owner, or says the range is outside", () => {
    const p = make();
    p.allocateExact("a", new Range(0x10, 0x1f));
    const e = expectAllocError(() => p.allocateExact("b", new Range(0x18, 0x27)), "CONFLICT");
    expect(e.details.conflictOwner).toBe("a");
    expect(e.details.conflict).toBe(new Range(0x10, 0x1f).toString());
    expect(expectAllocError(() => p.allocateExact("b", new Range(0x7f, 0x80)), "CONFLICT").details.conflictOwner).toBe("<reserved: hole>");
    expectAllocError(() => p.allocateExact("b", new Range(0xf0, 0x100)), "NO_FIT");
    expectAllocError(() => p.allocate("b", { size: 0x1000 }), "NO_FIT");
    expect(p.tryAllocate("b", { size: 0x1000 })).toBeUndefined();
    expect(p.entryAt(0x12)).toMatchObject({ state: "allocated", owner: "a" });
  });
});

describe("MmioPool", () => {
  it("low by default, high for 'high', high then low for 'any'", () => {
    const p = new MmioPool(x86.mmio);
    expect(p.tryAllocateIn("a", { size: 0x1000n })).toMatchObject({ window: "low" });
    expect(p.tryAllocateIn("b", { size: 0x1000n, window: "high" })?.range.min).toBe(1n << 40n);
    expect(p.tryAllocateIn("c", { size: 0x1000n, window: "any" })?.window).toBe("high");
    expect(p.windowOf(0xc0000000n)).toBe("low");
    expect(p.windowOf(0x1000n)).toBeUndefined();
    expect(p.ownerOfAddress(mmioAddress(0xc0000000n))).toEqual({ kind: "owner", owner: "a" });
  });
  it("never puts a low request above 4 GiB, and falls back to low for 'any'", () => {
    const p = new MmioPool({ ...x86.mmio, high: undefined, ranges: [x86.mmio.low] });
    expect(p.tryAllocateIn("a", { size: 0x1000n, window: "any" })?.window).toBe("low");
    expect(p.tryAllocateIn("a", { size: 0x1000n, window: "high" })).toBeUndefined();
    expect(p.tryAllocateIn("a", { size: 2n << 30n })).toBeUndefined();
  });
  it("honours extra bounds inside the window", () => {
    const p = new MmioPool(x86.mmio);
    expect(p.tryAllocateIn("a", { size: 0x1000n, min: 0xd0000000n, max: 0xdfffffffn })?.range.min).toBe(0xd0000000n);
    expect(p.tryAllocateIn("a", { size: 0x1000n, min: 0x10000n, max: 0x20000n })).toBeUndefined();
  });
});

describe("PioPool, MemPool, IrqPool, MsiPool", () => {
  it("PioPool looks up ports", () => {
    const p = new PioPool(x86.pio);
    p.allocateExact("serial0", new Range(0x3f8, 0x3ff));
    expect(p.ownerOfPort(pioPort(0x3fc))).toEqual({ kind: "owner", owner: "serial0" });
    expect(p.ownerOfPort(pioPort(0xcfc))).toMatchObject({ kind: "reserved" });
  });
  it("MemPool looks up guest addresses", () => {
    const p = new MemPool(x86.mem);
    p.allocate("ram", { size: 1n << 30n });
    expect(p.ownerOfAddress(guestAddress(0x1000))).toEqual({ kind: "owner", owner: "ram" });
    expect(p.ownerOfAddress(guestAddress(0xc0000000n))).toBeUndefined();
  });
  it("IrqPool keeps the shared IRQ outside the tree", () => {
    const p = new IrqPool(x86.legacyIrq);
    expect(p.shared).toBe(5);
    expectAllocError(() => p.allocateExact("x", Range.point(5)), "NO_FIT");
    p.allocateExact("x", Range.point(6));
    expect(p.ownerOfIrq(irq(6))).toEqual({ kind: "owner", owner: "x" });
  });
  it("MsiPool: PCI MSI power of two aligned to count, MSI-X and generic any count", () => {
    const p = new MsiPool(x86.msi);
    expect(p.allocateVectors("a", "pci-msix", 3).min).toBe(24n);
    expect(p.allocateVectors("b", "pci-msi", 4).min).toBe(28n);
    expect(p.allocateVectors("c", "generic-msi", 1).min).toBe(27n);
    expect(p.allocateVectors("d", "pci-msi", 8).min).toBe(32n);
    expect(p.ownerOfVector(msiVector(30))).toEqual({ kind: "owner", owner: "b" });
    expectAllocError(() => checkMsiCount("pci-msi", 3), "INVALID_REQUEST");
    expectAllocError(() => checkMsiCount("pci-msi", 64), "INVALID_REQUEST");
    expectAllocError(() => checkMsiCount("pci-msix", 0), "INVALID_REQUEST");
    expectAllocError(() => checkMsiCount("generic-msi", 1.5), "INVALID_REQUEST");
    expectAllocError(() => p.allocateVectors("e", "pci-msix", 2048), "NO_FIT");
  });
});

describe("IdPool (bitmap)", () => {
  it("allocates the lowest free id, skips reserved ones, frees in any order", () => {
    const p = new IdPool("ids", [new Range(0, 31)], [{ range: Range.point(0), label: "host bridge" }]);
    expect([p.allocateId("a"), p.allocateId("b"), p.allocateId("c")]).toEqual([1, 2, 3]);
    p.freeId("b", 2);
    expect(p.allocateId("d")).toBe(2);
    p.checkInvariants();
    expect(expectAllocError(() => p.freeId("x", 1), "UNKNOWN_OWNER").details.conflictOwner).toBe("a");
    expectAllocError(() => p.freeId("x", 0), "RESERVED");
    expectAllocError(() => p.freeId("x", 9), "NOT_ALLOCATED");
  });
  it("returns -1 when full and works across word boundaries", () => {
    const p = new IdPool("ids", [new Range(0, 69)]);
    for (let i = 0; i < 70; i++) expect(p.allocateId("o")).toBe(i);
    expect(p.allocateId("o")).toBe(-1);
    expect(p.tryAllocate("o", { size: 1 })).toBeUndefined();
    p.freeId("o", 40);
    p.freeId("o", 33);
    expect(p.allocateId("o")).toBe(33);
    expect(p.allocateId("o")).toBe(40);
    p.checkInvariants();
  });
  it("contiguous blocks, alignment, windows, last-match and best-fit", () => {
    const p = new IdPool("slots", [new Range(0, 63)]);
    expect(p.allocate("a", { size: 3 }).toString()).toBe(new Range(0, 2).toString());
    expect(p.allocate("b", { size: 4, align: 4 }).min).toBe(4n);
    expect(p.allocate("c", { size: 2, min: 10, max: 20 }).min).toBe(10n);
    expect(p.allocate("d", { size: 2, policy: "last-match" }).min).toBe(62n);
    p.free("a", new Range(0, 2));
    // free runs: [0,3] (len 4), [8,9] (len 2), [12,61]: best fit for 2 is [8,9]
    expect(p.allocate("e", { size: 2, policy: "best-fit" }).min).toBe(8n);
    expect(p.ownerAt(9)).toEqual({ kind: "owner", owner: "e" });
    expect(p.entryAt(5)).toMatchObject({ state: "allocated", owner: "b" });
    p.checkInvariants();
    expectAllocError(() => p.free("b", new Range(4, 5)), "NOT_FOUND");
    expectAllocError(() => p.allocateExact("z", new Range(3, 5)), "CONFLICT");
    expectAllocError(() => p.allocateExact("z", new Range(63, 64)), "CONFLICT");
    expectAllocError(() => p.allocateExact("z", new Range(64, 65)), "NO_FIT");
  });
  it("non-contiguous ranges: ids between them do not exist", () => {
    const p = new IdPool("ids", [new Range(0, 4), new Range(6, 15)]);
    for (let i = 0; i < 5; i++) p.allocateId("o");
    expect(p.allocateId("o")).toBe(6);
    expectAllocError(() => p.allocateExact("o", Range.point(5)), "NO_FIT");
    expect(p.stats().total).toBe(15n);
    expect([...p.entries()].map((e) => e.range.toString())).toHaveLength(7);
  });
  it("agrees with a RangePool over the same space (model test)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ op: fc.constant("alloc" as const), size: fc.integer({ min: 1, max: 5 }), align: fc.constantFrom(1, 2, 4), policy: fc.constantFrom("first-match" as const, "last-match" as const, "best-fit" as const) }), fc.record({ op: fc.constant("free" as const), pick: fc.nat() })), { maxLength: 60 }),
        (ops) => {
          const bits = new IdPool("ids", [new Range(0, 40), new Range(50, 99)], [{ range: new Range(60, 61), label: "r" }]);
          const tree = new RangePool("ids", [new Range(0, 40), new Range(50, 99)], [{ range: new Range(60, 61), label: "r" }]);
          const held: Range[] = [];
          for (const o of ops) {
            if (o.op === "alloc") {
              const c = { size: o.size, align: o.align, policy: o.policy };
              const a = bits.tryAllocate("o", c);
              const b = tree.tryAllocate("o", c);
              expect(a?.toString()).toBe(b?.toString());
              if (a !== undefined) held.push(a);
            } else if (held.length > 0) {
              const [r] = held.splice(o.pick % held.length, 1);
              bits.free("o", r!);
              tree.free("o", r!);
            }
            bits.checkInvariants();
            expect([...bits.entries()].map((e) => `${e.range}:${e.state}`)).toEqual([...tree.entries()].map((e) => `${e.range}:${e.state}`));
            expect(bits.stats()).toEqual(tree.stats());
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
