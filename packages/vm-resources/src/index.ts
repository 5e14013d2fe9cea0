/**
 * `@alloc/vm-resources`: typed VMM resource pools, a resource manager with
 * owners, reservations, exact placement and atomic moves, canonical snapshots,
 * and the `alloc-plan` planner.
 */
export { AllocError, isAllocError } from "@alloc/constraint";
export { deviceId, guestAddress, irq, memSlot, mmioAddress, msiVector, pioPort } from "./brands.js";
export type { Brand, DeviceId, GuestAddress, Irq, MemSlot, MmioAddress, MsiVector, PioPort } from "./brands.js";
export { ID_POOL_MAX, POOL_NAMES, PoolName, checkedLayout, defineLayout, layoutToJSON, ramRegions } from "./Layout.js";
export type { Layout, LayoutInit, PoolLayout, PoolLayoutInit, RangeInit, Reservation, ReservationInit } from "./Layout.js";
export { FIRECRACKER_SYSTEM_MEMORY, PRESETS, PRESET_CONSTANTS, presetLayout } from "./presets.js";
export type { Arch, Flavor, PresetOptions } from "./presets.js";
export { PoolView, holderName } from "./pools/Pool.js";
export type { OwnerRecord, PoolEntry, ResourcePoolStats } from "./pools/Pool.js";
export { kindNamed } from "./kinds/registry.js";
export type { At, EntryWriter, Placement, ResourceKind, ResourceReader } from "./kinds/Kind.js";
export { POOL_OF_KIND, REQUEST_KINDS, checkRequest, describeRequest, describeResource, pciBar } from "./requests.js";
export type {
  DeviceIdRequest,
  LegacyIrqRequest,
  MemRequest,
  MemSlotRequest,
  MmioRequest,
  DeviceIdResource,
  LegacyIrqResource,
  MemResource,
  MemSlotResource,
  MmioResource,
  MmioWindow,
  MsiBlock,
  MsiKind,
  MsiRequest,
  PioRequest,
  PioResource,
  RangeBounds,
  RequestKind,
  Resource,
  ResourceRequest,
} from "./requests.js";
export { ResourceManager, placeOf } from "./ResourceManager.js";
export type { IrqPoolView, MmioPoolView, Place } from "./ResourceManager.js";
export { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, SNAPSHOT_VERSIONS_READ, canonicalJSON, readSnapshot } from "./Snapshot.js";
export type { RestoredOwner, RestoredState } from "./Snapshot.js";
export { RAM_OWNER, parseVmDescription } from "./description.js";
export type { DeviceDescription, VmDescription } from "./description.js";
export { EXAMPLE_MICROVM } from "./example.js";
export { formatPlan, planToJSON, planVm } from "./plan.js";
export type { Plan, PlannedDevice } from "./plan.js";
export { SVG_SCALES, renderSvg, xmlEscape } from "./svg.js";
export type { SvgOptions, SvgScale } from "./svg.js";
export { entryJSON, resourceJSON } from "./Snapshot.js";
