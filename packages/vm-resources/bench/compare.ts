/**
 * Before/after comparison in one session: the same churn and snapshot/restore
 * workloads as bench/run.ts, against this package's sources or another copy
 * of them (e.g. a previous release unpacked with
 * `git archive <commit> packages/vm-resources/src | tar -x -C /tmp/old --strip-components=2`).
 * Prints the minimum and median over several runs, since a shared machine's
 * medians drift. Run: `tsx --conditions=@alloc/source bench/compare.ts [path/to/src/index.ts]`.
 */
import { pathToFileURL } from "node:url";

const target = process.argv[2] === undefined ? new URL("../src/index.js", import.meta.url).href : pathToFileURL(process.argv[2]).href;
const { ResourceManager, defineLayout, layoutToJSON, pciBar, presetLayout } = await import(target);
const label = process.argv[2] ?? "this tree";

let seed = 0x9e3779b9;
function rand(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
}
function shuffled<T>(xs: T[]): T[] {
  const a = xs.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;

const base = layoutToJSON(presetLayout("x86_64"));
const layout = defineLayout({ ...base, name: "bench", legacyIrq: { ranges: [{ min: 24, max: 4095 }] }, msi: { ranges: [{ min: 4096, max: 64095 }] } });
for (const frozen of [false, true]) {
  const N = 1000;
  const rm = new ResourceManager(layout);
  const names = Array.from({ length: N }, (_, i) => `dev${i}`);
  const list = [pciBar({ size: 0x4000, is64bit: true }), { kind: "pci-msix", count: 4 }, { kind: "legacy-irq" }];
  const reqs = frozen ? Object.freeze(list.map((r) => Object.freeze(r))) : list;
  const times: number[] = [];
  for (let run = 0; run < 25; run++) {
    const order = shuffled(names);
    const t0 = process.hrtime.bigint();
    for (const n of names) rm.allocateDevice(n, reqs);
    for (const n of order) rm.freeDevice(n);
    const t1 = process.hrtime.bigint();
    if (run >= 3) times.push(Number(t1 - t0) / N);
  }
  console.log(`${label}: churn (${frozen ? "frozen templates" : "request literals"}): min ${Math.min(...times).toFixed(0)} ns, median ${median(times).toFixed(0)} ns per device`);
}
{
  const rm = ResourceManager.fromPreset("x86_64");
  for (let i = 0; i < 100_000; i++) rm.allocateDevice(`d${i}`, [{ kind: "mmio", size: 0x1000 }]);
  const s: number[] = [];
  const r: number[] = [];
  const p: number[] = [];
  const j: number[] = [];
  for (let run = 0; run < 7; run++) {
    const t0 = performance.now();
    const text = rm.snapshot();
    const t1 = performance.now();
    ResourceManager.restore(text);
    const t2 = performance.now();
    const doc: unknown = JSON.parse(text);
    const t3 = performance.now();
    JSON.stringify(doc);
    const t4 = performance.now();
    s.push(t1 - t0);
    r.push(t2 - t1);
    p.push(t3 - t2);
    j.push(t4 - t3);
  }
  const m = (xs: number[]): number => Math.min(...xs);
  console.log(`${label}: snapshot min ${m(s).toFixed(0)} ms (${(m(s) / m(j)).toFixed(2)}x JSON.stringify ${m(j).toFixed(0)} ms), restore min ${m(r).toFixed(0)} ms (${(m(r) / m(p)).toFixed(2)}x JSON.parse ${m(p).toFixed(0)} ms)`);
}
