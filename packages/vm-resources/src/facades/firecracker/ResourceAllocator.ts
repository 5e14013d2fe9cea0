/**
 * `ResourceAllocator`: Firecracker's `src/vmm/src/vstate/resources.rs`, its
 * six allocators as fields over one {@link ResourceManager}.
 *
 * Representation: the manager (built from the Firecracker preset of the
 * arch, with the system-memory reservation lifted because `systemMemory` hands
 * that range out) and six views of its pools: legacy and MSI GSIs
 * (`legacyIrq`, `msi`), the 32-bit and 64-bit MMIO windows (`mmio`), memory
 * past the 64-bit MMIO gap and system memory (`mem`). Owners are
 * `firecracker:<allocator>#<n>`. Cost: O(log n) per id or range; a GSI block
 * of k is k calls.
 */
import { AllocError, describeValue, isArrayInput, readArray, readRecord, refuseThis } from "@alloc/constraint";
import { defineLayout, layoutToJSON } from "../../Layout.js";
import { FIRECRACKER_SYSTEM_MEMORY, presetLayout } from "../../presets.js";
import type { Arch } from "../../presets.js";
import { ResourceManager } from "../../ResourceManager.js";
import { u32 } from "../shared.js";
import { AddressAllocator } from "../rust-vmm/AddressAllocator.js";
import { AllocPolicy } from "../rust-vmm/AllocPolicy.js";
import { IdAllocator } from "../rust-vmm/IdAllocator.js";

/** The numbers of Firecracker's `arch/<arch>/layout.rs` that its `ResourceAllocator` uses. */
export interface FirecrackerArchLayout {
  /** First legacy GSI (`GSI_LEGACY_START`). */
  readonly GSI_LEGACY_START: number;
  /** Last legacy GSI (`GSI_LEGACY_END`). */
  readonly GSI_LEGACY_END: number;
  /** Number of legacy GSIs (`GSI_LEGACY_NUM`). */
  readonly GSI_LEGACY_NUM: number;
  /** First MSI GSI (`GSI_MSI_START` = `GSI_LEGACY_END` + 1). */
  readonly GSI_MSI_START: number;
  /** Last MSI GSI (`GSI_MSI_END` 4095). */
  readonly GSI_MSI_END: number;
  /** Number of MSI GSIs (`GSI_MSI_NUM`). */
  readonly GSI_MSI_NUM: number;
  /** Start of 32-bit MMIO for devices, after the fixed `MMIO_LEN` slots (`MEM_32BIT_DEVICES_START`). */
  readonly MEM_32BIT_DEVICES_START: bigint;
  /** Its size, up to `PCI_MMCONFIG_START` (`MEM_32BIT_DEVICES_SIZE`). */
  readonly MEM_32BIT_DEVICES_SIZE: bigint;
  /** Start of 64-bit MMIO (`MEM_64BIT_DEVICES_START` = `MMIO64_MEM_START`, 256 GiB). */
  readonly MEM_64BIT_DEVICES_START: bigint;
  /** Its size (`MEM_64BIT_DEVICES_SIZE` = `MMIO64_MEM_SIZE`, 256 GiB). */
  readonly MEM_64BIT_DEVICES_SIZE: bigint;
  /** First address past the 64-bit MMIO window (512 GiB). */
  readonly FIRST_ADDR_PAST_64BITS_MMIO: bigint;
  /** Size of the space past it (`PAST_64BITS_MMIO_SIZE`, 512 GiB). */
  readonly PAST_64BITS_MMIO_SIZE: bigint;
  /** Start of system memory (`SYSTEM_MEM_START`). */
  readonly SYSTEM_MEM_START: bigint;
  /** Size of system memory (`SYSTEM_MEM_SIZE`). */
  readonly SYSTEM_MEM_SIZE: bigint;
}

const MMIO_LEN = 0x1000n; // device_manager/mmio.rs: one virtio-mmio slot

function arch(
  gsiLegacyStart: number,
  gsiLegacyEnd: number,
  mem32Start: bigint,
  pciMmconfigStart: bigint,
  systemStart: bigint,
  systemSize: bigint,
): FirecrackerArchLayout {
  return Object.freeze({
    GSI_LEGACY_START: gsiLegacyStart,
    GSI_LEGACY_END: gsiLegacyEnd,
    GSI_LEGACY_NUM: gsiLegacyEnd - gsiLegacyStart + 1,
    GSI_MSI_START: gsiLegacyEnd + 1,
    GSI_MSI_END: 4095,
    GSI_MSI_NUM: 4095 - gsiLegacyEnd,
    MEM_32BIT_DEVICES_START: mem32Start,
    MEM_32BIT_DEVICES_SIZE: pciMmconfigStart - mem32Start,
    MEM_64BIT_DEVICES_START: 256n << 30n,
    MEM_64BIT_DEVICES_SIZE: 256n << 30n,
    FIRST_ADDR_PAST_64BITS_MMIO: 512n << 30n,
    PAST_64BITS_MMIO_SIZE: 512n << 30n,
    SYSTEM_MEM_START: systemStart,
    SYSTEM_MEM_SIZE: systemSize,
  });
}

/**
 * Firecracker's layout numbers per arch: x86_64 boot device one `MMIO_LEN`
 * at `MMIO32_MEM_START` (3 GiB), devices up to `PCI_MMCONFIG_START`
 * (`IOAPIC_ADDR` - 256 MiB), system memory `0x9FC00..RSDP_ADDR`; aarch64 boot,
 * RTC and serial slots from 1 GiB, devices up to `DRAM_MEM_START` - 256 MiB,
 * system memory the first 2 MiB of DRAM.
 *
 * @example
 * ```ts
 * FIRECRACKER_LAYOUT.x86_64.GSI_LEGACY_NUM; // 19
 * ```
 */
export const FIRECRACKER_LAYOUT: Readonly<Record<Arch, FirecrackerArchLayout>> = Object.freeze({
  x86_64: arch(5, 23, 0xc000_0000n + MMIO_LEN, 0xfec0_0000n - (256n << 20n), 0x9_fc00n, 0xe_0000n - 0x9_fc00n),
  aarch64: arch(0, 95, 0x4000_0000n + 3n * MMIO_LEN, 0x8000_0000n - (256n << 20n), 0x8000_0000n, 0x20_0000n),
});

/** One saved range: `"0x…"` strings, inclusive. */
export interface SavedRange {
  /** First address, `"0x…"`. */
  readonly start: string;
  /** Last address (inclusive), `"0x…"`. */
  readonly end: string;
}

/**
 * Serialisable state (upstream `ResourceAllocatorState`): the four memory
 * allocators' ranges; the GSI allocators are left out, as upstream does, for
 * the restored devices to take again.
 */
export interface ResourceAllocatorState {
  /** The architecture whose layout the ranges belong to. */
  readonly arch: Arch;
  /** Ranges held by `mmio32Memory`, in address order. */
  readonly mmio32Memory: readonly SavedRange[];
  /** Ranges held by `mmio64Memory`. */
  readonly mmio64Memory: readonly SavedRange[];
  /** Ranges held by `pastMmio64Memory`. */
  readonly pastMmio64Memory: readonly SavedRange[];
  /** Ranges held by `systemMemory`. */
  readonly systemMemory: readonly SavedRange[];
}

const MEMORY_FIELDS = ["mmio32Memory", "mmio64Memory", "pastMmio64Memory", "systemMemory"] as const;

function facadeManager(a: Arch): ResourceManager {
  const json = layoutToJSON(presetLayout(a, "firecracker")) as { mem: { reserved: { label: string }[] } };
  json.mem.reserved = json.mem.reserved.filter((x) => x.label !== FIRECRACKER_SYSTEM_MEMORY);
  return new ResourceManager(defineLayout(json));
}

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

function bad(path: string, message: string): never {
  throw new AllocError("INVALID_SNAPSHOT", `${path}: ${message}`, { path });
}

/** `value` read once as an object with exactly the `allowed` keys, each present (an unknown one is named). */
function keys(value: unknown, path: string, allowed: readonly string[]): Readonly<Record<string, unknown>> {
  const r = readRecord(value, allowed, { what: path, code: "INVALID_SNAPSHOT", path });
  for (const k of allowed) if (r[k] === undefined) bad(`${path}.${k}`, "missing");
  return r;
}

/** `value` as an array, each element read once. */
function items(value: unknown, path: string): readonly unknown[] {
  const options = { what: path, code: "INVALID_SNAPSHOT", path } as const;
  if (!isArrayInput(value, options)) bad(path, "expected an array");
  return readArray(value, options);
}

function hexValue(value: unknown, path: string): bigint {
  if (typeof value !== "string" || !/^0x(0|[1-9a-f][0-9a-f]{0,15})$/.test(value)) bad(path, 'expected a canonical "0x…" u64 string');
  return BigInt(value);
}

// Refuses a receiver the ResourceAllocator constructor did not build (set in the class's static block).
let checkAllocator: (self: unknown) => void;

/**
 * Firecracker's resource allocator.
 *
 * @example
 * ```ts
 * const ra = new ResourceAllocator("x86_64");
 * ra.allocateGsiLegacy(1);                                   // [5]
 * ra.mmio32Memory.allocate(0x1000, 0x1000, AllocPolicy.FirstMatch);
 * const again = ResourceAllocator.restore(JSON.parse(JSON.stringify(ra.save())));
 * ```
 */
export class ResourceAllocator {
  /** The architecture whose layout is used. */
  readonly arch: Arch;
  /** The one manager all six allocators are views of. */
  readonly manager: ResourceManager;
  /** Legacy GSIs `GSI_LEGACY_START..GSI_LEGACY_END` (`gsi_legacy_allocator`). */
  readonly gsiLegacyAllocator: IdAllocator;
  /** MSI GSIs `GSI_MSI_START..GSI_MSI_END` (`gsi_msi_allocator`). */
  readonly gsiMsiAllocator: IdAllocator;
  /** 32-bit MMIO for devices (`mmio32_memory`). */
  readonly mmio32Memory: AddressAllocator;
  /** 64-bit MMIO (`mmio64_memory`). */
  readonly mmio64Memory: AddressAllocator;
  /** Memory past the 64-bit MMIO window (`past_mmio64_memory`). */
  readonly pastMmio64Memory: AddressAllocator;
  /** System memory for ACPI/MP tables or the FDT (`system_memory`). */
  readonly systemMemory: AddressAllocator;
  // Brands an allocator this constructor built (a method called on another object is refused).
  readonly #made = true;

  /** A fresh allocator for `arch` (default `"x86_64"`); `INVALID_ARGUMENT` for an unknown arch. */
  constructor(arch: Arch = "x86_64") {
    if (arch !== "x86_64" && arch !== "aarch64")
      throw new AllocError("INVALID_ARGUMENT", `unknown architecture ${describeValue(arch)}; expected "x86_64" or "aarch64"`, { argument: "arch" });
    const L = FIRECRACKER_LAYOUT[arch];
    const manager = facadeManager(arch);
    this.arch = arch;
    this.manager = manager;
    this.gsiLegacyAllocator = new IdAllocator(L.GSI_LEGACY_START, L.GSI_LEGACY_END, { manager, pool: "legacyIrq", ownerPrefix: "firecracker:gsi-legacy" });
    this.gsiMsiAllocator = new IdAllocator(L.GSI_MSI_START, L.GSI_MSI_END, { manager, pool: "msi", ownerPrefix: "firecracker:gsi-msi" });
    this.mmio32Memory = new AddressAllocator(L.MEM_32BIT_DEVICES_START, L.MEM_32BIT_DEVICES_SIZE, { manager, pool: "mmio", ownerPrefix: "firecracker:mmio32" });
    this.mmio64Memory = new AddressAllocator(L.MEM_64BIT_DEVICES_START, L.MEM_64BIT_DEVICES_SIZE, { manager, pool: "mmio", ownerPrefix: "firecracker:mmio64" });
    this.pastMmio64Memory = new AddressAllocator(L.FIRST_ADDR_PAST_64BITS_MMIO, L.PAST_64BITS_MMIO_SIZE, {
      manager,
      pool: "mem",
      ownerPrefix: "firecracker:past-mmio64",
    });
    this.systemMemory = new AddressAllocator(L.SYSTEM_MEM_START, L.SYSTEM_MEM_SIZE, { manager, pool: "mem", ownerPrefix: "firecracker:system" });
    // The manager and the six allocators cannot be replaced behind it.
    Object.freeze(this);
  }

  /**
   * `count` legacy GSIs, lowest first, all or none: on `NO_FIT` the ones
   * already taken are given back (as upstream's `allocate_many_ids`).
   *
   * @example
   * ```ts
   * new ResourceAllocator().allocateGsiLegacy(2); // [5, 6]
   * ```
   */
  allocateGsiLegacy(count: number): number[] {
    checkAllocator(this);
    return many(this.gsiLegacyAllocator, count);
  }

  /**
   * `count` MSI GSIs, lowest first, all or none.
   *
   * @example
   * ```ts
   * new ResourceAllocator().allocateGsiMsi(3); // [24, 25, 26]
   * ```
   */
  allocateGsiMsi(count: number): number[] {
    checkAllocator(this);
    return many(this.gsiMsiAllocator, count);
  }

  /**
   * The serialisable state (upstream `Persist::save`); JSON-safe.
   *
   * @example
   * ```ts
   * JSON.stringify(ra.save());
   * ```
   */
  save(): ResourceAllocatorState {
    checkAllocator(this);
    const ranges = (a: AddressAllocator): SavedRange[] => a.allocations().map((r) => ({ start: hex(r.start()), end: hex(r.end()) }));
    return {
      arch: this.arch,
      mmio32Memory: ranges(this.mmio32Memory),
      mmio64Memory: ranges(this.mmio64Memory),
      pastMmio64Memory: ranges(this.pastMmio64Memory),
      systemMemory: ranges(this.systemMemory),
    };
  }

  /**
   * Rebuilds an allocator from {@link ResourceAllocator.save} output (upstream
   * `Persist::restore`), GSI allocators empty. The document is checked in
   * full first — every key, canonical hex, each range inside its allocator,
   * sorted and disjoint — and only `INVALID_SNAPSHOT` with `details.path` is
   * thrown.
   *
   * @example
   * ```ts
   * const ra2 = ResourceAllocator.restore(ra.save());
   * ```
   */
  static restore(state: unknown): ResourceAllocator {
    const o = keys(state, "$", ["arch", ...MEMORY_FIELDS]);
    const a = o["arch"];
    if (a !== "x86_64" && a !== "aarch64") bad("$.arch", 'expected "x86_64" or "aarch64"');
    const out = new ResourceAllocator(a);
    const plan: [AddressAllocator, bigint, bigint][] = [];
    for (const field of MEMORY_FIELDS) {
      const alloc = out[field];
      const list = items(o[field], `$.${field}`);
      let prev: bigint | undefined;
      list.forEach((item: unknown, i: number) => {
        const at = `$.${field}[${i}]`;
        const r = keys(item, at, ["start", "end"]);
        const start = hexValue(r["start"], `${at}.start`);
        const end = hexValue(r["end"], `${at}.end`);
        if (start > end) bad(at, "start is above end");
        if (start < alloc.base() || end > alloc.end()) bad(at, `range lies outside [${hex(alloc.base())}, ${hex(alloc.end())}]`);
        if (prev !== undefined && start <= prev) bad(at, "ranges must be sorted and disjoint");
        prev = end;
        plan.push([alloc, start, end]);
      });
    }
    for (const [alloc, start, end] of plan) alloc.allocate(end - start + 1n, 1n, AllocPolicy.ExactMatch(start));
    return out;
  }

  static {
    checkAllocator = (self) => {
      if (typeof self !== "object" || self === null || !(#made in self)) refuseThis("a ResourceAllocator", self);
    };
  }
}

function many(ids: IdAllocator, count: number): number[] {
  const n = u32(count, "count");
  const out: number[] = [];
  try {
    for (let i = 0; i < n; i++) out.push(ids.allocateId());
  } catch (e) {
    for (let j = out.length - 1; j >= 0; j--) ids.freeId(out[j] as number);
    throw e;
  }
  return out;
}
