/**
 * Edge cases of the B+tree segment kernel, checked through the public API
 * against FreeListModel: leaf and inner-node splits, merges, borrows and root
 * collapse (trees several levels deep), values on both sides of 2^53 (where
 * the number fast path hands over to the exact path), the whole domain, and
 * one random workload replayed at base 0 and at base 2^63 so that the exact
 * path runs every operation the fast path runs. Results only, never timing.
 */
import { describe, expect, it } from "vitest";
import { IntervalTree, Range } from "@alloc/core";
import type { Policy } from "@alloc/core";
import { FreeListModel } from "@alloc/testing";
import { rng } from "./treeHelpers.js";

const P53 = 2n ** 53n;
const P63 = 2n ** 63n;
const MAX = 2n ** 64n - 1n;

function flat(t: Iterable<[Range, { kind: string; value?: unknown }]>, shift = 0n): string[] {
  const out: string[] = [];
  for (const [r, s] of t)
    out.push(`${(r.min - shift).toString(16)}..${(r.max - shift).toString(16)} ${s.kind}${s.kind === "valued" ? `=${String(s.value)}` : ""}`);
  return out;
}

/**
 * Replays a random mix of allocate (all policies, aligned, windowed), free,
 * update, resize and delete on the tree and the model in a pool
 * `[base, base + span - 1]`; checks every result, and invariants every `every` steps.
 */
function churn(base: bigint, span: bigint, steps: number, seed: number, every = 25): { tree: IntervalTree<number>; model: FreeListModel<number> } {
  const tree = new IntervalTree<number>();
  const model = new FreeListModel<number>();
  const pool = new Range(base, base + span - 1n);
  tree.insert(pool);
  model.insert(pool);
  const r = rng(seed);
  const live: Range[] = [];
  const policies: Policy[] = ["first-match", "last-match", "best-fit"];
  for (let step = 0; step < steps; step++) {
    const op = r(10);
    if (op < 5 || live.length === 0) {
      const size = BigInt(1 + r(op === 0 ? 64 : 8));
      const align = 1n << BigInt(r(5));
      const lo = base + BigInt(r(Number(span / 2n)));
      const c = { size, align, policy: policies[r(3)]!, ...(r(3) === 0 ? { min: lo, max: lo + span / 4n > MAX ? MAX : lo + span / 4n } : {}) };
      const a = tree.allocate(c);
      const b = model.allocate(c);
      expect(a?.toString(), `step ${step} allocate`).toBe(b?.toString());
      if (a !== undefined) live.push(a);
    } else {
      const i = r(live.length);
      const x = live[i]!;
      if (op === 5) {
        expect(tree.update(x, step)).toBe(model.update(x, step));
        continue;
      }
      if (op === 6) {
        const size = BigInt(1 + r(16));
        let ta: string;
        let mb: string;
        try {
          ta = tree.resize(x, size).toString();
        } catch (e) {
          ta = (e as { code: string }).code;
        }
        if (x.min + size - 1n > MAX) {
          expect(ta, `step ${step} resize`).toBe("NO_FIT");
          continue;
        }
        // The model has no resize: free and re-take the same base exactly.
        const data = model.free(x);
        const again = model.allocate({ size, min: x.min, max: x.min + size - 1n });
        if (again === undefined) {
          model.allocate({ size: x.size, min: x.min, max: x.max });
          if (data !== undefined) model.update(x, data);
          mb = "NO_FIT";
        } else {
          if (data !== undefined) model.update(again, data);
          mb = again.toString();
          live[i] = again;
        }
        expect(ta, `step ${step} resize`).toBe(mb);
        continue;
      }
      live[i] = live[live.length - 1]!;
      live.pop();
      if (op === 9 && r(4) === 0) expect(tree.delete(x)).toBe(model.delete(x));
      else expect(tree.free(x)).toBe(model.free(x));
    }
    if (step % every === 0) {
      tree.checkInvariants();
      expect(flat(tree)).toEqual(flat(model));
      expect(tree.stats()).toEqual(model.stats());
    }
  }
  tree.checkInvariants();
  expect(flat(tree)).toEqual(flat(model));
  expect(tree.stats()).toEqual(model.stats());
  return { tree, model };
}

describe("segment kernel: B+tree structure", () => {
  it("grows several levels of leaves and inner nodes, then merges and borrows back to one free range", () => {
    const tree = new IntervalTree<number>();
    tree.insert(new Range(0, 0x3fff));
    const taken: Range[] = [];
    // 6,000 single units, every other one valued: well over 32 * 32 segments, so the root is two levels above the leaves.
    for (let i = 0; i < 6000; i++) {
      const r = tree.allocate({ size: 1 })!;
      expect(r.min).toBe(BigInt(i));
      if (i % 2 === 0) tree.update(r, i);
      taken.push(r);
      if (i % 500 === 0) tree.checkInvariants();
    }
    tree.checkInvariants();
    expect(tree.size).toBe(6001);
    // Free in a scattered order: merges, borrows and root collapse on the way down.
    const next = rng(7);
    for (let i = taken.length - 1; i > 0; i--) {
      const j = next(i + 1);
      [taken[i], taken[j]] = [taken[j]!, taken[i]!];
    }
    for (const [i, r] of taken.entries()) {
      expect(tree.free(r)).toBe(r.min % 2n === 0n ? Number(r.min) : undefined);
      if (i % 250 === 0) tree.checkInvariants();
    }
    tree.checkInvariants();
    expect(flat(tree)).toEqual(["0..3fff free"]);
  });

  it("keeps holes, free and taken segments apart across leaf boundaries (insert, delete, re-insert)", () => {
    const tree = new IntervalTree<number>();
    const model = new FreeListModel<number>();
    for (let i = 0; i < 400; i++) {
      const r = new Range(i * 16, i * 16 + 7); // every range followed by a hole
      tree.insert(r, i % 3 === 0 ? i : undefined);
      model.insert(r, i % 3 === 0 ? i : undefined);
    }
    tree.checkInvariants();
    expect(flat(tree)).toEqual(flat(model));
    for (let i = 0; i < 400; i += 2) {
      const r = new Range(i * 16, i * 16 + 7);
      expect(tree.delete(r)).toBe(model.delete(r));
    }
    for (let i = 0; i < 400; i += 2) {
      const gap = new Range(i * 16, i * 16 + 15); // fills a deleted range and the hole after it: merges with free neighbours
      tree.insert(gap);
      model.insert(gap);
    }
    tree.checkInvariants();
    expect(flat(tree)).toEqual(flat(model));
    expect(tree.stats()).toEqual(model.stats());
  });

  it("fromSorted builds a deep tree that then behaves like an inserted one", () => {
    const entries: [Range, { kind: "free" } | { kind: "allocated" }][] = [];
    for (let i = 0; i < 5000; i++) entries.push([new Range(i * 4, i * 4 + 3), i % 2 === 0 ? { kind: "free" } : { kind: "allocated" }]);
    const tree = IntervalTree.fromSorted(entries);
    tree.checkInvariants();
    expect(tree.size).toBe(5000);
    for (let i = 0; i < 2500; i++) expect(tree.allocate({ size: 4, policy: i % 2 === 0 ? "first-match" : "last-match" })).toBeDefined();
    tree.checkInvariants();
    expect(tree.stats().free).toBe(0n);
    expect(tree.allocate({ size: 1 })).toBeUndefined();
  });
});

describe("segment kernel: the documented worst case", () => {
  it("first and last match step over many long-enough misaligned free ranges and still find the one that fits", () => {
    const A = 0x100n;
    const tree = new IntervalTree();
    // 300 free ranges [m*A - 5, (m+1)*A - 1]: each holds an aligned A block but not A + 1 units from an aligned start.
    for (let m = 1n; m <= 300n; m++) tree.insert(new Range(m * 4n * A - 5n, m * 4n * A + A - 1n));
    const fit = new Range(2000n * A, 2002n * A); // the only place for A + 1 units aligned to A
    tree.insert(fit);
    tree.insert(new Range(3000n * A - 5n, 3000n * A + A - 1n));
    expect(tree.allocate({ size: A + 1n, align: A })?.toString()).toBe(new Range(2000n * A, 2001n * A).toString());
    expect(tree.allocate({ size: A + 1n, align: A })).toBeUndefined();
    expect(tree.allocate({ size: A, align: A, policy: "last-match" })?.min).toBe(3000n * A);
    tree.checkInvariants();
  });
});

describe("segment kernel: summaries kept incrementally in a tree three levels deep", () => {
  // ~1,600 live ranges plus free gaps: more than 32 leaves, so inner nodes have
  // parents and every summary above the first inner level is derived, not rescanned.
  it("agrees with FreeListModel through 8,000 mixed operations, invariants checked every 40", () => {
    const { tree } = churn(0n, 1n << 24n, 8000, 31, 40);
    expect(tree.size).toBeGreaterThan(1500);
  });

  it("does the same on the exact path at 2^63", () => {
    const { tree } = churn(P63, 1n << 24n, 8000, 32, 40);
    expect(tree.size).toBeGreaterThan(1500);
  });
});

describe("segment kernel: the number fast path and the exact path", () => {
  it("agrees with FreeListModel on a pool straddling 2^53", () => {
    churn(P53 - 2048n, 4096n, 1500, 11);
  });

  it("agrees with FreeListModel on a pool straddling 2^63 and at the top of the domain", () => {
    churn(P63 - 2048n, 4096n, 1000, 12);
    churn(MAX - 4095n, 4096n, 1000, 13);
  });

  it("runs one workload identically at base 0 and at base 2^63 (every fast-path step also taken exactly)", () => {
    const low = churn(0n, 1n << 20n, 2000, 21, 100);
    const high = churn(P63, 1n << 20n, 2000, 21, 100);
    expect(flat(high.tree, P63)).toEqual(flat(low.tree));
  });

  it("handles the whole domain as one range: full, split, merged back", () => {
    const tree = new IntervalTree();
    tree.insert(new Range(0n, MAX));
    const top = tree.allocate({ size: 1n << 63n, align: 1n << 63n, policy: "last-match" })!;
    expect(top.toString()).toBe(new Range(P63, MAX).toString());
    const low = tree.allocate({ size: 3, align: 4, min: P53 - 1n })!;
    expect(low.min).toBe(P53);
    expect(tree.stats().largestFree).toBe(P63 - P53 - 3n);
    tree.free(top);
    tree.free(low);
    tree.checkInvariants();
    expect(tree.stats()).toEqual({ total: 2n ** 64n, free: 2n ** 64n, allocated: 0n, largestFree: 2n ** 64n, freeFragments: 1, ranges: 1 });
    expect(tree.allocate({ size: 2n ** 64n - 1n })?.toString()).toBe(new Range(0n, MAX - 1n).toString());
  });
});
