/**
 * `IrqPool`: legacy interrupt lines (IOAPIC pins on x86_64, SPIs on aarch64).
 *
 * Representation: a `RangePool` over the layout's lines. The shared IRQ (the
 * one line handed to every request that accepts sharing) lies outside the
 * tree, so it can never be allocated exclusively and never runs out.
 * Requests for "any" line go to the layout's window; fixed lines may be
 * anywhere in the pool. Cost: O(log n).
 */
import type { Irq } from "../brands.js";
import type { Layout } from "../Layout.js";
import { RangePool } from "./RangePool.js";
import type { OwnerRecord } from "./RangePool.js";

/**
 * The legacy IRQ pool.
 *
 * @example
 * ```ts
 * const irqs = new IrqPool(presetLayout("x86_64").legacyIrq);
 * irqs.shared; // 5 on x86_64/dragonball
 * irqs.allocate("virtio-blk", { size: 1, min: 6, max: 15 }); // [6, 6]
 * ```
 */
export class IrqPool extends RangePool {
  /** The shared IRQ, outside the pool; `undefined` when the layout has none. */
  readonly shared: Irq | undefined;

  constructor(layout: Layout["legacyIrq"]) {
    super("legacyIrq", layout.ranges, layout.reserved);
    this.shared = layout.shared as Irq | undefined;
  }

  /** Who holds a line (the shared line is held by no single owner). */
  ownerOfIrq(line: Irq): OwnerRecord | undefined {
    return this.ownerAt(line);
  }
}
