/**
 * The model-based command set for `IntervalTree`-shaped allocators.
 *
 * Each generated `TreeOp` becomes an `fc.Command`; `fc.modelRun` applies it to
 * the allocator under test and to a reference model (`FreeListModel` or
 * `BitmapModel`) with the same arguments, then checks that both agree: same
 * result or same `AllocError` code, contents unchanged after an error, full
 * contents in order (via `entries()` and the iterator), `stats()`, `size`,
 * `isEmpty()`, and the real allocator's `checkInvariants()`.
 *
 * Failures report the seed, path and replayPath to pass to `replayTree`, and
 * the shrunk op list as a TypeScript literal to paste into a regression test
 * run by `runTreeOps`.
 */
import { allocator, callable, duration, flag, integer, items, profile as checkProfile, rate, readObject, readOptions, text } from "../internal/inputs.js";
import fc from "fast-check";
import { Range, U64_MAX, isAllocError, refuseArgument, refuseThis } from "@alloc/constraint";
import type { ConstraintLike, RangeLike, U64Input } from "@alloc/constraint";
import { fullDomain, rangeIn, smallDomain, treeOp } from "../arbitraries.js";
import type { DomainProfile } from "../arbitraries.js";
import { agree, capture, codeOf, diff, flatten, normalize, same, show } from "../internal/compare.js";
import type { AllocatorFactory, AllocatorUnderTest } from "../interfaces.js";
import { BitmapModel } from "../models/BitmapModel.js";
import { FreeListModel } from "../models/FreeListModel.js";
import { constraintOf, idOf, literal, rangeOf, readTreeOp, shiftOp } from "../ops.js";
import type { TreeOp } from "../ops.js";

/** Which reference model to compare against, or a factory for one. */
export type ModelChoice = "bitmap" | "freelist" | (() => AllocatorUnderTest<unknown>);

/** Options of {@link fuzzTree} / {@link checkTree}. */
export interface TreeFuzzOptions {
  /** Reference model (default: `"freelist"`, or `"bitmap"` when the profile is small). */
  readonly model?: ModelChoice;
  /** Where values are generated (default: `fullDomain()` for the free list, `smallDomain(256)` for the bitmap). */
  readonly profile?: DomainProfile;
  /** fast-check runs (default 100). */
  readonly numRuns?: number;
  /** Longest command sequence per run (default 60). */
  readonly maxCommands?: number;
  /** Share of malformed arguments, 0..1 (default 0.1). */
  readonly badRate?: number;
  /** Replay: the seed printed by a failure. */
  readonly seed?: number;
  /** Replay: the path printed by a failure. */
  readonly path?: string;
  /** Replay: the replayPath printed by a failure (commands that actually ran). */
  readonly replayPath?: string;
  /** Stop generating new runs after this many milliseconds. */
  readonly timeLimitMs?: number;
  /** Call the allocator's `checkInvariants()` after every command (default true). */
  readonly invariants?: boolean;
}

/** What a fuzz campaign did, for any command set whose commands are `Op`s. */
export interface CampaignReport<Op> {
  /** True when the allocator diverged from the model (or broke an invariant). */
  readonly failed: boolean;
  /** Runs (generated sequences) tried, including the failing one. */
  readonly numRuns: number;
  /** Commands executed, including those run while shrinking. */
  readonly opsRun: number;
  /** The fast-check seed of the campaign (replay with it). */
  readonly seed: number;
  /** fast-check's counterexample path of the failure (replay with it). */
  readonly path?: string;
  /** fast-check's replay path of the shrunk command sequence. */
  readonly replayPath?: string;
  /** The shrunk failing sequence, up to and including the failing op. */
  readonly ops?: Op[];
  /** What diverged. */
  readonly error?: string;
  /** A human-readable summary, with replay instructions on failure. */
  readonly message: string;
}

/** What a tree fuzz campaign did. */
export type FuzzReport = CampaignReport<TreeOp>;

let opsCounter = 0;

/** Commands executed by this process so far (all command sets). */
export function opsExecuted(): number {
  return opsCounter;
}

/** @internal Adds to the op counter (used by the manager command set). */
export function countOp(): void {
  opsCounter++;
}

/** The state a tree command sees on the model side. */
export interface TreeHarness {
  /** The reference model the real allocator is compared with. */
  readonly model: AllocatorUnderTest<unknown>;
  /** The highest value of the domain profile in use. */
  readonly domainMax: bigint;
  /** Whether `checkInvariants()` runs after every command. */
  readonly invariants: boolean;
}

// An op the package generated itself, taken by the next TreeCommand as it is (see `command`).
let generated: TreeOp | undefined;
// The op a real TreeCommand holds, or undefined for anything else.
let opOf: (value: unknown) => TreeOp | undefined;

/**
 * One `TreeOp` as an `fc.Command`, for a model-based test of your own
 * (`fc.modelRun(() => ({ model: { model, domainMax, invariants }, real }), commands)`).
 * The op is read once by the constructor and the command is frozen;
 * `run` reads its harness once (`h` an object with exactly `model`,
 * `domainMax` and `invariants`, `real` an allocator), so a mistake is an
 * `AllocError` `INVALID_ARGUMENT` naming it (`h.domainMax`, `real.free`).
 *
 * @example
 * ```ts
 * const cmd = new TreeCommand({ op: "insert", range: { at: { min: 0n, max: 0xffn } } });
 * cmd.run({ model: new FreeListModel(), domainMax: 0xffn, invariants: true }, new IntervalTree());
 * ```
 */
export class TreeCommand implements fc.Command<TreeHarness, AllocatorUnderTest<unknown>> {
  readonly #op: TreeOp;
  /** @param op The operation this command applies to the model and the real allocator; read by {@link readTreeOp}. */
  constructor(op: TreeOp) {
    const made = generated;
    generated = undefined;
    this.#op = made ?? readTreeOp(op, "op");
    Object.freeze(this);
  }
  /** The operation, as the constructor read it (frozen). */
  get op(): TreeOp {
    return ownOp(this);
  }
  check(): boolean {
    return true;
  }
  run(h: TreeHarness, real: AllocatorUnderTest<unknown>): void {
    const op = ownOp(this);
    const { model, domainMax, invariants } = readObject(h, "h", HARNESS_KEYS);
    checkApplying(model, real, domainMax, invariants, "h.");
    applyOp(op, model as AllocatorUnderTest<unknown>, real, domainMax as bigint, invariants as boolean);
  }
  toString(): string {
    return literal(ownOp(this));
  }
  static {
    opOf = (value) => (typeof value === "object" && value !== null && #op in value ? (value as TreeCommand).#op : undefined);
  }
}

const HARNESS_KEYS: readonly string[] = ["model", "domainMax", "invariants"];

/** The op of `command`, which must be a real TreeCommand. */
function ownOp(command: unknown): TreeOp {
  const op = opOf(command);
  if (op === undefined) refuseThis("a TreeCommand", command);
  return op;
}

/** A command of the package's own campaigns: its op and harness were made here, so `run` reads nothing again. */
class GeneratedTreeCommand extends TreeCommand {
  override run(h: TreeHarness, real: AllocatorUnderTest<unknown>): void {
    applyOp(opOf(this) as TreeOp, h.model, real, h.domainMax, h.invariants);
  }
}

/** Refusals of what a user's factory made, thrown inside a property: a campaign rethrows them rather than report a divergence. */
const REFUSED = new WeakSet<object>();

/** @internal `check(value, argument)`, its refusal remembered (see {@link refusal}). */
export function product(check: (value: unknown, argument: string) => void, value: unknown, argument: string): void {
  try {
    check(value, argument);
  } catch (e) {
    if (typeof e === "object" && e !== null) REFUSED.add(e);
    throw e;
  }
}

/** @internal Rethrows a campaign's failure when it is a refused factory product, not a divergence. */
export function refusal(error: unknown): void {
  if (typeof error === "object" && error !== null && REFUSED.has(error)) throw error;
}

/** A command for an op the package generated itself (not read again). */
function command(op: TreeOp): TreeCommand {
  generated = op;
  return new GeneratedTreeCommand(op);
}

function modelFactory(choice: ModelChoice, profile: DomainProfile): () => AllocatorUnderTest<unknown> {
  if (typeof choice === "function") {
    return () => {
      const m = choice();
      product(allocator, m, "options.model()");
      return m;
    };
  }
  if (choice === "bitmap") {
    const cells = Number(profile.max) + 1;
    if (profile.max > 1n << 16n) throw new Error(`the bitmap model needs a small profile; ${profile.name} reaches ${profile.max}`);
    return () => new BitmapModel<unknown>(cells);
  }
  return () => new FreeListModel<unknown>();
}

/** The checks of each {@link TreeFuzzOptions} key. */
const TREE_OPTIONS = {
  model: (v, at) => {
    if (v !== "bitmap" && v !== "freelist") callable(v, at);
  },
  profile: checkProfile,
  numRuns: integer(1, 2 ** 31 - 1),
  maxCommands: integer(1, 1_000_000),
  badRate: rate,
  seed: integer(-(2 ** 31), 2 ** 32 - 1),
  path: text,
  replayPath: text,
  timeLimitMs: duration,
  invariants: flag,
} satisfies Readonly<Record<string, (value: unknown, argument: string) => void>>;

function resolveOptions(options: TreeFuzzOptions): { model: ModelChoice; profile: DomainProfile } {
  const model = options.model ?? (options.profile !== undefined && options.profile.max <= 4096n ? "bitmap" : "freelist");
  const profile = options.profile ?? (model === "bitmap" ? smallDomain(256) : fullDomain());
  return { model, profile };
}

const checkDomainMax = (value: unknown, argument: string): void => {
  if (typeof value !== "bigint" || value < 0n || value > U64_MAX) refuseArgument(argument, "a bigint in 0..2^64-1", value);
};

/**
 * Applies one op to the model and the allocator under test with identical
 * arguments, and throws an Error describing any disagreement. Its arguments
 * are checked once first: `op` through {@link readTreeOp}, `model` and `real`
 * allocators (every method the harness calls), `domainMax` a bigint in
 * `0..2^64-1`, `invariants` a boolean; a mistake is an `AllocError`
 * `INVALID_ARGUMENT` naming it (`op.range.tweak`, `real.allocate`).
 *
 * @example
 * ```ts
 * applyTreeOp({ op: "allocate", constraint: { init: { size: 8 } }, orThrow: false }, new FreeListModel(), new IntervalTree(), U64_MAX);
 * ```
 */
export function applyTreeOp(op: TreeOp, model: AllocatorUnderTest<unknown>, real: AllocatorUnderTest<unknown>, domainMax: bigint, invariants = true): void {
  const read = readTreeOp(op, "op");
  checkApplying(model, real, domainMax, invariants, "");
  applyOp(read, model, real, domainMax, invariants);
}

/** Checks what applying an op takes besides the op; `at` prefixes the names of the harness's own fields (`h.`). */
function checkApplying(model: unknown, real: unknown, domainMax: unknown, invariants: unknown, at: string): void {
  allocator(model, `${at}model`);
  allocator(real, "real");
  checkDomainMax(domainMax, `${at}domainMax`);
  flag(invariants, `${at}invariants`);
}

/** {@link applyTreeOp} on arguments already read (the command sets' own calls). */
function applyOp(op: TreeOp, model: AllocatorUnderTest<unknown>, real: AllocatorUnderTest<unknown>, domainMax: bigint, invariants: boolean): void {
  if (op.op === "repeat") {
    for (let i = 0; i < op.times; i++) {
      try {
        applyOp(shiftOp(op.body, i * op.step), model, real, domainMax, invariants);
      } catch (e) {
        throw new Error(`repeat #${i}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
    }
    return;
  }
  opsCounter++;
  if (op.op === "clone") {
    if (typeof real.clone !== "function") return;
    const copy = real.clone();
    agree(copy, model, "clone() [the copy]", invariants);
    // Mutating the copy must leave the original alone.
    for (const [r] of copy.entries()) {
      copy.delete(Range.from(r));
      break;
    }
    copy.allocate({ size: 1 });
    agree(real, model, "clone() then mutating the copy [the original]", invariants);
    return;
  }
  let call: (t: AllocatorUnderTest<unknown>) => unknown;
  let args: unknown[];
  switch (op.op) {
    case "insert": {
      const r = rangeOf(op.range, model, domainMax);
      args = "data" in op ? [r, op.data] : [r];
      call = (t) => {
        if ("data" in op) t.insert(r as RangeLike, op.data);
        else t.insert(r as RangeLike);
        return undefined;
      };
      break;
    }
    case "allocate": {
      const c = constraintOf(op.constraint, model);
      args = [c];
      call = op.orThrow ? (t) => t.allocateOrThrow(c as ConstraintLike) : (t) => t.allocate(c as ConstraintLike);
      break;
    }
    case "update": {
      const r = rangeOf(op.range, model, domainMax);
      args = [r, op.data];
      call = (t) => t.update(r as RangeLike, op.data);
      break;
    }
    case "getById": {
      const id = idOf(op.id, model, domainMax);
      args = [id];
      call = (t) => t.getById(id as U64Input);
      break;
    }
    default: {
      const r = rangeOf(op.range, model, domainMax);
      args = [r];
      const name = op.op;
      call = name === "overlapping" ? (t) => [...t.overlapping(r as RangeLike)] : (t) => (t[name] as (x: unknown) => unknown).call(t, r);
    }
  }
  let labelText: string | undefined;
  const label = (): string => (labelText ??= `${op.op === "allocate" && op.orThrow ? "allocateOrThrow" : op.op}(${args.map(literal).join(", ")})`);
  const before = flatten(real.entries());
  const m = capture(() => call(model));
  if (!m.ok && !isAllocError(m.error)) throw new Error(`${label()}: the reference model failed: ${String(m.error)}`, { cause: m.error });
  const r = capture(() => call(real));
  const mc = codeOf(m);
  const rc = codeOf(r);
  if (mc !== rc) {
    throw new Error(
      `${label()}: real ${r.ok ? `returned ${show(normalize(r.value))}` : `threw ${rc}`} but model ${m.ok ? `returned ${show(normalize(m.value))}` : `threw ${mc}`}`,
      {
        cause: r.ok ? undefined : r.error,
      },
    );
  }
  if (!r.ok) {
    const d = diff(flatten(real.entries()), before);
    if (d !== undefined) throw new Error(`${label()}: threw ${rc} but changed the contents: ${d}`);
  } else if (m.ok && !same(normalize(r.value), normalize(m.value))) {
    throw new Error(`${label()}: real returned ${show(normalize(r.value))}, model ${show(normalize(m.value))}`);
  }
  agree(real, model, label, invariants);
}

/**
 * Runs a fixed op list against a fresh allocator and model; throws on the
 * first divergence, naming the op index. This is how shrunk failures become
 * permanent regression tests. Every op is read through {@link readTreeOp}
 * before anything runs (a bad op at index 5 is refused naming `ops[5]…`
 * before op 0 runs), and `factory`, `options` and what the factory makes are
 * checked: a mistake is an `AllocError` `INVALID_ARGUMENT` naming it. An
 * exception thrown by the factory itself propagates as it is.
 *
 * @example
 * ```ts
 * runTreeOps(() => new IntervalTree(), [{ op: "insert", range: { at: { min: 0n, max: 0xffn } } }, { op: "allocate", constraint: { init: { size: 8 } }, orThrow: false }]);
 * ```
 */
export function runTreeOps(
  factory: AllocatorFactory<unknown>,
  ops: readonly TreeOp[],
  raw: Pick<TreeFuzzOptions, "model" | "profile" | "invariants"> = {},
): void {
  callable(factory, "factory");
  const read = items(ops, "ops", readTreeOp);
  const { model: m, profile: p, invariants: i } = TREE_OPTIONS;
  const options = readOptions(raw, "options", { model: m, profile: p, invariants: i }) as TreeFuzzOptions;
  runOps(factory, read, options);
}

/** {@link runTreeOps} on arguments already read. */
function runOps(factory: AllocatorFactory<unknown>, ops: readonly TreeOp[], options: TreeFuzzOptions): void {
  const { model: choice, profile } = resolveOptions(options);
  const invariants = options.invariants ?? true;
  const { model, real } = startPair(modelFactory(choice, profile), factory, profile, invariants);
  ops.forEach((op, i) => {
    try {
      applyOp(op, model, real, profile.max, invariants);
    } catch (e) {
      throw new Error(`op #${i}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  });
}

/** A fresh model and allocator holding the profile's layout, checked to agree. */
function startPair(
  makeModel: () => AllocatorUnderTest<unknown>,
  factory: AllocatorFactory<unknown>,
  profile: DomainProfile,
  invariants: boolean,
): { model: AllocatorUnderTest<unknown>; real: AllocatorUnderTest<unknown> } {
  const model = makeModel();
  const real = factory();
  product(allocator, real, "factory()");
  for (const r of profile.layout) {
    model.insert(r);
    real.insert(r);
  }
  agree(real, model, "inserting the layout", invariants);
  return { model, real };
}

/** What one run is made of: free ranges inserted first (a random starting pool), then the commands. */
type Generated = [TreeOp[], Iterable<fc.Command<TreeHarness, AllocatorUnderTest<unknown>>>];

function property(factory: AllocatorFactory<unknown>, options: TreeFuzzOptions): fc.IPropertyWithHooks<Generated> {
  const { model: choice, profile } = resolveOptions(options);
  const makeModel = modelFactory(choice, profile);
  const commandArb = treeOp(profile, options.badRate === undefined ? {} : { badRate: options.badRate }).map(command);
  const cmds = fc.commands([commandArb], {
    maxCommands: options.maxCommands ?? 60,
    size: "max",
    ...(options.replayPath === undefined ? {} : { replayPath: options.replayPath }),
  });
  // A random starting pool: up to 6 free ranges (some huge), as plain insert ops.
  const prefix = fc.array(
    rangeIn(profile).map((r): TreeOp => ({ op: "insert", range: { at: r } })),
    { maxLength: 6 },
  );
  const invariants = options.invariants ?? true;
  return fc.property(prefix, cmds, (initial, commands) => {
    const { model, real } = startPair(makeModel, factory, profile, invariants);
    for (const op of initial) applyOp(op, model, real, profile.max, invariants);
    fc.modelRun(() => ({ model: { model, domainMax: profile.max, invariants }, real }), commands);
  });
}

/**
 * Runs the tree command set and returns a report (never throws for a
 * divergence; see {@link fuzzTree} for the throwing form).
 */
export function checkTree(factory: AllocatorFactory<unknown>, raw: TreeFuzzOptions = {}): FuzzReport {
  callable(factory, "factory");
  return campaign(factory, readOptions(raw, "options", TREE_OPTIONS) as TreeFuzzOptions);
}

function campaign(factory: AllocatorFactory<unknown>, options: TreeFuzzOptions): FuzzReport {
  const start = opsCounter;
  const params: fc.Parameters<Generated> = {
    numRuns: options.numRuns ?? 100,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.path === undefined ? {} : { path: options.path }),
    ...(options.timeLimitMs === undefined ? {} : { interruptAfterTimeLimit: options.timeLimitMs, markInterruptAsFailure: false }),
  };
  const details = fc.check(property(factory, options), params);
  if (details.failed) refusal(details.errorInstance);
  return toReport(details, factory, options, opsCounter - start);
}

function toReport(details: fc.RunDetails<Generated>, factory: AllocatorFactory<unknown>, options: TreeFuzzOptions, opsRun: number): FuzzReport {
  const { model, profile } = resolveOptions(options);
  // An interrupted campaign (time limit) that found nothing is not a failure.
  if (!details.failed || (details.interrupted && details.counterexample === null)) {
    return {
      failed: false,
      numRuns: details.numRuns,
      opsRun,
      seed: details.seed,
      message: `${details.numRuns} runs, ${opsRun} operations, 0 divergences (seed ${details.seed})`,
    };
  }
  const iterable = details.counterexample?.[1];
  const text = String(iterable);
  const replayPath = /\/\*replayPath="([^"]*)"\*\//.exec(text)?.[1];
  const all: TreeOp[] = [...(details.counterexample?.[0] ?? [])];
  if (iterable !== undefined) {
    for (const w of iterable as Iterable<unknown>) {
      const wrapper = w as { cmd?: TreeCommand; hasRan?: boolean };
      const cmd = wrapper.cmd ?? (w as TreeCommand);
      if (wrapper.hasRan !== false && cmd instanceof TreeCommand) all.push(cmd.op);
    }
  }
  // Re-run the shrunk sequence to find the failing op and its message.
  let ops = all;
  let error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  try {
    runOps(factory, all, { model, profile, ...(options.invariants === undefined ? {} : { invariants: options.invariants }) });
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
    const m = /^op #(\d+):/.exec(error);
    if (m !== null) ops = all.slice(0, Number(m[1]) + 1);
  }
  const replay = { seed: details.seed, path: details.counterexamplePath ?? "", ...(replayPath === undefined ? {} : { replayPath }) };
  const message = [
    `divergence after ${details.numRuns} runs (${opsRun} operations); model ${typeof model === "string" ? model : "custom"}, profile ${profile.name}`,
    `  seed: ${details.seed}, path: ${JSON.stringify(replay.path)}${replayPath === undefined ? "" : `, replayPath: ${JSON.stringify(replayPath)}`}`,
    `  replay with: ${literal(replay)}`,
    `  error: ${error}`,
    `  minimized sequence (${ops.length} ops; paste into test/regressions.test.ts and run with runTreeOps):`,
    `  [\n${ops.map((o) => `    ${literal(o)},`).join("\n")}\n  ]`,
  ].join("\n");
  return {
    failed: true,
    numRuns: details.numRuns,
    opsRun,
    seed: details.seed,
    path: replay.path,
    ...(replayPath === undefined ? {} : { replayPath }),
    ops,
    error,
    message,
  };
}

/**
 * Fuzzes `factory`'s allocator against a reference model; throws an Error
 * whose message holds the seed, path, replayPath and minimized sequence.
 *
 * @example
 * ```ts
 * fuzzTree(() => new IntervalTree(), { numRuns: 200 });                                  // full 64-bit domain, FreeListModel
 * fuzzTree(() => new IntervalTree(), { model: "bitmap", profile: smallDomain(256) });   // BitmapModel
 * ```
 */
export function fuzzTree(factory: AllocatorFactory<unknown>, options: TreeFuzzOptions = {}): FuzzReport {
  const report = checkTree(factory, options);
  if (report.failed) throw new Error(report.message);
  return report;
}

/**
 * Replays a failure printed by {@link fuzzTree}: same generator options plus
 * the printed `{ seed, path, replayPath }`. Returns the report of that single
 * counterexample (failed again if the bug is still there). `options` is read
 * once like {@link checkTree}'s, and `seed` and `path` must be present: a
 * mistake is an `AllocError` `INVALID_ARGUMENT` naming it (`options.path`).
 *
 * @example
 * ```ts
 * const r = replayTree(() => new IntervalTree(), { seed: 42, path: "7:1:0", replayPath: "CAA:" });
 * ```
 */
export function replayTree(factory: AllocatorFactory<unknown>, options: TreeFuzzOptions & { seed: number; path: string }): FuzzReport {
  callable(factory, "factory");
  const read = readOptions(options, "options", TREE_OPTIONS) as TreeFuzzOptions;
  if (read.seed === undefined) refuseArgument("options.seed", "the seed a failure printed", undefined);
  if (read.path === undefined) refuseArgument("options.path", "the path a failure printed", undefined);
  return campaign(factory, read);
}
