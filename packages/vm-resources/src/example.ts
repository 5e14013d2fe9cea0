/**
 * The built-in example microVM planned by `alloc-plan` with no arguments:
 * x86_64 (Dragonball layout), 2 GiB, legacy serial and RTC, virtio-mmio
 * block/net/vsock/balloon (one page of MMIO each, Firecracker's `MMIO_LEN`),
 * a virtio-fs DAX window, and PCI devices with BARs and MSI-X. Plain JSON data.
 */

/**
 * The example VM description, as JSON data.
 *
 * @example
 * ```ts
 * const plan = planVm(parseVmDescription(EXAMPLE_MICROVM));
 * ```
 */
export const EXAMPLE_MICROVM: Record<string, unknown> = {
  name: "example-microvm",
  arch: "x86_64",
  flavor: "dragonball",
  memory: "2GiB",
  devices: [
    {
      name: "serial0",
      type: "serial (COM1)",
      requests: [
        { kind: "pio", base: "0x3f8", size: 8 },
        { kind: "legacy-irq", irq: 4 },
      ],
    },
    {
      name: "rtc0",
      type: "CMOS RTC",
      requests: [
        { kind: "pio", base: "0x70", size: 2 },
        { kind: "legacy-irq", irq: 8 },
      ],
    },
    { name: "virtio-blk0", type: "virtio-mmio block", requests: [{ kind: "mmio", size: "0x1000", align: "0x1000" }, { kind: "legacy-irq" }] },
    { name: "virtio-net0", type: "virtio-mmio net", requests: [{ kind: "mmio", size: "0x1000", align: "0x1000" }, { kind: "legacy-irq" }] },
    { name: "virtio-vsock0", type: "virtio-mmio vsock", requests: [{ kind: "mmio", size: "0x1000", align: "0x1000" }, { kind: "legacy-irq" }] },
    {
      name: "virtio-balloon0",
      type: "virtio-mmio balloon",
      requests: [
        { kind: "mmio", size: "0x1000", align: "0x1000" },
        { kind: "legacy-irq", shared: true },
      ],
    },
    {
      name: "virtio-fs0",
      type: "virtio-mmio fs + DAX",
      requests: [
        { kind: "mmio", size: "0x1000", align: "0x1000" },
        { kind: "legacy-irq" },
        { kind: "mem", size: "0x20000000", align: "0x200000" },
        { kind: "mem-slot" },
      ],
    },
    {
      name: "nvme0",
      type: "PCI NVMe (VFIO)",
      requests: [{ kind: "device-id" }, { kind: "bar", size: "0x4000", is64bit: true }, { kind: "bar", size: "0x1000" }, { kind: "pci-msix", count: 9 }],
    },
    {
      name: "gpu0",
      type: "PCI GPU (VFIO)",
      requests: [
        { kind: "device-id" },
        { kind: "bar", size: "0x1000000" },
        { kind: "bar", size: "0x10000000", is64bit: true, prefetchable: true },
        { kind: "pci-msi", count: 4 },
        { kind: "mem-slot", count: 2 },
      ],
    },
    {
      name: "virtio-net-pci1",
      type: "PCI virtio-net",
      requests: [{ kind: "device-id" }, { kind: "bar", size: "0x4000", is64bit: true, prefetchable: true }, { kind: "pci-msix", count: 3 }],
    },
  ],
};
