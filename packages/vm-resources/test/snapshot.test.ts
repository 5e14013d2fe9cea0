import { describe, expect, it } from "vitest";
import { POOL_NAMES, ResourceManager, SNAPSHOT_FORMAT, canonicalJSON, defineLayout, entryJSON, layoutToJSON, pciBar, presetLayout } from "../src/index.js";
import type { ResourceRequest } from "../src/index.js";
import { expectAllocError } from "./helpers.js";

function populated(): ResourceManager {
  const rm = ResourceManager.fromPreset("x86_64");
  rm.allocateDevice("serial0", [
    { kind: "pio", size: 8, base: 0x3f8 },
    { kind: "legacy-irq", irq: 4 },
  ]);
  rm.allocateDevice("net0", [pciBar({ size: 0x4000, is64bit: true }), { kind: "legacy-irq" }, { kind: "pci-msix", count: 3 }, { kind: "device-id" }]);
  rm.allocateDevice("blk0", [
    { kind: "mmio", size: 0x1000 },
    { kind: "legacy-irq", shared: true },
    { kind: "pci-msi", count: 2 },
    { kind: "mem-slot", count: 2 },
  ]);
  rm.allocateDevice("fs0", [{ kind: "mem", size: 0x200000, align: 0x200000 }]);
  rm.reserve("pio", { min: 0x2f8, max: 0x2ff }, "COM2");
  rm.freeDevice("net0");
  rm.allocateDevice("net1", [{ kind: "pci-msix", count: 2 }, { kind: "legacy-irq" }]);
  return rm;
}

const NEXT: ResourceRequest[][] = [
  [{ kind: "mmio", size: 0x1000 }, { kind: "legacy-irq" }, { kind: "pci-msix", count: 5 }],
  [pciBar({ size: 0x8000, is64bit: true }), { kind: "device-id" }, { kind: "mem-slot" }],
  [
    { kind: "pio", size: 0x10 },
    { kind: "mem", size: 0x1000 },
    { kind: "generic-msi", count: 1 },
  ],
];

describe("snapshot", () => {
  it("restores ranges listed in any address order, whichever 16-bit digit of the start tells them apart", () => {
    const rm = ResourceManager.fromPreset("x86_64");
    const { low, high } = rm.mmio;
    const hb = (high as NonNullable<typeof high>).min;
    // Starts that differ only in one digit (low 16 bits, bits 16-31, 32-47) or in several; names sort in another order.
    const bases = [0x1000n, 0x2000n, 0x1_0000n, 0x1_1000n, 0x10_0000n, 0x10_1000n].map((b) => low.min + b);
    bases.push(hb, hb + 0x1000n, hb + 0x1_0000n, hb + 0x1_0000_0000n, hb + 0x1_0000_1000n, hb + 0x10_0000_0000n);
    const order = [7, 3, 11, 0, 9, 5, 1, 10, 2, 8, 4, 6];
    order.forEach((k, i) => {
      rm.allocateDevice(`z${String(order.length - i).padStart(2, "0")}`, [{ kind: "mmio", base: bases[k] as bigint, size: 0x1000, window: "any" }]);
    });
    const back = ResourceManager.restore(rm.snapshot());
    expect(back.snapshot()).toBe(rm.snapshot());
    expect([...back.mmio.entries()].map(entryJSON)).toEqual([...rm.mmio.entries()].map(entryJSON));
    back.checkInvariants();
  });

  it("is canonical JSON: sorted keys, hex strings, stable", () => {
    const rm = populated();
    const text = rm.snapshot();
    const doc = JSON.parse(text) as Record<string, unknown>;
    expect(doc["format"]).toBe(SNAPSHOT_FORMAT);
    expect(doc["version"]).toBe(2);
    expect(canonicalJSON(doc)).toBe(text);
    expect(Object.keys(doc)).toEqual(["format", "layout", "owners", "reserved", "version"]);
    expect(text).toContain('{"owner":"serial0","resources":[{"base":1016,"kind":"pio","size":8},{"irq":4,"kind":"legacy-irq","shared":false}]}');
    expect(text).toContain('"reserved":{"pio":[{"label":"COM2","max":"0x2ff","min":"0x2f8"}]}');
    // each allocation once: no pool listing
    expect(text.match(/serial0/g)).toHaveLength(1);
    expect((doc["owners"] as { owner: string }[]).map((o) => o.owner)).toEqual(["blk0", "fs0", "net1", "serial0"]);
  });

  it("reads objects whose keys come in any order (a hand-edited snapshot) to the same state", () => {
    const a = populated();
    const text = a.snapshot();
    // Every object's keys reversed: the fast shape check fails and the general reader takes them.
    const reversed = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reversed)
        : typeof v === "object" && v !== null
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reversed(x)]),
            )
          : v;
    const shuffled = JSON.stringify(reversed(JSON.parse(text)));
    expect(shuffled).not.toBe(text);
    const b = ResourceManager.restore(shuffled);
    b.checkInvariants();
    expect(b.snapshot()).toBe(text);
    // The same keys in another order still refuse an unknown one, naming it.
    const bad = shuffled.replace('"kind":"pio"', '"kind":"pio","bsae":1');
    expect(expectAllocError(() => ResourceManager.restore(bad), "INVALID_SNAPSHOT").message).toContain("bsae");
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

  it("still reads version 1 (pools listed beside the owners) to the same state", () => {
    const a = populated();
    const b = ResourceManager.restore(v1Of(a));
    b.checkInvariants();
    expect(b.snapshot()).toBe(a.snapshot());
    NEXT.forEach((reqs, i) => expect(b.allocateDevice(`n${i}`, reqs)).toEqual(a.allocateDevice(`n${i}`, reqs)));
  });

  it("round trips every preset, empty", () => {
    for (const [arch, flavor] of [
      ["x86_64", "firecracker"],
      ["aarch64", "dragonball"],
      ["aarch64", "firecracker"],
    ] as const) {
      const a = ResourceManager.fromPreset(arch, flavor);
      expect(ResourceManager.restore(a.snapshot()).snapshot()).toBe(a.snapshot());
    }
  });
});

type Doc = Record<string, any>;
const base = (): Doc => JSON.parse(populated().snapshot()) as Doc;

/** The version 1 text of a manager's state (every pool range listed). */
function v1Of(rm: ResourceManager): string {
  const pools: Record<string, unknown> = {};
  for (const name of POOL_NAMES) pools[name] = { ranges: [...rm.entries(name)].map(entryJSON) };
  return canonicalJSON({ format: SNAPSHOT_FORMAT, layout: layoutToJSON(rm.layout), owners: (JSON.parse(rm.snapshot()) as Doc)["owners"], pools, version: 1 });
}
const v1 = (): Doc => JSON.parse(v1Of(populated())) as Doc;

// owners (sorted): blk0 [mmio, shared irq, pci-msi x2, mem-slot x2], fs0 [mem], net1 [msix x2, irq], serial0 [pio, irq 4]
const BAD: [string, (d: Doc) => unknown, string][] = [
  ["not an object", () => [], "$"],
  ["wrong format", (d) => ((d["format"] = "other"), d), "$.format"],
  ["future version", (d) => ((d["version"] = 3), d), "$.version"],
  ["unknown top key", (d) => ((d["extra"] = 1), d), "$.extra"],
  ["version 2 with pools", (d) => ((d["pools"] = {}), d), "$.pools"],
  ["missing owners", (d) => (delete d["owners"], d), "$.owners"],
  ["layout broken", (d) => ((d["layout"]["mmio"]["low"]["min"] = "0x1_0000_0000_0000_0000"), d), "$.layout.mmio.low.min"],
  ["layout reversed range", (d) => ((d["layout"]["msi"]["ranges"][0]["min"] = "0xffff"), d), "$.layout.msi.ranges[0].min"],
  ["layout unknown key", (d) => ((d["layout"]["msi"]["windw"] = {}), d), "$.layout.msi.windw"],
  ["layout reservation unknown key", (d) => ((d["layout"]["mmio"]["reserved"][0]["lable"] = "x"), d), "$.layout.mmio.reserved[0].lable"],
  ["reserved: unknown pool", (d) => ((d["reserved"]["gpu"] = []), d), "$.reserved.gpu"],
  ["reserved: not a list", (d) => ((d["reserved"]["pio"] = {}), d), "$.reserved.pio"],
  ["reserved: empty label", (d) => ((d["reserved"]["pio"][0]["label"] = ""), d), "$.reserved.pio[0].label"],
  ["reserved: over an allocation", (d) => ((d["reserved"]["pio"][0] = { label: "x", min: "0x3f8", max: "0x3f8" }), d), "$.reserved.pio[0]"],
  ["reserved: outside the pool", (d) => ((d["reserved"]["msi"] = [{ label: "x", min: "0xffffff", max: "0xffffff" }]), d), "$.reserved.msi[0]"],
  ["owners unsorted", (d) => (d["owners"].reverse(), d), "$.owners[1].owner"],
  ["owner duplicated", (d) => (d["owners"].splice(1, 0, d["owners"][0]), d), "$.owners[1].owner"],
  ["owner empty", (d) => ((d["owners"][0]["owner"] = ""), d), "$.owners[0].owner"],
  ["owner unknown key", (d) => ((d["owners"][0]["ownr"] = "x"), d), "$.owners[0].ownr"],
  ["owner with no resources", (d) => ((d["owners"][0]["resources"] = []), d), "$.owners[0].resources"],
  ["resource of unknown kind", (d) => ((d["owners"][0]["resources"][0]["kind"] = "gpu"), d), "$.owners[0].resources[0].kind"],
  ["resource kind __proto__", (d) => ((d["owners"][0]["resources"][0]["kind"] = "__proto__"), d), "$.owners[0].resources[0].kind"],
  ["resource without a kind", (d) => (delete d["owners"][0]["resources"][0]["kind"], d), "$.owners[0].resources[0].kind"],
  ["resource kind a number", (d) => ((d["owners"][0]["resources"][0]["kind"] = 1), d), "$.owners[0].resources[0].kind"],
  ["resource not an object", (d) => ((d["owners"][0]["resources"][0] = "mmio"), d), "$.owners[0].resources[0]"],
  ["resource with extra key", (d) => ((d["owners"][0]["resources"][0]["color"] = "red"), d), "$.owners[0].resources[0].color"],
  ["resource with another kind's key", (d) => ((d["owners"][3]["resources"][0]["count"] = 1), d), "$.owners[3].resources[0].count"],
  ["resource missing a key", (d) => (delete d["owners"][3]["resources"][0]["size"], d), "$.owners[3].resources[0].size"],
  ["resource misaligned", (d) => ((d["owners"][1]["resources"][0]["base"] = "0x100000"), d), "$.owners[1].resources[0].base"],
  ["resource align not power of two", (d) => ((d["owners"][1]["resources"][0]["align"] = "0x3"), d), "$.owners[1].resources[0].align"],
  ["mmio window wrong", (d) => ((d["owners"][0]["resources"][0]["window"] = "high"), d), "$.owners[0].resources[0].window"],
  [
    "32-bit mmio above 4 GiB",
    (d) => (Object.assign(d["owners"][0]["resources"][0], { base: "0x10000000000", window: "high" }), d),
    "$.owners[0].resources[0].is64bit",
  ],
  ["pci-msi count not a power of two", (d) => ((d["owners"][0]["resources"][2]["count"] = 3), d), "$.owners[0].resources[2].count"],
  ["pci-msi base not aligned to its count", (d) => ((d["owners"][0]["resources"][2]["base"] += 1), d), "$.owners[0].resources[2].base"],
  ["resource not in its pool", (d) => ((d["owners"][0]["resources"][2]["base"] = 0x10000000), d), "$.owners[0].resources[2]"],
  [
    "resource overlapping another owner's",
    (d) => ((d["owners"][3]["resources"][1]["irq"] = d["owners"][2]["resources"][1]["irq"]), d),
    "$.owners[3].resources[1]",
  ],
  ["shared IRQ wrong", (d) => ((d["owners"][0]["resources"][1]["irq"] = 6), d), "$.owners[0].resources[1].irq"],
  ["pio base a string number", (d) => ((d["owners"][3]["resources"][0]["base"] = true), d), "$.owners[3].resources[0].base"],
  ["resource recorded twice", (d) => (d["owners"][3]["resources"].push(d["owners"][3]["resources"][0]), d), "$.owners[3].resources[2]"],
  ["__proto__ key", (d) => JSON.parse(JSON.stringify(d).replace('"format":', '"__proto__":{"polluted":true},"format":')), "$.__proto__"],
  ["number where hex expected too large", (d) => ((d["owners"][1]["resources"][0]["size"] = -1), d), "$.owners[1].resources[0].size"],
];

const BAD_V1: [string, (d: Doc) => unknown, string][] = [
  ["v1: missing pools", (d) => (delete d["pools"], d), "$.pools"],
  ["v1: unknown pool", (d) => ((d["pools"]["gpu"] = { ranges: [] }), d), "$.pools.gpu"],
  ["v1: range min not hex", (d) => ((d["pools"]["mmio"]["ranges"][1]["min"] = "zz"), d), "$.pools.mmio.ranges[1].min"],
  ["v1: gap between ranges", (d) => ((d["pools"]["mmio"]["ranges"][1]["min"] = "0xc0001001"), d), "$.pools.mmio.ranges[1]"],
  ["v1: ranges end early", (d) => (d["pools"]["msi"]["ranges"].pop(), d), "$.pools.msi.ranges"],
  ["v1: bad state", (d) => ((d["pools"]["msi"]["ranges"][0]["state"] = "lent"), d), "$.pools.msi.ranges[0].state"],
  ["v1: wrong owner", (d) => ((d["pools"]["msi"]["ranges"][0]["owner"] = "x"), d), "$.pools.msi.ranges[0].owner"],
  ["v1: free with owner", (d) => ((d["pools"]["msi"]["ranges"][1]["owner"] = "x"), d), "$.pools.msi.ranges[1].owner"],
  ["v1: constructor key in a range", (d) => ((d["pools"]["msi"]["ranges"][0]["constructor"] = {}), d), "$.pools.msi.ranges[0].constructor"],
  ["v1: an allocation no owner records", (d) => (d["owners"].splice(1, 1), d), "$.pools.mem.ranges[0]"],
];

describe("restore rejects invalid snapshots with the JSON path", () => {
  it.each([...BAD.map((b) => [...b, base] as const), ...BAD_V1.map((b) => [...b, v1] as const)])("%s", (_name, mutate, path, from) => {
    const bad = mutate(from());
    const text = typeof bad === "string" ? bad : JSON.stringify(bad);
    const e = expectAllocError(() => ResourceManager.restore(text), "INVALID_SNAPSHOT");
    expect(e.details.path).toBe(path);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
  it("a misplaced range is named with what it meets: the range before it, or no pool range", () => {
    const message = (mutate: (d: Doc) => unknown): string =>
      expectAllocError(() => ResourceManager.restore(JSON.stringify(mutate(base()))), "INVALID_SNAPSHOT").message;
    const overlap = message((d) => ((d["owners"][3]["resources"][1]["irq"] = d["owners"][2]["resources"][1]["irq"]), d));
    expect(overlap).toMatch(/^\$\.owners\[3\]\.resources\[1\]: \[0x0*6, 0x0*6\] overlaps the range before it, \[0x0*6, 0x0*6\]$/);
    const outside = message((d) => ((d["owners"][0]["resources"][2]["base"] = 0x10000000), d));
    expect(outside).toMatch(/^\$\.owners\[0\]\.resources\[2\]: \[0x0*10000000, 0x0*10000001\] lies outside the pool$/);
    const pastEnd = message((d) => ((d["reserved"]["msi"] = [{ label: "x", min: "0xfe", max: "0x100000" }]), d));
    expect(pastEnd).toMatch(/^\$\.reserved\.msi\[0\]: .* runs past the end of the pool range it starts in$/);
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

describe("the snapshot writer is the manager's own", () => {
  it("the package exports no writer that would trust a forged source: snapshots come from ResourceManager.snapshot", async () => {
    const api = (await import("../src/index.js")) as Record<string, unknown>;
    expect(api["writeSnapshot"]).toBeUndefined();
    expect(typeof api["readSnapshot"]).toBe("function");
    const rm = ResourceManager.fromPreset("x86_64");
    rm.allocateDevice("d", [{ kind: "pio", size: 8 }]);
    expect(ResourceManager.restore(rm.snapshot()).snapshot()).toBe(rm.snapshot());
  });
});

// High windows from 2^52 that end at 2^53 - 1 and at 2^54 - 1: regions below 2^53 are checked with numbers, the others with bigints.
describe.each([
  ["ends at 2^53 - 1", (1n << 53n) - 1n],
  ["straddles 2^53", (1n << 54n) - 1n],
])("restore places each MMIO region in a high window that %s", (_name, highMax) => {
  const json = layoutToJSON(presetLayout("x86_64")) as Record<string, Record<string, unknown>>;
  const layout = defineLayout({ ...json, name: "high window", mmio: { ...json["mmio"], high: { min: 1n << 52n, max: highMax } } });
  const bases = [0xc000_0000n, 0xfbff_f000n, 1n << 52n, highMax - 0xfffn, (1n << 53n) - 0x1000n, 1n << 53n].filter(
    (b, i, all) => b + 0xfffn <= highMax && all.indexOf(b) === i,
  );
  const snapshot = (): Doc => {
    const rm = new ResourceManager(layout);
    bases.forEach((base, i) => rm.allocateDevice(`d${i}`, [{ kind: "mmio", base, size: 0x1000, window: "any" }]));
    return JSON.parse(rm.snapshot()) as Doc;
  };
  const windowOf = (base: bigint): string => (base < 1n << 32n ? "low" : "high");

  it("keeps every region and its window", () => {
    const doc = snapshot();
    const back = ResourceManager.restore(JSON.stringify(doc));
    expect(bases.map((_, i) => back.resourcesOf(`d${i}`)[0])).toEqual(
      bases.map((base) => expect.objectContaining({ kind: "mmio", base, window: windowOf(base) })),
    );
    expect(back.snapshot()).toBe(JSON.stringify(doc));
  });

  it("refuses the wrong window for every region", () => {
    bases.forEach((base, i) => {
      const doc = snapshot();
      const res = doc["owners"][i]["resources"][0];
      res["window"] = windowOf(base) === "low" ? "high" : "low";
      const e = expectAllocError(() => ResourceManager.restore(JSON.stringify(doc)), "INVALID_SNAPSHOT");
      expect(e.details.path).toBe(`$.owners[${i}].resources[0].window`);
      expect(e.message).toContain(`lies in the ${windowOf(base)} window, not "${res["window"]}"`);
    });
  });

  it("refuses a region past the high window's end or below the low window's start, and a 32-bit region in the high window", () => {
    const past = snapshot();
    const top = bases.indexOf(highMax - 0xfffn);
    past["owners"][top]["resources"][0]["size"] = "0x2000";
    past["owners"][top]["resources"][0]["align"] = "0x1000";
    expect(expectAllocError(() => ResourceManager.restore(JSON.stringify(past)), "INVALID_SNAPSHOT").message).toContain("lies in the no window");
    const edge = snapshot();
    edge["owners"][0]["resources"][0]["base"] = "0xbfffffff";
    expect(expectAllocError(() => ResourceManager.restore(JSON.stringify(edge)), "INVALID_SNAPSHOT").message).toContain("lies in the no window");
    bases.forEach((base, i) => {
      if (windowOf(base) === "low") return;
      const doc = snapshot();
      doc["owners"][i]["resources"][0]["is64bit"] = false;
      const e = expectAllocError(() => ResourceManager.restore(JSON.stringify(doc)), "INVALID_SNAPSHOT");
      expect(e.details.path).toBe(`$.owners[${i}].resources[0].is64bit`);
    });
  });
});
