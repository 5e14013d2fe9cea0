/**
 * `OwnerOrder` (the name order kept between snapshots) against a naive model
 * (a map sorted on every request), and the manager's snapshots and
 * `owners()` through it after churn between snapshots.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ResourceManager } from "../src/index.js";
import { OwnerOrder } from "../src/internal/OwnerOrder.js";
import { oldWriteSnapshot } from "./oracle/oldSnapshot.js";

interface H {
  readonly owner: string;
  resources: unknown[];
}

type Op = { add: string } | { remove: number } | { ask: true };

const NAMES = ["a", "b", "ab", "B", "d1", "d10", "d2", "\u00e9", "\u{1f600}", "z"];

const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ add: fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 3, unit: "binary" })) }), weight: 4 },
  { arbitrary: fc.record({ remove: fc.nat() }), weight: 3 },
  { arbitrary: fc.constant({ ask: true as const }), weight: 1 },
);

/** Replays `ops`, checking every answer against the live map sorted from scratch; returns how often the order was dropped. */
function replay(ops: readonly Op[], restored: readonly string[]): void {
  const live = new Map<string, H>();
  const first = [...new Set(restored)].sort().map((owner) => ({ owner, resources: [1] }));
  for (const h of first) live.set(h.owner, h);
  const order = new OwnerOrder<H>(first);
  for (const o of ops) {
    if ("add" in o) {
      if (o.add === "" || live.has(o.add)) continue;
      const h: H = { owner: o.add, resources: [1] };
      live.set(h.owner, h);
      order.added(h, live.size);
    } else if ("remove" in o) {
      const names = [...live.keys()];
      if (names.length === 0) continue;
      const h = live.get(names[o.remove % names.length] as string) as H;
      live.delete(h.owner);
      h.resources = [];
      order.removed(live.size);
    } else {
      const got = order.sorted(() => live.values()).map((h) => h.owner);
      expect(got).toEqual([...live.keys()].sort());
    }
    order.check(live);
  }
  expect(order.sorted(() => live.values()).map((h) => h.owner)).toEqual([...live.keys()].sort());
}

describe("OwnerOrder", () => {
  it("answers every request with the live owners in name order (model: sort from scratch)", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fc.array(fc.constantFrom(...NAMES), { maxLength: 6 }), (ops, restored) => replay(ops, restored)),
      { numRuns: 400 },
    );
  });

  it("keeps the restored order and merges additions into it", () => {
    const live = new Map<string, H>();
    const kept = ["b", "d"].map((owner) => ({ owner, resources: [1] }));
    for (const h of kept) live.set(h.owner, h);
    const order = new OwnerOrder<H>(kept);
    // Nothing changed: the very array kept is answered, nothing is listed again.
    expect(order.sorted(() => [])).toBe(kept);
    for (const owner of ["e", "a", "c"]) {
      const h = { owner, resources: [1] };
      live.set(owner, h);
      order.added(h, live.size);
    }
    expect(order.sorted(() => []).map((h) => h.owner)).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("drops what it keeps when churn without requests outgrows twice the live owners, and sorts everything again", () => {
    const live = new Map<string, H>();
    const order = new OwnerOrder<H>();
    for (let i = 0; i < 3000; i++) {
      const h = { owner: `n${i}`, resources: [1] };
      live.set(h.owner, h);
      order.added(h, live.size);
      if (i % 10 !== 0) {
        live.delete(h.owner);
        h.resources = [];
        order.removed(live.size);
      }
    }
    order.check(live);
    let listed = 0;
    const got = order.sorted(() => {
      listed++;
      return live.values();
    });
    // Dropped: the live owners were listed once, and the answer is still right.
    expect(listed).toBe(1);
    expect(got.map((h) => h.owner)).toEqual([...live.keys()].sort());
  });

  it("check() refuses an order that lists an owner the manager does not hold", () => {
    const h = { owner: "x", resources: [1] };
    const order = new OwnerOrder<H>([h]);
    expect(() => order.check(new Map())).toThrow(/listed but not held/);
  });
});

describe("ResourceManager snapshots through the kept order", () => {
  it("writes the same bytes as the old writer after churn between snapshots, and restores", () => {
    const rm = ResourceManager.fromPreset("x86_64");
    const names = Array.from({ length: 60 }, (_, i) => `dev${(i * 37) % 60}`);
    for (const n of names.slice(0, 30)) rm.allocateDevice(n, [{ kind: "pio", size: 4 }]);
    const source = () => ({
      layout: rm.layout,
      ownerEntries: () => rm.owners().map((o) => [o, rm.resourcesOf(o)] as const),
      extraReservations: () => [],
    });
    for (let round = 0; round < 6; round++) {
      expect(rm.snapshot()).toBe(oldWriteSnapshot(source()));
      // Free some (all of one, or its last resource), add others, extend one.
      rm.freeDevice(names[round] as string);
      const last = rm.resourcesOf(names[round + 10] as string);
      rm.freeResource(names[round + 10] as string, last[0] as never);
      rm.allocateDevice(names[30 + round] as string, [{ kind: "legacy-irq" }]);
      rm.allocateDevice(names[round] as string, [{ kind: "mmio", size: 0x1000 }]);
      rm.extendDevice(names[round + 20] as string, [{ kind: "pio", size: 2 }]);
      rm.checkInvariants();
      expect(rm.owners()).toEqual([...rm.owners()].sort());
      const back = ResourceManager.restore(rm.snapshot());
      back.checkInvariants();
      expect(back.owners()).toEqual(rm.owners());
      back.allocateDevice("late", [{ kind: "pio", size: 1 }]);
      expect(back.owners()).toEqual([...rm.owners(), "late"].sort());
    }
  });
});
