/**
 * `MmioPool`: MMIO address space with a low window (below 4 GiB, for 32-bit
 * BARs and virtio-mmio) and an optional high 64-bit window.
 *
 * Representation: one `RangePool` tree holding both windows (they are
 * disjoint); a request picks its window by narrowing the constraint's
 * `[min, max]`, so a 32-bit BAR can never land above 4 GiB. Cost: O(log n)
 * per window tried (at most two).
 */
import { Range } from "@alloc/constraint";
import type { Policy, U64Input } from "@alloc/constraint";
import type { MmioAddress } from "../brands.js";
import type { Layout } from "../Layout.js";
import { RangePool } from "./RangePool.js";
import type { OwnerRecord } from "./RangePool.js";

/** Which MMIO window a request may use: `"any"` tries high first, then low. */
export type MmioWindow = "low" | "high" | "any";

/** What an MMIO allocation asks for. */
export interface MmioAsk {
  readonly size: bigint;
  readonly align?: bigint;
  readonly window?: MmioWindow;
  /** Optional extra bounds, intersected with the window. */
  readonly min?: bigint;
  readonly max?: bigint;
  readonly policy?: Policy;
}

/**
 * The MMIO pool of a resource manager.
 *
 * @example
 * ```ts
 * const mmio = new MmioPool(presetLayout("x86_64").mmio);
 * mmio.tryAllocateIn("nvme0", { size: 0x4000n, align: 0x4000n, window: "any" }); // { range: [1 TiB, ...], window: "high" }
 * ```
 */
export class MmioPool extends RangePool {
  /** The low window (32-bit addressable). */
  readonly low: Range;
  /** The high 64-bit window, if the layout has one. */
  readonly high: Range | undefined;

  constructor(layout: Layout["mmio"]) {
    super("mmio", layout.ranges, layout.reserved);
    this.low = layout.low;
    this.high = layout.high;
  }

  /** Allocates in the windows allowed by `ask.window` (default `"low"`); `undefined` when nothing fits. */
  tryAllocateIn(owner: string, ask: MmioAsk): { range: Range; window: "low" | "high" } | undefined {
    const order: ("low" | "high")[] = ask.window === "high" ? ["high"] : ask.window === "any" ? ["high", "low"] : ["low"];
    for (const w of order) {
      const win = w === "low" ? this.low : this.high;
      if (win === undefined) continue;
      const min = ask.min !== undefined && ask.min > win.min ? ask.min : win.min;
      const max = ask.max !== undefined && ask.max < win.max ? ask.max : win.max;
      if (min > max) continue;
      const range = this.tryAllocate(owner, {
        size: ask.size,
        min,
        max,
        ...(ask.align === undefined ? {} : { align: ask.align }),
        ...(ask.policy === undefined ? {} : { policy: ask.policy }),
      });
      if (range !== undefined) return { range, window: w };
    }
    return undefined;
  }

  /** The window holding `address`, if any. */
  windowOf(address: U64Input): "low" | "high" | undefined {
    if (this.low.contains(address)) return "low";
    if (this.high !== undefined && this.high.contains(address)) return "high";
    return undefined;
  }

  /** Who holds an MMIO address. */
  ownerOfAddress(address: MmioAddress): OwnerRecord | undefined {
    return this.ownerAt(address);
  }
}
