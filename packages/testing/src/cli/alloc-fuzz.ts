#!/usr/bin/env node
/**
 * `alloc-fuzz --target core|vm-resources --seconds N [--seed S]`
 *
 * Runs batches of the model-based command sets against the target until the
 * time is up, rotating through domain profiles (full 64-bit domain against
 * FreeListModel, a VMM-like layout, 256- and 16-unit domains against
 * BitmapModel). Prints operations run, operations per second and either
 * "0 divergences" or the minimized failing sequence with its seed, path and
 * replayPath; exits 1 on a divergence, 2 on a usage error.
 *
 * Run from a directory whose node_modules hold the target (the repo root):
 *   pnpm exec tsx --conditions=@alloc/source packages/testing/src/cli/alloc-fuzz.ts --target core --seconds 60
 */
import { fullDomain, layoutDomain, smallDomain } from "../arbitraries.js";
import type { DomainProfile } from "../arbitraries.js";
import { checkTree } from "../commands/tree.js";
import type { FuzzReport, ModelChoice } from "../commands/tree.js";
import type { AllocatorFactory } from "../interfaces.js";
import { importFromCwd } from "./loadTarget.js";

/** Parsed command line. */
export interface FuzzArgs {
  readonly target: "core" | "vm-resources";
  readonly seconds: number;
  readonly seed: number;
  /** Runs per batch (default 50). */
  readonly batch: number;
}

const USAGE = "usage: alloc-fuzz --target core|vm-resources --seconds N [--seed S] [--batch RUNS]";

/** Parses argv (without node and script); throws an Error with usage on mistakes. */
export function parseArgs(argv: readonly string[]): FuzzArgs {
  const get = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new Error(`${flag} needs a value\n${USAGE}`);
    return v;
  };
  for (const a of argv) if (a.startsWith("--") && !["--target", "--seconds", "--seed", "--batch"].includes(a)) throw new Error(`unknown option ${a}\n${USAGE}`);
  const target = get("--target") ?? "core";
  if (target !== "core" && target !== "vm-resources") throw new Error(`--target must be core or vm-resources\n${USAGE}`);
  const seconds = Number(get("--seconds") ?? "10");
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`--seconds must be a positive number\n${USAGE}`);
  const seedText = get("--seed");
  const seed = seedText === undefined ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0 : Number(seedText);
  if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer\n${USAGE}`);
  const batch = Number(get("--batch") ?? "50");
  if (!Number.isSafeInteger(batch) || batch < 1) throw new Error(`--batch must be a positive integer\n${USAGE}`);
  return { target, seconds, seed: seed | 0, batch };
}

interface Profile {
  readonly name: string;
  readonly model: ModelChoice;
  readonly profile: DomainProfile;
  readonly maxCommands: number;
}

const TREE_PROFILES: readonly Profile[] = [
  { name: "full/freelist", model: "freelist", profile: fullDomain(), maxCommands: 80 },
  {
    name: "layout/freelist",
    model: "freelist",
    profile: layoutDomain([
      { min: 0xd000_0000n, max: 0xfebf_ffffn },
      { min: 0x1_0000_0000n, max: 0xff_ffff_ffffn },
      { min: 0xffff_ffff_ffff_0000n, max: 0xffff_ffff_ffff_ffffn },
    ]),
    maxCommands: 80,
  },
  { name: "small256/bitmap", model: "bitmap", profile: smallDomain(256), maxCommands: 80 },
  { name: "small16/bitmap", model: "bitmap", profile: smallDomain(16), maxCommands: 40 },
];

/** A campaign's outcome. */
export interface CampaignResult {
  readonly ops: number;
  readonly runs: number;
  readonly seconds: number;
  readonly failure?: Pick<FuzzReport, "message" | "error" | "seed"> & { readonly batchSeed: number; readonly profile: string };
}

/** Runs tree batches against `factory` until `seconds` have passed or something diverges. */
export function fuzzTreeCampaign(
  factory: AllocatorFactory<unknown>,
  args: Pick<FuzzArgs, "seconds" | "seed" | "batch"> & { readonly invariants?: boolean },
  log: (s: string) => void = () => {},
): CampaignResult {
  const start = performance.now();
  const deadline = start + args.seconds * 1000;
  let ops = 0;
  let runs = 0;
  for (let i = 0; performance.now() < deadline; i++) {
    const p = TREE_PROFILES[i % TREE_PROFILES.length]!;
    const batchSeed = (args.seed + i) | 0;
    const report = checkTree(factory, {
      model: p.model,
      profile: p.profile,
      numRuns: args.batch,
      maxCommands: p.maxCommands,
      seed: batchSeed,
      timeLimitMs: Math.max(1, deadline - performance.now()),
      ...(args.invariants === undefined ? {} : { invariants: args.invariants }),
    });
    ops += report.opsRun;
    runs += report.numRuns;
    if (report.failed) return { ops, runs, seconds: (performance.now() - start) / 1000, failure: { ...report, batchSeed, profile: p.name } };
    if (i % 50 === 49) log(`  ... ${ops} operations, ${runs} runs, ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
  return { ops, runs, seconds: (performance.now() - start) / 1000 };
}

async function main(): Promise<number> {
  let args: FuzzArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  // perf: every refused call builds an AllocError on both sides; a deep stack
  // capture was a third of the CPU time (profile of --target core). Messages
  // and codes are unaffected.
  Error.stackTraceLimit = 4;
  console.log(`alloc-fuzz: target ${args.target}, ${args.seconds} s, seed ${args.seed} (replay a batch with --seed <batch seed>)`);
  let result: CampaignResult;
  if (args.target === "core") {
    const core = await importFromCwd<{ IntervalTree: new () => unknown }>("@alloc/core");
    result = fuzzTreeCampaign(() => new core.IntervalTree() as never, args, (s) => console.log(s));
  } else {
    const { fuzzManagerCampaign, loadManagerTarget } = await import("../commands/manager.js");
    const factory = await loadManagerTarget();
    result = fuzzManagerCampaign(factory, args, (s) => console.log(s));
  }
  const rate = Math.round(result.ops / Math.max(result.seconds, 1e-9));
  const summary = `${result.ops} operations in ${result.runs} runs, ${result.seconds.toFixed(1)} s, ${rate} ops/s`;
  if (result.failure === undefined) {
    console.log(`alloc-fuzz: ${summary}, 0 divergences (seed ${args.seed})`);
    return 0;
  }
  console.log(`alloc-fuzz: ${summary}, 1 divergence in profile ${result.failure.profile} (batch seed ${result.failure.batchSeed})`);
  console.log(result.failure.message);
  return 1;
}

const invokedDirectly = process.argv[1] !== undefined && /alloc-fuzz(\.[cm]?[jt]s)?$/.test(process.argv[1]);
if (invokedDirectly) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = 2;
    },
  );
}
