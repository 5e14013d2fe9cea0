// Drivers for the differential runs: each takes a seed and a number of calls,
// makes the same random calls on a facade and on its naive model (naive.ts),
// and compares every answer (value or error code). Shared by the property
// tests (differential.test.ts) and the soak (scripts/facade-soak.ts).
import { isAllocError } from "@alloc/constraint";
import { Constraint as DbConstraint, DragonballResourceManager, ResourceConstraint } from "../../src/facades/dragonball/index.js";
import type { DeviceResources } from "../../src/facades/dragonball/index.js";
import { FIRECRACKER_LAYOUT, ResourceAllocator } from "../../src/facades/firecracker/index.js";
import { AddressAllocator, AllocPolicy, IdAllocator, RangeInclusive } from "../../src/facades/rust-vmm/index.js";
import { ModelError, NaiveAddressAllocator, NaiveIdAllocator, NaivePool, fail, modelOutcome, outcome } from "./naive.js";
import type { Outcome } from "./naive.js";

/** What a run found: calls made and the first divergence, if any. */
export interface RunResult {
  readonly calls: number;
  readonly divergence: string | undefined;
}

/** A small seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const big = (r: Rand, xs: readonly bigint[]): bigint => pick(r, xs);

function norm(v: unknown): unknown {
  if (v instanceof RangeInclusive) return [v.start(), v.end()];
  return v;
}

function same(a: Outcome, b: Outcome): boolean {
  if ("err" in a || "err" in b) return "err" in a && "err" in b && a.err === b.err;
  return (
    JSON.stringify(norm(a.ok), (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)) ===
    JSON.stringify(norm(b.ok), (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v))
  );
}

const show = (o: Outcome): string =>
  JSON.stringify("err" in o ? o : { ok: norm(o.ok) }, (_k, v: unknown) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v));

/** Compares one call; returns a description of the divergence or undefined. */
function step(label: string, facade: () => unknown, model: () => unknown): string | undefined {
  const f = outcome(facade);
  const m = modelOutcome(model);
  return same(f, m) ? undefined : `${label}: facade ${show(f)} model ${show(m)}`;
}

const U64_MAX = (1n << 64n) - 1n;

/** rust-vmm: one AddressAllocator and one IdAllocator. */
export function driveRustVmm(seed: number, calls: number): RunResult {
  const r = prng(seed);
  const base = big(r, [0n, 1n, 0x1000n, U64_MAX - 0xffffn]);
  const size = base === U64_MAX - 0xffffn ? 0x10000n : big(r, [0x1000n, 0x10000n]);
  const fa = new AddressAllocator(base, size);
  const ma = new NaiveAddressAllocator(base, base + size - 1n);
  const idBase = pick(r, [0, 5, 0xffff_ffff - 30]);
  const fi = new IdAllocator(idBase, idBase + 30);
  const mi = new NaiveIdAllocator(idBase, idBase + 30);
  const handed: [bigint, bigint][] = [];
  for (let i = 0; i < calls; i++) {
    const k = r();
    let d: string | undefined;
    if (k < 0.4) {
      const s = big(r, [0n, 1n, 2n, 3n, 0x10n, 0x100n, 0x311n, 0x1000n, 0x2000n]);
      const a = big(r, [0n, 1n, 2n, 3n, 4n, 0x10n, 0x100n, 0x1000n]);
      const pol = r();
      const off = big(r, [0n, 1n, 0x10n, 0x100n, 0x800n, size - 1n, size, size + 0x100n]);
      const policy =
        pol < 0.4 ? AllocPolicy.FirstMatch : pol < 0.7 ? AllocPolicy.LastMatch : AllocPolicy.ExactMatch(base + off > U64_MAX ? U64_MAX : base + off);
      const res = outcome(() => fa.allocate(s, a, policy));
      const mod = modelOutcome(() => ma.allocate(s, a, policy));
      if (!same(res, mod))
        d = `allocate(${s}, ${a}, ${JSON.stringify(policy, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))}): facade ${show(res)} model ${show(mod)}`;
      else if ("ok" in mod) handed.push(mod.ok as [bigint, bigint]);
    } else if (k < 0.6) {
      const [lo, hi] =
        handed.length > 0 && r() < 0.8
          ? (handed.splice(int(r, 0, handed.length - 1), 1)[0] as [bigint, bigint])
          : [base + big(r, [0n, 0x10n, 0x100n]), base + big(r, [0xfn, 0x10n, 0x1ffn])];
      d =
        lo > hi
          ? undefined
          : step(
              `free([0x${lo.toString(16)}, 0x${hi.toString(16)}])`,
              () => fa.free(new RangeInclusive(lo, hi)),
              () => ma.free(lo, hi),
            );
    } else if (k < 0.75)
      d = step(
        "allocateId()",
        () => fi.allocateId(),
        () => mi.allocateId(),
      );
    else {
      const id = idBase + int(r, -2, 32);
      if (id < 0 || id > 0xffff_ffff) continue;
      const c = r();
      if (c < 0.3)
        d = step(
          `allocateIdAt(${id})`,
          () => fi.allocateIdAt(id),
          () => mi.allocateIdAt(id),
        );
      else if (c < 0.7)
        d = step(
          `freeId(${id})`,
          () => fi.freeId(id),
          () => mi.freeId(id),
        );
      else
        d = step(
          `isAllocated(${id})`,
          () => fi.isAllocated(id),
          () => mi.isAllocated(id),
        );
    }
    if (d !== undefined) return { calls: i + 1, divergence: `seed ${seed} call ${i}: ${d}` };
  }
  fa.manager.checkInvariants();
  fi.manager.checkInvariants();
  return { calls, divergence: undefined };
}

/** Firecracker: the whole ResourceAllocator, with save/restore. */
export function driveFirecracker(seed: number, calls: number): RunResult {
  const r = prng(seed);
  const arch = pick(r, ["x86_64", "aarch64"] as const);
  const L = FIRECRACKER_LAYOUT[arch];
  let fa = new ResourceAllocator(arch);
  const mk = (start: bigint, size: bigint): NaiveAddressAllocator => new NaiveAddressAllocator(start, start + size - 1n);
  const model = {
    legacy: new NaiveIdAllocator(L.GSI_LEGACY_START, L.GSI_LEGACY_END),
    msi: new NaiveIdAllocator(L.GSI_MSI_START, L.GSI_MSI_END),
    mmio32Memory: mk(L.MEM_32BIT_DEVICES_START, L.MEM_32BIT_DEVICES_SIZE),
    mmio64Memory: mk(L.MEM_64BIT_DEVICES_START, L.MEM_64BIT_DEVICES_SIZE),
    pastMmio64Memory: mk(L.FIRST_ADDR_PAST_64BITS_MMIO, L.PAST_64BITS_MMIO_SIZE),
    systemMemory: mk(L.SYSTEM_MEM_START, L.SYSTEM_MEM_SIZE),
  };
  const many = (ids: NaiveIdAllocator, n: number): number[] => {
    const free: number[] = [];
    for (let i = ids.base; i <= ids.end && free.length < n; i++) if (!ids.ids.has(i)) free.push(i);
    if (free.length < n) fail("NO_FIT");
    for (const i of free) ids.ids.add(i);
    return free;
  };
  const fields = ["mmio32Memory", "mmio64Memory", "pastMmio64Memory", "systemMemory"] as const;
  const handed: [(typeof fields)[number], bigint, bigint][] = [];
  for (let i = 0; i < calls; i++) {
    const k = r();
    let d: string | undefined;
    if (k < 0.15) {
      const n = int(r, 0, 6);
      d = step(
        `allocateGsiLegacy(${n})`,
        () => fa.allocateGsiLegacy(n),
        () => many(model.legacy, n),
      );
    } else if (k < 0.3) {
      const n = pick(r, [0, 1, 2, 5, 33, 500]);
      d = step(
        `allocateGsiMsi(${n})`,
        () => fa.allocateGsiMsi(n),
        () => many(model.msi, n),
      );
    } else if (k < 0.4) {
      const which = r() < 0.5;
      const ids = which ? model.legacy : model.msi;
      const id = ids.base + int(r, -1, 40);
      if (id < 0) continue;
      d = step(
        `free ${which ? "legacy" : "msi"} ${id}`,
        () => (which ? fa.gsiLegacyAllocator : fa.gsiMsiAllocator).freeId(id),
        () => ids.freeId(id),
      );
    } else if (k < 0.75) {
      const f = pick(r, fields);
      const s = big(r, [1n, 0x400n, 0x1000n, 0x10000n, 1n << 21n]);
      const a = big(r, [1n, 0x400n, 0x1000n, 1n << 21n]);
      const pol = r();
      const exact = fa[f].base() + big(r, [0n, 0x1000n, 0x200000n]);
      const policy = pol < 0.5 ? AllocPolicy.FirstMatch : pol < 0.8 ? AllocPolicy.LastMatch : AllocPolicy.ExactMatch(exact);
      const res = outcome(() => fa[f].allocate(s, a, policy));
      const mod = modelOutcome(() => model[f].allocate(s, a, policy));
      if (!same(res, mod)) d = `${f}.allocate(${s}, ${a}, ${policy.kind}): facade ${show(res)} model ${show(mod)}`;
      else if ("ok" in mod) handed.push([f, ...(mod.ok as [bigint, bigint])]);
    } else if (k < 0.92) {
      if (handed.length === 0) continue;
      const [f, lo, hi] = handed.splice(int(r, 0, handed.length - 1), 1)[0] as [(typeof fields)[number], bigint, bigint];
      d = step(
        `${f}.free`,
        () => fa[f].free(new RangeInclusive(lo, hi)),
        () => model[f].free(lo, hi),
      );
    } else {
      // Save, round-trip through JSON text, restore: GSIs start empty, as upstream.
      const res = outcome(() => {
        fa = ResourceAllocator.restore(JSON.parse(JSON.stringify(fa.save())));
        return true;
      });
      model.legacy.ids.clear();
      model.msi.ids.clear();
      d = "err" in res ? `restore: ${show(res)}` : undefined;
    }
    if (d !== undefined) return { calls: i + 1, divergence: `seed ${seed} (${arch}) call ${i}: ${d}` };
  }
  fa.manager.checkInvariants();
  return { calls, divergence: undefined };
}

/** A Dragonball layout as upstream lays it out, with our fixes (slot count, reserved ports, the 64 MiB hole at the top). */
interface DbConfig {
  readonly name: string;
  readonly arch: "x86_64" | "aarch64";
  readonly physBits: number | undefined;
  readonly shared: number;
  readonly irqMax: number;
  readonly msi: [bigint, bigint];
  readonly slots: number;
  readonly pioReserved: [bigint, bigint][];
  readonly mmio: [bigint, bigint][];
  readonly mmioReserved: [bigint, bigint][];
  readonly mem: [bigint, bigint][];
}

const GiB = 1n << 30n;
function x86Config(bits: number | undefined): DbConfig {
  const physEnd = (1n << BigInt(bits ?? 41)) - 1n;
  const memEnd = physEnd >> 1n;
  return {
    name: `x86_64${bits === undefined ? "" : `/${bits} bits`}`,
    arch: "x86_64",
    physBits: bits,
    shared: 5,
    irqMax: 15,
    msi: [24n, 1023n],
    slots: 509,
    pioReserved: [
      [0x60n, 0x64n],
      [0xcf8n, 0xcffn],
    ],
    mmio: [
      [3n * GiB, 4n * GiB - 1n],
      [memEnd + 1n, physEnd],
    ],
    mmioReserved: [[4n * GiB - (64n << 20n), 4n * GiB - 1n]],
    mem: [
      [0n, 3n * GiB - 1n],
      [4n * GiB, memEnd],
    ],
  };
}
const DB_CONFIGS: readonly DbConfig[] = [
  x86Config(undefined),
  x86Config(39),
  {
    name: "aarch64",
    arch: "aarch64",
    physBits: undefined,
    shared: 32,
    irqMax: 159,
    msi: [160n, 1023n],
    slots: 512,
    pioReserved: [],
    mmio: [
      [GiB, 2n * GiB - 1n],
      [992n * GiB, (1n << 40n) - 1n],
    ],
    mmioReserved: [],
    mem: [[2n * GiB, 992n * GiB - 1n]],
  },
];

/** The naive Dragonball manager: one naive pool per upstream pool. */
class NaiveDragonball {
  readonly pio: NaivePool;
  readonly irq: NaivePool;
  readonly msi: NaivePool;
  readonly mmio: NaivePool;
  readonly mem: NaivePool;
  readonly slot: NaivePool;
  #n = 0;
  constructor(readonly c: DbConfig) {
    this.pio = new NaivePool([[0n, 0xffffn]], c.pioReserved);
    this.irq = new NaivePool([[BigInt(c.shared + 1), BigInt(c.irqMax)]]);
    this.msi = new NaivePool([c.msi]);
    this.mmio = new NaivePool(c.mmio, c.mmioReserved);
    this.mem = new NaivePool(c.mem);
    this.slot = new NaivePool([[0n, BigInt(c.slots - 1)]]);
  }
  tag(): string {
    return `dragonball:${this.#n++}`;
  }
}

type DbPool = "pio" | "irq" | "msi" | "mmio" | "mem" | "slot";

/** Takes from a naive pool by first fit or exactly; undefined when nothing fits. */
function takeFirst(p: NaivePool, size: bigint, align: bigint, min: bigint, max: bigint, tag: string): bigint | undefined {
  const a = align === 0n ? 1n : align;
  const s = p.firstFit(size, a, min, max);
  if (s !== undefined) p.take(s, s + size - 1n, tag);
  return s;
}

/** Dragonball: single calls, devices, frees by address. */
export function driveDragonball(seed: number, calls: number): RunResult {
  const r = prng(seed);
  const cfg = pick(r, DB_CONFIGS);
  const fd = new DragonballResourceManager(undefined, { arch: cfg.arch, ...(cfg.physBits === undefined ? {} : { physBits: cfg.physBits }) });
  const m = new NaiveDragonball(cfg);
  const SH = cfg.shared;
  const IMAX = cfg.irqMax;
  const [MLO, MHI] = cfg.msi;
  const HIGH = (cfg.mmio[1] as [bigint, bigint])[0];
  const handed: [DbPool, bigint, bigint][] = [];
  const devices: { res: DeviceResources; tag: string; blocks: [DbPool, bigint, bigint][]; shared: boolean }[] = [];
  const G = GiB;
  const note = (pool: DbPool, lo: bigint | number | undefined, size: bigint | number): void => {
    if (lo !== undefined) handed.push([pool, BigInt(lo), BigInt(lo) + BigInt(size) - 1n]);
  };
  for (let i = 0; i < calls; i++) {
    const k = r();
    let d: string | undefined;
    if (k < 0.08) {
      const shared = r() < 0.2;
      const fixed = r() < 0.5 ? undefined : int(r, SH - 2, IMAX + 2);
      d = step(
        `allocateLegacyIrq(${shared}, ${fixed})`,
        () => fd.allocateLegacyIrq(shared, fixed),
        () => {
          if (shared) return SH;
          if (fixed !== undefined) {
            if (fixed <= SH || fixed > IMAX || m.irq.exactProblem(BigInt(fixed), BigInt(fixed)) !== undefined) return undefined;
            m.irq.take(BigInt(fixed), BigInt(fixed), m.tag());
            note("irq", fixed, 1);
            return fixed;
          }
          const s = takeFirst(m.irq, 1n, 1n, 0n, U64_MAX, m.tag());
          note("irq", s, 1);
          return s === undefined ? undefined : Number(s);
        },
      );
    } else if (k < 0.16) {
      const aligned = r() < 0.5;
      const n = aligned ? pick(r, [1, 2, 4, 8, 16, 32, 3, 64, 96, 256, 512, 4096]) : int(r, 1, 40);
      d = step(
        `allocateMsiIrq${aligned ? "Aligned" : ""}(${n})`,
        () => (aligned ? fd.allocateMsiIrqAligned(n) : fd.allocateMsiIrq(n)),
        () => {
          if (aligned && (n & (n - 1)) !== 0) fail("INVALID_REQUEST");
          const s = takeFirst(m.msi, BigInt(n), aligned ? BigInt(n) : 1n, 0n, U64_MAX, m.tag());
          note("msi", s, n);
          return s === undefined ? undefined : Number(s);
        },
      );
    } else if (k < 0.26) {
      const size = pick(r, [1, 2, 8, 0x10, 0x100, 0x1000, 0x2000]);
      const align = pick(r, [0, 1, 2, 8, 0x100, 0x1000]);
      const min = r() < 0.5 ? undefined : pick(r, [0, 0x50, 0x1000, 0x8000, 0xfff0]);
      const max = r() < 0.6 ? undefined : pick(r, [0x70, 0x1fff, 0x9000, 0xffff, 0x10000]);
      let c = DbConstraint.new(size).align(align);
      if (min !== undefined) c = c.min(min);
      if (max !== undefined) c = c.max(max);
      d = step(
        `allocatePioAddress(${size}, align ${align}, ${min}..${max})`,
        () => fd.allocatePioAddress(c),
        () => {
          const hi = BigInt(max ?? 0xffff) < 0xffffn ? BigInt(max ?? 0xffff) : 0xffffn;
          const s = takeFirst(m.pio, BigInt(size), BigInt(align), BigInt(min ?? 0), hi, m.tag());
          note("pio", s, size);
          return s === undefined ? undefined : Number(s);
        },
      );
    } else if (k < 0.38) {
      const memory = r() < 0.4;
      const size = big(r, [0x1000n, 0x10000n, 1n << 24n, 1n << 30n]);
      const align = big(r, [1n, 0x1000n, 1n << 24n]);
      const min = r() < 0.5 ? undefined : big(r, [0n, (cfg.mmio[0] as [bigint, bigint])[0], 4n * G - (32n << 20n), HIGH, 1n << 40n]);
      const max = r() < 0.7 ? undefined : big(r, [4n * G - 1n, 1n << 40n, 5n * G]);
      let c = DbConstraint.new(size).align(align);
      if (min !== undefined) c = c.min(min);
      if (max !== undefined) c = c.max(max);
      const pool: DbPool = memory ? "mem" : "mmio";
      d = step(
        `allocate${memory ? "Mem" : "Mmio"}Address(0x${size.toString(16)}, ${min}..${max})`,
        () => (memory ? fd.allocateMemAddress(c) : fd.allocateMmioAddress(c)),
        () => {
          const s = takeFirst(m[pool], size, align, min ?? 0n, max ?? U64_MAX, m.tag());
          note(pool, s, size);
          return s;
        },
      );
    } else if (k < 0.46) {
      const size = int(r, 1, 3);
      const fixed = r() < 0.5 ? undefined : int(r, 0, cfg.slots + 1);
      d = step(
        `allocateKvmMemSlot(${size}, ${fixed})`,
        () => fd.allocateKvmMemSlot(size, fixed),
        () => {
          const tag = m.tag();
          if (fixed !== undefined) {
            if (m.slot.exactProblem(BigInt(fixed), BigInt(fixed + size - 1)) !== undefined) return undefined;
            m.slot.take(BigInt(fixed), BigInt(fixed + size - 1), tag);
            note("slot", fixed, size);
            return fixed;
          }
          const s = takeFirst(m.slot, BigInt(size), 1n, 0n, U64_MAX, tag);
          note("slot", s, size);
          return s === undefined ? undefined : Number(s);
        },
      );
    } else if (k < 0.72) {
      if (handed.length === 0 || r() < 0.1) {
        // A free of something never handed out.
        const which = pick(r, ["pio", "irq", "msi"] as const);
        const v = which === "pio" ? pick(r, [0x60, 0x3f8, 0xfffe]) : which === "irq" ? int(r, SH - 2, IMAX + 2) : int(r, Number(MLO) - 4, Number(MHI) + 7);
        d = step(
          `free ${which} ${v} (never handed out)`,
          () => (which === "pio" ? fd.freePioAddress(v, 2) : which === "irq" ? fd.freeLegacyIrq(v) : fd.freeMsiIrq(v, 2)),
          () => {
            if (which === "pio") return m.pio.freeExact(BigInt(v), BigInt(v) + 1n, "dragonball:");
            if (which === "irq") {
              if (v === SH) return undefined;
              if (v < SH || v > IMAX) return fail("INVALID_RANGE");
              return m.irq.freeExact(BigInt(v), BigInt(v), "dragonball:");
            }
            if (BigInt(v) < MLO || BigInt(v) + 1n > MHI) fail("INVALID_RANGE");
            return m.msi.freeExact(BigInt(v), BigInt(v) + 1n, "dragonball:");
          },
        );
      } else {
        const [pool, lo, hi] = handed.splice(int(r, 0, handed.length - 1), 1)[0] as [DbPool, bigint, bigint];
        const n = hi - lo + 1n;
        const facade = (): void => {
          if (pool === "pio") fd.freePioAddress(Number(lo), Number(n));
          else if (pool === "irq") fd.freeLegacyIrq(Number(lo));
          else if (pool === "msi") fd.freeMsiIrq(Number(lo), Number(n));
          else if (pool === "mmio") fd.freeMmioAddress(lo, n);
          else if (pool === "mem") fd.freeMemAddress(lo, n);
          else fd.freeKvmMemSlot(Number(lo));
        };
        d = step(`free ${pool} [0x${lo.toString(16)}, 0x${hi.toString(16)}]`, facade, () =>
          pool === "slot" ? m.slot.freeFrom(lo, "dragonball:") : m[pool].freeExact(lo, hi, "dragonball:"),
        );
      }
    } else if (k < 0.88) {
      const shared = r() < 0.3;
      const reqs: ResourceConstraint[] = [];
      const plan: (() => [DbPool, bigint, bigint] | "shared" | undefined)[] = [];
      const tag = m.tag();
      for (let j = int(r, 0, 4); j > 0; j--) {
        const c = r();
        if (c < 0.25) {
          const size = pick(r, [8, 0x100, 0x1000]);
          const range = r() < 0.5 ? undefined : ([pick(r, [0x1000, 0x8000, 0xc000]), pick(r, [0xc000, 0xffff])] as [number, number]);
          reqs.push(ResourceConstraint.pioWithConstraints(size, range, pick(r, [1, 0x1000])));
          const rc = reqs[reqs.length - 1] as { range: [number, number] | undefined; align: number; size: number };
          plan.push(() => {
            const s = takeFirst(m.pio, BigInt(rc.size), BigInt(rc.align), BigInt(rc.range?.[0] ?? 0), BigInt(rc.range?.[1] ?? 0xffff), tag);
            return s === undefined ? undefined : ["pio", s, s + BigInt(rc.size) - 1n];
          });
        } else if (c < 0.45) {
          const size = big(r, [0x1000n, 1n << 20n]);
          reqs.push(ResourceConstraint.newMmio(size));
          plan.push(() => {
            const s = takeFirst(m.mmio, size, 0x1000n, 0n, U64_MAX, tag);
            return s === undefined ? undefined : ["mmio", s, s + size - 1n];
          });
        } else if (c < 0.6) {
          const irq = r() < 0.6 ? undefined : int(r, SH - 1, IMAX + 1);
          reqs.push(ResourceConstraint.newLegacyIrq(irq));
          plan.push(() => {
            if (shared) return "shared";
            if (irq !== undefined) {
              if (irq <= SH || irq > IMAX || m.irq.exactProblem(BigInt(irq), BigInt(irq)) !== undefined) return undefined;
              m.irq.take(BigInt(irq), BigInt(irq), tag);
              return ["irq", BigInt(irq), BigInt(irq)];
            }
            const s = takeFirst(m.irq, 1n, 1n, 0n, U64_MAX, tag);
            return s === undefined ? undefined : ["irq", s, s];
          });
        } else if (c < 0.85) {
          const kind = pick(r, ["PciMsiIrq", "PciMsixIrq", "GenericIrq"] as const);
          const n = kind === "PciMsiIrq" ? pick(r, [1, 2, 4, 32]) : int(r, 1, 100);
          reqs.push(
            kind === "PciMsiIrq"
              ? ResourceConstraint.newPciMsiIrq(n)
              : kind === "PciMsixIrq"
                ? ResourceConstraint.newPciMsixIrq(n)
                : ResourceConstraint.newGenericIrq(n),
          );
          plan.push(() => {
            const s = takeFirst(m.msi, BigInt(n), kind === "PciMsiIrq" ? BigInt(n) : 1n, 0n, U64_MAX, tag);
            return s === undefined ? undefined : ["msi", s, s + BigInt(n) - 1n];
          });
        } else {
          const size = int(r, 1, 2);
          reqs.push(ResourceConstraint.newKvmMemSlot(size, undefined));
          plan.push(() => {
            const s = takeFirst(m.slot, BigInt(size), 1n, 0n, U64_MAX, tag);
            return s === undefined ? undefined : ["slot", s, s + BigInt(size) - 1n];
          });
        }
      }
      let got: DeviceResources | undefined;
      const res = outcome(() => {
        got = fd.allocateDeviceResources(reqs, shared);
        return [...got].map((x) => ({ ...x }));
      });
      const blocks: [DbPool, bigint, bigint][] = [];
      const mod = modelOutcome(() => {
        for (const p of plan) {
          const b = p();
          if (b === undefined) {
            for (const pool of ["pio", "irq", "msi", "mmio", "mem", "slot"] as const) m[pool].freeTag(tag);
            fail("NO_FIT");
          }
          if (b !== "shared") blocks.push(b as [DbPool, bigint, bigint]);
        }
        return true;
      });
      if ("err" in res !== "err" in mod || ("err" in res && "err" in mod && res.err !== mod.err))
        d = `allocateDeviceResources(${reqs.length} requests, shared ${shared}): facade ${show(res)} model ${show(mod)}`;
      else if ("ok" in res && got !== undefined) {
        const list = res.ok as { kind: string; base?: bigint | number; irq?: number; slot?: number }[];
        const starts = list.filter((x) => !(x.kind === "LegacyIrq" && shared)).map((x) => BigInt(x.base ?? x.irq ?? x.slot ?? -1));
        if (JSON.stringify(starts.map(String)) !== JSON.stringify(blocks.map((b) => String(b[1]))))
          d = `allocateDeviceResources: facade starts ${starts.join(",")} model ${blocks.map((b) => b[1]).join(",")}`;
        else {
          devices.push({ res: got, tag, blocks, shared });
          handed.push(...blocks);
        }
      }
    } else {
      if (devices.length === 0) continue;
      const dev = devices.splice(int(r, 0, devices.length - 1), 1)[0] as (typeof devices)[number];
      d = step(
        `freeDeviceResources(${dev.tag})`,
        () => fd.freeDeviceResources(dev.res),
        () => {
          for (const [pool, lo, hi] of dev.blocks) {
            const b = m[pool].at(lo);
            if (b === undefined) fail("NOT_ALLOCATED");
            const blk = b as { lo: bigint; hi: bigint };
            if (blk.lo !== lo || (pool !== "slot" && blk.hi !== hi)) fail("NOT_FOUND");
          }
          for (const [pool, lo, hi] of dev.blocks) pool === "slot" ? m.slot.freeFrom(lo, "dragonball:") : m[pool].freeExact(lo, hi, "dragonball:");
          return undefined;
        },
      );
      // Blocks of a device may also have been freed one by one (they are in `handed` too): drop them.
      for (const [pool, lo] of dev.blocks) {
        const at = handed.findIndex((h) => h[0] === pool && h[1] === lo);
        if (at >= 0 && m[pool].at(lo) === undefined) handed.splice(at, 1);
      }
    }
    if (d !== undefined) return { calls: i + 1, divergence: `seed ${seed} (${cfg.name}) call ${i}: ${d}` };
  }
  fd.manager.checkInvariants();
  return { calls, divergence: undefined };
}

export { ModelError, isAllocError };
