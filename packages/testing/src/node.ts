/**
 * `@alloc/testing/node`: the Node-only part of `@alloc/testing`. Loads a
 * target package (`@alloc/core`, `@alloc/vm-resources`) from the working
 * directory the way `alloc-fuzz` does, and runs timed fuzz campaigns over it.
 * The main entry (`@alloc/testing`) stays free of Node built-ins, so it can be
 * bundled for a browser.
 *
 * @example
 * ```ts
 * import { fuzzTreeCampaign, loadTreeTarget } from "@alloc/testing/node";
 *
 * const result = await fuzzTreeCampaign(await loadTreeTarget(), { seconds: 10, seed: 1, batch: 50 });
 * console.log(result.failure?.message ?? `${result.ops} operations, 0 divergences`);
 * ```
 *
 * @packageDocumentation
 */
export { TargetNotFoundError, importFromCwd, loadManagerTarget, loadTreeTarget, resolveFromCwd } from "./cli/loadTarget.js";
export type { ResolvedEntry } from "./cli/loadTarget.js";
export { fuzzManagerCampaign, fuzzTreeCampaign, runCampaign } from "./cli/campaign.js";
export type { Batch, CampaignOptions, CampaignProgress, CampaignResult } from "./cli/campaign.js";
