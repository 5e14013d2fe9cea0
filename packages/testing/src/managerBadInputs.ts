/**
 * The bad-input catalogue for resource managers: malformed requests, wrong
 * and unknown owners, impossible moves, `__proto__` names, and malformed or
 * mutated snapshots. Each case must throw its code and leave the manager as
 * it was (compared through its canonical snapshot, plus `checkInvariants()`).
 */
import { list, methods } from "./internal/inputs.js";
import { isAllocError } from "@alloc/constraint";
import type { AllocErrorCode } from "@alloc/constraint";
import { capture } from "./internal/compare.js";
import type { BadInputResult } from "./badInputs.js";
import type { ManagerFactory, ManagerUnderTest } from "./interfaces.js";

/** A manager as the catalogue drives it (a few calls beyond {@link ManagerUnderTest}). */
export type ManagerCatalogueTarget = ManagerUnderTest & {
  /** Reserves `range` of `pool` with `label` (a normal free can never release it). */
  reserve(pool: unknown, range: { min: number | bigint; max: number | bigint }, label: string): void;
  /** Who holds `value` of `pool`, or `undefined`. */
  ownerOf(pool: unknown, value: unknown): unknown;
  /** Grows or shrinks one of `owner`'s resources to `size`, in place. */
  resizeResource(owner: unknown, resource: unknown, size: unknown): unknown;
};

/** One kind of bad call on a manager; `restore` rebuilds a manager from JSON. */
export interface ManagerBadInputCase {
  /** What the case tries, e.g. `"move to a string address"`. */
  readonly name: string;
  /** The error code the call must be refused with. */
  readonly code: AllocErrorCode;
  /** The field the error must name (`details.argument`, or `details.path` for snapshots). */
  readonly argument?: string;
  /** Makes the bad call against `target` (`restore` for snapshot cases). */
  run(target: ManagerCatalogueTarget, restore: (json: string) => unknown): unknown;
}

/**
 * The state every manager case starts from (on the factory's default layout):
 * dev0 holds a device id, 8 ports and a legacy IRQ; dev1 holds a 4 KiB MMIO block.
 * `t` must have `allocateDevice` (else an `AllocError` `INVALID_ARGUMENT`
 * naming `t.allocateDevice`); the manager's own errors propagate.
 *
 * @example
 * ```ts
 * const rm = ResourceManager.fromPreset("x86_64");
 * MANAGER_FIXTURE(rm);
 * ```
 */
export function MANAGER_FIXTURE(t: ManagerUnderTest): void {
  fixtureTarget(t, "t");
  fixture(t);
}

const fixtureTarget = methods(["allocateDevice"]);

function fixture(t: ManagerUnderTest): void {
  t.allocateDevice("dev0", [{ kind: "device-id" }, { kind: "pio", size: 8 }, { kind: "legacy-irq" }]);
  t.allocateDevice("dev1", [{ kind: "mmio", size: 0x1000n, align: 0x1000n }]);
}

type J = Record<string, unknown>;
/** Edits the parsed snapshot and serialises it again. */
const edit = (t: ManagerUnderTest, f: (s: J) => void): string => {
  const s = JSON.parse(t.snapshot()) as J;
  f(s);
  return JSON.stringify(s);
};
/** The owners list of a parsed snapshot (each allocation is listed once, under its owner). */
const ownersOf = (s: J): { owner: string; resources: J[] }[] => {
  const list = s["owners"];
  if (!Array.isArray(list) || list.length < 2) throw new Error("MANAGER_FIXTURE: the snapshot lists no owners (unexpected snapshot shape)");
  return list as { owner: string; resources: J[] }[];
};
/** dev1's MMIO resource in a parsed snapshot. */
const mmioOf = (s: J): J => ownersOf(s)[1]!.resources[0]!;
const res = (v: J): never => v as never;
/** The batch allocated after each case, on the manager and on an untouched twin. */
const PROBE: readonly unknown[] = [
  { kind: "device-id" },
  { kind: "pio", size: 4 },
  { kind: "mmio", size: 0x1000 },
  { kind: "legacy-irq" },
  { kind: "pci-msix", count: 2 },
];

/** Every bad call on a manager, with the code it must throw. */
export const MANAGER_BAD_INPUTS: readonly ManagerBadInputCase[] = [
  // --- owners and arguments
  { name: "allocateDevice: owner is an empty string", code: "INVALID_ARGUMENT", run: (t) => t.allocateDevice("", [{ kind: "device-id" }]) },
  { name: "allocateDevice: owner is a number", code: "INVALID_ARGUMENT", run: (t) => t.allocateDevice(7 as never, [{ kind: "device-id" }]) },
  { name: "allocateDevice: requests is not an array", code: "INVALID_ARGUMENT", run: (t) => t.allocateDevice("dev9", { kind: "device-id" } as never) },
  { name: "allocateDevice: owner already holds resources", code: "DUPLICATE_OWNER", run: (t) => t.allocateDevice("dev0", [{ kind: "device-id" }]) },
  // --- malformed requests
  { name: "request: null", code: "INVALID_REQUEST", run: (t) => t.allocateDevice("dev9", [null]) },
  { name: "request: unknown kind", code: "INVALID_REQUEST", run: (t) => t.allocateDevice("dev9", [{ kind: "gpu" }]) },
  { name: "request: kind __proto__", code: "INVALID_REQUEST", run: (t) => t.allocateDevice("dev9", [{ kind: "__proto__" }]) },
  { name: "request: pio size 0", code: "INVALID_REQUEST", run: (t) => t.allocateDevice("dev9", [{ kind: "pio", size: 0 }]) },
  { name: "request: pio size 1.5", code: "INVALID_REQUEST", run: (t) => t.allocateDevice("dev9", [{ kind: "pio", size: 1.5 }]) },
  { name: "request: pio size beyond the port space", code: "INVALID_REQUEST", run: (t) => t.allocateDevice("dev9", [{ kind: "pio", size: 0x10001 }]) },
  { name: "request: mmio size NaN", code: "INVALID_REQUEST", run: (t) => t.allocateDevice("dev9", [{ kind: "mmio", size: NaN }]) },
  { name: "request: mmio negative size", code: "INVALID_REQUEST", run: (t) => t.allocateDevice("dev9", [{ kind: "mmio", size: -0x1000 }]) },
  { name: "request: mmio align 3", code: "INVALID_REQUEST", run: (t) => t.allocateDevice("dev9", [{ kind: "mmio", size: 0x1000, align: 3 }]) },
  {
    name: "request: mmio base + size past 2^64-1",
    code: "INVALID_REQUEST",
    run: (t) => t.allocateDevice("dev9", [{ kind: "mmio", size: 0x2000n, base: 2n ** 64n - 0x1000n }]),
  },
  { name: "request: mmio unknown window", code: "INVALID_REQUEST", run: (t) => t.allocateDevice("dev9", [{ kind: "mmio", size: 0x1000, window: "middle" }]) },
  { name: "request: pci-msi count 3 (not a power of two)", code: "INVALID_REQUEST", run: (t) => t.allocateDevice("dev9", [{ kind: "pci-msi", count: 3 }]) },
  { name: "request: pci-msix count 0", code: "INVALID_REQUEST", run: (t) => t.allocateDevice("dev9", [{ kind: "pci-msix", count: 0 }]) },
  { name: "request: mem-slot count 0", code: "INVALID_REQUEST", run: (t) => t.allocateDevice("dev9", [{ kind: "mem-slot", count: 0 }]) },
  { name: "request: legacy-irq shared is a string", code: "INVALID_REQUEST", run: (t) => t.allocateDevice("dev9", [{ kind: "legacy-irq", shared: "yes" }]) },
  // --- placement
  {
    name: "request: exact device id held by another owner",
    code: "CONFLICT",
    run: (t) => t.allocateDevice("dev9", [{ kind: "device-id", id: (t.resourcesOf("dev0")[0] as { id: number }).id }]),
  },
  {
    name: "batch: the second request cannot fit (first is rolled back)",
    code: "NO_FIT",
    run: (t) => t.allocateDevice("dev9", [{ kind: "device-id" }, { kind: "mem", size: 2n ** 63n, align: 2n ** 63n }]),
  },
  // --- frees and moves
  { name: "freeDevice: unknown owner", code: "UNKNOWN_OWNER", run: (t) => t.freeDevice("dev9") },
  { name: "freeDevice: owner named __proto__", code: "UNKNOWN_OWNER", run: (t) => t.freeDevice("__proto__") },
  { name: "freeResource: wrong owner", code: "UNKNOWN_OWNER", run: (t) => t.freeResource("dev1", t.resourcesOf("dev0")[0]) },
  { name: "freeResource: never allocated", code: "UNKNOWN_OWNER", run: (t) => t.freeResource("dev0", res({ kind: "pio", base: 0x20, size: 1 })) },
  {
    name: "freeResource: twice",
    code: "UNKNOWN_OWNER",
    run: (t) => {
      const r = t.resourcesOf("dev0")[1];
      t.freeResource("dev0", r);
      return t.freeResource("dev0", r);
    },
  },
  { name: "move: wrong owner", code: "UNKNOWN_OWNER", run: (t) => t.move("dev1", t.resourcesOf("dev0")[0], 20) },
  {
    name: "move: onto another owner's resource",
    code: "CONFLICT",
    run: (t) => {
      t.allocateDevice("dev2", [{ kind: "device-id" }]);
      return t.move("dev2", t.resourcesOf("dev2")[0], (t.resourcesOf("dev0")[0] as { id: number }).id);
    },
  },
  {
    name: "move: misaligned MMIO base",
    code: "INVALID_ALIGNMENT",
    run: (t) => t.move("dev1", t.resourcesOf("dev1")[0], BigInt((t.resourcesOf("dev1")[0] as { base: bigint }).base) + 1n),
  },
  // --- one boundary: every field read once, unknown keys named, no coercion
  {
    name: "request: misspelt pio base (bsae)",
    code: "INVALID_REQUEST",
    argument: "bsae",
    run: (t) => t.allocateDevice("dev9", [{ kind: "pio", bsae: 0x3f8, size: 8 }]),
  },
  {
    name: "request: misspelt mmio align (allign)",
    code: "INVALID_REQUEST",
    argument: "allign",
    run: (t) => t.allocateDevice("dev9", [{ kind: "mmio", size: 0x1000, allign: 0x10000 }]),
  },
  {
    name: "request: legacy-irq line instead of irq",
    code: "INVALID_REQUEST",
    argument: "line",
    run: (t) => t.allocateDevice("dev9", [{ kind: "legacy-irq", line: 9 }]),
  },
  {
    name: "request: another kind's key (count on pio)",
    code: "INVALID_REQUEST",
    argument: "count",
    run: (t) => t.allocateDevice("dev9", [{ kind: "pio", size: 8, count: 2 }]),
  },
  {
    name: "request: an unknown key beside an ignored symbol key",
    code: "INVALID_REQUEST",
    argument: "x",
    run: (t) => t.allocateDevice("dev9", [{ kind: "device-id", [Symbol("x")]: 1, x: 1 }]),
  },
  { name: "request: kind toString", code: "INVALID_REQUEST", argument: "kind", run: (t) => t.allocateDevice("dev9", [{ kind: "toString" }]) },
  { name: "request: kind constructor", code: "INVALID_REQUEST", argument: "kind", run: (t) => t.allocateDevice("dev9", [{ kind: "constructor" }]) },
  { name: "request: pio size as a string", code: "INVALID_REQUEST", argument: "size", run: (t) => t.allocateDevice("dev9", [{ kind: "pio", size: "8" }]) },
  {
    name: "request: pio base as a hex string",
    code: "INVALID_REQUEST",
    argument: "base",
    run: (t) => t.allocateDevice("dev9", [{ kind: "pio", size: 8, base: "0x3f8" }]),
  },
  { name: "request: mmio size true", code: "INVALID_REQUEST", argument: "size", run: (t) => t.allocateDevice("dev9", [{ kind: "mmio", size: true }]) },
  {
    name: "request: mmio size an unsafe number",
    code: "INVALID_REQUEST",
    argument: "size",
    run: (t) => t.allocateDevice("dev9", [{ kind: "mmio", size: 2 ** 53 + 2 }]),
  },
  { name: "request: mmio size Infinity", code: "INVALID_REQUEST", argument: "size", run: (t) => t.allocateDevice("dev9", [{ kind: "mmio", size: Infinity }]) },
  {
    name: "request: mmio range.min above range.max",
    code: "INVALID_REQUEST",
    argument: "range.min",
    run: (t) => t.allocateDevice("dev9", [{ kind: "mmio", size: 0x1000, range: { min: 0x2000, max: 0x1000 } }]),
  },
  {
    name: "request: mmio range with an unknown key",
    code: "INVALID_REQUEST",
    argument: "range.mx",
    run: (t) => t.allocateDevice("dev9", [{ kind: "mmio", size: 0x1000, range: { min: 0, mx: 1 } }]),
  },
  {
    name: "request: mmio unknown policy",
    code: "INVALID_REQUEST",
    argument: "policy",
    run: (t) => t.allocateDevice("dev9", [{ kind: "mmio", size: 0x1000, policy: "worst-fit" }]),
  },
  {
    name: "request: 32-bit mmio in the high window",
    code: "INVALID_REQUEST",
    argument: "window",
    run: (t) => t.allocateDevice("dev9", [{ kind: "mmio", size: 0x1000, window: "high", is64bit: false }]),
  },
  {
    name: "request: 32-bit mmio exactly at 1 TiB",
    code: "INVALID_REQUEST",
    argument: "base",
    run: (t) => t.allocateDevice("dev9", [{ kind: "mmio", size: 0x1000, base: 1n << 40n, is64bit: false }]),
  },
  {
    name: "request: pci-msi base not aligned to its count",
    code: "INVALID_ALIGNMENT",
    argument: "base",
    run: (t) => t.allocateDevice("dev9", [{ kind: "pci-msi", count: 4, base: 2 }]),
  },
  {
    name: "request: pci-msix base a string",
    code: "INVALID_REQUEST",
    argument: "base",
    run: (t) => t.allocateDevice("dev9", [{ kind: "pci-msix", count: 2, base: "24" }]),
  },
  {
    name: "request: mem-slot slot a fraction",
    code: "INVALID_REQUEST",
    argument: "slot",
    run: (t) => t.allocateDevice("dev9", [{ kind: "mem-slot", slot: 0.5 }]),
  },
  { name: "request: device-id id an array", code: "INVALID_REQUEST", argument: "id", run: (t) => t.allocateDevice("dev9", [{ kind: "device-id", id: [7] }]) },
  {
    name: "request: a getter that throws",
    code: "INVALID_REQUEST",
    run: (t) =>
      t.allocateDevice("dev9", [
        Object.defineProperty({ kind: "pio" }, "size", {
          enumerable: true,
          get: () => {
            throw new Error("boom");
          },
        }),
      ]),
  },
  {
    name: "request: a proxy whose ownKeys throws",
    code: "INVALID_REQUEST",
    run: (t) =>
      t.allocateDevice("dev9", [
        new Proxy(
          {},
          {
            ownKeys: () => {
              throw new Error("no keys");
            },
          },
        ),
      ]),
  },
  {
    name: "batch: second request malformed (first is not taken)",
    code: "INVALID_REQUEST",
    argument: "count",
    run: (t) => t.allocateDevice("dev9", [{ kind: "device-id" }, { kind: "pci-msi", count: 5 }]),
  },
  // --- move targets and resources handed back
  { name: 'move: target "0x10"', code: "INVALID_ARGUMENT", argument: "to", run: (t) => t.move("dev0", t.resourcesOf("dev0")[0], "0x10" as never) },
  { name: "move: target [7]", code: "INVALID_ARGUMENT", argument: "to", run: (t) => t.move("dev0", t.resourcesOf("dev0")[0], [7] as never) },
  { name: "move: target true", code: "INVALID_ARGUMENT", argument: "to", run: (t) => t.move("dev0", t.resourcesOf("dev0")[0], true as never) },
  { name: "move: target 1.5", code: "INVALID_ARGUMENT", argument: "to", run: (t) => t.move("dev0", t.resourcesOf("dev0")[0], 1.5) },
  { name: "move: target NaN", code: "INVALID_ARGUMENT", argument: "to", run: (t) => t.move("dev0", t.resourcesOf("dev0")[0], NaN) },
  { name: "move: target undefined", code: "INVALID_ARGUMENT", argument: "to", run: (t) => t.move("dev0", t.resourcesOf("dev0")[0], undefined as never) },
  { name: "move: target an unsafe number", code: "INVALID_ARGUMENT", argument: "to", run: (t) => t.move("dev0", t.resourcesOf("dev0")[0], 2 ** 53 + 1) },
  { name: "move: a 32-bit BAR to 1 TiB", code: "INVALID_ARGUMENT", argument: "to", run: (t) => t.move("dev1", t.resourcesOf("dev1")[0], 1n << 40n) },
  { name: "move: resource null", code: "INVALID_ARGUMENT", run: (t) => t.move("dev0", null, 3) },
  {
    name: "move: a forged resource of unknown kind",
    code: "INVALID_ARGUMENT",
    argument: "resource.kind",
    run: (t) => t.move("dev0", { kind: "gpu", id: 1 }, 3),
  },
  { name: "freeResource: undefined", code: "INVALID_ARGUMENT", run: (t) => t.freeResource("dev0", undefined) },
  {
    name: "freeResource: a resource with a misspelt key",
    code: "INVALID_ARGUMENT",
    argument: "resource.idd",
    run: (t) => t.freeResource("dev0", { kind: "device-id", idd: 1 }),
  },
  { name: "freeResource: owner a number", code: "INVALID_ARGUMENT", argument: "owner", run: (t) => t.freeResource(5 as never, t.resourcesOf("dev0")[0]) },
  // --- resize
  { name: "resize: an IRQ line", code: "INVALID_ARGUMENT", argument: "size", run: (t) => t.resizeResource("dev0", t.resourcesOf("dev0")[2], 2) },
  { name: "resize: size 0", code: "INVALID_SIZE", argument: "size", run: (t) => t.resizeResource("dev0", t.resourcesOf("dev0")[1], 0) },
  { name: "resize: size a string", code: "INVALID_ARGUMENT", argument: "size", run: (t) => t.resizeResource("dev0", t.resourcesOf("dev0")[1], "16") },
  {
    name: "resize: grow a 32-bit block past 4 GiB",
    code: "INVALID_ARGUMENT",
    argument: "size",
    run: (t) => t.resizeResource("dev1", t.resourcesOf("dev1")[0], 1n << 40n),
  },
  { name: "resize: grow beyond the end of the pool", code: "NO_FIT", run: (t) => t.resizeResource("dev0", t.resourcesOf("dev0")[1], 0x10000) },
  // --- lookups
  { name: 'ownerOf: deviceId ""', code: "INVALID_ARGUMENT", argument: "value", run: (t) => t.ownerOf("deviceId", "") },
  { name: "ownerOf: a negative value", code: "INVALID_ARGUMENT", argument: "value", run: (t) => t.ownerOf("pio", -1) },
  { name: "ownerOf: a symbol", code: "INVALID_ARGUMENT", argument: "value", run: (t) => t.ownerOf("msi", Symbol("x")) },
  { name: "ownerOf: pool toString", code: "INVALID_ARGUMENT", argument: "pool", run: (t) => t.ownerOf("toString", 0) },
  // --- pools and reservations
  { name: "ownerOf: pool named __proto__", code: "INVALID_ARGUMENT", run: (t) => t.ownerOf("__proto__", 0) },
  { name: "reserve: empty label", code: "INVALID_ARGUMENT", run: (t) => t.reserve("pio", { min: 0x2000, max: 0x20ff }, "") },
  { name: "reserve: over an allocated range", code: "CONFLICT", run: (t) => t.reserve("deviceId", { min: 0, max: 0x1f }, "x") },
  // --- snapshots
  { name: "restore: not JSON", code: "INVALID_SNAPSHOT", run: (_t, restore) => restore("{not json") },
  { name: "restore: JSON null", code: "INVALID_SNAPSHOT", run: (_t, restore) => restore("null") },
  { name: "restore: an array", code: "INVALID_SNAPSHOT", run: (_t, restore) => restore("[]") },
  { name: "restore: truncated", code: "INVALID_SNAPSHOT", run: (t, restore) => restore(t.snapshot().slice(0, -10)) },
  { name: "restore: unknown version", code: "INVALID_SNAPSHOT", run: (t, restore) => restore(edit(t, (s) => (s.version = 99))) },
  { name: "restore: wrong format tag", code: "INVALID_SNAPSHOT", run: (t, restore) => restore(edit(t, (s) => (s.format = "something/else"))) },
  { name: "restore: a __proto__ key", code: "INVALID_SNAPSHOT", run: (t, restore) => restore(t.snapshot().replace("{", '{"__proto__":{"polluted":true},')) },
  { name: "restore: missing layout", code: "INVALID_SNAPSHOT", run: (t, restore) => restore(edit(t, (s) => delete s.layout)) },
  { name: "restore: an owner with an empty name", code: "INVALID_SNAPSHOT", run: (t, restore) => restore(edit(t, (s) => (ownersOf(s)[0]!.owner = ""))) },
  { name: "restore: a resource of size 0", code: "INVALID_SNAPSHOT", run: (t, restore) => restore(edit(t, (s) => (mmioOf(s).size = "0x0"))) },
  { name: "restore: a base that is not hex", code: "INVALID_SNAPSHOT", run: (t, restore) => restore(edit(t, (s) => (mmioOf(s).base = "0xzz"))) },
  { name: "restore: an unknown resource kind", code: "INVALID_SNAPSHOT", run: (t, restore) => restore(edit(t, (s) => (mmioOf(s).kind = "borrowed"))) },
  {
    name: "restore: a misspelt resource key",
    code: "INVALID_SNAPSHOT",
    run: (t, restore) => restore(edit(t, (s) => ((mmioOf(s).bsae = mmioOf(s).base), delete mmioOf(s).base))),
  },
  {
    name: "restore: overlapping allocations (an owner's resources duplicated)",
    code: "INVALID_SNAPSHOT",
    run: (t, restore) => restore(edit(t, (s) => ownersOf(s).push({ owner: "intruder", resources: structuredClone(ownersOf(s)[1]!.resources) }))),
  },
  {
    name: "restore: an allocation outside every pool range",
    code: "INVALID_SNAPSHOT",
    run: (t, restore) => restore(edit(t, (s) => (mmioOf(s).base = "0x1000"))),
  },
  {
    name: "restore: a layout with an unknown key",
    code: "INVALID_SNAPSHOT",
    run: (t, restore) => restore(edit(t, (s) => ((s["layout"] as J)["colour"] = "red"))),
  },
];

/**
 * Runs the manager catalogue: a fresh manager per case with
 * {@link MANAGER_FIXTURE}, the bad call, then code, unchanged snapshot and
 * invariants are checked.
 *
 * @example
 * ```ts
 * runManagerBadInputs({ create: () => ResourceManager.fromPreset("x86_64"), restore: ResourceManager.restore });
 * ```
 */
export function runManagerBadInputs(factory: ManagerFactory, cases: readonly ManagerBadInputCase[] = MANAGER_BAD_INPUTS): BadInputResult[] {
  methods(["create"])(factory, "factory");
  list(cases, "cases");
  return cases.map((k) => {
    const t = factory.create() as ManagerCatalogueTarget;
    methods(["allocateDevice", "freeDevice", "snapshot"])(t, "factory.create()");
    fixture(t);
    const problems: string[] = [];
    let actual = "returned";
    let before = t.snapshot();
    // Cases that first make valid calls (e.g. the first of two frees) compare against the state after those.
    const snapshotAfterValidCalls = (): void => {
      before = t.snapshot();
    };
    try {
      const wrapped: ManagerCatalogueTarget = new Proxy(t, {
        get(target, prop, receiver) {
          const v = Reflect.get(target, prop, receiver) as unknown;
          if (typeof v !== "function") return v;
          return (...args: unknown[]) => {
            const out = (v as (...a: unknown[]) => unknown).apply(target, args);
            if (prop === "freeResource" || prop === "allocateDevice") snapshotAfterValidCalls();
            return out;
          };
        },
      });
      k.run(wrapped, (json) => factory.restore(json));
      problems.push(`expected ${k.code}, but the call returned`);
    } catch (e) {
      actual = isAllocError(e) ? e.code : `<not an AllocError: ${String(e)}>`;
      if (actual !== k.code) problems.push(`expected ${k.code}, got ${actual}${isAllocError(e) ? `: ${e.message}` : ""}`);
      else if (k.argument !== undefined && isAllocError(e) && e.details.argument !== k.argument && e.details.path !== k.argument) {
        problems.push(`expected the error to name ${k.argument}; it names ${String(e.details.argument ?? e.details.path)}`);
      }
      if (isAllocError(e) && e.message.includes("\n")) problems.push("the message is not one line");
    }
    if (t.snapshot() !== before) problems.push("state changed (snapshot differs)");
    try {
      t.checkInvariants();
    } catch (e) {
      problems.push(`invariant broken: ${e instanceof Error ? e.message : String(e)}`);
    }
    // Nothing changed: the next allocations are those of an untouched manager in the same state.
    if (problems.length === 0) {
      const twin = factory.restore(before);
      const probe = (m: ManagerUnderTest): string =>
        JSON.stringify(
          capture(() => m.allocateDevice("probe", PROBE)),
          (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v),
        );
      if (probe(t) !== probe(twin)) problems.push("the next allocations differ from an untouched manager's");
    }
    return { name: k.name, expected: k.code, actual, problems };
  });
}
