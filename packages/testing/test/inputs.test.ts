/**
 * The harness's documented entry points check what they are given: options
 * read once (unknown keys named), values of their documented types,
 * factories callable, profiles made by this package. Every mistake is an
 * `AllocError` `INVALID_ARGUMENT` naming the argument, before any run starts.
 */
import { describe, expect, it } from "vitest";
import {
  BitmapModel,
  FreeListModel,
  ManagerModel,
  assertBadInputs,
  checkManager,
  checkTree,
  fullDomain,
  fuzzManager,
  fuzzTree,
  layoutDomain,
  replayTree,
  runBadInputs,
  runManagerBadInputs,
  runManagerOps,
  runTreeOps,
  smallDomain,
  valueIn,
} from "@alloc/testing";
import { refused } from "./refusals.js";

const tree = () => new FreeListModel<unknown>();

describe("tree campaigns", () => {
  it("refuse bad factories and options, naming them", () => {
    for (const run of [checkTree, fuzzTree] as ((f: unknown, o?: unknown) => unknown)[]) {
      refused(() => run(null), "factory");
      refused(() => run(tree, { numRun: 5 }), "options.numRun");
      refused(() => run(tree, { numRuns: 1.5 }), "options.numRuns");
      refused(() => run(tree, { numRuns: "10" }), "options.numRuns");
      refused(() => run(tree, { badRate: 2 }), "options.badRate");
      refused(() => run(tree, { model: "bitmapp" }), "options.model");
      refused(() => run(tree, { profile: { name: "full", max: 2n ** 64n - 1n, anchors: [], spread: 1n, layout: [] } }), "options.profile");
      refused(() => run(tree, { invariants: 1 }), "options.invariants");
      refused(() => run(tree, { timeLimitMs: -1 }), "options.timeLimitMs");
      refused(() => run(tree, 5), "options");
    }
    refused(() => replayTree(tree, { seed: "1", path: "0" } as never), "options.seed");
    refused(() => runTreeOps(tree, null as never), "ops");
    refused(() => runTreeOps(tree, [], { numRuns: 1 } as never), "options.numRuns");
  });

  it("good options still run", () => {
    expect(checkTree(tree, { numRuns: 3, seed: 7, maxCommands: 5, timeLimitMs: 500.5 }).failed).toBe(false);
    expect(() => runTreeOps(tree, [], { profile: smallDomain(16), model: "bitmap" })).not.toThrow();
  });
});

describe("profiles and models", () => {
  it("profiles check their arguments and are frozen; arbitraries take only them", () => {
    refused(() => smallDomain(0), "cells");
    refused(() => smallDomain(2.5), "cells");
    refused(() => smallDomain(16, 5 as never), "layout");
    refused(() => smallDomain(16, [{ min: 1 }] as never), "layout[0].max", "INVALID_VALUE");
    refused(() => fullDomain(null as never), "layout");
    refused(() => layoutDomain([{ min: 0n, max: 15n }], 0n), "spread");
    refused(() => layoutDomain([{ min: 0n, max: 15n }], 16 as never), "spread");
    const p = layoutDomain([{ min: 0n, max: 0xffffn }]);
    expect(Object.isFrozen(p) && Object.isFrozen(p.layout) && Object.isFrozen(p.anchors)).toBe(true);
    refused(() => valueIn({ ...p }), "profile");
    expect(() => valueIn(p)).not.toThrow();
  });

  it("models check their arguments", () => {
    refused(() => new BitmapModel(0), "cells");
    refused(() => new BitmapModel("8" as never), "cells");
    expect(new BitmapModel(8).cells).toBe(8);
    expect(new FreeListModel().size).toBe(0);
    refused(() => new ManagerModel(null as never), "layout");
    refused(() => new ManagerModel({} as never), "layout.mmio");
    refused(() => new ManagerModel({ mmio: { ranges: [] } } as never), "layout.mmio.reserved");
  });
});

describe("manager campaigns and bad-input runners", () => {
  it("refuse bad factories, op lists and options", () => {
    const factory = { create: () => ({}), restore: () => ({}) };
    for (const run of [checkManager, fuzzManager] as ((f: unknown, o?: unknown) => unknown)[]) {
      refused(() => run(null), "factory");
      refused(() => run({ create: () => ({}) }), "factory.restore");
      refused(() => run(factory, { maxCommand: 3 }), "options.maxCommand");
      refused(() => run(factory, { seed: Number.NaN }), "options.seed");
    }
    refused(() => runManagerOps(factory as never, "ops" as never), "ops");
    refused(() => runManagerBadInputs({} as never), "factory.create");
    refused(() => runBadInputs(null as never), "factory");
    refused(() => runBadInputs(tree, {} as never), "cases");
    refused(() => assertBadInputs(tree, 5 as never), "cases");
  });
});

describe("what a factory makes, and throwing getters", () => {
  it("a factory that makes no allocator, or a factory whose members throw, is refused by name", () => {
    refused(() => runBadInputs(() => ({}) as never), "factory().insert");
    refused(() => runManagerBadInputs({ create: () => ({}) } as never), "factory.create().allocateDevice");
    const throwing = new Proxy(
      {},
      {
        get: () => {
          throw new Error("boom");
        },
      },
    );
    refused(() => checkManager(throwing as never), "factory.create");
    refused(() => new ManagerModel(throwing as never), "layout.mmio");
  });
});
