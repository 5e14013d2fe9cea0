/**
 * `PioPool`: x86 port I/O space `0 .. 0xffff` (empty on aarch64).
 *
 * Representation: a `RangePool` over the layout's PIO ranges, with legacy
 * fixed ports (PCI config, i8042) reserved. Requests without a range go to the
 * layout's window (above the ISA area on the presets). Cost: O(log n).
 */
import type { PioPort } from "../brands.js";
import type { PoolLayout } from "../Layout.js";
import { RangePool } from "./RangePool.js";
import type { OwnerRecord } from "./RangePool.js";

/**
 * The port I/O pool.
 *
 * @example
 * ```ts
 * const pio = new PioPool(presetLayout("x86_64").pio);
 * pio.allocateExact("serial0", { min: 0x3f8, max: 0x3ff });
 * pio.ownerOfPort(pioPort(0x3fa)); // { kind: "owner", owner: "serial0" }
 * ```
 */
export class PioPool extends RangePool {
  constructor(layout: PoolLayout) {
    super("pio", layout.ranges, layout.reserved);
  }

  /** Who holds a port. */
  ownerOfPort(port: PioPort): OwnerRecord | undefined {
    return this.ownerAt(port);
  }
}
