/**
 * Architecture presets: the layouts of Dragonball (kata-containers) and
 * Firecracker for x86_64 and aarch64, as validated {@link Layout}s.
 *
 * Every number below is named after the constant it comes from; the package
 * README has the full table with sources, and marks the few values that are
 * our own choice (where the upstream VMM has no such pool or window).
 * Presets are built once per call (O(1)) and are deeply frozen.
 */
import { AllocError } from "@alloc/constraint";
import { defineLayout } from "./Layout.js";
import type { Layout, LayoutInit } from "./Layout.js";

/** The architectures with presets. */
export type Arch = "x86_64" | "aarch64";
/** The VMMs whose layouts are available as presets. */
export type Flavor = "dragonball" | "firecracker";

/**
 * Numbers shared by the presets, named after their upstream constants.
 * Upstream revisions read (see the README table for file paths):
 * Firecracker `main` with PCIe support (the v1.13 layout: `MMIO32_MEM_*`,
 * `PCI_MMCONFIG_*`, `MMIO64_MEM_*`, `GSI_*`); Dragonball as vendored in
 * kata-containers (`src/dragonball`, `dbs_boot`, `dbs_arch`).
 */
export const PRESET_CONSTANTS = {
  /** x86_64: start of the low (32-bit) MMIO window, 3 GiB (Dragonball `MMIO_LOW_START`, Firecracker `MMIO32_MEM_START` = `FIRST_ADDR_PAST_32BITS` - `MMIO32_MEM_SIZE` 1 GiB). */
  X86_MMIO_LOW_START: 0xc000_0000n,
  /** x86_64: end (inclusive) of the low MMIO window, 4 GiB - 1 (Dragonball `MMIO_LOW_END`). */
  X86_MMIO_LOW_END: 0xffff_ffffn,
  /** x86_64 Dragonball: 64 MiB below 4 GiB kept for LAPIC, IOAPIC, HPET (`MMIO_SPACE_RESERVED` = 0x400_0000). */
  X86_DRAGONBALL_MMIO_RESERVED: 0x400_0000n,
  /** x86_64: IOAPIC base (Firecracker `IOAPIC_ADDR`). */
  X86_IOAPIC_ADDR: 0xfec0_0000n,
  /** x86_64: local APIC base (Firecracker `APIC_ADDR`). */
  X86_APIC_ADDR: 0xfee0_0000n,
  /** x86_64 Firecracker: PCIe ECAM size, 256 MiB just below the IOAPIC (`PCI_MMCONFIG_SIZE`; `PCI_MMCONFIG_START` = `IOAPIC_ADDR` - size). */
  X86_PCI_MMCONFIG_SIZE: 0x1000_0000n,
  /** x86_64 Firecracker: 64-bit MMIO window start and size, 256 GiB each (`MMIO64_MEM_START`, `MMIO64_MEM_SIZE`). */
  X86_FIRECRACKER_MMIO64_START: 0x40_0000_0000n,
  X86_FIRECRACKER_MMIO64_SIZE: 0x40_0000_0000n,
  /** x86_64 Firecracker: memory past the 64-bit MMIO gap, 512 GiB from `FIRST_ADDR_PAST_64BITS_MMIO` (`PAST_64BITS_MMIO_SIZE`). */
  X86_FIRECRACKER_PAST_64BITS_MMIO_SIZE: 0x80_0000_0000n,
  /** Our choice: a 64-bit MMIO window at 1 TiB for x86_64 Dragonball, whose window depends on the host (see the README). */
  HIGH_MMIO_START_CHOICE: 0x100_0000_0000n,
  HIGH_MMIO_SIZE_CHOICE: 0x100_0000_0000n,
  /** x86_64: first address past 32 bits, where high RAM resumes. */
  X86_FIRST_ADDR_PAST_32BITS: 0x1_0000_0000n,
  /** x86_64 Dragonball: shared legacy IRQ (`SHARED_IRQ` = `IRQ_BASE` 5) and the legacy pool after it up to `IRQ_MAX` 15. */
  X86_DRAGONBALL_SHARED_IRQ: 5,
  X86_DRAGONBALL_IRQ_MAX: 15,
  /** x86_64 Firecracker: legacy GSIs `GSI_LEGACY_START` 5 .. `GSI_LEGACY_END` 23 (24 IOAPIC pins; `IRQ_BASE`/`IRQ_MAX` before v1.13). */
  X86_FIRECRACKER_IRQ_BASE: 5,
  X86_FIRECRACKER_IRQ_MAX: 23,
  /** x86_64: MSI GSIs start after the 24 IOAPIC pins (Dragonball `MSI_IRQ_BASE` 24, Firecracker `GSI_MSI_START` = `GSI_LEGACY_END` + 1). */
  X86_MSI_BASE: 24,
  /** Dragonball: last MSI GSI (`MSI_IRQ_MAX` 1023). */
  MSI_IRQ_MAX: 1023,
  /** Firecracker: last MSI GSI (`GSI_MSI_END` 4095, KVM_MAX_IRQ_ROUTES - 1). */
  FIRECRACKER_GSI_MSI_END: 4095,
  /** KVM user memory slots: 509 on x86_64, 512 on arm64 (Dragonball `KVM_USER_MEM_SLOTS`, from the kernel's kvm_host.h). */
  X86_KVM_USER_MEM_SLOTS: 509,
  ARM_KVM_USER_MEM_SLOTS: 512,
  /** Port I/O space 0..0xffff (Dragonball `PIO_MIN`, `PIO_MAX`). */
  PIO_MIN: 0,
  PIO_MAX: 0xffff,
  /** aarch64: MMIO devices live from 1 GiB (Dragonball `MAPPED_IO_START` = dbs-arch `GIC_REG_END_ADDRESS`, Firecracker `MMIO32_MEM_START`; the GIC sits below) up to DRAM at 2 GiB (`DRAM_MEM_START`). */
  ARM_MAPPED_IO_START: 0x4000_0000n,
  ARM_DRAM_MEM_START: 0x8000_0000n,
  /** aarch64 Firecracker: PCIe ECAM, the last 256 MiB below DRAM (`PCI_MMCONFIG_SIZE`; `PCI_MMCONFIG_START` = `DRAM_MEM_START` - size). */
  ARM_FIRECRACKER_PCI_MMCONFIG_SIZE: 0x1000_0000n,
  /** aarch64 Firecracker: 64-bit MMIO window, 256 GiB at 256 GiB (`MMIO64_MEM_START`, `MMIO64_MEM_SIZE`); DRAM skips it. */
  ARM_FIRECRACKER_MMIO64_START: 0x40_0000_0000n,
  ARM_FIRECRACKER_MMIO64_SIZE: 0x40_0000_0000n,
  /** aarch64 Firecracker: `DRAM_MEM_MAX_SIZE` = 0xFF_8000_0000 (1022 GiB) of DRAM, split around the 64-bit MMIO window. */
  ARM_FIRECRACKER_DRAM_MEM_MAX_SIZE: 0xff_8000_0000n,
  /** aarch64 Dragonball: `DRAM_MEM_END` = 0xF8_0000_0000 (992 GiB). */
  ARM_DRAGONBALL_DRAM_MEM_END: 0xf8_0000_0000n,
  /** aarch64 Dragonball: `GUEST_PHYS_END` = 2^40 - 1; MMIO above RAM runs from `DRAM_MEM_END` to it. */
  ARM_DRAGONBALL_GUEST_PHYS_END: 0xff_ffff_ffffn,
  /** aarch64 Dragonball: first legacy interrupt (dbs-arch `IRQ_BASE` 32). */
  ARM_IRQ_BASE: 32,
  /** aarch64 Dragonball: last legacy interrupt (dbs-arch `IRQ_MAX` 159 = 32 + 128 - 1). */
  ARM_DRAGONBALL_IRQ_MAX: 159,
  /** aarch64 Firecracker: legacy GSIs `GSI_LEGACY_START` 0 .. `GSI_LEGACY_END` 95 (SPIs `SPI_START` 32 .. `SPI_END` 127; KVM adds the 32). */
  ARM_FIRECRACKER_GSI_LEGACY_START: 0,
  ARM_FIRECRACKER_GSI_LEGACY_END: 95,
  /** PCI: 32 device numbers per bus, device 0 taken by the host bridge (PCI Local Bus spec). */
  PCI_DEVICES_PER_BUS: 32,
} as const;

const C = PRESET_CONSTANTS;
const r = (min: bigint | number, max: bigint | number): { min: bigint; max: bigint } => ({ min: BigInt(min), max: BigInt(max) });

function x86(flavor: Flavor): LayoutInit {
  const dragonball = flavor === "dragonball";
  const low = r(C.X86_MMIO_LOW_START, C.X86_MMIO_LOW_END);
  const high = dragonball
    ? r(C.HIGH_MMIO_START_CHOICE, C.HIGH_MMIO_START_CHOICE + C.HIGH_MMIO_SIZE_CHOICE - 1n)
    : r(C.X86_FIRECRACKER_MMIO64_START, C.X86_FIRECRACKER_MMIO64_START + C.X86_FIRECRACKER_MMIO64_SIZE - 1n);
  const mmioReserved = dragonball
    ? [{ ...r(C.X86_MMIO_LOW_END + 1n - C.X86_DRAGONBALL_MMIO_RESERVED, C.X86_MMIO_LOW_END), label: "LAPIC/IOAPIC/HPET (64 MiB below 4 GiB)" }]
    : [
        { ...r(C.X86_IOAPIC_ADDR - C.X86_PCI_MMCONFIG_SIZE, C.X86_IOAPIC_ADDR - 1n), label: "PCIe MMCONFIG (ECAM)" },
        { ...r(C.X86_IOAPIC_ADDR, C.X86_MMIO_LOW_END), label: "IOAPIC/LAPIC/TSS (to 4 GiB)" },
      ];
  const legacy = dragonball
    ? { ranges: [r(0, 4), r(C.X86_DRAGONBALL_SHARED_IRQ + 1, C.X86_DRAGONBALL_IRQ_MAX)], shared: C.X86_DRAGONBALL_SHARED_IRQ, window: r(C.X86_DRAGONBALL_SHARED_IRQ + 1, C.X86_DRAGONBALL_IRQ_MAX) }
    : { ranges: [r(0, C.X86_FIRECRACKER_IRQ_MAX)], window: r(C.X86_FIRECRACKER_IRQ_BASE, C.X86_FIRECRACKER_IRQ_MAX) };
  const ram = [r(0, C.X86_MMIO_LOW_START - 1n), r(C.X86_FIRST_ADDR_PAST_32BITS, high.min - 1n)];
  if (!dragonball) {
    // Firecracker: RAM resumes past the 64-bit MMIO gap (`FIRST_ADDR_PAST_64BITS_MMIO`).
    ram.push(r(high.max + 1n, high.max + C.X86_FIRECRACKER_PAST_64BITS_MMIO_SIZE));
  }
  return {
    name: `x86_64/${flavor}`,
    arch: "x86_64",
    mmio: { low, high, reserved: mmioReserved },
    mem: { ranges: ram },
    pio: {
      ranges: [r(C.PIO_MIN, C.PIO_MAX)],
      reserved: [
        { ...r(0x60, 0x64), label: "i8042 keyboard controller" },
        { ...r(0xcf8, 0xcff), label: "PCI config (CONFIG_ADDRESS/CONFIG_DATA)" },
      ],
      window: r(0x1000, C.PIO_MAX),
    },
    legacyIrq: { ...legacy, reserved: [{ ...r(0, 2), label: "PIT timer, i8042 keyboard, PIC cascade" }] },
    msi: { ranges: [r(C.X86_MSI_BASE, dragonball ? C.MSI_IRQ_MAX : C.FIRECRACKER_GSI_MSI_END)] },
    deviceId: { ranges: [r(0, C.PCI_DEVICES_PER_BUS - 1)], reserved: [{ ...r(0, 0), label: "PCI host bridge (00.0)" }] },
    memSlot: { ranges: [r(0, C.X86_KVM_USER_MEM_SLOTS - 1)] },
    ram,
  };
}

function arm(flavor: Flavor): LayoutInit {
  const dragonball = flavor === "dragonball";
  const low = r(C.ARM_MAPPED_IO_START, C.ARM_DRAM_MEM_START - 1n);
  const common = {
    arch: "aarch64",
    pio: { ranges: [] },
    deviceId: { ranges: [r(0, C.PCI_DEVICES_PER_BUS - 1)], reserved: [{ ...r(0, 0), label: "PCI host bridge (00.0)" }] },
    memSlot: { ranges: [r(0, C.ARM_KVM_USER_MEM_SLOTS - 1)] },
  };
  if (dragonball) {
    // dbs-boot: guest memory DRAM_MEM_START..DRAM_MEM_END - 1, MMIO above it up to GUEST_PHYS_END.
    const ram = [r(C.ARM_DRAM_MEM_START, C.ARM_DRAGONBALL_DRAM_MEM_END - 1n)];
    return {
      ...common,
      name: "aarch64/dragonball",
      mmio: { low, high: r(C.ARM_DRAGONBALL_DRAM_MEM_END, C.ARM_DRAGONBALL_GUEST_PHYS_END) },
      mem: { ranges: ram },
      legacyIrq: { ranges: [r(C.ARM_IRQ_BASE, C.ARM_DRAGONBALL_IRQ_MAX)] },
      msi: { ranges: [r(C.ARM_DRAGONBALL_IRQ_MAX + 1, C.MSI_IRQ_MAX)] },
      ram,
    };
  }
  // Firecracker: DRAM from 2 GiB up to the 64-bit MMIO window, the rest of DRAM_MEM_MAX_SIZE after it.
  const high = r(C.ARM_FIRECRACKER_MMIO64_START, C.ARM_FIRECRACKER_MMIO64_START + C.ARM_FIRECRACKER_MMIO64_SIZE - 1n);
  const below = high.min - C.ARM_DRAM_MEM_START;
  const ram = [r(C.ARM_DRAM_MEM_START, high.min - 1n), r(high.max + 1n, high.max + C.ARM_FIRECRACKER_DRAM_MEM_MAX_SIZE - below)];
  return {
    ...common,
    name: "aarch64/firecracker",
    mmio: {
      low,
      high,
      reserved: [{ ...r(C.ARM_DRAM_MEM_START - C.ARM_FIRECRACKER_PCI_MMCONFIG_SIZE, C.ARM_DRAM_MEM_START - 1n), label: "PCIe MMCONFIG (ECAM)" }],
    },
    mem: { ranges: ram },
    legacyIrq: { ranges: [r(C.ARM_FIRECRACKER_GSI_LEGACY_START, C.ARM_FIRECRACKER_GSI_LEGACY_END)] },
    msi: { ranges: [r(C.ARM_FIRECRACKER_GSI_LEGACY_END + 1, C.FIRECRACKER_GSI_MSI_END)] },
    ram,
  };
}

/**
 * The layout of `arch` as laid out by `flavor` (default `"dragonball"`).
 * Throws `INVALID_ARGUMENT` for an unknown architecture or flavor.
 *
 * @example
 * ```ts
 * const layout = presetLayout("x86_64", "firecracker");
 * layout.mmio.low.min; // 0xc0000000n
 * ```
 */
export function presetLayout(arch: Arch, flavor: Flavor = "dragonball"): Layout {
  if (flavor !== "dragonball" && flavor !== "firecracker") {
    throw new AllocError("INVALID_ARGUMENT", `unknown preset flavor ${JSON.stringify(flavor)}; expected "dragonball" or "firecracker"`, {
      argument: "flavor",
      value: flavor,
    });
  }
  if (arch === "x86_64") return defineLayout(x86(flavor));
  if (arch === "aarch64") return defineLayout(arm(flavor));
  throw new AllocError("INVALID_ARGUMENT", `unknown architecture ${JSON.stringify(arch)}; expected "x86_64" or "aarch64"`, {
    argument: "arch",
    value: arch,
  });
}

/** Every preset as `[arch, flavor]`, for tests and tools. */
export const PRESETS: readonly (readonly [Arch, Flavor])[] = [
  ["x86_64", "dragonball"],
  ["x86_64", "firecracker"],
  ["aarch64", "dragonball"],
  ["aarch64", "firecracker"],
];
