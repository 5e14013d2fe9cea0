/**
 * Ops from outside are read once by `readTreeOp` / `readManagerOp`: each key
 * read a single time, unknown keys named, no coercion, every mistake an
 * `AllocError` `INVALID_ARGUMENT` naming the field. The entry points read
 * every op before running any, and every exported function refuses hostile
 * arguments with an AllocError, never a bare TypeError.
 */
import { AllocError, Range, isAllocError } from "@alloc/constraint";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as testing from "@alloc/testing";
import {
  FreeListModel,
  ManagerModel,
  applyManagerOp,
  applyTreeOp,
  describeOp,
  fullDomain,
  literal,
  managerOp,
  readManagerOp,
  readTreeOp,
  runManagerOps,
  runTreeOps,
  smallDomain,
  treeOp,
  treeOps,
} from "@alloc/testing";
import type { ManagerFactory, ManagerUnderTest } from "@alloc/testing";
import { refused } from "./refusals.js";

const throwing = (): never => {
  throw new Error("boom");
};
const hostileProxy = (): object =>
  new Proxy({}, { get: throwing, has: throwing, ownKeys: throwing, getOwnPropertyDescriptor: throwing, getPrototypeOf: throwing });

const pick = { pick: "taken", index: 0, tweak: "exact" } as const;

/** The own keys of every plain object inside `v`, by path (toEqual alone ignores prototypes and undefined-valued keys). */
function keyPaths(v: unknown, path = "$", out: string[] = []): string[] {
  if (typeof v !== "object" || v === null || v instanceof Range) return out;
  for (const k of Object.keys(v).sort()) {
    out.push(`${path}.${k}`);
    keyPaths((v as Record<string, unknown>)[k], `${path}.${k}`, out);
  }
  return out;
}
/** `read` is `op`, unchanged: deep-equal, with the same keys everywhere. */
function unchanged(read: unknown, op: unknown): void {
  expect(read).toEqual(op);
  expect(keyPaths(read)).toEqual(keyPaths(op));
}
const computed = { inFree: 0, offset: 0n, size: 8n, align: 1n, policy: "first-match", exact: false } as const;

describe("readTreeOp", () => {
  it("accepts every shape and returns a deeply frozen copy (literal payloads passed as they are)", () => {
    const at = { min: 1n, max: 2n };
    const ops = [
      { op: "insert", range: { at } },
      { op: "insert", range: pick, data: null },
      { op: "allocate", constraint: computed, orThrow: true },
      { op: "allocate", constraint: { init: { size: 8 } }, orThrow: false },
      { op: "update", range: pick, data: "dev" },
      { op: "getById", id: { pick: "any", index: 3, offset: -1 } },
      { op: "getById", id: { id: "not an id" } },
      { op: "clone" },
      { op: "repeat", times: 3, step: 1, body: { op: "free", range: pick } },
    ];
    for (const op of ops) {
      const read = readTreeOp(op, "op");
      expect(read).toStrictEqual(op);
      expect(read).not.toBe(op);
      expect(Object.isFrozen(read)).toBe(true);
      for (const v of Object.values(read)) if (typeof v === "object" && v !== null && v !== at) expect(Object.isFrozen(v)).toBe(true);
    }
    const read = readTreeOp(ops[0], "op") as { range: { at: unknown } };
    expect(read.range.at).toBe(at);
    expect(Object.isFrozen(at)).toBe(false);
  });

  it("refuses wrong types, naming the field", () => {
    refused(() => readTreeOp(null, "ops[0]"), "ops[0]");
    refused(() => readTreeOp([], "ops[0]"), "ops[0]");
    refused(() => readTreeOp({ op: "zz" }, "ops[0]"), "ops[0].op");
    refused(() => readTreeOp({ op: "toString" }, "ops[0]"), "ops[0].op");
    refused(() => readTreeOp({ op: "free", range: "x" }, "ops[0]"), "ops[0].range");
    refused(() => readTreeOp({ op: "free", range: { ...pick, tweak: "sideways" } }, "ops[0]"), "ops[0].range.tweak");
    refused(() => readTreeOp({ op: "free", range: { ...pick, pick: "all" } }, "ops[0]"), "ops[0].range.pick");
    refused(() => readTreeOp({ op: "update", range: pick, data: {} }, "ops[0]"), "ops[0].data");
    refused(() => readTreeOp({ op: "insert", range: pick, data: undefined }, "ops[0]"), "ops[0].data");
    refused(() => readTreeOp({ op: "allocate", constraint: computed, orThrow: 1 }, "ops[0]"), "ops[0].orThrow");
    refused(() => readTreeOp({ op: "allocate", constraint: { ...computed, policy: "worst-fit" }, orThrow: true }, "ops[0]"), "ops[0].constraint.policy");
    refused(() => readTreeOp({ op: "allocate", constraint: { ...computed, exact: "yes" }, orThrow: true }, "ops[0]"), "ops[0].constraint.exact");
    refused(() => readTreeOp({ op: "getById", id: { pick: "any", index: 0, offset: 0.5 } }, "ops[0]"), "ops[0].id.offset");
  });

  it("refuses unknown keys by name, with a suggestion, and keys of another op or shape", () => {
    const e = refused(() => readTreeOp({ op: "free", range: { pick: "taken", index: 0, tweek: "exact" } }, "ops[3]"), "ops[3].range.tweek");
    expect(e.message).toContain('did you mean "tweak"');
    refused(() => readTreeOp({ op: "free", rnage: pick }, "ops[3]"), "ops[3].rnage");
    refused(() => readTreeOp({ op: "free", range: pick, data: 1 }, "ops[3]"), "ops[3].data");
    refused(() => readTreeOp({ op: "clone", range: pick }, "ops[3]"), "ops[3].range");
    refused(() => readTreeOp({ op: "free", range: { at: 1, tweak: "exact" } }, "ops[3]"), "ops[3].range.tweak");
    refused(() => readTreeOp({ op: "allocate", constraint: { init: {}, size: 1n }, orThrow: true }, "ops[3]"), "ops[3].constraint.size");
    refused(() => readTreeOp({ op: "getById", id: { id: 1, index: 0 } }, "ops[3]"), "ops[3].id.index");
  });

  it("refuses missing keys", () => {
    refused(() => readTreeOp({}, "ops[0]"), "ops[0].op");
    refused(() => readTreeOp({ op: "allocate" }, "ops[0]"), "ops[0].constraint");
    refused(() => readTreeOp({ op: "allocate", constraint: { init: 1 } }, "ops[0]"), "ops[0].orThrow");
    refused(() => readTreeOp({ op: "update", range: pick }, "ops[0]"), "ops[0].data");
    refused(() => readTreeOp({ op: "free", range: { pick: "taken", index: 0 } }, "ops[0]"), "ops[0].range.tweak");
    refused(() => readTreeOp({ op: "allocate", constraint: { ...computed, size: undefined }, orThrow: true }, "ops[0]"), "ops[0].constraint.size");
    refused(() => readTreeOp({ op: "repeat", times: 2, step: 0 }, "ops[0]"), "ops[0].body");
  });

  it("refuses out-of-range integers and bigints, numbers for bigints and bigints for numbers", () => {
    const range = (index: unknown) => ({ op: "free", range: { ...pick, index } });
    refused(() => readTreeOp(range(-1), "op"), "op.range.index");
    refused(() => readTreeOp(range(1.5), "op"), "op.range.index");
    refused(() => readTreeOp(range(2 ** 32), "op"), "op.range.index");
    refused(() => readTreeOp(range(0n), "op"), "op.range.index");
    refused(() => readTreeOp(range("0"), "op"), "op.range.index");
    expect(readTreeOp(range(2 ** 32 - 1), "op")).toStrictEqual(range(2 ** 32 - 1));
    const constraint = (k: string, v: unknown) => ({ op: "allocate", constraint: { ...computed, [k]: v }, orThrow: false });
    refused(() => readTreeOp(constraint("size", 8), "op"), "op.constraint.size");
    refused(() => readTreeOp(constraint("size", 0n), "op"), "op.constraint.size");
    refused(() => readTreeOp(constraint("size", 2n ** 64n), "op"), "op.constraint.size");
    refused(() => readTreeOp(constraint("offset", -1n), "op"), "op.constraint.offset");
    refused(() => readTreeOp(constraint("align", 3n), "op"), "op.constraint.align");
    refused(() => readTreeOp(constraint("align", 1n << 64n), "op"), "op.constraint.align");
    refused(() => readTreeOp(constraint("inFree", 1n), "op"), "op.constraint.inFree");
    expect(readTreeOp(constraint("align", 1n << 63n), "op")).toStrictEqual(constraint("align", 1n << 63n));
    expect(readTreeOp(constraint("align", 0n), "op")).toStrictEqual(constraint("align", 0n));
    const repeat = (times: unknown, step: unknown) => ({ op: "repeat", times, step, body: { op: "clone" } });
    refused(() => readTreeOp(repeat(2 ** 16 + 1, 0), "op"), "op.times");
    refused(() => readTreeOp(repeat(2, -1), "op"), "op.step");
    refused(() => readTreeOp(repeat(2, 1.5), "op"), "op.step");
  });

  it("names the error path inside nested repeat bodies, and limits nesting and expansion", () => {
    const nest = (body: unknown, n: number): unknown => {
      for (let i = 0; i < n; i++) body = { op: "repeat", times: 2, step: 1, body };
      return body;
    };
    refused(() => readTreeOp(nest({ op: "free", range: { ...pick, tweak: "x" } }, 2), "ops[7]"), "ops[7].body.body.range.tweak");
    expect(() => readTreeOp(nest({ op: "clone" }, 4), "op")).not.toThrow();
    refused(() => readTreeOp(nest({ op: "clone" }, 5), "op"), "op.body.body.body.body");
    // 10 000 nested repeats are refused at depth 4, without reading (or overflowing the stack on) the rest.
    refused(() => readTreeOp(nest({ op: "clone" }, 10_000), "op"), "op.body.body.body.body");
    const big = { op: "repeat", times: 2 ** 11, step: 0, body: { op: "repeat", times: 2 ** 10, step: 0, body: { op: "clone" } } };
    refused(() => readTreeOp(big, "op"), "op.times");
  });

  it("refuses proxies with throwing traps and throwing getters, and reads every getter exactly once", () => {
    refused(() => readTreeOp(hostileProxy(), "ops[0]"), "ops[0]");
    refused(() => readTreeOp({ op: "free", range: hostileProxy() }, "ops[0]"), "ops[0].range");
    refused(
      () =>
        readTreeOp(
          {
            op: "free",
            get range(): never {
              throw new Error("boom");
            },
          },
          "ops[0]",
        ),
      "ops[0].range",
    );
    const reads: Record<string, number> = {};
    const counted = <T extends object>(o: T): T =>
      Object.defineProperties(
        {},
        Object.fromEntries(
          Object.entries(o).map(([k, v]) => [
            k,
            {
              enumerable: true,
              get: () => {
                reads[k] = (reads[k] ?? 0) + 1;
                return v;
              },
            },
          ]),
        ),
      ) as T;
    const op = counted({ op: "repeat", times: 2, step: 1, body: counted({ op: "allocate", constraint: counted({ ...computed }), orThrow: false }) });
    readTreeOp(op, "op");
    expect(reads).toEqual({ op: 2, times: 1, step: 1, body: 1, constraint: 1, orThrow: 1, inFree: 1, offset: 1, size: 1, align: 1, policy: 1, exact: 1 });
  });

  it("passes every op the package's own arbitraries generate, unchanged", () => {
    for (const profile of [fullDomain(), smallDomain(64)]) {
      fc.assert(
        fc.property(treeOps(profile, { badRate: 0.3 }), (ops) => {
          for (const op of ops) unchanged(readTreeOp(op, "op"), op);
        }),
        { numRuns: 200, seed: 7 },
      );
    }
    fc.assert(
      fc.property(treeOp(fullDomain(), { badRate: 1 }), (op) => {
        unchanged(readTreeOp(op, "op"), op);
      }),
      { numRuns: 500, seed: 8 },
    );
  });
});

describe("readManagerOp", () => {
  const alloc = (req: unknown, extra: object = {}) => ({ op: "allocate", owner: 0, extend: false, requests: [{ req, ...extra }] });

  it("accepts every shape and returns a deeply frozen copy", () => {
    const ops = [
      alloc({ kind: "pio", size: 8, align: 8 }, { exact: { index: 1, offset: 2 } }),
      alloc({ kind: "pio", size: 8, range: { min: 0x100n, max: 0x1ffn } }),
      alloc({ kind: "mmio", size: 0x1000n, align: 0x1000n, window: "any", is64bit: true, policy: "best-fit" }),
      alloc({ kind: "legacy-irq", shared: true }),
      alloc({ kind: "mem-slot", count: 2 }),
      { op: "freeDevice", owner: 5 },
      { op: "freeResource", owner: 1, pick: 3, wrongOwner: true },
      { op: "move", owner: 1, pick: 3, to: { index: 2, offset: 4 } },
      { op: "resize", owner: 1, pick: 0, scale: 0.25 },
      { op: "snapshotRestore" },
      { op: "mutateSnapshot", mutation: "proto", at: 99 },
    ];
    for (const op of ops) {
      const read = readManagerOp(op, "op");
      expect(read).toStrictEqual(op);
      expect(Object.isFrozen(read)).toBe(true);
    }
    const read = readManagerOp(ops[1], "op") as { requests: readonly { req: { range: object } }[] };
    expect(Object.isFrozen(read.requests) && Object.isFrozen(read.requests[0]) && Object.isFrozen(read.requests[0]!.req.range)).toBe(true);
  });

  it("refuses wrong types, unknown and missing keys, out-of-range values, naming the field", () => {
    refused(() => readManagerOp(null, "ops[0]"), "ops[0]");
    refused(() => readManagerOp({ op: "zz" }, "ops[0]"), "ops[0].op");
    refused(() => readManagerOp({ op: "allocate" }, "ops[0]"), "ops[0].owner");
    refused(() => readManagerOp({ op: "allocate", owner: 0, extend: false }, "ops[0]"), "ops[0].requests");
    refused(() => readManagerOp({ op: "freeDevice", ownr: 0 }, "ops[0]"), "ops[0].ownr");
    refused(() => readManagerOp({ op: "freeDevice", owner: 0, pick: 1 }, "ops[0]"), "ops[0].pick");
    refused(() => readManagerOp({ op: "freeDevice", owner: -1 }, "ops[0]"), "ops[0].owner");
    refused(() => readManagerOp({ op: "freeDevice", owner: 0n }, "ops[0]"), "ops[0].owner");
    refused(() => readManagerOp({ op: "resize", owner: 0, pick: 0, scale: Number.NaN }, "ops[0]"), "ops[0].scale");
    refused(() => readManagerOp({ op: "resize", owner: 0, pick: 0, scale: 0 }, "ops[0]"), "ops[0].scale");
    refused(() => readManagerOp({ op: "move", owner: 0, pick: 0, to: { index: 0 } }, "ops[0]"), "ops[0].to.offset");
    refused(() => readManagerOp({ op: "mutateSnapshot", mutation: "shred", at: 0 }, "ops[0]"), "ops[0].mutation");
    refused(() => readManagerOp(alloc({ kind: "gpu" }), "ops[0]"), "ops[0].requests[0].req.kind");
    refused(() => readManagerOp(alloc({ kind: "__proto__" }), "ops[0]"), "ops[0].requests[0].req.kind");
    refused(() => readManagerOp(alloc({ kind: "pio" }), "ops[0]"), "ops[0].requests[0].req.size");
    refused(() => readManagerOp(alloc({ kind: "pio", size: 8n }), "ops[0]"), "ops[0].requests[0].req.size");
    refused(() => readManagerOp(alloc({ kind: "mmio", size: 0x1000 }), "ops[0]"), "ops[0].requests[0].req.size");
    refused(() => readManagerOp(alloc({ kind: "mmio", size: 0x1000n, align: 0n }), "ops[0]"), "ops[0].requests[0].req.align");
    refused(() => readManagerOp(alloc({ kind: "mmio", size: 0x1000n, window: "middle" }), "ops[0]"), "ops[0].requests[0].req.window");
    refused(() => readManagerOp(alloc({ kind: "pci-msi", count: 0 }), "ops[0]"), "ops[0].requests[0].req.count");
    refused(() => readManagerOp(alloc({ kind: "pio", size: 8, count: 2 }), "ops[0]"), "ops[0].requests[0].req.count");
    refused(() => readManagerOp(alloc({ kind: "pio", size: 8, range: { min: 2n, max: 1n } }), "ops[0]"), "ops[0].requests[0].req.range.min");
    refused(() => readManagerOp(alloc({ kind: "pio", size: 8, range: { min: 1n, mx: 2n } }), "ops[0]"), "ops[0].requests[0].req.range.mx");
    refused(() => readManagerOp(alloc({ kind: "device-id" }, { exact: { index: 0, offset: -1 } }), "ops[0]"), "ops[0].requests[0].exact.offset");
    refused(() => readManagerOp(alloc({ kind: "device-id" }, { exat: {} }), "ops[0]"), "ops[0].requests[0].exat");
  });

  it("refuses proxies and throwing getters, and reads each key once", () => {
    refused(() => readManagerOp(hostileProxy(), "ops[0]"), "ops[0]");
    refused(() => readManagerOp({ op: "allocate", owner: 0, extend: false, requests: [hostileProxy()] }, "ops[0]"), "ops[0].requests[0]");
    refused(() => readManagerOp({ op: "allocate", owner: 0, extend: false, requests: new Proxy([], { get: throwing }) }, "ops[0]"), "ops[0].requests.length");
    let reads = 0;
    const op = Object.defineProperty({ op: "freeDevice" }, "owner", {
      enumerable: true,
      get: () => {
        reads++;
        return 1;
      },
    });
    readManagerOp(op, "op");
    expect(reads).toBe(1);
  });

  it("passes every op managerOp() generates, unchanged", () => {
    fc.assert(
      fc.property(managerOp(), (op) => {
        unchanged(readManagerOp(op, "op"), op);
      }),
      { numRuns: 1000, seed: 9 },
    );
  });
});

/** A manager that holds nothing and refuses every owner (enough for the checks and the model to agree). */
function stubManager(): ManagerUnderTest {
  const pool = { ranges: [], reserved: [], window: undefined };
  const layout = {
    mmio: { ...pool, low: { min: 0n, max: 0n }, high: undefined },
    mem: pool,
    pio: pool,
    legacyIrq: { ...pool, shared: undefined },
    msi: pool,
    deviceId: pool,
    memSlot: pool,
  };
  const unknown = (): never => {
    throw new AllocError("UNKNOWN_OWNER", "stub: unknown owner");
  };
  return {
    layout,
    allocateDevice: () => [],
    extendDevice: () => [],
    freeDevice: unknown,
    freeResource: unknown,
    move: unknown,
    resizeResource: unknown,
    owners: () => [],
    resourcesOf: () => [],
    entries: () => [],
    snapshot: () => "{}",
    checkInvariants: () => {},
  } as unknown as ManagerUnderTest;
}
const stubFactory: ManagerFactory = { create: stubManager, restore: stubManager };

describe("entry points read every op before running any", () => {
  it("runTreeOps refuses a bad op at index 5 before the factory or op 0 runs", () => {
    let made = 0;
    const factory = () => {
      made++;
      return new FreeListModel<unknown>();
    };
    const good = { op: "insert", range: { at: { min: 0n, max: 15n } } } as const;
    refused(() => runTreeOps(factory, [good, good, good, good, good, { op: "free", range: { ...pick, tweak: "sideways" } }] as never), "ops[5].range.tweak");
    refused(() => runTreeOps(factory, [null] as never), "ops[0]");
    refused(() => runTreeOps(factory, [{ op: "zz" }] as never), "ops[0].op");
    refused(() => runTreeOps(factory, [{ op: "free", range: "x" }] as never), "ops[0].range");
    expect(made).toBe(0);
    refused(() => runTreeOps(() => ({}) as never, [good]), "factory().isEmpty");
    expect(() =>
      runTreeOps(factory, [good, { op: "repeat", times: 3, step: 1, body: { op: "allocate", constraint: computed, orThrow: false } }]),
    ).not.toThrow();
  });

  it("runManagerOps refuses a bad op before create() runs", () => {
    let made = 0;
    const factory = { create: () => (made++, stubManager()), restore: stubManager };
    refused(() => runManagerOps(factory, [{ op: "freeDevice", owner: 0 }, null] as never), "ops[1]");
    refused(() => runManagerOps(factory, [{ op: "zz" }] as never), "ops[0].op");
    refused(() => runManagerOps(factory, [{ op: "allocate" }] as never), "ops[0].owner");
    expect(made).toBe(0);
    refused(() => runManagerOps({ create: () => ({}) as never, restore: stubManager }, []), "factory.create().allocateDevice");
    expect(() => runManagerOps(factory, [{ op: "freeDevice", owner: 0 }])).not.toThrow();
  });

  it("applyTreeOp and applyManagerOp check every argument", () => {
    const m = new FreeListModel<unknown>();
    const op = { op: "clone" } as const;
    refused(() => applyTreeOp({ op: "clone", x: 1 } as never, m, m, 0n), "op.x");
    refused(() => applyTreeOp(op, {} as never, m, 0n), "model.isEmpty");
    refused(() => applyTreeOp(op, m, m, 2n ** 64n), "domainMax");
    refused(() => applyTreeOp(op, m, m, 5 as never), "domainMax");
    refused(() => applyTreeOp(op, m, m, 0n, "yes" as never), "invariants");
    const rm = stubManager();
    const model = new ManagerModel(rm.layout);
    refused(() => applyManagerOp({ op: "freeDevice", owner: 0 }, {} as never, { rm, factory: stubFactory }), "model");
    refused(() => applyManagerOp({ op: "freeDevice", owner: 0 }, model, { rm } as never), "box.factory");
    refused(() => applyManagerOp({ op: "freeDevice", owner: 0 }, model, { rm, factory: stubFactory, extra: 1 } as never), "box.extra");
    const box = { rm, factory: stubFactory };
    applyManagerOp({ op: "snapshotRestore" }, model, box);
    expect(box.rm).not.toBe(rm);
  });
});

describe("literal and describeOp", () => {
  it("literal prints anything without throwing: proxies, throwing getters, cycles", () => {
    expect(literal(hostileProxy())).toBe("undefined /* unreadable object */");
    expect(
      literal({
        a: 1,
        get b(): never {
          return throwing();
        },
      }),
    ).toBe("{ a: 1, b: undefined /* reading it threw */ }");
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    expect(literal(cycle)).toBe("{ a: 1, self: undefined /* a cycle */ }");
    expect(literal({ at: new Range(0n, 0xffn) })).toBe("{ at: new Range(0x0n, 0xffn) }");
  });

  it("describeOp reads its op and refuses anything else as INVALID_ARGUMENT", () => {
    expect(describeOp({ op: "free", range: pick })).toBe('{ op: "free", range: { pick: "taken", index: 0, tweak: "exact" } }');
    refused(() => describeOp(hostileProxy() as never), "op");
    refused(() => describeOp({ op: "zz" } as never), "op.op");
  });
});

describe("every export refuses hostile arguments with an AllocError", () => {
  // The one allowed exception: fuzzTree/fuzzManager report a divergence (a bug found) with a plain Error.
  const isDivergence = (name: string, e: unknown): boolean =>
    (name === "fuzzTree" || name === "fuzzManager") && e instanceof Error && /divergence/.test(e.message);
  const CLASSES = new Set(["BitmapModel", "FreeListModel", "ManagerModel", "TreeCommand"]);

  it("null, undefined, 5, strings, {}, [], functions, throwing proxies and getters, in every position", () => {
    const tree = () => new FreeListModel<unknown>();
    const op = { op: "insert", range: { at: { min: 0n, max: 15n } } };
    const res = { kind: "pio", pool: "pio", min: 0n, max: 7n };
    const good = (): Record<string, unknown[]> => {
      const rm = stubManager();
      const model = new ManagerModel(rm.layout);
      return {
        applyTreeOp: [op, tree(), tree(), 255n, true],
        assertAgree: [tree(), tree(), "x", true],
        contents: [[]],
        diffContents: [[], []],
        resolveRange: [pick, tree(), 255n],
        resolveConstraint: [computed, tree()],
        resolveId: [{ pick: "any", index: 0, offset: 0 }, tree(), 255n],
        describeOp: [op],
        readTreeOp: [op, "op"],
        readManagerOp: [{ op: "freeDevice", owner: 0 }, "op"],
        literal: [op],
        asInput: [5n],
        BAD_INPUT_FIXTURE: [tree()],
        MANAGER_FIXTURE: [rm],
        applyManagerOp: [{ op: "freeDevice", owner: 0 }, model, { rm, factory: stubFactory }],
        assertManagerAgree: [rm, model, "x"],
        normalizeResource: [{ kind: "pio", base: 0x100, size: 8 }],
        toRealResource: [res],
        sameResource: [res, res],
        runTreeOps: [tree, [op], {}],
        replayTree: [tree, { seed: 1, path: "0", numRuns: 1 }],
        checkTree: [tree, { numRuns: 1 }],
        fuzzTree: [tree, { numRuns: 1 }],
        runManagerOps: [stubFactory, [{ op: "freeDevice", owner: 0 }]],
        checkManager: [stubFactory, { numRuns: 1, maxCommands: 2 }],
        fuzzManager: [stubFactory, { numRuns: 1, maxCommands: 2 }],
        runBadInputs: [tree, testing.TREE_BAD_INPUTS.slice(0, 2), testing.BAD_INPUT_FIXTURE],
        assertBadInputs: [tree, testing.TREE_BAD_INPUTS.slice(0, 2)],
        runManagerBadInputs: [stubFactory, []],
        smallDomain: [16, []],
        fullDomain: [[]],
        layoutDomain: [[{ min: 0n, max: 15n }], 16n],
        rangeArg: [smallDomain(16), "any", 0.1, {}],
        constraintArg: [smallDomain(16), 0.1],
        treeOp: [smallDomain(16), {}],
        treeOps: [smallDomain(16), {}],
      };
    };
    const hostile: unknown[] = [
      null,
      undefined,
      5,
      "x",
      {},
      [],
      () => {},
      hostileProxy(),
      {
        get op(): never {
          return throwing();
        },
      },
    ];
    const escaped: string[] = [];
    let calls = 0;
    const attempt = (name: string, fn: (...a: unknown[]) => unknown, args: unknown[], how: string): void => {
      calls++;
      try {
        fn(...args);
      } catch (e) {
        if (isAllocError(e) || isDivergence(name, e)) return;
        if (e instanceof TypeError && /Class constructor .* cannot be invoked without 'new'/.test(e.message)) return;
        escaped.push(`${name}(${how}): ${String(e)}`);
      }
    };
    const exports = Object.entries(testing).filter(([, v]) => typeof v === "function") as [string, (...a: unknown[]) => unknown][];
    expect(exports.length).toBeGreaterThan(40);
    for (const [name, fn] of exports) {
      const arity = Math.max(fn.length, good()[name]?.length ?? 0, 1);
      const call = CLASSES.has(name) ? (...a: unknown[]) => new (fn as unknown as new (...a: unknown[]) => unknown)(...a) : fn;
      hostile.forEach((h, hi) => {
        attempt(name, call, Array(arity).fill(h), `all=#${hi}`);
        for (let p = 0; p < arity; p++) {
          const args = [...(good()[name] ?? [])];
          while (args.length < arity) args.push(undefined);
          args[p] = h;
          attempt(name, call, args, `arg${p}=#${hi}`);
        }
      });
    }
    // Op lists and ops holding hostile elements or malformed ops.
    const malformed = [...hostile, { op: "zz" }, { op: "free", range: "x" }, { op: "allocate" }, { op: "repeat", times: 2, step: 0, body: null }];
    malformed.forEach((h, hi) => {
      attempt("runTreeOps", runTreeOps as never, [tree, [h]], `ops[0]=#${hi}`);
      attempt("runManagerOps", runManagerOps as never, [stubFactory, [h]], `ops[0]=#${hi}`);
      attempt("applyTreeOp", applyTreeOp as never, [h, tree(), tree(), 255n], `op=#${hi}`);
      const rm = stubManager();
      attempt("applyManagerOp", applyManagerOp as never, [h, new ManagerModel(rm.layout), { rm, factory: stubFactory }], `op=#${hi}`);
    });
    expect(calls).toBeGreaterThan(1000);
    expect(escaped).toEqual([]);
  }, 60_000);
});
