/**
 * The value table: the data of valued ranges lives in the kernel, slot by
 * slot, and moves with its range through every split, merge, borrow, insert
 * and delete. Checked against a Map model over long random sequences that
 * grow pools to many leaves; `checkInvariants` also proves that no slot keeps
 * a value its range no longer has (nothing freed stays reachable).
 */
import { describe, expect, it } from "vitest";
import { Range } from "@alloc/constraint";
import { IntervalTree, valuedState } from "@alloc/core";
import { rng } from "./treeHelpers.js";

interface Live {
  range: Range;
  data: object | undefined;
}

function agree(tree: IntervalTree<object>, live: readonly Live[]): void {
  const valued = live.filter((l) => l.data !== undefined);
  for (const l of live) {
    expect(tree.getById(l.range.min)).toBe(l.data);
    expect(tree.getById(l.range.max)).toBe(l.data);
    const st = tree.get(l.range);
    if (l.data === undefined) expect(st).toEqual({ kind: "allocated" });
    else expect(st).toEqual(valuedState(l.data));
  }
  const seen = [...tree.entries()].filter(([, st]) => st.kind === "valued");
  expect(seen.length).toBe(valued.length);
}

describe("values move with their ranges", () => {
  it.each([1, 2, 3, 0x9e3779b9, 0xdeadbeef])("long random sequences agree with a Map model (seed %i)", (seed) => {
    const rand = rng(seed);
    const tree = new IntervalTree<object>();
    tree.insert(new Range(0, 0xf_ffff));
    const live: Live[] = [];
    for (let step = 0; step < 6000; step++) {
      const op = rand(100);
      if (op < 45 || live.length === 0) {
        const data = rand(4) === 0 ? undefined : { step };
        const r = tree.allocate({ size: 1 + rand(24), align: 1 << rand(3), policy: rand(8) === 0 ? "last-match" : "first-match" }, data);
        if (r !== undefined) live.push({ range: r, data });
      } else {
        const i = rand(live.length);
        const l = live[i] as Live;
        if (op < 75) {
          expect(tree.free(rand(2) === 0 ? l.range : new Range(l.range.min, l.range.max))).toBe(l.data);
          live[i] = live[live.length - 1] as Live;
          live.pop();
        } else if (op < 85) {
          const data = { step };
          expect(tree.update(l.range, data)).toBe(l.data);
          l.data = data;
        } else if (op < 93) {
          try {
            l.range = tree.resize(l.range, 1 + rand(32));
          } catch {
            // No room after it: nothing changed, as the model says.
          }
        } else {
          expect(tree.delete(l.range)).toBe(l.data);
          tree.insert(l.range, rand(2) === 0 ? undefined : { step });
          const back = tree.get(l.range);
          if (back?.kind === "valued") l.data = back.value;
          else {
            // A free range went back in: it is no longer held.
            live[i] = live[live.length - 1] as Live;
            live.pop();
          }
        }
      }
      if (step % 250 === 0) {
        tree.checkInvariants();
        agree(tree, live);
      }
    }
    tree.checkInvariants();
    agree(tree, live);
    expect(tree.size).toBeGreaterThan(200);
  });

  it("a clone keeps its own values; fromSorted builds them from the entries", () => {
    const tree = new IntervalTree<object>();
    tree.insert(new Range(0, 0xffff));
    const held: [Range, object][] = [];
    for (let i = 0; i < 500; i++) {
      const data = { i };
      held.push([tree.allocate({ size: 3 }, data) as Range, data]);
    }
    const copy = tree.clone();
    const built = IntervalTree.fromSorted(tree.entries());
    for (const [r] of held.slice(0, 250)) tree.update(r, { changed: true });
    for (const [r] of held.slice(250)) tree.free(r);
    tree.checkInvariants();
    for (const t of [copy, built]) {
      t.checkInvariants();
      for (const [r, data] of held) expect(t.getById(r.min)).toBe(data);
    }
    // The copies change on their own too, values following every split and merge.
    for (const [r] of held.filter((_, i) => i % 3 === 0)) expect(built.free(r)).toBeDefined();
    for (let i = 0; i < 100; i++) built.allocate({ size: 1 }, { again: i });
    built.checkInvariants();
    for (const [r, data] of held.filter((_, i) => i % 3 !== 0)) expect(built.getById(r.min)).toBe(data);
  });

  it("a pool that never stores a value keeps no value table, and its first value changes nothing else", () => {
    const tree = new IntervalTree<string>();
    tree.insert(new Range(0, 0xfff));
    const plain = Array.from({ length: 100 }, () => tree.allocate({ size: 4 }) as Range);
    const v = tree.allocate({ size: 4 }, "first") as Range;
    tree.checkInvariants();
    expect(tree.getById(v.min)).toBe("first");
    for (const r of plain) expect(tree.get(r)).toEqual({ kind: "allocated" });
    expect(tree.free(v)).toBe("first");
    expect(tree.getById(v.min)).toBeUndefined();
    tree.checkInvariants();
  });
});
