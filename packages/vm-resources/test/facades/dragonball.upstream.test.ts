// kata-containers src/dragonball/src/resource_manager.rs and
// src/dragonball/crates/dbs_device/src/resources.rs unit tests, ported one for
// one with their names; the resource manager tests run for both arches they
// compile for. Deviations are asserted as ours and explained.
import { describe, expect, it } from "vitest";
import { Constraint, DeviceResources, DragonballResourceManager, MsiIrqType, Resource, ResourceConstraint } from "../../src/facades/dragonball/index.js";
import { expectAllocError } from "../helpers.js";

const ARCH = {
  x86_64: { LEGACY_IRQ_BASE: 5, LEGACY_IRQ_MAX: 15, MSI_IRQ_MAX: 1023, KVM_USER_MEM_SLOTS: 509 },
  aarch64: { LEGACY_IRQ_BASE: 32, LEGACY_IRQ_MAX: 159, MSI_IRQ_MAX: 1023, KVM_USER_MEM_SLOTS: 512 },
} as const;

describe.each(["x86_64", "aarch64"] as const)("resource_manager.rs (%s)", (arch) => {
  const A = ARCH[arch];
  const SHARED_IRQ = A.LEGACY_IRQ_BASE;
  const mk = (): DragonballResourceManager => new DragonballResourceManager(undefined, { arch });

  it("test_allocate_legacy_irq", () => {
    const mgr = mk();
    expect(mgr.allocateLegacyIrq(true, undefined)).toBe(SHARED_IRQ);
    expect(mgr.allocateLegacyIrq(true, undefined)).toBe(SHARED_IRQ);
    mgr.freeLegacyIrq(SHARED_IRQ);
    mgr.freeLegacyIrq(SHARED_IRQ);
    mgr.freeLegacyIrq(SHARED_IRQ);
    expect(mgr.allocateLegacyIrq(false, A.LEGACY_IRQ_BASE + 10)).toBe(A.LEGACY_IRQ_BASE + 10);
    mgr.freeLegacyIrq(A.LEGACY_IRQ_BASE + 10);
    expect(mgr.allocateLegacyIrq(false, A.LEGACY_IRQ_BASE + 10)).toBe(A.LEGACY_IRQ_BASE + 10);
    expect(mgr.allocateLegacyIrq(false, A.LEGACY_IRQ_BASE + 10)).toBeUndefined();
    expect(mgr.allocateLegacyIrq(false, undefined)).toBeDefined();
    expect(mgr.allocateLegacyIrq(false, A.LEGACY_IRQ_BASE - 1)).toBeUndefined();
    expect(mgr.allocateLegacyIrq(false, A.LEGACY_IRQ_MAX + 1)).toBeUndefined();
    expect(mgr.allocateLegacyIrq(false, SHARED_IRQ)).toBeUndefined();
    mgr.manager.checkInvariants();
  });
  it("test_invalid_free_legacy_irq", () => {
    expectAllocError(() => mk().freeLegacyIrq(A.LEGACY_IRQ_MAX + 1), "INVALID_RANGE");
  });
  it("test_allocate_msi_irq", () => {
    const mgr = mk();
    let msi = mgr.allocateMsiIrq(3)!;
    mgr.freeMsiIrq(msi, 3);
    msi = mgr.allocateMsiIrq(3)!;
    mgr.freeMsiIrq(msi, 3);
    let irq = mgr.allocateMsiIrqAligned(8)!;
    expect(irq & 0x7).toBe(0);
    // Upstream frees `msi` with count 8 here; it is the same block as `irq` (both the pool's first vector).
    expect(msi).toBe(irq);
    mgr.freeMsiIrq(msi, 8);
    irq = mgr.allocateMsiIrqAligned(8)!;
    expect(irq & 0x7).toBe(0);
    irq = mgr.allocateMsiIrqAligned(512)!;
    expect(irq).toBe(512);
    mgr.freeMsiIrq(irq, 512);
    irq = mgr.allocateMsiIrqAligned(512)!;
    expect(irq).toBe(512);
    expect(mgr.allocateMsiIrq(4099)).toBeUndefined();
    mgr.manager.checkInvariants();
  });
  it("test_invalid_free_msi_irq", () => {
    expectAllocError(() => mk().freeMsiIrq(A.MSI_IRQ_MAX, 3), "INVALID_RANGE");
  });
  it("test_allocate_pio_addr", () => {
    const mgr = mk();
    expect(mgr.allocatePioAddressSimple(10)).toBeDefined();
    const requests = [
      ResourceConstraint.pioWithConstraints(0x2000, undefined, 0x1000),
      ResourceConstraint.pioWithConstraints(0x1000, [0x8000, 0x9000], 0x1000),
      ResourceConstraint.pioWithConstraints(0x1000, [0x9000, 0xa000], 0x1000),
      ResourceConstraint.pioWithConstraints(0x1000, [0xb000, 0xc000], 0x1000),
    ];
    let res = mgr.allocateDeviceResources(requests, false);
    mgr.freeDeviceResources(res);
    res = mgr.allocateDeviceResources(requests, false);
    mgr.freeDeviceResources(res);
    const more = [...requests, ResourceConstraint.pioWithConstraints(0x1000, [0xc000, 0xc000], 0x1000)];
    const before = mgr.manager.snapshot();
    expectAllocError(() => mgr.allocateDeviceResources(more, false), "NO_FIT");
    expect(mgr.manager.snapshot()).toBe(before);
    res = mgr.allocateDeviceResources(more.slice(0, -1), false);
    mgr.freeDeviceResources(res);
    mgr.manager.checkInvariants();
  });
  it("test_invalid_free_pio_addr", () => {
    expectAllocError(() => mk().freePioAddress(0xffff, 3), "INVALID_RANGE");
  });
  it("test_allocate_kvm_mem_slot", () => {
    const mgr = mk();
    expect(mgr.allocateKvmMemSlot(1, undefined)).toBe(0);
    expect(mgr.allocateKvmMemSlot(1, 200)).toBe(200);
    mgr.freeKvmMemSlot(200);
    expect(mgr.allocateKvmMemSlot(1, 200)).toBe(200);
    // Deviation: upstream's pool is Range::new(0, KVM_USER_MEM_SLOTS), inclusive, so it
    // hands out slot KVM_USER_MEM_SLOTS, which KVM does not have (slots are 0..N-1).
    expect(mgr.allocateKvmMemSlot(1, A.KVM_USER_MEM_SLOTS)).toBeUndefined();
    expect(mgr.allocateKvmMemSlot(1, A.KVM_USER_MEM_SLOTS - 1)).toBe(A.KVM_USER_MEM_SLOTS - 1);
    expect(mgr.allocateKvmMemSlot(1, A.KVM_USER_MEM_SLOTS + 1)).toBeUndefined();
  });
  it("test_allocate_mmio_address", () => {
    const mgr = mk();
    if (arch === "x86_64") {
      // Can't allocate from the reserved region.
      expect(
        mgr.allocateMmioAddress(
          Constraint.new(0x100_0000n)
            .min(0x1_0000_0000n - 0x200_0000n)
            .max(0xffff_ffffn),
        ),
      ).toBeUndefined();
    }
    expect(mgr.allocateMmioAddress(Constraint.new(0x100_0000n).min(0x1_0000_0000n - 0x200_0000n))).toBeDefined();
    if (arch === "x86_64") {
      expect(
        mgr.allocateMemAddress(
          Constraint.new(0x100_0000n)
            .min(0x1_0000_0000n - 0x200_0000n)
            .max(0xffff_ffffn),
        ),
      ).toBeUndefined();
    } else {
      expect(
        mgr.allocateMemAddress(
          Constraint.new(0x200_0000n)
            .min(0x1_0000_0000n - 0x200_0000n)
            .max(0xffff_fffen),
        ),
      ).toBeUndefined();
    }
    expect(mgr.allocateMemAddress(Constraint.new(0x100_0000n).min(0x1_0000_0000n - 0x200_0000n))).toBeDefined();
    mgr.manager.checkInvariants();
  });
  it("test_allocate_duplicate_memory", () => {
    // Upstream is #[should_panic]: the second allocation fails and its unwrap-assert panics.
    const mgr = mk();
    const c = Constraint.new(0x100_0000n)
      .min(0x1_0000_0000n)
      .max(0x1_0000_0000n + 0x100_0000n);
    expect(mgr.allocateMemAddress(c)).toBeDefined();
    expect(mgr.allocateMemAddress(c)).toBeUndefined();
  });
});

describe("dbs_device resources.rs", () => {
  const PIO_ADDRESS_SIZE = 5;
  const PIO_ADDRESS_BASE = 0;
  const MMIO_ADDRESS_SIZE = 0x8765_4321n;
  const MMIO_ADDRESS_BASE = 0x1234_5678n;
  const MEM_ADDRESS_SIZE = 0x8765_4321n;
  const MEM_ADDRESS_BASE = 0x1234_5678n;
  const LEGACY_IRQ = 0x168;
  const PCI_MSI_IRQ_SIZE = 0x8888;
  const PCI_MSI_IRQ_BASE = 0x6666;
  const PCI_MSIX_IRQ_SIZE = 0x16666;
  const PCI_MSIX_IRQ_BASE = 0x8888;
  const GENERIC_MSI_IRQS_SIZE = 0x16888;
  const GENERIC_MSI_IRQS_BASE = 0x16688;
  const MAC_ADDRESS = "00:08:63:66:86:88";
  const KVM_SLOT_ID = 0x0100;

  function getDeviceResource(): DeviceResources {
    const resource = DeviceResources.new();
    const entries = [
      Resource.PioAddressRange(PIO_ADDRESS_BASE, PIO_ADDRESS_SIZE),
      Resource.MmioAddressRange(MMIO_ADDRESS_BASE, MMIO_ADDRESS_SIZE),
      Resource.MemAddressRange(MEM_ADDRESS_BASE, MEM_ADDRESS_SIZE),
      Resource.LegacyIrq(LEGACY_IRQ),
      Resource.MsiIrq(MsiIrqType.PciMsi, PCI_MSI_IRQ_BASE, PCI_MSI_IRQ_SIZE),
      Resource.MsiIrq(MsiIrqType.PciMsix, PCI_MSIX_IRQ_BASE, PCI_MSIX_IRQ_SIZE),
      Resource.MsiIrq(MsiIrqType.GenericMsi, GENERIC_MSI_IRQS_BASE, GENERIC_MSI_IRQS_SIZE),
      Resource.MacAddress(MAC_ADDRESS),
      Resource.KvmMemSlot(KVM_SLOT_ID),
    ];
    entries.forEach((e, i) => {
      resource.append(e);
      expect(resource.at(i)).toEqual(e);
    });
    return resource;
  }

  it("get_pio_address_ranges", () => {
    const resources = getDeviceResource();
    expect(resources.getPioAddressRanges()[0]).toEqual([PIO_ADDRESS_BASE, PIO_ADDRESS_SIZE]);
    expect(resources.at(0)).toEqual(Resource.PioAddressRange(PIO_ADDRESS_BASE, PIO_ADDRESS_SIZE));
    expect(resources.at(0)).not.toEqual(resources.at(1));
    const copy = resources.getAllResources();
    expect(copy.length).toBe(resources.length);
    expect(copy[0]).toEqual(Resource.PioAddressRange(PIO_ADDRESS_BASE, PIO_ADDRESS_SIZE));
  });
  it("test_get_mmio_address_ranges", () => {
    expect(getDeviceResource().getMmioAddressRanges()[0]).toEqual([MMIO_ADDRESS_BASE, MMIO_ADDRESS_SIZE]);
  });
  it("test_get_mem_address_ranges", () => {
    expect(getDeviceResource().getMemAddressRanges()[0]).toEqual([MEM_ADDRESS_BASE, MEM_ADDRESS_SIZE]);
  });
  it("test_get_legacy_irq", () => {
    expect(getDeviceResource().getLegacyIrq()).toBe(LEGACY_IRQ);
    expect(new DeviceResources().getLegacyIrq()).toBeUndefined();
  });
  it("test_get_pci_msi_irqs", () => {
    expect(getDeviceResource().getPciMsiIrqs()).toEqual([PCI_MSI_IRQ_BASE, PCI_MSI_IRQ_SIZE]);
    expect(new DeviceResources().getGenericMsiIrqs()).toBeUndefined();
  });
  it("test_get_pci_msix_irqs", () => {
    expect(getDeviceResource().getPciMsixIrqs()).toEqual([PCI_MSIX_IRQ_BASE, PCI_MSIX_IRQ_SIZE]);
    expect(new DeviceResources().getGenericMsiIrqs()).toBeUndefined();
  });
  it("test_get_generic_msi_irqs", () => {
    expect(getDeviceResource().getGenericMsiIrqs()).toEqual([GENERIC_MSI_IRQS_BASE, GENERIC_MSI_IRQS_SIZE]);
    expect(new DeviceResources().getGenericMsiIrqs()).toBeUndefined();
  });
  it("test_get_mac_address", () => {
    expect(getDeviceResource().getMacAddress()).toBe(MAC_ADDRESS);
    expect(new DeviceResources().getMacAddress()).toBeUndefined();
  });
  it("test_get_kvm_slot", () => {
    expect(getDeviceResource().getKvmMemSlots()).toEqual([KVM_SLOT_ID]);
  });
  it("test_get_all_resources", () => {
    expect(getDeviceResource().getAllResources().length).toBe(9);
  });
  it("test_resource_constraint", () => {
    const pio = ResourceConstraint.newPio(2);
    const pio2 = pio;
    expect(pio2).toEqual(pio);
    expect(pio).not.toEqual(ResourceConstraint.newMmio(0x1000));
    expect(ResourceConstraint.newPio(2)).toEqual({ kind: "PioAddress", range: undefined, align: 1, size: 2 });
    expect(ResourceConstraint.pioWithConstraints(2, [15, 16], 2)).toEqual({ kind: "PioAddress", range: [15, 16], align: 2, size: 2 });
    expect(ResourceConstraint.newMmio(0x2000)).toEqual({ kind: "MmioAddress", range: undefined, align: 0x1000n, size: 0x2000n });
    expect(ResourceConstraint.mmioWithConstraints(0x2000, [0x0, 0x2000], 0x2000)).toEqual({
      kind: "MmioAddress",
      range: [0n, 0x2000n],
      align: 0x2000n,
      size: 0x2000n,
    });
    expect(ResourceConstraint.newMem(0x2000)).toEqual({ kind: "MemAddress", range: undefined, align: 0x1000n, size: 0x2000n });
    expect(ResourceConstraint.memWithConstraints(0x2000, [0x0, 0x2000], 0x2000)).toEqual({
      kind: "MemAddress",
      range: [0n, 0x2000n],
      align: 0x2000n,
      size: 0x2000n,
    });
    expect(ResourceConstraint.newLegacyIrq(0x123)).toEqual({ kind: "LegacyIrq", irq: 0x123 });
    expect(ResourceConstraint.newPciMsiIrq(0x123)).toEqual({ kind: "PciMsiIrq", size: 0x123 });
    expect(ResourceConstraint.newPciMsixIrq(0x123)).toEqual({ kind: "PciMsixIrq", size: 0x123 });
    expect(ResourceConstraint.newGenericIrq(0x123)).toEqual({ kind: "GenericIrq", size: 0x123 });
    expect(ResourceConstraint.newKvmMemSlot(0x1000, 0x2000)).toEqual({ kind: "KvmMemSlot", slot: 0x2000, size: 0x1000 });
  });
  it("test_resources_deref", () => {
    const resources = getDeviceResource();
    let count = 0;
    for (const _ of resources) count++;
    expect(count).toBe(resources.length);
  });
});
