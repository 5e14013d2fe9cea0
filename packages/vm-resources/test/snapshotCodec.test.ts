/**
 * The fast snapshot codec against the reader and writer it replaced (the
 * test-only oracle in `oracle/oldSnapshot.ts`): the same bytes written, and
 * every document, valid or mutated, accepted by both or refused by both with
 * the same error (code, path, message).
 */
import { isAllocError } from "@alloc/constraint";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { POOL_NAMES, ResourceManager, defineLayout, layoutToJSON, presetLayout, readSnapshot, resourceJSON } from "../src/index.js";
import type { Reservation, Resource, ResourceRequest, RestoredOwner, RestoredState } from "../src/index.js";
import { writeSnapshot } from "../src/Snapshot.js";
import type { SnapshotSource } from "../src/Snapshot.js";
import type { Range } from "@alloc/constraint";
import { JsonWriter } from "../src/internal/JsonWriter.js";
import { alignedBlockEnd } from "../src/kinds/fields.js";
import { oldReadSnapshot, oldWriteSnapshot } from "./oracle/oldSnapshot.js";
import type { SnapshotSource as OldSnapshotSource } from "./oracle/oldSnapshot.js";

/** Owner names that need escaping, are not ASCII, or hold lone surrogates. */
const NAMES = ["a", "dev0", 'q"uote', "back\\slash", "ctl\u0001\n", "caf\u00e9", "\u{1f600}", "lone\ud800", "\udfffx", "x".repeat(100), "\u2028"];

const REQUESTS: ResourceRequest[] = [
  { kind: "pio", size: 8 },
  { kind: "mmio", size: 0x1000 },
  { kind: "mmio", size: 0x4000, align: 0x4000, window: "any", prefetchable: true },
  { kind: "mmio", size: 0x100000, window: "high" },
  { kind: "mem", size: 0x200000, align: 0x200000 },
  { kind: "legacy-irq" },
  { kind: "legacy-irq", shared: true },
  { kind: "pci-msix", count: 3 },
  { kind: "pci-msi", count: 2 },
  { kind: "generic-msi", count: 1 },
  { kind: "device-id" },
  { kind: "mem-slot", count: 2 },
];

interface Built {
  readonly rm: ResourceManager;
  readonly extra: Map<string, Reservation[]>;
}

const arbManager: fc.Arbitrary<Built> = fc
  .record({
    devices: fc.array(
      fc.record({
        name: fc.oneof(fc.constantFrom(...NAMES), fc.string({ unit: "binary", minLength: 1, maxLength: 6 })),
        reqs: fc.array(fc.constantFrom(...REQUESTS), { minLength: 1, maxLength: 4 }),
      }),
      { maxLength: 12 },
    ),
    frees: fc.array(fc.nat(11), { maxLength: 3 }),
    label: fc.option(fc.constantFrom("COM2", 'a "label"', "\u00e9\n"), { nil: undefined }),
  })
  .map(({ devices, frees, label }) => {
    const rm = ResourceManager.fromPreset("x86_64");
    const extra = new Map<string, Reservation[]>();
    for (const d of devices) {
      try {
        rm.allocateDevice(d.name, d.reqs);
      } catch {
        // A duplicate name or a full pool: that device is simply absent.
      }
    }
    for (const i of frees) {
      const name = rm.owners()[i];
      if (name !== undefined) rm.freeDevice(name);
    }
    if (label !== undefined) rm.reserve("pio", { min: 0x2f8, max: 0x2ff }, label);
    return { rm, extra };
  });

/** A source both writers read: this one through `owners`, the oracle through `ownerEntries`. */
function sourceOf(rm: ResourceManager, reserved: readonly Reservation[]): SnapshotSource & OldSnapshotSource {
  return {
    layout: rm.layout,
    owners: rm.owners().map((owner) => ({ owner, resources: rm.resourcesOf(owner) })),
    ownerEntries: () => rm.owners().map((o) => [o, rm.resourcesOf(o)] as const),
    extraReservations: (pool) => (pool === "pio" ? reserved : []),
  };
}

/** What a reader made of a document: its error, or its state in comparable form. */
type AnyOwner = RestoredOwner | readonly [string, readonly Resource[], readonly (Range | undefined)[], unknown];
function outcome(read: (json: unknown) => Omit<RestoredState, "owners"> & { readonly owners: readonly AnyOwner[] }, text: unknown): unknown {
  try {
    const s = read(text);
    // The oracle lists each owner as a tuple, the reader as a holding.
    const owners = s.owners.map((o) => ("owner" in o ? ([o.owner, o.resources, o.ranges] as const) : o));
    return {
      owners: owners.map(([o, res, ranges]) => [o, res.map((r: Resource) => resourceJSON(r)), ranges.map(String)]),
      pools: POOL_NAMES.map((n) =>
        [...(s.pools.get(n)?.entries() ?? [])].map((e) => `${e.range}:${e.state}:${"owner" in e ? e.owner : ""}:${"label" in e ? e.label : ""}`),
      ),
      extra: [...s.extra].map(([n, list]) => [n, list.map((r) => `${r.range}:${r.label}`)]),
    };
  } catch (e) {
    if (!isAllocError(e)) return { bare: String(e) };
    return { code: e.code, path: e.details.path, message: e.message };
  }
}

function expectSameReading(text: unknown): void {
  expect(outcome(readSnapshot, text)).toEqual(outcome(oldReadSnapshot, text));
}

/** Every path to a value in a JSON document. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (typeof v === "object" && v !== null) for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], [...at, k], out);
  return out;
}

const VALUES: unknown[] = [
  0,
  1,
  -1,
  1.5,
  2 ** 53,
  "0x0",
  "0x1000",
  "0xffffffffffffffff",
  "0x10000000000000000",
  "0X10",
  "0x",
  "16",
  "",
  "mmio",
  "pio",
  "low",
  "high",
  "toString",
  "__proto__",
  true,
  false,
  null,
  [],
  {},
  { kind: "pio", base: 0x3f8, size: 8 },
];

type Mutation = { op: "set"; value: unknown } | { op: "delete" } | { op: "add"; key: string; value: unknown } | { op: "dup" } | { op: "swap" };

const arbMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constant("set" as const),
    value: fc.oneof(
      fc.constantFrom(...VALUES),
      fc.integer(),
      fc.bigInt({ min: 0n, max: 2n ** 65n }).map((b) => `0x${b.toString(16)}`),
    ),
  }),
  fc.record({ op: fc.constant("delete" as const) }),
  fc.record({
    op: fc.constant("add" as const),
    key: fc.constantFrom("extra", "kind", "owner", "__proto__", "constructor", "min"),
    value: fc.constantFrom(...VALUES),
  }),
  fc.record({ op: fc.constant("dup" as const) }),
  fc.record({ op: fc.constant("swap" as const) }),
);

/** `doc` (a fresh copy) with `m` applied at `path`. */
function mutate(doc: unknown, path: (string | number)[], m: Mutation): unknown {
  if (path.length === 0) return m.op === "set" ? m.value : doc;
  let parent = doc as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const key = path[path.length - 1] as string | number;
  const target = parent[key];
  if (m.op === "set") parent[key] = m.value;
  else if (m.op === "delete") {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (m.op === "add") {
    if (typeof target === "object" && target !== null && !Array.isArray(target))
      Object.defineProperty(target, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
    else parent[key] = m.value;
  } else if (m.op === "dup") {
    if (Array.isArray(parent)) parent.splice(key as number, 0, structuredClone(target));
  } else if (Array.isArray(parent) && typeof key === "number" && key + 1 < parent.length) {
    parent[key] = parent[key + 1];
    parent[key + 1] = target;
  }
  return doc;
}

describe("snapshot codec against the previous codec", () => {
  it("writes the same bytes for any state, owner names and labels included", () => {
    fc.assert(
      fc.property(arbManager, ({ rm }) => {
        const label = [...rm.entries("pio")].find((e) => e.state === "reserved" && e.range.min === 0x2f8n);
        const reserved = label !== undefined && "label" in label ? [{ range: label.range, label: label.label as string }] : [];
        const source = sourceOf(rm, reserved);
        expect(writeSnapshot(source)).toBe(oldWriteSnapshot(source));
        expect(rm.snapshot()).toBe(oldWriteSnapshot(source));
      }),
      { numRuns: 150 },
    );
  });

  it("writes the same bytes for a layout whose name needs escaping or is not ASCII", () => {
    for (const name of ['q"\\\u0001', "caf\u00e9 \u{1f600}", "lone\ud800"]) {
      const rm = new ResourceManager(defineLayout({ ...(layoutToJSON(presetLayout("x86_64")) as Record<string, unknown>), name }));
      rm.allocateDevice("d", [{ kind: "mmio", size: 0x1000 }]);
      expect(rm.snapshot()).toBe(oldWriteSnapshot(sourceOf(rm, [])));
      expect(ResourceManager.restore(rm.snapshot()).snapshot()).toBe(rm.snapshot());
    }
  });

  it("JsonWriter.string is JSON.stringify for any string", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" }), fc.string()), (s) => {
        const w = new JsonWriter();
        w.string(s);
        w.key(s);
        w.openObject();
        w.stringField(s, s);
        w.closeObject();
        const q = JSON.stringify(s);
        expect(w.text()).toBe(`${q}${q}:{${q}:${q}}`);
      }),
      { numRuns: 500 },
    );
  });

  it("JsonWriter's fields are JSON.stringify of each key and value, u64s as 0x text at every width", () => {
    const edges = [0n, 1n, 9n, 10n, 15n, 16n, 255n, 256n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 52n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 64n - 1n];
    const arbU64 = fc.oneof(fc.constantFrom(...edges), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 53n - 1n }));
    const arbField = fc.oneof(
      fc.tuple(fc.constant("hex" as const), fc.string(), arbU64, fc.boolean()),
      fc.tuple(fc.constant("number" as const), fc.string(), fc.maxSafeNat(), fc.boolean()),
      fc.tuple(fc.constant("boolean" as const), fc.string(), fc.boolean(), fc.boolean()),
      fc.tuple(fc.constant("string" as const), fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), fc.boolean()),
    );
    fc.assert(
      fc.property(fc.array(fc.array(arbField, { maxLength: 8 }), { maxLength: 8 }), fc.nat(70_000), (objects, pad) => {
        const w = new JsonWriter();
        // A long string first, so that fields also land where the writer grows its buffer.
        w.string("x".repeat(pad));
        const want: string[] = [];
        for (const fields of objects) {
          w.openObject();
          const o = new Map<string, unknown>();
          for (const [type, key, value, asNumber] of fields) {
            if (o.has(key)) continue;
            if (type === "hex") {
              const v = value as bigint;
              if (asNumber && v <= BigInt(Number.MAX_SAFE_INTEGER)) w.hexField(key, Number(v));
              else w.hexField(key, v);
              o.set(key, `0x${v.toString(16)}`);
            } else if (type === "number") {
              w.numberField(key, value as number);
              o.set(key, value);
            } else if (type === "boolean") {
              w.booleanField(key, value as boolean);
              o.set(key, value);
            } else {
              w.stringField(key, value as string);
              o.set(key, value);
            }
          }
          w.closeObject();
          want.push(`{${[...o].map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`);
        }
        expect(w.text()).toBe(JSON.stringify("x".repeat(pad)) + want.join(""));
      }),
      { numRuns: 300 },
    );
  });

  it("the number check of an aligned block accepts exactly the blocks the bigint checks accept below 2^53", () => {
    const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
    const edge = fc.constantFrom(
      0n,
      1n,
      2n,
      3n,
      2n ** 31n,
      2n ** 32n - 1n,
      2n ** 32n,
      2n ** 32n + 1n,
      3n * 2n ** 32n,
      2n ** 33n,
      2n ** 52n,
      SAFE - 1n,
      SAFE,
      SAFE + 1n,
      2n ** 53n,
      2n ** 64n - 1n,
    );
    const u64 = fc.oneof(edge, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 40n }));
    const pow = fc.oneof(
      fc.nat(63).map((k) => 2n ** BigInt(k)),
      edge,
    );
    fc.assert(
      fc.property(u64, u64, pow, fc.boolean(), (base, size, align, alignBase) => {
        const b = alignBase && align > 0n ? (base / align) * align : base;
        const valid = align > 0n && (align & (align - 1n)) === 0n && b % align === 0n && size >= 1n && b + size - 1n <= 2n ** 64n - 1n;
        const end = alignedBlockEnd(b, size, align);
        if (end !== undefined) {
          expect(valid).toBe(true);
          expect(BigInt(end)).toBe(b + size - 1n);
        } else if (valid) expect(b > SAFE || size > SAFE || align > SAFE || b + size - 1n > SAFE).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("a mutated document is accepted iff the previous reader accepts it, with the same state or the same error", () => {
    fc.assert(
      fc.property(arbManager, fc.array(fc.tuple(fc.nat(), arbMutation), { minLength: 1, maxLength: 3 }), ({ rm }, muts) => {
        let doc: unknown = JSON.parse(rm.snapshot());
        for (const [pick, m] of muts) {
          const all = paths(doc);
          doc = mutate(doc, all[pick % all.length] as (string | number)[], m);
        }
        expectSameReading(JSON.stringify(doc));
      }),
      { numRuns: 1500 },
    );
  });

  it("text mutations and non-text input get the same answer from both readers", () => {
    const text = ResourceManager.fromPreset("x86_64").snapshot();
    const rm = ResourceManager.fromPreset("x86_64");
    rm.allocateDevice("d", [
      { kind: "mmio", size: 0x1000 },
      { kind: "pio", size: 8 },
      { kind: "legacy-irq", shared: true },
    ]);
    for (const t of [text, rm.snapshot()]) {
      for (let i = 0; i < t.length; i += 5) for (const ch of ["0", "f", '"', "}", "x", " ", "\\"]) expectSameReading(t.slice(0, i) + ch + t.slice(i + 1));
    }
    for (const v of [undefined, null, 42, {}, [], new String(text), Object.assign(Object.create(null), JSON.parse(text))]) expectSameReading(v);
  });

  it("version 1 documents read the same", () => {
    const rm = ResourceManager.fromPreset("x86_64");
    rm.allocateDevice("d", [
      { kind: "mmio", size: 0x1000 },
      { kind: "pio", size: 8 },
    ]);
    rm.reserve("pio", { min: 0x2f8, max: 0x2ff }, "COM2");
    const v2 = JSON.parse(rm.snapshot()) as Record<string, unknown>;
    const pools = Object.fromEntries(
      POOL_NAMES.map((n) => [
        n,
        {
          ranges: [...rm.entries(n)].map((e) => ({
            min: `0x${e.range.min.toString(16)}`,
            max: `0x${e.range.max.toString(16)}`,
            state: e.state,
            ...("owner" in e ? { owner: e.owner } : {}),
            ...("label" in e ? { label: e.label } : {}),
          })),
        },
      ]),
    );
    const { reserved: _, ...rest } = v2;
    const v1 = { ...rest, version: 1, pools };
    expectSameReading(JSON.stringify(v1));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), arbMutation), { minLength: 1, maxLength: 2 }), (muts) => {
        let doc: unknown = structuredClone(v1);
        for (const [pick, m] of muts) {
          const all = paths(doc);
          doc = mutate(doc, all[pick % all.length] as (string | number)[], m);
        }
        expectSameReading(JSON.stringify(doc));
      }),
      { numRuns: 300 },
    );
  });

  it("prototype pollution does not let a record with an inherited key through, nor refuse a valid one", () => {
    const rm = ResourceManager.fromPreset("x86_64");
    rm.allocateDevice("d", [{ kind: "mmio", size: 0x1000 }]);
    const text = rm.snapshot();
    const proto = Object.prototype as Record<string, unknown>;
    proto["polluted"] = 1;
    try {
      expectSameReading(text);
      expect(ResourceManager.restore(text).snapshot()).toBe(text);
    } finally {
      delete proto["polluted"];
    }
  });
});
