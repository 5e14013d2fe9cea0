/**
 * `ResourceManager`: one pool per kind of VMM resource, devices as owners.
 *
 * Representation: seven pools (MMIO, guest memory, port I/O, legacy IRQ, MSI,
 * device id, memory slot) built from a {@link Layout} and owned privately,
 * plus a map from owner name to what it holds (its resources in request
 * order and the pool range of each), which is also the owner record its pool
 * ranges are valued with. The manager is a generic engine over the kind registry
 * (`kinds/registry.ts`): a request is read once into its kind's checked form,
 * the kind says where it may go, the engine takes the range from the pool and
 * the kind builds the resource. Nothing public can change a pool: callers get
 * read-only views, and every change goes through a method below with an owner.
 * Invariants (`checkInvariants`): each recorded resource is allocated in its
 * pool to its owner, and nothing else is allocated. Every change is atomic:
 * a failing batch releases what it took in reverse order, a move takes the new
 * place before releasing the old, a resize happens in place or not at all.
 * Cost: O(k log n) for a device with k requests over pools of n ranges.
 */
import { AllocError, Range, isAllocError, refuseThis } from "@alloc/constraint";
import type { Constraint, U64Input } from "@alloc/constraint";
import type { DeviceId, GuestAddress, Irq, MemSlot, MmioAddress, MsiVector, PioPort } from "./brands.js";
import { describeValue, isArrayInput, quoteText, readArray, readU64, safeLine } from "@alloc/constraint";
import { POOL_NAMES, checkedLayout } from "./Layout.js";
import type { Layout, PoolName, Reservation } from "./Layout.js";
import { presetLayout } from "./presets.js";
import type { Arch, Flavor } from "./presets.js";
import { kindOfResource } from "./kinds/registry.js";
import type { AnyKind } from "./kinds/registry.js";
import type { At, ResourceReader } from "./kinds/Kind.js";
import { IdPool } from "./pools/IdPool.js";
import { PoolView } from "./pools/Pool.js";
import type { OwnerRecord, Pool, PoolEntry, ResourcePoolStats } from "./pools/Pool.js";
import { RangePool } from "./pools/RangePool.js";
import { readNested } from "./kinds/fields.js";
import { readRequest, readResourceRecord, readResourceValue } from "./requests.js";
import type { CheckedRequest, Resource, ResourceRequest } from "./requests.js";
import { readSnapshot, writeSnapshot } from "./Snapshot.js";
import { OwnerOrder } from "./internal/OwnerOrder.js";
import type { RestoredOwner, RestoredState } from "./Snapshot.js";

/**
 * The pool and range a resource occupies; `undefined` for the shared IRQ.
 *
 * @example
 * ```ts
 * placeOf({ kind: "device-id", id: deviceId(3) }); // { pool: "deviceId", range: [3, 3] }
 * ```
 */
export function placeOf(res: Resource): Place | undefined {
  return placeOfOwn(readResourceValue(res));
}

/** Where a resource lies: its pool and range. */
export interface Place {
  /** The pool the resource draws from. */
  readonly pool: PoolName;
  /** The inclusive range it occupies, in the pool's units (bytes, ports, vectors, ids or slots). */
  readonly range: Range;
}

/** {@link placeOf} of a resource this package made (trusted as it is: the facades' own lookups). */
export function placeOfOwn(res: Resource): Place | undefined {
  const kind = kindOfResource(res);
  const range = kind.rangeOf(res);
  return range === undefined ? undefined : { pool: kind.pool, range };
}

function checkOwner(owner: unknown): asserts owner is string {
  if (typeof owner !== "string" || owner.length === 0) {
    throw new AllocError("INVALID_ARGUMENT", `owner must be a non-empty string; got ${describeValue(owner)}`, { argument: "owner", value: owner });
  }
}

/** What an owner holds (see the module comment); it is also the owner record its pool ranges are valued with. */
type Holding = RestoredOwner;
const NO_RESOURCES: Resource[] = [];
const NO_RANGES: (Range | undefined)[] = [];

/** The read-only view of the MMIO pool, with its windows. */
export type MmioPoolView = PoolView & {
  /** The layout's MMIO window below 4 GiB (inclusive, in bytes). */
  readonly low: Range;
  /** The layout's 64-bit MMIO window above `low` (inclusive, in bytes), or `undefined` when it has none. */
  readonly high: Range | undefined;
};
/** The read-only view of the legacy IRQ pool, with the shared IRQ. */
export type IrqPoolView = PoolView & {
  /** The layout's shared IRQ (outside the pool's ranges), or `undefined` when it has none. */
  readonly shared: Irq | undefined;
};

/** Reads a resource handed back by a caller: u64 fields are bigints or safe numbers. */
const ARGUMENT_READER: ResourceReader = Object.freeze({
  code: "INVALID_ARGUMENT" as const,
  u64: (value: unknown, at: At, key: string): bigint => readU64(value, `${at}.${key}`, "INVALID_ARGUMENT"),
  boolean(value: unknown, at: At, key: string): boolean {
    if (typeof value !== "boolean") ARGUMENT_READER.fail(`${at}.${key}`, `must be true or false; got ${describeValue(value)}`);
    return value as boolean;
  },
  string(value: unknown, at: At, key: string): string {
    if (typeof value !== "string") ARGUMENT_READER.fail(`${at}.${key}`, `must be a string; got ${describeValue(value)}`);
    return value as string;
  },
  fail(path: string, message: string): never {
    throw new AllocError("INVALID_ARGUMENT", `${path}: ${message}`, { argument: path });
  },
});

/** How the request list of `allocateDevice`/`extendDevice` is named when it is refused. */
const REQUESTS_LIST = Object.freeze({ what: "requests", code: "INVALID_ARGUMENT" } as const);

/** Set by `restore` for the constructor it calls (the only way in for prebuilt pools). */
let restoring: RestoredState | undefined;

// Refuses a receiver the ResourceManager constructor did not build (set in the class's static block).
let checkManager: (self: unknown) => void;

/** @internal True for a ResourceManager its constructor built (no proxy trap runs; a forged one is not). */
export let isManager: (value: unknown) => value is ResourceManager;

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
  /** Read-only view of the MMIO pool. */
  readonly mmio: MmioPoolView;
  /** Read-only view of the guest memory pool. */
  readonly mem: PoolView;
  /** Read-only view of the port I/O pool. */
  readonly pio: PoolView;
  /** Read-only view of the legacy IRQ pool. */
  readonly legacyIrq: IrqPoolView;
  /** Read-only view of the MSI vector pool. */
  readonly msi: PoolView;
  /** Read-only view of the device id pool. */
  readonly deviceId: PoolView;
  /** Read-only view of the memory slot pool. */
  readonly memSlot: PoolView;
  readonly #pools: ReadonlyMap<PoolName, Pool>;
  readonly #views: ReadonlyMap<PoolName, PoolView>;
  readonly #owners = new Map<string, Holding>();
  readonly #order: OwnerOrder<Holding>;
  readonly #extra = new Map<PoolName, Reservation[]>();

  /**
   * A manager with empty pools over `layout` (from {@link defineLayout} or a
   * preset; any other object is checked by `defineLayout` first).
   *
   * @example
   * ```ts
   * const rm = new ResourceManager(presetLayout("aarch64"));
   * ```
   */
  constructor(layout: Layout) {
    const state = restoring;
    restoring = undefined;
    this.layout = state?.layout ?? checkedLayout(layout);
    const l = this.layout;
    const pools = new Map<PoolName, Pool>();
    for (const name of POOL_NAMES) {
      const built = state?.pools.get(name);
      if (built !== undefined) pools.set(name, built);
      else if (name === "deviceId" || name === "memSlot") pools.set(name, new IdPool(name, l[name].ranges, l[name].reserved));
      else pools.set(name, new RangePool(name, l[name].ranges, l[name].reserved));
    }
    this.#pools = pools;
    const views = new Map<PoolName, PoolView>(POOL_NAMES.map((n) => [n, new PoolView(pools.get(n) as Pool)]));
    this.#views = views;
    const frozen = <V>(v: V): V => Object.freeze(v) as V;
    this.mmio = frozen(Object.assign(views.get("mmio") as PoolView, { low: l.mmio.low, high: l.mmio.high }));
    this.legacyIrq = frozen(Object.assign(views.get("legacyIrq") as PoolView, { shared: l.legacyIrq.shared as Irq | undefined }));
    this.mem = frozen(views.get("mem") as PoolView);
    this.pio = frozen(views.get("pio") as PoolView);
    this.msi = frozen(views.get("msi") as PoolView);
    this.deviceId = frozen(views.get("deviceId") as PoolView);
    this.memSlot = frozen(views.get("memSlot") as PoolView);
    // The views and the layout cannot be replaced behind the manager either.
    for (const key of ["layout", "mmio", "mem", "pio", "legacyIrq", "msi", "deviceId", "memSlot"])
      Object.defineProperty(this, key, { writable: false, configurable: false });
    this.#order = new OwnerOrder(state?.owners);
    if (state !== undefined) {
      for (const holding of state.owners) this.#owners.set(holding.owner, holding);
      for (const [name, list] of state.extra) this.#extra.set(name, list);
    }
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
   * Rebuilds a manager from {@link ResourceManager.snapshot} output (version 2,
   * or version 1 of earlier releases); throws only `AllocError`
   * `INVALID_SNAPSHOT` with `details.path`.
   *
   * @example
   * ```ts
   * const copy = ResourceManager.restore(rm.snapshot());
   * ```
   */
  static restore(json: string): ResourceManager {
    const state = readSnapshot(json);
    restoring = state;
    return new ResourceManager(state.layout);
  }

  /**
   * Versioned canonical JSON of the whole state (see the README's format).
   * O(n + k log k) for n owners, k of them added since the last `snapshot()`
   * or `owners()` (or the restore): the name order is kept between calls.
   *
   * @example
   * ```ts
   * const text = rm.snapshot(); // '{"format":"@alloc/vm-resources/snapshot","layout":…'
   * ```
   */
  snapshot(): string {
    checkManager(this);
    const extra = this.#extra;
    return writeSnapshot({
      layout: this.layout,
      owners: this.#sortedOwners(),
      extraReservations: (pool) => extra.get(pool) ?? [],
    });
  }

  /**
   * The read-only view of the pool called `name`.
   *
   * @example
   * ```ts
   * rm.pool("pio").stats().free;
   * ```
   */
  pool(name: PoolName): PoolView {
    checkManager(this);
    const view = typeof name === "string" ? this.#views.get(name) : undefined;
    if (view === undefined) {
      throw new AllocError("INVALID_ARGUMENT", `pool: unknown pool ${describeValue(name)}; expected one of ${POOL_NAMES.join(", ")}`, {
        argument: "pool",
        value: name,
      });
    }
    return view;
  }

  /** Every holding, by owner name (kept between calls: see `OwnerOrder`). */
  #sortedOwners(): readonly Holding[] {
    const owners = this.#owners;
    return this.#order.sorted(() => owners.values());
  }

  #poolOf(kind: AnyKind): Pool {
    return this.#pools.get(kind.pool) as Pool;
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
    checkManager(this);
    checkOwner(owner);
    if (this.#owners.has(owner)) {
      throw new AllocError("DUPLICATE_OWNER", `${quoteText(owner)} already holds resources; free it first or use extendDevice`, { owner });
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
    checkManager(this);
    checkOwner(owner);
    return this.#allocateBatch(owner, requests);
  }

  #allocateBatch(owner: string, requests: readonly unknown[]): Resource[] {
    if (!isArrayInput(requests, REQUESTS_LIST)) {
      throw new AllocError("INVALID_ARGUMENT", `requests must be an array; got ${describeValue(requests)}`, { argument: "requests", owner });
    }
    // The list is read once, then each element is checked once by its kind.
    const list = readArray(requests, REQUESTS_LIST);
    const n = list.length;
    const checked: CheckedRequest[] = [];
    for (let i = 0; i < n; i++) {
      try {
        checked.push(readRequest(list[i]));
      } catch (e) {
        throw this.#wrap(e, owner, undefined, i);
      }
    }
    // Looked up after the reads: a getter may have changed what the owner holds.
    const known = this.#owners.get(owner);
    // A new owner's holding gets its arrays once everything is taken.
    const holding: Holding = known ?? { kind: "owner", owner, resources: NO_RESOURCES, ranges: NO_RANGES };
    const taken: Resource[] = [];
    const ranges: (Range | undefined)[] = [];
    const layout = this.layout;
    for (let i = 0; i < n; i++) {
      const c = checked[i] as CheckedRequest;
      const kind = c.kind;
      const pool = this.#poolOf(kind);
      let range: Range | undefined;
      try {
        const place = kind.place(c.req, layout);
        const fits = place.fits;
        if (place.exact !== undefined) range = pool.takeExact(holding, place.exact);
        else if (fits !== undefined) {
          for (let k = 0; k < fits.length && range === undefined; k++) range = pool.take(holding, fits[k] as Constraint);
          if (range === undefined) throw new AllocError("NO_FIT", `${kind.pool}: nothing free fits`, { pool: kind.pool });
        }
        taken.push(kind.build(c.req, range, layout));
      } catch (e) {
        if (range !== undefined) pool.release(range);
        for (let j = i - 1; j >= 0; j--) {
          const r = ranges[j];
          if (r !== undefined) this.#poolOf((checked[j] as CheckedRequest).kind).release(r);
        }
        throw this.#wrap(e, owner, c, i);
      }
      ranges.push(range);
    }
    if (n === 0) return taken;
    if (known === undefined) {
      holding.resources = taken.slice();
      holding.ranges = ranges;
      this.#owners.set(owner, holding);
      this.#order.added(holding, this.#owners.size);
    } else {
      for (let j = 0; j < n; j++) {
        holding.resources.push(taken[j] as Resource);
        holding.ranges.push(ranges[j]);
      }
    }
    return taken;
  }

  #wrap(e: unknown, owner: string, c: CheckedRequest | undefined, index: number): AllocError {
    const what = c === undefined ? "" : ` (${c.kind.describeRequest(c.req)})`;
    if (!isAllocError(e))
      return new AllocError("INVALID_REQUEST", `${quoteText(owner)}: request ${index} is malformed`, { owner, request: index }, { cause: e });
    return new AllocError(
      e.code,
      `${quoteText(owner)}: request ${index}${what} ${c === undefined ? "is invalid" : "failed"}: ${e.message}`,
      { ...e.details, owner, request: index },
      { cause: e },
    );
  }

  /** The index of `resource` among what `owner` holds: the object itself, or a record of one read once. */
  #find(owner: string, resource: unknown): { holding: Holding; index: number } {
    checkOwner(owner);
    const holding = this.#owners.get(owner);
    let index = holding === undefined ? -1 : holding.resources.indexOf(resource as Resource);
    let what = "it";
    if (index < 0) {
      const { kind, rec } = readResourceRecord(resource, "resource");
      const res = kind.read(rec, "resource", this.layout, ARGUMENT_READER);
      const range = kind.rangeOf(res);
      what = `${kind.name} ${kind.describe(res)}`;
      if (holding !== undefined) {
        const held = holding.resources;
        for (let i = 0; i < held.length && index < 0; i++) {
          const h = held[i] as Resource;
          if (h.kind !== kind.name) continue;
          const hr = kind.rangeOf(h);
          if (hr === undefined ? range === undefined : range !== undefined && hr.equals(range)) index = i;
        }
      }
    }
    if (holding === undefined || index < 0) throw new AllocError("UNKNOWN_OWNER", `${quoteText(owner)} does not hold ${what}`, { owner });
    return { holding, index };
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
    checkManager(this);
    checkOwner(owner);
    const holding = this.#owners.get(owner);
    if (holding === undefined) throw new AllocError("UNKNOWN_OWNER", `${quoteText(owner)} holds no resources`, { owner });
    const held = holding.resources;
    const ranges = holding.ranges;
    for (let j = held.length - 1; j >= 0; j--) {
      const r = ranges[j];
      if (r !== undefined) this.#poolOf(kindOfResource(held[j] as Resource)).release(r);
    }
    this.#owners.delete(owner);
    holding.resources = NO_RESOURCES;
    holding.ranges = NO_RANGES;
    this.#order.removed(this.#owners.size);
    return held;
  }

  /**
   * Gives back one resource of `owner` (the object it was given, or a copy of
   * it); `UNKNOWN_OWNER` if the owner does not hold it, `INVALID_ARGUMENT` for
   * anything that is not a resource.
   *
   * @example
   * ```ts
   * rm.freeResource("nvme0", res[2]);
   * ```
   */
  freeResource(owner: string, resource: Resource): void {
    checkManager(this);
    const { holding, index } = this.#find(owner, resource);
    const r = holding.ranges[index];
    if (r !== undefined) this.#poolOf(kindOfResource(holding.resources[index] as Resource)).release(r);
    holding.resources.splice(index, 1);
    holding.ranges.splice(index, 1);
    if (holding.resources.length === 0) {
      this.#owners.delete(owner);
      this.#order.removed(this.#owners.size);
    }
  }

  /**
   * Moves one resource of `owner` to a new base (address, port, IRQ, first
   * vector, slot or id), atomically: the new place is taken first, then the old
   * one released, so the device never holds nothing. `to` is a bigint or a
   * safe-integer number (anything else: `INVALID_ARGUMENT`); the kind's rules
   * hold (alignment, a 32-bit BAR below 4 GiB, pool membership). A failure
   * changes nothing (`CONFLICT` names the holder of the new place — the owner
   * itself when the two places overlap). Returns the moved resource.
   *
   * @example
   * ```ts
   * const [bar] = rm.allocateDevice("gpu", [pciBar({ size: 0x10000 })]);
   * rm.move("gpu", bar, 0xe000_0000n); // a BAR relocation
   * ```
   */
  move(owner: string, resource: Resource, to: U64Input): Resource {
    checkManager(this);
    const { holding, index } = this.#find(owner, resource);
    const base = readU64(to, "to", "INVALID_ARGUMENT");
    const old = holding.resources[index] as Resource;
    const kind = kindOfResource(old);
    const target = kind.moveTarget(old, base, this.layout);
    const pool = this.#poolOf(kind);
    const taken = pool.takeExact(holding, target);
    pool.release(holding.ranges[index] as Range);
    const moved = kind.rebase(old, taken, this.layout);
    holding.resources[index] = moved;
    holding.ranges[index] = taken;
    return moved;
  }

  /**
   * Grows or shrinks one resource of `owner` in place to `size` units (bytes,
   * ports, vectors, slots), keeping its base, atomically: `NO_FIT`/`CONFLICT`
   * when the space after it is not free, `INVALID_ARGUMENT` when its kind has
   * a fixed size or `size` breaks its rules, and nothing changed. Returns the
   * resized resource.
   *
   * @example
   * ```ts
   * const [win] = rm.allocateDevice("virtio-fs0", [{ kind: "mem", size: 1n << 30n }]);
   * rm.resizeResource("virtio-fs0", win, 2n << 30n);
   * ```
   */
  resizeResource(owner: string, resource: Resource, size: U64Input): Resource {
    checkManager(this);
    const { holding, index } = this.#find(owner, resource);
    const units = readU64(size, "size", "INVALID_ARGUMENT");
    if (units === 0n) throw new AllocError("INVALID_SIZE", "size must be at least 1", { argument: "size", owner });
    const old = holding.resources[index] as Resource;
    const kind = kindOfResource(old);
    kind.resizeTarget(old, units, this.layout);
    const range = this.#poolOf(kind).resize(holding, holding.ranges[index] as Range, units);
    const resized = kind.rebase(old, range, this.layout);
    holding.resources[index] = resized;
    holding.ranges[index] = range;
    return resized;
  }

  /**
   * Reserves a free range of a pool (a platform hole, a fixed legacy device);
   * it can never be freed, dumps label it and snapshots keep it.
   *
   * @example
   * ```ts
   * rm.reserve("pio", { min: 0x70, max: 0x71 }, "CMOS RTC");
   * ```
   */
  reserve(pool: PoolName, range: { min: U64Input; max: U64Input } | Range, label: string): void {
    checkManager(this);
    this.pool(pool);
    if (typeof label !== "string" || label.length === 0)
      throw new AllocError("INVALID_ARGUMENT", `label: a reservation needs a non-empty string; got ${describeValue(label)}`, { argument: "label" });
    const r = Range.from(range);
    (this.#pools.get(pool) as Pool).reserve(r, label);
    const list = this.#extra.get(pool) ?? [];
    list.push(Object.freeze({ range: r, label }));
    list.sort((a, b) => a.range.compare(b.range));
    this.#extra.set(pool, list);
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
    checkManager(this);
    checkOwner(owner);
    return this.#owners.get(owner)?.resources.slice() ?? [];
  }

  /**
   * Every owner holding resources, sorted by name (the same before and after a snapshot round trip); a new array, in O(n + k log k) like {@link ResourceManager.snapshot}.
   *
   * @example
   * ```ts
   * rm.owners(); // ["serial0", "virtio-net0"]
   * ```
   */
  owners(): string[] {
    checkManager(this);
    return this.#sortedOwners().map((h) => h.owner);
  }

  /**
   * Who holds `value` in pool `pool`: an owner, a reservation, or `undefined`.
   * `value` is a bigint or a safe-integer number (`INVALID_ARGUMENT` otherwise).
   *
   * @example
   * ```ts
   * rm.ownerOf("mmio", 0xfee00000n); // { kind: "reserved", label: "LAPIC/IOAPIC/HPET (64 MiB below 4 GiB)" }
   * ```
   */
  ownerOf(pool: PoolName, value: U64Input): OwnerRecord | undefined {
    checkManager(this);
    return this.pool(pool).ownerAt(value);
  }

  /** Who holds an MMIO address. @example `rm.ownerOfMmio(mmioAddress(0xc0000000n))` */
  ownerOfMmio(address: MmioAddress): OwnerRecord | undefined {
    checkManager(this);
    return this.mmio.ownerAt(address);
  }

  /** Who holds a guest RAM address. @example `rm.ownerOfGuestAddress(guestAddress(0x1000))` */
  ownerOfGuestAddress(address: GuestAddress): OwnerRecord | undefined {
    checkManager(this);
    return this.mem.ownerAt(address);
  }

  /** Who holds a port. @example `rm.ownerOfPort(pioPort(0x3f8))` */
  ownerOfPort(port: PioPort): OwnerRecord | undefined {
    checkManager(this);
    return this.pio.ownerAt(port);
  }

  /** Who holds a legacy IRQ (the shared IRQ: see {@link ResourceManager.sharersOfIrq}). @example `rm.ownerOfIrq(irq(6))` */
  ownerOfIrq(line: Irq): OwnerRecord | undefined {
    checkManager(this);
    return this.legacyIrq.ownerAt(line);
  }

  /** Who holds an MSI vector. @example `rm.ownerOfVector(msiVector(24))` */
  ownerOfVector(vector: MsiVector): OwnerRecord | undefined {
    checkManager(this);
    return this.msi.ownerAt(vector);
  }

  /** Who holds a device id. @example `rm.ownerOfDeviceId(deviceId(1))` */
  ownerOfDeviceId(id: DeviceId): OwnerRecord | undefined {
    checkManager(this);
    return this.deviceId.ownerAt(id);
  }

  /** Who holds a memory slot. @example `rm.ownerOfMemSlot(memSlot(0))` */
  ownerOfMemSlot(slot: MemSlot): OwnerRecord | undefined {
    checkManager(this);
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
    checkManager(this);
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
    checkManager(this);
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
    checkManager(this);
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
    checkManager(this);
    const free = readNested(options, ["free"], "options", "INVALID_ARGUMENT")["free"];
    if (free !== undefined && typeof free !== "boolean")
      throw new AllocError("INVALID_ARGUMENT", `options.free must be true or false; got ${describeValue(free)}`, { argument: "options.free" });
    const lines: string[] = [];
    for (const name of POOL_NAMES) {
      lines.push(name);
      const width = name === "mmio" || name === "mem" ? 16 : name === "pio" ? 4 : 0;
      const fmt = (v: bigint): string => (width === 0 ? v.toString() : v.toString(16).padStart(width, "0"));
      const shared = name === "legacyIrq" ? this.legacyIrq.shared : undefined;
      let sharedDone = shared === undefined;
      const sharedLine = (): void => {
        const users = this.sharersOfIrq();
        lines.push(`  ${String(shared)} : shared${users.length > 0 ? `: ${users.map((u) => safeLine(u)).join(", ")}` : ""}`);
        sharedDone = true;
      };
      for (const e of this.pool(name).entries()) {
        if (!sharedDone && shared !== undefined && BigInt(shared) < e.range.min) sharedLine();
        if (e.state === "free" && free !== true) continue;
        // Names and labels are caller text: escaped and cut (safeLine), so the dump stays one entry per line on any terminal.
        const what = e.state === "allocated" ? safeLine(e.owner) : e.state === "reserved" ? `reserved: ${safeLine(e.label)}` : "free";
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
    checkManager(this);
    let recorded = 0;
    for (const pool of this.#pools.values()) pool.checkInvariants();
    this.#order.check(this.#owners);
    for (const [owner, holding] of this.#owners) {
      const { resources: held, ranges } = holding;
      if (held.length === 0) throw new Error(`owner ${owner} is recorded with no resources`);
      if (ranges.length !== held.length) throw new Error(`owner ${owner}: ${held.length} resources but ${ranges.length} ranges recorded`);
      if (holding.kind !== "owner" || holding.owner !== owner) throw new Error(`owner ${owner}: bad owner record`);
      for (let k = 0; k < held.length; k++) {
        const res = held[k] as Resource;
        if (!Object.isFrozen(res)) throw new Error(`owner ${owner}: resource ${k} is not frozen`);
        const kind = kindOfResource(res);
        const range = kind.rangeOf(res);
        const kept = ranges[k];
        if (range === undefined) {
          if (res.kind !== "legacy-irq" || res.irq !== this.layout.legacyIrq.shared) throw new Error(`owner ${owner}: bad shared resource`);
          if (kept !== undefined) throw new Error(`owner ${owner}: the shared IRQ has a range recorded`);
          continue;
        }
        if (kept === undefined || !kept.equals(range)) throw new Error(`owner ${owner}: ${res.kind} ${range} is recorded with range ${String(kept)}`);
        recorded++;
        const e = (this.#pools.get(kind.pool) as Pool).entryAt(range.min);
        if (e === undefined || e.state !== "allocated" || e.owner !== owner || !e.range.equals(range)) {
          throw new Error(`owner ${owner}: ${res.kind} ${range} is not allocated to it in ${kind.pool}`);
        }
        if ((this.#pools.get(kind.pool) as Pool).ownerAt(range.min) !== holding)
          throw new Error(`owner ${owner}: ${res.kind} ${range} is valued with another record`);
      }
    }
    let allocated = 0;
    for (const pool of this.#pools.values()) for (const e of pool.entries()) if (e.state === "allocated") allocated++;
    if (allocated !== recorded) throw new Error(`pools hold ${allocated} allocated ranges but owners record ${recorded}`);
  }

  static {
    isManager = (value): value is ResourceManager => typeof value === "object" && value !== null && #owners in value;
    checkManager = (self) => {
      if (!isManager(self)) refuseThis("a ResourceManager", self);
    };
  }
}

export { describeResourceOwn, describeResource } from "./requests.js";
