import { describe, expect, it } from "vitest";
import { Range } from "@alloc/constraint";
import { ManagerModel } from "@alloc/testing";
import type { ManagerLayoutView } from "@alloc/testing";

const pool = (min: number | bigint, max: number | bigint, reserved: Array<[number, number, string]> = [], window?: Range) => ({
  ranges: [new Range(min, max)],
  reserved: reserved.map(([a, b, label]) => ({ range: new Range(a, b), label })),
  window,
});

const LAYOUT: ManagerLayoutView = {
  mmio: { ...pool(0xd000_0000n, 0xdfff_ffffn, [[0xdfff_f000, 0xdfff_ffff, "lapic"]]), low: new Range(0xd000_0000n, 0xdfff_ffffn), high: undefined },
  mem: pool(0, 0xffff_ffffn),
  pio: pool(0, 0xffff, [[0x60, 0x64, "i8042"]]),
  legacyIrq: { ...pool(0, 15, [[0, 2, "pit/pic"]]), shared: 5 },
  msi: pool(24, 1023),
  deviceId: pool(0, 31, [[0, 0, "host bridge"]]),
  memSlot: pool(0, 31),
};

describe("ManagerModel", () => {
  it("places by first match in each pool and skips reservations", () => {
    const m = new ManagerModel(LAYOUT);
    const got = m.allocate("dev0", [{ kind: "device-id" }, { kind: "legacy-irq" }, { kind: "pio", size: 8, align: 8 }, { kind: "pci-msi", count: 4 }]);
    expect(got.map((r) => [r.kind, r.min, r.max])).toEqual([
      ["device-id", 1n, 1n],
      ["legacy-irq", 3n, 3n],
      ["pio", 0n, 7n],
      ["pci-msi", 24n, 27n],
    ]);
    // PCI MSI blocks are aligned to their count.
    expect(m.allocate("dev1", [{ kind: "pci-msi", count: 8 }])[0]!.min).toBe(32n);
  });

  it("is all-or-nothing and refuses duplicate and unknown owners", () => {
    const m = new ManagerModel(LAYOUT);
    m.allocate("dev0", [{ kind: "device-id", id: 3 }]);
    const before = [...m.pools.deviceId.entries()].length;
    expect(() => m.allocate("dev1", [{ kind: "device-id" }, { kind: "device-id", id: 3 }])).toThrow(expect.objectContaining({ code: "CONFLICT" }));
    expect([...m.pools.deviceId.entries()].length).toBe(before);
    expect(m.owners.has("dev1")).toBe(false);
    expect(() => m.allocate("dev0", [{ kind: "device-id" }])).toThrow(expect.objectContaining({ code: "DUPLICATE_OWNER" }));
    expect(() => m.freeDevice("nobody")).toThrow(expect.objectContaining({ code: "UNKNOWN_OWNER" }));
  });

  it("hands out the shared IRQ outside the pool and refuses it as a private line", () => {
    const m = new ManagerModel(LAYOUT);
    expect(m.allocate("a", [{ kind: "legacy-irq", shared: true }])[0]).toEqual({ kind: "legacy-irq", pool: undefined, min: 5n, max: 5n });
    expect(() => m.allocate("b", [{ kind: "legacy-irq", irq: 5 }])).toThrow(expect.objectContaining({ code: "CONFLICT" }));
  });

  it("moves a resource only to free, aligned space and frees the old place", () => {
    const m = new ManagerModel(LAYOUT);
    const [bar] = m.allocate("nic", [{ kind: "mmio", size: 0x1000n, align: 0x1000n }]);
    expect(() => m.move("nic", bar!, bar!.min + 0x800n)).toThrow(expect.objectContaining({ code: "INVALID_ALIGNMENT" }));
    expect(() => m.move("nic", bar!, 0xdfff_f000n)).toThrow(expect.objectContaining({ code: "CONFLICT" }));
    const moved = m.move("nic", bar!, 0xd001_0000n);
    expect([moved.min, moved.max, moved.window]).toEqual([0xd001_0000n, 0xd001_0fffn, "low"]);
    expect(m.pools.mmio.get(new Range(0xd000_0000n, 0xd000_ffffn))).toEqual({ kind: "free" });
    m.freeDevice("nic");
    expect(m.pools.mmio.stats().freeFragments).toBe(1);
  });
});

describe("ManagerModel's boundary", () => {
  const snapshot = (m: ManagerModel): string =>
    JSON.stringify(Object.entries(m.pools).map(([name, p]) => [name, [...p.entries()].map(([r, s]) => `${r}:${s.kind}`)]));

  it("refuses bad arguments to every method with INVALID_ARGUMENT naming them, and changes nothing", () => {
    const m = new ManagerModel(LAYOUT);
    const [pio] = m.allocate("dev0", [{ kind: "pio", size: 8 }]);
    const before = snapshot(m);
    const trap = new Proxy(
      {},
      {
        get() {
          throw new Error("boom");
        },
        ownKeys() {
          throw new Error("boom");
        },
      },
    );
    const cases: [() => unknown, string][] = [
      [() => m.allocate(5 as never, [{ kind: "pio", size: 8 }]), "owner"],
      [() => m.allocate("dev1", "x" as never), "requests"],
      [() => m.allocate("dev1", [{ kind: "pio", size: 8 }, null as never]), "requests[1]"],
      [() => m.allocate("dev1", [{ kind: "pio", size: "8" } as never]), "requests[0].size"],
      [() => m.allocate("dev1", [{ kind: "pci-msi", cuont: 4 } as never]), "requests[0].cuont"],
      [() => m.allocate("dev1", [trap as never]), "requests[0]"],
      [() => m.allocate("dev1", [{ kind: "pio", size: 8 }], 1 as never), "extend"],
      [() => m.freeDevice(null as never), "owner"],
      [() => m.freeResource("dev0", {} as never), "res.kind"],
      [() => m.freeResource("dev0", { ...pio!, min: 9n, max: 1n }), "res.min"],
      [() => m.resize("dev0", pio!, 16 as never), "size"],
      [() => m.resize("dev0", trap as never, 16n), "res"],
      [() => m.move("dev0", pio!, -1n), "to"],
      [() => m.move(undefined as never, pio!, 0x100n), "owner"],
    ];
    for (const [call, argument] of cases) {
      let caught: unknown;
      try {
        call();
      } catch (e) {
        caught = e;
      }
      expect(caught, argument).toMatchObject({ code: "INVALID_ARGUMENT", details: { argument } });
      expect(snapshot(m)).toBe(before);
    }
    // Still usable, with the same answers.
    expect(m.move("dev0", pio!, 0x100n)).toMatchObject({ min: 0x100n, max: 0x107n });
  });

  it("has no method a caller can reach that skips those checks", () => {
    const m = new ManagerModel(LAYOUT);
    const [pio] = m.allocate("dev0", [{ kind: "pio", size: 8 }]);
    const before = snapshot(m);
    const methods = Object.getOwnPropertyNames(ManagerModel.prototype).filter((k) => k !== "constructor");
    // clone takes nothing; the rest change or read the model from their arguments.
    expect(methods.sort()).toEqual(["allocate", "clone", "freeDevice", "freeResource", "move", "resize"]);
    for (const name of methods.filter((k) => k !== "clone")) {
      const call = (m as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!;
      let caught: unknown;
      try {
        call.call(m, null, null, null);
      } catch (e) {
        caught = e;
      }
      expect(caught, name).toMatchObject({ code: "INVALID_ARGUMENT" });
    }
    expect(snapshot(m)).toBe(before);
    expect(m.clone().freeDevice("dev0")).toEqual([pio]);
  });

  it("refuses a receiver its constructor did not build, with valid arguments, and a forged copy source", () => {
    const m = new ManagerModel(LAYOUT);
    const [pio] = m.allocate("dev0", [{ kind: "pio", size: 8 }]);
    const forged = Object.create(ManagerModel.prototype) as ManagerModel;
    const calls: Array<[string, (r: ManagerModel) => unknown]> = [
      ["allocate", (r) => ManagerModel.prototype.allocate.call(r, "dev1", [{ kind: "pio", size: 8 }])],
      ["freeDevice", (r) => ManagerModel.prototype.freeDevice.call(r, "dev0")],
      ["freeResource", (r) => ManagerModel.prototype.freeResource.call(r, "dev0", pio!)],
      ["resize", (r) => ManagerModel.prototype.resize.call(r, "dev0", pio!, 16n)],
      ["move", (r) => ManagerModel.prototype.move.call(r, "dev0", pio!, 0x100n)],
      ["clone", (r) => ManagerModel.prototype.clone.call(r)],
    ];
    for (const receiver of [forged, null as unknown as ManagerModel]) {
      for (const [name, call] of calls) {
        let caught: unknown;
        try {
          call(receiver);
        } catch (e) {
          caught = e;
        }
        expect(caught, name).toMatchObject({ code: "INVALID_ARGUMENT", details: { argument: "this" } });
      }
    }
    expect(() => new ManagerModel(LAYOUT, forged)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", details: { argument: "copyFrom" } }));
    expect(m.freeDevice("dev0")).toEqual([pio]);
  });
});
