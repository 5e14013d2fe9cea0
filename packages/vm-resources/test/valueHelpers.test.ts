/**
 * The package's value helpers take values from outside too: `describeResource`,
 * `placeOf`, `resourceJSON`, `entryJSON`, `holderName`, `canonicalJSON` and
 * the plan printers. Each reads its input once, answers exactly for what the
 * library made (and for faithful copies), and refuses anything else with a
 * typed error naming the field: never a bare `TypeError`, never a wrong answer.
 */
import { AllocError, Range } from "@alloc/constraint";
import { describe, expect, it } from "vitest";
import {
  EXAMPLE_MICROVM,
  ResourceManager,
  canonicalJSON,
  defineLayout,
  describeResource,
  entryJSON,
  formatPlan,
  holderName,
  layoutToJSON,
  parseVmDescription,
  placeOf,
  planToJSON,
  planVm,
  presetLayout,
  ramRegions,
  renderSvg,
  resourceJSON,
  xmlEscape,
} from "../src/index.js";
import type { PoolEntry, Resource } from "../src/index.js";
import { expectAllocError } from "./helpers.js";

/** `fn` is refused with `code`, naming `argument`, in one line. */
function refused(fn: () => unknown, argument: string, code = "INVALID_ARGUMENT"): AllocError {
  const e = expectAllocError(fn, code);
  expect(e.details.argument).toBe(argument);
  expect(e.message).not.toContain("\n");
  return e;
}

function held(): { rm: ResourceManager; res: Resource[] } {
  const rm = ResourceManager.fromPreset("x86_64");
  const res = rm.allocateDevice("d", [
    { kind: "pio", size: 8 },
    { kind: "mmio", size: 0x4000, align: 0x4000, window: "any" },
    { kind: "legacy-irq" },
    { kind: "pci-msix", count: 3 },
    { kind: "device-id" },
    { kind: "mem-slot" },
    { kind: "mem", size: 0x1000 },
  ]);
  return { rm, res };
}

describe("resource helpers read a resource once and check its values", () => {
  it("a resource the manager made, and a faithful copy of it, give the same answers", () => {
    const { res } = held();
    for (const r of res) {
      const copy = { ...r };
      expect(describeResource(copy)).toBe(describeResource(r));
      expect(resourceJSON(copy)).toEqual(resourceJSON(r));
      expect(String(placeOf(copy)?.range)).toBe(String(placeOf(r)?.range));
      expect(placeOf(copy)?.pool).toBe(placeOf(r)?.pool);
    }
    expect(placeOf(res[0] as Resource)).toEqual({ pool: "pio", range: new Range(0x1000, 0x1007) });
  });

  it("a wrong type, a missing or unknown key, an unknown kind are refused naming the field", () => {
    const { res } = held();
    const [pio, mmio] = res as [Resource, Resource];
    for (const f of [describeResource, resourceJSON, placeOf] as ((r: unknown) => unknown)[]) {
      refused(() => f({ ...pio, base: "0x1000" }), "resource.base");
      refused(() => f({ ...pio, base: 1.5 }), "resource.base");
      refused(() => f({ ...mmio, base: Number((mmio as { base: bigint }).base) }), "resource.base");
      refused(() => f({ ...mmio, size: -1n }), "resource.size");
      refused(() => f({ ...mmio, size: 2n ** 64n }), "resource.size");
      refused(() => f({ ...mmio, prefetchable: 1 }), "resource.prefetchable");
      refused(() => f({ ...mmio, window: 7 }), "resource.window");
      refused(() => f({ kind: "pio", size: 8 }), "resource.base");
      refused(() => f({ ...pio, bsae: 1 }), "resource.bsae");
      refused(() => f({ ...pio, kind: "toString" }), "resource.kind");
      refused(() => f(null), "resource");
      refused(() => f(Object.create({ kind: "pio", base: 1, size: 8 })), "resource.kind");
    }
  });

  it("a getter is read once: what is described is what was read", () => {
    let reads = 0;
    const r = {
      kind: "pio",
      get base() {
        reads++;
        return reads === 1 ? 0x3f8 : "changed";
      },
      size: 8,
    };
    expect(describeResource(r as never)).toContain("0x3f8");
    expect(reads).toBe(1);
    const p = new Proxy({ kind: "pio", base: 0x60, size: 1 }, {});
    expect(resourceJSON(p as never)).toEqual({ base: 0x60, kind: "pio", size: 1 });
    refused(
      () =>
        placeOf(
          new Proxy(
            {},
            {
              ownKeys: () => {
                throw new Error("no");
              },
            },
          ) as never,
        ),
      "resource",
    );
  });
});

describe("entryJSON and holderName check their shapes", () => {
  it("answer for what the manager gives", () => {
    const { rm } = held();
    const entries = [...rm.entries("pio")];
    const taken = entries.find((e) => e.state === "allocated") as PoolEntry;
    expect(entryJSON(taken)).toEqual({ min: "0x1000", max: "0x1007", state: "allocated", owner: "d" });
    expect(entryJSON({ range: { min: 0, max: 15 }, state: "free" } as never)).toEqual({ min: "0x0", max: "0xf", state: "free" });
    expect(holderName(rm.ownerOf("pio", 0x1000) as never)).toBe("d");
    expect(holderName({ kind: "reserved", label: "COM1" })).toBe("<reserved: COM1>");
  });

  it("refuse forged shapes", () => {
    const r = new Range(0, 15);
    refused(() => entryJSON({ range: r, state: "taken" } as never), "entry");
    refused(() => entryJSON({ range: r, state: "allocated" } as never), "entry");
    refused(() => entryJSON({ range: r, state: "free", owner: "x" } as never), "entry");
    expect(refused(() => entryJSON({ range: r, state: "reserved", label: 5 } as never), "entry").message).toContain(
      'got state string "reserved" with label number 5',
    );
    refused(() => entryJSON({ range: { min: 16, max: 15 }, state: "free" } as never), "entry.range", "INVALID_RANGE");
    refused(() => entryJSON({ range: r, state: "free", extra: 1 } as never), "entry.extra");
    refused(() => holderName({ kind: "owner" } as never), "holder");
    refused(() => holderName({ kind: "owner", owner: "a", label: "b" } as never), "holder");
    expect(refused(() => holderName({ kind: "admin", owner: "a" } as never), "holder").message).toContain('got kind string "admin"');
    refused(() => holderName(undefined as never), "holder");
  });
});

describe("canonicalJSON writes only what JSON carries exactly", () => {
  it("sorts keys, writes bigints as hex, leaves out undefined-valued keys", () => {
    expect(canonicalJSON({ b: 1, a: [true, "x", null], c: undefined, d: 0x10n })).toBe('{"a":[true,"x",null],"b":1,"d":"0x10"}');
  });

  it("refuses what it cannot write, naming the path", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic["self"] = cyclic;
    refused(() => canonicalJSON(cyclic), "value.self");
    refused(() => canonicalJSON({ a: [1, undefined] }), "value.a[1]");
    refused(() => canonicalJSON({ a: () => 1 }), "value.a");
    refused(() => canonicalJSON({ a: Symbol("s") }), "value.a");
    refused(() => canonicalJSON({ a: Number.NaN }), "value.a");
    refused(() => canonicalJSON({ a: -1n }), "value.a");
    refused(() => canonicalJSON({ a: new Map() }), "value.a");
    refused(() => canonicalJSON(undefined), "value");
    let deep: unknown = 1;
    for (let i = 0; i < 1500; i++) deep = [deep];
    const tooDeep = refused(() => canonicalJSON(deep), `value${"[0]".repeat(1000)}`);
    // The message shows the path's first 160 characters (safeLine): one short line, however deep the value.
    expect(tooDeep.message).toBe(`canonicalJSON: value${"[0]".repeat(51)}[0… (3005 chars) must be nested at most 1000 deep; got array (length 1)`);
    // A path of long keys is cut too, and never inside a surrogate pair (here a key's emoji sits at the cut).
    let nested: Record<string, unknown> = { bad: () => 1 };
    for (let i = 0; i < 20; i++) nested = { [`${"k".repeat(73)}\u{1F600}`]: nested };
    const full = `value${`["${"k".repeat(73)}\u{1F600}"]`.repeat(20)}.bad`;
    const cut = refused(() => canonicalJSON(nested), full);
    expect(full.charCodeAt(159)).toBe(0xd83d); // a cut after 160 characters would split the emoji
    expect(cut.message).toBe(`canonicalJSON: ${full.slice(0, 159)}… (${full.length} chars) must be a JSON value; got function`);
    expect(cut.message).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    const shared = { x: 1 };
    expect(canonicalJSON([shared, shared])).toBe('[{"x":1},{"x":1}]');
    let reads = 0;
    const o = {
      get a() {
        reads++;
        return reads;
      },
    };
    expect(canonicalJSON(o)).toBe('{"a":1}');
    refused(
      () =>
        canonicalJSON({
          get a() {
            throw new Error("no");
          },
        }),
      "value",
    );
  });
});

describe("the plan printers take only plans planVm made", () => {
  it("a plan prints; a copy or a look-alike is refused before anything of it is read", () => {
    const plan = planVm(parseVmDescription(EXAMPLE_MICROVM));
    expect(Object.isFrozen(plan) && Object.isFrozen(plan.devices)).toBe(true);
    expect(formatPlan(plan)).toContain(plan.name);
    expect(planToJSON(plan)).toHaveProperty("devices");
    expect(renderSvg(plan)).toContain("<svg");
    for (const fake of [{ ...plan }, null, { manager: plan.manager, devices: [], name: "x" }])
      for (const print of [formatPlan, planToJSON, renderSvg] as ((p: unknown) => unknown)[]) refused(() => print(fake), "plan");
  });
});

describe("the layout, planning and SVG helpers check what they are given", () => {
  it("defineLayout reads its options once: only code (one of the two layout codes) and path (a string)", () => {
    const json = layoutToJSON(presetLayout("x86_64"));
    const cases: Array<[unknown, string]> = [
      [null, "options"],
      [{ code: "INVALID_REQUEST" }, "options.code"],
      [{ path: 5 }, "options.path"],
      [{ cdoe: "INVALID_SNAPSHOT" }, "cdoe"],
    ];
    for (const [options, argument] of cases) {
      expect(expectAllocError(() => defineLayout(json, options as never), "INVALID_ARGUMENT").details.argument).toBe(argument);
    }
    let reads = 0;
    const counted = {
      get path() {
        reads++;
        return "$.layout";
      },
      code: "INVALID_SNAPSHOT",
    };
    const e = expectAllocError(() => defineLayout({ ...json, name: "" }, counted as never), "INVALID_SNAPSHOT");
    expect(e.details.path).toBe("$.layout.name");
    expect(reads).toBe(1);
  });

  it("ramRegions, layoutToJSON, xmlEscape, planVm and dump refuse garbage with typed errors", () => {
    const layout = presetLayout("x86_64");
    expect(ramRegions(layout, 1n << 30n).map(String)).toEqual(["[0x0000000000000000, 0x000000003fffffff]"]);
    refused(() => ramRegions(layout, "1GiB" as never), "memorySize");
    refused(() => ramRegions(layout, 1.5 as never), "memorySize");
    expect(() => ramRegions({} as never, 1n)).toThrow(AllocError);
    expect(() => layoutToJSON(null as never)).toThrow(AllocError);
    expect(layoutToJSON(layout)).toEqual(layoutToJSON(defineLayout(layoutToJSON(layout))));
    refused(() => xmlEscape(5 as never), "text");
    expect(xmlEscape("a<b")).toBe("a&lt;b");
    const vm = parseVmDescription(EXAMPLE_MICROVM);
    expect(Object.isFrozen(vm) && Object.isFrozen(vm.devices)).toBe(true);
    for (const fake of [{ ...vm }, null, { name: "x", layout, memory: 1n << 30n, devices: [] }]) refused(() => planVm(fake as never), "vm");
    const rm = ResourceManager.fromPreset("x86_64");
    refused(() => rm.dump({ free: "yes" } as never), "options.free");
    refused(() => rm.dump({ fre: true } as never), "options.fre");
    refused(() => rm.dump(null as never), "options");
    expect(rm.dump({ free: true })).toContain(": free");
  });

  it("human-readable text escapes the caller's names: the plan, the dump and the SVG stay one entry per line with no control characters", () => {
    const hostile = "ev\u001b]0;pwned\u0007il\n<b>\ud800";
    const vm = parseVmDescription({
      name: `vm\r${hostile}`,
      arch: "x86_64",
      memory: "1GiB",
      devices: [{ name: hostile, type: "t\u0000", requests: [{ kind: "mmio", size: "4KiB" }] }],
    });
    const plan = planVm(vm);
    const text = formatPlan(plan);
    const unsafe = /[\u0000-\u0008\u000b-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])/;
    expect(text).not.toMatch(unsafe);
    expect(text.split("\n")[0]).toBe("VM vm\\r" + "ev\\u001b]0;pwned\\u0007il\\n<b>\\ud800 — layout x86_64/dragonball");
    expect(text).toContain("\nev\\u001b]0;pwned\\u0007il\\n<b>\\ud800 (t\\u0000)\n");
    const dump = plan.manager.dump();
    expect(dump).not.toMatch(unsafe);
    expect(dump).toMatch(/^ {2}[0-9a-f]{16}-[0-9a-f]{16} : ev\\u001b\]0;pwned\\u0007il\\n<b>\\ud800$/m);
    const rm = ResourceManager.fromPreset("x86_64");
    rm.allocateDevice(`irq\n${"x".repeat(300)}`, [{ kind: "legacy-irq", shared: true }]);
    const shared = rm
      .dump()
      .split("\n")
      .find((l) => l.includes(": shared"));
    expect(shared).toBe(`  5 : shared: irq\\n${"x".repeat(196)}… (304 chars)`);
    const svg = renderSvg(plan);
    expect(svg).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    expect(xmlEscape("a\ud800b\udc00c\u{1F600}")).toBe("abc\u{1F600}");
  });
});
