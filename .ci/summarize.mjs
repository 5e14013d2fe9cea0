#!/usr/bin/env node
// Prints `N passed, N failed` as the very last line, counting
// - every test of every vitest JSON report in .ci/out/*.json (one per package
//   from `pnpm test:ci`, plus the fast-check 3 run and e2e/run.mjs's checks),
// - every other CI step recorded in .ci/out/steps.tsv (install, typecheck,
//   build, lint, format, docs, size, fuzz), one check each. The "unit tests"
//   and "packed tarballs" steps are not counted again: their tests are.
// A package with a test:ci script but no (readable) report counts as one failure.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, ".ci", "out");
const pkgsDir = join(root, "packages");

let passed = 0;
let failed = 0;

const expected = readdirSync(pkgsDir)
  .filter((d) => existsSync(join(pkgsDir, d, "package.json")))
  .filter((d) => JSON.parse(readFileSync(join(pkgsDir, d, "package.json"), "utf8")).scripts?.["test:ci"] !== undefined);
const reports = existsSync(outDir)
  ? readdirSync(outDir)
      .filter((f) => f.endsWith(".json"))
      .sort()
  : [];
for (const pkg of expected.sort()) {
  if (!reports.includes(`${pkg}.json`)) {
    console.log(`summary: ${pkg}: MISSING report .ci/out/${pkg}.json (counted as 1 failure)`);
    failed += 1;
  }
}
for (const name of reports) {
  const file = join(outDir, name);
  try {
    const r = JSON.parse(readFileSync(file, "utf8"));
    const p = Number(r.numPassedTests ?? 0);
    const f = Number(r.numFailedTests ?? 0);
    // A suite that failed to load (e.g. syntax/import error) has no tests.
    const badSuites = Array.isArray(r.testResults) ? r.testResults.filter((t) => t.status === "failed" && (t.assertionResults ?? []).length === 0).length : 0;
    // success:false with nothing else counted ("No test files found", unhandled errors) is one failure.
    const runFailed = r.success === false && f + badSuites === 0 ? 1 : 0;
    const notes = [badSuites ? `${badSuites} suite(s) failed to run` : "", runFailed ? "run reported failure (counted as 1 failure)" : ""].filter(Boolean);
    console.log(`summary: ${name.replace(/\.json$/, "")}: ${p} passed, ${f} failed${notes.length ? `; ${notes.join("; ")}` : ""}`);
    passed += p;
    failed += f + badSuites + runFailed;
  } catch (err) {
    console.log(`summary: ${name}: unreadable report (${err.message}); counted as 1 failure`);
    failed += 1;
  }
}

const stepsFile = join(outDir, "steps.tsv");
const steps = existsSync(stepsFile) ? readFileSync(stepsFile, "utf8").split("\n").filter(Boolean) : [];
if (steps.length === 0) {
  console.log("summary: no CI steps recorded (counted as 1 failure)");
  failed += 1;
}
for (const line of steps) {
  const [name, result, seconds] = line.split("\t");
  console.log(`summary: step ${result === "ok" ? "ok  " : "FAIL"} ${name} (${seconds} s)`);
  // These steps' tests are counted one by one from their reports, unless the step failed without one.
  if ((name === "unit tests" || name.startsWith("packed tarballs")) && result === "ok") continue;
  if (name.startsWith("packed tarballs") && reports.includes("e2e.json")) continue;
  // A failed test run whose reports show no failure (a crash before writing one) is one failure.
  if (name === "unit tests" && failed > 0) continue;
  if (result === "ok") passed += 1;
  else failed += 1;
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
