/** The `pci-msix` kind: a PCI MSI-X block of 1..2048 vectors (the table size limit). */
import type { MsiBlock } from "../requests.js";
import type { ResourceKind } from "./Kind.js";
import { msiKind } from "./msiFamily.js";
import type { MsiPlan } from "./msiFamily.js";

/**
 * PCI MSI-X.
 *
 * @example
 * ```ts
 * rm.allocateDevice("nvme0", [{ kind: "pci-msix", count: 9 }]);
 * ```
 */
export const pciMsix: ResourceKind<MsiPlan, MsiBlock & { readonly kind: "pci-msix" }> = msiKind("pci-msix", 2048, false);
