import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { POOL_NAMES, ResourceManager, pciBar, placeOf } from "../src/index.js";
import type { Resource, ResourceRequest } from "../src/index.js";

const request: fc.Arbitrary<ResourceRequest> = fc.oneof(
  fc.record({ kind: fc.constant("pio" as const), size: fc.integer({ min: 1, max: 64 }) }),
  fc.record({
    kind: fc.constant("mmio" as const),
    size: fc.constantFrom(0x1000n, 0x4000n, 1n << 24n),
    window: fc.constantFrom("low" as const, "high" as const, "any" as const),
  }),
  fc.constantFrom(0x10, 0x1000, 0x10000).chain((size) => fc.boolean().map((is64bit) => pciBar({ size, is64bit }))),
  fc.record({ kind: fc.constant("mem" as const), size: fc.constantFrom(0x1000n, 1n << 21n), align: fc.constantFrom(1n, 1n << 21n) }),
  fc.record({ kind: fc.constant("legacy-irq" as const), shared: fc.boolean() }),
  fc.record({ kind: fc.constant("legacy-irq" as const), irq: fc.integer({ min: 3, max: 15 }) }),
  fc.record({ kind: fc.constantFrom("pci-msi" as const), count: fc.constantFrom(1, 2, 4, 8, 32) }),
  fc.record({ kind: fc.constantFrom("pci-msix" as const, "generic-msi" as const), count: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant("mem-slot" as const), count: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ kind: fc.constant("device-id" as const) }),
  fc.record({ kind: fc.constant("device-id" as const), id: fc.integer({ min: 0, max: 33 }) }),
);

type Op =
  | { op: "plug"; owner: number; requests: ResourceRequest[] }
  | { op: "unplug"; owner: number }
  | { op: "move"; owner: number; pick: number; delta: number }
  | { op: "freeOne"; owner: number; pick: number }
  | { op: "roundTrip" };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant("plug" as const), owner: fc.integer({ min: 0, max: 11 }), requests: fc.array(request, { maxLength: 5 }) }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("unplug" as const), owner: fc.integer({ min: 0, max: 11 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("move" as const),
      owner: fc.integer({ min: 0, max: 11 }),
      pick: fc.nat(),
      delta: fc.integer({ min: -64, max: 64 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("freeOne" as const), owner: fc.integer({ min: 0, max: 11 }), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ op: "roundTrip" as const }) },
);

/** The property's own bookkeeping: what each owner should hold, checked against the pools. */
function consistent(rm: ResourceManager, expected: Map<string, Resource[]>): void {
  rm.checkInvariants();
  expect(rm.owners()).toEqual([...expected.keys()].sort());
  let recorded = 0;
  for (const [owner, held] of expected) {
    expect(rm.resourcesOf(owner)).toEqual(held);
    for (const res of held) {
      const place = placeOf(res);
      if (place === undefined) continue;
      recorded++;
      const e = rm.pool(place.pool).entryAt(place.range.min);
      expect(e).toMatchObject({ state: "allocated", owner });
      expect(e!.range.equals(place.range)).toBe(true);
    }
  }
  let allocated = 0;
  for (const name of POOL_NAMES) {
    for (const e of rm.entries(name)) if (e.state === "allocated") allocated++;
    const s = rm.stats()[name];
    expect(s.free + s.used + s.reserved).toBe(s.total);
  }
  expect(allocated).toBe(recorded);
}

describe("random plug/unplug/move sequences keep owners and pools consistent", () => {
  it.each([
    ["x86_64", "dragonball"],
    ["x86_64", "firecracker"],
    ["aarch64", "dragonball"],
  ] as const)("%s/%s", (arch, flavor) => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        let rm = ResourceManager.fromPreset(arch, flavor);
        const expected = new Map<string, Resource[]>();
        for (const o of ops) {
          const before = rm.snapshot();
          if (o.op === "plug") {
            const owner = `dev${o.owner}`;
            if (expected.has(owner)) continue;
            try {
              const got = rm.allocateDevice(owner, o.requests);
              expect(got).toHaveLength(o.requests.length);
              if (got.length > 0) expected.set(owner, got);
            } catch (e) {
              expect((e as { details: { request?: number } }).details.request).toBeTypeOf("number");
              expect(rm.snapshot()).toBe(before); // all or nothing
            }
          } else if (o.op === "unplug") {
            const owner = `dev${o.owner}`;
            if (expected.has(owner)) {
              rm.freeDevice(owner);
              expected.delete(owner);
            } else {
              expect(() => rm.freeDevice(owner)).toThrow(/holds no resources/);
            }
          } else if (o.op === "move" || o.op === "freeOne") {
            const owner = `dev${o.owner}`;
            const held = expected.get(owner);
            if (held === undefined) continue;
            const i = o.pick % held.length;
            const res = held[i]!;
            if (o.op === "freeOne") {
              rm.freeResource(owner, res);
              held.splice(i, 1);
              if (held.length === 0) expected.delete(owner);
            } else {
              const place = placeOf(res);
              if (place === undefined) continue;
              const align = res.kind === "mmio" || res.kind === "mem" ? res.align : res.kind === "pci-msi" ? BigInt(res.count) : 1n;
              const to = place.range.min + BigInt(o.delta) * align;
              if (to < 0n) continue;
              try {
                held[i] = rm.move(owner, res, to);
              } catch (e) {
                expect(["CONFLICT", "NO_FIT"]).toContain((e as { code: string }).code);
                expect(rm.snapshot()).toBe(before); // the device keeps its old place
              }
            }
          } else {
            rm = ResourceManager.restore(before);
            expect(rm.snapshot()).toBe(before);
          }
          consistent(rm, expected);
        }
      }),
      { numRuns: 60 },
    );
  });
});
