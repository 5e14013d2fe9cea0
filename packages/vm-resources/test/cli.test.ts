import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLE_MICROVM, parseVmDescription, planVm, renderSvg } from "../src/index.js";
import { runCli } from "../src/cli/main.js";

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
  writeFileSync(p, typeof value === "string" ? value : JSON.stringify(value));
  return p;
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
    for (const d of (EXAMPLE_MICROVM["devices"] as { name: string }[])) expect(r.out).toContain(`${d.name} (`);
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
  it("--help, --example, usage errors", () => {
    expect(run(["--help"])).toMatchObject({ code: 0, out: expect.stringContaining("Usage: alloc-plan") });
    const ex = run(["--example"]);
    expect(JSON.parse(ex.out)).toEqual(EXAMPLE_MICROVM);
    expect(run(["--bogus"])).toMatchObject({ code: 2, err: "alloc-plan: error: unknown option --bogus (see --help)\n" });
    expect(run(["--svg"])).toMatchObject({ code: 2, err: "alloc-plan: error: --svg needs a file name\n" });
    expect(run(["a.json", "b.json"]).code).toBe(2);
    expect(run([join(tmp, "missing.json")])).toMatchObject({ code: 2, err: expect.stringMatching(/^alloc-plan: error: cannot read .*ENOENT\n$/) });
  });
  it("a file description, custom flavor and memory units", () => {
    const p = file("fc.json", { arch: "aarch64", flavor: "firecracker", memory: "512MiB", devices: [{ name: "blk", requests: [{ kind: "mmio", size: 4096 }, { kind: "legacy-irq" }] }] });
    const r = run([p]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("layout aarch64/firecracker");
    expect(r.out).toContain("0x40000000-0x40000fff (low)");
    expect(r.out).toMatch(/legacy-irq +irq 0\n/); // Firecracker aarch64 GSI_LEGACY_START 0
  });
  const bad: [string, unknown, string][] = [
    ["not JSON", "{", "alloc-plan: error at $: not valid JSON"],
    ["not an object", [], "alloc-plan: error at $: expected an object; got array (length 0)"],
    ["no arch", { memory: 1, devices: [] }, "alloc-plan: error at $.arch: missing"],
    ["bad arch", { arch: "mips", memory: 1, devices: [] }, 'alloc-plan: error at $.arch: expected "x86_64" or "aarch64"; got string "mips"'],
    ["bad memory", { arch: "x86_64", memory: "lots", devices: [] }, "alloc-plan: error at $.memory:"],
    ["too much memory", { arch: "x86_64", memory: "4096GiB", devices: [] }, "alloc-plan: error at $.memory: guest memory"],
    ["bad size", { arch: "x86_64", memory: "1GiB", devices: [{ name: "a", requests: [] }, { name: "b", requests: [] }, { name: "c", requests: [{ kind: "mmio", size: "big" }] }] }, "alloc-plan: error at $.devices[2].requests[0].size: expected an integer"],
    ["zero size", { arch: "x86_64", memory: "1GiB", devices: [{ name: "a", requests: [{ kind: "pio", size: 0 }] }] }, "alloc-plan: error at $.devices[0].requests[0].size:"],
    ["bad kind", { arch: "x86_64", memory: "1GiB", devices: [{ name: "a", requests: [{ kind: "gpu" }] }] }, "alloc-plan: error at $.devices[0].requests[0].kind: unknown kind"],
    ["bad bar", { arch: "x86_64", memory: "1GiB", devices: [{ name: "a", requests: [{ kind: "bar", size: 3000 }] }] }, "alloc-plan: error at $.devices[0].requests[0].size: a PCI BAR size must be a power of two"],
    ["msi count", { arch: "x86_64", memory: "1GiB", devices: [{ name: "a", requests: [{ kind: "pci-msi", count: 3 }] }] }, "alloc-plan: error at $.devices[0].requests[0].count:"],
    ["unknown key", { arch: "x86_64", memory: "1GiB", devices: [{ name: "a", requests: [{ kind: "pio", size: 1, colour: 1 }] }] }, 'alloc-plan: error at $.devices[0].requests[0].colour: unknown key "colour"'],
    ["duplicate name", { arch: "x86_64", memory: "1GiB", devices: [{ name: "a", requests: [] }, { name: "a", requests: [] }] }, "alloc-plan: error at $.devices[1].name: duplicate device name"],
    ["conflict", { arch: "x86_64", memory: "1GiB", devices: [{ name: "s0", requests: [{ kind: "pio", size: 8, base: 1016 }] }, { name: "s1", requests: [{ kind: "legacy-irq" }, { kind: "pio", size: 8, base: 1020 }] }] }, "alloc-plan: error at $.devices[1].requests[1]: \"s1\": request 1 (pio size 0x8 at 0x3fc) failed: pio:"],
    ["no fit", { arch: "x86_64", memory: "1GiB", devices: [{ name: "big", requests: [{ kind: "mmio", size: "0x100000000" }] }] }, "alloc-plan: error at $.devices[0].requests[0]: \"big\": request 0"],
    ["proto key", JSON.parse('{"arch":"x86_64","memory":1,"devices":[],"__proto__":{"x":1}}'), 'alloc-plan: error at $.__proto__: unknown key'],
  ];
  it.each(bad)("bad description (%s): one line on stderr, exit 2", (_name, value, prefix) => {
    const r = run([file("bad.json", value)]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err.startsWith(prefix), r.err).toBe(true);
    expect(r.err.endsWith("\n")).toBe(true);
    expect(r.err.trimEnd()).not.toContain("\n");
    expect(r.err).not.toMatch(/\bat .*\.ts:\d+/);
  });
});

describe("SVG", () => {
  it("is well-formed and names every device, reserved hole and pool", () => {
    const out = join(tmp, "map.svg");
    expect(run(["--svg", out]).code).toBe(0);
    const svg = readFileSync(out, "utf8");
    checkXml(svg);
    expect(svg).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    for (const d of (EXAMPLE_MICROVM["devices"] as { name: string }[])) expect(svg).toContain(d.name);
    for (const t of ["MMIO", "port I/O", "legacy IRQs", "MSI vectors", "reserved: LAPIC/IOAPIC/HPET", "shared IRQ 5"]) expect(svg).toContain(t);
  });
  it("escapes labels", () => {
    const vm = parseVmDescription({ arch: "x86_64", memory: "1GiB", devices: [{ name: `<evil & "co">'`, type: "a<b", requests: [{ kind: "legacy-irq" }] }] });
    const svg = renderSvg(planVm(vm));
    checkXml(svg);
    expect(svg).toContain("&lt;evil &amp; &quot;co&quot;&gt;&apos;");
    expect(svg).not.toContain("<evil");
  });
  it("the checker itself rejects broken XML", () => {
    expect(() => checkXml("<svg><g></svg>")).toThrow();
    expect(() => checkXml("<svg>a & b</svg>")).toThrow();
    expect(() => checkXml("<svg><text>a<b</text></svg>")).toThrow();
  });
});

describe("alloc-plan (spawned process)", () => {
  const node = (args: string[], cwd = pkg) => spawnSync(process.execPath, ["--import", "tsx", "src/cli/alloc-plan.ts", ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  it("runs from source without arguments (exit 0)", () => {
    const r = node([]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("VM example-microvm — layout x86_64/dragonball");
  });
  it("bad description: exit 2, one line, no stack trace", () => {
    const p = file("bad2.json", { arch: "x86_64", memory: "1GiB", devices: [{ name: "a", requests: [] }, { name: "b", requests: [] }, { name: "c", requests: [{ kind: "mmio", size: -5 }] }] });
    const r = node([p]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^alloc-plan: error at \$\.devices\[2\]\.requests\[0\]\.size: [^\n]+\n$/);
  });
});
