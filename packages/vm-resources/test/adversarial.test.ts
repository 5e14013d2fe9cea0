/**
 * Requests from a hostile caller: getters whose answers change between reads,
 * proxies counting every read, frozen objects, forged objects (fields on the
 * prototype), misspelt keys. Whatever comes in, each property is read at most
 * once, the resource returned is exactly what the pool holds, a refusal is an
 * AllocError that leaves the snapshot unchanged, and invariants hold.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ResourceManager, checkedLayout, isAllocError, layoutToJSON, parseVmDescription, placeOf, presetLayout } from "../src/index.js";
import { expectAllocError } from "./helpers.js";
import type { Resource } from "../src/index.js";

type Fields = Record<string, unknown>;

/** A valid request of every kind, as plain fields (the first answer a getter gives). */
const fields: fc.Arbitrary<Fields> = fc.oneof(
  fc.record({ kind: fc.constant("pio"), size: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant("mmio"), size: fc.constantFrom(0x1000, 0x2000n, 0x10000), align: fc.constantFrom(0x1000, 0x10000n) }),
  fc.record({ kind: fc.constant("mem"), size: fc.constantFrom(0x1000, 0x200000n) }),
  fc.record({ kind: fc.constant("legacy-irq") }),
  fc.record({ kind: fc.constantFrom("pci-msi", "pci-msix", "generic-msi"), count: fc.constantFrom(1, 2, 4) }),
  fc.record({ kind: fc.constant("mem-slot"), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant("device-id") }),
);

/** A second, different answer for a field (what a changing getter says on later reads). */
function other(v: unknown): unknown {
  if (typeof v === "number") return v * 4;
  if (typeof v === "bigint") return v * 4n;
  if (v === "pio") return "mmio";
  return "pio";
}

type Wrap = "plain" | "frozen" | "changing" | "proxy" | "forged" | "misspelt";

interface Built {
  readonly value: unknown;
  /** How often each key was read (proxy and changing getters only). */
  readonly reads: Map<string, number>;
}

function build(f: Fields, wrap: Wrap): Built {
  const reads = new Map<string, number>();
  const count = (k: string): number => {
    const n = (reads.get(k) ?? 0) + 1;
    reads.set(k, n);
    return n;
  };
  switch (wrap) {
    case "plain":
      return { value: { ...f }, reads };
    case "frozen":
      return { value: Object.freeze({ ...f }), reads };
    case "changing": {
      const o = {};
      for (const [k, v] of Object.entries(f)) Object.defineProperty(o, k, { enumerable: true, get: () => (count(k) === 1 ? v : other(v)) });
      return { value: o, reads };
    }
    case "proxy":
      return {
        value: new Proxy(
          { ...f },
          {
            get(t, k, r) {
              if (typeof k === "string") count(k);
              return Reflect.get(t, k, r) as unknown;
            },
          },
        ),
        reads,
      };
    case "forged":
      return { value: Object.create({ ...f }) as unknown, reads };
    case "misspelt": {
      const o: Fields = { ...f };
      o[Object.keys(f).includes("size") ? "sise" : "kindd"] = 1;
      return { value: o, reads };
    }
  }
}

const step = fc.record({
  requests: fc.array(fc.tuple(fields, fc.constantFrom<Wrap>("plain", "frozen", "changing", "proxy", "forged", "misspelt")), { minLength: 1, maxLength: 3 }),
  free: fc.boolean(),
});

/** The resource agrees with the pool: allocated to `owner`, exactly its range. */
function heldAsReturned(rm: ResourceManager, owner: string, res: Resource): void {
  const place = placeOf(res);
  if (place === undefined) {
    expect(res).toMatchObject({ kind: "legacy-irq", shared: true });
    return;
  }
  const e = rm.pool(place.pool).entryAt(place.range.min);
  expect(e).toMatchObject({ state: "allocated", owner });
  expect(e?.range.equals(place.range)).toBe(true);
  expect(Object.isFrozen(res)).toBe(true);
}

describe("hostile requests", () => {
  it("each field read once; what is returned is what the pool holds; refusals change nothing", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        const rm = ResourceManager.fromPreset("x86_64");
        steps.forEach((s, i) => {
          const owner = `dev${i}`;
          const built = s.requests.map(([f, w]) => ({ f, w, ...build(f, w) }));
          const before = rm.snapshot();
          let got: Resource[] | undefined;
          try {
            got = rm.allocateDevice(owner, built.map((b) => b.value) as never);
          } catch (e) {
            expect(isAllocError(e), String(e)).toBe(true);
            expect(String((e as Error).message)).not.toContain("\n");
            expect(rm.snapshot()).toBe(before);
          }
          for (const b of built) for (const [k, n] of b.reads) expect(n, `${b.w} request: ${k} read ${n} times`).toBeLessThanOrEqual(1);
          if (got !== undefined) {
            // Forged and misspelt requests are refused (fields on the prototype do not exist; unknown keys are errors).
            expect(built.some((b) => b.w === "forged" || b.w === "misspelt")).toBe(false);
            expect(got).toHaveLength(built.length);
            got.forEach((res, j) => {
              const f = (built[j] as { f: Fields }).f;
              expect(res.kind).toBe(f["kind"]);
              if (f["size"] !== undefined) expect(BigInt((res as { size: number | bigint }).size)).toBe(BigInt(f["size"] as number));
              if (f["count"] !== undefined) expect((res as { count: number }).count).toBe(f["count"]);
              heldAsReturned(rm, owner, res);
            });
            expect(rm.resourcesOf(owner)).toEqual(got);
          }
          if (s.free && got !== undefined) rm.freeDevice(owner);
          rm.checkInvariants();
        });
      }),
      { numRuns: 200 },
    );
  });

  it("a frozen request is checked once and then trusted, with the same result every time", () => {
    const rm = ResourceManager.fromPreset("x86_64");
    const req = Object.freeze({ kind: "pci-msix" as const, count: 3 });
    const a = rm.allocateDevice("a", [req]);
    const b = rm.allocateDevice("b", [req]);
    expect(a[0]).toMatchObject({ count: 3 });
    expect(b[0]).toMatchObject({ count: 3 });
    rm.checkInvariants();
  });

  it("a frozen object holding an unfrozen range is read again every time", () => {
    const rm = ResourceManager.fromPreset("x86_64");
    const range = { min: 0x2000, max: 0x2fff };
    const req = Object.freeze({ kind: "pio" as const, size: 8, range });
    expect(rm.allocateDevice("a", [req])[0]).toMatchObject({ base: 0x2000 });
    range.min = 0x3000;
    range.max = 0x3fff;
    expect(rm.allocateDevice("b", [req])[0]).toMatchObject({ base: 0x3000 });
  });
});

/** Arrays a hostile caller can pass: a revoked proxy (Array.isArray itself throws), and proxies whose length or an element throws or lies. */
function hostileArrays(items: readonly unknown[]): [string, unknown][] {
  const { proxy: revoked, revoke } = Proxy.revocable([...items], {});
  revoke();
  const trap = (bad: string | symbol, answer?: () => unknown): unknown =>
    new Proxy([...items], {
      get(t, k, r) {
        if (k !== bad) return Reflect.get(t, k, r);
        if (answer !== undefined) return answer();
        throw new Error(`trap ${String(k)}`);
      },
    });
  return [
    ["a revoked proxy", revoked],
    ["a proxy whose length throws", trap("length")],
    ["a proxy whose last element throws", trap(String(items.length - 1))],
    ["a proxy claiming a length of 2^40", trap("length", () => 2 ** 40)],
    ["a proxy claiming a length of '1'", trap("length", () => "1")],
  ];
}

describe("hostile arrays", () => {
  const requests = [
    { kind: "pio" as const, size: 8 },
    { kind: "mmio" as const, size: 0x1000 },
  ];

  it.each(hostileArrays(requests))("allocateDevice and extendDevice refuse %s as the request list: INVALID_ARGUMENT, nothing changed", (_, list) => {
    const rm = ResourceManager.fromPreset("x86_64");
    rm.allocateDevice("held", [{ kind: "pio", size: 4 }]);
    const before = rm.snapshot();
    for (const call of [() => rm.allocateDevice("new", list as never), () => rm.extendDevice("held", list as never)]) {
      const e = expectAllocError(call, "INVALID_ARGUMENT");
      expect(e.details.argument).toBe("requests");
      expect(e.message).toMatch(/^requests/);
    }
    expect(rm.snapshot()).toBe(before);
    expect(rm.allocateDevice("next", [{ kind: "pio", size: 4 }])[0]).toMatchObject({ base: 0x1004 });
    rm.checkInvariants();
  });

  it("the request list is read once: a proxy that answers a new list on the second read places only the first", () => {
    const rm = ResourceManager.fromPreset("x86_64");
    let reads = 0;
    const list = new Proxy([{ kind: "pio", size: 8 }], {
      get(t, k, r) {
        if (k === "0") reads++;
        return reads > 1 && k === "0" ? { kind: "mmio", size: 0x1000 } : Reflect.get(t, k, r);
      },
    });
    const [res] = rm.allocateDevice("a", list as never);
    expect(reads).toBe(1);
    expect(res).toMatchObject({ kind: "pio", size: 8 });
    expect(rm.resourcesOf("a")).toEqual([res]);
  });

  it.each(hostileArrays([{ min: 0, max: 0xffff }]))("a layout whose pio ranges are %s is refused with INVALID_LAYOUT naming the path", (_, ranges) => {
    const layout = { ...layoutToJSON(presetLayout("x86_64")) } as Record<string, unknown>;
    layout["pio"] = { ranges, reserved: [] };
    const e = expectAllocError(() => checkedLayout(layout), "INVALID_LAYOUT");
    expect(e.details.path).toBe("$.pio.ranges");
    expect(e.message).not.toMatch(/[\n\r]/);
  });

  it.each(hostileArrays([{ name: "blk", requests: [{ kind: "mmio", size: "4KiB" }] }]))(
    "a VM description whose device list is %s is refused naming $.devices",
    (_, devices) => {
      const e = expectAllocError(() => parseVmDescription({ arch: "x86_64", memory: "1GiB", devices }), "INVALID_REQUEST");
      expect(e.details.path).toBe("$.devices");
    },
  );
});
