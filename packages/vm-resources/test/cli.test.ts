import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLE_MICROVM, layoutToJSON, parseVmDescription, planVm, presetLayout, renderSvg } from "../src/index.js";
import { runCli } from "../src/cli/main.js";

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
const schema = (name: string): object => JSON.parse(readFileSync(join(import.meta.dirname, "..", "schema", name), "utf8")) as object;
const validPlan = ajv.compile(schema("plan.schema.json"));
const validDescription = ajv.compile(schema("vm-description.schema.json"));
const version = (JSON.parse(readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8")) as { version: string }).version;

const pkg = join(import.meta.dirname, "..");
const tmp = mkdtempSync(join(tmpdir(), "alloc-plan-"));

function run(args: string[]): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const code = runCli(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

function file(name: string, value: unknown): string {
  const p = join(tmp, name);
  writeFileSync(p, typeof value === "string" || value instanceof Uint8Array ? value : JSON.stringify(value));
  return p;
}

/** One line, ending in a newline, no stack frame, no raw control character. */
function expectOneSafeLine(text: string): void {
  expect(text.endsWith("\n"), text).toBe(true);
  expect(text.slice(0, -1), text).not.toMatch(/[\u0000-\u001f\u007f]/);
  expect(text).not.toMatch(/\bat .*\.[jt]s:\d+/);
  expect(text).not.toContain("internal error");
}

/** A small XML well-formedness check: balanced tags, quoted attributes, escaped text. */
function checkXml(text: string): void {
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, "");
  const stack: string[] = [];
  const re = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  let roots = 0;
  while ((m = re.exec(body)) !== null) {
    pos = re.lastIndex;
    const [, close, name, attrs, selfClose, textPart] = m;
    if (textPart !== undefined) {
      expect(textPart.replace(/&(amp|lt|gt|quot|apos);/g, ""), "raw & in text").not.toContain("&");
      if (stack.length === 0) expect(textPart.trim(), "text outside the root").toBe("");
      continue;
    }
    expect((attrs ?? "").replace(/&(amp|lt|gt|quot|apos);/g, ""), "raw & in an attribute").not.toContain("&");
    if (close === "/") expect(stack.pop(), `closing </${name}>`).toBe(name);
    else if (selfClose !== "/") {
      if (stack.length === 0) roots++;
      stack.push(name!);
    } else if (stack.length === 0) roots++;
  }
  expect(pos, `unparsable XML near: ${body.slice(pos, pos + 80)}`).toBe(body.length);
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}

describe("alloc-plan (in process)", () => {
  it("plans the built-in example with no arguments", () => {
    const r = run([]);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    for (const d of EXAMPLE_MICROVM["devices"] as { name: string }[]) expect(r.out).toContain(`${d.name} (`);
    expect(r.out).toContain("Address map");
    expect(r.out).toContain("00000000fc000000-00000000ffffffff : reserved: LAPIC/IOAPIC/HPET (64 MiB below 4 GiB)");
    expect(r.out).toContain("  5 : shared: virtio-balloon0");
    expect(r.out).toContain("Pool figures");
  });
  it("--json is machine-readable", () => {
    const r = run(["--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { devices: { name: string; resources: unknown[] }[]; pools: Record<string, unknown>; layout: string };
    expect(doc.layout).toBe("x86_64/dragonball");
    expect(doc.devices.map((d) => d.name)).toEqual(["guest-ram", ...(EXAMPLE_MICROVM["devices"] as { name: string }[]).map((d) => d.name)]);
    expect(Object.keys(doc.pools)).toEqual(["mmio", "mem", "pio", "legacyIrq", "msi", "deviceId", "memSlot"]);
  });
  it("--json output and the built-in example match their JSON Schemas", () => {
    const doc = JSON.parse(run(["--json"]).out) as unknown;
    expect(validPlan(doc), ajv.errorsText(validPlan.errors)).toBe(true);
    expect(validDescription(EXAMPLE_MICROVM), ajv.errorsText(validDescription.errors)).toBe(true);
    // The schemas can fail: a plan without pools, a description with an unknown key.
    expect(validPlan({ ...(doc as object), pools: {} })).toBe(false);
    expect(validDescription({ ...EXAMPLE_MICROVM, colour: 1 })).toBe(false);
  });
  it("a custom layout (every preset in layoutToJSON form) matches the schema and plans", () => {
    for (const [arch, flavor] of [
      ["x86_64", "dragonball"],
      ["aarch64", "dragonball"],
      ["x86_64", "firecracker"],
      ["aarch64", "firecracker"],
    ] as const) {
      const vm = {
        name: "custom",
        layout: layoutToJSON(presetLayout(arch, flavor)),
        memory: "1GiB",
        devices: [{ name: "d", requests: [{ kind: "mmio", size: 4096 }] }],
      };
      const plain = JSON.parse(JSON.stringify(vm)) as unknown;
      expect(validDescription(plain), ajv.errorsText(validDescription.errors)).toBe(true);
      expect(run([file("custom.json", plain)])).toMatchObject({ code: 0, err: "" });
      expect(validDescription({ ...(plain as object), arch: "x86_64" })).toBe(false);
    }
  });
  it("--help, -h, --version, -V, --example", () => {
    for (const h of ["--help", "-h"]) expect(run([h])).toMatchObject({ code: 0, out: expect.stringContaining("Usage: alloc-plan"), err: "" });
    for (const v of ["--version", "-V"]) expect(run([v])).toEqual({ code: 0, out: `${version}\n`, err: "" });
    expect(run(["--help"]).out).toMatch(/Exit codes: 0 planned; 1 cannot read/);
    const ex = run(["--example"]);
    expect(JSON.parse(ex.out)).toEqual(EXAMPLE_MICROVM);
  });
  const usage: [string[], string][] = [
    [["--bogus"], 'alloc-plan: error: unknown option "--bogus" (see --help)\n'],
    [["-x"], 'alloc-plan: error: unknown option "-x" (see --help)\n'],
    [["--svg"], 'alloc-plan: error: "--svg" needs a value, as in --svg=VALUE (see --help)\n'],
    [["--svg="], "alloc-plan: error: --svg needs a file name (see --help)\n"],
    [["--json=yes"], 'alloc-plan: error: "--json" takes no value (see --help)\n'],
    [["--help=1"], 'alloc-plan: error: "--help" takes no value (see --help)\n'],
    [["--scale=huge"], 'alloc-plan: error: --scale must be one of uniform, linear, log, auto; got "huge" (see --help)\n'],
    [["a.json", "b.json"], 'alloc-plan: error: one description file at most; got 2 ("a.json", "b.json") (see --help)\n'],
    [["--bo\u001b[2Jgus"], 'alloc-plan: error: unknown option "--bo\\u001b[2Jgus" (see --help)\n'],
  ];
  it.each(usage)("usage error %j: one line, exit 2", (args, err) => {
    expect(run(args)).toEqual({ code: 2, out: "", err });
  });
  it("an unreadable file is exit 1 with the reason", () => {
    expect(run([join(tmp, "missing.json")])).toMatchObject({
      code: 1,
      out: "",
      err: expect.stringMatching(/^alloc-plan: error: cannot read .*missing\.json: ENOENT\n$/),
    });
  });
  it("--svg=FILE and --scale write the map", () => {
    const out = join(tmp, "eq.svg");
    expect(run([`--svg=${out}`, "--scale=log"]).code).toBe(0);
    expect(readFileSync(out, "utf8")).toContain("to log scale");
  });
  it("a file description, custom flavor and memory units", () => {
    const p = file("fc.json", {
      arch: "aarch64",
      flavor: "firecracker",
      memory: "512MiB",
      devices: [{ name: "blk", requests: [{ kind: "mmio", size: 4096 }, { kind: "legacy-irq" }] }],
    });
    const r = run([p]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("layout aarch64/firecracker");
    expect(r.out).toContain("0x40000000-0x40000fff (low)");
    expect(r.out).toMatch(/legacy-irq +irq 0\n/); // Firecracker aarch64 GSI_LEGACY_START 0
  });
  const ok = '{"arch":"x86_64","memory":"1GiB","devices":[]}';
  const bytes = (...parts: (string | number[])[]): Uint8Array =>
    Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))));
  const utf16 = (text: string, le: boolean): Uint8Array => {
    const b = Buffer.from(text, "utf16le");
    if (!le) b.swap16();
    return bytes(le ? [0xff, 0xfe] : [0xfe, 0xff], [...b]);
  };
  it("a UTF-8 byte order mark is dropped", () => {
    expect(run([file("bom.json", bytes([0xef, 0xbb, 0xbf], ok))])).toMatchObject({ code: 0, err: "" });
  });
  const encoding: [string, Uint8Array, string][] = [
    ["UTF-16 LE", utf16(ok, true), "alloc-plan: error at $: not UTF-8: it starts with a UTF-16 LE byte order mark; save it as UTF-8\n"],
    ["UTF-16 BE", utf16(ok, false), "alloc-plan: error at $: not UTF-8: it starts with a UTF-16 BE byte order mark; save it as UTF-8\n"],
    ["UTF-16 without a mark", Buffer.from(ok, "utf16le"), "alloc-plan: error at $: not UTF-8: it holds NUL bytes (UTF-16?); save it as UTF-8\n"],
    ["invalid UTF-8", bytes('{"arch":"', [0xc3, 0x28], '"}'), "alloc-plan: error at $: not UTF-8: it holds an invalid UTF-8 byte sequence\n"],
    ["a lone continuation byte", bytes([0x80], ok), "alloc-plan: error at $: not UTF-8: it holds an invalid UTF-8 byte sequence\n"],
  ];
  it.each(encoding)("%s: refused as not UTF-8, exit 2", (_name, content, err) => {
    expect(run([file("enc.json", content)])).toEqual({ code: 2, out: "", err });
  });
  const notJson: [string, string, string][] = [
    ["truncated", "{", "alloc-plan: error at $: not valid JSON: Expected property name or '}' (line 1, column 2)\n"],
    ["empty", "", "alloc-plan: error at $: not valid JSON: Unexpected end of JSON input\n"],
    ["a NUL byte", '{"a":\u0000}', "alloc-plan: error at $: not valid JSON: Unexpected token '\\u0000'\n"],
    ["an escape sequence", '{"\u001b[31mred":1,}', "alloc-plan: error at $: not valid JSON: Bad control character in string literal (line 1, column 3)\n"],
    ["a second line", '{\n"a": tru\n}', "alloc-plan: error at $: not valid JSON: Unexpected token '\\n'\n"],
    ["a long bad token", `[${"é".repeat(100_000)}]`, "alloc-plan: error at $: not valid JSON: Unexpected token 'é'\n"],
  ];
  it.each(notJson)("invalid JSON (%s): one line, no raw input, exit 2", (_name, content, err) => {
    const r = run([file("nj.json", content)]);
    expect(r).toEqual({ code: 2, out: "", err });
    expectOneSafeLine(r.err);
  });
  it.each(["toString", "constructor", "__proto__", "hasOwnProperty", "valueOf"])("request kind %j is an unknown kind, not an internal error", (kind) => {
    const r = run([file("kind.json", { arch: "x86_64", memory: "1GiB", devices: [{ name: "a", requests: [{ kind }] }] })]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^alloc-plan: error at \\$\\.devices\\[0\\]\\.requests\\[0\\]\\.kind: unknown kind string "${kind}"`));
    expectOneSafeLine(r.err);
  });
  it("a huge or hostile key never makes a huge or multi-line message", () => {
    const r = run([file("key.json", `{"arch":"x86_64","memory":1,"devices":[],"${"k\\n\\u001b".repeat(200_000)}":1}`)]);
    expect(r.code).toBe(2);
    expectOneSafeLine(r.err);
    expect(r.err.length).toBeLessThan(1200);
  });
  const bad: [string, unknown, string][] = [
    ["not JSON", "{", "alloc-plan: error at $: not valid JSON"],
    ["not an object", [], "alloc-plan: error at $: expected an object; got array (length 0)"],
    ["no arch", { memory: 1, devices: [] }, "alloc-plan: error at $.arch: missing"],
    ["bad arch", { arch: "mips", memory: 1, devices: [] }, 'alloc-plan: error at $.arch: expected "x86_64" or "aarch64"; got string "mips"'],
    ["bad memory", { arch: "x86_64", memory: "lots", devices: [] }, "alloc-plan: error at $.memory:"],
    ["too much memory", { arch: "x86_64", memory: "4096GiB", devices: [] }, "alloc-plan: error at $.memory: guest memory"],
    [
      "bad size",
      {
        arch: "x86_64",
        memory: "1GiB",
        devices: [
          { name: "a", requests: [] },
          { name: "b", requests: [] },
          { name: "c", requests: [{ kind: "mmio", size: "big" }] },
        ],
      },
      "alloc-plan: error at $.devices[2].requests[0].size: expected an integer",
    ],
    [
      "zero size",
      { arch: "x86_64", memory: "1GiB", devices: [{ name: "a", requests: [{ kind: "pio", size: 0 }] }] },
      "alloc-plan: error at $.devices[0].requests[0].size:",
    ],
    [
      "bad kind",
      { arch: "x86_64", memory: "1GiB", devices: [{ name: "a", requests: [{ kind: "gpu" }] }] },
      "alloc-plan: error at $.devices[0].requests[0].kind: unknown kind",
    ],
    [
      "bad bar",
      { arch: "x86_64", memory: "1GiB", devices: [{ name: "a", requests: [{ kind: "bar", size: 3000 }] }] },
      "alloc-plan: error at $.devices[0].requests[0].size: a PCI BAR size must be a power of two",
    ],
    [
      "msi count",
      { arch: "x86_64", memory: "1GiB", devices: [{ name: "a", requests: [{ kind: "pci-msi", count: 3 }] }] },
      "alloc-plan: error at $.devices[0].requests[0].count:",
    ],
    [
      "unknown key",
      { arch: "x86_64", memory: "1GiB", devices: [{ name: "a", requests: [{ kind: "pio", size: 1, colour: 1 }] }] },
      'alloc-plan: error at $.devices[0].requests[0].colour: unknown key "colour"',
    ],
    [
      "misspelt key of the kind",
      { arch: "x86_64", memory: "1GiB", devices: [{ name: "a", requests: [{ kind: "pio", bsae: "0x3f8", size: 8 }] }] },
      'alloc-plan: error at $.devices[0].requests[0].bsae: unknown key "bsae" (allowed: kind, size, align, range, base); did you mean "base"?\n',
    ],
    [
      "unknown key of a bar",
      { arch: "x86_64", memory: "1GiB", devices: [{ name: "a", requests: [{ kind: "bar", size: 4096, colour: "red" }] }] },
      'alloc-plan: error at $.devices[0].requests[0].colour: unknown key "colour" (allowed: kind, size, is64bit, prefetchable)\n',
    ],
    [
      "unknown key before the kind",
      { arch: "x86_64", memory: "1GiB", devices: [{ name: "a", requests: [{ line: 9, kind: "legacy-irq" }] }] },
      'alloc-plan: error at $.devices[0].requests[0].line: unknown key "line" (allowed: kind, size, align, range, base, window,',
    ],
    [
      "duplicate name",
      {
        arch: "x86_64",
        memory: "1GiB",
        devices: [
          { name: "a", requests: [] },
          { name: "a", requests: [] },
        ],
      },
      "alloc-plan: error at $.devices[1].name: duplicate device name",
    ],
    [
      "conflict",
      {
        arch: "x86_64",
        memory: "1GiB",
        devices: [
          { name: "s0", requests: [{ kind: "pio", size: 8, base: 1016 }] },
          { name: "s1", requests: [{ kind: "legacy-irq" }, { kind: "pio", size: 8, base: 1020 }] },
        ],
      },
      'alloc-plan: error at $.devices[1].requests[1]: "s1": request 1 (pio size 0x8 at 0x3fc) failed: pio:',
    ],
    [
      "no fit",
      { arch: "x86_64", memory: "1GiB", devices: [{ name: "big", requests: [{ kind: "mmio", size: "0x100000000" }] }] },
      'alloc-plan: error at $.devices[0].requests[0]: "big": request 0',
    ],
    ["proto key", JSON.parse('{"arch":"x86_64","memory":1,"devices":[],"__proto__":{"x":1}}'), "alloc-plan: error at $.__proto__: unknown key"],
  ];
  it.each(bad)("bad description (%s): one line on stderr, exit 2", (_name, value, prefix) => {
    const r = run([file("bad.json", value)]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err.startsWith(prefix), r.err).toBe(true);
    expect(r.err.endsWith("\n")).toBe(true);
    expectOneSafeLine(r.err);
  });
});

describe("SVG", () => {
  it("is well-formed and names every device, reserved hole and pool", () => {
    const out = join(tmp, "map.svg");
    expect(run(["--svg", out]).code).toBe(0);
    const svg = readFileSync(out, "utf8");
    checkXml(svg);
    expect(svg).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    for (const d of EXAMPLE_MICROVM["devices"] as { name: string }[]) expect(svg).toContain(d.name);
    for (const t of ["MMIO", "port I/O", "legacy IRQs", "MSI vectors", "reserved: LAPIC/IOAPIC/HPET", "shared IRQ 5"]) expect(svg).toContain(t);
  });
  it("escapes labels", () => {
    const vm = parseVmDescription({ arch: "x86_64", memory: "1GiB", devices: [{ name: `<evil & "co">'`, type: "a<b", requests: [{ kind: "legacy-irq" }] }] });
    const svg = renderSvg(planVm(vm));
    checkXml(svg);
    expect(svg).toContain("&lt;evil &amp; &quot;co&quot;&gt;&apos;");
    expect(svg).not.toContain("<evil");
  });
  const longVm = (): ReturnType<typeof planVm> => {
    const devices = Array.from({ length: 40 }, (_, i) => ({
      name: i % 5 === 0 ? `device-${i}-`.padEnd(64, "x") : `dev${i}`,
      type: "virtio",
      requests:
        i % 2 === 0
          ? [
              { kind: "mmio", size: 0x1000 },
              { kind: "legacy-irq", shared: true },
            ]
          : [
              { kind: "bar", size: 0x4000, is64bit: true },
              { kind: "pci-msix", count: 3 },
            ],
    }));
    return planVm(parseVmDescription({ arch: "x86_64", memory: "2GiB", devices }));
  };
  it("no text runs past its box: labels wrap (names of 64 characters), and every box has a <title>", () => {
    for (const scale of ["uniform", "linear", "log", "auto"] as const) {
      const svg = renderSvg(longVm(), { scale });
      checkXml(svg);
      const width = Number(/width="(\d+)"/.exec(svg)![1]);
      for (const g of svg.matchAll(
        /<g class="(free|reserved|allocated|shared)"><title>[^<]*<\/title><rect x="([\d.]+)" y="([\d.]+)" width="(\d+)" height="([\d.]+)"[^>]*\/>((?:<text[^>]*>[^<]*<\/text>)*)<\/g>/g,
      )) {
        const [x, y, w, h] = [g[2], g[3], g[4], g[5]].map(Number) as [number, number, number, number];
        for (const t of g[6]!.matchAll(/<text x="([\d.]+)" y="([\d.]+)" class="(who|span)">([^<]*)<\/text>/g)) {
          const chars = t[4]!.replace(/&\w+;/g, "_").length;
          const px = (t[3] === "who" ? 6.7 : 6.1) * chars;
          expect(Number(t[1]) + px, `${scale}: ${t[4]} overflows its box`).toBeLessThanOrEqual(x + w);
          expect(Number(t[2]), `${scale}: ${t[4]} below its box`).toBeLessThanOrEqual(y + h);
          expect(Number(t[2]) - 11, `${scale}: ${t[4]} above its box`).toBeGreaterThanOrEqual(y);
        }
      }
      expect(width).toBeLessThan(3000);
      const boxes = svg.match(/<rect x="[\d.]+" y="[\d.]+" width="290"/g)!.length;
      expect(svg.match(/<g class="(free|reserved|allocated|shared)"><title>/g)!.length).toBe(boxes);
      expect(svg).toContain(`<title>${"device-0-".padEnd(64, "x")}\n`);
    }
  });
  it("owners drawn next to each other never share a colour", () => {
    const plan = longVm();
    const svg = renderSvg(plan);
    const colourOf = new Map([...svg.matchAll(/<g class="device"><title>([^ :]+)[^<]*<\/title><rect [^>]*fill="([^"]+)"/g)].map((m) => [m[1]!, m[2]!]));
    expect(colourOf.size).toBe(41);
    let pairs = 0;
    for (const pool of ["mmio", "legacyIrq", "msi", "deviceId"] as const) {
      const owners = [...plan.manager.entries(pool)].flatMap((e) => (e.state === "allocated" ? [e.owner] : []));
      for (let i = 1; i < owners.length; i++) {
        if (owners[i] === owners[i - 1]) continue;
        pairs++;
        expect(colourOf.get(owners[i]!), `${owners[i - 1]} / ${owners[i]}`).not.toBe(colourOf.get(owners[i - 1]!));
      }
    }
    expect(pairs).toBeGreaterThan(40);
  });
  it("draws to scale on request: linear heights follow sizes, log heights their logarithm", () => {
    const plan = planVm(parseVmDescription(EXAMPLE_MICROVM));
    const heights = (scale: "linear" | "log"): number[] => {
      const svg = renderSvg(plan, { scale });
      const memColumn = [...svg.matchAll(/<rect x="(\d+)" y="[\d.]+" width="290" height="([\d.]+)"/g)].filter((m) => m[1] === "322");
      return memColumn.map((m) => Number(m[2]));
    };
    const sizes = [...plan.manager.entries("mem")].map((e) => Number(e.range.size));
    const lin = heights("linear");
    expect(lin.length).toBe(sizes.length);
    const big = sizes.indexOf(Math.max(...sizes));
    // Proportional, except that nothing is drawn thinner than 2 px.
    for (let i = 0; i < sizes.length; i++) expect(lin[i]! / lin[big]!).toBeCloseTo(Math.max(2 / lin[big]!, sizes[i]! / sizes[big]!), 2);
    const log = heights("log");
    for (let i = 1; i < sizes.length; i++) expect(log[i]! / log[0]!).toBeCloseTo((Math.log2(sizes[i]!) + 1) / (Math.log2(sizes[0]!) + 1), 1);
  });
  it("the checker itself rejects broken XML", () => {
    expect(() => checkXml("<svg><g></svg>")).toThrow();
    expect(() => checkXml("<svg>a & b</svg>")).toThrow();
    expect(() => checkXml("<svg><text>a<b</text></svg>")).toThrow();
  });
});

describe("alloc-plan (spawned process)", () => {
  // The bin launcher, as `pnpm exec alloc-plan` runs it: the built CLI, or the sources through tsx before a build.
  const node = (args: string[], cwd = pkg) =>
    spawnSync(process.execPath, [join(pkg, "bin", "alloc-plan.js"), ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  it("runs without arguments (exit 0)", () => {
    const r = node([]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("VM example-microvm — layout x86_64/dragonball");
  });
  it("bad description: exit 2, one line, no stack trace", () => {
    const p = file("bad2.json", {
      arch: "x86_64",
      memory: "1GiB",
      devices: [
        { name: "a", requests: [] },
        { name: "b", requests: [] },
        { name: "c", requests: [{ kind: "mmio", size: -5 }] },
      ],
    });
    const r = node([p]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^alloc-plan: error at \$\.devices\[2\]\.requests\[0\]\.size: [^\n]+\n$/);
  });
  it("a closed pipe on stdout ends quietly", () => {
    const r = spawnSync("bash", ["-c", `node ${JSON.stringify(join(pkg, "bin", "alloc-plan.js"))} | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("0");
  });
});
