/**
 * Loads a concrete target package (`@alloc/core`, `@alloc/vm-resources`) by
 * dynamic `import()` resolved from the current working directory, so that
 * `@alloc/testing` itself depends on neither (no cycle in the package graph).
 *
 * Resolution walks up from `cwd` to the package itself or to
 * `node_modules/<name>/package.json` and
 * picks the `@alloc/source` entry (TypeScript sources; needs a TS loader such
 * as tsx) when Node runs with `--conditions=@alloc/source` or when the built
 * `import` entry does not exist, and the built entry otherwise.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { AllocatorFactory, AllocatorUnderTest, ManagerFactory, ManagerUnderTest } from "../interfaces.js";

/** Where a package's entry was found. */
export interface ResolvedEntry {
  /** The package's directory (where its package.json is). */
  readonly packageDir: string;
  /** The entry file that will be imported. */
  readonly file: string;
  /** True when `file` is the TypeScript source (the `@alloc/source` condition). */
  readonly fromSource: boolean;
}

/** A target package that cannot be found or has no usable entry. */
export class TargetNotFoundError extends Error {
  /** Always `"TargetNotFoundError"`. */
  override readonly name = "TargetNotFoundError";
}

function sourceConditionActive(): boolean {
  const flags = `${process.execArgv.join(" ")} ${process.env.NODE_OPTIONS ?? ""}`;
  return flags.includes("@alloc/source");
}

/**
 * Resolves `name`'s main entry from `cwd` (default `process.cwd()`).
 *
 * @example
 * ```ts
 * resolveFromCwd("@alloc/core").file; // ".../node_modules/@alloc/core/dist/index.js"
 * ```
 */
export function resolveFromCwd(name: string, cwd: string = process.cwd()): ResolvedEntry {
  let dir = resolve(cwd);
  for (;;) {
    // The package itself (self-reference, e.g. running inside packages/core), or a dependency.
    const own = join(dir, "package.json");
    const isSelf = existsSync(own) && (JSON.parse(readFileSync(own, "utf8")) as { name?: string }).name === name;
    const pj = isSelf ? own : join(dir, "node_modules", ...name.split("/"), "package.json");
    if (existsSync(pj)) {
      const packageDir = dirname(pj);
      const manifest = JSON.parse(readFileSync(pj, "utf8")) as { exports?: unknown; main?: string };
      const dot = (manifest.exports as Record<string, unknown> | undefined)?.["."];
      const conditions = typeof dot === "object" && dot !== null ? (dot as Record<string, string>) : {};
      const source = conditions["@alloc/source"];
      const built = conditions.import ?? conditions.default ?? (typeof dot === "string" ? dot : manifest.main);
      const builtFile = built === undefined ? undefined : join(packageDir, built);
      const useSource = source !== undefined && (sourceConditionActive() || builtFile === undefined || !existsSync(builtFile));
      const file = useSource ? join(packageDir, source!) : builtFile;
      if (file === undefined) throw new TargetNotFoundError(`${name}: no usable entry in ${pj}`);
      return { packageDir, file, fromSource: useSource };
    }
    const up = dirname(dir);
    if (up === dir) throw new TargetNotFoundError(`cannot find ${name} from ${cwd}: run alloc-fuzz in a project that depends on it`);
    dir = up;
  }
}

/**
 * Imports `name` as resolved by {@link resolveFromCwd}.
 *
 * @example
 * ```ts
 * const { IntervalTree } = await importFromCwd<typeof import("@alloc/core")>("@alloc/core");
 * ```
 */
export async function importFromCwd<M>(name: string, cwd?: string): Promise<M> {
  const entry = resolveFromCwd(name, cwd);
  return (await import(pathToFileURL(entry.file).href)) as M;
}

/** The shape of `@alloc/core` that `alloc-fuzz` needs. */
interface CoreModule {
  readonly IntervalTree: new () => unknown;
}

/** The shape of `@alloc/vm-resources` that `alloc-fuzz` needs. */
interface VmResourcesModule {
  readonly ResourceManager: { fromPreset(arch: string): ManagerUnderTest; restore(json: string): ManagerUnderTest };
}

/** Loads `@alloc/core` from `cwd`: a factory of empty `IntervalTree`s. */
export async function loadTreeTarget(cwd?: string): Promise<AllocatorFactory<unknown>> {
  const core = await importFromCwd<CoreModule>("@alloc/core", cwd);
  return () => new core.IntervalTree() as AllocatorUnderTest<unknown>;
}

/** Loads `@alloc/vm-resources` from `cwd`: x86_64-preset managers. */
export async function loadManagerTarget(cwd?: string): Promise<ManagerFactory> {
  const vm = await importFromCwd<VmResourcesModule>("@alloc/vm-resources", cwd);
  return { create: () => vm.ResourceManager.fromPreset("x86_64"), restore: (json) => vm.ResourceManager.restore(json) };
}
