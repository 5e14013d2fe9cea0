/**
 * The @alloc/testing harness aimed at the resource manager: model-based runs
 * against ManagerModel (allocate/extend/free/move devices, snapshot/restore,
 * mutated snapshots) and the whole manager bad-input catalogue.
 */
import { MANAGER_BAD_INPUTS, fuzzManager, runManagerBadInputs } from "@alloc/testing";
import type { ManagerFactory } from "@alloc/testing";
import { describe, expect, it } from "vitest";
import { ResourceManager } from "../src/index.js";

const presets = ["x86_64", "aarch64"] as const;

function factoryFor(preset: (typeof presets)[number]): ManagerFactory {
  return {
    create: () => ResourceManager.fromPreset(preset),
    restore: (json: string) => ResourceManager.restore(json),
  };
}

describe("@alloc/testing harness on ResourceManager", () => {
  for (const preset of presets) {
    it(`agrees with ManagerModel on random device sequences (${preset})`, () => {
      const report = fuzzManager(factoryFor(preset), { numRuns: 60 });
      expect(report.failed).toBe(false);
    }, 120_000);
  }

  it("refuses every kind of bad call in the catalogue with the right code, state unchanged", () => {
    const results = runManagerBadInputs(factoryFor("x86_64"));
    expect(results.length).toBe(MANAGER_BAD_INPUTS.length);
    expect(results.length).toBeGreaterThanOrEqual(30);
    expect(results.filter((r) => r.problems.length > 0)).toEqual([]);
  });
});
