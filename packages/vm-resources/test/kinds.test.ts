import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REQUEST_KINDS, ResourceManager, kindNamed, parseVmDescription, pciBar } from "../src/index.js";
import type { Resource } from "../src/index.js";
import { expectAllocError } from "./helpers.js";

const fresh = (): ResourceManager => ResourceManager.fromPreset("x86_64");

/** Runs `f`, which must throw `code` naming `argument`, and checks that nothing changed (snapshot and the next allocations). */
function refused(rm: ResourceManager, f: () => unknown, code: string, argument?: string): void {
  const before = rm.snapshot();
  const e = expectAllocError(f, code as never);
  if (argument !== undefined) expect(e.details.argument ?? e.details.path).toBe(argument);
  expect(e.message).not.toContain("\n");
  expect(rm.snapshot()).toBe(before);
  const twin = ResourceManager.restore(before);
  const next = [{ kind: "mmio", size: 0x1000 }, { kind: "pci-msix", count: 2 }, { kind: "pio", size: 4 }, { kind: "legacy-irq" }] as const;
  expect(rm.allocateDevice("probe", [...next])).toEqual(twin.allocateDevice("probe", [...next]));
  rm.freeDevice("probe");
}

describe("the kind registry", () => {
  it("lists nine kinds, each with its pool and keys; unknown names are refused without touching prototypes", () => {
    expect(REQUEST_KINDS).toEqual(["pio", "mmio", "mem", "legacy-irq", "pci-msi", "pci-msix", "generic-msi", "mem-slot", "device-id"]);
    for (const k of REQUEST_KINDS) expect(kindNamed(k).requestKeys).toContain("kind");
    for (const bad of ["toString", "constructor", "__proto__", "hasOwnProperty", "", 7])
      expect(expectAllocError(() => kindNamed(bad), "INVALID_REQUEST").details.argument).toBe("kind");
  });

  it("kindNamed's argument name must be a string and its code an AllocError code", () => {
    for (const argument of [Symbol("a"), null, 5, {}])
      expect(expectAllocError(() => kindNamed("nope", argument as never), "INVALID_ARGUMENT").details.argument).toBe("argument");
    for (const code of ["BANANA", null, Symbol()])
      expect(expectAllocError(() => kindNamed("pio", "kind", code as never), "INVALID_ARGUMENT").details.argument).toBe("code");
    expect(expectAllocError(() => kindNamed("nope", "$.x.kind", "INVALID_SNAPSHOT"), "INVALID_SNAPSHOT").details.argument).toBe("$.x.kind");
  });

  it("no module outside src/kinds switches on a resource kind", () => {
    const root = join(import.meta.dirname, "..", "src");
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : [join(dir, d.name)]));
    for (const f of files(root)) {
      if (f.includes(`${join("src", "kinds")}`) || !f.endsWith(".ts")) continue;
      const text = readFileSync(f, "utf8");
      for (const k of REQUEST_KINDS) expect(text.includes(`case "${k}"`), `${f} has case "${k}"`).toBe(false);
    }
  });
});

describe("resizeResource", () => {
  it("grows and shrinks in place when the space after allows, every kind with a size", () => {
    const rm = fresh();
    const [m, p, x, s, bar] = rm.allocateDevice("d", [
      { kind: "mem", size: 0x1000, range: { min: 0x1000_0000, max: 0x1fff_ffff } },
      { kind: "pio", size: 4 },
      { kind: "pci-msix", count: 2 },
      { kind: "mem-slot", count: 1 },
      pciBar({ size: 0x1000 }),
    ]) as Resource[];
    expect(rm.resizeResource("d", m!, 0x3000)).toMatchObject({ kind: "mem", base: 0x1000_0000n, size: 0x3000n });
    expect(rm.resizeResource("d", p!, 8)).toMatchObject({ kind: "pio", size: 8 });
    expect(rm.resizeResource("d", x!, 5)).toMatchObject({ kind: "pci-msix", count: 5 });
    expect(rm.resizeResource("d", s!, 3)).toMatchObject({ kind: "mem-slot", count: 3 });
    const smaller = rm.resizeResource("d", bar!, 0x800);
    expect(smaller).toMatchObject({ kind: "mmio", size: 0x800n });
    expect(rm.resourcesOf("d").map((r) => r.kind)).toEqual(["mem", "pio", "pci-msix", "mem-slot", "mmio"]);
    expect(rm.ownerOfMemSlot(2 as never)).toEqual({ kind: "owner", owner: "d" });
    rm.checkInvariants();
    // A shrunk resource gives its tail back.
    rm.resizeResource("d", rm.resourcesOf("d")[0]!, 0x1000);
    expect(rm.ownerOfGuestAddress(0x1000_1000n as never)).toBeUndefined();
    rm.checkInvariants();
  });

  it("refuses with a typed error and changes nothing", () => {
    const rm = fresh();
    const [a, irq, id, msi] = rm.allocateDevice("a", [
      { kind: "pio", size: 4, base: 0x2000 },
      { kind: "legacy-irq" },
      { kind: "device-id" },
      { kind: "pci-msi", count: 2 },
    ]) as Resource[];
    rm.allocateDevice("b", [{ kind: "pio", size: 4, base: 0x2004 }]);
    expect(
      refused(rm, () => rm.resizeResource("a", a!, 5), "CONFLICT"),
      undefined,
    );
    refused(rm, () => rm.resizeResource("a", irq!, 2), "INVALID_ARGUMENT", "size");
    refused(rm, () => rm.resizeResource("a", id!, 2), "INVALID_ARGUMENT", "size");
    refused(rm, () => rm.resizeResource("a", msi!, 3), "INVALID_ARGUMENT", "size");
    refused(rm, () => rm.resizeResource("a", a!, 0), "INVALID_SIZE", "size");
    refused(rm, () => rm.resizeResource("a", a!, "8" as never), "INVALID_ARGUMENT", "size");
    refused(rm, () => rm.resizeResource("a", a!, 1.5), "INVALID_ARGUMENT", "size");
    refused(rm, () => rm.resizeResource("b", a!, 8), "UNKNOWN_OWNER");
    refused(rm, () => rm.resizeResource("a", null as never, 8), "INVALID_ARGUMENT");
    const [low] = rm.allocateDevice("c", [{ kind: "mmio", size: 0x1000 }]) as Resource[];
    refused(rm, () => rm.resizeResource("c", low!, 1n << 40n), "INVALID_ARGUMENT", "size");
  });
});

describe("exact MSI bases and the 32-bit rule", () => {
  it("MSI-family requests take an exact base; PCI MSI stays aligned to its count", () => {
    const rm = fresh();
    const [a, b, c] = rm.allocateDevice("d", [
      { kind: "pci-msi", count: 4, base: 32 },
      { kind: "pci-msix", count: 3, base: 41 },
      { kind: "generic-msi", count: 1, base: 50 },
    ]) as Resource[];
    expect([a, b, c]).toEqual([
      { kind: "pci-msi", base: 32, count: 4 },
      { kind: "pci-msix", base: 41, count: 3 },
      { kind: "generic-msi", base: 50, count: 1 },
    ]);
    refused(rm, () => rm.allocateDevice("e", [{ kind: "pci-msi", count: 4, base: 34 }]), "INVALID_ALIGNMENT", "base");
    refused(rm, () => rm.allocateDevice("e", [{ kind: "pci-msix", count: 2, base: 42 }]), "CONFLICT");
    refused(rm, () => rm.move("d", a!, 38), "INVALID_ALIGNMENT", "to");
    expect(rm.move("d", a!, 64)).toEqual({ kind: "pci-msi", base: 64, count: 4 });
    rm.checkInvariants();
  });

  it("a 32-bit region never lies above 4 GiB; a 64-bit one may", () => {
    const rm = fresh();
    refused(rm, () => rm.allocateDevice("e", [{ kind: "mmio", size: 0x1000, window: "high", is64bit: false }]), "INVALID_REQUEST", "window");
    refused(rm, () => rm.allocateDevice("e", [{ kind: "mmio", size: 0x1000, base: 1n << 40n }]), "INVALID_REQUEST", "base");
    const [hi, any32, any64] = rm.allocateDevice("d", [
      { kind: "mmio", size: 0x1000, window: "high" },
      { kind: "mmio", size: 0x1000, window: "any", is64bit: false },
      pciBar({ size: 0x1000, is64bit: true }),
    ]) as Resource[];
    expect(hi).toMatchObject({ window: "high", is64bit: true });
    expect(any32).toMatchObject({ window: "low", is64bit: false });
    expect(any64).toMatchObject({ window: "high", is64bit: true });
    refused(rm, () => rm.move("d", any32!, 1n << 40n), "INVALID_ARGUMENT", "to");
    refused(rm, () => rm.move("d", any32!, 0xffff_f800n), "INVALID_ARGUMENT", "to"); // would end above 4 GiB
    const snap = JSON.parse(rm.snapshot()) as { owners: { resources: Record<string, unknown>[] }[] };
    Object.assign(snap.owners[0]!.resources[1]!, {
      base: (hi as { base: bigint }).base === undefined ? "0x0" : `0x${((hi as { base: bigint }).base + 0x10000n).toString(16)}`,
      window: "high",
    });
    expect(expectAllocError(() => ResourceManager.restore(JSON.stringify(snap)), "INVALID_SNAPSHOT").details.path).toBe("$.owners[0].resources[1].is64bit");
  });
});

describe("lookups and handed-back resources are checked", () => {
  it("ownerOf* take a bigint or safe number only", () => {
    const rm = fresh();
    rm.allocateDevice("d", [{ kind: "device-id" }]);
    for (const v of ["", "0", "0x1", true, [1], 1.5, NaN, -1, 2 ** 53, undefined, null, {}]) {
      refused(rm, () => rm.ownerOf("deviceId", v as never), "INVALID_ARGUMENT", "value");
    }
    refused(rm, () => rm.ownerOfPort("0x3f8" as never), "INVALID_ARGUMENT", "value");
    refused(rm, () => rm.pool("pio").entryAt(Symbol("x") as never), "INVALID_ARGUMENT", "value");
    expect(rm.ownerOf("deviceId", 2 ** 64 - 2 === 0 ? 0 : 0n)).toEqual({ kind: "reserved", label: expect.any(String) as string });
  });

  it("the pools are read-only views: nothing public changes them", () => {
    const rm = fresh();
    const view = rm.pool("pio") as unknown as Record<string, unknown>;
    for (const m of ["free", "allocate", "allocateExact", "reserve", "take", "release", "tree"]) expect(m in view).toBe(false);
    expect(Object.isFrozen(rm.mmio)).toBe(true);
    expect(() => ((rm as unknown as Record<string, unknown>)["pio"] = null)).toThrow(TypeError);
  });

  it("messages quote user text briefly on one line", () => {
    const rm = fresh();
    const huge = `${"x".repeat(5_000_000)}\n\u001b[31m`;
    rm.allocateDevice(huge, [{ kind: "pio", size: 8, base: 0x3000 }]);
    const e = expectAllocError(() => rm.allocateDevice(huge, [{ kind: "device-id" }]), "DUPLICATE_OWNER");
    expect(e.message.length).toBeLessThan(300);
    expect(e.message).not.toMatch(/[\n\u001b]/);
    const c = expectAllocError(() => rm.allocateDevice("d", [{ kind: "pio", size: 8, base: 0x3000 }]), "CONFLICT");
    expect(c.details.conflictOwner).toBe(huge);
    expect(c.message.length).toBeLessThan(400);
    expect(c.message).not.toMatch(/[\n\u001b]/);
    const k = expectAllocError(() => rm.allocateDevice("d", [{ kind: "pio", size: 8, [huge]: 1 }]), "INVALID_REQUEST");
    expect(k.message.length).toBeLessThan(400);
    expect(k.message).not.toMatch(/[\n\u001b]/);
  });
});

describe("VM descriptions: one size grammar, never zero", () => {
  const vm = (memory: unknown, size: unknown = 0x1000): unknown => ({ arch: "x86_64", memory, devices: [{ name: "d", requests: [{ kind: "mmio", size }] }] });
  it("accepts numbers, hex and decimal strings, and binary units", () => {
    for (const [m, bytes] of [
      [1 << 30, 1n << 30n],
      ["0x40000000", 1n << 30n],
      ["1073741824", 1n << 30n],
      ["1GiB", 1n << 30n],
      ["512 MiB", 512n << 20n],
      [4096n, 4096n],
    ] as const) {
      expect(parseVmDescription(vm(m)).memory).toBe(bytes);
    }
    expect(parseVmDescription(vm("1GiB", "64KiB")).devices[0]!.requests[0]).toMatchObject({ size: 0x10000n });
  });
  it.each([0, "0", "0x0", "0GiB", "0 MiB", 0n, "00B"])("refuses zero memory spelt %s", (m) => {
    expect(expectAllocError(() => parseVmDescription(vm(m)), "INVALID_REQUEST").details.path).toBe("$.memory");
  });
  it.each(["1.5GiB", "1 gb", "-1", "1GiB ", "GiB", "0x", "1e9", true, [1], null])("refuses a malformed size %s", (m) => {
    expect(expectAllocError(() => parseVmDescription(vm(m)), "INVALID_REQUEST").details.path).toBe("$.memory");
  });
  it.each([0, "0", "0x0", "0KiB"])("refuses a zero request size spelt %s", (s) => {
    expect(expectAllocError(() => parseVmDescription(vm("1GiB", s)), "INVALID_REQUEST").details.path).toBe("$.devices[0].requests[0].size");
  });
});
