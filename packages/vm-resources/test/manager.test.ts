import { describe, expect, it } from "vitest";
import { ResourceManager, deviceId, guestAddress, irq, memSlot, mmioAddress, msiVector, pciBar, pioPort } from "../src/index.js";
import type { DeviceIdResource, LegacyIrqResource, MmioResource, PioResource, Resource } from "../src/index.js";
import { expectAllocError } from "./helpers.js";

const fresh = (): ResourceManager => ResourceManager.fromPreset("x86_64");

describe("request kinds", () => {
  it("pio: window above the ISA area, exact base, explicit range, alignment", () => {
    const rm = fresh();
    const [a, b, c, d] = rm.allocateDevice("d", [
      { kind: "pio", size: 0x20, align: 0x20 },
      { kind: "pio", size: 8, base: 0x3f8 },
      { kind: "pio", size: 4, range: { min: 0x500, max: 0x5ff } },
      { kind: "pio", size: 1 },
    ]);
    expect(a).toEqual({ kind: "pio", base: 0x1000, size: 0x20 });
    expect(b).toEqual({ kind: "pio", base: 0x3f8, size: 8 });
    expect(c).toEqual({ kind: "pio", base: 0x500, size: 4 });
    expect(d).toEqual({ kind: "pio", base: 0x1020, size: 1 });
    expect(rm.ownerOfPort(pioPort(0x3ff))).toEqual({ kind: "owner", owner: "d" });
  });
  it("mmio: low default, high, any, exact, range, attributes, policy", () => {
    const rm = fresh();
    const res = rm.allocateDevice("d", [
      { kind: "mmio", size: 0x1000 },
      { kind: "mmio", size: 0x1000, window: "high" },
      { kind: "mmio", size: 0x2000, align: 0x2000, window: "any", prefetchable: true, is64bit: true },
      { kind: "mmio", size: 0x1000, base: 0xd0000000n },
      { kind: "mmio", size: 0x1000, range: { min: 0xe0000000n, max: 0xefffffffn } },
      { kind: "mmio", size: 0x1000, policy: "last-match" },
    ]);
    expect(res.map((r) => (r.kind === "mmio" ? [r.base, r.window] : undefined))).toEqual([
      [0xc0000000n, "low"],
      [1n << 40n, "high"],
      [(1n << 40n) + 0x2000n, "high"],
      [0xd0000000n, "low"],
      [0xe0000000n, "low"],
      [0xfbfff000n, "low"],
    ]);
    expect(res[2]).toMatchObject({ prefetchable: true, is64bit: true, align: 0x2000n });
    expect(rm.ownerOfMmio(mmioAddress(0xd0000fffn))).toEqual({ kind: "owner", owner: "d" });
  });
  it("pciBar: natural alignment; 64-bit BARs may go high, 32-bit ones stay low", () => {
    expect(pciBar({ size: 0x4000 })).toEqual({ kind: "mmio", size: 0x4000n, align: 0x4000n, window: "low", is64bit: false, prefetchable: false });
    expect(pciBar({ size: 0x4000, is64bit: true, prefetchable: true })).toMatchObject({ window: "any", is64bit: true, prefetchable: true });
    expectAllocError(() => pciBar({ size: 0x3000 }), "INVALID_REQUEST");
    expectAllocError(() => pciBar({ size: 8 }), "INVALID_REQUEST");
    const rm = fresh();
    rm.allocateDevice("a", [{ kind: "mmio", size: 0x100 }]);
    const [bar] = rm.allocateDevice("b", [pciBar({ size: 0x10000 })]);
    expect(bar).toMatchObject({ base: 0xc0010000n, window: "low" });
  });
  it("mem: guest RAM space, aligned, exact", () => {
    const rm = fresh();
    const [a, b] = rm.allocateDevice("d", [
      { kind: "mem", size: 0x1000, base: 0 },
      { kind: "mem", size: 1n << 21n, align: 1n << 21n },
    ]);
    expect(a).toEqual({ kind: "mem", base: 0n, size: 0x1000n, align: 1n });
    expect(b).toMatchObject({ base: 1n << 21n });
    expect(rm.ownerOfGuestAddress(guestAddress(0x1fffff + 1))).toEqual({ kind: "owner", owner: "d" });
  });
  it("legacy-irq: any (window), fixed, shared", () => {
    const rm = fresh();
    const res = rm.allocateDevice("d", [
      { kind: "legacy-irq" },
      { kind: "legacy-irq", irq: 4 },
      { kind: "legacy-irq", shared: true },
      { kind: "legacy-irq", shared: true, irq: 5 },
    ]);
    expect(res).toEqual([
      { kind: "legacy-irq", irq: 6, shared: false },
      { kind: "legacy-irq", irq: 4, shared: false },
      { kind: "legacy-irq", irq: 5, shared: true },
      { kind: "legacy-irq", irq: 5, shared: true },
    ]);
    rm.allocateDevice("e", [{ kind: "legacy-irq", shared: true }]);
    expect(rm.sharersOfIrq()).toEqual(["d", "e"]);
    expect(rm.ownerOfIrq(irq(5))).toBeUndefined();
    expect(rm.ownerOfIrq(irq(4))).toEqual({ kind: "owner", owner: "d" });
    expectAllocError(() => rm.allocateDevice("f", [{ kind: "legacy-irq", irq: 5 }]), "CONFLICT");
    expectAllocError(() => rm.allocateDevice("f", [{ kind: "legacy-irq", shared: true, irq: 7 }]), "INVALID_REQUEST");
    const fc = ResourceManager.fromPreset("x86_64", "firecracker");
    expectAllocError(() => fc.allocateDevice("f", [{ kind: "legacy-irq", shared: true }]), "INVALID_REQUEST");
    expect(fc.allocateDevice("f", [{ kind: "legacy-irq" }])).toEqual([{ kind: "legacy-irq", irq: 5, shared: false }]);
  });
  it("legacy IRQs run out with NO_FIT", () => {
    const rm = fresh();
    for (let i = 6; i <= 15; i++) rm.allocateDevice(`d${i}`, [{ kind: "legacy-irq" }]);
    expect(expectAllocError(() => rm.allocateDevice("x", [{ kind: "legacy-irq" }]), "NO_FIT").details.request).toBe(0);
  });
  it("pci-msi, pci-msix, generic-msi", () => {
    const rm = fresh();
    const res = rm.allocateDevice("d", [
      { kind: "pci-msix", count: 3 },
      { kind: "pci-msi", count: 4 },
      { kind: "generic-msi", count: 1 },
    ]);
    expect(res).toEqual([
      { kind: "pci-msix", base: 24, count: 3 },
      { kind: "pci-msi", base: 28, count: 4 },
      { kind: "generic-msi", base: 27, count: 1 },
    ]);
    expect(rm.ownerOfVector(msiVector(31))).toEqual({ kind: "owner", owner: "d" });
    expectAllocError(() => rm.allocateDevice("e", [{ kind: "pci-msi", count: 6 }]), "INVALID_REQUEST");
  });
  it("mem-slot and device-id: any or fixed", () => {
    const rm = fresh();
    const res = rm.allocateDevice("d", [
      { kind: "mem-slot" },
      { kind: "mem-slot", count: 3 },
      { kind: "mem-slot", slot: 100 },
      { kind: "device-id" },
      { kind: "device-id", id: 7 },
    ]);
    expect(res).toEqual([
      { kind: "mem-slot", base: 0, count: 1 },
      { kind: "mem-slot", base: 1, count: 3 },
      { kind: "mem-slot", base: 100, count: 1 },
      { kind: "device-id", id: 1 },
      { kind: "device-id", id: 7 },
    ]);
    expect(rm.ownerOfMemSlot(memSlot(2))).toEqual({ kind: "owner", owner: "d" });
    expect(rm.ownerOfDeviceId(deviceId(7))).toEqual({ kind: "owner", owner: "d" });
    expect(rm.ownerOfDeviceId(deviceId(0))).toMatchObject({ kind: "reserved" });
    expect(expectAllocError(() => rm.allocateDevice("e", [{ kind: "device-id", id: 0 }]), "CONFLICT").details.conflictOwner).toBe(
      "<reserved: PCI host bridge (00.0)>",
    );
  });
  it("malformed requests are refused before anything is taken", () => {
    const rm = fresh();
    const before = rm.snapshot();
    const cases: unknown[] = [
      { kind: "pio", size: 0 },
      { kind: "pio", size: 8, align: 3 },
      { kind: "mmio", size: -1 },
      { kind: "mmio", size: 0x1000, window: "middle" },
      { kind: "mmio", size: 0x1000, range: { min: 10, max: 5 } },
      { kind: "mem", size: 0x1000, align: 6 },
      { kind: "legacy-irq", irq: 1.5 },
      { kind: "pci-msix", count: 0 },
      { kind: "mem-slot", count: 0 },
      { kind: "device-id", id: -1 },
      { kind: "teleport" },
      null,
    ];
    for (const c of cases) {
      const e = expectAllocError(() => rm.allocateDevice("d", [{ kind: "mem-slot" }, c as never]), "INVALID_REQUEST");
      expect(e.details.request).toBe(1);
      expect(e.message).toContain("request 1");
    }
    expect(rm.snapshot()).toBe(before);
  });

  it("a key no kind has is named with the keys of the request's kind when kind comes first, and nothing is taken", () => {
    const rm = fresh();
    const before = rm.snapshot();
    const next = (): string => {
      const probe = ResourceManager.restore(rm.snapshot());
      return JSON.stringify(probe.allocateDevice("probe", [{ kind: "pio", size: 8 }, { kind: "legacy-irq" }]));
    };
    const nextBefore = next();
    const cases: [unknown, string, string][] = [
      [{ kind: "pio", bsae: 0x3f8, size: 8 }, 'pio request has an unknown key "bsae" (allowed: kind, size, align, range, base); did you mean "base"?', "bsae"],
      [
        { kind: "mmio", size: 0x1000, allign: 0x1000 },
        'mmio request has an unknown key "allign" (allowed: kind, size, align, range, base, window, prefetchable, is64bit, policy); did you mean "align"?',
        "allign",
      ],
      [{ kind: "legacy-irq", line: 9 }, 'legacy-irq request has an unknown key "line" (allowed: kind, irq, shared)', "line"],
      [{ kind: "pci-msi", count: 2, vectors: 2 }, 'pci-msi request has an unknown key "vectors" (allowed: kind, count, base)', "vectors"],
      // A key of another kind, wherever it comes.
      [{ count: 1, kind: "pio", size: 8 }, 'pio request has an unknown key "count" (allowed: kind, size, align, range, base)', "count"],
      // Met before the kind: the keys of every kind.
      [
        { bsae: 0x3f8, kind: "pio", size: 8 },
        'request has an unknown key "bsae" (allowed: kind, size, align, range, base, window, prefetchable, is64bit, policy, irq, shared, count, slot, id); did you mean "base"?',
        "bsae",
      ],
      [{ kind: "teleport", bsae: 1 }, 'request has an unknown key "bsae" (allowed: kind, size, align,', "bsae"],
    ];
    for (const [request, message, key] of cases) {
      const e = expectAllocError(() => rm.allocateDevice("d", [{ kind: "mem-slot" }, request as never]), "INVALID_REQUEST");
      expect(e.message).toContain(`request 1 is invalid: ${message}`);
      expect(e.details.argument).toBe(key);
      expect(e.details.request).toBe(1);
    }
    expect(rm.snapshot()).toBe(before);
    expect(next()).toBe(nextBefore);
  });

  it("naming the kind's keys reads nothing twice", () => {
    const reads = new Map<string, number>();
    const target = { kind: "legacy-irq", irq: 5, line: 9 };
    const request = new Proxy(target, {
      get(t, key, receiver) {
        reads.set(String(key), (reads.get(String(key)) ?? 0) + 1);
        return Reflect.get(t, key, receiver);
      },
    });
    const e = expectAllocError(() => fresh().allocateDevice("d", [request as never]), "INVALID_REQUEST");
    expect(e.message).toContain('legacy-irq request has an unknown key "line" (allowed: kind, irq, shared)');
    expect([...reads]).toEqual([
      ["kind", 1],
      ["irq", 1],
    ]);
  });
});

describe("allocateDevice is all-or-nothing", () => {
  it("rolls back earlier requests and names the failing one", () => {
    const rm = fresh();
    rm.allocateDevice("serial0", [{ kind: "pio", size: 8, base: 0x3f8 }]);
    const before = rm.snapshot();
    const e = expectAllocError(
      () =>
        rm.allocateDevice("net0", [
          { kind: "mmio", size: 0x1000 },
          { kind: "legacy-irq" },
          { kind: "pci-msix", count: 4 },
          { kind: "pio", size: 8, base: 0x3f8 },
        ]),
      "CONFLICT",
    );
    expect(e.details.request).toBe(3);
    expect(e.details.conflictOwner).toBe("serial0");
    expect(e.details.owner).toBe("net0");
    expect(e.message).toMatch(/"net0": request 3 \(pio size 0x8 at 0x3f8\) failed/);
    expect(rm.snapshot()).toBe(before);
    expect(rm.owners()).toEqual(["serial0"]);
    rm.checkInvariants();
  });
  it("an empty request list records nothing", () => {
    const rm = fresh();
    expect(rm.allocateDevice("d", [])).toEqual([]);
    expect(rm.owners()).toEqual([]);
  });
});

describe("owners", () => {
  it("DUPLICATE_OWNER, extendDevice, resourcesOf, freeDevice, UNKNOWN_OWNER", () => {
    const rm = fresh();
    rm.allocateDevice("d", [{ kind: "legacy-irq" }]);
    expectAllocError(() => rm.allocateDevice("d", [{ kind: "legacy-irq" }]), "DUPLICATE_OWNER");
    rm.extendDevice("d", [{ kind: "device-id" }]);
    expect(rm.resourcesOf("d").map((r) => r.kind)).toEqual(["legacy-irq", "device-id"]);
    expect(rm.resourcesOf("nobody")).toEqual([]);
    expect(rm.freeDevice("d")).toHaveLength(2);
    expectAllocError(() => rm.freeDevice("d"), "UNKNOWN_OWNER");
    expect(rm.owners()).toEqual([]);
    expect(rm.stats().legacyIrq.used).toBe(0n);
    expectAllocError(() => rm.allocateDevice("", []), "INVALID_ARGUMENT");
    expectAllocError(() => rm.allocateDevice("x", "nope" as never), "INVALID_ARGUMENT");
  });
  it("freeResource frees one resource; another owner's resource is UNKNOWN_OWNER", () => {
    const rm = fresh();
    const [a, b] = rm.allocateDevice("d", [{ kind: "legacy-irq" }, { kind: "device-id" }]);
    rm.allocateDevice("e", [{ kind: "legacy-irq" }]);
    expectAllocError(() => rm.freeResource("e", a!), "UNKNOWN_OWNER");
    rm.freeResource("d", a!);
    expect(rm.resourcesOf("d")).toEqual([b]);
    rm.freeResource("d", b!);
    expect(rm.owners()).toEqual(["e"]);
    rm.checkInvariants();
  });
  it("reserve: dumps label it and nothing can free it", () => {
    const rm = fresh();
    rm.reserve("pio", { min: 0x2f8, max: 0x2ff }, "COM2");
    expect(rm.dump()).toContain("02f8-02ff : reserved: COM2");
    expect("free" in rm.pool("pio")).toBe(false);
    expectAllocError(() => rm.freeResource("x", { kind: "pio", base: pioPort(0x2f8), size: 8 }), "UNKNOWN_OWNER");
    expect(expectAllocError(() => rm.allocateDevice("s", [{ kind: "pio", size: 8, base: 0x2f8 }]), "CONFLICT").details.conflictOwner).toBe("<reserved: COM2>");
    expectAllocError(() => rm.reserve("pio", { min: 0x2f8, max: 0x2f8 }, "again"), "CONFLICT");
    expectAllocError(() => rm.reserve("pio", { min: 0x10, max: 0x11 }, ""), "INVALID_ARGUMENT");
    expectAllocError(() => rm.pool("nope" as never), "INVALID_ARGUMENT");
  });
});

describe("move", () => {
  it("relocates a BAR atomically and keeps alignment", () => {
    const rm = fresh();
    const [bar] = rm.allocateDevice("gpu", [pciBar({ size: 0x10000 })]);
    const moved = rm.move("gpu", bar!, 0xe0000000n);
    expect(moved).toMatchObject({ kind: "mmio", base: 0xe0000000n, window: "low" });
    expect(rm.resourcesOf("gpu")).toEqual([moved]);
    expect(rm.ownerOfMmio(mmioAddress(0xc0000000n))).toBeUndefined();
    expectAllocError(() => rm.move("gpu", moved, 0xe0001000n), "INVALID_ALIGNMENT");
    // A 32-bit BAR never goes above 4 GiB; a 64-bit one may.
    const before = rm.snapshot();
    expect(expectAllocError(() => rm.move("gpu", moved, 1n << 40n), "INVALID_ARGUMENT").details.argument).toBe("to");
    expect(rm.snapshot()).toBe(before);
    const [bar64] = rm.allocateDevice("gpu64", [pciBar({ size: 0x10000, is64bit: true })]);
    const high = rm.move("gpu64", bar64!, (1n << 40n) + 0x100000n);
    expect(high).toMatchObject({ window: "high" });
    rm.checkInvariants();
  });
  it("a failed move changes nothing and names who is in the way", () => {
    const rm = fresh();
    const [a] = rm.allocateDevice("a", [{ kind: "legacy-irq" }]);
    rm.allocateDevice("b", [{ kind: "legacy-irq" }]);
    const before = rm.snapshot();
    expect(expectAllocError(() => rm.move("a", a!, 7), "CONFLICT").details.conflictOwner).toBe("b");
    expectAllocError(() => rm.move("a", a!, 5), "CONFLICT");
    expectAllocError(() => rm.move("b", a!, 8), "UNKNOWN_OWNER");
    expect(rm.snapshot()).toBe(before);
    expect(rm.move("a", a!, 8)).toEqual({ kind: "legacy-irq", irq: 8, shared: false });
  });
  it("overlapping the old place is a CONFLICT with the owner itself; MSI keeps count alignment; shared cannot move", () => {
    const rm = fresh();
    const [m, v, s] = rm.allocateDevice("d", [
      { kind: "mmio", size: 0x2000 },
      { kind: "pci-msi", count: 4 },
      { kind: "legacy-irq", shared: true },
    ]);
    expect(expectAllocError(() => rm.move("d", m!, 0xc0001000n), "CONFLICT").details.conflictOwner).toBe("d");
    expectAllocError(() => rm.move("d", v!, 30), "INVALID_ALIGNMENT");
    expect(rm.move("d", v!, 32)).toEqual({ kind: "pci-msi", base: 32, count: 4 });
    expectAllocError(() => rm.move("d", s!, 9), "INVALID_REQUEST");
    rm.checkInvariants();
  });
  it("moves every kind of resource", () => {
    const rm = fresh();
    const res = rm.allocateDevice("d", [
      { kind: "pio", size: 4 },
      { kind: "mem", size: 0x1000 },
      { kind: "mem-slot" },
      { kind: "device-id" },
      { kind: "generic-msi", count: 2 },
    ]);
    const targets = [0x2000, 0x100000, 50, 9, 200];
    res.forEach((r, i) => rm.move("d", r, targets[i]!));
    expect(rm.resourcesOf("d").map((r: Resource) => ("base" in r ? Number(r.base) : "id" in r ? r.id : -1))).toEqual(targets);
    rm.checkInvariants();
  });
});

describe("dump and stats", () => {
  it("dump lists pools in address order like /proc/iomem with reserved labelled", () => {
    const rm = fresh();
    rm.allocateDevice("z-late", [{ kind: "mmio", size: 0x1000, base: 0xd0000000n }]);
    rm.allocateDevice("a-early", [
      { kind: "mmio", size: 0x1000 },
      { kind: "legacy-irq", shared: true },
    ]);
    const text = rm.dump();
    const lines = text.split("\n");
    const i1 = lines.indexOf("  00000000c0000000-00000000c0000fff : a-early");
    const i2 = lines.indexOf("  00000000d0000000-00000000d0000fff : z-late");
    const i3 = lines.indexOf("  00000000fc000000-00000000ffffffff : reserved: LAPIC/IOAPIC/HPET (64 MiB below 4 GiB)");
    expect(i1).toBeGreaterThan(0);
    expect(i2).toBeGreaterThan(i1);
    expect(i3).toBeGreaterThan(i2);
    expect(text).toContain("  5 : shared: a-early");
    expect(text).not.toContain(": free");
    expect(rm.dump({ free: true })).toContain("00000000c0001000-00000000cfffffff : free");
  });
  it("stats per pool", () => {
    const rm = fresh();
    rm.allocateDevice("d", [{ kind: "mmio", size: 0x1000, base: 0xd0000000n }]);
    const s = rm.stats();
    expect(s.mmio.used).toBe(0x1000n);
    expect(s.mmio.reserved).toBe(64n << 20n);
    expect(s.mmio.total).toBe((1n << 30n) + (1n << 40n));
    expect(s.mmio.fragments).toBe(3);
    expect(s.mmio.largestFree).toBe(1n << 40n);
    expect(s.mmio.free + s.mmio.used + s.mmio.reserved).toBe(s.mmio.total);
    expect(s.memSlot).toMatchObject({ total: 509n, used: 0n, free: 509n, fragments: 1 });
  });
});

describe("the owner record a pool holds is the manager's own", () => {
  it("lookups hand out a frozen copy with only kind and owner, before and after a restore, and nothing done to it reaches the manager", () => {
    for (const make of [(rm: ResourceManager) => rm, (rm: ResourceManager) => ResourceManager.restore(rm.snapshot())]) {
      const base = ResourceManager.fromPreset("x86_64");
      base.allocateDevice("d", [{ kind: "pio", size: 8 }, { kind: "mmio", size: 0x1000 }, { kind: "device-id" }]);
      base.extendDevice("d", [{ kind: "legacy-irq" }]);
      const rm = make(base);
      const [pio, mmio, id, irq] = rm.resourcesOf("d") as [PioResource, MmioResource, DeviceIdResource, LegacyIrqResource];
      for (const who of [rm.ownerOfPort(pio.base), rm.ownerOfMmio(mmio.base), rm.ownerOfDeviceId(id.id), rm.ownerOfIrq(irq.irq)]) {
        expect(who).toEqual({ kind: "owner", owner: "d" });
        expect(Object.keys(who as object)).toEqual(["kind", "owner"]);
        expect(Object.isFrozen(who)).toBe(true);
      }
      const before = rm.snapshot();
      (rm.resourcesOf("d") as Resource[]).length = 0;
      expect(rm.snapshot()).toBe(before);
      rm.freeResource("d", mmio);
      rm.checkInvariants();
      expect(rm.ownerOfMmio(mmio.base)).toBeUndefined();
      expect(rm.resourcesOf("d").map((r) => r.kind)).toEqual(["pio", "device-id", "legacy-irq"]);
      expect(rm.freeDevice("d").map((r) => r.kind)).toEqual(["pio", "device-id", "legacy-irq"]);
      expect(rm.ownerOfPort(pio.base)).toBeUndefined();
      expect(rm.ownerOfIrq(irq.irq)).toBeUndefined();
      rm.checkInvariants();
    }
  });
});
