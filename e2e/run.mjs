#!/usr/bin/env node
// Packed-tarball consumer checks: `pnpm pack` every package, install the
// tarballs into a fresh project outside the workspace, and use them the ways a
// user would: ESM import, CommonJS require, TypeScript (node16, nodenext,
// bundler), the bins, and a real browser (headless Chromium through
// playwright-core, the bundle made by esbuild). Needs `pnpm build` first.
// Prints one line per check; writes .ci/out/e2e.json (vitest's JSON shape)
// when --report is given. Exit 1 if any check failed.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const packages = ["constraint", "core", "testing", "vm-resources"];
const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";
// The pnpm to run (.ci/run passes its own, e.g. "npx -y pnpm@10.34.9" where pnpm is not installed).
const [pnpmCmd, ...pnpmArgs] = (process.env.E2E_PNPM ?? "pnpm").split(" ");
const tmp = mkdtempSync(join(tmpdir(), "alloc-e2e-"));
const packs = join(tmp, "packs");
const app = join(tmp, "app");
const results = [];

function sh(cmd, args, cwd, env = {}) {
  return execFileSync(cmd, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, npm_config_update_notifier: "false", ...env },
  });
}

async function check(name, fn) {
  const t0 = performance.now();
  try {
    const note = await fn();
    results.push({ name, ok: true });
    console.log(`e2e: ok   ${name}${note ? ` (${note})` : ""} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    results.push({ name, ok: false, message: String(e?.stderr || e?.stdout || e?.message || e) });
    console.log(`e2e: FAIL ${name}: ${String(e?.stdout ?? "")}${String(e?.stderr ?? "")}${e?.message ?? e}`.trimEnd());
  }
}

mkdirSync(packs, { recursive: true });
const tarballs = {};
await check("pnpm pack: every package", () => {
  for (const p of packages) {
    const out = sh(pnpmCmd, [...pnpmArgs, "pack", "--pack-destination", packs], join(root, "packages", p));
    tarballs[p] = out.trim().split("\n").pop();
  }
  return Object.values(tarballs)
    .map((t) => t.split("/").pop())
    .join(", ");
});

await check("tarballs: LICENSE, README, dist, no workspace: ranges", () => {
  for (const p of packages) {
    const files = sh("tar", ["-tzf", tarballs[p]], tmp).split("\n");
    for (const f of ["package/LICENSE", "package/README.md", "package/package.json", "package/dist/index.js", "package/dist/index.d.ts"]) {
      if (!files.includes(f)) throw new Error(`${p}: ${f} missing from the tarball`);
    }
    const manifest = sh("tar", ["-xzOf", tarballs[p], "package/package.json"], tmp);
    if (manifest.includes("workspace:")) throw new Error(`${p}: package.json still has a workspace: range`);
    if (p === "testing" && !files.includes("package/dist/node.js")) throw new Error("testing: dist/node.js missing");
    if (p === "vm-resources" && !files.includes("package/schema/plan.schema.json")) throw new Error("vm-resources: schema missing");
  }
});

const overrides = Object.fromEntries(packages.map((p) => [`@alloc/${p}`, `file:${tarballs[p]}`]));
mkdirSync(app, { recursive: true });
cpSync(join(root, "e2e", "fixture"), app, { recursive: true });
writeFileSync(
  join(app, "package.json"),
  JSON.stringify(
    { name: "alloc-consumer", private: true, type: "module", dependencies: { ...overrides, "fast-check": "^4.0.0" }, pnpm: { overrides } },
    null,
    2,
  ),
);
await check("install the tarballs into a fresh project", () => {
  sh(pnpmCmd, [...pnpmArgs, "install", "--prefer-offline", "--config.update-notifier=false"], app);
  for (const p of packages) if (!existsSync(join(app, "node_modules", "@alloc", p, "dist", "index.js"))) throw new Error(`@alloc/${p} not installed`);
});

await check("ESM import of every entry", () => sh(process.execPath, ["esm.mjs"], app).trim());
await check("CommonJS require of every entry", () => sh(process.execPath, ["cjs.cjs"], app).trim());

const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
for (const [mode, module, extra] of [
  ["node16", "node16", []],
  ["nodenext", "nodenext", ["schema.ts"]],
  ["bundler", "esnext", ["schema.ts"]],
]) {
  await check(`TypeScript consumer, moduleResolution ${mode}`, () => {
    const config = {
      compilerOptions: {
        strict: true,
        noEmit: true,
        module,
        moduleResolution: mode,
        target: "es2022",
        lib: ["es2022", "dom"],
        types: [],
        resolveJsonModule: true,
        skipLibCheck: false,
        exactOptionalPropertyTypes: true,
      },
      files: ["consumer.ts", ...extra],
    };
    writeFileSync(join(app, `tsconfig.${mode}.json`), JSON.stringify(config));
    sh(process.execPath, [tsc, "-p", `tsconfig.${mode}.json`], app);
  });
}

await check("bins: alloc-plan and alloc-fuzz from the installed packages", () => {
  const bin = join(app, "node_modules", ".bin");
  const version = sh(join(bin, "alloc-plan"), ["--version"], app).trim();
  const plan = JSON.parse(sh(join(bin, "alloc-plan"), ["--json"], app));
  if (plan.layout !== "x86_64/dragonball") throw new Error("alloc-plan --json");
  const fuzz = sh(join(bin, "alloc-fuzz"), ["--target=core", "--seconds=1", "--seed=1"], app);
  if (!/0 divergences \(seed 1\)/.test(fuzz)) throw new Error(`alloc-fuzz: ${fuzz}`);
  return `alloc-plan ${version}`;
});

let bundle;
await check("esbuild bundles every browser entry for platform browser (no Node built-ins)", async () => {
  const { build } = await import(join(root, "node_modules", "esbuild", "lib", "main.js"));
  const out = await build({
    entryPoints: [join(app, "browser.ts")],
    absWorkingDir: app,
    bundle: true,
    platform: "browser",
    format: "iife",
    write: false,
    logLevel: "silent",
  });
  bundle = out.outputFiles[0].text;
  return `${Math.round(bundle.length / 1024)} KiB`;
});

await check("headless Chromium: allocation, ResourceManager plan, snapshot round trip, SVG map", async () => {
  if (bundle === undefined) throw new Error("no bundle");
  const { chromium: browserType } = await import(join(root, "node_modules", "playwright-core", "index.mjs"));
  const browser = await browserType.launch({
    executablePath: chromium,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-dev-shm-usage",
    ],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.setContent("<!doctype html><html><body></body></html>");
    await page.addScriptTag({ content: bundle });
    const r = await page.evaluate(() => {
      const out = window.allocTest();
      const doc = new DOMParser().parseFromString(out.svg, "image/svg+xml");
      const parseError = doc.getElementsByTagName("parsererror").length > 0;
      document.body.appendChild(document.importNode(doc.documentElement, true));
      // Every label inside its box, measured by the browser's own text layout.
      let overflow = 0;
      let boxes = 0;
      for (const g of document.querySelectorAll("svg g")) {
        const rect = g.querySelector("rect");
        if (rect === null || g.getAttribute("class") === "device") continue;
        boxes++;
        const b = rect.getBBox();
        for (const t of g.querySelectorAll("text")) {
          const tb = t.getBBox();
          if (tb.x + tb.width > b.x + b.width + 0.5 || tb.y < b.y - 0.5 || tb.y + tb.height > b.y + b.height + 3) overflow++;
        }
      }
      return { ...out, svg: undefined, parseError, overflow, boxes, titles: document.querySelectorAll("svg g > title").length };
    });
    if (errors.length > 0) throw new Error(`page errors: ${errors.join("; ")}`);
    if (r.bar !== "[0x00000000c0000000, 0x00000000c0003fff]") throw new Error(`allocation: ${r.bar}`);
    if (!r.roundTrip || !r.owners.includes("nvme0")) throw new Error("snapshot round trip");
    if (r.modelFailed) throw new Error("checkTree in the browser");
    if (r.parseError || r.boxes < 20 || r.titles < r.boxes) throw new Error(`svg: ${JSON.stringify(r)}`);
    if (r.overflow > 0) throw new Error(`svg: ${r.overflow} labels run past their box`);
    await page.screenshot({ path: join(tmp, "map.png"), fullPage: true });
    return `${r.boxes} boxes, ${browser.version()}, screenshot ${join(tmp, "map.png")}`;
  } finally {
    await browser.close();
  }
});

const failed = results.filter((r) => !r.ok).length;
const reportAt = process.argv.indexOf("--report");
if (reportAt > 0) {
  const file = process.argv[reportAt + 1];
  mkdirSync(dirname(file), { recursive: true });
  const testResults = [
    {
      name: "e2e/run.mjs",
      status: failed ? "failed" : "passed",
      assertionResults: results.map((r) => ({ title: r.name, status: r.ok ? "passed" : "failed", failureMessages: r.ok ? [] : [r.message] })),
    },
  ];
  writeFileSync(
    file,
    JSON.stringify({ numPassedTests: results.length - failed, numFailedTests: failed, numTotalTests: results.length, success: failed === 0, testResults }),
  );
}
console.log(`e2e: ${results.length - failed} passed, ${failed} failed (work dir ${tmp})`);
process.exit(failed > 0 ? 1 : 0);
