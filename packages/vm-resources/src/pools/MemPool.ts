/**
 * `MemPool`: guest-physical RAM address space (guest RAM itself, and device
 * memory such as virtio-fs DAX windows or hot-plugged memory).
 *
 * Representation: a `RangePool` over the layout's RAM space (below the low
 * MMIO window and above 4 GiB on x86_64; from 2 GiB on aarch64). O(log n).
 */
import type { GuestAddress } from "../brands.js";
import type { PoolLayout } from "../Layout.js";
import { RangePool } from "./RangePool.js";
import type { OwnerRecord } from "./RangePool.js";

/**
 * The guest memory pool.
 *
 * @example
 * ```ts
 * const mem = new MemPool(presetLayout("x86_64").mem);
 * mem.allocate("virtio-fs", { size: 1n << 30n, align: 1n << 21n, min: 1n << 32n }); // above 4 GiB
 * ```
 */
export class MemPool extends RangePool {
  constructor(layout: PoolLayout) {
    super("mem", layout.ranges, layout.reserved);
  }

  /** Who holds a guest address. */
  ownerOfAddress(address: GuestAddress): OwnerRecord | undefined {
    return this.ownerAt(address);
  }
}
