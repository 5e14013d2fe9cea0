/**
 * `AddressAllocator`: rust-vmm vm-allocator's address-space allocator, as a
 * thin view of one pool of a {@link ResourceManager}.
 *
 * Representation: the managed range `[base, end]`, the manager, the pool
 * (`mmio` or `mem`) and an owner-name prefix; nothing else. Every
 * allocation is one manager owner `<prefix>#<n>` holding one resource, so
 * dumps, stats and snapshots show it, and the owner API can be used on the
 * same manager side by side. Without a manager, the allocator builds its own,
 * whose `mmio` pool is exactly `[base, end]`.
 * Cost: O(log n) per call (one manager call; a free adds one lookup).
 */
import { AllocError, Policy, U64_MAX, describeValue, refuseThis } from "@alloc/constraint";
import type { U64Input } from "@alloc/constraint";
import { defineLayout } from "../../Layout.js";
import { ResourceManager, isManager } from "../../ResourceManager.js";
import type { MemRequest, MmioRequest } from "../../requests.js";
import { OwnerNames, heldAt, readOptions, u64 } from "../shared.js";
import { AllocPolicy, Constraint } from "./AllocPolicy.js";
import { RangeInclusive, isRangeInclusive } from "./RangeInclusive.js";

/** Where an {@link AddressAllocator} lives when it shares a manager. */
export interface AddressAllocatorOptions {
  /** The manager to allocate from (default: a new one whose `mmio` pool is `[base, end]`). */
  readonly manager?: ResourceManager;
  /** The pool, `"mmio"` (default) or `"mem"`; `[base, end]` must lie inside one of its ranges. */
  readonly pool?: "mmio" | "mem";
  /** Owner names are `<ownerPrefix>#<n>` (default `rust-vmm:<pool>`). */
  readonly ownerPrefix?: string;
}

/** A layout whose only space is the MMIO range `[base, end]`. */
function soleMmioLayout(base: bigint, end: bigint): ResourceManager {
  const none = { ranges: [] };
  return new ResourceManager(
    defineLayout({
      name: "rust-vmm/address-allocator",
      arch: "any",
      mmio: { low: { min: base, max: end } },
      mem: none,
      pio: none,
      legacyIrq: none,
      msi: none,
      deviceId: none,
      memSlot: none,
      ram: [],
    }),
  );
}

// Refuses a receiver the AddressAllocator constructor did not build (set in the class's static block).
let checkAllocator: (self: unknown) => void;

/**
 * An address space allocator (upstream `AddressAllocator`).
 *
 * @example
 * ```ts
 * const pool = new AddressAllocator(0x1000, 0x1000);
 * const r = pool.allocate(0x400, 0x100, AllocPolicy.FirstMatch); // [0x1000, 0x13ff]
 * pool.free(r);
 * ```
 */
export class AddressAllocator {
  readonly #base: bigint;
  readonly #end: bigint;
  readonly #pool: "mmio" | "mem";
  readonly #manager: ResourceManager;
  readonly #names: OwnerNames;
  readonly #window: "low" | "high";
  /** Whether `[base, end]` is exactly the window "any" requests go to. */
  readonly #rangeIsWindow: boolean;
  /** The request of the last allocate by fit (a VMM asks for the same shape over and over). */
  #last: { readonly size: bigint; readonly align: bigint; readonly lastMatch: boolean; readonly request: MmioRequest | MemRequest } | undefined;

  /**
   * Manages `size` units from `base`. Throws `INVALID_SIZE` for size 0
   * (upstream `Error::Underflow`), `INVALID_RANGE` when the range runs past
   * 2^64-1 (`Error::Overflow`), `INVALID_ARGUMENT` when a shared manager's pool
   * does not hold the range.
   */
  constructor(base: U64Input, size: U64Input, options: AddressAllocatorOptions = {}) {
    const b = u64(base, "base");
    const s = u64(size, "size");
    if (s === 0n) throw new AllocError("INVALID_SIZE", "an address allocator needs a size of at least 1", { argument: "size", value: s });
    if (b + s - 1n > U64_MAX)
      throw new AllocError("INVALID_RANGE", `base 0x${b.toString(16)} + size 0x${s.toString(16)} runs past 2^64-1`, { argument: "size" });
    const end = b + s - 1n;
    const o = readOptions(options, ["manager", "pool", "ownerPrefix"], "options");
    const manager = o["manager"] as ResourceManager | undefined;
    const pool = (o["pool"] ?? "mmio") as "mmio" | "mem";
    const ownerPrefix = (o["ownerPrefix"] ?? `rust-vmm:${String(pool)}`) as string;
    if (pool !== "mmio" && pool !== "mem")
      throw new AllocError("INVALID_ARGUMENT", `pool must be "mmio" or "mem"; got ${describeValue(pool)}`, { argument: "pool" });
    if (typeof ownerPrefix !== "string" || ownerPrefix.length === 0)
      throw new AllocError("INVALID_ARGUMENT", "ownerPrefix must be a non-empty string", { argument: "ownerPrefix" });
    const rm = manager ?? soleMmioLayout(b, end);
    if (!isManager(rm)) throw new AllocError("INVALID_ARGUMENT", "manager must be a ResourceManager", { argument: "manager" });
    if (!rm.layout[pool].ranges.some((x) => x.min <= b && end <= x.max)) {
      throw new AllocError(
        "INVALID_ARGUMENT",
        `[0x${b.toString(16)}, 0x${end.toString(16)}] does not lie inside one range of the ${pool} pool of ${rm.layout.name}`,
        { argument: "base", pool },
      );
    }
    const high = rm.layout.mmio.high;
    this.#base = b;
    this.#end = end;
    this.#pool = pool;
    this.#manager = rm;
    this.#names = new OwnerNames(rm, ownerPrefix);
    this.#window = pool === "mmio" && high !== undefined && high.min <= b && end <= high.max ? "high" : "low";
    const w = pool === "mmio" ? (this.#window === "high" ? high : rm.layout.mmio.low) : rm.layout.mem.window;
    this.#rangeIsWindow = w !== undefined && w.min === b && w.max === end;
  }

  /** The manager whose pool this allocator is a view of. @example `pool.manager.dump()` */
  get manager(): ResourceManager {
    checkAllocator(this);
    return this.#manager;
  }

  /** The pool allocated from. @example `pool.pool; // "mmio"` */
  get pool(): "mmio" | "mem" {
    checkAllocator(this);
    return this.#pool;
  }

  /**
   * Allocates `size` units aligned to `alignment` by `policy` and returns the
   * range. Errors: `INVALID_SIZE`, `INVALID_ALIGNMENT` (as {@link Constraint});
   * `NO_FIT` when nothing fits (`Error::ResourceNotAvailable`); for
   * `ExactMatch`, `INVALID_RANGE` when the block runs past 2^64-1
   * (`Error::Overflow`), `NO_FIT` outside `[base, end]`, `CONFLICT` when
   * something holds part of it.
   *
   * @example
   * ```ts
   * pool.allocate(0x800, 0x100, AllocPolicy.LastMatch); // the highest fitting block
   * ```
   */
  allocate(size: U64Input, alignment: U64Input, policy: AllocPolicy = AllocPolicy.FirstMatch): RangeInclusive {
    checkAllocator(this);
    const c = new Constraint(size, alignment, policy);
    const s = c.size();
    const align = c.align();
    const p = c.policy();
    let request: MmioRequest | MemRequest;
    if (p.kind !== "exact-match") {
      const last = this.#last;
      if (last !== undefined && last.size === s && last.align === align && last.lastMatch === (p.kind === "last-match")) request = last.request;
      else {
        request = this.#request(s, align, p.kind === "last-match");
        this.#last = { size: s, align, lastMatch: p.kind === "last-match", request };
      }
    } else {
      const last = p.address + s - 1n;
      if (last > U64_MAX)
        throw new AllocError("INVALID_RANGE", `0x${p.address.toString(16)} + size 0x${s.toString(16)} runs past 2^64-1`, { argument: "size" });
      if (p.address < this.#base || last > this.#end) {
        throw new AllocError(
          "NO_FIT",
          `[0x${p.address.toString(16)}, 0x${last.toString(16)}] is outside the allocator's [0x${this.#base.toString(16)}, 0x${this.#end.toString(16)}]`,
          { pool: this.#pool },
        );
      }
      request =
        this.#pool === "mmio"
          ? { kind: "mmio", window: this.#window, is64bit: true, size: s, align, base: p.address }
          : { kind: "mem", size: s, align, base: p.address };
    }
    const [res] = this.#manager.allocateDevice(this.#names.fresh(), [request]);
    const start = (res as { base: bigint }).base;
    return new RangeInclusive(start, start + s - 1n);
  }

  /**
   * The frozen request for `size` units aligned to `align` in `[base, end]`:
   * no `range` when that is the window itself and no policy for first match,
   * so the manager checks it once and then knows it by identity.
   */
  #request(size: bigint, align: bigint, lastMatch: boolean): MmioRequest | MemRequest {
    const policy = lastMatch ? { policy: Policy.LastMatch } : {};
    const range = this.#rangeIsWindow ? {} : { range: { min: this.#base, max: this.#end } };
    const shape = this.#pool === "mmio" ? ({ kind: "mmio", window: this.#window, is64bit: true } as const) : ({ kind: "mem" } as const);
    return Object.freeze({ ...shape, size, align, ...range, ...policy });
  }

  /**
   * Frees a range this allocator handed out, exactly. Errors:
   * `NOT_ALLOCATED` when nothing is allocated there, `NOT_FOUND` when the
   * allocation there is not exactly `range`, `CONFLICT`/`RESERVED` when someone
   * else holds it (upstream answers `ResourceNotAvailable` for all of these).
   *
   * @example
   * ```ts
   * pool.free(pool.allocate(0x100, 0x100));
   * ```
   */
  free(range: RangeInclusive): void {
    checkAllocator(this);
    if (!isRangeInclusive(range)) throw new AllocError("INVALID_ARGUMENT", "free takes a RangeInclusive", { argument: "range" });
    const held = heldAt(this.#manager, this.#names, this.#pool, range.start(), range.end(), "range");
    this.#manager.freeResource(held.owner, held.resource);
  }

  /**
   * The ranges this allocator holds, in address order (not in upstream,
   * which keeps them in its private tree; used to save state). O(n) in the
   * pool's ranges.
   *
   * @example
   * ```ts
   * pool.allocations().map(String); // ["[0x1000, 0x13ff]"]
   * ```
   */
  allocations(): RangeInclusive[] {
    checkAllocator(this);
    const out: RangeInclusive[] = [];
    for (const e of this.#manager.entries(this.#pool)) {
      if (e.state === "allocated" && e.range.min >= this.#base && e.range.max <= this.#end && this.#names.owns(e.owner))
        out.push(new RangeInclusive(e.range.min, e.range.max));
    }
    return out;
  }

  /** First address managed. @example `new AddressAllocator(0x1000, 0x1000).base(); // 0x1000n` */
  base(): bigint {
    checkAllocator(this);
    return this.#base;
  }

  /** Last address managed (inclusive). @example `new AddressAllocator(0x1000, 0x1000).end(); // 0x1fffn` */
  end(): bigint {
    checkAllocator(this);
    return this.#end;
  }

  static {
    checkAllocator = (self) => {
      if (typeof self !== "object" || self === null || !(#pool in self)) refuseThis("an AddressAllocator", self);
    };
  }
}
