import { describe, expect, it } from "vitest";
import { ResourceManager, SNAPSHOT_FORMAT, canonicalJSON, pciBar } from "../src/index.js";
import type { ResourceRequest } from "../src/index.js";
import { expectAllocError } from "./helpers.js";

function populated(): ResourceManager {
  const rm = ResourceManager.fromPreset("x86_64");
  rm.allocateDevice("serial0", [{ kind: "pio", size: 8, base: 0x3f8 }, { kind: "legacy-irq", irq: 4 }]);
  rm.allocateDevice("net0", [pciBar({ size: 0x4000, is64bit: true }), { kind: "legacy-irq" }, { kind: "pci-msix", count: 3 }, { kind: "device-id" }]);
  rm.allocateDevice("blk0", [{ kind: "mmio", size: 0x1000 }, { kind: "legacy-irq", shared: true }, { kind: "pci-msi", count: 2 }, { kind: "mem-slot", count: 2 }]);
  rm.allocateDevice("fs0", [{ kind: "mem", size: 0x200000, align: 0x200000 }]);
  rm.reserve("pio", { min: 0x2f8, max: 0x2ff }, "COM2");
  rm.freeDevice("net0");
  rm.allocateDevice("net1", [{ kind: "pci-msix", count: 2 }, { kind: "legacy-irq" }]);
  return rm;
}

const NEXT: ResourceRequest[][] = [
  [{ kind: "mmio", size: 0x1000 }, { kind: "legacy-irq" }, { kind: "pci-msix", count: 5 }],
  [pciBar({ size: 0x8000, is64bit: true }), { kind: "device-id" }, { kind: "mem-slot" }],
  [{ kind: "pio", size: 0x10 }, { kind: "mem", size: 0x1000 }, { kind: "generic-msi", count: 1 }],
];

describe("snapshot", () => {
  it("is canonical JSON: sorted keys, hex strings, stable", () => {
    const rm = populated();
    const text = rm.snapshot();
    const doc = JSON.parse(text) as Record<string, unknown>;
    expect(doc["format"]).toBe(SNAPSHOT_FORMAT);
    expect(doc["version"]).toBe(1);
    expect(canonicalJSON(doc)).toBe(text);
    expect(Object.keys(doc)).toEqual(["format", "layout", "owners", "pools", "version"]);
    expect(text).toContain('{"max":"0x3ff","min":"0x3f8","owner":"serial0","state":"allocated"}');
    expect(text).toContain('"label":"COM2"');
    expect((doc["owners"] as { owner: string }[]).map((o) => o.owner)).toEqual(["blk0", "fs0", "net1", "serial0"]);
  });

  it("round trip: same state, same snapshot, and the next allocations are the same", () => {
    const a = populated();
    const b = ResourceManager.restore(a.snapshot());
    b.checkInvariants();
    expect(b.snapshot()).toBe(a.snapshot());
    expect(b.dump({ free: true })).toBe(a.dump({ free: true }));
    expect(b.owners()).toEqual(a.owners());
    for (const o of a.owners()) expect(b.resourcesOf(o)).toEqual(a.resourcesOf(o));
    NEXT.forEach((reqs, i) => expect(b.allocateDevice(`n${i}`, reqs)).toEqual(a.allocateDevice(`n${i}`, reqs)));
    expect(b.snapshot()).toBe(a.snapshot());
  });

  it("round trips every preset, empty", () => {
    for (const [arch, flavor] of [["x86_64", "firecracker"], ["aarch64", "dragonball"], ["aarch64", "firecracker"]] as const) {
      const a = ResourceManager.fromPreset(arch, flavor);
      expect(ResourceManager.restore(a.snapshot()).snapshot()).toBe(a.snapshot());
    }
  });
});

type Doc = Record<string, any>;
const base = (): Doc => JSON.parse(populated().snapshot()) as Doc;
const idx = (d: Doc, pool: string, pred: (e: Doc) => boolean): number => (d["pools"][pool]["ranges"] as Doc[]).findIndex(pred);

const BAD: [string, (d: Doc) => unknown, string][] = [
  ["not an object", () => [], "$"],
  ["wrong format", (d) => ((d["format"] = "other"), d), "$.format"],
  ["future version", (d) => ((d["version"] = 2), d), "$.version"],
  ["unknown top key", (d) => ((d["extra"] = 1), d), "$.extra"],
  ["missing owners", (d) => (delete d["owners"], d), "$.owners"],
  ["layout broken", (d) => ((d["layout"]["mmio"]["low"]["min"] = "0x1_0000_0000_0000_0000"), d), "$.layout.mmio.low.min"],
  ["layout reversed range", (d) => ((d["layout"]["msi"]["ranges"][0]["min"] = "0xffff"), d), "$.layout.msi.ranges[0].min"],
  ["unknown pool", (d) => ((d["pools"]["gpu"] = { ranges: [] }), d), '$.pools.gpu'],
  ["missing pool", (d) => (delete d["pools"]["msi"], d), "$.pools.msi"],
  ["range min not hex", (d) => ((d["pools"]["mmio"]["ranges"][1]["min"] = "zz"), d), "$.pools.mmio.ranges[1].min"],
  ["range min above max", (d) => ((d["pools"]["mmio"]["ranges"][0]["min"] = "0xffffffff"), d), "$.pools.mmio.ranges[0].min"],
  ["gap between ranges", (d) => ((d["pools"]["mmio"]["ranges"][1]["min"] = "0xc0001001"), d), "$.pools.mmio.ranges[1].min"],
  ["range past the pool", (d) => {
    const r = d["pools"]["msi"]["ranges"];
    r[r.length - 1]["max"] = "0x400";
    return d;
  }, "$.pools.msi.ranges[3].max"],
  ["ranges end early", (d) => (d["pools"]["msi"]["ranges"].pop(), d), "$.pools.msi.ranges"],
  ["bad state", (d) => ((d["pools"]["msi"]["ranges"][0]["state"] = "lent"), d), "$.pools.msi.ranges[0].state"],
  ["allocated without owner", (d) => (delete d["pools"]["msi"]["ranges"][0]["owner"], d), "$.pools.msi.ranges[0].owner"],
  ["free with owner", (d) => ((d["pools"]["msi"]["ranges"][1]["owner"] = "x"), d), "$.pools.msi.ranges[1].owner"],
  ["adjacent free ranges", (d) => {
    const r = d["pools"]["memSlot"]["ranges"] as Doc[];
    const last = r[r.length - 1]!;
    r.splice(r.length - 1, 1, { min: last["min"], max: "0x10", state: "free" }, { min: "0x11", max: last["max"], state: "free" });
    return d;
  }, "$.pools.memSlot.ranges[2].state"],
  ["layout reservation missing", (d) => {
    const i = idx(d, "mmio", (e) => e["state"] === "reserved");
    d["pools"]["mmio"]["ranges"][i]["label"] = "something else";
    return d;
  }, "$.pools.mmio.ranges"],
  ["owners unsorted", (d) => (d["owners"].reverse(), d), "$.owners[1].owner"],
  ["owner with no resources", (d) => ((d["owners"][0]["resources"] = []), d), "$.owners[0].resources"],
  ["resource of unknown kind", (d) => ((d["owners"][0]["resources"][0]["kind"] = "gpu"), d), "$.owners[0].resources[0].kind"],
  ["resource with extra key", (d) => ((d["owners"][0]["resources"][0]["color"] = "red"), d), "$.owners[0].resources[0].color"],
  ["resource misaligned", (d) => ((d["owners"][1]["resources"][0]["base"] = "0x100000"), d), "$.owners[1].resources[0].base"],
  ["resource align not power of two", (d) => ((d["owners"][1]["resources"][0]["align"] = "0x3"), d), "$.owners[1].resources[0].align"],
  ["mmio window wrong", (d) => ((d["owners"][0]["resources"][0]["window"] = "high"), d), "$.owners[0].resources[0].window"],
  ["pci-msi count not a power of two", (d) => ((d["owners"][0]["resources"][2]["count"] = 3), d), "$.owners[0].resources[2].count"],
  ["resource not in its pool", (d) => ((d["owners"][0]["resources"][2]["base"] = 600), d), "$.owners[0].resources[2]"],
  ["resource held by another owner", (d) => ((d["owners"][3]["resources"][1]["irq"] = 6), d), "$.owners[3].resources[1]"],
  ["shared IRQ wrong", (d) => ((d["owners"][0]["resources"][1]["irq"] = 6), d), "$.owners[0].resources[1].irq"],
  ["pool allocation no owner records", (d) => (d["owners"].splice(1, 1), d), "$.pools.mem.ranges[0].owner"],
  ["resource recorded twice", (d) => (d["owners"][3]["resources"].push(d["owners"][3]["resources"][0]), d), "$.owners[3].resources[2]"],
  ["__proto__ key", (d) => JSON.parse(JSON.stringify(d).replace('"format":', '"__proto__":{"polluted":true},"format":')), '$.__proto__'],
  ["constructor key in a range", (d) => ((d["pools"]["msi"]["ranges"][0]["constructor"] = {}), d), "$.pools.msi.ranges[0].constructor"],
  ["number where hex expected too large", (d) => ((d["pools"]["msi"]["ranges"][0]["min"] = -1), d), "$.pools.msi.ranges[0].min"],
];

describe("restore rejects invalid snapshots with the JSON path", () => {
  it.each(BAD)("%s", (_name, mutate, path) => {
    const bad = mutate(base());
    const text = typeof bad === "string" ? bad : JSON.stringify(bad);
    const e = expectAllocError(() => ResourceManager.restore(text), "INVALID_SNAPSHOT");
    expect(e.details.path).toBe(path);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
  it("not JSON, not a string", () => {
    expect(expectAllocError(() => ResourceManager.restore("{"), "INVALID_SNAPSHOT").details.path).toBe("$");
    expect(expectAllocError(() => ResourceManager.restore(42 as never), "INVALID_SNAPSHOT").details.path).toBe("$");
  });
  it("every mutation of a valid snapshot either restores to a valid manager or throws INVALID_SNAPSHOT", () => {
    const text = populated().snapshot();
    for (let i = 0; i < text.length; i += 7) {
      for (const ch of ["0", "f", '"', "}", "x"]) {
        const t = text.slice(0, i) + ch + text.slice(i + 1);
        try {
          ResourceManager.restore(t).checkInvariants();
        } catch (e) {
          expect((e as { code?: string }).code).toBe("INVALID_SNAPSHOT");
        }
      }
    }
  });
});
