/** The `generic-msi` kind: a block of 1..2048 platform MSI vectors (the limit is our choice). */
import type { MsiBlock } from "../requests.js";
import type { ResourceKind } from "./Kind.js";
import { msiKind } from "./msiFamily.js";
import type { MsiPlan } from "./msiFamily.js";

/**
 * Generic (platform) MSI.
 *
 * @example
 * ```ts
 * rm.allocateDevice("gic-its-dev", [{ kind: "generic-msi", count: 2 }]);
 * ```
 */
export const genericMsi: ResourceKind<MsiPlan, MsiBlock & { readonly kind: "generic-msi" }> = msiKind("generic-msi", 2048, false);
