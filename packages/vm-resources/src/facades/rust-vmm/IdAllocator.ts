/**
 * `IdAllocator`: rust-vmm vm-allocator's id allocator (with Firecracker's
 * `allocateIdAt` and `isAllocated`), as a thin view of one id-like pool of a
 * {@link ResourceManager}.
 *
 * Representation: the managed ids `[rangeBase, rangeEnd]`, the manager, the
 * pool and an owner-name prefix. Each id handed out is one owner
 * `<prefix>#<n>`. `allocateId` returns the lowest free id, which is what both
 * upstreams answer (vm-allocator reuses the lowest freed id before its
 * never-used ones, all of which lie above; Firecracker takes the first zero
 * bit). Without a manager the allocator builds its own whose `legacyIrq`
 * pool is exactly the range. Cost: O(log n) per call.
 */
import { AllocError, describeValue, refuseThis } from "@alloc/constraint";
import type { U64Input } from "@alloc/constraint";
import { defineLayout } from "../../Layout.js";
import { ResourceManager, isManager } from "../../ResourceManager.js";
import type { ResourceRequest } from "../../requests.js";
import { OwnerNames, heldAt, readOptions, u32 } from "../shared.js";

/** The pools an {@link IdAllocator} can be a view of. */
export type IdPoolName = "legacyIrq" | "msi" | "deviceId" | "memSlot";

/** Where an {@link IdAllocator} lives when it shares a manager. */
export interface IdAllocatorOptions {
  /** The manager (default: a new one whose `legacyIrq` pool is exactly the range). */
  readonly manager?: ResourceManager;
  /** The pool (default `"legacyIrq"`); its window for "any" requests must be exactly the range. */
  readonly pool?: IdPoolName;
  /** Owner names are `<ownerPrefix>#<n>` (default `rust-vmm:<pool>`). */
  readonly ownerPrefix?: string;
}

function soleIrqManager(base: number, end: number): ResourceManager {
  const none = { ranges: [] };
  return new ResourceManager(
    defineLayout({
      name: "rust-vmm/id-allocator",
      arch: "any",
      // Every layout has a low MMIO window; this one is a single unused byte.
      mmio: { low: { min: 0, max: 0 } },
      mem: none,
      pio: none,
      legacyIrq: { ranges: [{ min: base, max: end }] },
      msi: none,
      deviceId: none,
      memSlot: none,
      ram: [],
    }),
  );
}

/** For each pool: the request for any id and for one exact id. */
// The "any" requests are frozen, so the manager checks each once and then knows it by identity.
const REQUESTS: Readonly<Record<IdPoolName, { readonly any: ResourceRequest; readonly at: (id: number) => ResourceRequest }>> = {
  legacyIrq: { any: Object.freeze({ kind: "legacy-irq" }), at: (id) => ({ kind: "legacy-irq", irq: id }) },
  msi: { any: Object.freeze({ kind: "generic-msi", count: 1 }), at: (id) => ({ kind: "generic-msi", count: 1, base: id }) },
  deviceId: { any: Object.freeze({ kind: "device-id" }), at: (id) => ({ kind: "device-id", id }) },
  memSlot: { any: Object.freeze({ kind: "mem-slot" }), at: (id) => ({ kind: "mem-slot", slot: id }) },
};

function idOf(res: unknown): number {
  const r = res as { irq?: number; id?: number; base?: number };
  return (r.irq ?? r.id ?? r.base) as number;
}

// Refuses a receiver the IdAllocator constructor did not build (set in the class's static block).
let checkAllocator: (self: unknown) => void;

/**
 * A unique id allocator over `[rangeBase, rangeEnd]` (upstream `IdAllocator`).
 *
 * @example
 * ```ts
 * const gsis = new IdAllocator(5, 23);
 * gsis.allocateId(); // 5
 * gsis.freeId(5);
 * ```
 */
export class IdAllocator {
  readonly #base: number;
  readonly #end: number;
  readonly #pool: IdPoolName;
  readonly #manager: ResourceManager;
  readonly #names: OwnerNames;

  /**
   * Manages ids `rangeBase..rangeEnd` (u32). Throws `INVALID_RANGE` when
   * `rangeEnd < rangeBase` (upstream `Error::InvalidRange`), `INVALID_VALUE`
   * for a value that is not a u32, `INVALID_ARGUMENT` when a shared manager's
   * pool window is not exactly the range.
   */
  constructor(rangeBase: U64Input, rangeEnd: U64Input, options: IdAllocatorOptions = {}) {
    const b = u32(rangeBase, "rangeBase");
    const e = u32(rangeEnd, "rangeEnd");
    if (e < b) throw new AllocError("INVALID_RANGE", `range end ${e} is below its base ${b}`, { argument: "rangeEnd", range: `[${b}, ${e}]` });
    const o = readOptions(options, ["manager", "pool", "ownerPrefix"], "options");
    const manager = o["manager"] as ResourceManager | undefined;
    const pool = (o["pool"] ?? "legacyIrq") as IdPoolName;
    const ownerPrefix = (o["ownerPrefix"] ?? `rust-vmm:${String(pool)}`) as string;
    if (typeof pool !== "string" || !Object.hasOwn(REQUESTS, pool))
      throw new AllocError("INVALID_ARGUMENT", `pool must be legacyIrq, msi, deviceId or memSlot; got ${describeValue(pool)}`, { argument: "pool" });
    if (typeof ownerPrefix !== "string" || ownerPrefix.length === 0)
      throw new AllocError("INVALID_ARGUMENT", "ownerPrefix must be a non-empty string", { argument: "ownerPrefix" });
    const rm = manager ?? soleIrqManager(b, e);
    if (!isManager(rm)) throw new AllocError("INVALID_ARGUMENT", "manager must be a ResourceManager", { argument: "manager" });
    const p = rm.layout[pool];
    const first = p.ranges[0];
    const last = p.ranges[p.ranges.length - 1];
    // "Any" requests go to the pool's window (memory slots: the whole pool), which must be the managed range.
    const w =
      pool === "memSlot" || p.window === undefined ? (first === undefined || last === undefined ? undefined : { min: first.min, max: last.max }) : p.window;
    if (w === undefined || w.min !== BigInt(b) || w.max !== BigInt(e)) {
      throw new AllocError(
        "INVALID_ARGUMENT",
        `the ${pool} pool of ${rm.layout.name} hands out ${w === undefined ? "nothing" : `${w.min}..${w.max}`}, not ${b}..${e}`,
        { argument: "pool", pool },
      );
    }
    this.#base = b;
    this.#end = e;
    this.#pool = pool;
    this.#manager = rm;
    this.#names = new OwnerNames(rm, ownerPrefix);
  }

  /** The manager whose pool this allocator is a view of. @example `ids.manager.stats().legacyIrq` */
  get manager(): ResourceManager {
    checkAllocator(this);
    return this.#manager;
  }

  /** The pool allocated from. @example `ids.pool; // "legacyIrq"` */
  get pool(): IdPoolName {
    checkAllocator(this);
    return this.#pool;
  }

  /**
   * The lowest free id; `NO_FIT` when every id is taken (upstream
   * `Error::ResourceNotAvailable`, or `Error::Overflow` in vm-allocator when
   * the range ends at 2^32-1).
   *
   * @example
   * ```ts
   * new IdAllocator(5, 23).allocateId(); // 5
   * ```
   */
  allocateId(): number {
    checkAllocator(this);
    const [res] = this.#manager.allocateDevice(this.#names.fresh(), [REQUESTS[this.#pool].any]);
    return idOf(res);
  }

  /**
   * Takes `id` exactly (Firecracker `allocate_id_at`). `NOT_FOUND` outside the
   * range (`Error::OutOfRange`), `CONFLICT` when it is taken
   * (`Error::ResourceNotAvailable`).
   *
   * @example
   * ```ts
   * new IdAllocator(5, 8).allocateIdAt(7); // 7
   * ```
   */
  allocateIdAt(id: U64Input): number {
    checkAllocator(this);
    const v = this.#inRange(id);
    this.#manager.allocateDevice(this.#names.fresh(), [REQUESTS[this.#pool].at(v)]);
    return v;
  }

  /**
   * True when `id` is in the range and taken (by this allocator or anyone
   * else on the manager). Ids outside the range are never allocated.
   *
   * @example
   * ```ts
   * ids.isAllocated(5); // true after ids.allocateId() returned 5
   * ```
   */
  isAllocated(id: U64Input): boolean {
    checkAllocator(this);
    const v = u32(id, "id");
    return v >= this.#base && v <= this.#end && this.#manager.ownerOf(this.#pool, v) !== undefined;
  }

  /**
   * Frees `id` and returns it. `NOT_FOUND` outside the range
   * (`Error::OutOfRange`), `NOT_ALLOCATED` when it is free
   * (`Error::NeverAllocated`, `Error::AlreadyReleased`), `CONFLICT` when
   * another owner holds it.
   *
   * @example
   * ```ts
   * ids.freeId(ids.allocateId());
   * ```
   */
  freeId(id: U64Input): number {
    checkAllocator(this);
    const v = this.#inRange(id);
    const held = heldAt(this.#manager, this.#names, this.#pool, BigInt(v), BigInt(v), "id");
    this.#manager.freeResource(held.owner, held.resource);
    return v;
  }

  #inRange(id: U64Input): number {
    const v = u32(id, "id");
    if (v < this.#base || v > this.#end)
      throw new AllocError("NOT_FOUND", `id ${v} is outside ${this.#base}..${this.#end}`, { argument: "id", value: v, pool: this.#pool });
    return v;
  }

  static {
    checkAllocator = (self) => {
      if (typeof self !== "object" || self === null || !(#pool in self)) refuseThis("an IdAllocator", self);
    };
  }
}
