/**
 * Mutation check: breaks `IntervalTree` on purpose (see mutants.ts: each
 * mutant patches one method of the `SegmentTree` kernel) and shows that the
 * harness catches each fault, recording how long it took.
 *
 *   cd packages/core && tsx --conditions=@alloc/source ../testing/scripts/mutation-check.ts [--mutant NAME] [--seconds 60] [--seed S]
 *   cd packages/vm-resources && tsx --conditions=@alloc/source ../testing/scripts/mutation-check.ts --target vm-resources
 *
 * For each mutant: fuzz batches (same profiles as alloc-fuzz) until the first
 * divergence or the time limit; print the domain profile that caught it,
 * seconds, runs and operations to detection and the first line of the divergence. Exit 1 if a mutant survives,
 * or if the unmutated tree diverges.
 */
import { fuzzTreeCampaign } from "../src/cli/campaign.js";
import { importFromCwd } from "../src/cli/loadTarget.js";
import { MUTANTS, apply, loadStoreProto } from "./mutants.js";

const argv = process.argv.slice(2);
if (argv.includes("--target") && argv[argv.indexOf("--target") + 1] === "vm-resources") {
  await import("./manager-mutation-check.js");
  process.exit(process.exitCode ?? 0);
}
const opt = (f: string): string | undefined => (argv.includes(f) ? argv[argv.indexOf(f) + 1] : undefined);
const only = opt("--mutant");
const seconds = Number(opt("--seconds") ?? "60");
const seed = Number(opt("--seed") ?? "20240601");

const core = await importFromCwd<{ IntervalTree: new () => never }>("@alloc/core");
const proto = await loadStoreProto();
const factory = () => new core.IntervalTree();

let status = 0;
const selected = MUTANTS.filter((m) => only === undefined || m.name === only);
if (selected.length === 0) {
  console.error(`unknown mutant ${only}; known: ${MUTANTS.map((m) => m.name).join(", ")}`);
  process.exit(2);
}
const control = await fuzzTreeCampaign(factory, { seconds: 2, seed, batch: 50 });
console.log(`control (no mutant): ${control.ops} ops, ${control.failure === undefined ? "0 divergences" : "DIVERGED"}`);
if (control.failure !== undefined) status = 1;
console.log("| mutant | checkInvariants | caught | profile | seconds | runs | operations | first divergence |");
console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
for (const m of selected) {
  // With the invariant checker, and with the model comparison alone.
  for (const invariants of [true, false]) {
    const undo = apply(proto, m);
    let r;
    try {
      r = await fuzzTreeCampaign(factory, { seconds, seed, batch: 10, invariants });
    } finally {
      undo();
    }
    const caught = r.failure !== undefined;
    if (!caught && invariants) status = 1;
    const first = caught ? (r.failure!.error ?? "").split("\n")[0]!.replace(/\|/g, "/").slice(0, 150) : "-";
    console.log(
      `| ${m.name} | ${invariants ? "on" : "off"} | ${caught ? "yes" : "NO"} | ${caught ? r.failure!.profile : "-"} | ${r.seconds.toFixed(2)} | ${r.runs} | ${r.ops} | ${first} |`,
    );
    if (argv.includes("--verbose") && caught) console.log(r.failure!.message);
  }
}
process.exit(status);
