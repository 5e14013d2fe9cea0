import { describe, expect, it } from "vitest";
import { FIRECRACKER_SYSTEM_MEMORY, PRESETS, PRESET_CONSTANTS as C, ResourceManager, presetLayout, ramRegions } from "../src/index.js";
import { layoutToJSON } from "../src/index.js";
import { expectAllocError } from "./helpers.js";

const r = (x: { min: bigint; max: bigint }): [bigint, bigint] => [x.min, x.max];

// One test per number: each constant against its upstream definition, written
// as upstream writes it (file and constant in the third column; README table).
const NUMBERS: readonly (readonly [string, bigint | number, bigint | number, string])[] = [
  ["X86_MMIO_LOW_START", C.X86_MMIO_LOW_START, 3n << 30n, "dbs_boot x86_64/layout.rs MMIO_LOW_START = 3 << 30; Firecracker x86_64/layout.rs MMIO32_MEM_START"],
  ["X86_MMIO_LOW_END", C.X86_MMIO_LOW_END, (4n << 30n) - 1n, "dbs_boot x86_64/layout.rs MMIO_LOW_END = (4 << 30) - 1"],
  ["X86_DRAGONBALL_MMIO_RESERVED", C.X86_DRAGONBALL_MMIO_RESERVED, 0x400_0000n, "dragonball resource_manager.rs MMIO_SPACE_RESERVED"],
  ["X86_IOAPIC_ADDR", C.X86_IOAPIC_ADDR, 0xfec0_0000n, "Firecracker x86_64/layout.rs IOAPIC_ADDR"],
  ["X86_APIC_ADDR", C.X86_APIC_ADDR, 0xfee0_0000n, "Firecracker x86_64/layout.rs APIC_ADDR"],
  ["X86_PCI_MMCONFIG_SIZE", C.X86_PCI_MMCONFIG_SIZE, 256n << 20n, "Firecracker x86_64/layout.rs PCI_MMCONFIG_SIZE"],
  ["X86_FIRECRACKER_MMIO64_START", C.X86_FIRECRACKER_MMIO64_START, 256n << 30n, "Firecracker x86_64/layout.rs MMIO64_MEM_START"],
  ["X86_FIRECRACKER_MMIO64_SIZE", C.X86_FIRECRACKER_MMIO64_SIZE, 256n << 30n, "Firecracker x86_64/layout.rs MMIO64_MEM_SIZE"],
  ["X86_FIRECRACKER_PAST_64BITS_MMIO_SIZE", C.X86_FIRECRACKER_PAST_64BITS_MMIO_SIZE, 512n << 30n, "Firecracker x86_64/layout.rs PAST_64BITS_MMIO_SIZE"],
  ["X86_DRAGONBALL_DEFAULT_PHYS_BITS", C.X86_DRAGONBALL_DEFAULT_PHYS_BITS, 41, "kata's fixed 2048 GiB guest-physical space (kata #9596)"],
  ["X86_FIRECRACKER_SYSTEM_MEM_START", C.X86_FIRECRACKER_SYSTEM_MEM_START, 0x9fc00n, "Firecracker x86_64/layout.rs SYSTEM_MEM_START"],
  [
    "X86_FIRECRACKER_RSDP_ADDR",
    C.X86_FIRECRACKER_RSDP_ADDR,
    0xe0000n,
    "Firecracker x86_64/layout.rs RSDP_ADDR (SYSTEM_MEM_SIZE = RSDP_ADDR - SYSTEM_MEM_START)",
  ],
  ["X86_FIRST_ADDR_PAST_32BITS", C.X86_FIRST_ADDR_PAST_32BITS, 1n << 32n, "Firecracker x86_64/layout.rs FIRST_ADDR_PAST_32BITS"],
  ["X86_DRAGONBALL_SHARED_IRQ", C.X86_DRAGONBALL_SHARED_IRQ, 5, "dragonball resource_manager.rs SHARED_IRQ = dbs_boot x86_64 IRQ_BASE"],
  ["X86_DRAGONBALL_IRQ_MAX", C.X86_DRAGONBALL_IRQ_MAX, 15, "dbs_boot x86_64/layout.rs IRQ_MAX"],
  ["X86_FIRECRACKER_IRQ_BASE", C.X86_FIRECRACKER_IRQ_BASE, 5, "Firecracker x86_64/layout.rs GSI_LEGACY_START"],
  ["X86_FIRECRACKER_IRQ_MAX", C.X86_FIRECRACKER_IRQ_MAX, 23, "Firecracker x86_64/layout.rs GSI_LEGACY_END"],
  ["X86_MSI_BASE", C.X86_MSI_BASE, 24, "dragonball resource_manager.rs x86_64 MSI_IRQ_BASE; Firecracker GSI_MSI_START = GSI_LEGACY_END + 1"],
  ["MSI_IRQ_MAX", C.MSI_IRQ_MAX, 1023, "dragonball resource_manager.rs MSI_IRQ_MAX"],
  ["FIRECRACKER_GSI_MSI_END", C.FIRECRACKER_GSI_MSI_END, 4095, "Firecracker {x86_64,aarch64}/layout.rs GSI_MSI_END"],
  ["X86_KVM_USER_MEM_SLOTS", C.X86_KVM_USER_MEM_SLOTS, 509, "dragonball resource_manager.rs x86_64 KVM_USER_MEM_SLOTS"],
  ["ARM_KVM_USER_MEM_SLOTS", C.ARM_KVM_USER_MEM_SLOTS, 512, "dragonball resource_manager.rs aarch64 KVM_USER_MEM_SLOTS"],
  ["PIO_MIN", C.PIO_MIN, 0, "dragonball resource_manager.rs PIO_MIN"],
  ["PIO_MAX", C.PIO_MAX, 0xffff, "dragonball resource_manager.rs PIO_MAX"],
  ["ARM_MAPPED_IO_START", C.ARM_MAPPED_IO_START, 1n << 30n, "dbs_boot aarch64/layout.rs MAPPED_IO_START; Firecracker aarch64 MMIO32_MEM_START = 1 << 30"],
  ["ARM_DRAM_MEM_START", C.ARM_DRAM_MEM_START, 0x8000_0000n, "dbs_boot and Firecracker aarch64/layout.rs DRAM_MEM_START"],
  ["ARM_FIRECRACKER_PCI_MMCONFIG_SIZE", C.ARM_FIRECRACKER_PCI_MMCONFIG_SIZE, 256n << 20n, "Firecracker aarch64/layout.rs PCI_MMCONFIG_SIZE"],
  ["ARM_FIRECRACKER_MMIO64_START", C.ARM_FIRECRACKER_MMIO64_START, 256n << 30n, "Firecracker aarch64/layout.rs MMIO64_MEM_START"],
  ["ARM_FIRECRACKER_MMIO64_SIZE", C.ARM_FIRECRACKER_MMIO64_SIZE, 256n << 30n, "Firecracker aarch64/layout.rs MMIO64_MEM_SIZE"],
  ["ARM_FIRECRACKER_DRAM_MEM_MAX_SIZE", C.ARM_FIRECRACKER_DRAM_MEM_MAX_SIZE, 0xff_8000_0000n, "Firecracker aarch64/layout.rs DRAM_MEM_MAX_SIZE (1022 GiB)"],
  [
    "ARM_FIRECRACKER_SYSTEM_MEM_SIZE",
    C.ARM_FIRECRACKER_SYSTEM_MEM_SIZE,
    0x20_0000n,
    "Firecracker aarch64/layout.rs SYSTEM_MEM_SIZE (SYSTEM_MEM_START = DRAM_MEM_START)",
  ],
  ["ARM_DRAGONBALL_DRAM_MEM_END", C.ARM_DRAGONBALL_DRAM_MEM_END, 0xf8_0000_0000n, "dbs_boot aarch64/layout.rs DRAM_MEM_END (992 GiB)"],
  ["ARM_DRAGONBALL_GUEST_PHYS_END", C.ARM_DRAGONBALL_GUEST_PHYS_END, (1n << 40n) - 1n, "dbs_boot aarch64/layout.rs GUEST_PHYS_END = (1 << 40) - 1"],
  ["ARM_IRQ_BASE", C.ARM_IRQ_BASE, 32, "dbs_arch aarch64/gic/mod.rs IRQ_BASE (= SHARED_IRQ on aarch64)"],
  ["ARM_DRAGONBALL_IRQ_MAX", C.ARM_DRAGONBALL_IRQ_MAX, 32 + 128 - 1, "dbs_arch aarch64/gic/mod.rs IRQ_MAX"],
  ["ARM_FIRECRACKER_GSI_LEGACY_START", C.ARM_FIRECRACKER_GSI_LEGACY_START, 0, "Firecracker aarch64/layout.rs GSI_LEGACY_START"],
  [
    "ARM_FIRECRACKER_GSI_LEGACY_END",
    C.ARM_FIRECRACKER_GSI_LEGACY_END,
    127 - 32,
    "Firecracker aarch64/layout.rs GSI_LEGACY_END = GSI_LEGACY_START + (SPI_END - SPI_START + 1) - 1",
  ],
  ["PCI_DEVICES_PER_BUS", C.PCI_DEVICES_PER_BUS, 32, "PCI Local Bus spec"],
];

describe("preset numbers, one test each against the upstream definition", () => {
  it.each(NUMBERS)("%s", (_name, actual, expected) => {
    expect(actual).toBe(expected);
  });
  it("every constant has a test", () => {
    expect(new Set(NUMBERS.map((n) => n[0]))).toEqual(new Set(Object.keys(C)));
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
    expect(l.legacyIrq.ranges.map(r)).toEqual([
      [0n, 4n],
      [6n, 15n],
    ]);
    expect(r(l.legacyIrq.window!)).toEqual([6n, 15n]);
    expect(l.legacyIrq.reserved.map((x) => r(x.range))).toEqual([[0n, 2n]]);
  });
  it("MSI 24..1023, 509 memory slots, 32 device ids with 0 reserved, PIO 0..0xffff", () => {
    expect(l.msi.ranges.map(r)).toEqual([[24n, 1023n]]);
    expect(l.memSlot.ranges.map(r)).toEqual([[0n, 508n]]);
    expect(l.deviceId.ranges.map(r)).toEqual([[0n, 31n]]);
    expect(l.deviceId.reserved.map((x) => r(x.range))).toEqual([[0n, 0n]]);
    expect(l.pio.ranges.map(r)).toEqual([[0n, 0xffffn]]);
    expect(l.pio.reserved.map((x) => r(x.range))).toEqual([
      [0x60n, 0x64n],
      [0xcf8n, 0xcffn],
    ]);
    expect(r(l.pio.window!)).toEqual([0x1000n, 0xffffn]);
  });
  it("RAM below 3 GiB, then from 4 GiB", () => {
    expect(l.mem.ranges.map(r)).toEqual([
      [0n, 0xbfffffffn],
      [1n << 32n, (1n << 40n) - 1n],
    ]);
    expect(ramRegions(l, 4n << 30n).map(r)).toEqual([
      [0n, 0xbfffffffn],
      [1n << 32n, (1n << 32n) + (1n << 30n) - 1n],
    ]);
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
    expect(l.mem.ranges.map(r)).toEqual([
      [0n, 0xbfffffffn],
      [1n << 32n, (256n << 30n) - 1n],
      [512n << 30n, (1n << 40n) - 1n],
    ]);
  });
  it("system memory SYSTEM_MEM_START 0x9FC00 .. RSDP_ADDR stays out of mem (reserved) and out of RAM", () => {
    expect(l.mem.reserved.map((x) => [...r(x.range), x.label])).toEqual([[0x9fc00n, 0xdffffn, FIRECRACKER_SYSTEM_MEMORY]]);
    expect(l.ram.map(r)).toEqual([
      [0n, 0x9fbffn],
      [0xe0000n, 0xbfffffffn],
      [1n << 32n, (256n << 30n) - 1n],
      [512n << 30n, (1n << 40n) - 1n],
    ]);
    const rm = new ResourceManager(l);
    expectAllocError(() => rm.allocateDevice("acpi", [{ kind: "mem", base: 0xa0000, size: 0x1000 }]), "CONFLICT");
    const [m] = rm.allocateDevice("dax", [{ kind: "mem", size: 0x10_0000, range: { min: 0x9_0000, max: 0xf_ffff_ffff } }]);
    expect((m as { base: bigint }).base).toBe(0x10_0000n - 0x10_0000n + 0xe0000n);
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
    expect(l.mem.ranges.map(r)).toEqual([
      [2n << 30n, (256n << 30n) - 1n],
      [512n << 30n, (1280n << 30n) - 1n],
    ]);
    expect(l.mem.ranges.reduce((n, x) => n + x.max - x.min + 1n, 0n)).toBe(1022n << 30n);
    // System memory, the first 2 MiB of DRAM, is reserved and not RAM for the planner.
    expect(l.mem.reserved.map((x) => r(x.range))).toEqual([[2n << 30n, (2n << 30n) + (2n << 20n) - 1n]]);
    expect(l.ram.map(r)).toEqual([
      [(2n << 30n) + (2n << 20n), (256n << 30n) - 1n],
      [512n << 30n, (1280n << 30n) - 1n],
    ]);
    expect(l.legacyIrq.ranges.map(r)).toEqual([[0n, 95n]]);
    expect(l.msi.ranges.map(r)).toEqual([[96n, 4095n]]);
    expect(l.memSlot.ranges.map(r)).toEqual([[0n, 511n]]);
    expect(l.pio.ranges).toEqual([]);
  });
  it("dragonball: DRAM to 992 GiB, MMIO from there to 1 TiB", () => {
    const l = presetLayout("aarch64", "dragonball");
    expect(r(l.mmio.low)).toEqual([1n << 30n, (2n << 30n) - 1n]);
    expect(r(l.mmio.high!)).toEqual([992n << 30n, (1n << 40n) - 1n]);
    expect(l.mem.ranges.map(r)).toEqual([[2n << 30n, (992n << 30n) - 1n]]);
    expect(l.msi.ranges.map(r)).toEqual([[160n, 1023n]]);
  });
  it("dragonball: shared IRQ 32 (SHARED_IRQ = LEGACY_IRQ_BASE on every arch), pool 33..159", () => {
    const l = presetLayout("aarch64", "dragonball");
    expect(l.legacyIrq.shared).toBe(32);
    expect(l.legacyIrq.ranges.map(r)).toEqual([[33n, 159n]]);
    const rm = new ResourceManager(l);
    expect(rm.allocateDevice("a", [{ kind: "legacy-irq", shared: true }, { kind: "legacy-irq" }])).toEqual([
      { kind: "legacy-irq", irq: 32, shared: true },
      { kind: "legacy-irq", irq: 33, shared: false },
    ]);
  });
  it("dragonball: port I/O pool 0..0xFFFF like x86 (PIO_MIN, PIO_MAX are not per-arch)", () => {
    const l = presetLayout("aarch64", "dragonball");
    expect(l.pio.ranges.map(r)).toEqual([[0n, 0xffffn]]);
    const rm = new ResourceManager(l);
    expect(rm.allocateDevice("d", [{ kind: "pio", size: 8 }])).toEqual([{ kind: "pio", base: 0, size: 8 }]);
  });
  it("firecracker has no port I/O: a pio request does not fit", () => {
    const rm = ResourceManager.fromPreset("aarch64", "firecracker");
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
  it.each(PRESETS.map(([a, f]) => [a, f] as const))("%s/%s without options is one frozen layout, the one options build afresh", (a, f) => {
    const first = presetLayout(a, f);
    expect(presetLayout(a, f)).toBe(first);
    expect(ResourceManager.fromPreset(a, f).layout).toBe(first);
    expect(Object.isFrozen(first.mmio) && Object.isFrozen(first.pio.ranges) && Object.isFrozen(first.ram)).toBe(true);
    const fresh = presetLayout(a, f, {});
    expect(fresh).not.toBe(first);
    expect(layoutToJSON(fresh)).toEqual(layoutToJSON(first));
  });
  it("rejects unknown architectures and flavors", () => {
    expectAllocError(() => presetLayout("riscv64" as never), "INVALID_ARGUMENT");
    expectAllocError(() => presetLayout("x86_64", "qemu" as never), "INVALID_ARGUMENT");
  });
});

const GiB = 1n << 30n;
const BITS = [36, 39, 40, 46, 48, 52] as const;
const end = (bits: number): bigint => (1n << BigInt(bits)) - 1n;

describe("layouts derived from the host (physBits)", () => {
  it.each(BITS)("x86_64/dragonball at %i bits: GUEST_PHYS_END = 2^bits - 1, GUEST_MEM_END = GUEST_PHYS_END >> 1, MMIO above it", (bits) => {
    const l = presetLayout("x86_64", "dragonball", { physBits: bits });
    const memEnd = end(bits) >> 1n;
    expect(l.mem.ranges.map(r)).toEqual([
      [0n, 3n * GiB - 1n],
      [4n * GiB, memEnd],
    ]);
    expect(r(l.mmio.high!)).toEqual([memEnd + 1n, end(bits)]);
    expect(r(l.mmio.low)).toEqual([3n * GiB, 4n * GiB - 1n]);
    new ResourceManager(l).checkInvariants();
  });
  it("x86_64/dragonball without physBits is the 41-bit layout (kata's fixed 2048 GiB)", () => {
    expect(JSON.stringify(layoutToJSON(presetLayout("x86_64")))).toBe(JSON.stringify(layoutToJSON(presetLayout("x86_64", "dragonball", { physBits: 41 }))));
  });
  it("x86_64/dragonball at 39 bits: the fixed 1 TiB window would not fit, the derived one does (kata #9596)", () => {
    const l = presetLayout("x86_64", "dragonball", { physBits: 39 });
    expect(r(l.mmio.high!)).toEqual([256n * GiB, 512n * GiB - 1n]);
    expect(l.mmio.high!.max).toBeLessThan(presetLayout("x86_64").mmio.high!.min);
  });
  it.each(BITS)("x86_64/firecracker at %i bits: windows clipped to 2^bits - 1", (bits) => {
    const l = presetLayout("x86_64", "firecracker", { physBits: bits });
    const e = end(bits);
    const clip = (xs: [bigint, bigint][]): [bigint, bigint][] => xs.filter(([a]) => a <= e).map(([a, b]) => [a, b < e ? b : e]);
    expect(l.mem.ranges.map(r)).toEqual(
      clip([
        [0n, 3n * GiB - 1n],
        [4n * GiB, 256n * GiB - 1n],
        [512n * GiB, 1024n * GiB - 1n],
      ]),
    );
    expect(l.mmio.high === undefined ? [] : [r(l.mmio.high)]).toEqual(clip([[256n * GiB, 512n * GiB - 1n]]));
    new ResourceManager(l).checkInvariants();
  });
  it.each(BITS)("aarch64/dragonball at %i bits: GUEST_PHYS_END = min(2^bits, 2^40) - 1", (bits) => {
    const l = presetLayout("aarch64", "dragonball", { physBits: bits });
    const e = bits < 40 ? end(bits) : end(40);
    expect(l.mem.ranges.map(r)).toEqual([[2n * GiB, e < 992n * GiB ? e : 992n * GiB - 1n]]);
    expect(l.mmio.high === undefined ? undefined : r(l.mmio.high)).toEqual(e < 992n * GiB ? undefined : [992n * GiB, e]);
    new ResourceManager(l).checkInvariants();
  });
  it.each(BITS)("aarch64/firecracker at %i bits: windows clipped to 2^bits - 1", (bits) => {
    const l = presetLayout("aarch64", "firecracker", { physBits: bits });
    const e = end(bits);
    const clip = (xs: [bigint, bigint][]): [bigint, bigint][] => xs.filter(([a]) => a <= e).map(([a, b]) => [a, b < e ? b : e]);
    expect(l.mem.ranges.map(r)).toEqual(
      clip([
        [2n * GiB, 256n * GiB - 1n],
        [512n * GiB, 1280n * GiB - 1n],
      ]),
    );
    expect(l.mmio.high === undefined ? [] : [r(l.mmio.high)]).toEqual(clip([[256n * GiB, 512n * GiB - 1n]]));
    new ResourceManager(l).checkInvariants();
  });
  it("guestPhysEnd narrows the derived space", () => {
    const l = presetLayout("x86_64", "dragonball", { physBits: 46, guestPhysEnd: (1n << 40n) - 1n });
    expect(r(l.mmio.high!)).toEqual([1n << 39n, (1n << 40n) - 1n]);
    expectAllocError(() => presetLayout("x86_64", "dragonball", { physBits: 39, guestPhysEnd: 1n << 40n }), "INVALID_ARGUMENT");
    expectAllocError(() => presetLayout("x86_64", "dragonball", { guestPhysEnd: 1n << 40n }), "INVALID_ARGUMENT");
  });
  it("a layout that cannot fit says which pool and by how much", () => {
    const e = expectAllocError(() => presetLayout("x86_64", "firecracker", { physBits: 36, memSize: 100n * GiB }), "INVALID_LAYOUT");
    expect(e.details.pool).toBe("mem");
    // RAM at 36 bits: 3 GiB below the MMIO hole minus the 0x40400 bytes of system memory (0x9FC00..0xDFFFF), plus 4..64 GiB.
    expect(e.message).toContain(`short by 0x${(37n * GiB + 0x40400n).toString(16)} bytes (~37.0 GiB)`);
    const low = expectAllocError(() => presetLayout("x86_64", "dragonball", { physBits: 31 }), "INVALID_LAYOUT");
    expect(low.details.pool).toBe("mmio");
    expect(low.message).toContain("short by 2 GiB");
    const arm = expectAllocError(() => presetLayout("aarch64", "dragonball", { physBits: 36, memSize: 63n * GiB }), "INVALID_LAYOUT");
    expect(arm.message).toContain("short by 1 GiB");
    expect(presetLayout("aarch64", "dragonball", { physBits: 36, memSize: 62n * GiB }).name).toBe("aarch64/dragonball");
  });
  it("memSlots sets the number of KVM memory slots", () => {
    expect(presetLayout("x86_64", "dragonball", { memSlots: 32 }).memSlot.ranges.map(r)).toEqual([[0n, 31n]]);
  });
  it("refuses bad options by name", () => {
    for (const bad of [{ physBits: 0 }, { physBits: 65 }, { physBits: 40.5 }, { physBits: "40" }, { memSlots: 0 }, { memSize: "1GiB" }]) {
      expectAllocError(() => presetLayout("x86_64", "dragonball", bad as never), "INVALID_ARGUMENT");
    }
    const e = expectAllocError(() => presetLayout("x86_64", "dragonball", { physbits: 40 } as never), "INVALID_ARGUMENT");
    expect(e.details.argument).toBe("physbits");
  });
});

describe("preset options are hostile input", () => {
  const opts = (o: unknown) => () => presetLayout("x86_64", "dragonball", o as never);
  it("a misspelt key is refused by name with a near miss", () => {
    const e = expectAllocError(opts({ physBit: 40 }), "INVALID_ARGUMENT");
    expect(e.message).toContain('"physBit"');
    expect(e.message).toContain('did you mean "physBits"');
  });
  it("physBits and memSlots are never coerced: a string, a fraction, NaN, Infinity, a boolean, a negative", () => {
    for (const [key, value, shown] of [
      ["physBits", "40", 'string "40"'],
      ["physBits", 1.5, "1.5"],
      ["physBits", NaN, "NaN"],
      ["physBits", Infinity, "Infinity"],
      ["physBits", true, "boolean"],
      ["physBits", -1, "-1"],
      ["memSlots", "32", 'string "32"'],
      ["memSlots", 2.5, "2.5"],
      ["guestPhysEnd", "0x1000", 'string "0x1000"'],
      ["memSize", 1.5, "1.5"],
    ] as const) {
      const e = expectAllocError(opts({ physBits: 46, [key]: value }), "INVALID_ARGUMENT");
      expect(e.message).toContain(key);
      expect(e.message).toContain(shown);
    }
  });
  it("a bigint physBits is the same number (no coercion needed), out of range is refused", () => {
    expect(layoutToJSON(presetLayout("x86_64", "dragonball", { physBits: 39n as never }))).toEqual(
      layoutToJSON(presetLayout("x86_64", "dragonball", { physBits: 39 })),
    );
    expectAllocError(opts({ physBits: 65n }), "INVALID_ARGUMENT");
  });
  it("each option is read exactly once: a getter that changes between reads cannot make the checked value differ from the used one", () => {
    let reads = 0;
    const sneaky = {
      get physBits() {
        reads++;
        return reads === 1 ? 39 : 52;
      },
    };
    const layout = presetLayout("x86_64", "dragonball", sneaky as never);
    expect(reads).toBe(1);
    expect(layoutToJSON(layout)).toEqual(layoutToJSON(presetLayout("x86_64", "dragonball", { physBits: 39 })));
  });
  it("a throwing getter, a proxy, an array and null are typed errors", () => {
    const e = expectAllocError(
      opts({
        get physBits(): number {
          throw new Error("boom");
        },
      }),
      "INVALID_ARGUMENT",
    );
    expect(e.cause).toBeInstanceOf(Error);
    expectAllocError(opts([39]), "INVALID_ARGUMENT");
    expectAllocError(opts(null), "INVALID_ARGUMENT");
    expectAllocError(opts("physBits=39"), "INVALID_ARGUMENT");
    expectAllocError(
      opts(
        new Proxy(
          {},
          {
            ownKeys: () => {
              throw new Error("trap");
            },
          },
        ),
      ),
      "INVALID_ARGUMENT",
    );
  });
  it("an unknown arch or flavor is quoted briefly, on one line, control characters escaped", () => {
    const long = `x86\n${"y".repeat(500)}`;
    for (const e of [
      expectAllocError(() => presetLayout(long as never), "INVALID_ARGUMENT"),
      expectAllocError(() => presetLayout("x86_64", long as never), "INVALID_ARGUMENT"),
    ]) {
      expect(e.message).not.toContain("\n");
      expect(e.message).toContain("x86\\n");
      expect(e.message.length).toBeLessThan(200);
      expect(e.message).toContain("chars)");
    }
    expect(expectAllocError(() => presetLayout(42 as never), "INVALID_ARGUMENT").message).toContain("number 42");
  });
});
