/**
 * `@alloc/vm-resources`: typed VMM resource pools, a resource manager with
 * owners, reservations, exact placement and atomic moves, canonical snapshots,
 * and the `alloc-plan` planner.
 */
export { AllocError, isAllocError } from "@alloc/constraint";
export { deviceId, guestAddress, irq, memSlot, mmioAddress, msiVector, pioPort } from "./brands.js";
export type { DeviceId, GuestAddress, Irq, MemSlot, MmioAddress, MsiVector, PioPort } from "./brands.js";
export { ID_POOL_MAX, POOL_NAMES, PoolName, defineLayout, layoutToJSON, ramRegions } from "./Layout.js";
export type { Layout, LayoutInit, PoolLayout, PoolLayoutInit, RangeInit, Reservation, ReservationInit } from "./Layout.js";
export { FIRECRACKER_SYSTEM_MEMORY, PRESETS, PRESET_CONSTANTS, presetLayout } from "./presets.js";
export type { Arch, Flavor, PresetOptions } from "./presets.js";
export { IdPool } from "./pools/IdPool.js";
export { IrqPool } from "./pools/IrqPool.js";
export { MemPool } from "./pools/MemPool.js";
export { MmioPool } from "./pools/MmioPool.js";
export type { MmioAsk, MmioWindow } from "./pools/MmioPool.js";
export { MSI_MAX_COUNT, MsiPool, checkMsiCount } from "./pools/MsiPool.js";
export type { MsiKind } from "./pools/MsiPool.js";
export { PioPool } from "./pools/PioPool.js";
export { RangePool, holderName, reservedOwnerName } from "./pools/RangePool.js";
export type { OwnerRecord, PoolEntry, ResourcePool, ResourcePoolStats } from "./pools/RangePool.js";
export { POOL_OF_KIND, REQUEST_KINDS, checkRequest, describeRequest, pciBar } from "./requests.js";
export type {
  DeviceIdRequest,
  LegacyIrqRequest,
  MemRequest,
  MemSlotRequest,
  MmioRequest,
  MsiRequest,
  PioRequest,
  RangeBounds,
  RequestKind,
  Resource,
  ResourceRequest,
} from "./requests.js";
export { ResourceManager, describeResource, placeOf } from "./ResourceManager.js";
export { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, canonicalJSON, restoreSnapshot, writeSnapshot } from "./Snapshot.js";
export type { SnapshotSource, SnapshotTarget } from "./Snapshot.js";
export { RAM_OWNER, parseVmDescription } from "./description.js";
export type { DeviceDescription, VmDescription } from "./description.js";
export { EXAMPLE_MICROVM } from "./example.js";
export { formatPlan, planToJSON, planVm } from "./plan.js";
export type { Plan, PlannedDevice } from "./plan.js";
export { renderSvg, xmlEscape } from "./svg.js";
export type { SvgOptions, SvgScale } from "./svg.js";
export { entryJSON, resourceJSON } from "./Snapshot.js";
