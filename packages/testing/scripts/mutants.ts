/**
 * Fault injection for the mutation check (test-only code, never shipped).
 *
 * Each mutant patches one method of `@alloc/core`'s internal `SegmentTree`
 * prototype (the B+tree of segments behind `IntervalTree`) and returns an
 * undo function. The kernel is loaded from the same source file
 * `IntervalTree` imports, so the patch applies to every tree created while it
 * is active. Each mutant is a plausible real bug in the kernel: an off-by-one
 * in a fit test, an alignment rounding error, a summary not raised after a
 * merge, a free neighbour left unmerged, a wrong fast-path boundary, a
 * counter not kept.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { resolveFromCwd } from "../src/cli/loadTarget.js";

/** The kernel fields the mutants read (values are `(d, x)` pairs, see core's `internal/u64.ts`). */
type Kernel = Record<string, unknown> & {
  ls: Float64Array;
  kindAt(pos: number): number;
  xAt(pos: number): number;
  fitD: number;
  fitX: number;
  freeSegments: number;
  cSizeD: number;
  cSizeX: number;
  cAlignD: number;
  cAlignInv: number;
  cWlD: number;
  cWlX: number;
  cWhD: number;
  cWhX: number;
  cFast: boolean;
  next(pos: number): number;
  locate(d: number, x: number): number;
  setKind(pos: number, kind: number): void;
  updateUp(node: number, leaf: number): void;
};
type Method = (this: Kernel, ...args: number[]) => unknown;

const TWO_53 = 2 ** 53;
const big = (d: number, x: number): bigint => BigInt(d) + BigInt(x);
/** `[lo, hi]`: free segment `[s, n)` cut to the window of the current request, exact. */
const cut = (k: Kernel, sD: number, sX: number, nD: number, nX: number): [bigint, bigint] => {
  const s = big(sD, sX);
  const n1 = big(nD, nX) - 1n;
  const wl = big(k.cWlD, k.cWlX);
  const wh = big(k.cWhD, k.cWhX);
  return [s > wl ? s : wl, n1 < wh ? n1 : wh];
};
const fit = (k: Kernel): bigint => big(k.fitD, k.fitX);
const size = (k: Kernel): bigint => big(k.cSizeD, k.cSizeX);

/** A named fault. */
export interface Mutant {
  readonly name: string;
  readonly description: string;
  patch(proto: Record<string, Method>): void;
}

export const MUTANTS: readonly Mutant[] = [
  {
    name: "fit-end-off-by-one",
    description:
      "the float64 fit test of first/best fit uses `>=` for `start + size - 1 > hi`: a block that would end exactly at the segment's (or window's) last value is refused",
    patch(p) {
      const orig = p.fitsFirst!;
      p.fitsFirst = function (sD, sX, nD, nX) {
        if (orig.call(this, sD!, sX!, nD!, nX!) !== true) return false;
        if (!(this.cFast && nD! < TWO_53)) return true;
        return fit(this) + size(this) - 1n !== cut(this, sD!, sX!, nD!, nX!)[1];
      };
    },
  },
  {
    name: "align-rounds-aligned-up",
    description: "first/best fit rounds the start up to the next multiple even when it is already aligned (`lo - r + a` without the `r !== 0` test)",
    patch(p) {
      const orig = p.fitsFirst!;
      p.fitsFirst = function (sD, sX, nD, nX) {
        if (orig.call(this, sD!, sX!, nD!, nX!) !== true) return false;
        const a = BigInt(this.cAlignD);
        const [lo, hi] = cut(this, sD!, sX!, nD!, nX!);
        const f = fit(this);
        if (a === 1n || f !== lo) return true;
        const moved = f + a;
        if (moved + size(this) - 1n > hi) return false;
        // moved < 2^64 here; canonical (d, x) form as core's fromBig writes it.
        const ulp = moved < 1n << 53n ? 1n : 1n << BigInt(moved.toString(2).length - 53);
        this.fitD = Number(moved - (moved % ulp));
        this.fitX = Number(moved % ulp);
        return true;
      };
    },
  },
  {
    name: "last-match-off-by-one",
    description: "last match takes `t = hi - size` instead of `hi - size + 1`: a block that would end exactly at hi moves one alignment unit lower",
    patch(p) {
      const orig = p.fitsLast!;
      p.fitsLast = function (sD, sX, nD, nX) {
        if (orig.call(this, sD!, sX!, nD!, nX!) !== true) return false;
        const a = BigInt(this.cAlignD);
        const [lo, hi] = cut(this, sD!, sX!, nD!, nX!);
        const f = fit(this);
        if (f + size(this) - 1n !== hi) return true;
        if (f - a < lo) return false;
        const moved = f - a;
        const ulp = moved < 1n << 53n ? 1n : 1n << BigInt(moved.toString(2).length - 53);
        this.fitD = Number(moved - (moved % ulp));
        this.fitX = Number(moved % ulp);
        return true;
      };
    },
  },
  {
    name: "fast-path-past-2^53",
    description: "first/best fit takes the float64 path for segments ending below 2^54 instead of 2^53, so ends and alignments just above 2^53 are rounded",
    patch(p) {
      const orig = p.fitsFirst!;
      p.fitsFirst = function (sD, sX, nD, nX) {
        if (!(this.cFast && nD! >= TWO_53 && nD! < 2 ** 54)) return orig.call(this, sD!, sX!, nD!, nX!);
        // The fast path of fitsFirst, verbatim in effect: `x` parts ignored, float64 arithmetic.
        const lo = sD! < this.cWlD ? this.cWlD : sD!;
        let hi = nD! - 1;
        if (this.cWhD < hi) hi = this.cWhD;
        const a = this.cAlignD;
        let start = lo;
        if (a !== 1) {
          const r = lo - Math.floor(lo * this.cAlignInv) * a;
          if (r !== 0) start = lo - r + a;
        }
        if (start + this.cSizeD - 1 > hi) return false;
        this.fitD = start;
        this.fitX = 0;
        return true;
      };
    },
  },
  {
    name: "stale-summary-after-merge",
    description: "free's in-leaf merge does not raise the summaries above the leaf (raiseUp skipped), so later searches prune the subtree that now holds a fit",
    patch(p) {
      p.raiseUp = () => undefined;
    },
  },
  {
    name: "skip-merge-next",
    description: "free merges the released range with a free range before it but not with one after it, leaving two adjacent free segments",
    patch(p) {
      const orig = p.release!;
      p.release = function (pos) {
        const q = this.next(pos!);
        if (q < 0 || this.kindAt(q) !== 0) return orig.call(this, pos!);
        const d = this.ls[q]!;
        const x = this.xAt(q);
        this.setKind(q, 1); // looks ALLOCATED while pos is released
        orig.call(this, pos!);
        // Still free and counted as free: only the merge is missing. Segments may have moved.
        const at = this.locate(d, x);
        this.setKind(at, 0);
        this.updateUp(at >> 5, 1);
        return undefined;
      };
    },
  },
  {
    name: "free-count-leak",
    description: "the free-segment counter is not decremented when a one-unit free segment goes away (stats().freeFragments drifts)",
    patch(p) {
      const orig = p.noteFree!;
      p.noteFree = function (sign, sD, sX, nD, nX) {
        orig.call(this, sign!, sD!, sX!, nD!, nX!);
        if (sign === -1 && big(nD!, nX!) - big(sD!, sX!) === 1n) this.freeSegments += 1;
        return undefined;
      };
    },
  },
];

/** Loads the SegmentTree prototype of the `@alloc/core` resolved from cwd (run with --conditions=@alloc/source). */
export async function loadStoreProto(): Promise<Record<string, Method>> {
  const entry = resolveFromCwd("@alloc/core");
  if (!entry.fromSource)
    throw new Error("mutation check: run with --conditions=@alloc/source so that the tree and the patched kernel are the same source module");
  const mod = (await import(pathToFileURL(join(entry.packageDir, "src/internal/SegmentTree.ts")).href)) as {
    SegmentTree: { prototype: Record<string, Method> };
  };
  const proto = mod.SegmentTree.prototype;
  // A renamed kernel method would make a mutant patch nothing and pass silently.
  for (const name of ["fitsFirst", "fitsLast", "raiseUp", "release", "noteFree", "next", "locate", "setKind", "updateUp"]) {
    if (typeof proto[name] !== "function") throw new Error(`mutation check: SegmentTree.prototype.${name} is missing; update scripts/mutants.ts`);
  }
  return proto;
}

/** Applies a mutant; returns the undo function. */
export function apply(proto: Record<string, Method>, m: Mutant): () => void {
  const saved = { ...Object.fromEntries(Object.getOwnPropertyNames(proto).map((k) => [k, proto[k]!])) };
  m.patch(proto);
  return () => {
    for (const k of Object.getOwnPropertyNames(proto)) if (proto[k] !== saved[k]) proto[k] = saved[k]!;
  };
}
