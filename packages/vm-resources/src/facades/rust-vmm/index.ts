/**
 * `@alloc/vm-resources/rust-vmm`: rust-vmm vm-allocator 0.1.x's
 * `AddressAllocator` and `IdAllocator` (with Firecracker's `allocateIdAt` and
 * `isAllocated`), as thin views of a {@link ResourceManager}'s pools.
 *
 * @example
 * ```ts
 * import { AddressAllocator, AllocPolicy } from "@alloc/vm-resources/rust-vmm";
 * const mmio = new AddressAllocator(0xc000_0000n, 0x1000_0000n);
 * const bar = mmio.allocate(0x4000, 0x4000, AllocPolicy.FirstMatch);
 * ```
 */
export { AddressAllocator } from "./AddressAllocator.js";
export type { AddressAllocatorOptions } from "./AddressAllocator.js";
export { AllocPolicy, Constraint } from "./AllocPolicy.js";
export { IdAllocator } from "./IdAllocator.js";
export type { IdAllocatorOptions, IdPoolName } from "./IdAllocator.js";
export { RangeInclusive } from "./RangeInclusive.js";
