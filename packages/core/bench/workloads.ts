/**
 * The four standard allocator workloads W1–W4 (pci-ids, mmio-fill-free, churn, windowed), ported
 * exactly: xorshift64* draws, Fisher–Yates shuffles and FNV-1a checksums over
 * the allocated start addresses.
 *
 * Each workload is split in two:
 * - a *plan* (`planW2`, `planW3`): every random draw of the spec, made in the
 *   spec's order with the exact 64-bit generator (bigint) and stored in typed
 *   arrays, once per (workload, N). Draws never depend on allocator results
 *   (W3's `rand(live.length)` depends only on earlier draws, because every
 *   allocation in a 2^40 pool succeeds; the replay throws if one does not).
 * - a *replay* (`runW1` .. `runW4`) against a {@link BenchAllocator}: the timed
 *   regions contain only allocator calls, typed-array reads and a number store
 *   of each start; checksums are folded afterwards from the recorded starts
 *   (exact: every workload address is below 2^41).
 *
 * No timing source is imported here (tests replay the same code); pass a
 * `clock` returning nanoseconds to time the phases.
 */

// ---------------------------------------------------------------- PRNG, FNV

/** The default xorshift64* seed of the standard workloads. */
export const SEED: bigint = 0x9e3779b97f4a7c15n;
const MASK64 = 0xffff_ffff_ffff_ffffn;
const XS_MULT = 0x2545f4914f6cdd1dn;

/** xorshift64* over an unsigned 64-bit state (exact, bigint). */
export class XorShift64Star {
  private state: bigint;

  constructor(seed: bigint = SEED) {
    this.state = seed & MASK64;
  }

  /** The next 64-bit output. */
  next(): bigint {
    let x = this.state;
    x ^= x >> 12n;
    x ^= (x << 25n) & MASK64;
    x ^= x >> 27n;
    this.state = x;
    return (x * XS_MULT) & MASK64;
  }

  /** `next() mod k`, for `1 <= k < 2^53`. */
  rand(k: number): number {
    return Number(this.next() % BigInt(k));
  }
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;

/** 64-bit FNV-1a word checksum of `starts[0 .. count)` (each minus `base`). */
export function fnv1a(starts: ArrayLike<number>, count: number = starts.length, base = 0): bigint {
  let h = FNV_OFFSET;
  for (let i = 0; i < count; i++) {
    h = ((h ^ BigInt((starts[i] as number) - base)) * FNV_PRIME) & MASK64;
  }
  return h;
}

/** A checksum as 16 lowercase hex digits, as in the reference table. */
export function hex64(h: bigint): string {
  return h.toString(16).padStart(16, "0");
}

// ---------------------------------------------------------------- reference

/** Reference checksums of the standard workloads (dbs-allocator, first match). */
export const REFERENCE: Readonly<Record<string, string>> = {
  "W1/256": "0c6c272513a69325",
  "W2/1000": "87032d66019d44d5",
  "W2/10000": "2a67d18f62725505",
  "W2/100000": "dd28f22fd948a9e5",
  "W3/1000": "23c152e2bfb164d5",
  "W3/10000": "f523f6a32e2c9725",
  "W4/10000": "b43a3d4a6d32b065",
};

// ---------------------------------------------------------------- allocator interface

/** One distinct request of a workload; `min`/`max` default to the whole domain. */
export interface Request {
  readonly size: number;
  readonly align: number;
  readonly min?: number;
  readonly max?: number;
}

/**
 * What a workload needs from an allocator. Requests are prepared once (e.g.
 * one `Constraint` per request) and named by index in `allocate`.
 */
export interface BenchAllocator<H = unknown> {
  /** First fit of `requests[req]`; `undefined` when nothing fits. */
  allocate(req: number): H | undefined;
  /** Frees exactly a handle returned by `allocate`. */
  free(handle: H): void;
  /** The start address of a handle (a safe integer). */
  start(handle: H): number;
}

/** Builds a {@link BenchAllocator} over the single free pool `[min, max]`. */
export interface AllocatorFactory {
  readonly name: string;
  create(poolMin: number, poolMax: number, requests: readonly Request[]): BenchAllocator;
}

/** Nanosecond clock; the default makes every phase read 0 ns. */
export type Clock = () => number;
const NO_CLOCK: Clock = () => 0;

/** One timed phase: `ops` operations in `ns` nanoseconds. */
export interface Phase {
  readonly name: string;
  readonly ops: number;
  readonly ns: number;
}

export interface WorkloadResult {
  readonly checksum: bigint;
  /** Number of starts folded into the checksum. */
  readonly allocations: number;
  readonly phases: readonly Phase[];
  /** W4: windowed allocations that succeeded (all checked inside the window). */
  readonly successes?: number;
  /** W3: churn steps actually replayed. */
  readonly steps?: number;
}

/** The 9 size classes `4096 << k`, alignment = size. */
export const SIZE_CLASSES = 9;
const SIZE_REQUESTS: readonly Request[] = Array.from({ length: SIZE_CLASSES }, (_, k) => ({ size: 4096 * 2 ** k, align: 4096 * 2 ** k }));

function noFit(what: string): never {
  throw new Error(`workload replay: ${what} found no fit (the spec expects it to succeed)`);
}

// ---------------------------------------------------------------- W1 pci-ids

export const W1_ROUNDS = 2000;
const W1_POOL = 256;

/** W1: pool [0, 255]; rounds of 256 allocations of size 1, a failing 257th, then 256 frees in allocation order. */
export function runW1(factory: AllocatorFactory, clock: Clock = NO_CLOCK, rounds: number = W1_ROUNDS): WorkloadResult {
  const a = factory.create(0, W1_POOL - 1, [{ size: 1, align: 1 }]);
  const handles: unknown[] = new Array<unknown>(W1_POOL).fill(undefined);
  const starts = new Float64Array(rounds * W1_POOL);
  let n = 0;
  const t0 = clock();
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < W1_POOL; i++) {
      const h = a.allocate(0);
      if (h === undefined) noFit("W1 allocation");
      handles[i] = h;
      starts[n++] = a.start(h);
    }
    if (a.allocate(0) !== undefined) throw new Error("W1: the 257th allocation succeeded in a pool of 256");
    for (let i = 0; i < W1_POOL; i++) a.free(handles[i]);
  }
  const ns = clock() - t0;
  return {
    checksum: fnv1a(starts, n, 0), // pool base is 0: start - poolBase = start
    allocations: n,
    phases: [{ name: "ns/pair", ops: rounds * W1_POOL, ns }],
  };
}

// ---------------------------------------------------------------- W2 mmio-fill-free

export const W2_POOL_MIN = 0x1_0000_0000;
export const W2_POOL_MAX: number = 0x1_0000_0000 + 2 ** 40 - 1;

/** The draws of W2 for one N, in the spec's order. */
export interface W2Plan {
  readonly n: number;
  /** Phase 1 size classes (N draws). */
  readonly sizes1: Uint8Array;
  /** Fisher–Yates `j` for `i = n-1 .. 1`, stored at index `i`. */
  readonly shuffle: Int32Array;
  /** Phase 3 size classes (floor(N/2) draws). */
  readonly sizes3: Uint8Array;
}

export function planW2(n: number, seed: bigint = SEED): W2Plan {
  const rng = new XorShift64Star(seed);
  const sizes1 = new Uint8Array(n);
  for (let i = 0; i < n; i++) sizes1[i] = rng.rand(SIZE_CLASSES);
  const shuffle = new Int32Array(n);
  for (let i = n - 1; i >= 1; i--) shuffle[i] = rng.rand(i + 1);
  const half = Math.floor(n / 2);
  const sizes3 = new Uint8Array(half);
  for (let i = 0; i < half; i++) sizes3[i] = rng.rand(SIZE_CLASSES);
  return { n, sizes1, shuffle, sizes3 };
}

/** The state W2 leaves after phase 1 (used by the memory measurement). */
export function fillW2(a: BenchAllocator, plan: W2Plan): unknown[] {
  const handles: unknown[] = [];
  for (let i = 0; i < plan.n; i++) {
    const h = a.allocate(plan.sizes1[i] as number);
    if (h === undefined) noFit("W2 phase 1");
    handles.push(h);
  }
  return handles;
}

export function runW2(factory: AllocatorFactory, plan: W2Plan, clock: Clock = NO_CLOCK): WorkloadResult {
  const { n, sizes1, shuffle, sizes3 } = plan;
  const half = sizes3.length;
  const a = factory.create(W2_POOL_MIN, W2_POOL_MAX, SIZE_REQUESTS);
  const handles: unknown[] = new Array<unknown>(n).fill(undefined);
  const starts = new Float64Array(n + half);
  let s = 0;

  const t1 = clock();
  for (let i = 0; i < n; i++) {
    const h = a.allocate(sizes1[i] as number);
    if (h === undefined) noFit("W2 phase 1");
    handles[i] = h;
    starts[s++] = a.start(h);
  }
  const ns1 = clock() - t1;

  for (let i = n - 1; i >= 1; i--) {
    const j = shuffle[i] as number;
    const tmp = handles[i];
    handles[i] = handles[j];
    handles[j] = tmp;
  }

  const t2 = clock();
  for (let i = 0; i < half; i++) a.free(handles[i]);
  const ns2 = clock() - t2;

  const t3 = clock();
  for (let i = 0; i < half; i++) {
    const h = a.allocate(sizes3[i] as number);
    if (h === undefined) noFit("W2 phase 3");
    starts[s++] = a.start(h);
  }
  const ns3 = clock() - t3;

  return {
    checksum: fnv1a(starts, s),
    allocations: s,
    phases: [
      { name: "ns/alloc phase1", ops: n, ns: ns1 },
      { name: "ns/free", ops: half, ns: ns2 },
      { name: "ns/alloc phase3", ops: half, ns: ns3 },
    ],
  };
}

// ---------------------------------------------------------------- W3 churn

export const W3_STEPS = 1_000_000;

/** The draws of W3 for one N: build sizes, then one op per step. */
export interface W3Plan {
  readonly n: number;
  readonly sizes: Uint8Array;
  /** Per step: `>= 0` frees `live[op]`; `< 0` allocates size class `-1 - op`. */
  readonly ops: Int32Array;
}

export function planW3(n: number, steps: number = W3_STEPS, seed: bigint = SEED): W3Plan {
  const rng = new XorShift64Star(seed);
  const sizes = new Uint8Array(n);
  for (let i = 0; i < n; i++) sizes[i] = rng.rand(SIZE_CLASSES);
  const ops = new Int32Array(steps);
  let live = n;
  for (let s = 0; s < steps; s++) {
    const r = rng.next();
    if (live === 0 || (r & 1n) === 0n) {
      ops[s] = -1 - rng.rand(SIZE_CLASSES);
      live++;
    } else {
      ops[s] = rng.rand(live);
      live--;
    }
  }
  return { n, sizes, ops };
}

/** W3: build N as in W2 phase 1 (untimed), then replay `steps` (default all) churn steps (timed). */
export function runW3(factory: AllocatorFactory, plan: W3Plan, clock: Clock = NO_CLOCK, steps: number = plan.ops.length): WorkloadResult {
  const { n, sizes, ops } = plan;
  if (steps > ops.length) throw new Error(`W3 plan has ${ops.length} steps; asked for ${steps}`);
  const a = factory.create(W2_POOL_MIN, W2_POOL_MAX, SIZE_REQUESTS);
  const live: unknown[] = [];
  const starts = new Float64Array(n + steps);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const h = a.allocate(sizes[i] as number);
    if (h === undefined) noFit("W3 build");
    live.push(h);
    starts[s++] = a.start(h);
  }

  const t0 = clock();
  for (let step = 0; step < steps; step++) {
    const op = ops[step] as number;
    if (op < 0) {
      const h = a.allocate(-1 - op);
      if (h === undefined) noFit("W3 churn allocation");
      live.push(h);
      starts[s++] = a.start(h);
    } else {
      a.free(live[op]);
      const last = live.pop();
      if (op < live.length) live[op] = last;
    }
  }
  const ns = clock() - t0;

  return {
    checksum: fnv1a(starts, s),
    allocations: s,
    steps,
    phases: [{ name: "ns/step", ops: steps, ns }],
  };
}

// ---------------------------------------------------------------- W4 windowed

export const W4_COUNT = 10_000;
export const W4_WINDOW_MIN = 0xc000_0000;
export const W4_WINDOW_MAX = 0xfebf_ffff;
const W4_REQUESTS: readonly Request[] = [
  { size: 4096, align: 4096 },
  { size: 8192, align: 8192, min: W4_WINDOW_MIN, max: W4_WINDOW_MAX },
];

/** W4: pool [0, 2^32-1]; 10,000 × 4 KiB, free the even indices, then 10,000 × 8 KiB inside the window (timed). */
export function runW4(factory: AllocatorFactory, clock: Clock = NO_CLOCK, count: number = W4_COUNT): WorkloadResult {
  const a = factory.create(0, 2 ** 32 - 1, W4_REQUESTS);
  const handles: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const h = a.allocate(0);
    if (h === undefined) noFit("W4 fill");
    handles.push(h);
  }
  for (let i = 0; i < count; i += 2) a.free(handles[i]);

  const starts = new Float64Array(count);
  let ok = 0;
  const t0 = clock();
  for (let i = 0; i < count; i++) {
    const h = a.allocate(1);
    if (h !== undefined) starts[ok++] = a.start(h);
  }
  const ns = clock() - t0;

  for (let i = 0; i < ok; i++) {
    const st = starts[i] as number;
    if (st < W4_WINDOW_MIN || st + 8192 - 1 > W4_WINDOW_MAX || st % 8192 !== 0) {
      throw new Error(`W4: windowed allocation at 0x${st.toString(16)} is outside the window or misaligned`);
    }
  }
  return {
    checksum: fnv1a(starts, ok),
    allocations: ok,
    successes: ok,
    phases: [{ name: "ns/windowed alloc", ops: count, ns }],
  };
}
