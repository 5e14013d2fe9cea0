/**
 * `MsiPool`: MSI / MSI-X interrupt vectors (GSIs above the legacy lines).
 *
 * Representation: a `RangePool` over the layout's vector range. Blocks are
 * contiguous; PCI MSI blocks have a power-of-two count (1..32, PCI Local Bus
 * spec, Multiple Message Enable) and are aligned to their count; MSI-X and
 * generic MSI blocks may have any count. Cost: O(log n).
 */
import { AllocError, Range } from "@alloc/constraint";
import type { MsiVector } from "../brands.js";
import type { PoolLayout } from "../Layout.js";
import { RangePool } from "./RangePool.js";
import type { OwnerRecord } from "./RangePool.js";

/** The three kinds of message-signalled interrupts. */
export type MsiKind = "pci-msi" | "pci-msix" | "generic-msi";

/** Largest block per kind: 32 for PCI MSI, 2048 for MSI-X (table size), 2048 for generic MSI (our choice). */
export const MSI_MAX_COUNT: Readonly<Record<MsiKind, number>> = { "pci-msi": 32, "pci-msix": 2048, "generic-msi": 2048 };

/**
 * Checks a vector count for `kind`; throws `INVALID_REQUEST` naming the rule.
 *
 * @example
 * ```ts
 * checkMsiCount("pci-msi", 3); // throws: PCI MSI needs a power of two
 * ```
 */
export function checkMsiCount(kind: MsiKind, count: number): void {
  const max = MSI_MAX_COUNT[kind];
  if (!Number.isSafeInteger(count) || count < 1 || count > max) {
    throw new AllocError("INVALID_REQUEST", `${kind} count must be an integer in 1..${max}; got ${String(count)}`, { argument: "count", value: count });
  }
  if (kind === "pci-msi" && (count & (count - 1)) !== 0) {
    throw new AllocError("INVALID_REQUEST", `pci-msi count must be a power of two (1, 2, 4, 8, 16, 32); got ${count}`, {
      argument: "count",
      value: count,
    });
  }
}

/**
 * The MSI vector pool.
 *
 * @example
 * ```ts
 * const msi = new MsiPool(presetLayout("x86_64").msi);
 * msi.allocateVectors("nvme0", "pci-msi", 4); // [24, 27], aligned to 4
 * ```
 */
export class MsiPool extends RangePool {
  constructor(layout: PoolLayout) {
    super("msi", layout.ranges, layout.reserved);
  }

  /** A block of `count` vectors for `kind`; `undefined` when nothing fits. */
  tryAllocateVectors(owner: string, kind: MsiKind, count: number, window?: Range): Range | undefined {
    checkMsiCount(kind, count);
    return this.tryAllocate(owner, {
      size: count,
      ...(kind === "pci-msi" ? { align: count } : {}),
      ...(window === undefined ? {} : { min: window.min, max: window.max }),
    });
  }

  /** Like {@link MsiPool.tryAllocateVectors} but throws `NO_FIT`. */
  allocateVectors(owner: string, kind: MsiKind, count: number): Range {
    const r = this.tryAllocateVectors(owner, kind, count);
    if (r === undefined) throw new AllocError("NO_FIT", `msi: no block of ${count} ${kind} vectors is free`, { pool: "msi", owner });
    return r;
  }

  /** Who holds a vector. */
  ownerOfVector(vector: MsiVector): OwnerRecord | undefined {
    return this.ownerAt(vector);
  }
}
