/**
 * Fuzz campaigns: batches of the model-based command sets run one after the
 * other until the time is up, something diverges, or the caller aborts. The
 * loop yields to the event loop between batches, so a Ctrl-C handler (or any
 * `AbortSignal`) stops a campaign within one batch with its figures intact.
 * Pure: no Node built-ins (the Node-only loaders are in `loadTarget.ts`).
 */
import { fullDomain, layoutDomain, smallDomain } from "../arbitraries.js";
import type { DomainProfile } from "../arbitraries.js";
import { checkManager } from "../commands/manager.js";
import { checkTree } from "../commands/tree.js";
import type { CampaignReport, ModelChoice } from "../commands/tree.js";
import type { AllocatorFactory, ManagerFactory } from "../interfaces.js";

/** Settings of a campaign. */
export interface CampaignOptions {
  /** Wall-clock budget in seconds. */
  readonly seconds: number;
  /** Seed of the first batch; batch `i` uses `(seed + i) mod 2^32`. */
  readonly seed: number;
  /** Runs (generated sequences) per batch. */
  readonly batch: number;
  /** Check `checkInvariants()` after every command (default true; tree campaigns only). */
  readonly invariants?: boolean;
  /** Stops the campaign after the batch that is running. */
  readonly signal?: AbortSignal;
  /** Called after every batch with the figures so far. */
  readonly onProgress?: (progress: CampaignProgress) => void;
}

/** Figures of a campaign so far. */
export interface CampaignProgress {
  /** Commands executed, shrinking included. */
  readonly ops: number;
  /** Generated sequences run. */
  readonly runs: number;
  /** Seconds since the start. */
  readonly seconds: number;
}

/** A campaign's outcome. */
export interface CampaignResult extends CampaignProgress {
  /** True when the signal stopped the campaign before its time was up. */
  readonly interrupted: boolean;
  /** The first divergence, when there was one. */
  readonly failure?: {
    /** The full failure report: seed, path, replay path, shrunk sequence. */
    readonly message: string;
    /** What diverged. */
    readonly error?: string;
    /** The seed fast-check reported. */
    readonly seed: number;
    /** The seed to pass to `--seed` to run the failing batch first. */
    readonly batchSeed: number;
    /** The domain profile of the failing batch. */
    readonly profile: string;
  };
}

/** One batch: run `numRuns` sequences from `seed` within `timeLimitMs`. */
export type Batch = (
  index: number,
  seed: number,
  timeLimitMs: number,
) => {
  /** What the batch found. */
  readonly report: CampaignReport<unknown>;
  /** The name of the domain profile it used. */
  readonly profile: string;
};

/** Runs `batch` until the time is up, a batch fails, or `options.signal` aborts. */
export async function runCampaign(batch: Batch, options: CampaignOptions): Promise<CampaignResult> {
  const start = performance.now();
  const deadline = start + options.seconds * 1000;
  const figures = (): CampaignProgress => ({ ops, runs, seconds: (performance.now() - start) / 1000 });
  let ops = 0;
  let runs = 0;
  for (let i = 0; performance.now() < deadline; i++) {
    if (options.signal?.aborted === true) return { ...figures(), interrupted: true };
    const batchSeed = (options.seed + i) >>> 0;
    const { report, profile } = batch(i, batchSeed, Math.max(1, deadline - performance.now()));
    ops += report.opsRun;
    runs += report.numRuns;
    if (report.failed) {
      const failure = { message: report.message, seed: report.seed, batchSeed, profile, ...(report.error === undefined ? {} : { error: report.error }) };
      return { ...figures(), interrupted: false, failure };
    }
    options.onProgress?.(figures());
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
  return { ...figures(), interrupted: false };
}

interface TreeProfile {
  readonly name: string;
  readonly model: ModelChoice;
  readonly profile: DomainProfile;
  readonly maxCommands: number;
}

/** The domain profiles a tree campaign rotates through. */
const TREE_PROFILES: readonly TreeProfile[] = [
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

/**
 * A tree campaign against `factory`, rotating through the full 64-bit domain
 * (against FreeListModel), a VMM-like layout, and 256- and 16-unit domains
 * (against BitmapModel).
 *
 * @example
 * ```ts
 * const r = await fuzzTreeCampaign(() => new IntervalTree(), { seconds: 5, seed: 1, batch: 50 });
 * r.failure === undefined; // true: no divergence
 * ```
 */
export function fuzzTreeCampaign(factory: AllocatorFactory<unknown>, options: CampaignOptions): Promise<CampaignResult> {
  return runCampaign((i, seed, timeLimitMs) => {
    const p = TREE_PROFILES[i % TREE_PROFILES.length] as TreeProfile;
    const report = checkTree(factory, {
      model: p.model,
      profile: p.profile,
      numRuns: options.batch,
      maxCommands: p.maxCommands,
      seed,
      timeLimitMs,
      ...(options.invariants === undefined ? {} : { invariants: options.invariants }),
    });
    return { report, profile: p.name };
  }, options);
}

/** A resource-manager campaign against `factory` (x86_64-preset managers from the CLI). */
export function fuzzManagerCampaign(factory: ManagerFactory, options: CampaignOptions): Promise<CampaignResult> {
  return runCampaign((_i, seed, timeLimitMs) => {
    const report = checkManager(factory, { numRuns: Math.max(1, Math.ceil(options.batch / 5)), seed, timeLimitMs });
    return { report, profile: "x86_64 preset" };
  }, options);
}
