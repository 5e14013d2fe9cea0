/**
 * `@alloc/vm-resources/firecracker`: Firecracker's `ResourceAllocator`
 * (`src/vmm/src/vstate/resources.rs`) for x86_64 and aarch64, over one
 * {@link ResourceManager}; its fields are the rust-vmm facade's allocators.
 *
 * @example
 * ```ts
 * import { AllocPolicy, ResourceAllocator } from "@alloc/vm-resources/firecracker";
 * const ra = new ResourceAllocator("aarch64");
 * const [gsi] = ra.allocateGsiLegacy(1);
 * const mmio = ra.mmio32Memory.allocate(0x1000, 0x1000, AllocPolicy.FirstMatch);
 * ```
 */
export { FIRECRACKER_LAYOUT, ResourceAllocator } from "./ResourceAllocator.js";
export type { FirecrackerArchLayout, ResourceAllocatorState, SavedRange } from "./ResourceAllocator.js";
export { AddressAllocator, AllocPolicy, IdAllocator, RangeInclusive } from "../rust-vmm/index.js";
