/**
 * The model-based command set for the resource manager (`@alloc/vm-resources`).
 * Placeholder until the manager's API lands: the CLI reports it as unavailable.
 */
import type { CampaignResult, FuzzArgs } from "../cli/alloc-fuzz.js";
import type { ManagerUnderTest } from "../interfaces.js";

/** Builds a fresh manager under test. */
export type ManagerFactory = () => ManagerUnderTest;

/** Loads `@alloc/vm-resources` from the current directory and adapts it. */
export async function loadManagerTarget(): Promise<ManagerFactory> {
  throw new Error("alloc-fuzz: the vm-resources target is not wired yet (commands/manager.ts)");
}

/** Runs manager batches until the time is up. */
export function fuzzManagerCampaign(_factory: ManagerFactory, _args: Pick<FuzzArgs, "seconds" | "seed" | "batch">, _log?: (s: string) => void): CampaignResult {
  throw new Error("alloc-fuzz: the vm-resources target is not wired yet");
}
