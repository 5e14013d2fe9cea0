/**
 * `DragonballResourceManager`: kata-containers' `src/dragonball/src/resource_manager.rs`
 * (`ResourceManager`) over one {@link ResourceManager}.
 *
 * Representation: the manager (built from the Dragonball preset of the arch,
 * optionally fitted to the host) and owner-name families; nothing else. Each
 * single `allocate_*` call is one owner `dragonball:<pool>#<n>`; each
 * `allocateDeviceResources` call is one owner `dragonball:device#<n>` holding
 * the device's resources in order, so a device shows as one line group in
 * `dump()`. Frees go by address, as upstream's do, and may free a single
 * resource of a device. Windows are upstream's: port I/O anywhere in
 * 0..0xFFFF, legacy IRQs `IRQ_BASE + 1 ..= IRQ_MAX`, MMIO anywhere in the pool
 * (low window first). Cost: O(log n) per call; a device of k requests is k
 * manager calls.
 */
import { AllocError, U64_MAX, isAllocError, readArray, refuseThis } from "@alloc/constraint";
import type { U64Input } from "@alloc/constraint";
import type { PoolName } from "../../Layout.js";
import { presetLayout } from "../../presets.js";
import type { Arch } from "../../presets.js";
import { ResourceManager, placeOfOwn } from "../../ResourceManager.js";
import type { Resource as ManagerResource, ResourceRequest } from "../../requests.js";
import { OwnerNames, bool, heldAt, readOptions, u32, u64 } from "../shared.js";
import type { Held } from "../shared.js";
import { Constraint, isDbsConstraint } from "./Constraint.js";
import { DeviceResources, MsiIrqType, Resource, isDeviceResources, ownerOfList, readConstraint, setOwnerOfList } from "./resources.js";
import type { ResourceConstraint } from "./resources.js";

/** How the facade's manager is laid out. */
export interface DragonballOptions {
  /** `"x86_64"` (default) or `"aarch64"`. */
  readonly arch?: Arch;
  /** The host's physical address width (x86_64: derives `GUEST_PHYS_END` and `GUEST_MEM_END`). */
  readonly physBits?: number;
  /** A lower last guest-physical address than `physBits` allows. */
  readonly guestPhysEnd?: U64Input;
}

/** Manager codes that mean "nothing fits" for an upstream `Option` result. */
const NONE_CODES = new Set(["NO_FIT", "CONFLICT", "RESERVED"]);

/** Largest generic MSI block the manager takes; more never fits a Dragonball MSI pool (at most 1000 vectors). */
const MSI_BLOCK_MAX = 2048;

function invalidRange(what: string, message: string): never {
  // Upstream `ResourceError::InvalidResourceRange(what)`.
  throw new AllocError("INVALID_RANGE", `${what}: ${message}`, { argument: what });
}

// Refuses a receiver the DragonballResourceManager constructor did not build (set in the class's static block).
let checkFacade: (self: unknown) => void;

/**
 * Dragonball's resource manager.
 *
 * @example
 * ```ts
 * const mgr = new DragonballResourceManager(undefined, { physBits: 39 });
 * const res = mgr.allocateDeviceResources([ResourceConstraint.newMmio(0x1000), ResourceConstraint.newLegacyIrq(undefined)], false);
 * mgr.freeDeviceResources(res);
 * ```
 */
export class DragonballResourceManager {
  /** The one manager every call goes to. */
  readonly manager: ResourceManager;
  /** The shared legacy IRQ (`SHARED_IRQ` = `LEGACY_IRQ_BASE`): 5 on x86_64, 32 on aarch64. */
  readonly sharedIrq: number;
  readonly #irqMax: number;
  readonly #names: Readonly<Record<"pio" | "mmio" | "mem" | "irq" | "msi" | "slot" | "device", OwnerNames>>;
  readonly #family: OwnerNames;
  readonly #optionsOf = new WeakMap<ResourceConstraint, readonly ResourceRequest[]>();

  /**
   * Upstream `ResourceManager::new(max_kvm_mem_slot)`: `maxKvmMemSlot` is the
   * number of KVM memory slots (default `KVM_USER_MEM_SLOTS`: 509 on x86_64,
   * 512 on aarch64), slots `0..maxKvmMemSlot - 1`.
   */
  constructor(maxKvmMemSlot?: number, options: DragonballOptions = {}) {
    const o = readOptions(options, ["arch", "physBits", "guestPhysEnd"], "options");
    const arch = (o["arch"] ?? "x86_64") as Arch;
    const physBits = o["physBits"] as number | undefined;
    const guestPhysEnd = o["guestPhysEnd"] as U64Input | undefined;
    const fit = {
      ...(physBits === undefined ? {} : { physBits }),
      ...(guestPhysEnd === undefined ? {} : { guestPhysEnd }),
      ...(maxKvmMemSlot === undefined ? {} : { memSlots: maxKvmMemSlot }),
    };
    const manager = new ResourceManager(presetLayout(arch, "dragonball", fit));
    const irq = manager.layout.legacyIrq;
    const lastIrq = irq.ranges[irq.ranges.length - 1];
    this.manager = manager;
    this.sharedIrq = irq.shared as number;
    this.#irqMax = Number((irq.window ?? lastIrq)?.max ?? 0n);
    const n = (p: string): OwnerNames => new OwnerNames(manager, `dragonball:${p}`, "dragonball:");
    this.#names = { pio: n("pio"), mmio: n("mmio"), mem: n("mem"), irq: n("irq"), msi: n("msi"), slot: n("slot"), device: n("device") };
    this.#family = this.#names.device;
    // The manager and the shared IRQ cannot be replaced behind the facade.
    Object.freeze(this);
  }

  /** Upstream re-inserts the memory pool (and panics if it is there); ours is laid out at construction, so this changes nothing. @example `mgr.initMemPool()` */
  initMemPool(): void {
    checkFacade(this);
  }

  /** True when the memory pool holds no space at all. @example `mgr.isMemPoolEmpty(); // false` */
  isMemPoolEmpty(): boolean {
    checkFacade(this);
    return this.manager.stats().mem.total === 0n;
  }

  /**
   * One legacy IRQ: the shared IRQ when `shared` (not recorded, as upstream),
   * else `fixed` or the lowest free one of `IRQ_BASE + 1 ..= IRQ_MAX`;
   * `undefined` when taken, outside that window, or the shared IRQ.
   *
   * @example
   * ```ts
   * mgr.allocateLegacyIrq(false, undefined); // 6 on x86_64
   * ```
   */
  allocateLegacyIrq(shared: boolean, fixed?: number): number | undefined {
    checkFacade(this);
    if (bool(shared, "shared")) return this.sharedIrq;
    const res = this.#one(this.#names.irq, this.#irqRequest(fixed));
    return res === undefined ? undefined : (res as { irq: number }).irq;
  }

  /**
   * Frees a legacy IRQ; the shared IRQ is a no-op. `INVALID_RANGE` outside
   * `IRQ_BASE ..= IRQ_MAX`; `NOT_ALLOCATED`/`CONFLICT` when it is free or not ours.
   *
   * @example
   * ```ts
   * mgr.freeLegacyIrq(6);
   * ```
   */
  freeLegacyIrq(irq: number): void {
    checkFacade(this);
    const v = u32(irq, "irq");
    if (v === this.sharedIrq) return;
    if (v < this.sharedIrq || v > this.#irqMax) invalidRange("Legacy IRQ", `${v} is outside ${this.sharedIrq}..${this.#irqMax}`);
    this.#free(this.#held("legacyIrq", BigInt(v), BigInt(v), "legacy IRQ"));
  }

  /**
   * `count` contiguous MSI vectors, not necessarily aligned; `undefined` when
   * nothing fits.
   *
   * @example
   * ```ts
   * mgr.allocateMsiIrq(3); // 24 on x86_64
   * ```
   */
  allocateMsiIrq(count: number): number | undefined {
    checkFacade(this);
    const n = u32(count, "count");
    if (n > MSI_BLOCK_MAX) return undefined;
    const res = this.#one(this.#names.msi, { kind: "generic-msi", count: n });
    return res === undefined ? undefined : (res as { base: number }).base;
  }

  /**
   * `count` MSI vectors aligned to `count` (a power of two, else
   * `INVALID_REQUEST`); `undefined` when nothing fits. Up to 32 vectors this
   * is a PCI MSI block (the manager aligns it); a larger block (upstream's
   * test asks for 512) is a generic MSI block placed at the lowest free
   * aligned base of the MSI window, found through the pool's read-only view
   * (one O(log n) lookup per allocated range skipped).
   *
   * @example
   * ```ts
   * mgr.allocateMsiIrqAligned(8); // a multiple of 8
   * mgr.allocateMsiIrqAligned(512); // 512 on x86_64 (vectors 24..1023)
   * ```
   */
  allocateMsiIrqAligned(count: number): number | undefined {
    checkFacade(this);
    const n = u32(count, "count");
    if (n <= 32) {
      const res = this.#one(this.#names.msi, { kind: "pci-msi", count: n });
      return res === undefined ? undefined : (res as { base: number }).base;
    }
    if ((n & (n - 1)) !== 0)
      throw new AllocError("INVALID_REQUEST", `count: an aligned MSI block needs a power-of-two count; got ${n}`, { argument: "count", value: n });
    const base = n > MSI_BLOCK_MAX ? undefined : this.#alignedMsiBase(BigInt(n));
    if (base === undefined) return undefined;
    this.manager.allocateDevice(this.#names.msi.fresh(), [{ kind: "generic-msi", count: n, base: Number(base) }]);
    return Number(base);
  }

  /** The lowest multiple of `n` in the MSI window starting `n` free vectors, or undefined. */
  #alignedMsiBase(n: bigint): bigint | undefined {
    const layout = this.manager.layout.msi;
    const first = layout.ranges[0];
    const last = layout.ranges[layout.ranges.length - 1];
    const w = layout.window ?? (first === undefined || last === undefined ? undefined : { min: first.min, max: last.max });
    if (w === undefined) return undefined;
    const view = this.manager.msi;
    const up = (v: bigint): bigint => ((v + n - 1n) / n) * n;
    for (let at = up(w.min); at + n - 1n <= w.max; ) {
      const e = view.entryAt(at);
      if (e === undefined) at += n;
      else if (e.state === "free" && e.range.max >= at + n - 1n) return at;
      else at = up(e.range.max + 1n);
    }
    return undefined;
  }

  /**
   * Frees `[irq, irq + count - 1]`, exactly a block handed out. `INVALID_RANGE`
   * when it leaves `MSI_IRQ_BASE ..= MSI_IRQ_MAX` or count is 0.
   *
   * @example
   * ```ts
   * mgr.freeMsiIrq(24, 3);
   * ```
   */
  freeMsiIrq(irq: number, count: number): void {
    checkFacade(this);
    const v = BigInt(u32(irq, "irq"));
    const n = BigInt(u32(count, "count"));
    const msi = this.manager.layout.msi.ranges;
    const lo = msi[0]?.min ?? 0n;
    const hi = msi[msi.length - 1]?.max ?? 0n;
    if (n === 0n || v < lo || v + n - 1n > hi) invalidRange("MSI IRQ", `[${v}, ${v + n - 1n}] is outside ${lo}..${hi}`);
    this.#free(this.#held("msi", v, v + n - 1n, "MSI block"));
  }

  /** `size` ports anywhere in 0..0xFFFF; the first port or `undefined`. @example `mgr.allocatePioAddressSimple(8)` */
  allocatePioAddressSimple(size: number): number | undefined {
    checkFacade(this);
    return this.allocatePioAddress(Constraint.new(size));
  }

  /**
   * Ports fitting `constraint` (min/max clipped to 0..0xFFFF); the first port
   * or `undefined`.
   *
   * @example
   * ```ts
   * mgr.allocatePioAddress(Constraint.new(0x1000).min(0x8000).max(0x9000).align(0x1000)); // 0x8000
   * ```
   */
  allocatePioAddress(constraint: Constraint): number | undefined {
    checkFacade(this);
    const req = this.#pioRequest(check(constraint));
    const res = req === undefined ? undefined : this.#one(this.#names.pio, req);
    return res === undefined ? undefined : (res as { base: number }).base;
  }

  /**
   * Frees ports `[base, base + size - 1]`, exactly a block handed out.
   * `INVALID_SIZE` for size 0, `INVALID_RANGE` past 0xFFFF.
   *
   * @example
   * ```ts
   * mgr.freePioAddress(0x8000, 0x1000);
   * ```
   */
  freePioAddress(base: number, size: number): void {
    checkFacade(this);
    const [b, last] = this.#span(base, size, "PIO Address");
    if (last > 0xffffn) invalidRange("PIO Address", `[0x${b.toString(16)}, 0x${last.toString(16)}] runs past 0xffff`);
    this.#free(this.#held("pio", b, last, "port range"));
  }

  /** `size` bytes of MMIO aligned to `align`; the base or `undefined`. @example `mgr.allocateMmioAddressAligned(0x4000, 0x4000)` */
  allocateMmioAddressAligned(size: U64Input, align: U64Input): bigint | undefined {
    checkFacade(this);
    return this.allocateMmioAddress(Constraint.new(size).align(align));
  }

  /**
   * MMIO fitting `constraint`, first fit over the whole pool (the low window,
   * then the high one); the base or `undefined`.
   *
   * @example
   * ```ts
   * mgr.allocateMmioAddress(Constraint.new(0x100_0000n).min(0xfe00_0000n)); // in the high window
   * ```
   */
  allocateMmioAddress(constraint: Constraint): bigint | undefined {
    checkFacade(this);
    const c = check(constraint);
    const owner = this.#names.mmio.fresh();
    for (const req of mmioRequests(c)) {
      const res = this.#extend(owner, req);
      if (res !== undefined) return (res as { base: bigint }).base;
    }
    return undefined;
  }

  /** Frees MMIO `[base, base + size - 1]`, exactly a block handed out. @example `mgr.freeMmioAddress(0xc000_0000n, 0x1000)` */
  freeMmioAddress(base: U64Input, size: U64Input): void {
    checkFacade(this);
    const [b, last] = this.#span(base, size, "MMIO Address");
    this.#free(this.#held("mmio", b, last, "MMIO range"));
  }

  /** Guest memory fitting `constraint`; the base or `undefined`. @example `mgr.allocateMemAddress(Constraint.new(0x1000).min(1n << 32n))` */
  allocateMemAddress(constraint: Constraint): bigint | undefined {
    checkFacade(this);
    const res = this.#one(this.#names.mem, memRequest(check(constraint)));
    return res === undefined ? undefined : (res as { base: bigint }).base;
  }

  /**
   * Frees guest memory `[base, base + size - 1]`, exactly a block handed out;
   * `INVALID_RANGE` outside `GUEST_MEM_START ..= GUEST_MEM_END`.
   *
   * @example
   * ```ts
   * mgr.freeMemAddress(1n << 32n, 0x1000);
   * ```
   */
  freeMemAddress(base: U64Input, size: U64Input): void {
    checkFacade(this);
    const [b, last] = this.#span(base, size, "MEM Address");
    const mem = this.manager.layout.mem.ranges;
    const lo = mem[0]?.min;
    const hi = mem[mem.length - 1]?.max;
    if (lo === undefined || hi === undefined || b < lo || last > hi)
      invalidRange("MEM Address", `[0x${b.toString(16)}, 0x${last.toString(16)}] is outside guest memory`);
    this.#free(this.#held("mem", b, last, "memory range"));
  }

  /**
   * `size` contiguous KVM memory slots, from `fixed` or the lowest free;
   * the first slot or `undefined`.
   *
   * @example
   * ```ts
   * mgr.allocateKvmMemSlot(1, undefined); // 0
   * ```
   */
  allocateKvmMemSlot(size: number, fixed?: number): number | undefined {
    checkFacade(this);
    const res = this.#one(this.#names.slot, slotRequest(size, fixed));
    return res === undefined ? undefined : (res as { base: number }).base;
  }

  /** Frees the block of memory slots that starts at `slot`. @example `mgr.freeKvmMemSlot(0)` */
  freeKvmMemSlot(slot: number): void {
    checkFacade(this);
    this.#free(this.#heldFrom("memSlot", BigInt(u32(slot, "slot")), "memory slot"));
  }

  /**
   * Every resource `requests` asks for, all or none, as one owner
   * `dragonball:device#<n>`; a legacy IRQ is the shared IRQ when `sharedIrq`.
   * Throws `NO_FIT` (upstream `NoAvailResource`) with everything given back.
   *
   * @example
   * ```ts
   * const res = mgr.allocateDeviceResources([ResourceConstraint.newPio(8)], false);
   * ```
   */
  allocateDeviceResources(requests: readonly ResourceConstraint[], sharedIrq: boolean): DeviceResources {
    checkFacade(this);
    // Read the list and each request once, into a checked constraint, then into the manager requests it may become.
    const list = readArray(requests, { what: "requests", code: "INVALID_ARGUMENT" });
    const share = bool(sharedIrq, "sharedIrq");
    const n = list.length;
    const checked: ResourceConstraint[] = new Array<ResourceConstraint>(n);
    for (let i = 0; i < n; i++) checked[i] = readConstraint(list[i]);
    const options: (readonly ResourceRequest[])[] = new Array<readonly ResourceRequest[]>(n);
    for (let i = 0; i < n; i++) {
      const rc = checked[i] as ResourceConstraint;
      const o = rc.kind === "LegacyIrq" && share ? SHARED_IRQ_REQUEST : this.#options(rc);
      if (o.length === 0) throw noFit(i, rc);
      options[i] = o;
    }
    // One manager call for the device; a request that does not fit its first option (MMIO: the low window) is retried with the next.
    const choice = new Array<number>(n).fill(0);
    const batch: ResourceRequest[] = new Array<ResourceRequest>(n);
    for (let i = 0; i < n; i++) batch[i] = (options[i] as readonly ResourceRequest[])[0] as ResourceRequest;
    const owner = this.#names.device.fresh();
    let got: ManagerResource[];
    for (;;) {
      try {
        got = this.manager.allocateDevice(owner, batch);
        break;
      } catch (e) {
        const i = isAllocError(e) && NONE_CODES.has(e.code) ? e.details["request"] : undefined;
        if (typeof i !== "number") throw e;
        const o = options[i] as readonly ResourceRequest[];
        const next = (choice[i] as number) + 1;
        if (next >= o.length) throw noFit(i, checked[i] as ResourceConstraint);
        choice[i] = next;
        batch[i] = o[next] as ResourceRequest;
      }
    }
    const out = new DeviceResources();
    for (let i = 0; i < n; i++) out.append(resourceFor(checked[i] as ResourceConstraint, got[i] as ManagerResource));
    setOwnerOfList(out, owner);
    return out;
  }

  /** The manager requests `rc` may become, in the order to try them (none: it cannot fit); frozen and remembered per helper-made constraint, so the manager knows them by identity. */
  #options(rc: ResourceConstraint): readonly ResourceRequest[] {
    const known = this.#optionsOf.get(rc);
    if (known !== undefined) return known;
    let o: ResourceRequest[];
    switch (rc.kind) {
      case "PioAddress": {
        const req = this.#pioRequest(rangeConstraint(rc.size, rc.range, rc.align));
        o = req === undefined ? [] : [req];
        break;
      }
      case "MmioAddress":
        o = mmioRequests(rangeConstraint(rc.size, rc.range, rc.align));
        break;
      case "MemAddress": {
        const req = memRequest(rangeConstraint(rc.size, rc.range, rc.align));
        o = req === undefined ? [] : [req];
        break;
      }
      case "LegacyIrq": {
        const req = this.#irqRequest(rc.irq);
        o = req === undefined ? [] : [req];
        break;
      }
      case "PciMsiIrq":
      case "PciMsixIrq":
      case "GenericIrq": {
        const kind = rc.kind === "PciMsiIrq" ? "pci-msi" : rc.kind === "PciMsixIrq" ? "pci-msix" : "generic-msi";
        o = rc.size > MSI_BLOCK_MAX ? [] : [{ kind, count: rc.size }];
        break;
      }
      default:
        // KvmMemSlot: the last kind; readConstraint let no other through.
        o = [slotRequest(rc.size, rc.slot)];
    }
    const frozen = Object.freeze(o.map((r) => Object.freeze(r)));
    this.#optionsOf.set(rc, frozen);
    return frozen;
  }

  /**
   * Frees every resource of `resources` (MAC addresses and the shared IRQ
   * need nothing), all or none: each is checked before anything is freed.
   *
   * @example
   * ```ts
   * mgr.freeDeviceResources(res);
   * ```
   */
  freeDeviceResources(resources: DeviceResources): void {
    checkFacade(this);
    if (!isDeviceResources(resources)) throw new AllocError("INVALID_ARGUMENT", "freeDeviceResources takes a DeviceResources", { argument: "resources" });
    const plan: Held[] = [];
    const seen = new Set<ManagerResource>();
    const listOwner = ownerOfList(resources);
    // The list owner's resources and their places, looked up once; anything else is found by address.
    const own = listOwner === undefined ? [] : this.manager.resourcesOf(listOwner);
    const places = own.map(placeOfOwn);
    for (const entry of resources) {
      const r = { ...entry } as Resource; // read once
      const held = this.#heldFor(r, { owner: listOwner, own, places, seen });
      if (held === undefined) continue;
      if (seen.has(held.resource)) throw new AllocError("INVALID_ARGUMENT", `resources lists ${r.kind} twice`, { argument: "resources" });
      seen.add(held.resource);
      plan.push(held);
    }
    // The whole device at once when the list is everything its owner holds (the usual unplug).
    let whole = plan.length > 0 && plan.length === own.length;
    for (let i = 0; whole && i < plan.length; i++) whole = (plan[i] as Held).owner === listOwner;
    if (whole) this.manager.freeDevice(listOwner as string);
    else for (const h of plan) this.#free(h);
  }

  #heldFor(r: Resource, list: ListLookup): Held | undefined {
    switch (r.kind) {
      case "PioAddressRange":
        return this.#heldIn(list, "pio", BigInt(r.base), BigInt(r.base) + BigInt(r.size) - 1n, "port range");
      case "MmioAddressRange":
        return this.#heldIn(list, "mmio", r.base, r.base + r.size - 1n, "MMIO range");
      case "MemAddressRange":
        return this.#heldIn(list, "mem", r.base, r.base + r.size - 1n, "memory range");
      case "LegacyIrq": {
        if (r.irq !== this.sharedIrq) return this.#heldIn(list, "legacyIrq", BigInt(r.irq), BigInt(r.irq), "legacy IRQ");
        // One of the list owner's shared-IRQ resources not yet planned (a device may list the shared IRQ more than once).
        for (const x of list.own) if (x.kind === "legacy-irq" && x.shared && !list.seen.has(x)) return { owner: list.owner as string, resource: x };
        return undefined;
      }
      case "MsiIrq":
        return this.#heldIn(list, "msi", BigInt(r.base), BigInt(r.base) + BigInt(r.size) - 1n, "MSI block");
      case "KvmMemSlot":
        return ownedAt(list, "memSlot", BigInt(r.slot), undefined) ?? this.#heldFrom("memSlot", BigInt(r.slot), "memory slot");
      default:
        return undefined;
    }
  }

  /** The list owner's unplanned resource at exactly `[min, max]`, else the facade allocation there. */
  #heldIn(list: ListLookup, pool: PoolName, min: bigint, max: bigint, what: string): Held {
    return ownedAt(list, pool, min, max) ?? this.#held(pool, min, max, what);
  }

  /** A legacy IRQ request inside upstream's pool `IRQ_BASE + 1 ..= IRQ_MAX`; an impossible one when `fixed` is outside it. */
  #irqRequest(fixed: number | undefined): ResourceRequest | undefined {
    if (fixed === undefined) return { kind: "legacy-irq" };
    const v = u32(fixed, "irq");
    return v <= this.sharedIrq || v > this.#irqMax ? undefined : { kind: "legacy-irq", irq: v };
  }

  #pioRequest(c: Constraint): ResourceRequest | undefined {
    const size = c.size();
    const min = c.min();
    const max = c.max() < 0xffffn ? c.max() : 0xffffn;
    const align = c.align();
    if (size === 0n) throw new AllocError("INVALID_SIZE", "a port range needs a size of at least 1", { argument: "size" });
    if (size > 0x10000n || min > max || align > 0x10000n) return undefined;
    return { kind: "pio", size: Number(size), align: Number(align), range: { min, max } };
  }

  /** One request as a fresh owner of `names`; undefined when nothing fits. */
  #one(names: OwnerNames, req: ResourceRequest | undefined): ManagerResource | undefined {
    return req === undefined ? undefined : this.#extend(names.fresh(), req);
  }

  /** Adds one resource to `owner`; undefined when nothing fits (the manager is unchanged then). */
  #extend(owner: string, req: ResourceRequest | undefined): ManagerResource | undefined {
    if (req === undefined) return undefined;
    try {
      return this.manager.extendDevice(owner, [req])[0];
    } catch (e) {
      if (isAllocError(e) && NONE_CODES.has(e.code)) return undefined;
      throw e;
    }
  }

  #span(base: U64Input, size: U64Input, what: string): [bigint, bigint] {
    const b = u64(base, "base");
    const s = u64(size, "size");
    if (s === 0n) throw new AllocError("INVALID_SIZE", `${what}: size must be at least 1`, { argument: "size" });
    if (b + s - 1n > 0xffff_ffff_ffff_ffffn) invalidRange(what, "base + size runs past 2^64-1");
    return [b, b + s - 1n];
  }

  #held(pool: PoolName, min: bigint, max: bigint, what: string): Held {
    return heldAt(this.manager, this.#family, pool, min, max, what);
  }

  /** The facade allocation that starts at `min`, whatever its size. */
  #heldFrom(pool: PoolName, min: bigint, what: string): Held {
    const rec = this.manager.ownerOf(pool, min);
    const start =
      rec?.kind === "owner" ? this.manager.resourcesOf(rec.owner).find((r) => placeOfOwn(r)?.pool === pool && placeOfOwn(r)?.range.min === min) : undefined;
    const max = start === undefined ? min : (placeOfOwn(start)?.range.max ?? min);
    return this.#held(pool, min, max, what);
  }

  #free(h: Held): void {
    this.manager.freeResource(h.owner, h.resource);
  }

  static {
    checkFacade = (self) => {
      if (typeof self !== "object" || self === null || !(#names in self)) refuseThis("a DragonballResourceManager", self);
    };
  }
}

/** What `freeDeviceResources` knows of the list's owner: its resources, their places, and those already planned. */
interface ListLookup {
  readonly owner: string | undefined;
  readonly own: readonly ManagerResource[];
  readonly places: readonly ({ pool: PoolName; range: { readonly min: bigint; readonly max: bigint } } | undefined)[];
  readonly seen: ReadonlySet<ManagerResource>;
}

/** The list owner's resource not yet planned that starts at `min` of `pool` (and ends at `max` when given). */
function ownedAt(list: ListLookup, pool: PoolName, min: bigint, max: bigint | undefined): Held | undefined {
  const { own, places } = list;
  for (let i = 0; i < own.length; i++) {
    const p = places[i];
    const res = own[i] as ManagerResource;
    if (p !== undefined && p.pool === pool && p.range.min === min && (max === undefined || p.range.max === max) && !list.seen.has(res))
      return { owner: list.owner as string, resource: res };
  }
  return undefined;
}

const SHARED_IRQ_REQUEST: readonly ResourceRequest[] = Object.freeze([Object.freeze({ kind: "legacy-irq", shared: true } as const)]);

function noFit(i: number, rc: ResourceConstraint): AllocError {
  return new AllocError("NO_FIT", `no resource available for request ${i} (${rc.kind})`, { request: i });
}

/** The upstream resource for a device request `rc` given `got` by the manager. */
function resourceFor(rc: ResourceConstraint, got: ManagerResource): Resource {
  switch (rc.kind) {
    case "PioAddress":
      return Resource.PioAddressRange((got as { base: number }).base, rc.size);
    case "MmioAddress":
      return Resource.MmioAddressRange((got as { base: bigint }).base, rc.size);
    case "MemAddress":
      return Resource.MemAddressRange((got as { base: bigint }).base, rc.size);
    case "LegacyIrq":
      return Resource.LegacyIrq((got as { irq: number }).irq);
    case "PciMsiIrq":
      return Resource.MsiIrq(MsiIrqType.PciMsi, (got as { base: number }).base, rc.size);
    case "PciMsixIrq":
      return Resource.MsiIrq(MsiIrqType.PciMsix, (got as { base: number }).base, rc.size);
    case "GenericIrq":
      return Resource.MsiIrq(MsiIrqType.GenericMsi, (got as { base: number }).base, rc.size);
    default:
      return Resource.KvmMemSlot((got as { base: number }).base);
  }
}

function check(c: Constraint): Constraint {
  if (!isDbsConstraint(c)) throw new AllocError("INVALID_ARGUMENT", "expected a Constraint (Constraint.new(size)...)", { argument: "constraint" });
  return c;
}

function rangeConstraint(size: U64Input, range: readonly [U64Input, U64Input] | undefined, align: U64Input): Constraint {
  const c = Constraint.new(size).align(align);
  return range === undefined ? c : c.min(range[0]).max(range[1]);
}

/** An empty window (min above max) is "nothing fits", as in dbs-allocator. */
function mmioRequests(c: Constraint): ResourceRequest[] {
  if (c.min() > c.max()) return [];
  const base = { kind: "mmio", size: c.size(), align: c.align(), ...anyRange(c), is64bit: true } as const;
  return [
    { ...base, window: "low" },
    { ...base, window: "high" },
  ];
}

/** An MMIO request's `range`, left out when it is all of 0..2^64-1 (the window alone: the same request, with primitive fields only). */
function anyRange(c: Constraint): { readonly range?: { readonly min: bigint; readonly max: bigint } } {
  return c.min() === 0n && c.max() === U64_MAX ? {} : { range: { min: c.min(), max: c.max() } };
}

function memRequest(c: Constraint): ResourceRequest | undefined {
  if (c.min() > c.max()) return undefined;
  return { kind: "mem", size: c.size(), align: c.align(), range: { min: c.min(), max: c.max() } };
}

function slotRequest(size: number, fixed: number | undefined): ResourceRequest {
  const count = u32(size, "size");
  return fixed === undefined ? { kind: "mem-slot", count } : { kind: "mem-slot", count, slot: u32(fixed, "slot") };
}
