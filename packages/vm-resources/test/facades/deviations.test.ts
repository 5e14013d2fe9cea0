// One test per row of the README's deviation table: upstream's behaviour is
// quoted there with its line; each test asserts ours.
import { describe, expect, it } from "vitest";
import { Constraint, DragonballResourceManager, ResourceConstraint } from "../../src/facades/dragonball/index.js";
import { AddressAllocator, AllocPolicy, RangeInclusive } from "../../src/facades/rust-vmm/index.js";
import { expectAllocError } from "../helpers.js";

const U64_MAX = (1n << 64n) - 1n;
const free = (a: AddressAllocator): [bigint, bigint][] =>
  [...a.manager.entries(a.pool)].filter((e) => e.state === "free").map((e) => [e.range.min, e.range.max]);

describe("rust-vmm deviations", () => {
  it("1: freeing a range that starts at 1 frees and merges it", () => {
    const a = new AddressAllocator(1, 0x100);
    a.free(a.allocate(0x10, 1));
    expect(free(a)).toEqual([[1n, 0x100n]]);
  });
  it("2: a one-unit free neighbour is merged", () => {
    const a = new AddressAllocator(0, 0x100);
    const x = a.allocate(1, 1);
    const y = a.allocate(1, 1);
    a.allocate(1, 1);
    a.free(x);
    a.free(y);
    expect(free(a)).toEqual([
      [0n, 1n],
      [3n, 0xffn],
    ]);
  });
  it("3: ExactMatch fits a one-unit free block, also at 2^64-1", () => {
    const a = new AddressAllocator(0, 3);
    a.allocate(1, 1, AllocPolicy.ExactMatch(0));
    a.allocate(1, 1, AllocPolicy.ExactMatch(2));
    expect(String(a.allocate(1, 1, AllocPolicy.ExactMatch(1)))).toBe("[0x1, 0x1]");
    const top = new AddressAllocator(U64_MAX - 1n, 2);
    expect(top.allocate(1, 1, AllocPolicy.ExactMatch(U64_MAX)).end()).toBe(U64_MAX);
  });
  it("4: a block ending at 2^64-1 is allocated by first and last match too", () => {
    const a = new AddressAllocator(U64_MAX - 0xfffn, 0x1000);
    expect(a.allocate(0x100, 0x100, AllocPolicy.LastMatch).end()).toBe(U64_MAX);
  });
  it("5: LastMatch keeps looking below a node whose aligned start falls short", () => {
    const a = new AddressAllocator(0, 0x2000);
    a.allocate(0x100, 0x100, AllocPolicy.ExactMatch(0x1000));
    expect(String(a.allocate(0x800, 0x1000, AllocPolicy.LastMatch))).toBe("[0x0, 0x7ff]");
  });
  it("6: ExactMatch inside an allocated block is CONFLICT and changes nothing", () => {
    const a = new AddressAllocator(0, 0x2000);
    a.allocate(0x1000, 1);
    const before = a.manager.snapshot();
    expect(expectAllocError(() => a.allocate(0x100, 0x100, AllocPolicy.ExactMatch(0x800)), "CONFLICT").details.conflictOwner).toBe("rust-vmm:mmio#0");
    expect(a.manager.snapshot()).toBe(before);
  });
  it("7: freeing a free range is NOT_ALLOCATED", () => {
    expectAllocError(() => new AddressAllocator(0, 0x1000).free(new RangeInclusive(0, 0xfff)), "NOT_ALLOCATED");
  });
  it("8: [0, 2^64-1] is a range", () => {
    expect(new RangeInclusive(0, U64_MAX).len()).toBe(1n << 64n);
  });
});

describe("Dragonball deviations", () => {
  it("10: slot KVM_USER_MEM_SLOTS does not exist", () => {
    expect(new DragonballResourceManager().allocateKvmMemSlot(1, 509)).toBeUndefined();
    expect(new DragonballResourceManager(32).allocateKvmMemSlot(1, 31)).toBe(31);
  });
  it("11: freeing MMIO that was never allocated is refused and adds nothing", () => {
    const mgr = new DragonballResourceManager();
    const before = mgr.manager.snapshot();
    expectAllocError(() => mgr.freeMmioAddress(0x1000, 0x1000), "NOT_ALLOCATED");
    expectAllocError(() => mgr.freeMmioAddress(0xfc00_0000n, 0x1000), "RESERVED");
    expect(mgr.manager.snapshot()).toBe(before);
  });
  it("12: free_pio_address(b, 0) is INVALID_SIZE", () => {
    expectAllocError(() => new DragonballResourceManager().freePioAddress(0x10, 0), "INVALID_SIZE");
    expectAllocError(() => new DragonballResourceManager().freePioAddress(0, 0), "INVALID_SIZE");
  });
  it("13: the last port can be freed", () => {
    const mgr = new DragonballResourceManager();
    expect(mgr.allocatePioAddress(Constraint.new(1).min(0xffff))).toBe(0xffff);
    mgr.freePioAddress(0xffff, 1);
    expect(mgr.manager.owners()).toEqual([]);
  });
  it("14: a memory range ending at GUEST_MEM_END can be freed", () => {
    const mgr = new DragonballResourceManager(undefined, { physBits: 40 });
    const end = (1n << 39n) - 1n;
    const base = mgr.allocateMemAddress(Constraint.new(0x1000).min(end - 0xfffn))!;
    expect(base + 0xfffn).toBe(end);
    mgr.freeMemAddress(base, 0x1000);
    expect(mgr.manager.owners()).toEqual([]);
  });
  it("15: freeDeviceResources checks everything first: all or none", () => {
    const mgr = new DragonballResourceManager();
    const res = mgr.allocateDeviceResources([ResourceConstraint.newPio(8), ResourceConstraint.newMmio(0x1000)], false);
    mgr.freePioAddress(res.getPioAddressRanges()[0]![0], 8);
    const before = mgr.manager.snapshot();
    expectAllocError(() => mgr.freeDeviceResources(res), "NOT_ALLOCATED");
    expect(mgr.manager.snapshot()).toBe(before);
  });
  it("16: a block of memory slots is placed at a fixed slot and freed whole", () => {
    const mgr = new DragonballResourceManager();
    expect(mgr.allocateKvmMemSlot(3, 10)).toBe(10);
    mgr.freeKvmMemSlot(10);
    expect(mgr.allocateKvmMemSlot(3, 10)).toBe(10);
    expect(mgr.allocateKvmMemSlot(1, 12)).toBeUndefined();
  });
  it("17: allocateMsiIrqAligned needs a power-of-two count; blocks beyond 32 are aligned generic MSI", () => {
    const mgr = new DragonballResourceManager();
    expect(mgr.allocateMsiIrqAligned(32)).toBe(32);
    const heldAt = (v: number): readonly unknown[] => mgr.manager.resourcesOf((mgr.manager.ownerOf("msi", v) as { owner: string }).owner);
    expect(heldAt(32)).toEqual([{ kind: "pci-msi", base: 32, count: 32 }]);
    expectAllocError(() => mgr.allocateMsiIrqAligned(3), "INVALID_REQUEST");
    expectAllocError(() => mgr.allocateMsiIrqAligned(96), "INVALID_REQUEST");
    expect(mgr.allocateMsiIrqAligned(64)).toBe(64);
    expect(heldAt(64)).toEqual([{ kind: "generic-msi", base: 64, count: 64 }]);
    // 128..255 is the next aligned block of 128 (0..127 is partly outside the window, partly taken).
    expect(mgr.allocateMsiIrqAligned(128)).toBe(128);
    expect(mgr.allocateMsiIrq(1)).toBe(24);
    expect(mgr.allocateMsiIrqAligned(1024)).toBeUndefined();
    expect(mgr.allocateMsiIrqAligned(4096)).toBeUndefined();
    mgr.manager.checkInvariants();
  });
  it("18: the i8042 and PCI configuration ports are never handed out on x86_64", () => {
    const mgr = new DragonballResourceManager();
    expect(mgr.allocatePioAddress(Constraint.new(1).min(0x60).max(0x64))).toBeUndefined();
    expect(mgr.allocatePioAddress(Constraint.new(8).min(0xcf8).max(0xcff))).toBeUndefined();
    expect(new DragonballResourceManager(undefined, { arch: "aarch64" }).allocatePioAddress(Constraint.new(1).min(0x60).max(0x64))).toBe(0x60);
  });
  it("19: the platform hole is the top 64 MiB below 4 GiB", () => {
    const mgr = new DragonballResourceManager();
    expect(mgr.manager.ownerOf("mmio", 0xffff_ffffn)).toMatchObject({ kind: "reserved" });
    expect(mgr.manager.ownerOf("mmio", 0xfbff_ffffn)).toBeUndefined();
  });
  it("20: initMemPool twice changes nothing", () => {
    const mgr = new DragonballResourceManager();
    const before = mgr.manager.snapshot();
    mgr.initMemPool();
    mgr.initMemPool();
    expect(mgr.manager.snapshot()).toBe(before);
    expect(mgr.isMemPoolEmpty()).toBe(false);
  });
});

describe("all facades", () => {
  it("21: bad input is a typed error; only nothing-fits is undefined", () => {
    const mgr = new DragonballResourceManager();
    expectAllocError(() => mgr.allocatePioAddressSimple(0), "INVALID_SIZE");
    expectAllocError(() => mgr.allocateMsiIrq(1.5), "INVALID_VALUE");
    expectAllocError(() => mgr.allocateLegacyIrq(false, "7" as never), "INVALID_VALUE");
    expectAllocError(() => mgr.allocateDeviceResources([{ kind: "Gpu" } as never], false), "INVALID_REQUEST");
    expectAllocError(() => new AddressAllocator(0, 0x100).allocate(0x10n, 4, { kind: "best" } as never), "INVALID_ARGUMENT");
    expect(mgr.manager.owners()).toEqual([]);
  });
});
