#!/usr/bin/env node
// Size budgets: each public entry bundled by esbuild for the browser, minified
// and gzipped, against the ceilings in size-budgets.json. "entry" sizes include
// the @alloc packages an entry imports; "own" sizes leave them out (what the
// package itself adds). Two one-line entries prove tree shaking: importing only
// IntervalTree or only ResourceManager pulls in only the modules they need.
// Needs `pnpm build` first. `--update` rewrites the ceilings to today's sizes,
// rounded up to the next KiB.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const budgetsFile = join(root, "e2e", "size-budgets.json");
const from = join(root, "packages", "vm-resources"); // resolves every @alloc package (testing is a devDependency)
const external = (name) => ["@alloc/constraint", "@alloc/core", "@alloc/testing", "@alloc/vm-resources", "fast-check"].filter((p) => p !== name);

const entries = [
  { name: "@alloc/constraint", code: 'export * from "@alloc/constraint";' },
  { name: "@alloc/core", code: 'export * from "@alloc/core";' },
  { name: "@alloc/vm-resources", code: 'export * from "@alloc/vm-resources";' },
  { name: "@alloc/testing", code: 'export * from "@alloc/testing";', external: ["fast-check"] },
  { name: "@alloc/vm-resources/dragonball", code: 'export * from "@alloc/vm-resources/dragonball";', forbid: [/vm-resources\/dist\/(svg|plan|example|cli\/)/] },
  { name: "@alloc/vm-resources/rust-vmm", code: 'export * from "@alloc/vm-resources/rust-vmm";', forbid: [/vm-resources\/dist\/(svg|plan|example|cli\/)/] },
  {
    name: "@alloc/vm-resources/firecracker",
    code: 'export * from "@alloc/vm-resources/firecracker";',
    forbid: [/vm-resources\/dist\/(svg|plan|example|cli\/)/],
  },
  { name: "only IntervalTree", code: 'export { IntervalTree } from "@alloc/core";', forbid: [/testing/, /vm-resources/] },
  {
    name: "only ResourceManager",
    code: 'export { ResourceManager } from "@alloc/vm-resources";',
    forbid: [/vm-resources\/dist\/(svg|plan|description|example|cli\/)/, /testing/],
  },
];

async function measure(code, externals) {
  const out = await build({
    stdin: { contents: code, resolveDir: from, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    metafile: true,
    external: externals,
    logLevel: "silent",
  });
  const bytes = out.outputFiles[0].contents;
  // Modules that contribute code (the metafile's inputs also list tree-shaken ones).
  const used = Object.values(out.metafile.outputs).flatMap((o) =>
    Object.entries(o.inputs)
      .filter(([, v]) => v.bytesInOutput > 0)
      .map(([k]) => k),
  );
  return { gzip: gzipSync(bytes, { level: 9 }).length, modules: used };
}

const sizes = {};
const problems = [];
for (const e of entries) {
  const full = await measure(e.code, e.external ?? []);
  sizes[`${e.name} (entry)`] = full.gzip;
  if (/^@alloc\/[a-z-]+$/.test(e.name)) sizes[`${e.name} (own)`] = (await measure(e.code, external(e.name))).gzip;
  for (const f of e.forbid ?? []) {
    const bad = full.modules.filter((m) => f.test(m));
    if (bad.length > 0) problems.push(`${e.name} pulls in ${bad.join(", ")}`);
  }
}

if (process.argv.includes("--update")) {
  writeFileSync(budgetsFile, `${JSON.stringify(Object.fromEntries(Object.entries(sizes).map(([k, v]) => [k, Math.ceil(v / 1024) * 1024])), null, 2)}\n`);
  console.log(`size: wrote ${budgetsFile}`);
}
const budgets = JSON.parse(readFileSync(budgetsFile, "utf8"));
for (const [name, size] of Object.entries(sizes)) {
  const ceiling = budgets[name];
  const verdict = ceiling === undefined ? "NO BUDGET" : size <= ceiling ? "ok" : "OVER";
  if (verdict !== "ok") problems.push(`${name}: ${size} B gzipped, budget ${ceiling ?? "none"}`);
  console.log(`size: ${verdict.padEnd(4)} ${name.padEnd(32)} ${String(size).padStart(7)} B min+gzip (budget ${ceiling ?? "-"})`);
}
for (const p of problems) console.log(`size: FAIL ${p}`);
process.exit(problems.length > 0 ? 1 : 0);
