// A facade's state is the manager's state: its owners show in dump(), stats
// and snapshots, and facade calls mixed with the owner-based API on the same
// manager never break invariants.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ResourceManager } from "../../src/index.js";
import { Constraint, DragonballResourceManager, ResourceConstraint } from "../../src/facades/dragonball/index.js";
import { ResourceAllocator } from "../../src/facades/firecracker/index.js";
import { AddressAllocator, AllocPolicy, IdAllocator, RangeInclusive } from "../../src/facades/rust-vmm/index.js";
import { expectAllocError } from "../helpers.js";

describe("facade owners are manager owners", () => {
  it("Dragonball: one owner per call and per device, in dump, stats and snapshot", () => {
    const mgr = new DragonballResourceManager();
    const irq = mgr.allocateLegacyIrq(false, undefined);
    const res = mgr.allocateDeviceResources([ResourceConstraint.newPio(8), ResourceConstraint.newMmio(0x1000)], false);
    expect(irq).toBe(6);
    expect(mgr.manager.owners()).toEqual(["dragonball:device#0", "dragonball:irq#0"]);
    expect(mgr.manager.dump()).toContain("00000000c0000000-00000000c0000fff : dragonball:device#0");
    expect(mgr.manager.stats().pio.used).toBe(8n);
    const again = ResourceManager.restore(mgr.manager.snapshot());
    expect(again.resourcesOf("dragonball:device#0")).toEqual(mgr.manager.resourcesOf("dragonball:device#0"));
    mgr.freeDeviceResources(res);
    expect(mgr.manager.owners()).toEqual(["dragonball:irq#0"]);
  });
  it("rust-vmm over a restored manager: old ranges free, new names skip old ones", () => {
    const rm = ResourceManager.fromPreset("x86_64");
    const a = new AddressAllocator(0xc000_0000n, 0x1000_0000n, { manager: rm });
    const r1 = a.allocate(0x1000, 0x1000);
    const again = ResourceManager.restore(rm.snapshot());
    const b = new AddressAllocator(0xc000_0000n, 0x1000_0000n, { manager: again });
    const r2 = b.allocate(0x1000, 0x1000);
    expect(r2.start()).toBe(0xc000_1000n);
    expect(again.owners()).toEqual(["rust-vmm:mmio#0", "rust-vmm:mmio#1"]);
    b.free(r1);
    expect(b.allocations().map(String)).toEqual([String(r2)]);
    again.checkInvariants();
  });
  it("a facade refuses to free what an owner-API device holds, changing nothing", () => {
    const rm = ResourceManager.fromPreset("x86_64");
    const [bar] = rm.allocateDevice("nvme0", [{ kind: "mmio", size: 0x4000, align: 0x4000 }]);
    const a = new AddressAllocator(0xc000_0000n, 0x1000_0000n, { manager: rm });
    const before = rm.snapshot();
    const e = expectAllocError(() => a.free(new RangeInclusive(0xc000_0000n, 0xc000_3fffn)), "CONFLICT");
    expect(e.details.conflictOwner).toBe("nvme0");
    expect(rm.snapshot()).toBe(before);
    expect(a.allocate(0x1000, 0x1000).start()).toBe(0xc000_4000n);
    rm.freeResource("nvme0", bar!);
    rm.checkInvariants();
  });
  it("Firecracker: GSIs and memory show per allocator; save holds what upstream's state holds", () => {
    const ra = new ResourceAllocator("x86_64");
    ra.allocateGsiLegacy(2);
    ra.systemMemory.allocate(0x1000, 0x10, AllocPolicy.FirstMatch);
    expect(ra.manager.owners()).toEqual(["firecracker:gsi-legacy#0", "firecracker:gsi-legacy#1", "firecracker:system#0"]);
    expect(ra.manager.ownerOf("mem", 0x9fc00n)).toEqual({ kind: "owner", owner: "firecracker:system#0" });
    expect(ra.save().systemMemory).toEqual([{ start: "0x9fc00", end: "0xa0bff" }]);
  });
  it("Firecracker restore validates every key and range", () => {
    const good = new ResourceAllocator("aarch64").save();
    const cases: [unknown, string][] = [
      [{ ...good, extra: 1 }, "$"],
      [{ ...good, arch: "mips" }, "$.arch"],
      [{ ...good, mmio32Memory: [{ start: "0x10", end: "0x1f" }] }, "$.mmio32Memory[0]"],
      [{ ...good, systemMemory: [{ start: "0x80000000", end: "0x80000fff", x: 1 }] }, "$.systemMemory[0]"],
      [
        {
          ...good,
          systemMemory: [
            { start: "0x80000000", end: "0x80000fff" },
            { start: "0x80000800", end: "0x80000fff" },
          ],
        },
        "$.systemMemory[1]",
      ],
      [{ ...good, systemMemory: [{ start: 0x80000000, end: "0x80000fff" }] }, "$.systemMemory[0].start"],
      [{ ...good, systemMemory: [{ start: "0x080000000", end: "0x80000fff" }] }, "$.systemMemory[0].start"],
    ];
    for (const [state, path] of cases) expect(expectAllocError(() => ResourceAllocator.restore(state), "INVALID_SNAPSHOT").details.path).toBe(path);
  });
});

type Op =
  | { f: "db"; n: number }
  | { f: "addr"; n: number }
  | { f: "id"; n: number }
  | { f: "owner"; n: number }
  | { f: "freeOwner"; n: number }
  | { f: "round" };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ f: fc.constant("db" as const), n: fc.nat(99) }),
  fc.record({ f: fc.constant("addr" as const), n: fc.nat(99) }),
  fc.record({ f: fc.constant("id" as const), n: fc.nat(99) }),
  fc.record({ f: fc.constant("owner" as const), n: fc.nat(99) }),
  fc.record({ f: fc.constant("freeOwner" as const), n: fc.nat(99) }),
  fc.constant({ f: "round" as const }),
);

describe("mixing facade calls with the owner-based API", () => {
  it("keeps every invariant (Dragonball + rust-vmm allocators + owner API on one manager)", { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const db = new DragonballResourceManager(64);
        const rm = db.manager;
        const addr = new AddressAllocator(0xc000_0000n, 0x100_0000n, { manager: rm });
        const ids = new IdAllocator(6, 15, { manager: rm, pool: "legacyIrq" });
        const ranges: RangeInclusive[] = [];
        const quiet = (f: () => unknown): void => {
          try {
            f();
          } catch (e) {
            expect((e as { code?: unknown }).code, String(e)).toBeTypeOf("string");
          }
        };
        for (const o of ops) {
          const before = rm.snapshot();
          let threw = false;
          const run = (f: () => unknown): void => {
            try {
              f();
            } catch (e) {
              threw = true;
              expect((e as { code?: unknown }).code, String(e)).toBeTypeOf("string");
            }
          };
          if (o.f === "db") {
            if (o.n % 3 === 0)
              run(() =>
                db.allocateDeviceResources(
                  [
                    ResourceConstraint.newMmio(0x1000 << (o.n % 5)),
                    ResourceConstraint.newLegacyIrq(undefined),
                    ResourceConstraint.newPciMsixIrq(1 + (o.n % 9)),
                  ],
                  o.n % 2 === 0,
                ),
              );
            else if (o.n % 3 === 1) run(() => db.allocateMmioAddress(Constraint.new(0x1000).max(0xc0ff_ffffn)));
            else run(() => db.freeMmioAddress(0xc000_0000n + BigInt(o.n % 8) * 0x1000n, 0x1000));
          } else if (o.f === "addr") {
            if (o.n % 2 === 0)
              run(() => ranges.push(addr.allocate(0x1000 << (o.n % 4), 0x1000, o.n % 4 === 0 ? AllocPolicy.LastMatch : AllocPolicy.FirstMatch)));
            else if (ranges.length > 0) run(() => addr.free(ranges.splice(o.n % ranges.length, 1)[0]!));
          } else if (o.f === "id") {
            if (o.n % 2 === 0) run(() => ids.allocateId());
            else run(() => ids.freeId(6 + (o.n % 10)));
          } else if (o.f === "owner") {
            run(() => rm.allocateDevice(`dev${o.n % 7}`, [{ kind: "mmio", size: 0x2000 }, { kind: "legacy-irq" }]));
          } else if (o.f === "freeOwner") {
            const owners = rm.owners();
            if (owners.length > 0) quiet(() => rm.freeDevice(owners[o.n % owners.length]!));
          } else {
            expect(ResourceManager.restore(rm.snapshot()).snapshot()).toBe(rm.snapshot());
          }
          if (threw) expect(rm.snapshot()).toBe(before);
          rm.checkInvariants();
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe("IdAllocator over the MSI pool", () => {
  it("allocateIdAt takes exactly the vector asked for, and a taken one is a CONFLICT with nothing changed", () => {
    const ra = new ResourceAllocator("x86_64");
    const msi = ra.gsiMsiAllocator;
    expect(msi.allocateIdAt(100)).toBe(100);
    expect(msi.isAllocated(100)).toBe(true);
    expect(msi.isAllocated(99)).toBe(false);
    expect(msi.isAllocated(101)).toBe(false);
    const before = ra.manager.snapshot();
    expectAllocError(() => msi.allocateIdAt(100), "CONFLICT");
    expect(ra.manager.snapshot()).toBe(before);
    expect(msi.allocateId()).not.toBe(100);
    msi.freeId(100);
    expect(msi.isAllocated(100)).toBe(false);
    ra.manager.checkInvariants();
  });
});
