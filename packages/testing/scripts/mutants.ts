/**
 * Fault injection for the mutation check (test-only code, never shipped).
 *
 * Each mutant patches one method of `@alloc/core`'s internal `RangeStore`
 * prototype (the kernel behind `IntervalTree`) and returns an undo function.
 * The store is loaded from the same source file `IntervalTree` imports, so
 * the patch applies to every tree created while it is active.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { resolveFromCwd } from "../src/cli/loadTarget.js";

type Store = Record<string, unknown> & {
  minHi: Uint32Array; minLo: Uint32Array; maxHi: Uint32Array; maxLo: Uint32Array;
  state: Uint8Array; runHi?: Uint32Array; runLo?: Uint32Array; hasRun?: Uint8Array; run?: Float64Array;
  freeNodes: number; fitHi: number; fitLo: number;
  cMinHi: number; cMinLo: number; cMaxHi: number; cMaxLo: number; cAlignHi: number; cAlignLo: number; cSizeM1Hi: number; cSizeM1Lo: number;
  successor(x: number): number; adjacent(a: number, b: number): boolean; fixUp(n: number): void;
};
type Method = (this: Store, ...args: number[]) => unknown;

const big = (hi: number, lo: number): bigint => (BigInt(hi) << 32n) | BigInt(lo);
const setFit = (s: Store, v: bigint): void => {
  s.fitHi = Number(v >> 32n);
  s.fitLo = Number(v & 0xffffffffn);
};
/** lo = max(x.min, c.min), hi = min(x.max, c.max) of the current request. */
const window = (s: Store, x: number): [bigint, bigint] => {
  const xmin = big(s.minHi[x]!, s.minLo[x]!);
  const xmax = big(s.maxHi[x]!, s.maxLo[x]!);
  const cmin = big(s.cMinHi, s.cMinLo);
  const cmax = big(s.cMaxHi, s.cMaxLo);
  return [xmin > cmin ? xmin : cmin, xmax < cmax ? xmax : cmax];
};

/** A named fault. */
export interface Mutant {
  readonly name: string;
  readonly description: string;
  patch(proto: Record<string, Method>): void;
}

export const MUTANTS: readonly Mutant[] = [
  {
    name: "align-off-by-one",
    description: "first/best fit aligns up from lo+1 instead of lo: an already aligned start is skipped by one alignment unit",
    patch(p) {
      const orig = p.fitsFirst!;
      p.fitsFirst = function (x) {
        if (orig.call(this, x) !== true) return false;
        const align = big(this.cAlignHi, this.cAlignLo);
        const [lo, hi] = window(this, x);
        const fit = big(this.fitHi, this.fitLo);
        if (align <= 1n || fit !== lo) return true;
        const moved = fit + align;
        if (moved + big(this.cSizeM1Hi, this.cSizeM1Lo) > hi) return false;
        setFit(this, moved);
        return true;
      };
    },
  },
  {
    name: "last-match-off-by-one",
    description: "last match aligns down from hi-size instead of hi-size+1: a block that would end exactly at hi moves one unit lower",
    patch(p) {
      const orig = p.fitsLast!;
      p.fitsLast = function (x) {
        if (orig.call(this, x) !== true) return false;
        const align = big(this.cAlignHi, this.cAlignLo);
        const [lo, hi] = window(this, x);
        const fit = big(this.fitHi, this.fitLo);
        if (fit + big(this.cSizeM1Hi, this.cSizeM1Lo) === hi && fit - align >= lo) setFit(this, fit - align);
        return true;
      };
    },
  },
  {
    name: "skip-merge-next",
    description: "free merges with the free range before it but forgets the one after it",
    patch(p) {
      const orig = p.freeNode!;
      p.freeNode = function (x) {
        const s = this.successor(x);
        const hide = s !== 0 && this.state[s] === 0 && this.adjacent(x, s);
        if (hide) this.state[s] = 1; // look allocated while freeing x
        const r = orig.call(this, x);
        if (hide) {
          this.state[s] = 0;
          this.fixUp(s);
        }
        return r;
      };
    },
  },
  {
    name: "stale-augmentation",
    description: "a free node's largest-free-run ignores its children (augmentation not propagated)",
    patch(p) {
      const orig = p.recompute!;
      p.recompute = function (n) {
        orig.call(this, n);
        if (this.state[n] === 0) {
          const len = big(this.maxHi[n]!, this.maxLo[n]!) - big(this.minHi[n]!, this.minLo[n]!);
          if (this.run !== undefined) {
            this.run[n] = Number(len); // float64 run bound (current store)
          } else {
            this.hasRun![n] = 1; // 32-bit halves (earlier store)
            this.runHi![n] = Number(len >> 32n);
            this.runLo![n] = Number(len & 0xffffffffn);
          }
        }
        return undefined;
      };
    },
  },
  {
    name: "stats-fragment-leak",
    description: "the free-fragment counter is not decremented when a one-unit free range goes away",
    patch(p) {
      // The store's per-free-node hook: noteFree (current store) or addFree (earlier store).
      const hook = p.noteFree !== undefined ? "noteFree" : "addFree";
      const orig = p[hook]!;
      p[hook] = function (n, sign) {
        orig.call(this, n, sign!);
        if (sign === -1 && this.minHi[n] === this.maxHi[n] && this.minLo[n] === this.maxLo[n]) this.freeNodes += 1;
        return undefined;
      };
    },
  },
];

/** Loads the RangeStore prototype of the `@alloc/core` resolved from cwd (run with --conditions=@alloc/source). */
export async function loadStoreProto(): Promise<Record<string, Method>> {
  const entry = resolveFromCwd("@alloc/core");
  if (!entry.fromSource) throw new Error("mutation check: run with --conditions=@alloc/source so that the tree and the patched store are the same source module");
  const mod = (await import(pathToFileURL(join(entry.packageDir, "src/internal/RangeStore.ts")).href)) as { RangeStore: { prototype: Record<string, Method> } };
  return mod.RangeStore.prototype;
}

/** Applies a mutant; returns the undo function. */
export function apply(proto: Record<string, Method>, m: Mutant): () => void {
  const saved = { ...Object.fromEntries(Object.getOwnPropertyNames(proto).map((k) => [k, proto[k]!])) };
  m.patch(proto);
  return () => {
    for (const k of Object.getOwnPropertyNames(proto)) if (proto[k] !== saved[k]) proto[k] = saved[k]!;
  };
}
