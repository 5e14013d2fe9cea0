/**
 * The device plug path's shortcuts (bench "churn") keep every rule: placement
 * caches keyed by checked numbers, shared plans for MSI blocks and any-line
 * IRQs, and owner records that nothing outside can reach.
 */
import { describe, expect, it } from "vitest";
import { ResourceManager, defineLayout, irq, layoutToJSON, msiVector, pciBar, presetLayout } from "../src/index.js";
import type { MmioResource, MsiBlock, OwnerRecord } from "../src/index.js";
import { expectAllocError } from "./helpers.js";

const fresh = (): ResourceManager => ResourceManager.fromPreset("x86_64");

describe("placement caches", () => {
  it("a size aligned to itself and the same size unaligned never share a placement", () => {
    const rm = fresh();
    const [odd] = rm.allocateDevice("odd", [{ kind: "mmio", size: 0x10 }]) as [MmioResource];
    const [plain] = rm.allocateDevice("plain", [{ kind: "mmio", size: 0x1000 }]) as [MmioResource];
    expect(plain.base).toBe(odd.base + 0x10n);
    expect(plain.align).toBe(1n);
    const [aligned] = rm.allocateDevice("aligned", [{ kind: "mmio", size: 0x1000, align: 0x1000 }]) as [MmioResource];
    expect(aligned.base % 0x1000n).toBe(0n);
    expect(aligned.align).toBe(0x1000n);
    const [again] = rm.allocateDevice("again", [{ kind: "mmio", size: 0x1000 }]) as [MmioResource];
    expect(again.align).toBe(1n);
    expect(again.base).toBe(aligned.base + 0x1000n); // the gap before the aligned block is too short
    const [unaligned] = rm.allocateDevice("unaligned", [{ kind: "mmio", size: 0xff0 }]) as [MmioResource];
    expect(unaligned.base).toBe(plain.base + 0x1000n); // and fits a smaller unaligned block exactly
    rm.checkInvariants();
  });

  it("32-bit, 64-bit and each window keep their own placements for the same size", () => {
    const rm = fresh();
    const [high] = rm.allocateDevice("high", [pciBar({ size: 0x4000, is64bit: true })]) as [MmioResource];
    const [low] = rm.allocateDevice("low", [pciBar({ size: 0x4000 })]) as [MmioResource];
    const [any32] = rm.allocateDevice("any32", [{ kind: "mmio", size: 0x4000, align: 0x4000, window: "any", is64bit: false }]) as [MmioResource];
    expect(high.window).toBe("high");
    expect(low.window).toBe("low");
    expect(any32.window).toBe("low");
    expect(any32.base + any32.size - 1n).toBeLessThanOrEqual(0xffff_ffffn);
    rm.checkInvariants();
  });

  it("sizes at and above 2^53 are placed exactly (not cached under a rounded number)", () => {
    const base = layoutToJSON(presetLayout("x86_64")) as Record<string, Record<string, unknown>>;
    const mmio = { ...base["mmio"], high: { min: 1n << 60n, max: (1n << 61n) - 1n } };
    const rm = new ResourceManager(defineLayout({ ...base, name: "huge high window", mmio }));
    const big = 1n << 53n;
    const [a] = rm.allocateDevice("a", [{ kind: "mmio", size: big + 1n, window: "high" }]) as [MmioResource];
    const [b] = rm.allocateDevice("b", [{ kind: "mmio", size: big, window: "high" }]) as [MmioResource];
    expect(a.size).toBe(big + 1n);
    expect(b.size).toBe(big);
    expect(b.base).toBe(a.base + a.size);
    rm.checkInvariants();
  });

  it("a placement belongs to its layout: two managers over different windows never share one", () => {
    const base = layoutToJSON(presetLayout("x86_64")) as Record<string, unknown>;
    const a = new ResourceManager(defineLayout({ ...base, name: "a", msi: { ranges: [{ min: 100, max: 199 }] } }));
    const b = new ResourceManager(defineLayout({ ...base, name: "b", msi: { ranges: [{ min: 500, max: 599 }] } }));
    for (let i = 0; i < 3; i++) {
      const [x] = a.allocateDevice(`a${i}`, [{ kind: "pci-msix", count: 4 }]) as [MsiBlock];
      const [y] = b.allocateDevice(`b${i}`, [{ kind: "pci-msix", count: 4 }]) as [MsiBlock];
      expect(x.base).toBe(100 + 4 * i);
      expect(y.base).toBe(500 + 4 * i);
    }
    a.checkInvariants();
    b.checkInvariants();
  });
});

describe("shared plans", () => {
  it("MSI blocks of one count share a plan; each block is its own, with the right count", () => {
    const rm = fresh();
    const blocks = [1, 2, 3].map((i) => rm.allocateDevice(`d${i}`, [{ kind: "pci-msix", count: 3 }])[0] as MsiBlock);
    expect(blocks.map((b) => b.count)).toEqual([3, 3, 3]);
    expect(new Set(blocks.map((b) => b.base)).size).toBe(3);
    expect(Object.isFrozen(blocks[0])).toBe(true);
    const [pci] = rm.allocateDevice("pci", [{ kind: "pci-msi", count: 4n }]) as [MsiBlock];
    expect(pci.count).toBe(4);
    expect(pci.base % 4).toBe(0);
    rm.checkInvariants();
  });

  it("a count is still checked every time (bad counts after good ones, bigint and number alike)", () => {
    const rm = fresh();
    rm.allocateDevice("ok", [{ kind: "pci-msix", count: 4 }]);
    const before = rm.snapshot();
    for (const count of [0, 2049, 4.5, -1, "4", 2049n, Number.NaN]) {
      const e = expectAllocError(() => rm.allocateDevice("bad", [{ kind: "pci-msix", count } as never]), "INVALID_REQUEST");
      expect(e.details.argument).toBe("count");
    }
    expect(expectAllocError(() => rm.allocateDevice("bad", [{ kind: "pci-msi", count: 3 }]), "INVALID_REQUEST").details.argument).toBe("count");
    expect(rm.snapshot()).toBe(before);
  });

  it("any-line and shared IRQ requests keep their meaning", () => {
    const rm = fresh();
    const shared = rm.layout.legacyIrq.shared;
    const [a, s, b] = rm.allocateDevice("d", [{ kind: "legacy-irq" }, { kind: "legacy-irq", shared: true }, { kind: "legacy-irq", shared: false }]);
    expect(a).toMatchObject({ kind: "legacy-irq", shared: false });
    expect(b).toMatchObject({ kind: "legacy-irq", shared: false });
    if (shared === undefined) expect.unreachable("the x86_64 preset has a shared IRQ");
    expect(s).toEqual({ kind: "legacy-irq", irq: shared, shared: true });
    rm.checkInvariants();
  });
});

describe("owner records", () => {
  const mutate = (rec: OwnerRecord | undefined): void => {
    expect(rec).toBeDefined();
    expect(Object.isFrozen(rec)).toBe(true);
    expect(() => {
      (rec as { owner: string }).owner = "evil";
    }).toThrow(TypeError);
  };

  it("ownerOf answers a frozen copy: writing to it changes nothing in the manager", () => {
    const rm = fresh();
    const [line, block] = rm.allocateDevice("dev", [{ kind: "legacy-irq" }, { kind: "pci-msix", count: 2 }]);
    if (line?.kind !== "legacy-irq" || block?.kind !== "pci-msix") expect.unreachable("resources in request order");
    mutate(rm.ownerOfIrq(irq(line.irq)));
    mutate(rm.pool("msi").ownerAt(block.base));
    mutate(rm.ownerOfVector(msiVector(block.base)));
    expect(rm.ownerOfIrq(irq(line.irq))).toEqual({ kind: "owner", owner: "dev" });
    rm.checkInvariants();
  });

  it("the same holds after a restore and for reservations", () => {
    const rm = fresh();
    const [line] = rm.allocateDevice("dev", [{ kind: "legacy-irq" }]);
    if (line?.kind !== "legacy-irq") expect.unreachable("a legacy IRQ");
    rm.reserve("pio", { min: 0x70, max: 0x71 }, "CMOS RTC");
    const back = ResourceManager.restore(rm.snapshot());
    mutate(back.ownerOfIrq(irq(line.irq)));
    const reserved = back.ownerOf("pio", 0x70);
    expect(reserved).toEqual({ kind: "reserved", label: "CMOS RTC" });
    expect(Object.isFrozen(reserved)).toBe(true);
    back.checkInvariants();
    expect(back.snapshot()).toBe(rm.snapshot());
  });
});

describe("requests read once", () => {
  it("pciBar's result is frozen plain data that the manager takes as checked; a copy or a look-alike is read like any request", () => {
    const bar = pciBar({ size: 0x4000, is64bit: true });
    expect(Object.isFrozen(bar)).toBe(true);
    expect(Object.keys(bar).sort()).toEqual(["align", "is64bit", "kind", "prefetchable", "size", "window"]);
    expect({ ...bar }).toEqual({ kind: "mmio", size: 0x4000n, align: 0x4000n, window: "any", is64bit: true, prefetchable: false });
    const a = ResourceManager.fromPreset("x86_64");
    const b = ResourceManager.fromPreset("x86_64");
    // The same placement from the prepared request and from its plain copy.
    expect(a.allocateDevice("nvme0", [bar])).toEqual(b.allocateDevice("nvme0", [{ ...bar }]));
    // An object that only shares its prototype carries no checked form: it is read, and refused for what it lacks.
    const forged = Object.create(Object.getPrototypeOf(bar) as object) as object;
    const e = expectAllocError(() => a.allocateDevice("x", [forged as never]), "INVALID_REQUEST");
    expect(e.details.argument).toBe("kind");
    a.checkInvariants();
    expect(a.snapshot()).toBe(b.snapshot());
  });

  it("a frozen template is read every time until it is seen again, then remembered; one with a getter is read every time", () => {
    const rm = ResourceManager.fromPreset("x86_64");
    let reads = 0;
    const withGetter = Object.freeze(
      Object.defineProperty({ kind: "pci-msix" }, "count", {
        get() {
          reads++;
          return 2;
        },
        enumerable: true,
      }),
    );
    for (let i = 0; i < 5; i++) rm.allocateDevice(`g${i}`, [withGetter as never]);
    expect(reads).toBe(5);
    // A frozen data-only template: the same answers whether remembered or not.
    const template = Object.freeze({ kind: "pci-msix" as const, count: 3 });
    const blocks = Array.from({ length: 5 }, (_, i) => rm.allocateDevice(`t${i}`, [template])[0]);
    for (const blk of blocks) expect(blk).toMatchObject({ kind: "pci-msix", count: 3 });
    // Seen through a proxy (which must answer as its frozen target does): read on its first two uses, then not at all.
    let gets = 0;
    const watched = new Proxy(Object.freeze({ kind: "pci-msix" as const, count: 2 }), {
      get(target, key, receiver) {
        gets++;
        return Reflect.get(target, key, receiver);
      },
    });
    rm.allocateDevice("w0", [watched]);
    expect(gets).toBe(2);
    rm.allocateDevice("w1", [watched]);
    expect(gets).toBe(4);
    for (let i = 2; i < 6; i++) rm.allocateDevice(`w${i}`, [watched]);
    expect(gets).toBe(4);
    rm.checkInvariants();
  });
});
