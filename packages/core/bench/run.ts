/**
 * Runs the standard workloads W1–W4 (shared/bench/WORKLOADS.md) on
 * `IntervalTree` ("ours") and on the naive sorted-array baseline, and prints
 * median/min/max ns per operation, checksums against the reference crate,
 * naive/ours ratios, growth with N and heap bytes per range.
 *
 *   pnpm bench                      # everything (packages/core)
 *   pnpm bench W2 W4                # only some workloads
 *   pnpm bench --quick              # 1 repetition, no warm-up, N = 1,000 only
 *   pnpm bench --reps=9 --no-naive  # more repetitions, ours only
 *   pnpm bench --forced-gc          # force a full GC before every repetition (see measureAll())
 *   pnpm bench --naive-w3-steps=100000   # cap naive's W3 churn (ours always runs the spec)
 *   pnpm bench --dist               # time the built dist/ (run `pnpm build` first) instead of src/
 *   pnpm bench --cpu-clock          # time with process CPU time (a loaded, shared machine) instead of wall time
 *   pnpm bench --fresh-reps=20      # also: fresh pool per repetition, new process, no warm-up, no forced GC (N = 1,000)
 *
 * Repetitions alternate between the implementations (ours, naive, ours, ...)
 * so that a change in machine load hits both alike.
 *
 * Results are also written to bench/results/latest.json.
 * The script re-executes itself once under `node --expose-gc
 * --conditions=@alloc/source` (tsx loader kept), so `@alloc/*` resolve to
 * their sources (or, with `--dist`, to the built `dist/`) and the memory
 * measurement can force collections.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Constraint } from "@alloc/constraint";
import { naiveFactory } from "./naive.js";
import {
  type AllocatorFactory,
  type Clock,
  REFERENCE,
  W2_POOL_MAX,
  W2_POOL_MIN,
  type WorkloadResult,
  fillW2,
  hex64,
  planW2,
  planW3,
  runW1,
  runW2,
  runW3,
  runW4,
} from "./workloads.js";

// ------------------------------------------------------------ re-exec with node flags

const CHILD_ENV = "ALLOC_BENCH_CHILD";
if (process.env[CHILD_ENV] !== "1") {
  const script = process.argv[1] as string;
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, "--expose-gc", ...(process.argv.includes("--dist") ? [] : ["--conditions=@alloc/source"]), script, ...process.argv.slice(2)],
    { stdio: "inherit", env: { ...process.env, [CHILD_ENV]: "1" } },
  );
  process.exit(child.status ?? 1);
}

// ------------------------------------------------------------ options

const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const noNaive = argv.includes("--no-naive");
const numOpt = (name: string): number | undefined => {
  const a = argv.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? undefined : Number(a.slice(name.length + 3));
};
const reps = numOpt("reps") ?? (quick ? 1 : 5);
const warmup = !quick;
const forcedGc = argv.includes("--forced-gc");
const naiveW3Steps = numOpt("naive-w3-steps");
const cpuClock = argv.includes("--cpu-clock");
const freshReps = numOpt("fresh-reps") ?? (quick ? 0 : 20);
const freshChild = argv.find((a) => a.startsWith("--fresh-child="))?.slice("--fresh-child=".length);
const filters = argv.filter((a) => !a.startsWith("--")).map((a) => a.toUpperCase());
const wanted = (w: string): boolean => filters.length === 0 || filters.includes(w);
const SIZES: readonly number[] = quick ? [1000] : [1000, 10000, 100000];

const gc: () => void = (globalThis as { gc?: () => void }).gc ?? (() => {});
const hrBase = process.hrtime.bigint();
const clock: Clock = cpuClock
  ? () => {
      const u = process.cpuUsage();
      return (u.user + u.system) * 1000;
    }
  : () => Number(process.hrtime.bigint() - hrBase);

// ------------------------------------------------------------ fresh-process child

/** The workload runs a fresh-process child can replay, by key. */
function freshRun(key: string, f: AllocatorFactory): () => WorkloadResult {
  const [w, n] = key.split("/") as [string, string];
  if (w === "W1") return () => runW1(f, clock);
  if (w === "W2") {
    const plan = planW2(Number(n));
    return () => runW2(f, plan, clock);
  }
  if (w === "W3") {
    const plan = planW3(Number(n));
    return () => runW3(f, plan, clock);
  }
  return () => runW4(f, clock);
}

if (freshChild !== undefined) {
  // A new process: no warm-up, no forced GC, one fresh pool per repetition.
  const [key, implName] = freshChild.split("@") as [string, string];
  const f = implName === naiveFactory.name ? naiveFactory : (await import("./tree.js")).treeFactory;
  const run = freshRun(key, f);
  const out: Record<string, number[]> = {};
  for (let i = 0; i < reps; i++) {
    for (const p of run().phases) (out[p.name] ??= []).push(p.ns / p.ops);
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
}

// ------------------------------------------------------------ machine

const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model ?? "unknown",
  cores: cpus.length,
  node: process.version,
  v8: process.versions.v8,
  platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  totalMemGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
};
console.log(`machine: ${machine.cpu}, ${machine.cores} cores, node ${machine.node} (V8 ${machine.v8}), ${machine.platform}, ${machine.totalMemGiB} GiB`);
const code = argv.includes("--dist") ? "dist/ (built)" : "src/ (TypeScript via tsx)";
console.log(
  `load average ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")} on ${cpus.length} cores (shared machine: figures are noisy; repetitions alternate between implementations)`,
);
console.log(
  `options: reps=${reps}${warmup ? " after 1 warm-up" : ", no warm-up"}, ${cpuClock ? "CPU-time clock" : "wall clock"}${quick ? ", quick" : ""}${filters.length ? `, workloads ${filters.join(" ")}` : ""}; @alloc/* from ${code}`,
);

let tree: AllocatorFactory | undefined;
let treeMod: typeof import("./tree.js") | undefined;
try {
  treeMod = await import("./tree.js");
  tree = treeMod.treeFactory;
} catch (e) {
  console.log(`note: IntervalTree from @alloc/core is not available (${(e as Error).message.split("\n")[0]}); running the naive baseline only`);
}
const impls: AllocatorFactory[] = [];
if (tree) impls.push(tree);
if (!noNaive || !tree) impls.push(naiveFactory);

// ------------------------------------------------------------ measurement

interface Stat {
  median: number;
  min: number;
  max: number;
  samples: number[];
}
interface ImplResult {
  impl: string;
  checksum: string;
  match: "ok" | "MISMATCH" | "n/a";
  successes?: number;
  steps?: number;
  phases: Record<string, Stat>;
}
interface Row {
  workload: string;
  n: number;
  reference?: string;
  results: ImplResult[];
  note?: string;
}

function stat(samples: number[]): Stat {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { median, min: s[0] as number, max: s[s.length - 1] as number, samples };
}

/**
 * One warm-up each, then `reps` repetitions that alternate between the
 * implementations; a repetition replays the workload `inner` times back to
 * back (fresh allocator each time) and reports total ns / total ops per
 * phase, so that short workloads (W2 at N = 1,000) are timed over tens of
 * milliseconds rather than a few hundred microseconds.
 */
function measureAll(key: string, runs: { impl: string; run: () => WorkloadResult }[], inner = 1): ImplResult[] {
  if (warmup) for (const r of runs) for (let j = 0; j < inner; j++) r.run();
  const perPhase = runs.map(() => new Map<string, number[]>());
  const first: (WorkloadResult | undefined)[] = runs.map(() => undefined);
  for (let i = 0; i < reps; i++) {
    for (const [x, { impl, run }] of runs.entries()) {
      // No forced collection here: a forced full GC while the previous
      // repetition's pool dies makes V8 drop the optimised code of everything
      // that touched it ("weak objects" deopts), so each repetition would time
      // a re-warming JIT, which a long-lived VMM pool never sees. Both
      // implementations are measured the same way; --forced-gc restores it.
      if (forcedGc) gc();
      const ns = new Map<string, number>();
      const ops = new Map<string, number>();
      for (let j = 0; j < inner; j++) {
        const r = run();
        const f = first[x];
        if (f === undefined) first[x] = r;
        else if (r.checksum !== f.checksum) throw new Error(`${impl} ${key}: checksum differs between repetitions`);
        for (const p of r.phases) {
          ns.set(p.name, (ns.get(p.name) ?? 0) + p.ns);
          ops.set(p.name, (ops.get(p.name) ?? 0) + p.ops);
        }
      }
      for (const [name, total] of ns) {
        let arr = perPhase[x]!.get(name);
        if (arr === undefined) perPhase[x]!.set(name, (arr = []));
        arr.push(total / (ops.get(name) as number));
      }
    }
  }
  return runs.map(({ impl }, x) => {
    const r = first[x] as WorkloadResult;
    const checksum = hex64(r.checksum);
    const ref = REFERENCE[key];
    const out: ImplResult = {
      impl,
      checksum,
      match: ref === undefined || (r.steps !== undefined && r.steps !== 1_000_000) ? "n/a" : ref === checksum ? "ok" : "MISMATCH",
      phases: Object.fromEntries([...perPhase[x]!].map(([k, v]) => [k, stat(v)])),
    };
    if (r.successes !== undefined) out.successes = r.successes;
    if (r.steps !== undefined) out.steps = r.steps;
    process.stderr.write(`  ${key.padEnd(10)} ${impl.padEnd(12)} ${checksum} ${out.match}\n`);
    return out;
  });
}

const rows: Row[] = [];
function addRow(workload: string, n: number, results: ImplResult[], note?: string): void {
  const ref = REFERENCE[`${workload}/${n}`];
  rows.push({ workload, n, ...(ref === undefined ? {} : { reference: ref }), results, ...(note === undefined ? {} : { note }) });
}

if (wanted("W1")) {
  addRow(
    "W1",
    256,
    measureAll(
      "W1/256",
      impls.map((f) => ({ impl: f.name, run: () => runW1(f, clock) })),
    ),
  );
}
if (wanted("W2")) {
  for (const n of SIZES) {
    const plan = planW2(n);
    const inner = Math.max(1, Math.round(100_000 / n)); // >= 100,000 phase-1 allocations per repetition
    addRow(
      "W2",
      n,
      measureAll(
        `W2/${n}`,
        impls.map((f) => ({ impl: f.name, run: () => runW2(f, plan, clock) })),
        inner,
      ),
    );
  }
}
if (wanted("W3")) {
  for (const n of SIZES) {
    const plan = planW3(n);
    let note: string | undefined;
    const res = measureAll(
      `W3/${n}`,
      impls.map((f) => {
        const steps = f === naiveFactory && naiveW3Steps !== undefined ? Math.min(naiveW3Steps, plan.ops.length) : plan.ops.length;
        if (steps < plan.ops.length) {
          const same =
            tree === undefined
              ? "no tree to compare"
              : hex64(runW3(tree, plan, undefined, steps).checksum) === hex64(runW3(f, plan, undefined, steps).checksum)
                ? "matches"
                : "DIFFERS from";
          note = `naive capped at ${steps} churn steps (ns/step of that prefix); its checksum of the prefix ${same} IntervalTree's`;
        }
        return { impl: f.name, run: () => runW3(f, plan, clock, steps) };
      }),
    );
    addRow("W3", n, res, note);
  }
}
if (wanted("W4")) {
  addRow(
    "W4",
    10000,
    measureAll(
      "W4/10000",
      impls.map((f) => ({ impl: f.name, run: () => runW4(f, clock) })),
      5,
    ),
  );
}

// ------------------------------------------------------------ fresh pools in new processes (N = 1,000)

interface Fresh {
  key: string;
  impl: string;
  phase: string;
  first: number;
  median: number;
  min: number;
  max: number;
}
const fresh: Fresh[] = [];
if (freshReps > 0) {
  const keys = [
    ["W1", "W1/256"],
    ["W2", "W2/1000"],
    ["W3", "W3/1000"],
    ["W4", "W4/10000"],
  ]
    .filter(([w]) => wanted(w as string))
    .map(([, k]) => k as string);
  for (const key of keys) {
    for (const f of impls) {
      const child = spawnSync(
        process.execPath,
        [...process.execArgv, process.argv[1] as string, `--fresh-child=${key}@${f.name}`, `--reps=${freshReps}`, ...(cpuClock ? ["--cpu-clock"] : [])],
        { encoding: "utf8", env: process.env },
      );
      if (child.status !== 0) throw new Error(`fresh child ${key} ${f.name} failed: ${child.stderr}`);
      const res = JSON.parse(child.stdout.trim().split("\n").pop() as string) as Record<string, number[]>;
      for (const [phase, samples] of Object.entries(res)) {
        const st = stat(samples);
        fresh.push({ key, impl: f.name, phase, first: samples[0] as number, median: st.median, min: st.min, max: st.max });
      }
    }
  }
}

// ------------------------------------------------------------ memory (W2 N=100,000 after phase 1)

interface Memory {
  n: number;
  treeSize: number;
  treeOnlyBytes: number;
  withRangesBytes: number;
  rangesBytes: number;
}
let memory: Memory | undefined;
if (treeMod && wanted("W2") && !quick) {
  const n = 100_000;
  const plan = planW2(n);
  const used = (): number => {
    gc();
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const m0 = used();
  const t = treeMod.newPool(W2_POOL_MIN, W2_POOL_MAX);
  const cs = treeMod.constraintsFor(Array.from({ length: 9 }, (_, k) => ({ size: 4096 * 2 ** k, align: 4096 * 2 ** k })));
  let handles: unknown[] | undefined = fillW2({ allocate: (req) => t.allocate(cs[req] as Constraint), free: () => {}, start: () => 0 }, plan);
  const m1 = used();
  const live = handles.length;
  handles = undefined;
  const m2 = used();
  memory = { n: live, treeSize: t.size, treeOnlyBytes: m2 - m0, withRangesBytes: m1 - m0, rangesBytes: m1 - m2 };
}

// ------------------------------------------------------------ report

const fmt = (x: number | undefined): string => (x === undefined ? "-" : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const ours = (r: Row): ImplResult | undefined => r.results.find((x) => x.impl === tree?.name);
const naive = (r: Row): ImplResult | undefined => r.results.find((x) => x.impl === naiveFactory.name);

const header = ["workload", "N", "metric", "ours median", "min", "max", "checksum", "ref", "naive median", "min", "max", "naive ref", "naive/ours"];
const table: string[][] = [header];
for (const r of rows) {
  const o = ours(r);
  const v = naive(r);
  const phases = Object.keys((o ?? v)?.phases ?? {});
  for (const p of phases) {
    const os_ = o?.phases[p];
    const ns_ = v?.phases[p];
    let metric = p;
    if (r.workload === "W4") metric += ` (${(o ?? v)?.successes} ok)`;
    if (r.workload === "W3" && v?.steps !== undefined && v.steps !== 1_000_000) metric += ` (naive ${v.steps} steps)`;
    table.push([
      r.workload,
      String(r.n),
      metric,
      fmt(os_?.median),
      fmt(os_?.min),
      fmt(os_?.max),
      o?.checksum ?? "-",
      o?.match ?? "-",
      fmt(ns_?.median),
      fmt(ns_?.min),
      fmt(ns_?.max),
      v?.match ?? "-",
      os_ && ns_ ? (ns_.median / os_.median).toFixed(2) : "-",
    ]);
  }
}
const widths = header.map((_, c) => Math.max(...table.map((row) => (row[c] as string).length)));
console.log("\nns per operation (median/min/max over the repetitions); ref = checksum vs WORKLOADS.md (n/a: no reference)");
for (const [i, row] of table.entries()) {
  console.log(
    row.map((cell, c) => (c < 3 || c === 6 || c === 7 || c === 11 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join("  "),
  );
  if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
}
for (const r of rows) if (r.note) console.log(`note: ${r.workload} N=${r.n}: ${r.note}`);

// Growth: ns/op at the largest N over ns/op at N = 1,000.
const growth: { workload: string; metric: string; impl: string; ratio: number }[] = [];
const nMax = SIZES[SIZES.length - 1] as number;
if (nMax > 1000) {
  console.log(`\ngrowth: ns/op at N=${nMax} / ns/op at N=1000 (x1 constant, ~x1.7 log2, x${nMax / 1000} linear)`);
  for (const w of ["W2", "W3"]) {
    const small = rows.find((r) => r.workload === w && r.n === 1000);
    const big = rows.find((r) => r.workload === w && r.n === nMax);
    if (!small || !big) continue;
    for (const impl of impls) {
      const a = small.results.find((x) => x.impl === impl.name);
      const b = big.results.find((x) => x.impl === impl.name);
      if (!a || !b) continue;
      const parts: string[] = [];
      for (const p of Object.keys(a.phases)) {
        const ratio = (b.phases[p]?.median ?? NaN) / (a.phases[p]?.median ?? NaN);
        growth.push({ workload: w, metric: p, impl: impl.name, ratio });
        parts.push(`${p} x${ratio.toFixed(2)}`);
      }
      console.log(`  ${w} ${impl.name.padEnd(12)} ${parts.join(", ")}`);
    }
  }
}

if (fresh.length > 0) {
  console.log(`\nfresh: a new process per workload and implementation, a fresh pool per repetition, no warm-up, no forced GC, ${freshReps} repetitions`);
  console.log("  workload   impl          phase                 first rep  median     min     max  median/warm");
  for (const x of fresh) {
    const [w, n] = x.key.split("/");
    const warm = rows.find((r) => r.workload === w && String(r.n) === n)?.results.find((r) => r.impl === x.impl)?.phases[x.phase]?.median;
    console.log(
      `  ${x.key.padEnd(10)} ${x.impl.padEnd(12)}  ${x.phase.padEnd(20)} ${fmt(x.first).padStart(9)} ${fmt(x.median).padStart(7)} ${fmt(x.min).padStart(7)} ${fmt(x.max).padStart(7)}  ${warm === undefined ? "-" : `x${(x.median / warm).toFixed(2)}`}`,
    );
  }
}

if (memory) {
  const { n, treeSize, treeOnlyBytes, withRangesBytes, rangesBytes } = memory;
  console.log(
    `\nmemory: W2 N=${n} after phase 1; heapUsed + arrayBuffers deltas after forced GC; tree.size = ${treeSize} ranges (${n} allocated + ${treeSize - n} free)`,
  );
  console.log(
    `  tree only (returned Ranges dropped):   ${treeOnlyBytes} B = ${(treeOnlyBytes / treeSize).toFixed(1)} B per tree range, ${(treeOnlyBytes / n).toFixed(1)} B per allocation`,
  );
  console.log(`  tree + the ${n} returned Range objects + their array: ${withRangesBytes} B = ${(withRangesBytes / n).toFixed(1)} B per allocation`);
  console.log(`  the returned Ranges + array alone: ${rangesBytes} B = ${(rangesBytes / n).toFixed(1)} B per Range`);
}

const outDir = join(dirname(fileURLToPath(import.meta.url)), "results");
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, "latest.json");
writeFileSync(
  outFile,
  `${JSON.stringify({ date: new Date().toISOString(), machine, options: { reps, warmup, quick, filters, code, cpuClock, freshReps, naiveW3Steps: naiveW3Steps ?? null }, loadavg: os.loadavg(), rows, growth, fresh, memory: memory ?? null }, null, 2)}\n`,
);
console.log(`\nwrote ${outFile}`);
const bad = rows.some((r) => r.results.some((x) => x.match === "MISMATCH"));
if (bad) {
  console.log("CHECKSUM MISMATCH: see the ref columns");
  process.exitCode = 1;
}
