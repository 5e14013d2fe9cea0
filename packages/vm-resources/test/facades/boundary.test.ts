// The facades' trust boundary: options and constraints are read once, unknown
// keys are named, nothing is coerced, and a refused call changes nothing.
import { describe, expect, it } from "vitest";
import { DragonballResourceManager, Resource, ResourceConstraint } from "../../src/facades/dragonball/index.js";
import { ResourceAllocator } from "../../src/facades/firecracker/index.js";
import { AddressAllocator, IdAllocator } from "../../src/facades/rust-vmm/index.js";
import { presetLayout } from "../../src/index.js";
import { expectAllocError } from "../helpers.js";

describe("facade boundary", () => {
  it("unknown option keys are named", () => {
    expect(expectAllocError(() => new AddressAllocator(0, 16, { pol: "mem" } as never), "INVALID_ARGUMENT").details.argument).toBe("pol");
    expect(expectAllocError(() => new IdAllocator(0, 16, { manger: 1 } as never), "INVALID_ARGUMENT").details.argument).toBe("manger");
    expect(expectAllocError(() => new DragonballResourceManager(undefined, { physbits: 40 } as never), "INVALID_ARGUMENT").details.argument).toBe("physbits");
    expectAllocError(() => presetLayout("x86_64", "dragonball", { physBits: 40, extra: 1 } as never), "INVALID_ARGUMENT");
    expect(expectAllocError(() => new AddressAllocator(0, 16, { pol: "mem" } as never), "INVALID_ARGUMENT").message).toContain('did you mean "pool"');
  });
  it("caller text in messages is quoted briefly, on one line", () => {
    const long = `Mmio\n${"x".repeat(300)}`;
    const messages = [
      expectAllocError(() => new DragonballResourceManager().allocateDeviceResources([{ kind: long } as never], false), "INVALID_REQUEST").message,
      expectAllocError(
        () => new DragonballResourceManager().allocateDeviceResources([{ kind: "PioAddress", size: 1, align: 1, range: undefined, [long]: 1 } as never], false),
        "INVALID_REQUEST",
      ).message,
      expectAllocError(() => new AddressAllocator(0, 16, { pool: long } as never), "INVALID_ARGUMENT").message,
      expectAllocError(() => new IdAllocator(0, 16, { pool: long } as never), "INVALID_ARGUMENT").message,
      expectAllocError(() => new ResourceAllocator(long as never), "INVALID_ARGUMENT").message,
    ];
    for (const m of messages) {
      expect(m).not.toContain("\n");
      expect(m.length).toBeLessThan(240);
      expect(m).toContain("chars)");
    }
    expectAllocError(() => ResourceConstraint.newMmio(1) && (Resource.MacAddress(42 as never) as unknown), "INVALID_ARGUMENT");
  });
  it("no coercion: strings, booleans, fractions, unsafe numbers are refused", () => {
    const mgr = new DragonballResourceManager();
    expectAllocError(() => mgr.allocateLegacyIrq("yes" as never, undefined), "INVALID_ARGUMENT");
    expectAllocError(() => mgr.allocateDeviceResources([], 1 as never), "INVALID_ARGUMENT");
    expectAllocError(() => mgr.allocateKvmMemSlot(1, (2 ** 53) as never), "INVALID_VALUE");
    expectAllocError(() => new AddressAllocator("0x1000" as never, 16), "INVALID_VALUE");
    expectAllocError(() => new ResourceAllocator().allocateGsiMsi(0.5), "INVALID_VALUE");
    expectAllocError(() => new IdAllocator(0, 2 ** 32), "INVALID_VALUE");
    expect(mgr.manager.owners()).toEqual([]);
  });
  it("a constraint is read once; a misspelt key is named and nothing changes", () => {
    const mgr = new DragonballResourceManager();
    let reads = 0;
    const hostile = {
      kind: "PioAddress",
      range: undefined,
      align: 1,
      get size() {
        reads++;
        return reads === 1 ? 8 : 0x4000;
      },
    };
    const res = mgr.allocateDeviceResources([hostile as never], false);
    expect(reads).toBe(1);
    expect(res.getPioAddressRanges()).toEqual([[0, 8]]);
    expect(mgr.manager.stats().pio.used).toBe(8n);
    const before = mgr.manager.snapshot();
    const e = expectAllocError(
      () =>
        mgr.allocateDeviceResources([ResourceConstraint.newPio(8), { kind: "PioAddress", size: 8, align: 1, range: undefined, bsae: 0x3f8 } as never], false),
      "INVALID_REQUEST",
    );
    expect(e.details.argument).toBe("bsae");
    expectAllocError(() => mgr.allocateDeviceResources([{ kind: "toString" } as never], false), "INVALID_REQUEST");
    expect(mgr.manager.snapshot()).toBe(before);
    mgr.manager.checkInvariants();
  });
});
