/** The `pci-msi` kind: a PCI MSI block, a power-of-two count of 1..32 vectors aligned to it. */
import type { MsiBlock } from "../requests.js";
import type { ResourceKind } from "./Kind.js";
import { msiKind } from "./msiFamily.js";
import type { MsiPlan } from "./msiFamily.js";

/**
 * PCI MSI (Multiple Message Enable allows 1, 2, 4, 8, 16 or 32 vectors).
 *
 * @example
 * ```ts
 * rm.allocateDevice("nic0", [{ kind: "pci-msi", count: 4 }]); // first vector aligned to 4
 * ```
 */
export const pciMsi: ResourceKind<MsiPlan, MsiBlock & { readonly kind: "pci-msi" }> = msiKind("pci-msi", 32, true);
