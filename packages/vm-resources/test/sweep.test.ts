/**
 * Every entry point of the published packages against hostile values: each
 * exported function, each static and instance method of each exported class
 * (with a receiver it built, a forged one, `null` and a plain object), with
 * arguments drawn from strings, fractions, NaN, out-of-domain numbers and
 * bigints, symbols, throwing proxies, a revoked proxy, lists whose length or
 * an element throws, an iterable whose step throws, getters that change between reads and
 * forged value objects. Whatever is refused must be refused with an
 * `AllocError` whose message is one bounded line: never a `TypeError`, never
 * a proxy trap's own error escaping.
 */
import * as C from "@alloc/constraint";
import * as K from "@alloc/core";
import { describe, expect, it } from "vitest";
import * as D from "../src/facades/dragonball/index.js";
import * as F from "../src/facades/firecracker/index.js";
import * as R from "../src/facades/rust-vmm/index.js";
import * as V from "../src/index.js";

type Fn = (...args: unknown[]) => unknown;

// Every trap throws: the handler is itself a proxy whose `get` throws, whichever trap is asked for.
const trap = new Proxy(
  {},
  new Proxy(
    {},
    {
      get(_, name) {
        throw new Error(`trap: ${String(name)}`);
      },
    },
  ),
);
let flips = 0;
const flipping = {
  get min() {
    return flips++ % 2 === 0 ? 5 : 0;
  },
  max: 10,
};
// Lists a caller can forge: Array.isArray throws on the revoked one; the other answers a throwing length or element.
const revoked = Proxy.revocable([{ kind: "pio", size: 8 }], {});
revoked.revoke();
const throwingList = new Proxy([{ kind: "pio", size: 8 }, 1], {
  get(t, k, r) {
    if (k === "length" || k === "1") throw new Error(`trap: ${String(k)}`);
    return Reflect.get(t, k, r);
  },
});
// An iterable whose step's value getter throws.
const throwingSteps = {
  [Symbol.iterator]: () => ({
    next: () => ({
      done: false,
      get value(): unknown {
        throw new Error("trap: value");
      },
    }),
  }),
};
const HOSTILE: readonly unknown[] = [
  revoked.proxy,
  throwingList,
  throwingSteps,
  undefined,
  null,
  {},
  [],
  "x",
  "0x10",
  1.5,
  Number.NaN,
  -1,
  2 ** 64,
  2n ** 64n,
  -1n,
  Symbol("s"),
  trap,
  flipping,
  Object.create(C.Range.prototype),
  Object.create(C.Constraint.prototype),
  () => 1,
  true,
  0,
  16n,
  new C.Range(0, 0),
  { size: 1 },
  { kind: "pio", size: 8 },
  "dev0",
  [{ kind: "pio", size: 8 }],
];
const THIRD: readonly unknown[] = [undefined, "x"];

/** Problems found: "where: what was thrown" → the arguments that threw it. */
function sweeper() {
  const problems = new Map<string, string>();
  const show = (x: unknown): string =>
    x === trap
      ? "proxy"
      : x === flipping
        ? "flipping getter"
        : x === revoked.proxy
          ? "revoked proxy"
          : x === throwingList
            ? "throwing list"
            : C.describeValue(x);
  const call = (where: string, fn: Fn, self: unknown, args: readonly unknown[]): void => {
    try {
      const out = fn.apply(self, args as unknown[]);
      // Iterators are checked at the call and on their first step.
      if (typeof out === "object" && out !== null && !Array.isArray(out) && typeof (out as { next?: unknown }).next === "function")
        (out as Iterator<unknown>).next();
    } catch (e) {
      const key = C.isAllocError(e)
        ? /[\n\r]/.test(e.message) || e.message.length > 2000
          ? `${where}: a message of ${e.message.length} characters or more than one line`
          : e.details.argument === "this" && !/^this must be .+ built by its constructor; got /.test(e.message)
            ? `${where}: a receiver refused in another shape: ${e.message.slice(0, 80)}`
            : undefined
        : `${where}: ${(e as Error)?.constructor?.name} ${String((e as Error)?.message).slice(0, 80)}`;
      if (key !== undefined && !problems.has(key)) problems.set(key, args.map(show).join(", "));
    }
  };
  /** Every method of `target` (own functions) called with every pair of hostile values and a third argument. */
  const methods = (where: string, target: object, names: readonly (string | symbol)[], self: () => unknown): void => {
    for (const name of names) {
      const d = Object.getOwnPropertyDescriptor(target, name);
      const fns = [d?.value, d?.get].filter((f): f is Fn => typeof f === "function");
      for (const fn of fns)
        for (const a of HOSTILE) for (const b of [undefined, ...HOSTILE]) for (const c of THIRD) call(`${where}.${String(name)}`, fn, self(), [a, b, c]);
    }
  };
  return { problems, call, methods };
}

const protoMembers = (proto: object): (string | symbol)[] => Reflect.ownKeys(proto).filter((k) => k !== "constructor");
const modules: ReadonlyArray<[string, Record<string, unknown>]> = [
  ["@alloc/constraint", C],
  ["@alloc/core", K],
  ["@alloc/vm-resources", V],
  ["@alloc/vm-resources/dragonball", D],
  ["@alloc/vm-resources/rust-vmm", R],
  ["@alloc/vm-resources/firecracker", F],
];
const classes = (): [string, Fn & { prototype: object }][] => {
  const out: [string, Fn & { prototype: object }][] = [];
  for (const [m, ns] of modules)
    for (const [name, v] of Object.entries(ns))
      if (typeof v === "function" && /^[A-Z]/.test(name) && v.prototype !== undefined) out.push([`${m} ${name}`, v as never]);
  return out;
};

describe("every entry point refuses hostile values with an AllocError on one line", { timeout: 120_000 }, () => {
  it("exported functions and static methods", () => {
    const { problems, methods } = sweeper();
    for (const [m, ns] of modules) {
      const fns = Object.keys(ns).filter((k) => typeof ns[k] === "function" && !/^[A-Z]/.test(k));
      methods(m, ns, fns, () => undefined);
    }
    for (const [where, K0] of classes())
      methods(
        `${where} (static)`,
        K0,
        Object.getOwnPropertyNames(K0).filter((k) => typeof (K0 as never)[k] === "function"),
        () => K0,
      );
    expect([...problems]).toEqual([]);
  });

  it("constructors", () => {
    const { problems } = sweeper();
    for (const [where, K0] of classes()) {
      for (const a of HOSTILE)
        for (const b of [undefined, ...HOSTILE])
          for (const c of THIRD) {
            try {
              Reflect.construct(K0, [a, b, c]);
            } catch (e) {
              if (!C.isAllocError(e)) {
                const key = `new ${where}: ${(e as Error)?.constructor?.name} ${String((e as Error)?.message).slice(0, 80)}`;
                if (!problems.has(key)) problems.set(key, [a, b, c].map((x) => (x === trap ? "proxy" : C.describeValue(x))).join(", "));
              }
            }
          }
    }
    expect([...problems]).toEqual([]);
  });

  it("instance methods on instances the classes built", () => {
    const { problems, methods } = sweeper();
    const instances: [string, () => object][] = [
      [
        "IntervalTree",
        () => {
          const t = new K.IntervalTree();
          t.insert(new C.Range(0, 0xffff));
          t.allocate({ size: 16 });
          return t;
        },
      ],
      [
        "ResourceManager",
        () => {
          const rm = V.ResourceManager.fromPreset("x86_64");
          rm.allocateDevice("dev0", [
            { kind: "pio", size: 8 },
            { kind: "mmio", size: 0x1000 },
          ]);
          return rm;
        },
      ],
      ["PoolView", () => V.ResourceManager.fromPreset("x86_64").pio],
      ["Range", () => new C.Range(1, 5)],
      ["Constraint", () => new C.Constraint({ size: 4 })],
      ["DragonballResourceManager", () => new D.DragonballResourceManager()],
      [
        "DeviceResources",
        () => {
          const list = D.DeviceResources.new();
          list.append(D.Resource.KvmMemSlot(0));
          list.append(D.Resource.PioAddressRange(0x3f8, 8));
          return list;
        },
      ],
      ["dbs Constraint", () => D.Constraint.new(16)],
      ["AddressAllocator", () => new R.AddressAllocator(0x1000, 0x10000)],
      ["IdAllocator", () => new R.IdAllocator(0, 16)],
      ["RangeInclusive", () => new R.RangeInclusive(1, 5)],
      ["rust-vmm Constraint", () => new R.Constraint(16, 4)],
      ["ResourceAllocator", () => new F.ResourceAllocator()],
    ];
    for (const [where, make] of instances) {
      const target = make();
      methods(where, Object.getPrototypeOf(target) as object, protoMembers(Object.getPrototypeOf(target) as object), () => target);
    }
    expect([...problems]).toEqual([]);
  });

  it("instance methods on a receiver the class did not build (forged, null, a plain object)", () => {
    const { problems, call } = sweeper();
    const rm = V.ResourceManager.fromPreset("x86_64");
    const all: [string, object][] = [...classes().map(([w, K0]): [string, object] => [w, K0.prototype]), ["PoolView", Object.getPrototypeOf(rm.pio) as object]];
    const argLists: readonly (readonly unknown[])[] = [
      [],
      [1],
      [{ min: 0, max: 1 }],
      ["dev0", [{ kind: "pio", size: 8 }]],
      [{ size: 1 }],
      [new C.Range(0, 1)],
      [0, 1, 2],
    ];
    for (const [where, proto] of all) {
      for (const name of protoMembers(proto)) {
        const d = Object.getOwnPropertyDescriptor(proto, name);
        for (const fn of [d?.value, d?.get].filter((f): f is Fn => typeof f === "function"))
          for (const self of [Object.create(proto), null, {}]) for (const args of argLists) call(`${where}.${String(name)}`, fn, self, args);
      }
    }
    expect([...problems]).toEqual([]);
  });
});
