// Firecracker src/vmm/src/vstate/resources.rs unit tests (mod resource_allocator,
// mod id_allocator), ported one for one with their names, for each arch the
// upstream tests compile for. Deviations are asserted as ours and explained.
import { describe, expect, it } from "vitest";
import { AllocPolicy, FIRECRACKER_LAYOUT, IdAllocator, ResourceAllocator } from "../../src/facades/firecracker/index.js";
import { expectAllocError } from "../helpers.js";

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe.each(["x86_64", "aarch64"] as const)("resource_allocator (%s)", (arch) => {
  const L = FIRECRACKER_LAYOUT[arch];
  it("test_allocate_irq", () => {
    let ra = new ResourceAllocator(arch);
    expect(ra.allocateGsiLegacy(0)).toEqual([]);
    expectAllocError(() => ra.allocateGsiLegacy(L.GSI_LEGACY_NUM + 1), "NO_FIT");
    expect(ra.allocateGsiLegacy(L.GSI_LEGACY_NUM)).toEqual(range(L.GSI_LEGACY_START, L.GSI_LEGACY_END));
    expectAllocError(() => ra.allocateGsiLegacy(1), "NO_FIT");
    expect(ra.allocateGsiLegacy(0)).toEqual([]);
    ra = new ResourceAllocator(arch);
    expect(ra.allocateGsiLegacy(1)).toEqual([L.GSI_LEGACY_START]);
    expectAllocError(() => ra.allocateGsiLegacy(L.GSI_LEGACY_NUM), "NO_FIT");
    expect(ra.allocateGsiLegacy(1)).toEqual([L.GSI_LEGACY_START + 1]);
    for (let i = L.GSI_LEGACY_START + 2; i <= L.GSI_LEGACY_END; i++) expect(ra.allocateGsiLegacy(1)).toEqual([i]);
    ra.manager.checkInvariants();
  });
  it("test_allocate_gsi", { timeout: 30_000 }, () => {
    let ra = new ResourceAllocator(arch);
    expect(ra.allocateGsiMsi(0)).toEqual([]);
    expectAllocError(() => ra.allocateGsiMsi(L.GSI_MSI_NUM + 1), "NO_FIT");
    expect(ra.allocateGsiMsi(L.GSI_MSI_NUM)).toEqual(range(L.GSI_MSI_START, L.GSI_MSI_END));
    expectAllocError(() => ra.allocateGsiMsi(1), "NO_FIT");
    expect(ra.allocateGsiMsi(0)).toEqual([]);
    ra = new ResourceAllocator(arch);
    expect(ra.allocateGsiMsi(1)).toEqual([L.GSI_MSI_START]);
    expectAllocError(() => ra.allocateGsiMsi(L.GSI_MSI_NUM), "NO_FIT");
    expect(ra.allocateGsiMsi(1)).toEqual([L.GSI_MSI_START + 1]);
    for (let i = L.GSI_MSI_START + 2; i <= L.GSI_MSI_END; i++) expect(ra.allocateGsiMsi(1)).toEqual([i]);
  });
  it("test_persist_omits_gsi_allocators", () => {
    const ra = new ResourceAllocator(arch);
    const legacy = ra.allocateGsiLegacy(1)[0];
    const msi = ra.allocateGsiMsi(1)[0];
    const mmio = ra.mmio32Memory.allocate(1024, 1024, AllocPolicy.FirstMatch);
    const restored = ResourceAllocator.restore(JSON.parse(JSON.stringify(ra.save())));
    expect(restored.allocateGsiLegacy(1)[0]).toBe(legacy);
    expect(restored.allocateGsiMsi(1)[0]).toBe(msi);
    // Upstream: unwrap_err (ResourceNotAvailable); ours names the holder (CONFLICT).
    expectAllocError(() => restored.mmio32Memory.allocate(1024, 1024, AllocPolicy.ExactMatch(mmio.start())), "CONFLICT");
    restored.manager.checkInvariants();
  });
});

describe("id_allocator", () => {
  it("test_slot_id_allocation", () => {
    expectAllocError(() => new IdAllocator(23, 5), "INVALID_RANGE");
    const ids = new IdAllocator(5, 23);
    // Upstream checks `range_base` and the bitmap length; ours: the pool's size.
    expect(ids.manager.stats().legacyIrq.total).toBe(19n);
    const id = ids.allocateId();
    expect(id).toBe(5);
    expect(ids.isAllocated(id)).toBe(true);
    expect(ids.allocateId()).toBe(6);
    for (let i = 2; i < 19; i++) ids.allocateId();
    expectAllocError(() => ids.allocateId(), "NO_FIT");
  });
  it("test_u32_max_exhaustion", () => {
    const ids = new IdAllocator(0xffff_fffe, 0xffff_ffff);
    expect(ids.allocateId()).toBe(0xffff_fffe);
    expect(ids.allocateId()).toBe(0xffff_ffff);
    expectAllocError(() => ids.allocateId(), "NO_FIT");
  });
  it("test_slot_id_free", () => {
    const ids = new IdAllocator(5, 23);
    // Upstream: OutOfRange(3).
    expectAllocError(() => ids.freeId(3), "NOT_FOUND");
    for (let i = 1; i < 10; i++) ids.allocateId();
    ids.freeId(10);
    expect(ids.isAllocated(10)).toBe(false);
    // Upstream: NeverAllocated(10).
    expectAllocError(() => ids.freeId(10), "NOT_ALLOCATED");
    ids.freeId(9);
    expect(ids.isAllocated(9)).toBe(false);
    expect(ids.allocateId()).toBe(9);
    expect(ids.isAllocated(9)).toBe(true);
    expect(ids.isAllocated(10)).toBe(false);
    expectAllocError(() => ids.freeId(21), "NOT_ALLOCATED");
  });
  it("test_free_id_never_allocated_boundary", () => {
    const ids = new IdAllocator(5, 23);
    expectAllocError(() => ids.freeId(5), "NOT_ALLOCATED");
    for (let i = 0; i < 3; i++) ids.allocateId();
    expect(ids.isAllocated(7)).toBe(true);
    expect(ids.isAllocated(8)).toBe(false);
    expectAllocError(() => ids.freeId(8), "NOT_ALLOCATED");
  });
  it("test_is_allocated", () => {
    const ids = new IdAllocator(5, 23);
    expect([ids.isAllocated(4), ids.isAllocated(24), ids.isAllocated(10)]).toEqual([false, false, false]);
    expect(ids.allocateId()).toBe(5);
    expect([ids.isAllocated(5), ids.isAllocated(6)]).toEqual([true, false]);
    ids.freeId(5);
    expect(ids.isAllocated(5)).toBe(false);
    expect(ids.allocateId()).toBe(5);
    expect(ids.isAllocated(5)).toBe(true);
  });
  it("test_is_allocated_full_range", () => {
    const ids = new IdAllocator(0xffff_fffe, 0xffff_ffff);
    expect([ids.isAllocated(0xffff_fffe), ids.isAllocated(0xffff_ffff)]).toEqual([false, false]);
    expect(ids.allocateId()).toBe(0xffff_fffe);
    expect([ids.isAllocated(0xffff_fffe), ids.isAllocated(0xffff_ffff)]).toEqual([true, false]);
    expect(ids.allocateId()).toBe(0xffff_ffff);
    expect(ids.isAllocated(0xffff_ffff)).toBe(true);
    ids.freeId(0xffff_ffff);
    expect([ids.isAllocated(0xffff_fffe), ids.isAllocated(0xffff_ffff)]).toEqual([true, false]);
  });
  it("test_is_allocated_with_freed", () => {
    const ids = new IdAllocator(5, 23);
    ids.allocateId();
    ids.allocateId();
    expect([ids.isAllocated(6), ids.isAllocated(7)]).toEqual([true, false]);
    ids.freeId(5);
    expect([ids.isAllocated(5), ids.isAllocated(6), ids.isAllocated(7)]).toEqual([false, true, false]);
  });
  it("test_allocate_id_at", () => {
    const ids = new IdAllocator(5, 8);
    expect(ids.allocateIdAt(7)).toBe(7);
    expect(ids.isAllocated(7)).toBe(true);
    // Upstream: ResourceNotAvailable; ours names the holder (CONFLICT).
    expectAllocError(() => ids.allocateIdAt(7), "CONFLICT");
    // Upstream: OutOfRange(4), OutOfRange(9).
    expectAllocError(() => ids.allocateIdAt(4), "NOT_FOUND");
    expectAllocError(() => ids.allocateIdAt(9), "NOT_FOUND");
    expect([ids.allocateId(), ids.allocateId(), ids.allocateId()]).toEqual([5, 6, 8]);
    expectAllocError(() => ids.allocateId(), "NO_FIT");
  });
  it("test_out_of_range_checks", () => {
    const ids = new IdAllocator(5, 23);
    expect([ids.isAllocated(4), ids.isAllocated(25)]).toEqual([false, false]);
  });
});
