import { describe, expect, it } from "vitest";
import { PRESETS, PRESET_CONSTANTS as C, ResourceManager, presetLayout, ramRegions } from "../src/index.js";
import { expectAllocError } from "./helpers.js";

const r = (x: { min: bigint; max: bigint }): [bigint, bigint] => [x.min, x.max];

describe("preset constants (each checked against its documented source value)", () => {
  it("x86_64 MMIO numbers", () => {
    expect(C.X86_MMIO_LOW_START).toBe(3n << 30n);
    expect(C.X86_MMIO_LOW_END).toBe((4n << 30n) - 1n);
    expect(C.X86_DRAGONBALL_MMIO_RESERVED).toBe(64n << 20n);
    expect(C.X86_IOAPIC_ADDR).toBe(0xfec00000n);
    expect(C.X86_APIC_ADDR).toBe(0xfee00000n);
    expect(C.X86_PCI_MMCONFIG_SIZE).toBe(256n << 20n);
    expect(C.X86_FIRECRACKER_MMIO64_START).toBe(256n << 30n);
    expect(C.X86_FIRECRACKER_MMIO64_SIZE).toBe(256n << 30n);
    expect(C.X86_FIRECRACKER_PAST_64BITS_MMIO_SIZE).toBe(512n << 30n);
    expect(C.HIGH_MMIO_START_CHOICE).toBe(1n << 40n);
    expect(C.HIGH_MMIO_SIZE_CHOICE).toBe(1n << 40n);
    expect(C.X86_FIRST_ADDR_PAST_32BITS).toBe(1n << 32n);
  });
  it("interrupt, slot, port and id numbers", () => {
    expect([C.X86_DRAGONBALL_SHARED_IRQ, C.X86_DRAGONBALL_IRQ_MAX]).toEqual([5, 15]);
    expect([C.X86_FIRECRACKER_IRQ_BASE, C.X86_FIRECRACKER_IRQ_MAX]).toEqual([5, 23]);
    expect([C.X86_MSI_BASE, C.MSI_IRQ_MAX, C.FIRECRACKER_GSI_MSI_END]).toEqual([24, 1023, 4095]);
    expect([C.X86_KVM_USER_MEM_SLOTS, C.ARM_KVM_USER_MEM_SLOTS]).toEqual([509, 512]);
    expect([C.PIO_MIN, C.PIO_MAX]).toEqual([0, 0xffff]);
    expect([C.ARM_IRQ_BASE, C.ARM_DRAGONBALL_IRQ_MAX]).toEqual([32, 159]);
    expect([C.ARM_FIRECRACKER_GSI_LEGACY_START, C.ARM_FIRECRACKER_GSI_LEGACY_END]).toEqual([0, 95]);
    expect(C.PCI_DEVICES_PER_BUS).toBe(32);
  });
  it("aarch64 address numbers", () => {
    expect(C.ARM_MAPPED_IO_START).toBe(1n << 30n);
    expect(C.ARM_DRAM_MEM_START).toBe(2n << 30n);
    expect(C.ARM_FIRECRACKER_DRAM_MEM_MAX_SIZE).toBe(1022n << 30n);
    expect(C.ARM_DRAGONBALL_DRAM_MEM_END).toBe(992n << 30n);
    expect(C.ARM_DRAGONBALL_GUEST_PHYS_END).toBe((1n << 40n) - 1n);
    expect(C.ARM_FIRECRACKER_PCI_MMCONFIG_SIZE).toBe(256n << 20n);
    expect(C.ARM_FIRECRACKER_MMIO64_START).toBe(256n << 30n);
    expect(C.ARM_FIRECRACKER_MMIO64_SIZE).toBe(256n << 30n);
  });
});

describe("x86_64/dragonball", () => {
  const l = presetLayout("x86_64", "dragonball");
  it("MMIO: 3–4 GiB low window with the top 64 MiB reserved, high window at 1 TiB", () => {
    expect(r(l.mmio.low)).toEqual([0xc0000000n, 0xffffffffn]);
    expect(l.mmio.reserved.map((x) => r(x.range))).toEqual([[0xfc000000n, 0xffffffffn]]);
    expect(r(l.mmio.high!)).toEqual([1n << 40n, (2n << 40n) - 1n]);
    const rm = new ResourceManager(l);
    expect(rm.stats().mmio.reserved).toBe(64n << 20n);
    expect(rm.ownerOf("mmio", 0xfee00000n)).toMatchObject({ kind: "reserved" });
    expect(rm.ownerOf("mmio", 0xfec00000n)).toMatchObject({ kind: "reserved" });
  });
  it("legacy IRQs: shared 5 outside the pool, 6..15 for any, 0..2 reserved", () => {
    expect(l.legacyIrq.shared).toBe(5);
    expect(l.legacyIrq.ranges.map(r)).toEqual([[0n, 4n], [6n, 15n]]);
    expect(r(l.legacyIrq.window!)).toEqual([6n, 15n]);
    expect(l.legacyIrq.reserved.map((x) => r(x.range))).toEqual([[0n, 2n]]);
  });
  it("MSI 24..1023, 509 memory slots, 32 device ids with 0 reserved, PIO 0..0xffff", () => {
    expect(l.msi.ranges.map(r)).toEqual([[24n, 1023n]]);
    expect(l.memSlot.ranges.map(r)).toEqual([[0n, 508n]]);
    expect(l.deviceId.ranges.map(r)).toEqual([[0n, 31n]]);
    expect(l.deviceId.reserved.map((x) => r(x.range))).toEqual([[0n, 0n]]);
    expect(l.pio.ranges.map(r)).toEqual([[0n, 0xffffn]]);
    expect(l.pio.reserved.map((x) => r(x.range))).toEqual([[0x60n, 0x64n], [0xcf8n, 0xcffn]]);
    expect(r(l.pio.window!)).toEqual([0x1000n, 0xffffn]);
  });
  it("RAM below 3 GiB, then from 4 GiB", () => {
    expect(l.mem.ranges.map(r)).toEqual([[0n, 0xbfffffffn], [1n << 32n, (1n << 40n) - 1n]]);
    expect(ramRegions(l, 4n << 30n).map(r)).toEqual([[0n, 0xbfffffffn], [1n << 32n, (1n << 32n) + (1n << 30n) - 1n]]);
    expect(ramRegions(l, 1n << 30n).map(r)).toEqual([[0n, (1n << 30n) - 1n]]);
    expectAllocError(() => ramRegions(l, 1n << 41n), "INVALID_REQUEST");
  });
});

describe("x86_64/firecracker", () => {
  const l = presetLayout("x86_64", "firecracker");
  it("MMIO32 1 GiB below 4 GiB with MMCONFIG and IOAPIC..4 GiB reserved; MMIO64 at 256 GiB", () => {
    expect(r(l.mmio.low)).toEqual([0xc0000000n, 0xffffffffn]);
    expect(l.mmio.reserved.map((x) => r(x.range))).toEqual([
      [0xeec00000n, 0xfebfffffn],
      [0xfec00000n, 0xffffffffn],
    ]);
    expect(r(l.mmio.high!)).toEqual([256n << 30n, (512n << 30n) - 1n]);
  });
  it("RAM below 3 GiB, 4..256 GiB, then 512 GiB..1 TiB past the 64-bit MMIO gap", () => {
    const ram = [[0n, 0xbfffffffn], [1n << 32n, (256n << 30n) - 1n], [512n << 30n, (1n << 40n) - 1n]];
    expect(l.mem.ranges.map(r)).toEqual(ram);
    expect(l.ram.map(r)).toEqual(ram);
  });
  it("GSI_LEGACY_START 5 .. GSI_LEGACY_END 23, no shared IRQ; MSI GSIs 24..4095", () => {
    expect(l.legacyIrq.shared).toBeUndefined();
    expect(l.legacyIrq.ranges.map(r)).toEqual([[0n, 23n]]);
    expect(r(l.legacyIrq.window!)).toEqual([5n, 23n]);
    expect(l.msi.ranges.map(r)).toEqual([[24n, 4095n]]);
  });
});

describe("aarch64", () => {
  it("firecracker: MMIO32 1..2 GiB with ECAM on top, MMIO64 at 256 GiB, 1022 GiB of DRAM around it, GSIs 0..95 legacy, 96..4095 MSI", () => {
    const l = presetLayout("aarch64", "firecracker");
    expect(r(l.mmio.low)).toEqual([1n << 30n, (2n << 30n) - 1n]);
    expect(l.mmio.reserved.map((x) => r(x.range))).toEqual([[0x70000000n, 0x7fffffffn]]);
    expect(r(l.mmio.high!)).toEqual([256n << 30n, (512n << 30n) - 1n]);
    expect(l.mem.ranges.map(r)).toEqual([[2n << 30n, (256n << 30n) - 1n], [512n << 30n, (1280n << 30n) - 1n]]);
    expect(l.ram.reduce((n, x) => n + x.max - x.min + 1n, 0n)).toBe(1022n << 30n);
    expect(l.legacyIrq.ranges.map(r)).toEqual([[0n, 95n]]);
    expect(l.msi.ranges.map(r)).toEqual([[96n, 4095n]]);
    expect(l.memSlot.ranges.map(r)).toEqual([[0n, 511n]]);
    expect(l.pio.ranges).toEqual([]);
  });
  it("dragonball: DRAM to 992 GiB, MMIO from there to 1 TiB, SPIs 32..159", () => {
    const l = presetLayout("aarch64", "dragonball");
    expect(r(l.mmio.low)).toEqual([1n << 30n, (2n << 30n) - 1n]);
    expect(r(l.mmio.high!)).toEqual([992n << 30n, (1n << 40n) - 1n]);
    expect(l.mem.ranges.map(r)).toEqual([[2n << 30n, (992n << 30n) - 1n]]);
    expect(l.legacyIrq.ranges.map(r)).toEqual([[32n, 159n]]);
    expect(l.msi.ranges.map(r)).toEqual([[160n, 1023n]]);
  });
  it("has no port I/O: a pio request does not fit", () => {
    const rm = ResourceManager.fromPreset("aarch64");
    expectAllocError(() => rm.allocateDevice("d", [{ kind: "pio", size: 8 }]), "NO_FIT");
  });
});

describe("every preset", () => {
  it.each(PRESETS.map(([a, f]) => [a, f] as const))("%s/%s builds a consistent manager", (a, f) => {
    const rm = ResourceManager.fromPreset(a, f);
    rm.checkInvariants();
    expect(rm.layout.name).toBe(`${a}/${f}`);
    expect(Object.isFrozen(rm.layout)).toBe(true);
  });
  it("rejects unknown architectures and flavors", () => {
    expectAllocError(() => presetLayout("riscv64" as never), "INVALID_ARGUMENT");
    expectAllocError(() => presetLayout("x86_64", "qemu" as never), "INVALID_ARGUMENT");
  });
});
