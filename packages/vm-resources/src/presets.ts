/**
 * Architecture presets: the layouts of Dragonball (kata-containers) and
 * Firecracker for x86_64 and aarch64, as validated {@link Layout}s.
 *
 * Every number below is named after the constant it comes from; the package
 * README has the full table with sources, and marks the few values that are
 * our own choice (where the upstream VMM has no such pool or window).
 * Presets are built once per call (O(1)) and are deeply frozen.
 *
 * Host derivation ({@link PresetOptions}): Dragonball x86_64 derives its high
 * MMIO window and guest memory end from the host's physical address width
 * (`GUEST_PHYS_END` = 2^bits - 1, `GUEST_MEM_END` = `GUEST_PHYS_END` >> 1);
 * every other window is clipped to the last address the guest can reach.
 */
import { AllocError, describeValue, readRecord, readU64 } from "@alloc/constraint";
import type { U64Input } from "@alloc/constraint";
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
  /** x86_64 Firecracker: size in bytes of the 64-bit MMIO window, 256 GiB (Firecracker `src/vmm/src/arch/x86_64/layout.rs` `MMIO64_MEM_SIZE`). */
  X86_FIRECRACKER_MMIO64_SIZE: 0x40_0000_0000n,
  /** x86_64 Firecracker: memory past the 64-bit MMIO gap, 512 GiB from `FIRST_ADDR_PAST_64BITS_MMIO` (`PAST_64BITS_MMIO_SIZE`). */
  X86_FIRECRACKER_PAST_64BITS_MMIO_SIZE: 0x80_0000_0000n,
  /** x86_64 Dragonball: host physical address bits assumed when none are given (kata's fixed 2048 GiB guest-physical space: `GUEST_PHYS_END` = 2^41 - 1, so RAM to 1 TiB - 1 and high MMIO 1..2 TiB). */
  X86_DRAGONBALL_DEFAULT_PHYS_BITS: 41,
  /** x86_64 Firecracker: system memory for ACPI/MP tables, `SYSTEM_MEM_START` 0x9FC00 .. `RSDP_ADDR` 0xE0000 (`SYSTEM_MEM_SIZE` = `RSDP_ADDR` - `SYSTEM_MEM_START`). */
  X86_FIRECRACKER_SYSTEM_MEM_START: 0x9_fc00n,
  /** x86_64 Firecracker: the ACPI RSDP address 0xE0000, the exclusive end of system memory (Firecracker `src/vmm/src/arch/x86_64/layout.rs` `RSDP_ADDR`). */
  X86_FIRECRACKER_RSDP_ADDR: 0xe_0000n,
  /** aarch64 Firecracker: system memory, the first 2 MiB of DRAM (`SYSTEM_MEM_START` = `DRAM_MEM_START`, `SYSTEM_MEM_SIZE` 0x20_0000). */
  ARM_FIRECRACKER_SYSTEM_MEM_SIZE: 0x20_0000n,
  /** x86_64: first address past 32 bits, where high RAM resumes. */
  X86_FIRST_ADDR_PAST_32BITS: 0x1_0000_0000n,
  /** x86_64 Dragonball: shared legacy IRQ (`SHARED_IRQ` = `IRQ_BASE` 5) and the legacy pool after it up to `IRQ_MAX` 15. */
  X86_DRAGONBALL_SHARED_IRQ: 5,
  /** x86_64 Dragonball: last legacy IRQ of the pool, inclusive (`dbs_boot` x86_64 `layout.rs` `IRQ_MAX` 15, used as `LEGACY_IRQ_MAX` by `resource_manager.rs`). */
  X86_DRAGONBALL_IRQ_MAX: 15,
  /** x86_64 Firecracker: legacy GSIs `GSI_LEGACY_START` 5 .. `GSI_LEGACY_END` 23 (24 IOAPIC pins; `IRQ_BASE`/`IRQ_MAX` before v1.13). */
  X86_FIRECRACKER_IRQ_BASE: 5,
  /** x86_64 Firecracker: last legacy GSI, inclusive (Firecracker `src/vmm/src/arch/x86_64/layout.rs` `GSI_LEGACY_END` 23). */
  X86_FIRECRACKER_IRQ_MAX: 23,
  /** x86_64: MSI GSIs start after the 24 IOAPIC pins (Dragonball `MSI_IRQ_BASE` 24, Firecracker `GSI_MSI_START` = `GSI_LEGACY_END` + 1). */
  X86_MSI_BASE: 24,
  /** Dragonball: last MSI GSI (`MSI_IRQ_MAX` 1023). */
  MSI_IRQ_MAX: 1023,
  /** Firecracker: last MSI GSI (`GSI_MSI_END` 4095, KVM_MAX_IRQ_ROUTES - 1). */
  FIRECRACKER_GSI_MSI_END: 4095,
  /** KVM user memory slots: 509 on x86_64, 512 on arm64 (Dragonball `KVM_USER_MEM_SLOTS`, from the kernel's kvm_host.h). */
  X86_KVM_USER_MEM_SLOTS: 509,
  /** aarch64: number of KVM user memory slots, 512 (Dragonball `resource_manager.rs` `KVM_USER_MEM_SLOTS`, from Linux `arch/arm64/include/asm/kvm_host.h`). */
  ARM_KVM_USER_MEM_SLOTS: 512,
  /** Port I/O space 0..0xffff (Dragonball `PIO_MIN`, `PIO_MAX`). */
  PIO_MIN: 0,
  /** Last port of the port I/O space, inclusive (Dragonball `resource_manager.rs` `PIO_MAX` 0xFFFF). */
  PIO_MAX: 0xffff,
  /** aarch64: MMIO devices live from 1 GiB (Dragonball `MAPPED_IO_START` = dbs-arch `GIC_REG_END_ADDRESS`, Firecracker `MMIO32_MEM_START`; the GIC sits below) up to DRAM at 2 GiB (`DRAM_MEM_START`). */
  ARM_MAPPED_IO_START: 0x4000_0000n,
  /** aarch64: start of DRAM at 2 GiB, the exclusive end of the low MMIO window (`DRAM_MEM_START` in Firecracker `src/vmm/src/arch/aarch64/layout.rs` and `dbs-boot` aarch64 `layout.rs`). */
  ARM_DRAM_MEM_START: 0x8000_0000n,
  /** aarch64 Firecracker: PCIe ECAM, the last 256 MiB below DRAM (`PCI_MMCONFIG_SIZE`; `PCI_MMCONFIG_START` = `DRAM_MEM_START` - size). */
  ARM_FIRECRACKER_PCI_MMCONFIG_SIZE: 0x1000_0000n,
  /** aarch64 Firecracker: 64-bit MMIO window, 256 GiB at 256 GiB (`MMIO64_MEM_START`, `MMIO64_MEM_SIZE`); DRAM skips it. */
  ARM_FIRECRACKER_MMIO64_START: 0x40_0000_0000n,
  /** aarch64 Firecracker: size in bytes of the 64-bit MMIO window, 256 GiB (Firecracker `src/vmm/src/arch/aarch64/layout.rs` `MMIO64_MEM_SIZE`). */
  ARM_FIRECRACKER_MMIO64_SIZE: 0x40_0000_0000n,
  /** aarch64 Firecracker: `DRAM_MEM_MAX_SIZE` = 0xFF_8000_0000 (1022 GiB) of DRAM, split around the 64-bit MMIO window. */
  ARM_FIRECRACKER_DRAM_MEM_MAX_SIZE: 0xff_8000_0000n,
  /** aarch64 Dragonball: `DRAM_MEM_END` = 0xF8_0000_0000 (992 GiB). */
  ARM_DRAGONBALL_DRAM_MEM_END: 0xf8_0000_0000n,
  /** aarch64 Dragonball: `GUEST_PHYS_END` = 2^40 - 1; MMIO above RAM runs from `DRAM_MEM_END` to it. */
  ARM_DRAGONBALL_GUEST_PHYS_END: 0xff_ffff_ffffn,
  /** aarch64 Dragonball: first legacy interrupt (dbs-arch `IRQ_BASE` 32), which is also the shared IRQ (`SHARED_IRQ` = `LEGACY_IRQ_BASE` on every arch), so the pool is 33..159. */
  ARM_IRQ_BASE: 32,
  /** aarch64 Dragonball: last legacy interrupt (dbs-arch `IRQ_MAX` 159 = 32 + 128 - 1). */
  ARM_DRAGONBALL_IRQ_MAX: 159,
  /** aarch64 Firecracker: legacy GSIs `GSI_LEGACY_START` 0 .. `GSI_LEGACY_END` 95 (SPIs `SPI_START` 32 .. `SPI_END` 127; KVM adds the 32). */
  ARM_FIRECRACKER_GSI_LEGACY_START: 0,
  /** aarch64 Firecracker: last legacy GSI, inclusive (Firecracker `src/vmm/src/arch/aarch64/layout.rs` `GSI_LEGACY_END` 95). */
  ARM_FIRECRACKER_GSI_LEGACY_END: 95,
  /** PCI: 32 device numbers per bus, device 0 taken by the host bridge (PCI Local Bus spec). */
  PCI_DEVICES_PER_BUS: 32,
} as const;

const C = PRESET_CONSTANTS;
type R = { min: bigint; max: bigint };
const r = (min: bigint | number, max: bigint | number): R => ({ min: BigInt(min), max: BigInt(max) });

/**
 * How a preset is fitted to a host (all optional; without them the presets
 * are the fixed layouts documented in the README).
 */
export interface PresetOptions {
  /** The host's physical address width in bits, 1..64 (`/proc/cpuinfo` "address sizes"). */
  readonly physBits?: number;
  /** The last guest-physical address the guest may use; at most 2^physBits - 1 (default that). */
  readonly guestPhysEnd?: U64Input;
  /** Bytes of guest RAM that must fit the layout's RAM regions; `INVALID_LAYOUT` names the shortfall. */
  readonly memSize?: U64Input;
  /** Number of KVM user memory slots (`KVM_CAP_NR_MEMSLOTS`); default `KVM_USER_MEM_SLOTS` of the arch. */
  readonly memSlots?: number;
}

const OPTION_KEYS = ["physBits", "guestPhysEnd", "memSize", "memSlots"] as const;

/** The checked options: `end` is the last guest-physical address (undefined = fixed preset). */
interface Fit {
  readonly end: bigint | undefined;
  readonly physBits: number | undefined;
  readonly memSize: bigint | undefined;
  readonly memSlots: number | undefined;
}

function badOption(argument: string, message: string, value: unknown): never {
  throw new AllocError("INVALID_ARGUMENT", message, { argument, value });
}

/** An integer option in `min..max`, read with `readU64` (no strings, fractions, NaN or booleans). */
function intOption(value: unknown, name: string, min: number, max: number): number {
  const v = readU64(value, name, "INVALID_ARGUMENT");
  if (v < BigInt(min) || v > BigInt(max)) badOption(name, `${name} must be an integer in ${min}..${max}; got ${describeValue(value)}`, value);
  return Number(v);
}

/** Reads the options once (`readRecord`: unknown keys refused with a near miss, each key read once), then checks each value. */
function readOptions(options: unknown): Fit {
  if (options === undefined) return { end: undefined, physBits: undefined, memSize: undefined, memSlots: undefined };
  const o = readRecord(options, OPTION_KEYS, { what: "preset options", code: "INVALID_ARGUMENT" });
  const physBits = o["physBits"] === undefined ? undefined : intOption(o["physBits"], "physBits", 1, 64);
  let end = physBits === undefined ? undefined : (1n << BigInt(physBits)) - 1n;
  if (o["guestPhysEnd"] !== undefined) {
    const g = readU64(o["guestPhysEnd"], "guestPhysEnd", "INVALID_ARGUMENT");
    if (end === undefined) badOption("guestPhysEnd", "guestPhysEnd: needs physBits", o["guestPhysEnd"]);
    if (g > end)
      badOption(
        "guestPhysEnd",
        `guestPhysEnd: 0x${g.toString(16)} lies above what ${String(physBits)} physical address bits reach (0x${end.toString(16)})`,
        o["guestPhysEnd"],
      );
    end = g;
  }
  const memSize = o["memSize"] === undefined ? undefined : readU64(o["memSize"], "memSize", "INVALID_ARGUMENT");
  const memSlots = o["memSlots"] === undefined ? undefined : intOption(o["memSlots"], "memSlots", 1, 0x10_0000);
  return { end, physBits, memSize, memSlots };
}

const GiB = 1n << 30n;
/** A byte count for messages: `37 GiB`, `2 MiB`, or exact hex with a rounded GiB figure. */
function human(n: bigint): string {
  if (n % GiB === 0n) return `${n / GiB} GiB`;
  if (n % (1n << 20n) === 0n) return `${n >> 20n} MiB`;
  return `0x${n.toString(16)} bytes (~${(Number(n) / 2 ** 30).toFixed(1)} GiB)`;
}

/** The part of `x` at or below `end`, or undefined when none is. */
function clip(x: R, end: bigint | undefined): R | undefined {
  if (end === undefined || x.max <= end) return x;
  return x.min > end ? undefined : r(x.min, end);
}

function clipAll(xs: readonly R[], end: bigint | undefined): R[] {
  const out: R[] = [];
  for (const x of xs) {
    const c = clip(x, end);
    if (c !== undefined) out.push(c);
  }
  return out;
}

/** Fails when the guest cannot reach a window the VMM needs, naming the pool and the shortfall. */
function needs(pool: string, what: string, x: R, fit: Fit): void {
  if (fit.end !== undefined && x.max > fit.end) {
    throw new AllocError(
      "INVALID_LAYOUT",
      `${pool}: the ${what} [0x${x.min.toString(16)}, 0x${x.max.toString(16)}] does not fit below the guest's last address 0x${fit.end.toString(16)}; short by ${human(x.max - fit.end)}`,
      { pool, path: `$.${pool}` },
    );
  }
}

/** `xs` with the values of `hole` taken out (RAM regions skip system memory). */
function without(xs: readonly R[], hole: R): R[] {
  const out: R[] = [];
  for (const x of xs) {
    if (x.max < hole.min || x.min > hole.max) out.push(x);
    else {
      if (x.min < hole.min) out.push(r(x.min, hole.min - 1n));
      if (x.max > hole.max) out.push(r(hole.max + 1n, x.max));
    }
  }
  return out;
}

function memSlotPool(count: number, fit: Fit): { ranges: R[] } {
  return { ranges: [r(0, (fit.memSlots ?? count) - 1)] };
}

function x86(flavor: Flavor, fit: Fit): LayoutInit {
  const dragonball = flavor === "dragonball";
  const low = r(C.X86_MMIO_LOW_START, C.X86_MMIO_LOW_END);
  needs("mmio", "low MMIO window", low, fit);
  let high: R | undefined;
  let ram: R[];
  if (dragonball) {
    // dbs_boot: GUEST_PHYS_END = 2^bits - 1, GUEST_MEM_END = GUEST_PHYS_END >> 1; MMIO above RAM to the end.
    const physEnd = fit.end ?? (1n << BigInt(C.X86_DRAGONBALL_DEFAULT_PHYS_BITS)) - 1n;
    const memEnd = physEnd >> 1n;
    ram = memEnd < low.min ? [r(0, memEnd)] : [r(0, low.min - 1n)];
    if (memEnd >= C.X86_FIRST_ADDR_PAST_32BITS) ram.push(r(C.X86_FIRST_ADDR_PAST_32BITS, memEnd));
    const hiMin = memEnd + 1n > low.max ? memEnd + 1n : low.max + 1n;
    high = hiMin <= physEnd ? r(hiMin, physEnd) : undefined;
  } else {
    const mmio64 = r(C.X86_FIRECRACKER_MMIO64_START, C.X86_FIRECRACKER_MMIO64_START + C.X86_FIRECRACKER_MMIO64_SIZE - 1n);
    high = clip(mmio64, fit.end);
    // Firecracker: RAM below 3 GiB, from 4 GiB to the 64-bit MMIO gap, and past it (`FIRST_ADDR_PAST_64BITS_MMIO`).
    ram = clipAll(
      [
        r(0, C.X86_MMIO_LOW_START - 1n),
        r(C.X86_FIRST_ADDR_PAST_32BITS, mmio64.min - 1n),
        r(mmio64.max + 1n, mmio64.max + C.X86_FIRECRACKER_PAST_64BITS_MMIO_SIZE),
      ],
      fit.end,
    );
  }
  const mmioReserved = dragonball
    ? [{ ...r(C.X86_MMIO_LOW_END + 1n - C.X86_DRAGONBALL_MMIO_RESERVED, C.X86_MMIO_LOW_END), label: "LAPIC/IOAPIC/HPET (64 MiB below 4 GiB)" }]
    : [
        { ...r(C.X86_IOAPIC_ADDR - C.X86_PCI_MMCONFIG_SIZE, C.X86_IOAPIC_ADDR - 1n), label: "PCIe MMCONFIG (ECAM)" },
        { ...r(C.X86_IOAPIC_ADDR, C.X86_MMIO_LOW_END), label: "IOAPIC/LAPIC/TSS (to 4 GiB)" },
      ];
  const legacy = dragonball
    ? {
        ranges: [r(0, 4), r(C.X86_DRAGONBALL_SHARED_IRQ + 1, C.X86_DRAGONBALL_IRQ_MAX)],
        shared: C.X86_DRAGONBALL_SHARED_IRQ,
        window: r(C.X86_DRAGONBALL_SHARED_IRQ + 1, C.X86_DRAGONBALL_IRQ_MAX),
      }
    : { ranges: [r(0, C.X86_FIRECRACKER_IRQ_MAX)], window: r(C.X86_FIRECRACKER_IRQ_BASE, C.X86_FIRECRACKER_IRQ_MAX) };
  const system = r(C.X86_FIRECRACKER_SYSTEM_MEM_START, C.X86_FIRECRACKER_RSDP_ADDR - 1n);
  const memReserved = dragonball ? [] : [{ ...system, label: FIRECRACKER_SYSTEM_MEMORY }];
  return {
    name: `x86_64/${flavor}`,
    arch: "x86_64",
    mmio: { low, ...(high === undefined ? {} : { high }), reserved: mmioReserved },
    mem: { ranges: ram, reserved: memReserved },
    ram: dragonball ? ram : without(ram, system),
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
    memSlot: memSlotPool(C.X86_KVM_USER_MEM_SLOTS, fit),
  };
}

/** The label of Firecracker's system-memory reservation in `mem` (ACPI and MP tables, or the FDT on aarch64). */
export const FIRECRACKER_SYSTEM_MEMORY = "system memory (ACPI/MP tables, FDT)";

function arm(flavor: Flavor, fit: Fit): LayoutInit {
  const dragonball = flavor === "dragonball";
  const low = r(C.ARM_MAPPED_IO_START, C.ARM_DRAM_MEM_START - 1n);
  needs("mmio", "low MMIO window", low, fit);
  const common = {
    arch: "aarch64",
    deviceId: { ranges: [r(0, C.PCI_DEVICES_PER_BUS - 1)], reserved: [{ ...r(0, 0), label: "PCI host bridge (00.0)" }] },
    memSlot: memSlotPool(C.ARM_KVM_USER_MEM_SLOTS, fit),
  };
  if (dragonball) {
    // dbs-boot: guest memory DRAM_MEM_START..DRAM_MEM_END - 1, MMIO above it up to GUEST_PHYS_END (fixed 2^40 - 1).
    const physEnd = fit.end !== undefined && fit.end < C.ARM_DRAGONBALL_GUEST_PHYS_END ? fit.end : C.ARM_DRAGONBALL_GUEST_PHYS_END;
    const ram = clipAll([r(C.ARM_DRAM_MEM_START, C.ARM_DRAGONBALL_DRAM_MEM_END - 1n)], physEnd);
    const high = clip(r(C.ARM_DRAGONBALL_DRAM_MEM_END, C.ARM_DRAGONBALL_GUEST_PHYS_END), physEnd);
    return {
      ...common,
      name: "aarch64/dragonball",
      mmio: { low, ...(high === undefined ? {} : { high }) },
      mem: { ranges: ram },
      pio: { ranges: [r(C.PIO_MIN, C.PIO_MAX)] },
      legacyIrq: { ranges: [r(C.ARM_IRQ_BASE + 1, C.ARM_DRAGONBALL_IRQ_MAX)], shared: C.ARM_IRQ_BASE },
      msi: { ranges: [r(C.ARM_DRAGONBALL_IRQ_MAX + 1, C.MSI_IRQ_MAX)] },
      ram,
    };
  }
  // Firecracker: DRAM from 2 GiB up to the 64-bit MMIO window, the rest of DRAM_MEM_MAX_SIZE after it.
  const mmio64 = r(C.ARM_FIRECRACKER_MMIO64_START, C.ARM_FIRECRACKER_MMIO64_START + C.ARM_FIRECRACKER_MMIO64_SIZE - 1n);
  const high = clip(mmio64, fit.end);
  const below = mmio64.min - C.ARM_DRAM_MEM_START;
  const ram = clipAll([r(C.ARM_DRAM_MEM_START, mmio64.min - 1n), r(mmio64.max + 1n, mmio64.max + C.ARM_FIRECRACKER_DRAM_MEM_MAX_SIZE - below)], fit.end);
  const system = r(C.ARM_DRAM_MEM_START, C.ARM_DRAM_MEM_START + C.ARM_FIRECRACKER_SYSTEM_MEM_SIZE - 1n);
  needs("mem", "system memory", system, fit);
  return {
    ...common,
    name: "aarch64/firecracker",
    mmio: {
      low,
      ...(high === undefined ? {} : { high }),
      reserved: [{ ...r(C.ARM_DRAM_MEM_START - C.ARM_FIRECRACKER_PCI_MMCONFIG_SIZE, C.ARM_DRAM_MEM_START - 1n), label: "PCIe MMCONFIG (ECAM)" }],
    },
    mem: { ranges: ram, reserved: [{ ...system, label: FIRECRACKER_SYSTEM_MEMORY }] },
    pio: { ranges: [] },
    legacyIrq: { ranges: [r(C.ARM_FIRECRACKER_GSI_LEGACY_START, C.ARM_FIRECRACKER_GSI_LEGACY_END)] },
    msi: { ranges: [r(C.ARM_FIRECRACKER_GSI_LEGACY_END + 1, C.FIRECRACKER_GSI_MSI_END)] },
    ram: without(ram, system),
  };
}

/** Fails when `fit.memSize` bytes of RAM do not fit the layout's RAM regions, naming the shortfall. */
function checkMemSize(init: LayoutInit, fit: Fit): void {
  if (fit.memSize === undefined) return;
  let room = 0n;
  for (const x of init.ram) room += BigInt(x.max as bigint) - BigInt(x.min as bigint) + 1n;
  if (fit.memSize > room) {
    const bits = fit.physBits === undefined ? "" : ` with ${fit.physBits} physical address bits`;
    throw new AllocError("INVALID_LAYOUT", `mem: ${human(fit.memSize)} of guest RAM does not fit ${init.name}${bits}; short by ${human(fit.memSize - room)}`, {
      pool: "mem",
      path: "$.mem",
      value: fit.memSize,
    });
  }
}

/**
 * The layout of `arch` as laid out by `flavor` (default `"dragonball"`),
 * optionally fitted to a host (see {@link PresetOptions} and the README's
 * "Layouts derived from the host"). Throws `INVALID_ARGUMENT` for an unknown
 * architecture, flavor or option, and `INVALID_LAYOUT` naming the pool and
 * the shortfall when the layout cannot fit. Without `options` it is the same
 * frozen layout on every call (checked once per process).
 *
 * @example
 * ```ts
 * presetLayout("x86_64", "firecracker").mmio.low.min; // 0xc0000000n
 * presetLayout("x86_64", "dragonball", { physBits: 39 }).mmio.high?.min; // 0x40_0000_0000n (256 GiB)
 * ```
 */
export function presetLayout(arch: Arch, flavor: Flavor = "dragonball", options?: PresetOptions): Layout {
  if (flavor !== "dragonball" && flavor !== "firecracker") {
    throw new AllocError("INVALID_ARGUMENT", `flavor: unknown preset flavor ${describeValue(flavor)}; expected "dragonball" or "firecracker"`, {
      argument: "flavor",
      value: flavor,
    });
  }
  if (arch !== "x86_64" && arch !== "aarch64") {
    throw new AllocError("INVALID_ARGUMENT", `arch: unknown architecture ${describeValue(arch)}; expected "x86_64" or "aarch64"`, {
      argument: "arch",
      value: arch,
    });
  }
  // perf: a preset without options is the same frozen layout every time: checked once per process (bench "new manager").
  const cached = options === undefined ? PLAIN_PRESETS.get(`${arch}/${flavor}`) : undefined;
  if (cached !== undefined) return cached;
  const fit = readOptions(options);
  const init = arch === "x86_64" ? x86(flavor, fit) : arm(flavor, fit);
  checkMemSize(init, fit);
  const layout = defineLayout(init);
  if (options === undefined) PLAIN_PRESETS.set(`${arch}/${flavor}`, layout);
  return layout;
}

/** The checked layouts of the presets asked for without options, by `arch/flavor`. */
const PLAIN_PRESETS = new Map<string, Layout>();

/** Every preset as `[arch, flavor]`, for tests and tools. */
export const PRESETS: readonly (readonly [Arch, Flavor])[] = [
  ["x86_64", "dragonball"],
  ["x86_64", "firecracker"],
  ["aarch64", "dragonball"],
  ["aarch64", "firecracker"],
];
