/**
 * The bad-input catalogue for resource managers: malformed requests, wrong
 * and unknown owners, impossible moves, `__proto__` names, and malformed or
 * mutated snapshots. Each case must throw its code and leave the manager as
 * it was (compared through its canonical snapshot, plus `checkInvariants()`).
 */
import { isAllocError } from "@alloc/constraint";
import type { AllocErrorCode } from "@alloc/constraint";
import type { BadInputResult } from "./badInputs.js";
import type { ManagerFactory, ManagerUnderTest } from "./interfaces.js";

/** A manager as the catalogue drives it (a few calls beyond {@link ManagerUnderTest}). */
export type ManagerCatalogueTarget = ManagerUnderTest & {
  /** Reserves `range` of `pool` with `label` (a normal free can never release it). */
  reserve(pool: unknown, range: { min: number | bigint; max: number | bigint }, label: string): void;
  /** Who holds `value` of `pool`, or `undefined`. */
  ownerOf(pool: unknown, value: number | bigint): unknown;
};

/** One kind of bad call on a manager; `restore` rebuilds a manager from JSON. */
export interface ManagerBadInputCase {
  /** What the case tries, e.g. `"move to a string address"`. */
  readonly name: string;
  /** The error code the call must be refused with. */
  readonly code: AllocErrorCode;
  /** Makes the bad call against `target` (`restore` for snapshot cases). */
  run(target: ManagerCatalogueTarget, restore: (json: string) => unknown): unknown;
}

/**
 * The state every manager case starts from (on the factory's default layout):
 * dev0 holds a device id, 8 ports and a legacy IRQ; dev1 holds a 4 KiB MMIO block.
 */
export function MANAGER_FIXTURE(t: ManagerUnderTest): void {
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
/** The pools of a parsed snapshot: the first top-level object whose values hold `ranges` arrays with states. */
const poolsOf = (s: J): Record<string, { ranges: J[] }> => {
  for (const v of Object.values(s)) {
    if (typeof v !== "object" || v === null) continue;
    const pools = Object.values(v as J);
    if (pools.some((p) => typeof p === "object" && p !== null && Array.isArray((p as J).ranges) && ((p as { ranges: J[] }).ranges).some((e) => "state" in e))) {
      return v as Record<string, { ranges: J[] }>;
    }
  }
  return {};
};
/** The first allocated entry of any pool in a parsed snapshot. */
const firstAllocated = (s: J): { list: J[]; i: number } => {
  for (const pool of Object.values(poolsOf(s))) {
    const i = pool.ranges.findIndex((e) => e.state === "allocated");
    if (i >= 0) return { list: pool.ranges, i };
  }
  throw new Error("MANAGER_FIXTURE: the snapshot holds no allocated entry (unexpected snapshot shape)");
};
const res = (v: J): never => v as never;

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
  { name: "request: mmio base + size past 2^64-1", code: "INVALID_REQUEST", run: (t) => t.allocateDevice("dev9", [{ kind: "mmio", size: 0x2000n, base: 2n ** 64n - 0x1000n }]) },
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
  { name: "move: misaligned MMIO base", code: "INVALID_ALIGNMENT", run: (t) => t.move("dev1", t.resourcesOf("dev1")[0], BigInt((t.resourcesOf("dev1")[0] as { base: bigint }).base) + 1n) },
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
  {
    name: "restore: allocated entry with an empty owner",
    code: "INVALID_SNAPSHOT",
    run: (t, restore) => restore(edit(t, (s) => {
      const { list, i } = firstAllocated(s);
      list[i] = { ...list[i], owner: "" };
    })),
  },
  {
    name: "restore: entry with min > max",
    code: "INVALID_SNAPSHOT",
    run: (t, restore) => restore(edit(t, (s) => {
      const { list, i } = firstAllocated(s);
      list[i] = { ...list[i], min: "0x20", max: "0x10" };
    })),
  },
  {
    name: "restore: entry bound is not hex",
    code: "INVALID_SNAPSHOT",
    run: (t, restore) => restore(edit(t, (s) => {
      const { list, i } = firstAllocated(s);
      list[i] = { ...list[i], min: "0xzz" };
    })),
  },
  {
    name: "restore: unknown entry state",
    code: "INVALID_SNAPSHOT",
    run: (t, restore) => restore(edit(t, (s) => {
      const { list, i } = firstAllocated(s);
      list[i] = { ...list[i], state: "borrowed" };
    })),
  },
  {
    name: "restore: overlapping entries (an allocation duplicated)",
    code: "INVALID_SNAPSHOT",
    run: (t, restore) => restore(edit(t, (s) => {
      const { list, i } = firstAllocated(s);
      list.splice(i, 0, { ...list[i], owner: "intruder" });
    })),
  },
  {
    name: "restore: an allocation outside every pool range",
    code: "INVALID_SNAPSHOT",
    run: (t, restore) => restore(edit(t, (s) => {
      const { list } = firstAllocated(s);
      list.push({ min: "0xfffffffffffffff0", max: "0xffffffffffffffff", owner: "ghost", state: "allocated" });
    })),
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
  return cases.map((k) => {
    const t = factory.create() as ManagerCatalogueTarget;
    MANAGER_FIXTURE(t);
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
    }
    if (t.snapshot() !== before) problems.push("state changed (snapshot differs)");
    try {
      t.checkInvariants();
    } catch (e) {
      problems.push(`invariant broken: ${e instanceof Error ? e.message : String(e)}`);
    }
    return { name: k.name, expected: k.code, actual, problems };
  });
}
