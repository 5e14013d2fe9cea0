/**
 * `TreeCommand` used in a model-based test of one's own: the op is read once
 * and cannot be replaced afterwards, `run` reads its harness once and refuses
 * a bad one by name, and a forged command is refused, never run.
 */
import { isAllocError } from "@alloc/constraint";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FreeListModel, TreeCommand } from "@alloc/testing";
import type { TreeHarness, TreeOp } from "@alloc/testing";
import { refusal, refused } from "./refusals.js";

const INSERT: TreeOp = { op: "insert", range: { at: { min: 0x10n, max: 0x1fn } } };
const harness = (): TreeHarness => ({ model: new FreeListModel<unknown>(), domainMax: 0xffn, invariants: true });
const entries = (t: FreeListModel<unknown>): string[] => [...t].map(([r, st]) => `${r.min}-${r.max}:${st.kind}`);

describe("TreeCommand", () => {
  it("applies its op to the model and the real allocator alike", () => {
    const h = harness();
    const real = new FreeListModel<unknown>();
    new TreeCommand(INSERT).run(h, real);
    expect(entries(real)).toEqual(["16-31:free"]);
    expect(entries(h.model as FreeListModel<unknown>)).toEqual(entries(real));
    expect(new TreeCommand(INSERT).toString()).toContain("insert");
  });

  it("keeps the op it read: the command is frozen and the op is the checked copy", () => {
    const op = { op: "insert", range: { at: { min: 0x10n, max: 0x1fn } } } as TreeOp;
    const cmd = new TreeCommand(op);
    (op as { op: string }).op = "delete";
    expect(cmd.op.op).toBe("insert");
    expect(Object.isFrozen(cmd)).toBe(true);
    expect(() => {
      (cmd as unknown as { op: unknown }).op = { op: "delete" };
    }).toThrow();
    expect(cmd.op.op).toBe("insert");
  });

  it("refuses a harness or an allocator that is not one, naming what was wrong, and changes nothing", () => {
    const cmd = new TreeCommand(INSERT);
    const real = new FreeListModel<unknown>();
    for (const h of [null, undefined, 5, "h", []]) refused(() => cmd.run(h as never, real), "h");
    refused(() => cmd.run({ ...harness(), extra: 1 } as never, real), "h.extra");
    expect(refusal(() => cmd.run({ ...harness(), model: {} } as never, real)).details.argument).toMatch(/^h\.model\.\w+$/);
    refused(() => cmd.run({ ...harness(), domainMax: 255 } as never, real), "h.domainMax");
    refused(() => cmd.run({ ...harness(), domainMax: 1n << 64n } as never, real), "h.domainMax");
    refused(() => cmd.run({ ...harness(), invariants: "yes" } as never, real), "h.invariants");
    expect(refusal(() => cmd.run(harness(), { allocate: () => undefined } as never)).details.argument).toMatch(/^real\.\w+$/);
    expect(entries(real)).toEqual([]);
  });

  it("reads each harness field once, so a getter cannot answer one thing to the check and another to the run", () => {
    const cmd = new TreeCommand(INSERT);
    let reads = 0;
    const h = {
      model: new FreeListModel<unknown>(),
      get domainMax(): bigint {
        reads++;
        return reads === 1 ? 0xffn : ("changed" as never);
      },
      invariants: true,
    };
    const real = new FreeListModel<unknown>();
    cmd.run(h, real);
    expect(reads).toBe(1);
    expect(entries(real)).toEqual(["16-31:free"]);
  });

  it("refuses a command that its constructor did not build, whatever its prototype", () => {
    const forged = Object.create(TreeCommand.prototype) as TreeCommand;
    refused(() => forged.run(harness(), new FreeListModel()), "this");
    refused(() => forged.toString(), "this");
    refused(() => forged.op, "this");
    refused(() => TreeCommand.prototype.run.call({ op: INSERT } as never, harness(), new FreeListModel()), "this");
  });

  it("runs in fast-check's model-based runner, and the package's own campaigns still agree", () => {
    const commands = fc.constantFrom<TreeOp>(INSERT, { op: "allocate", constraint: { init: { size: 4n } }, orThrow: false }).map((op) => new TreeCommand(op));
    let runs = 0;
    fc.assert(
      fc.property(fc.commands([commands], { maxCommands: 8 }), (cmds) => {
        runs++;
        fc.modelRun(() => ({ model: harness(), real: new FreeListModel<unknown>() }), cmds);
      }),
      { numRuns: 20 },
    );
    expect(runs).toBe(20);
    // A run that diverges is reported as a plain Error (a bug found), not as a refusal.
    const h = harness();
    const real = new FreeListModel<unknown>();
    real.insert({ min: 0x40n, max: 0x4fn });
    let caught: unknown;
    try {
      new TreeCommand(INSERT).run(h, real);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Error);
    expect(isAllocError(caught)).toBe(false);
  });
});
