/**
 * Mutation check of the manager command set: breaks `@alloc/vm-resources` on
 * purpose and shows that the harness catches each fault. Two sorts:
 * prototype patches (the model-based command set must diverge), and source
 * mutants of the trust boundary (a double read of a request field, the
 * unknown-key check dropped), applied to the source file for the time of one
 * `vitest` run of the package's boundary tests (bad-input catalogue and the
 * hostile-request property test), which must fail. Run through
 * mutation-check.ts --target vm-resources; `--only-source` skips the first sort.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { checkManager } from "../src/commands/manager.js";
import { importFromCwd, resolveFromCwd } from "../src/cli/loadTarget.js";
import type { ManagerFactory } from "../src/interfaces.js";

type Proto = Record<string, (...args: unknown[]) => unknown>;
const argv = process.argv.slice(2);
const seconds = Number(argv.includes("--seconds") ? argv[argv.indexOf("--seconds") + 1] : "60");
const seed = Number(argv.includes("--seed") ? argv[argv.indexOf("--seed") + 1] : "20240601");

const entry = resolveFromCwd("@alloc/vm-resources");
if (!entry.fromSource) throw new Error("run with --conditions=@alloc/source");
const vm = await importFromCwd<{ ResourceManager: { fromPreset(a: string): never; restore(j: string): never; prototype: Proto } }>("@alloc/vm-resources");
const { RangePool } = (await import(pathToFileURL(join(entry.packageDir, "src/pools/RangePool.ts")).href)) as { RangePool: { prototype: Proto } };
const factory: ManagerFactory = { create: () => vm.ResourceManager.fromPreset("x86_64"), restore: (j) => vm.ResourceManager.restore(j) };

interface Mutant {
  name: string;
  description: string;
  proto: Proto;
  method: string;
  wrap: (orig: (...a: unknown[]) => unknown) => (this: unknown, ...a: unknown[]) => unknown;
}

const MUTANTS: Mutant[] = [
  {
    name: "free-leaks-single-units",
    description: "a pool's release() silently keeps one-unit ranges (IRQs, vectors) allocated",
    proto: RangePool.prototype,
    method: "release",
    wrap: (orig) =>
      function (this: unknown, range) {
        const r = range as { min: bigint; max: bigint };
        if (r.min === r.max) return undefined;
        return orig.call(this, range);
      },
  },
  {
    name: "default-policy-last-match",
    description: "pool allocations with the default policy place from the top (last match) instead of first match",
    proto: RangePool.prototype,
    method: "take",
    wrap: (orig) =>
      function (this: unknown, record, c) {
        const cc = c as { policy: string; with(changes: { policy: string }): unknown };
        return orig.call(this, record, cc.policy === "first-match" ? cc.with({ policy: "last-match" }) : c);
      },
  },
  {
    name: "snapshot-drops-last-owner",
    description: "snapshot() forgets the last owner's list (its ranges stay allocated in the pools)",
    proto: vm.ResourceManager.prototype,
    method: "snapshot",
    wrap: (orig) =>
      function (this: unknown) {
        const s = JSON.parse(orig.call(this) as string) as { owners: unknown[] };
        if (s.owners.length > 1) s.owners.pop();
        return JSON.stringify(s);
      },
  },
  {
    name: "extend-skips-duplicate-check-inverted",
    description: "allocateDevice accepts an owner that already holds resources (no DUPLICATE_OWNER)",
    proto: vm.ResourceManager.prototype,
    method: "allocateDevice",
    wrap: (orig) =>
      function (this: unknown, owner, reqs) {
        const self = this as { extendDevice(o: unknown, r: unknown): unknown };
        return self.extendDevice(owner, reqs);
      },
  },
];

/** A source mutant: `from` replaced by `to` in `file` (relative to the package). */
interface SourceMutant {
  name: string;
  description: string;
  file: string;
  from: string;
  to: string;
}

/** The workspace's vitest (resolved from the package, as its own tests run). */
const vitestBin = join(dirname(createRequire(join(entry.packageDir, "package.json")).resolve("vitest/package.json")), "vitest.mjs");

const SOURCE_MUTANTS: SourceMutant[] = [
  {
    name: "request-field-read-twice",
    description: "readRequest reads the caller's object again after checking it (every field read twice; a getter's second answer is used)",
    file: "src/requests.ts",
    from: "const checked: CheckedRequest = { kind, req: kind.parse(values) };",
    to: "const checked: CheckedRequest = { kind, req: kind.parse(kind.requestKeys.map((k, i) => (Object.hasOwn(value as object, k) ? (value as Record<string, unknown>)[k] : values[i]))) };",
  },
  {
    name: "unknown-key-check-dropped",
    description: "readRequest allows whatever keys the request has (a misspelt field is silently ignored)",
    file: "src/requests.ts",
    from: "const present = readFields(value, KEYS, READ, out);",
    to: 'const present = readFields(value, [...KEYS, ...(typeof value === "object" && value !== null ? Object.keys(value).filter((k) => !KEYS.includes(k)) : [])], READ, out);',
  },
];

let status = 0;
if (argv.includes("--only-source")) MUTANTS.length = 0;
console.log("| mutant | caught | seconds | runs | operations | first divergence |");
console.log("| --- | --- | --- | --- | --- | --- |");
for (const m of MUTANTS) {
  const orig = m.proto[m.method]!;
  m.proto[m.method] = m.wrap(orig);
  const t0 = performance.now();
  let runs = 0;
  let ops = 0;
  let caught: string | undefined;
  try {
    for (let i = 0; performance.now() - t0 < seconds * 1000 && caught === undefined; i++) {
      const r = checkManager(factory, { numRuns: 10, seed: seed + i });
      runs += r.numRuns;
      ops += r.opsRun;
      if (r.failed) caught = (r.error ?? "").split("\n")[0]!.replace(/\|/g, "/").slice(0, 150);
    }
  } finally {
    m.proto[m.method] = orig;
  }
  if (caught === undefined) status = 1;
  console.log(`| ${m.name} | ${caught === undefined ? "NO" : "yes"} | ${((performance.now() - t0) / 1000).toFixed(2)} | ${runs} | ${ops} | ${caught ?? "-"} |`);
}
process.exitCode = status;

console.log("");
console.log("| source mutant | caught | seconds | first failing test |");
console.log("| --- | --- | --- | --- |");
for (const m of SOURCE_MUTANTS) {
  const file = join(entry.packageDir, m.file);
  const original = readFileSync(file, "utf8");
  if (!original.includes(m.from)) {
    console.log(`| ${m.name} | stale (the mutated text is gone from ${m.file}) | - | - |`);
    status = 1;
    continue;
  }
  const t0 = performance.now();
  let r;
  try {
    writeFileSync(file, original.replace(m.from, m.to));
    r = spawnSync(process.execPath, [vitestBin, "run", "test/harness.test.ts", "test/adversarial.test.ts", "--bail", "1"], {
      cwd: entry.packageDir,
      encoding: "utf8",
      timeout: seconds * 1000,
    });
  } finally {
    writeFileSync(file, original);
  }
  const caught = r.status !== 0;
  if (!caught) status = 1;
  const first = (`${r.stdout}`.split("\n").find((l) => l.includes("×") || l.includes("FAIL")) ?? "-")
    .replace(/\x1b\[[0-9;]*m/g, "")
    .replace(/\|/g, "/")
    .trim()
    .slice(0, 120);
  console.log(`| ${m.name} | ${caught ? "yes" : "NO"} | ${((performance.now() - t0) / 1000).toFixed(2)} | ${first} |`);
}
process.exitCode = status;
