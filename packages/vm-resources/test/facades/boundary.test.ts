// The facades' trust boundary: options and constraints are read once, unknown
// keys are named, nothing is coerced, and a refused call changes nothing.
import { describe, expect, it } from "vitest";
import { Constraint as DbsConstraint, DeviceResources, DragonballResourceManager, Resource, ResourceConstraint } from "../../src/facades/dragonball/index.js";
import { ResourceAllocator } from "../../src/facades/firecracker/index.js";
import { AddressAllocator, IdAllocator, Constraint as RustConstraint, RangeInclusive } from "../../src/facades/rust-vmm/index.js";
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
  it("a hostile request list or range (revoked proxy, throwing trap) is an AllocError, and nothing is taken", () => {
    const mgr = new DragonballResourceManager();
    const { proxy: revoked, revoke } = Proxy.revocable([], {});
    revoke();
    const throwing = (bad: string): unknown =>
      new Proxy([0, 0xffff], {
        get(t, k, r) {
          if (k === bad) throw new Error("trap");
          return Reflect.get(t, k, r);
        },
      });
    const pio = (range: unknown) => ({ kind: "PioAddress", size: 8, align: 1, range });
    const notList = expectAllocError(() => mgr.allocateDeviceResources("pio" as never, "yes" as never), "INVALID_ARGUMENT");
    expect(notList.message).toBe('requests must be an array; got string "pio"');
    expect(notList.details.argument).toBe("requests");
    expect(expectAllocError(() => mgr.allocateDeviceResources(revoked as never, false), "INVALID_ARGUMENT").message).toBe("requests is a revoked proxy");
    expect(expectAllocError(() => mgr.allocateDeviceResources(throwing("length") as never, false), "INVALID_ARGUMENT").message).toBe(
      "requests: reading its length threw",
    );
    expect(expectAllocError(() => mgr.allocateDeviceResources([pio(revoked)] as never, false), "INVALID_REQUEST").message).toBe("range is a revoked proxy");
    expect(expectAllocError(() => mgr.allocateDeviceResources([pio(throwing("1"))] as never, false), "INVALID_REQUEST").message).toBe(
      "range: reading element 1 threw",
    );
    const keys = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error("trap");
        },
      },
    );
    expect(expectAllocError(() => mgr.allocateDeviceResources([keys] as never, false), "INVALID_REQUEST").message).toBe(
      "reading the resource constraint threw",
    );
    expect(mgr.manager.owners()).toEqual([]);
    expect(mgr.allocateDeviceResources([pio([0x100, 0x1ff])] as never, false).getPioAddressRanges()).toEqual([[0x100, 8]]);
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

describe("facade value types check their receiver and arguments", () => {
  const argument = (fn: () => unknown): string | undefined => expectAllocError(fn, "INVALID_ARGUMENT").details.argument;

  it("RangeInclusive: another range must be a RangeInclusive, and so must this", () => {
    const r = new RangeInclusive(1, 4);
    for (const other of [undefined, null, {}, { start: 1, end: 2 }, Object.create(RangeInclusive.prototype)]) {
      for (const m of ["overlaps", "contains", "equals", "compare"] as const)
        expect(
          argument(() => r[m](other as never)),
          m,
        ).toBe("other");
    }
    const forged = Object.create(RangeInclusive.prototype) as RangeInclusive;
    for (const m of ["start", "end", "len", "toString"] as const)
      expect(
        argument(() => forged[m]()),
        m,
      ).toBe("this");
    expect(argument(() => forged.overlaps(r))).toBe("this");
    expect(r.compare(new RangeInclusive(1, 5))).toBe(-1);
  });

  it("the facades' Constraint classes refuse a forged receiver", () => {
    const db = Object.create(DbsConstraint.prototype) as DbsConstraint;
    for (const m of ["size", "min", "max", "align", "policy"] as const)
      expect(
        argument(() => (db[m] as () => unknown)()),
        m,
      ).toBe("this");
    const rv = Object.create(RustConstraint.prototype) as RustConstraint;
    for (const m of ["size", "align", "policy"] as const)
      expect(
        argument(() => rv[m]()),
        m,
      ).toBe("this");
    expect(DbsConstraint.new(8).min(0x10).min()).toBe(0x10n);
  });

  it("DeviceResources holds only resources Resource.* built, and its index is a safe integer", () => {
    const list = DeviceResources.new();
    list.append(Resource.LegacyIrq(5));
    const forgedEntries = [
      { kind: "LegacyIrq", irq: 9 },
      Object.freeze({ kind: "KvmMemSlot", slot: 1 }),
      null,
      "LegacyIrq",
      ResourceConstraint.newLegacyIrq(5),
    ];
    for (const entry of forgedEntries) expect(argument(() => list.append(entry as never))).toBe("entry");
    expect(list.length).toBe(1);
    expect(list.getLegacyIrq()).toBe(5);
    for (const index of ["0", 0.5, NaN, 1n, undefined]) expect(argument(() => list.at(index as never))).toBe("index");
    expect(list.at(-1)).toEqual({ kind: "LegacyIrq", irq: 5 });
    expect(argument(() => Resource.MsiIrq("Msi" as never, 32, 2))).toBe("ty");
    expect(argument(() => DeviceResources.prototype.getLegacyIrq.call({}))).toBe("this");
    expect(argument(() => DeviceResources.prototype.getPciMsixIrqs.call(null))).toBe("this");
  });

  it("Firecracker restore reads each key once through one reader: a proxy or a throwing getter is INVALID_SNAPSHOT", () => {
    const good = new ResourceAllocator("x86_64").save();
    const trap = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error("trap");
        },
      },
    );
    expect(expectAllocError(() => ResourceAllocator.restore(trap), "INVALID_SNAPSHOT").details.path).toBe("$");
    let reads = 0;
    const counted = {
      ...good,
      get arch() {
        reads++;
        return "x86_64";
      },
    };
    ResourceAllocator.restore(counted);
    expect(reads).toBe(1);
    const throwing = {
      ...good,
      get systemMemory(): never {
        throw new Error("boom");
      },
    };
    expect(expectAllocError(() => ResourceAllocator.restore(throwing), "INVALID_SNAPSHOT").message).toMatch(/systemMemory/);
  });
});
