/**
 * Benchmarks of @alloc/vm-resources (run: `pnpm bench` in this package, or
 * `npx tsx bench/run.ts`). Seeded, medians of several runs, machine printed.
 *
 * - churn: plug then unplug 1,000 devices, each with a 64-bit PCI BAR, a
 *   block of MSI-X vectors and a legacy IRQ (ns per device, plug + unplug):
 *   the same request objects every time, frozen templates, and requests
 *   built for each plug (as a device model builds them), beside the same
 *   allocations and frees on bare interval trees (the part of the time that
 *   is @alloc/core's);
 * - snapshot / restore of a manager holding 100,000 allocations, 1,000
 *   owners replaced before each snapshot (and the first snapshot of a new
 *   manager, which sorts every owner);
 * - IdPool W1: pool [0, 255], 2,000 rounds of "allocate until exhausted,
 *   then free in allocation order" (ns per allocate+free pair).
 *
 * `--only=churn`, `--only=snapshot` or `--only=idpool` (comma-separated) runs
 * only those sections, e.g. `pnpm bench --only=snapshot`.
 *
 * `--forced-gc` runs a full collection before each timed snapshot, restore,
 * `JSON.stringify` and `JSON.parse`, so each pays only for its own garbage:
 * without it a collection the previous step made due can land in the next
 * one, which moves single ratios by ±40 % (the default keeps the conditions
 * a program sees).
 *
 * Restarts itself with `--conditions=@alloc/source` (and `--expose-gc`) so
 * workspace packages resolve to their TypeScript sources (no build needed).
 */
import { spawnSync } from "node:child_process";
import { cpus, platform, arch as osArch, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { median, shuffled } from "./stats.js";

const CONDITION = "--conditions=@alloc/source";
if (!process.execArgv.includes(CONDITION)) {
  const r = spawnSync(process.execPath, [...process.execArgv, CONDITION, "--expose-gc", fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  process.exit(r.status ?? 1);
}
const forcedGc = process.argv.includes("--forced-gc");
const gc = (globalThis as { gc?: () => void }).gc;
if (forcedGc && gc === undefined) throw new Error("--forced-gc needs node --expose-gc (run it through `pnpm bench`)");
/** A full collection before a timed step, with `--forced-gc`. */
const settle = (): void => {
  if (forcedGc) (gc as () => void)();
};

const { ResourceManager, defineLayout, layoutToJSON, pciBar, presetLayout } = await import("../src/index.js");
const { IdPool } = await import("../src/pools/IdPool.js");
const { Constraint, Range } = await import("@alloc/constraint");
const { IntervalTree } = await import("@alloc/core");
type RM = InstanceType<typeof ResourceManager>;

const RUNS = Number(process.env["BENCH_RUNS"] ?? 7);
/**
 * Warm-up runs before the churn figures are taken: a VMM plugs devices for its whole life, so
 * the figure is of optimised code (with two, the trees alone read about 2x their warm cost).
 */
const CHURN_WARMUP = 30;
const SECTIONS = ["churn", "snapshot", "idpool"] as const;
const onlyArg = process.argv.find((a) => a.startsWith("--only="));
const only = onlyArg === undefined ? SECTIONS : onlyArg.slice("--only=".length).split(",");
for (const s of only)
  if (!(SECTIONS as readonly string[]).includes(s)) throw new Error(`--only: unknown section ${JSON.stringify(s)}; expected ${SECTIONS.join(", ")}`);
const runs = (section: (typeof SECTIONS)[number]): boolean => only.includes(section);

// The x86_64/dragonball preset with enough interrupt lines for 1,000 devices.
const base = layoutToJSON(presetLayout("x86_64")) as Record<string, Record<string, unknown>>;
const benchLayout = defineLayout({
  ...base,
  name: "bench (x86_64/dragonball, 4,072 IRQs, 60,000 vectors)",
  legacyIrq: { ranges: [{ min: 24, max: 4095 }] },
  msi: { ranges: [{ min: 4096, max: 64095 }] },
});

console.log(
  `machine: ${cpus()[0]?.model ?? "unknown cpu"} x${cpus().length}, ${platform()} ${osArch()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
);
console.log(
  `runs per figure: ${RUNS} (median); churn after ${CHURN_WARMUP} warm-up runs${forcedGc ? "; a full GC before each timed snapshot, restore and JSON step" : ""}\n`,
);

// 1. Device plug/unplug churn, with request literals and with frozen templates
// (checked once, then known by identity).
type Requests = Parameters<InstanceType<typeof ResourceManager>["allocateDevice"]>[1];
function churn(reqs: Requests | (() => Requests)): number {
  const N = 1000;
  const rm = new ResourceManager(benchLayout);
  const names = Array.from({ length: N }, (_, i) => `dev${i}`);
  const times: number[] = [];
  for (let run = 0; run < CHURN_WARMUP + RUNS; run++) {
    const order = shuffled(names);
    const t0 = process.hrtime.bigint();
    if (typeof reqs === "function") for (const n of names) rm.allocateDevice(n, reqs());
    else for (const n of names) rm.allocateDevice(n, reqs);
    for (const n of order) rm.freeDevice(n);
    const t1 = process.hrtime.bigint();
    if (run >= CHURN_WARMUP) times.push(Number(t1 - t0) / N);
  }
  rm.checkInvariants();
  return median(times);
}
if (runs("churn")) {
  const literals = [pciBar({ size: 0x4000, is64bit: true }), { kind: "pci-msix" as const, count: 4 }, { kind: "legacy-irq" as const }];
  console.log(`churn: plug + unplug of 1,000 devices (64-bit BAR, 4 MSI-X vectors, 1 IRQ): ${churn(literals).toFixed(0)} ns per device`);
  const frozen = Object.freeze([
    pciBar({ size: 0x4000, is64bit: true }),
    Object.freeze({ kind: "pci-msix" as const, count: 4 }),
    Object.freeze({ kind: "legacy-irq" as const }),
  ]);
  console.log(`churn, frozen request templates: ${churn(frozen).toFixed(0)} ns per device`);
  const built = () => [pciBar({ size: 0x4000, is64bit: true }), { kind: "pci-msix" as const, count: 4 }, { kind: "legacy-irq" as const }];
  console.log(`churn, requests built for each plug (pciBar and literals): ${churn(built).toFixed(0)} ns per device`);
  console.log(`churn, the interval trees alone (3 allocate + 3 free, same windows and order): ${churnTreesAlone().toFixed(0)} ns per device`);
}

// The yardstick for churn: what @alloc/core alone costs for the same work, so
// the manager's own share is the difference.
function churnTreesAlone(): number {
  const N = 1000;
  const high = benchLayout.mmio.high as InstanceType<typeof Range>;
  const windows = [high, ...benchLayout.msi.ranges, ...benchLayout.legacyIrq.ranges];
  const trees = windows.map((w) => new IntervalTree<object>().insert(w));
  const cs = [
    new Constraint({ size: 0x4000, align: 0x4000, min: high.min, max: high.max }),
    new Constraint({ size: 4, min: windows[1]!.min, max: windows[1]!.max }),
    new Constraint({ size: 1, min: windows[2]!.min, max: windows[2]!.max }),
  ];
  const held: InstanceType<typeof Range>[] = new Array(3 * N);
  const ids = Array.from({ length: N }, (_, i) => i);
  const record = { kind: "owner", owner: "dev" };
  const times: number[] = [];
  for (let run = 0; run < CHURN_WARMUP + RUNS; run++) {
    const order = shuffled(ids);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) for (let j = 0; j < 3; j++) held[3 * i + j] = trees[j]!.allocateOrThrow(cs[j]!, record);
    for (const i of order) for (let j = 2; j >= 0; j--) trees[j]!.free(held[3 * i + j]!);
    const t1 = process.hrtime.bigint();
    if (run >= CHURN_WARMUP) times.push(Number(t1 - t0) / N);
  }
  for (const t of trees) t.checkInvariants();
  return median(times);
}

// 2. Snapshot and restore at 100,000 allocations.
if (runs("snapshot")) {
  const N = 100_000;
  // Owners replaced before each snapshot: a VMM that snapshots periodically changes a few devices in between.
  const CHANGED = 1_000;
  const filled = (): RM => {
    const m: RM = ResourceManager.fromPreset("x86_64");
    for (let i = 0; i < N; i++) m.allocateDevice(`d${i}`, [{ kind: "mmio", size: 0x1000 }]);
    return m;
  };
  const rm = filled();
  const live = Array.from({ length: N }, (_, i) => `d${i}`);
  const replace = (run: number): void => {
    for (let i = 0; i < CHANGED; i++) {
      const k = (i * 7919 + run * 104_729) % N;
      rm.freeDevice(live[k] as string);
      live[k] = `r${run}.${i}`;
      rm.allocateDevice(live[k] as string, [{ kind: "mmio", size: 0x1000 }]);
    }
  };
  const snap: number[] = [];
  const first: number[] = [];
  const rest: number[] = [];
  const stringify: number[] = [];
  const parse: number[] = [];
  let text = "";
  // One warm-up repetition, then at least 3 (at most 7) measured ones.
  for (let run = 0; run <= Math.max(3, Math.min(RUNS, 7)); run++) {
    // A manager's first snapshot sorts every owner; later ones only those added since (see OwnerOrder).
    const fresh = filled();
    settle();
    const f0 = performance.now();
    fresh.snapshot();
    const f1 = performance.now();
    replace(run);
    settle();
    const t0 = performance.now();
    text = rm.snapshot();
    const t1 = performance.now();
    settle();
    const t2 = performance.now();
    const back = ResourceManager.restore(text);
    const t3 = performance.now();
    settle();
    // The yardstick: the same document through JSON alone, in the same process.
    const t4 = performance.now();
    const doc: unknown = JSON.parse(text);
    const t5 = performance.now();
    settle();
    const t6 = performance.now();
    JSON.stringify(doc);
    const t7 = performance.now();
    if (run > 0) {
      first.push(f1 - f0);
      snap.push(t1 - t0);
      rest.push(t3 - t2);
      parse.push(t5 - t4);
      stringify.push(t7 - t6);
    }
    if (run === 0 && back.snapshot() !== text) throw new Error("round trip changed the snapshot");
  }
  // Each repetition's own ratio (the yardstick ran in the same conditions), then their median, min and max.
  const ratios = (a: number[], b: number[]): string => {
    const r = a.map((x, i) => x / (b[i] as number));
    return `${median(r).toFixed(2)}x (min ${Math.min(...r).toFixed(2)}, max ${Math.max(...r).toFixed(2)})`;
  };
  console.log(
    `snapshot at 100,000 allocations, ${CHANGED.toLocaleString("en-US")} owners replaced since the last: ${median(snap).toFixed(0)} ms (${(text.length / 2 ** 20).toFixed(1)} MiB of JSON), ${ratios(snap, stringify)} JSON.stringify (${median(stringify).toFixed(0)} ms)`,
  );
  console.log(`first snapshot of a manager (every owner sorted): ${median(first).toFixed(0)} ms, ${ratios(first, stringify)} JSON.stringify`);
  console.log(
    `restore  at 100,000 allocations: ${median(rest).toFixed(0)} ms (validation included), ${ratios(rest, parse)} JSON.parse (${median(parse).toFixed(0)} ms)`,
  );
}

// 3. IdPool W1.
if (runs("idpool")) {
  const ROUNDS = 2000;
  const SIZE = 256;
  const pool = new IdPool("deviceId", [new Range(0, SIZE - 1)]);
  const dev = { kind: "owner", owner: "dev" } as const;
  const ids = new Int32Array(SIZE);
  const times: number[] = [];
  for (let run = 0; run < RUNS + 2; run++) {
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < ROUNDS; r++) {
      let n = 0;
      for (;;) {
        const id = pool.allocateId(dev);
        if (id < 0) break;
        ids[n++] = id;
      }
      for (let i = 0; i < n; i++) pool.freeId(ids[i] as number);
    }
    const t1 = process.hrtime.bigint();
    if (run >= 2) times.push(Number(t1 - t0) / (ROUNDS * SIZE));
  }
  pool.checkInvariants();
  console.log(`IdPool W1 (pool [0,255], 2,000 rounds, allocate until full then free in order): ${median(times).toFixed(1)} ns per allocate+free pair`);
}
