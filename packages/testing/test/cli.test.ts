import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FreeListModel } from "@alloc/testing";
import { UsageError, parseFuzzArgs } from "../src/cli/args.js";
import { fuzzTreeCampaign, runCampaign } from "../src/cli/campaign.js";
import { resolveFromCwd } from "../src/cli/loadTarget.js";
import { runFuzzCli } from "../src/cli/main.js";
import { BestFitTieHigh } from "./mutants.js";

const pkg = join(import.meta.dirname, "..");
const core = join(pkg, "..", "core");
const version = (JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")) as { version: string }).version;
const launcher = join(pkg, "bin", "alloc-fuzz.js");

async function run(argv: string[], tty = false, noColor = false): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runFuzzCli(argv, { out: (s) => (out += s), err: (s) => (err += s), tty, noColor });
  return { code, out, err };
}

describe("alloc-fuzz arguments", () => {
  it("parses --flag value and --flag=value", () => {
    expect(parseFuzzArgs(["--target", "core", "--seconds", "5", "--seed", "7"])).toEqual({
      kind: "run",
      args: { target: "core", seconds: 5, seed: 7, batch: 50 },
    });
    expect(parseFuzzArgs(["--target=vm-resources", "--seconds=0.5", "--seed=4294967295", "--batch=3"])).toEqual({
      kind: "run",
      args: { target: "vm-resources", seconds: 0.5, seed: 4294967295, batch: 3 },
    });
    expect(parseFuzzArgs([], () => 123)).toEqual({ kind: "run", args: { target: "core", seconds: 10, seed: 123, batch: 50 } });
    expect(parseFuzzArgs(["-h", "--seconds=1"])).toEqual({ kind: "help" });
    expect(parseFuzzArgs(["--version"])).toEqual({ kind: "version" });
  });
  const bad: [string[], string][] = [
    [["--target", "kernel"], '--target must be core or vm-resources; got "kernel"'],
    [["--seconds=-1"], '--seconds must be a positive number; got "-1"'],
    [["--seconds", "-1"], '"--seconds" needs a value, as in --seconds=VALUE'],
    [["--seconds=0"], '--seconds must be a positive number; got "0"'],
    [["--seconds=1e3"], '--seconds must be a positive number; got "1e3"'],
    [["--seed=x"], '--seed must be an integer in 0..4294967295; got "x"'],
    [["--seed=4294967296"], '--seed must be an integer in 0..4294967295; got "4294967296"'],
    [["--seed=4294967297"], '--seed must be an integer in 0..4294967295; got "4294967297"'],
    [["--seed=1.5"], '--seed must be an integer in 0..4294967295; got "1.5"'],
    [["--seed=-1"], '--seed must be an integer in 0..4294967295; got "-1"'],
    [["--batch=0"], '--batch must be an integer in 1..1000000; got "0"'],
    [["--seed"], '"--seed" needs a value, as in --seed=VALUE'],
    [["--mutant", "x"], 'unknown option "--mutant"'],
    [["-x"], 'unknown option "-x"'],
    [["--help=1"], '"--help" takes no value'],
    [["core"], 'unexpected argument "core" (options are --name=value)'],
    [["--seconds=1", "extra\u001b[2J"], 'unexpected argument "extra\\u001b[2J" (options are --name=value)'],
  ];
  it.each(bad)("refuses %j", (argv, message) => {
    expect(() => parseFuzzArgs(argv)).toThrow(UsageError);
    expect(() => parseFuzzArgs(argv)).toThrow(message);
  });
});

describe("alloc-fuzz command", { timeout: 60_000 }, () => {
  it("--help, -h, --version, -V", async () => {
    for (const h of ["--help", "-h"]) expect(await run([h])).toMatchObject({ code: 0, out: expect.stringContaining("Usage: alloc-fuzz"), err: "" });
    for (const v of ["--version", "-V"]) expect(await run([v])).toEqual({ code: 0, out: `${version}\n`, err: "" });
  });
  it("a usage error is one line on stderr and exit 2", async () => {
    expect(await run(["--bogus"])).toEqual({ code: 2, out: "", err: 'alloc-fuzz: error: unknown option "--bogus" (see --help)\n' });
  });
  it("runs the target for the time given and prints a summary with the seed", async () => {
    const cwd = process.cwd();
    process.chdir(core);
    try {
      const r = await run(["--seconds=0.5", "--seed=9"]);
      expect(r.code).toBe(0);
      expect(r.err).toBe("");
      expect(r.out).toMatch(/^alloc-fuzz: target core, 0.5 s, seed 9 /);
      expect(r.out).toMatch(/\nalloc-fuzz: \d+ operations in \d+ runs, [\d.]+ s, \d+ ops\/s, 0 divergences \(seed 9\)\n$/);
    } finally {
      process.chdir(cwd);
    }
  });
  it("on a terminal: progress on stderr, colour unless NO_COLOR", async () => {
    const cwd = process.cwd();
    process.chdir(core);
    try {
      const tty = await run(["--seconds=1", "--seed=9"], true);
      expect(tty.err).toMatch(/\r\u001b\[2K {2}\d+ operations, \d+ ops\/s, [\d.]+ s of 1 s/);
      expect(tty.out).toContain("\u001b[32m0 divergences\u001b[0m");
      const plain = await run(["--seconds=0.3", "--seed=9"], true, true);
      expect(plain.out).not.toContain("\u001b[");
    } finally {
      process.chdir(cwd);
    }
  });
  it("a target that cannot be found is one line and exit 2", async () => {
    const cwd = process.cwd();
    process.chdir("/");
    try {
      const r = await run(["--seconds=1"]);
      expect(r.code).toBe(2);
      expect(r.out).toBe("");
      expect(r.err).toMatch(/^alloc-fuzz: error: cannot find @alloc\/core from \/: run alloc-fuzz in a project that depends on it\n$/);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe("alloc-fuzz campaigns", { timeout: 60_000 }, () => {
  it("resolves a package from the working directory, walking up (and itself by name)", () => {
    const dep = resolveFromCwd("@alloc/constraint", join(pkg, "test"));
    expect(dep.file).toMatch(/constraint[/\\](src[/\\]index\.ts|dist[/\\]index\.js)$/);
    expect(resolveFromCwd("@alloc/testing", pkg).packageDir).toBe(pkg);
    expect(() => resolveFromCwd("@alloc/does-not-exist", pkg)).toThrow(/cannot find/);
  });
  it("runs batches until the time is up and reports operations", async () => {
    const r = await fuzzTreeCampaign(() => new FreeListModel(), { seconds: 0.5, seed: 3, batch: 10 });
    expect(r.failure).toBeUndefined();
    expect(r.interrupted).toBe(false);
    expect(r.ops).toBeGreaterThan(100);
    expect(r.seconds).toBeGreaterThanOrEqual(0.5);
  });
  it("stops after the current batch when its signal aborts, figures intact", async () => {
    const stop = new AbortController();
    let batches = 0;
    const r = await fuzzTreeCampaign(() => new FreeListModel(), {
      seconds: 30,
      seed: 3,
      batch: 10,
      signal: stop.signal,
      onProgress: () => {
        if (++batches === 3) stop.abort();
      },
    });
    expect(r.interrupted).toBe(true);
    expect(batches).toBe(3);
    expect(r.ops).toBeGreaterThan(0);
    expect(r.seconds).toBeLessThan(30);
  });
  it("stops at the first divergence with a replayable batch seed", async () => {
    // Deterministic: seed 3 finds this mutant in its first batches; the time budget only bounds a regression.
    const r = await fuzzTreeCampaign(() => new BestFitTieHigh(), { seconds: 600, seed: 3, batch: 50 });
    expect(r.failure).toBeDefined();
    expect(r.failure!.message).toContain(`seed: ${r.failure!.batchSeed}`);
  });
  it("batch seeds are 32-bit unsigned and wrap around", async () => {
    const seeds: number[] = [];
    const report = { failed: false, numRuns: 1, opsRun: 1, seed: 0, message: "" };
    const r = await runCampaign(
      (i, seed) => {
        seeds.push(seed);
        return { report: i === 2 ? { ...report, failed: true, seed: seed | 0, message: "diverged" } : report, profile: "p" };
      },
      { seconds: 600, seed: 4294967295, batch: 1 },
    );
    expect(seeds).toEqual([4294967295, 0, 1]);
    expect(r.failure).toMatchObject({ batchSeed: 1, seed: 1, profile: "p", message: "diverged" });
    expect(r.ops).toBe(3);
  });
});

describe("alloc-fuzz process (the bin launcher)", { timeout: 60_000 }, () => {
  it("no stack trace for a bad seed", () => {
    const r = spawnSync(process.execPath, [launcher, "--seed", "4294967297"], { cwd: core, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe('alloc-fuzz: error: --seed must be an integer in 0..4294967295; got "4294967297" (see --help)\n');
  });
  it("Ctrl-C (SIGINT) ends the run with its summary, seed included, exit 130", async () => {
    const child = spawn(process.execPath, [launcher, "--seconds=60", "--seed=5"], { cwd: core, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    // Wait for the run to start, then press Ctrl-C (the whole process group, as a terminal does).
    while (!out.includes("seed 5 (")) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1000));
    process.kill(-child.pid!, "SIGINT");
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(err).toBe("");
    expect(out).toMatch(/\nalloc-fuzz: \d+ operations in \d+ runs, [\d.]+ s, \d+ ops\/s, 0 divergences, interrupted \(seed 5\)\n$/);
    expect(code).toBe(130);
  });
});
