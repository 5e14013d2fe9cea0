/**
 * Same-process A/B of two builds of @alloc/core on the standard workloads (and
 * on many small new pools, `pools/10`):
 * this package's `dist/` (B) against another checkout's (A), each with its own
 * `@alloc/constraint` (a `Range` of one build is only a plain object to the
 * other). Repetitions alternate A, B, B, A, ... on a CPU-time clock, so a
 * change in machine load hits both alike; every run's checksum must match the
 * crate's (W3, run shorter than the spec, must agree between the builds). Prints median (min–max) ns per operation and the median of the
 * per-repetition ratios B/A (below 1: this build is faster).
 *
 *   pnpm build
 *   git worktree add /tmp/core-base <rev>
 *   (cd /tmp/core-base && pnpm install --frozen-lockfile && pnpm --filter @alloc/core... build)
 *   pnpm bench:compare /tmp/core-base/packages/core [--reps=7]
 */
import { pathToFileURL } from "node:url";
import { REFERENCE, SIZE_CLASSES, fnv1a, hex64, planW2, planW3, runW1, runW2, runW3, runW4 } from "./workloads.js";
import { factoryFor } from "./tree.js";
import type { CoreBuild } from "./tree.js";
import type { AllocatorFactory, Clock, WorkloadResult } from "./workloads.js";

const args = process.argv.slice(2);
const other = args.find((a) => !a.startsWith("--"));
if (other === undefined) {
  console.error("usage: pnpm bench:compare <package root of another @alloc/core build> [--reps=N]");
  process.exit(2);
}
const reps = Number(args.find((a) => a.startsWith("--reps="))?.slice(7) ?? 7);
const load = async (root: string): Promise<CoreBuild> => ({
  ...(await import(pathToFileURL(`${root}/dist/index.js`).href)),
  ...(await import(pathToFileURL(`${root}/node_modules/@alloc/constraint/dist/index.js`).href)),
});
const here = new URL("..", import.meta.url).pathname;
const builds = { A: await load(other), B: await load(here) };

const factories = { A: factoryFor(builds.A), B: factoryFor(builds.B) };

const clock: Clock = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};
const W3_STEPS = 200_000;
const plans2 = new Map([1000, 10000, 100000].map((n) => [n, planW2(n)]));
const plans3 = new Map([1000, 10000].map((n) => [n, planW3(n, W3_STEPS)]));
const workloads: [string, (f: AllocatorFactory) => WorkloadResult][] = [
  ["W1/256", (f) => runW1(f, clock)],
  ...[...plans2].map(([n, p]): [string, (f: AllocatorFactory) => WorkloadResult] => [`W2/${n}`, (f) => runW2(f, p, clock)]),
  ...[...plans3].map(([n, p]): [string, (f: AllocatorFactory) => WorkloadResult] => [`W3/${n}`, (f) => runW3(f, p, clock)]),
  ["W4/10000", (f) => runW4(f, clock)],
  ["pools/10", (f) => runSmallPools(f)],
];

/**
 * Not a standard workload: 2,000 new pools (W2's pool), each given 10
 * first-match allocations of W2's size classes, the way a program that makes
 * many small pools runs (a CLI, tests, planning many VMs). Each pool also
 * prepares its 9 constraints (the adapter's `create`), alike in both builds.
 */
function runSmallPools(f: AllocatorFactory): WorkloadResult {
  const POOLS = 2000;
  const PER_POOL = 10;
  const requests = Array.from({ length: SIZE_CLASSES }, (_, k) => ({ size: 4096 * 2 ** k, align: 4096 * 2 ** k }));
  const starts = new Float64Array(POOLS * PER_POOL);
  const t0 = clock();
  for (let p = 0; p < POOLS; p++) {
    const a = f.create(2 ** 32, 2 ** 32 + 2 ** 40 - 1, requests);
    for (let i = 0; i < PER_POOL; i++) starts[p * PER_POOL + i] = a.start(a.allocate((p + 7 * i) % SIZE_CLASSES));
  }
  const t1 = clock();
  return { checksum: fnv1a(starts), allocations: starts.length, phases: [{ name: "ns/pool (new + 10 allocs)", ns: t1 - t0, ops: POOLS }] };
}

const samples = new Map<string, { A: number[]; B: number[] }>();
const checksums = new Map<string, string | undefined>();
for (let rep = 0; rep <= reps; rep++) {
  for (const [key, run] of workloads) {
    for (const side of rep % 2 === 0 ? (["A", "B"] as const) : (["B", "A"] as const)) {
      const result = run(factories[side]);
      // W3 runs fewer steps than the spec, and pools/10 has no reference: there both builds must agree instead.
      const expected = key.startsWith("W3/") || !(key in REFERENCE) ? (checksums.get(key) ?? hex64(result.checksum)) : REFERENCE[key];
      if (hex64(result.checksum) !== expected) throw new Error(`${key} ${side}: checksum ${hex64(result.checksum)}, expected ${expected}`);
      checksums.set(key, expected);
      if (rep === 0) continue; // warm-up
      for (const p of result.phases) {
        const id = `${key} ${p.name}`;
        const s = samples.get(id) ?? { A: [], B: [] };
        s[side].push(p.ns / p.ops);
        samples.set(id, s);
      }
    }
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? (s[s.length >> 1] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const fmt = (xs: readonly number[]): string => `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
console.log(`A: ${other}\nB: ${here}\n${reps} repetitions after a warm-up, CPU-time clock, alternating; W3 with ${W3_STEPS} steps\n`);
console.log(`${"workload / phase".padEnd(28)} ${"A ns/op".padEnd(20)} ${"B ns/op".padEnd(20)} B/A`);
for (const [id, s] of samples) {
  const ratios = s.A.map((a, i) => (s.B[i] as number) / a);
  console.log(`${id.padEnd(28)} ${fmt(s.A).padEnd(20)} ${fmt(s.B).padEnd(20)} ${median(ratios).toFixed(2)}`);
}
