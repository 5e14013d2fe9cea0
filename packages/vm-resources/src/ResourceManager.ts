/**
 * `ResourceManager`: one pool per kind of VMM resource, devices as owners.
 *
 * Representation: seven pools (MMIO, guest memory, port I/O, legacy IRQ, MSI,
 * device id, memory slot) built from a {@link Layout}, plus a map from owner
 * name to the resources it holds, in request order. Every allocated range of
 * every pool is valued with its owner, so reverse lookups are a pool query.
 * Invariants (`checkInvariants`): each recorded resource exists in its pool
 * valued with its owner, and nothing else is allocated. `allocateDevice` is
 * all-or-nothing: on failure it frees what it took, in reverse order, and since
 * free space is always coalesced that restores the pools exactly.
 * Cost: O(k log n) for a device with k requests over pools of n ranges.
 */
import { AllocError, Constraint, Range, isAllocError } from "@alloc/constraint";
import type { Policy, U64Input } from "@alloc/constraint";
import type { DeviceId, GuestAddress, Irq, MemSlot, MmioAddress, MsiVector, PioPort } from "./brands.js";
import { POOL_NAMES } from "./Layout.js";
import type { Layout, PoolName } from "./Layout.js";
import { presetLayout } from "./presets.js";
import type { Arch, Flavor } from "./presets.js";
import { IdPool } from "./pools/IdPool.js";
import { IrqPool } from "./pools/IrqPool.js";
import { MemPool } from "./pools/MemPool.js";
import { MmioPool } from "./pools/MmioPool.js";
import { MsiPool, checkMsiCount } from "./pools/MsiPool.js";
import { PioPool } from "./pools/PioPool.js";
import type { OwnerRecord, PoolEntry, RangePool, ResourcePool, ResourcePoolStats } from "./pools/RangePool.js";
import { POOL_OF_KIND, checkRequest, describeRequest } from "./requests.js";
import type { ResourceRequest, Resource } from "./requests.js";
import { restoreSnapshot, writeSnapshot } from "./Snapshot.js";

/** The pool and range a resource occupies; `undefined` for the shared IRQ. */
export function placeOf(res: Resource): { pool: PoolName; range: Range } | undefined {
  switch (res.kind) {
    case "pio":
      return { pool: "pio", range: Range.withSize(res.base, res.size) };
    case "mmio":
      return { pool: "mmio", range: Range.withSize(res.base, res.size) };
    case "mem":
      return { pool: "mem", range: Range.withSize(res.base, res.size) };
    case "legacy-irq":
      return res.shared ? undefined : { pool: "legacyIrq", range: Range.point(res.irq) };
    case "mem-slot":
      return { pool: "memSlot", range: Range.withSize(res.base, res.count) };
    case "device-id":
      return { pool: "deviceId", range: Range.point(res.id) };
    default:
      return { pool: "msi", range: Range.withSize(res.base, res.count) };
  }
}

function checkOwner(owner: unknown): asserts owner is string {
  if (typeof owner !== "string" || owner.length === 0) {
    throw new AllocError("INVALID_ARGUMENT", `an owner must be a non-empty string; got ${typeof owner}`, { argument: "owner", value: owner });
  }
}

/**
 * What an owner holds: its resources in request order, the pool range each
 * occupies as the pool handed it out (`undefined` for the shared IRQ), and the
 * record its pool ranges are valued with.
 * perf: freeing with the pool's own `Range` finds the tree node at once, and
 * one record per owner saves an object per allocation (bench "churn").
 */
interface Holding {
  readonly resources: Resource[];
  readonly ranges: (Range | undefined)[];
  readonly record: OwnerRecord;
}

/** Largest number of cached MMIO constraints per cache before it is emptied. */
const MMIO_CACHE_LIMIT = 64;

function sameResource(a: Resource, b: Resource): boolean {
  const pa = placeOf(a);
  const pb = placeOf(b);
  if (pa === undefined || pb === undefined) return a.kind === b.kind && pa === pb;
  return a.kind === b.kind && pa.pool === pb.pool && pa.range.equals(pb.range);
}

/**
 * A VMM resource manager.
 *
 * @example
 * ```ts
 * const rm = ResourceManager.fromPreset("x86_64");
 * const [bar, irq, msix] = rm.allocateDevice("virtio-net0", [
 *   pciBar({ size: 0x4000, is64bit: true }),
 *   { kind: "legacy-irq" },
 *   { kind: "pci-msix", count: 3 },
 * ]);
 * rm.ownerOfIrq(irq.irq);  // { kind: "owner", owner: "virtio-net0" }
 * rm.freeDevice("virtio-net0");
 * ```
 */
export class ResourceManager {
  /** The layout the pools were built from. */
  readonly layout: Layout;
  readonly mmio: MmioPool;
  readonly mem: MemPool;
  readonly pio: PioPool;
  readonly legacyIrq: IrqPool;
  readonly msi: MsiPool;
  readonly deviceId: IdPool;
  readonly memSlot: IdPool;
  readonly #owners = new Map<string, Holding>();
  /** The pool range of the resource {@link ResourceManager.#allocateOne} last returned (perf: no tuple per request). */
  #lastRange: Range | undefined = undefined;
  /** perf: prebuilt constraints for requests that only differ by size/count (bench "churn"). */
  #irqAny: Constraint | undefined = undefined;
  #idAny: Constraint | undefined = undefined;
  readonly #msiConstraints = new Map<number, Constraint>();
  readonly #mmioConstraints = { low: new Map<bigint, Constraint>(), lowAligned: new Map<bigint, Constraint>(), high: new Map<bigint, Constraint>(), highAligned: new Map<bigint, Constraint>() };

  constructor(layout: Layout) {
    this.layout = layout;
    this.mmio = new MmioPool(layout.mmio);
    this.mem = new MemPool(layout.mem);
    this.pio = new PioPool(layout.pio);
    this.legacyIrq = new IrqPool(layout.legacyIrq);
    this.msi = new MsiPool(layout.msi);
    this.deviceId = new IdPool("deviceId", layout.deviceId.ranges, layout.deviceId.reserved);
    this.memSlot = new IdPool("memSlot", layout.memSlot.ranges, layout.memSlot.reserved);
  }

  /**
   * A manager for an architecture preset.
   *
   * @example
   * ```ts
   * const rm = ResourceManager.fromPreset("aarch64", "firecracker");
   * ```
   */
  static fromPreset(arch: Arch, flavor: Flavor = "dragonball"): ResourceManager {
    return new ResourceManager(presetLayout(arch, flavor));
  }

  /**
   * Rebuilds a manager from {@link ResourceManager.snapshot} output; throws
   * only `AllocError` `INVALID_SNAPSHOT` with `details.path`.
   *
   * @example
   * ```ts
   * const copy = ResourceManager.restore(rm.snapshot());
   * ```
   */
  static restore(json: string): ResourceManager {
    return restoreSnapshot(json, (layout) => new ResourceManager(layout));
  }

  /**
   * Versioned canonical JSON of the whole state (see the README's format).
   *
   * @example
   * ```ts
   * const text = rm.snapshot(); // '{"format":"@alloc/vm-resources/snapshot","layout":…'
   * ```
   */
  snapshot(): string {
    return writeSnapshot(this);
  }

  /**
   * The pool called `name`.
   *
   * @example
   * ```ts
   * rm.pool("pio").stats().free;
   * ```
   */
  pool(name: PoolName): ResourcePool {
    switch (name) {
      case "mmio":
        return this.mmio;
      case "mem":
        return this.mem;
      case "pio":
        return this.pio;
      case "legacyIrq":
        return this.legacyIrq;
      case "msi":
        return this.msi;
      case "deviceId":
        return this.deviceId;
      case "memSlot":
        return this.memSlot;
      default:
        throw new AllocError("INVALID_ARGUMENT", `unknown pool ${JSON.stringify(name)}; expected one of ${POOL_NAMES.join(", ")}`, {
          argument: "pool",
          value: name,
        });
    }
  }

  /**
   * Gives a new device everything it asks for, in request order, or nothing:
   * on failure every pool is left exactly as it was and the `AllocError` has
   * `details.request` (the index) and a message naming the request and why.
   * Throws `DUPLICATE_OWNER` if `owner` already holds resources.
   *
   * @example
   * ```ts
   * const res = rm.allocateDevice("virtio-blk0", [{ kind: "mmio", size: 0x1000 }, { kind: "legacy-irq" }]);
   * ```
   */
  allocateDevice(owner: string, requests: readonly ResourceRequest[]): Resource[] {
    checkOwner(owner);
    if (this.#owners.has(owner)) {
      throw new AllocError("DUPLICATE_OWNER", `${owner} already holds resources; free it first or use extendDevice`, { owner });
    }
    return this.#allocateBatch(owner, requests);
  }

  /**
   * Like {@link ResourceManager.allocateDevice}, for an owner that may already
   * hold resources (e.g. a hot-added BAR); the new resources are appended.
   *
   * @example
   * ```ts
   * rm.extendDevice("virtio-blk0", [{ kind: "pci-msix", count: 2 }]);
   * ```
   */
  extendDevice(owner: string, requests: readonly ResourceRequest[]): Resource[] {
    checkOwner(owner);
    return this.#allocateBatch(owner, requests);
  }

  #allocateBatch(owner: string, requests: readonly ResourceRequest[]): Resource[] {
    if (!Array.isArray(requests)) {
      throw new AllocError("INVALID_ARGUMENT", "requests must be an array", { argument: "requests", value: requests, owner });
    }
    const n = requests.length;
    for (let i = 0; i < n; i++) {
      if (!(i in requests)) continue; // as forEach: holes are not checked here
      const req = requests[i] as ResourceRequest;
      try {
        checkRequest(req);
      } catch (e) {
        throw this.#wrap(e, owner, req, i);
      }
    }
    const holding = this.#owners.get(owner);
    const record: OwnerRecord = holding?.record ?? { kind: "owner", owner };
    const taken: Resource[] = [];
    const ranges: (Range | undefined)[] = [];
    for (let i = 0; i < n; i++) {
      const req = requests[i] as ResourceRequest;
      try {
        taken.push(this.#allocateOne(owner, record, req));
        ranges.push(this.#lastRange);
      } catch (e) {
        for (let j = taken.length - 1; j >= 0; j--) this.#release(owner, taken[j] as Resource, ranges[j]);
        throw this.#wrap(e, owner, req, i);
      }
    }
    if (taken.length === 0) return taken;
    if (holding === undefined) this.#owners.set(owner, { resources: taken.slice(), ranges, record });
    else {
      for (let j = 0; j < taken.length; j++) {
        holding.resources.push(taken[j] as Resource);
        holding.ranges.push(ranges[j]);
      }
    }
    return taken;
  }

  #wrap(e: unknown, owner: string, req: ResourceRequest, index: number): AllocError {
    if (!isAllocError(e)) return new AllocError("INVALID_REQUEST", `${owner}: request ${index} is malformed: ${String(e)}`, { owner, request: index }, { cause: e });
    const what = (() => {
      try {
        return describeRequest(req);
      } catch {
        return "request";
      }
    })();
    return new AllocError(e.code, `${owner}: request ${index} (${what}) failed: ${e.message}`, { ...e.details, owner, request: index }, { cause: e });
  }

  #window(pool: "pio" | "mem" | "legacyIrq" | "msi" | "deviceId", range: { min: U64Input; max: U64Input } | undefined): { min?: bigint; max?: bigint } {
    if (range !== undefined) return { min: BigInt(range.min), max: BigInt(range.max) };
    const w = this.layout[pool].window;
    return w === undefined ? {} : { min: w.min, max: w.max };
  }

  #noFit(pool: string, req: ResourceRequest): never {
    throw new AllocError("NO_FIT", `${pool}: nothing free fits`, { pool });
  }

  /** Takes a range of a tree pool fitting `c` for the owner's record. */
  #take(pool: RangePool, record: OwnerRecord, c: Constraint): Range | undefined {
    const range = pool.tree.allocate(c);
    if (range !== undefined) pool.tree.update(range, record);
    return range;
  }

  /** The constraint for an MMIO request in one window (cached when it names no range and no policy). */
  #mmioConstraint(win: Range, high: boolean, size: bigint, align: bigint, req: { readonly range?: { min: U64Input; max: U64Input } | undefined; readonly policy?: Policy | undefined }): Constraint | undefined {
    const plain = req.range === undefined && req.policy === undefined && (align === 1n || align === size);
    const caches = this.#mmioConstraints;
    const cache = plain ? (high ? (align === 1n ? caches.high : caches.highAligned) : align === 1n ? caches.low : caches.lowAligned) : undefined;
    const hit = cache?.get(size);
    if (hit !== undefined) return hit;
    const askMin = req.range === undefined ? undefined : BigInt(req.range.min);
    const askMax = req.range === undefined ? undefined : BigInt(req.range.max);
    const min = askMin !== undefined && askMin > win.min ? askMin : win.min;
    const max = askMax !== undefined && askMax < win.max ? askMax : win.max;
    if (min > max) return undefined;
    const c = req.policy === undefined ? new Constraint({ size, min, max, align }) : new Constraint({ size, min, max, align, policy: req.policy });
    if (cache !== undefined) {
      if (cache.size >= MMIO_CACHE_LIMIT) cache.clear();
      cache.set(size, c);
    }
    return c;
  }

  /**
   * One request for `owner` (valued with `record`); the pool range taken is
   * left in `#lastRange`.
   */
  #allocateOne(owner: string, record: OwnerRecord, req: ResourceRequest): Resource {
    switch (req.kind) {
      case "pio": {
        let range: Range;
        if (req.base !== undefined) range = this.pio.allocateExact(owner, Range.withSize(req.base, req.size));
        else {
          const w = req.range !== undefined ? req.range : this.layout.pio.window;
          const c =
            w === undefined
              ? req.align === undefined
                ? new Constraint({ size: req.size })
                : new Constraint({ size: req.size, align: req.align })
              : req.align === undefined
                ? new Constraint({ size: req.size, min: BigInt(w.min), max: BigInt(w.max) })
                : new Constraint({ size: req.size, align: req.align, min: BigInt(w.min), max: BigInt(w.max) });
          range = this.#take(this.pio, record, c) ?? this.#noFit("pio", req);
        }
        this.#lastRange = range;
        return { kind: "pio", base: range.minNumber as PioPort, size: req.size };
      }
      case "mmio": {
        const size = typeof req.size === "bigint" ? req.size : BigInt(req.size);
        let align = 1n;
        if (req.align !== undefined) {
          align = typeof req.align === "bigint" ? req.align : BigInt(req.align);
          if (align === 0n) align = 1n;
        }
        const prefetchable = req.prefetchable ?? false;
        const is64bit = req.is64bit ?? false;
        if (req.base !== undefined) {
          const base = BigInt(req.base);
          if (base % align !== 0n) throw new AllocError("INVALID_ALIGNMENT", `base 0x${base.toString(16)} is not aligned to 0x${align.toString(16)}`, { argument: "base" });
          this.#lastRange = this.mmio.allocateExact(owner, Range.withSize(base, size));
          return { kind: "mmio", base: base as MmioAddress, size, window: this.mmio.windowOf(base) ?? "low", prefetchable, is64bit, align };
        }
        // As MmioPool.tryAllocateIn: "high" tries the high window, "any" high then low, otherwise low.
        const wanted = req.window ?? "low";
        let range: Range | undefined;
        let window: "low" | "high" = "low";
        const high = this.mmio.high;
        if ((wanted === "high" || wanted === "any") && high !== undefined) {
          const c = this.#mmioConstraint(high, true, size, align, req);
          if (c !== undefined) {
            range = this.#take(this.mmio, record, c);
            window = "high";
          }
        }
        if (range === undefined && wanted !== "high") {
          const c = this.#mmioConstraint(this.mmio.low, false, size, align, req);
          if (c !== undefined) {
            range = this.#take(this.mmio, record, c);
            window = "low";
          }
        }
        if (range === undefined) throw new AllocError("NO_FIT", `mmio: no free block of 0x${size.toString(16)} bytes aligned to 0x${align.toString(16)} in the ${req.window ?? "low"} window`, { pool: "mmio" });
        this.#lastRange = range;
        return { kind: "mmio", base: range.min as MmioAddress, size, window, prefetchable, is64bit, align };
      }
      case "mem": {
        const size = typeof req.size === "bigint" ? req.size : BigInt(req.size);
        let align = 1n;
        if (req.align !== undefined) {
          align = typeof req.align === "bigint" ? req.align : BigInt(req.align);
          if (align === 0n) align = 1n;
        }
        let range: Range;
        if (req.base !== undefined) {
          const base = BigInt(req.base);
          if (base % align !== 0n) throw new AllocError("INVALID_ALIGNMENT", `base 0x${base.toString(16)} is not aligned to 0x${align.toString(16)}`, { argument: "base" });
          range = this.mem.allocateExact(owner, Range.withSize(base, size));
        } else {
          range =
            this.#take(this.mem, record, new Constraint({ size, align, ...this.#window("mem", req.range), ...(req.policy === undefined ? {} : { policy: req.policy }) })) ??
            this.#noFit("mem", req);
        }
        this.#lastRange = range;
        return { kind: "mem", base: range.min as GuestAddress, size, align };
      }
      case "legacy-irq": {
        if (req.shared === true) {
          const shared = this.legacyIrq.shared;
          if (shared === undefined) throw new AllocError("INVALID_REQUEST", `layout ${this.layout.name} has no shared IRQ`, { argument: "shared" });
          if (req.irq !== undefined && req.irq !== shared) {
            throw new AllocError("INVALID_REQUEST", `a shared legacy IRQ is always ${shared}; got irq ${req.irq}`, { argument: "irq", value: req.irq });
          }
          this.#lastRange = undefined;
          return { kind: "legacy-irq", irq: shared, shared: true };
        }
        if (req.irq !== undefined && req.irq === this.legacyIrq.shared) {
          throw new AllocError("CONFLICT", `IRQ ${req.irq} is the shared IRQ; ask for it with shared: true`, { conflictOwner: "<shared IRQ>", pool: "legacyIrq" });
        }
        let range: Range;
        if (req.irq !== undefined) range = this.legacyIrq.allocateExact(owner, Range.point(req.irq));
        else {
          this.#irqAny ??= new Constraint({ size: 1, ...this.#window("legacyIrq", undefined) });
          range = this.#take(this.legacyIrq, record, this.#irqAny) ?? this.#noFit("legacyIrq", req);
        }
        this.#lastRange = range;
        return { kind: "legacy-irq", irq: range.minNumber as Irq, shared: false };
      }
      case "mem-slot": {
        const count = req.count ?? 1;
        const range =
          req.slot !== undefined
            ? this.memSlot.allocateExact(owner, Range.withSize(req.slot, count))
            : (this.memSlot.tryAllocate(owner, { size: count }) ?? this.#noFit("memSlot", req));
        this.#lastRange = range;
        return { kind: "mem-slot", base: range.minNumber as MemSlot, count };
      }
      case "device-id": {
        let range: Range;
        if (req.id !== undefined) range = this.deviceId.allocateExact(owner, Range.point(req.id));
        else {
          this.#idAny ??= new Constraint({ size: 1, ...this.#window("deviceId", undefined) });
          range = this.deviceId.tryAllocate(owner, this.#idAny) ?? this.#noFit("deviceId", req);
        }
        this.#lastRange = range;
        return { kind: "device-id", id: range.minNumber as DeviceId };
      }
      default: {
        // As MsiPool.tryAllocateVectors, with the constraint built once per kind and count.
        checkMsiCount(req.kind, req.count);
        const key = req.kind === "pci-msi" ? -req.count : req.count;
        let c = this.#msiConstraints.get(key);
        if (c === undefined) {
          const w = this.layout.msi.window;
          c = new Constraint({ size: req.count, ...(req.kind === "pci-msi" ? { align: req.count } : {}), ...(w === undefined ? {} : { min: w.min, max: w.max }) });
          this.#msiConstraints.set(key, c);
        }
        const range = this.#take(this.msi, record, c) ?? this.#noFit("msi", req);
        this.#lastRange = range;
        return { kind: req.kind, base: range.minNumber as MsiVector, count: req.count };
      }
    }
  }

  /** Gives back one resource at `range` (the pool's own range for it; `undefined` for the shared IRQ). */
  #release(owner: string, res: Resource, range: Range | undefined): void {
    if (range !== undefined) this.pool(POOL_OF_KIND[res.kind]).free(owner, range);
  }

  /**
   * Gives back everything `owner` holds and returns it; `UNKNOWN_OWNER` if it holds nothing.
   *
   * @example
   * ```ts
   * rm.freeDevice("virtio-blk0");
   * ```
   */
  freeDevice(owner: string): Resource[] {
    const holding = this.#owners.get(owner);
    if (holding === undefined) throw new AllocError("UNKNOWN_OWNER", `${String(owner)} holds no resources`, { owner: String(owner) });
    const held = holding.resources;
    const ranges = holding.ranges;
    for (let j = held.length - 1; j >= 0; j--) this.#release(owner, held[j] as Resource, ranges[j]);
    this.#owners.delete(owner);
    return held;
  }

  /**
   * Gives back one resource of `owner`; `UNKNOWN_OWNER` if the owner does not hold it.
   *
   * @example
   * ```ts
   * rm.freeResource("nvme0", res[2]);
   * ```
   */
  freeResource(owner: string, resource: Resource): void {
    const holding = this.#owners.get(owner);
    const held = holding?.resources;
    const i = held === undefined ? -1 : held.findIndex((r) => sameResource(r, resource));
    if (holding === undefined || held === undefined || i < 0) {
      throw new AllocError("UNKNOWN_OWNER", `${String(owner)} does not hold ${resource.kind} ${describeResource(resource)}`, { owner: String(owner) });
    }
    this.#release(owner, held[i] as Resource, holding.ranges[i]);
    held.splice(i, 1);
    holding.ranges.splice(i, 1);
    if (held.length === 0) this.#owners.delete(owner);
  }

  /**
   * Moves one resource of `owner` to a new base (address, port, IRQ, first
   * vector, slot or id), atomically: the new place is taken first, then the old
   * one released, so the device never holds nothing. A failure changes nothing
   * (`CONFLICT` names the holder of the new place — the owner itself when the
   * two places overlap). Returns the moved resource.
   *
   * @example
   * ```ts
   * const [bar] = rm.allocateDevice("gpu", [pciBar({ size: 0x10000 })]);
   * rm.move("gpu", bar, 0xe000_0000n); // a BAR relocation
   * ```
   */
  move(owner: string, resource: Resource, to: U64Input): Resource {
    const holding = this.#owners.get(owner);
    const held = holding?.resources;
    const i = held === undefined ? -1 : held.findIndex((r) => sameResource(r, resource));
    if (holding === undefined || held === undefined || i < 0) {
      throw new AllocError("UNKNOWN_OWNER", `${String(owner)} does not hold ${resource.kind} ${describeResource(resource)}`, { owner: String(owner) });
    }
    const old = held[i] as Resource;
    const place = placeOf(old);
    if (place === undefined) throw new AllocError("INVALID_REQUEST", "the shared IRQ cannot be moved", { owner });
    const base = BigInt(to);
    const moved = rebase(old, base);
    const align = old.kind === "mmio" || old.kind === "mem" ? old.align : old.kind === "pci-msi" ? BigInt(old.count) : 1n;
    if (base % align !== 0n) {
      throw new AllocError("INVALID_ALIGNMENT", `${owner}: new base 0x${base.toString(16)} is not aligned to 0x${align.toString(16)}`, { owner, argument: "to" });
    }
    const target = placeOf(moved) as { pool: PoolName; range: Range };
    if (old.kind === "legacy-irq" && base === BigInt(this.legacyIrq.shared ?? -1)) {
      throw new AllocError("CONFLICT", `IRQ ${base} is the shared IRQ`, { owner, conflictOwner: "<shared IRQ>", pool: "legacyIrq" });
    }
    const pool = this.pool(place.pool);
    const taken = pool.allocateExact(owner, target.range);
    pool.free(owner, holding.ranges[i] ?? place.range);
    const fixed = moved.kind === "mmio" ? { ...moved, window: this.mmio.windowOf(base) ?? moved.window } : moved;
    held[i] = fixed;
    holding.ranges[i] = taken;
    return fixed;
  }

  /**
   * Reserves a free range of a pool (a platform hole, a fixed legacy device);
   * it can never be freed and dumps label it.
   *
   * @example
   * ```ts
   * rm.reserve("pio", { min: 0x70, max: 0x71 }, "CMOS RTC");
   * ```
   */
  reserve(pool: PoolName, range: { min: U64Input; max: U64Input } | Range, label: string): void {
    if (typeof label !== "string" || label.length === 0) throw new AllocError("INVALID_ARGUMENT", "a reservation needs a non-empty label", { argument: "label" });
    this.pool(pool).reserve(range, label);
  }

  /**
   * The resources `owner` holds, in request order (empty if none).
   *
   * @example
   * ```ts
   * rm.resourcesOf("virtio-net0").map((r) => r.kind); // ["mmio", "legacy-irq", "pci-msix"]
   * ```
   */
  resourcesOf(owner: string): readonly Resource[] {
    return this.#owners.get(owner)?.resources.slice() ?? [];
  }

  /**
   * Every owner holding resources, sorted by name (the same before and after a snapshot round trip).
   *
   * @example
   * ```ts
   * rm.owners(); // ["serial0", "virtio-net0"]
   * ```
   */
  owners(): string[] {
    return [...this.#owners.keys()].sort();
  }

  /**
   * Who holds `value` in pool `pool`: an owner, a reservation, or `undefined`.
   *
   * @example
   * ```ts
   * rm.ownerOf("mmio", 0xfee00000n); // { kind: "reserved", label: "LAPIC/IOAPIC/HPET (64 MiB below 4 GiB)" }
   * ```
   */
  ownerOf(pool: PoolName, value: U64Input): OwnerRecord | undefined {
    return this.pool(pool).ownerAt(value);
  }

  /** Who holds an MMIO address. @example `rm.ownerOfMmio(mmioAddress(0xc0000000n))` */
  ownerOfMmio(address: MmioAddress): OwnerRecord | undefined {
    return this.mmio.ownerAt(address);
  }

  /** Who holds a guest RAM address. @example `rm.ownerOfGuestAddress(guestAddress(0x1000))` */
  ownerOfGuestAddress(address: GuestAddress): OwnerRecord | undefined {
    return this.mem.ownerAt(address);
  }

  /** Who holds a port. @example `rm.ownerOfPort(pioPort(0x3f8))` */
  ownerOfPort(port: PioPort): OwnerRecord | undefined {
    return this.pio.ownerAt(port);
  }

  /** Who holds a legacy IRQ (the shared IRQ: see {@link ResourceManager.sharersOfIrq}). @example `rm.ownerOfIrq(irq(6))` */
  ownerOfIrq(line: Irq): OwnerRecord | undefined {
    return this.legacyIrq.ownerAt(line);
  }

  /** Who holds an MSI vector. @example `rm.ownerOfVector(msiVector(24))` */
  ownerOfVector(vector: MsiVector): OwnerRecord | undefined {
    return this.msi.ownerAt(vector);
  }

  /** Who holds a device id. @example `rm.ownerOfDeviceId(deviceId(1))` */
  ownerOfDeviceId(id: DeviceId): OwnerRecord | undefined {
    return this.deviceId.ownerAt(id);
  }

  /** Who holds a memory slot. @example `rm.ownerOfMemSlot(memSlot(0))` */
  ownerOfMemSlot(slot: MemSlot): OwnerRecord | undefined {
    return this.memSlot.ownerAt(slot);
  }

  /**
   * The owners using the shared IRQ, sorted by name.
   *
   * @example
   * ```ts
   * rm.sharersOfIrq(); // ["virtio-console0"]
   * ```
   */
  sharersOfIrq(): string[] {
    const out: string[] = [];
    for (const [owner, { resources }] of this.#owners) if (resources.some((r) => r.kind === "legacy-irq" && r.shared)) out.push(owner);
    return out.sort();
  }

  /**
   * Every range of a pool in address order (free, allocated, reserved).
   *
   * @example
   * ```ts
   * [...rm.entries("legacyIrq")].filter((e) => e.state === "allocated");
   * ```
   */
  entries(pool: PoolName): IterableIterator<PoolEntry> {
    return this.pool(pool).entries();
  }

  /**
   * Figures for every pool: total, used, reserved, free, largest free block, fragments.
   *
   * @example
   * ```ts
   * rm.stats().mmio.largestFree;
   * ```
   */
  stats(): Record<PoolName, ResourcePoolStats> {
    const out = {} as Record<PoolName, ResourcePoolStats>;
    for (const name of POOL_NAMES) out[name] = this.pool(name).stats();
    return out;
  }

  /**
   * A `/proc/iomem`-like listing: each pool, then its taken ranges in address
   * order (`min-max : owner`, reserved ranges as `reserved: label`); with
   * `{ free: true }` free ranges too. The shared IRQ is listed with its users.
   *
   * @example
   * ```ts
   * console.log(rm.dump());
   * // mmio
   * //   00000000c0000000-00000000c0000fff : virtio-blk0
   * //   00000000fc000000-00000000ffffffff : reserved: LAPIC/IOAPIC/HPET (64 MiB below 4 GiB)
   * ```
   */
  dump(options: { free?: boolean } = {}): string {
    const lines: string[] = [];
    for (const name of POOL_NAMES) {
      lines.push(name);
      const width = name === "mmio" || name === "mem" ? 16 : name === "pio" ? 4 : 0;
      const fmt = (v: bigint): string => (width === 0 ? v.toString() : v.toString(16).padStart(width, "0"));
      const shared = name === "legacyIrq" ? this.legacyIrq.shared : undefined;
      let sharedDone = shared === undefined;
      const sharedLine = (): void => {
        const users = this.sharersOfIrq();
        lines.push(`  ${String(shared)} : shared${users.length > 0 ? `: ${users.join(", ")}` : ""}`);
        sharedDone = true;
      };
      for (const e of this.pool(name).entries()) {
        if (!sharedDone && shared !== undefined && BigInt(shared) < e.range.min) sharedLine();
        if (e.state === "free" && options.free !== true) continue;
        const what = e.state === "allocated" ? e.owner : e.state === "reserved" ? `reserved: ${e.label}` : "free";
        const span = e.range.min === e.range.max && width === 0 ? fmt(e.range.min) : `${fmt(e.range.min)}-${fmt(e.range.max)}`;
        lines.push(`  ${span} : ${what}`);
      }
      if (!sharedDone) sharedLine();
    }
    return `${lines.join("\n")}\n`;
  }

  /**
   * Throws an `Error` naming the first broken invariant of a pool or of the
   * owner records. For tests.
   *
   * @example
   * ```ts
   * rm.checkInvariants();
   * ```
   */
  checkInvariants(): void {
    let recorded = 0;
    for (const name of POOL_NAMES) this.pool(name).checkInvariants();
    for (const [owner, { resources: held, ranges, record }] of this.#owners) {
      if (held.length === 0) throw new Error(`owner ${owner} is recorded with no resources`);
      if (ranges.length !== held.length) throw new Error(`owner ${owner}: ${held.length} resources but ${ranges.length} ranges recorded`);
      if (record.kind !== "owner" || record.owner !== owner) throw new Error(`owner ${owner}: bad owner record`);
      for (let k = 0; k < held.length; k++) {
        const res = held[k] as Resource;
        const place = placeOf(res);
        const kept = ranges[k];
        if (place === undefined) {
          if (res.kind !== "legacy-irq" || res.irq !== this.legacyIrq.shared) throw new Error(`owner ${owner}: bad shared resource`);
          if (kept !== undefined) throw new Error(`owner ${owner}: the shared IRQ has a range recorded`);
          continue;
        }
        if (kept === undefined || !kept.equals(place.range)) throw new Error(`owner ${owner}: ${res.kind} ${place.range} is recorded with range ${String(kept)}`);
        recorded++;
        const e = this.pool(place.pool).entryAt(place.range.min);
        if (e === undefined || e.state !== "allocated" || e.owner !== owner || !e.range.equals(place.range)) {
          throw new Error(`owner ${owner}: ${res.kind} ${place.range} is not allocated to it in ${place.pool}`);
        }
      }
    }
    let allocated = 0;
    for (const name of POOL_NAMES) for (const e of this.pool(name).entries()) if (e.state === "allocated") allocated++;
    if (allocated !== recorded) throw new Error(`pools hold ${allocated} allocated ranges but owners record ${recorded}`);
  }

  /** @internal Snapshot restore: record a resource already placed in its pool. */
  _record(owner: string, res: Resource, range?: Range): void {
    const held = this.#owners.get(owner);
    const r = range ?? placeOf(res)?.range;
    if (held === undefined) this.#owners.set(owner, { resources: [res], ranges: [r], record: { kind: "owner", owner } });
    else {
      held.resources.push(res);
      held.ranges.push(r);
    }
  }

  /** @internal Snapshot writing: owners and their resources in insertion order. */
  *_ownerEntries(): IterableIterator<[string, readonly Resource[]]> {
    for (const [owner, holding] of this.#owners) yield [owner, holding.resources];
  }
}

function rebase(res: Resource, base: bigint): Resource {
  switch (res.kind) {
    case "pio":
      return { ...res, base: Number(base) as PioPort };
    case "mmio":
      return { ...res, base: base as MmioAddress };
    case "mem":
      return { ...res, base: base as GuestAddress };
    case "legacy-irq":
      return { ...res, irq: Number(base) as Irq };
    case "mem-slot":
      return { ...res, base: Number(base) as MemSlot };
    case "device-id":
      return { ...res, id: Number(base) as DeviceId };
    default:
      return { ...res, base: Number(base) as MsiVector };
  }
}

/**
 * Short text for a resource, e.g. `mmio [0xc0000000, 0xc0000fff] low`.
 *
 * @example
 * ```ts
 * describeResource({ kind: "legacy-irq", irq: irq(6), shared: false }); // "irq 6"
 * ```
 */
export function describeResource(res: Resource): string {
  const hex = (v: bigint | number): string => `0x${v.toString(16)}`;
  switch (res.kind) {
    case "pio":
      return `ports ${hex(res.base)}-${hex(res.base + res.size - 1)}`;
    case "mmio":
      return `${hex(res.base)}-${hex(res.base + res.size - 1n)} (${res.window}${res.is64bit ? ", 64-bit" : ""}${res.prefetchable ? ", prefetchable" : ""})`;
    case "mem":
      return `${hex(res.base)}-${hex(res.base + res.size - 1n)}`;
    case "legacy-irq":
      return `irq ${res.irq}${res.shared ? " (shared)" : ""}`;
    case "mem-slot":
      return res.count === 1 ? `slot ${res.base}` : `slots ${res.base}-${res.base + res.count - 1}`;
    case "device-id":
      return `id ${res.id}`;
    default:
      return res.count === 1 ? `vector ${res.base}` : `vectors ${res.base}-${res.base + res.count - 1}`;
  }
}
