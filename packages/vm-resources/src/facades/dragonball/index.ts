/**
 * `@alloc/vm-resources/dragonball`: kata-containers Dragonball's
 * `ResourceManager` with dbs-device's `ResourceConstraint`, `Resource` and
 * `DeviceResources`, and dbs-allocator's `Constraint`, over one
 * {@link ResourceManager}.
 *
 * @example
 * ```ts
 * import { DragonballResourceManager, ResourceConstraint } from "@alloc/vm-resources/dragonball";
 * const mgr = new DragonballResourceManager();
 * const res = mgr.allocateDeviceResources([ResourceConstraint.newPio(8), ResourceConstraint.newLegacyIrq(undefined)], false);
 * res.getLegacyIrq(); // 6
 * ```
 */
export { Constraint } from "./Constraint.js";
export type { DbsAllocPolicy } from "./Constraint.js";
export { DragonballResourceManager } from "./DragonballResourceManager.js";
export type { DragonballOptions } from "./DragonballResourceManager.js";
export { DeviceResources, MsiIrqType, Resource, ResourceConstraint } from "./resources.js";
