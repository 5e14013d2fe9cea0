/**
 * Before/after comparison in one process: the same churn and snapshot/restore
 * workloads as bench/run.ts, against this package's sources and any other
 * copies of them (e.g. a previous release unpacked with
 * `git archive <commit> packages/vm-resources/src | tar -x -C packages/vm-resources/.old --strip-components=2`),
 * repetitions alternating between the copies so that the shared machine's
 * drift hits them alike. Times are this process's CPU time (`process.cpuUsage`,
 * all its threads), which a loaded machine disturbs far less than the wall
 * clock. Prints the median and min–max per copy, and for churn the ratio of
 * this tree's time to each other copy's in the same run (median, min–max);
 * churn also times the same allocations and frees on bare interval trees of
 * this tree's `@alloc/core`, the part of the time that is the core's.
 * Run: `tsx --conditions=@alloc/source bench/compare.ts [path/to/other/src/index.ts ...]`.
 */
import { pathToFileURL } from "node:url";
import { median, shuffled } from "./stats.js";

interface Target {
  readonly label: string;
  // biome-ignore lint/suspicious/noExplicitAny: each copy of the sources is loaded at run time, untyped
  readonly api: any;
}
const targets: Target[] = [{ label: "this tree", api: await import(new URL("../src/index.js", import.meta.url).href) }];
for (const p of process.argv.slice(2)) targets.push({ label: p, api: await import(pathToFileURL(p).href) });

/** CPU time of this process so far, in ms. */
function cpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const spread = (xs: number[], digits: number): string =>
  `median ${median(xs).toFixed(digits)} (min ${Math.min(...xs).toFixed(digits)} – max ${Math.max(...xs).toFixed(digits)})`;

const CHURN_RUNS = Number(process.env["CHURN_RUNS"] ?? 25);
const ROUNDS = Number(process.env["CHURN_ROUNDS"] ?? 5); // plug+unplug rounds of 1,000 devices per timed run
const N = 1000;
const names = Array.from({ length: N }, (_, i) => `dev${i}`);
const ids = Array.from({ length: N }, (_, i) => i);

interface ChurnSetup {
  readonly label: string;
  /** One round: plug 1,000 devices in order, unplug them in `order` (indices into `names`). */
  readonly round: (order: readonly number[]) => void;
  readonly times: number[];
}

/**
 * The yardstick beside the copies: the same allocations and frees on bare
 * interval trees of this tree's `@alloc/core` (the bench layout's windows),
 * so "this tree / trees alone" is the manager's cost over the core's.
 */
function treesAlone(): ChurnSetup {
  const { IntervalTree, Constraint, layout } = yardstick;
  const windows = [layout.mmio.high, ...layout.msi.ranges, ...layout.legacyIrq.ranges];
  const trees = windows.map((w) => new IntervalTree().insert(w));
  const cs = [
    new Constraint({ size: 0x4000, align: 0x4000, min: windows[0].min, max: windows[0].max }),
    new Constraint({ size: 4, min: windows[1].min, max: windows[1].max }),
    new Constraint({ size: 1, min: windows[2].min, max: windows[2].max }),
  ];
  const record = { kind: "owner", owner: "dev" };
  const held: unknown[] = new Array(3 * N);
  return {
    label: "interval trees alone",
    times: [],
    round(order) {
      for (let i = 0; i < N; i++) for (let j = 0; j < 3; j++) held[3 * i + j] = trees[j].allocateOrThrow(cs[j], record);
      for (const i of order) for (let j = 2; j >= 0; j--) trees[j].free(held[3 * i + j]);
    },
  };
}

const layoutOf = (api: Target["api"]): unknown =>
  api.defineLayout({
    ...api.layoutToJSON(api.presetLayout("x86_64")),
    name: "bench",
    legacyIrq: { ranges: [{ min: 24, max: 4095 }] },
    msi: { ranges: [{ min: 4096, max: 64095 }] },
  });
const yardstick = {
  ...(await import("@alloc/core")),
  Constraint: (await import("@alloc/constraint")).Constraint,
  // biome-ignore lint/suspicious/noExplicitAny: the layout of this tree, read untyped like the copies
  layout: layoutOf(targets[0]!.api) as any,
};

const CASES = ["request literals", "frozen templates", "requests built for each plug"] as const;
for (const kase of CASES) {
  const setups: ChurnSetup[] = targets.map(({ label, api }) => {
    const rm = new api.ResourceManager(layoutOf(api));
    const build = (): unknown[] => [api.pciBar({ size: 0x4000, is64bit: true }), { kind: "pci-msix", count: 4 }, { kind: "legacy-irq" }];
    const list = build();
    const reqs = kase === "frozen templates" ? Object.freeze(list.map((r) => Object.freeze(r))) : list;
    return {
      label,
      times: [],
      round(order) {
        if (kase === "requests built for each plug") for (const n of names) rm.allocateDevice(n, build());
        else for (const n of names) rm.allocateDevice(n, reqs);
        for (const i of order) rm.freeDevice(names[i]);
      },
    };
  });
  setups.push(treesAlone());
  for (let run = 0; run < CHURN_RUNS; run++) {
    const order = shuffled(ids);
    for (const s of run % 2 === 0 ? setups : [...setups].reverse()) {
      const t0 = cpu();
      for (let k = 0; k < ROUNDS; k++) s.round(order);
      const t1 = cpu();
      if (run >= 3) s.times.push(((t1 - t0) * 1e6) / (N * ROUNDS));
    }
  }
  for (const s of setups) console.log(`${s.label}: churn (${kase}): ${spread(s.times, 0)} ns per device`);
  // Each run's times side by side: the ratio cancels the machine's drift between runs.
  for (let i = 1; i < setups.length; i++) {
    const ratios = setups[0]!.times.map((t, k) => t / setups[i]!.times[k]!);
    console.log(`  this tree / ${setups[i]!.label}, run by run: ${spread(ratios, 2)}`);
  }
}

const SNAP_RUNS = Number(process.env["SNAP_RUNS"] ?? 7);
const snaps =
  SNAP_RUNS === 0
    ? []
    : targets.map(({ api }) => {
        const rm = api.ResourceManager.fromPreset("x86_64");
        for (let i = 0; i < 100_000; i++) rm.allocateDevice(`d${i}`, [{ kind: "mmio", size: 0x1000 }]);
        return { api, rm, s: [] as number[], r: [] as number[] };
      });
for (let run = 0; run < SNAP_RUNS; run++) {
  for (const t of run % 2 === 0 ? snaps : [...snaps].reverse()) {
    // Each ratio is taken against JSON.stringify / JSON.parse of the same document, timed next to it.
    const t0 = cpu();
    const text: string = t.rm.snapshot();
    const t1 = cpu();
    t.api.ResourceManager.restore(text);
    const t2 = cpu();
    const doc: unknown = JSON.parse(text);
    const t3 = cpu();
    JSON.stringify(doc);
    const t4 = cpu();
    t.s.push((t1 - t0) / (t4 - t3));
    t.r.push((t2 - t1) / (t3 - t2));
  }
}
snaps.forEach((t, i) => console.log(`${targets[i]!.label}: snapshot ${spread(t.s, 2)} x JSON.stringify; restore ${spread(t.r, 2)} x JSON.parse`));
