#!/usr/bin/env node
// Sums vitest JSON reports from .ci/out/<pkg>.json for every package in
// packages/* and prints `N passed, N failed` as the very last line.
// A package with no (readable) report counts as one failure.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, '.ci', 'out');
const pkgsDir = join(root, 'packages');

const packages = readdirSync(pkgsDir)
  .filter((d) => existsSync(join(pkgsDir, d, 'package.json')))
  .filter((d) => {
    const pj = JSON.parse(readFileSync(join(pkgsDir, d, 'package.json'), 'utf8'));
    return pj.scripts && pj.scripts['test:ci'];
  })
  .sort();

let passed = 0;
let failed = 0;
for (const pkg of packages) {
  const file = join(outDir, `${pkg}.json`);
  if (!existsSync(file) || !statSync(file).isFile()) {
    console.log(`summary: ${pkg}: MISSING report ${file} (counted as 1 failure)`);
    failed += 1;
    continue;
  }
  try {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    const p = Number(r.numPassedTests ?? 0);
    const f = Number(r.numFailedTests ?? 0);
    // A suite that failed to load (e.g. syntax/import error) has no tests.
    const badSuites = Array.isArray(r.testResults)
      ? r.testResults.filter((t) => t.status === 'failed' && (t.assertionResults ?? []).length === 0).length
      : 0;
    // success:false with nothing else counted (e.g. "No test files found",
    // unhandled errors) still counts as one failure.
    const runFailed = r.success === false && f + badSuites === 0 ? 1 : 0;
    const notes = [
      badSuites ? `${badSuites} suite(s) failed to run` : '',
      runFailed ? (Number(r.numTotalTests ?? 0) === 0 ? 'no tests ran' : 'run reported failure') + ' (counted as 1 failure)' : '',
    ].filter(Boolean);
    console.log(`summary: ${pkg}: ${p} passed, ${f} failed${notes.length ? `; ${notes.join('; ')}` : ''}`);
    passed += p;
    failed += f + badSuites + runFailed;
  } catch (err) {
    console.log(`summary: ${pkg}: unreadable report ${file} (${err.message}); counted as 1 failure`);
    failed += 1;
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
