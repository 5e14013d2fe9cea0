/**
 * Brands: run-time checks here; the compile-time checks are the
 * `@ts-expect-error` lines, which `pnpm typecheck` (tsc over test/) verifies —
 * if a brand stopped rejecting a mix-up, the unused directive would fail it.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { ResourceManager, deviceId, guestAddress, irq, memSlot, mmioAddress, msiVector, pioPort } from "../src/index.js";
import type { DeviceId, GuestAddress, Irq, MemSlot, MmioAddress, MsiVector, PioPort } from "../src/index.js";
import { expectAllocError } from "./helpers.js";

// Never called: only type-checked.
function compileTimeChecks(rm: ResourceManager): void {
  const line: Irq = irq(5);
  const port: PioPort = pioPort(0x3f8);
  const addr: MmioAddress = mmioAddress(0xc0000000n);
  const ram: GuestAddress = guestAddress(0x1000n);
  // @ts-expect-error an IRQ is not a port
  rm.ownerOfPort(line);
  // @ts-expect-error a port is not an IRQ
  rm.ownerOfIrq(port);
  // @ts-expect-error an IRQ is not an MMIO address (nor a bigint)
  rm.ownerOfMmio(line);
  // @ts-expect-error a guest RAM address is not an MMIO address
  rm.ownerOfMmio(ram);
  // @ts-expect-error an MMIO address is not a guest RAM address
  rm.ownerOfGuestAddress(addr);
  // @ts-expect-error a plain number is not an IRQ
  rm.ownerOfIrq(5);
  // @ts-expect-error an MSI vector is not a legacy IRQ
  rm.ownerOfIrq(msiVector(24));
  // @ts-expect-error a memory slot is not a device id
  rm.ownerOfDeviceId(memSlot(1));
  // @ts-expect-error a plain bigint is not an MMIO address
  const bad: MmioAddress = 0xc0000000n;
  void bad;
  // Brands still read as their base types.
  const n: number = line + 1;
  const b: bigint = addr + 1n;
  void n;
  void b;
}
void compileTimeChecks;

describe("brands", () => {
  it("constructors validate and return the value unchanged", () => {
    expect(irq(5)).toBe(5);
    expect(pioPort(0xffff)).toBe(0xffff);
    expect(msiVector(24)).toBe(24);
    expect(deviceId(3)).toBe(3);
    expect(memSlot(0)).toBe(0);
    expect(mmioAddress(0xffff_ffff_ffff_ffffn)).toBe(0xffff_ffff_ffff_ffffn);
    expect(guestAddress(4096)).toBe(4096n);
    expectAllocError(() => pioPort(0x10000), "INVALID_VALUE");
    expectAllocError(() => irq(-1), "INVALID_VALUE");
    expectAllocError(() => irq(1.5), "INVALID_VALUE");
    expectAllocError(() => mmioAddress(-1n), "INVALID_VALUE");
    expectAllocError(() => guestAddress(1n << 64n), "INVALID_VALUE");
  });
  it("refuses non-numbers without coercion and describes them safely on one line", () => {
    for (const bad of ["5", true, null, undefined, 5n, [5], { valueOf: () => 5 }]) {
      expectAllocError(() => irq(bad as never), "INVALID_VALUE");
    }
    try {
      irq("\u001b[31m5\n" as never);
      throw new Error("accepted");
    } catch (e) {
      const message = (e as Error).message;
      expect(message).toBe('irq must be an integer in 0..4294967295; got string "\\u001b[31m5\\n"');
    }
  });
  it("results carry the brands", () => {
    const rm = ResourceManager.fromPreset("x86_64");
    const [r] = rm.allocateDevice("d", [{ kind: "legacy-irq" }]);
    if (r?.kind !== "legacy-irq") throw new Error("expected an IRQ");
    expectTypeOf(r.irq).toEqualTypeOf<Irq>();
    expectTypeOf<DeviceId>().not.toEqualTypeOf<MemSlot>();
    expectTypeOf<MsiVector>().not.toEqualTypeOf<Irq>();
    expect(rm.ownerOfIrq(r.irq)).toEqual({ kind: "owner", owner: "d" });
  });
});
