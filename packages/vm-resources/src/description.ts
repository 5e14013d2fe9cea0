/**
 * VM descriptions: the JSON input of `alloc-plan`.
 *
 * Shape: `{ name?, arch | layout, flavor?, memory, devices: [{ name, type?,
 * requests: [...] }] }`, where `memory` and every request `size` follow one
 * size grammar (a number, a `"0x…"`/decimal string, or `"512MiB"`-style with
 * units B, KiB, MiB, GiB, TiB; never zero), other numbers are u64s (number or
 * `"0x…"`/decimal string), and each request is a {@link ResourceRequest} or
 * `{ kind: "bar", size, is64bit?, prefetchable? }` for a PCI BAR. Every object
 * is read once and unknown keys are refused. Parsing is O(input) and throws
 * `INVALID_REQUEST` with `details.path` (`$.devices[2].requests[0].size`).
 */
import { AllocError, isAllocError } from "@alloc/constraint";
import { MadeHere } from "./internal/madeHere.js";
import { defineLayout } from "./Layout.js";
import type { Layout } from "./Layout.js";
import { presetLayout } from "./presets.js";
import type { Arch, Flavor } from "./presets.js";
import { ANY_REQUEST_KEYS, findKind, kindNamed } from "./kinds/registry.js";
import { pciBar, readRequest } from "./requests.js";
import type { ResourceRequest } from "./requests.js";
import { quoteText } from "@alloc/constraint";
import { Reader, kindOf } from "./internal/validate.js";
import type { Tag } from "./internal/validate.js";

/** One device of a VM description. */
export interface DeviceDescription {
  /** The owner name (unique; not `guest-ram`). */
  readonly name: string;
  /** A label for tables (default `device`). */
  readonly type: string;
  /** Checked requests, in order. */
  readonly requests: readonly ResourceRequest[];
}

/** A parsed, validated VM description. */
export interface VmDescription {
  /** The VM name (default `vm`). */
  readonly name: string;
  /** The checked layout (a preset or a custom one). */
  readonly layout: Layout;
  /** Guest RAM in bytes (at least 1). */
  readonly memory: bigint;
  /** The devices, in order. */
  readonly devices: readonly DeviceDescription[];
}

const UNITS: ReadonlyMap<string, bigint> = new Map([
  ["B", 1n],
  ["KiB", 1n << 10n],
  ["MiB", 1n << 20n],
  ["GiB", 1n << 30n],
  ["TiB", 1n << 40n],
]);

/**
 * A size in the one grammar every size field of a description uses: a
 * safe-integer number, a `"0x…"` or decimal string, or a decimal with a binary
 * unit (`"512MiB"`, `"2 GiB"`; units B, KiB, MiB, GiB, TiB). Zero is refused
 * in every spelling (`0`, `"0"`, `"0x0"`, `"0GiB"`).
 */
function sizeValue(rd: Reader, value: unknown, path: string, what: string): bigint {
  let v: bigint | undefined;
  if (typeof value === "string") {
    const m = /^([0-9]{1,20})\s?(B|KiB|MiB|GiB|TiB)$/.exec(value);
    if (m !== null) {
      v = BigInt(m[1] as string) * (UNITS.get(m[2] as string) as bigint);
      if (v > 0xffff_ffff_ffff_ffffn) rd.fail(path, `${quoteText(value)} is more than 2^64-1 bytes`);
    }
  }
  v ??= rd.u64(value, path);
  if (v === 0n) rd.fail(path, `${what} must be at least 1 byte; got ${kindOf(value)}`);
  return v;
}

/** The request kinds of a description: the manager's, plus `bar` (a PCI BAR, see `pciBar`). */
const BAR_KEYS: readonly string[] = ["kind", "size", "is64bit", "prefetchable"];
/** Fields in the size grammar; other numeric fields are u64s (number or `"0x…"`/decimal string). */
const SIZE_KEYS: readonly string[] = ["size"];
const TEXT_KEYS: readonly string[] = ["kind", "window", "policy", "prefetchable", "is64bit", "shared"];

/** Every key a request of some kind may have, besides `kind`. */
const HEAD_KEYS: readonly string[] = [...new Set([...ANY_REQUEST_KEYS, ...BAR_KEYS])].filter((k) => k !== "kind");
/** A key no kind has is named with the keys of the request's kind, when `kind` comes before it. */
const KIND_TAG: Tag = {
  key: "kind",
  keysOf: (kind) => (kind === "bar" ? BAR_KEYS : findKind(kind)?.requestKeys),
};

function readRequestJSON(rd: Reader, value: unknown, path: string): ResourceRequest {
  const head = rd.object(value, path, ["kind"], HEAD_KEYS, KIND_TAG);
  const kindName = head["kind"];
  const isBar = kindName === "bar";
  const keys = isBar ? BAR_KEYS : kindNamed(kindName, `${path}.kind`, "INVALID_REQUEST").requestKeys;
  const o = rd.object(
    head,
    path,
    ["kind"],
    keys.filter((k) => k !== "kind"),
  );
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const v = o[key];
    if (v === undefined) continue;
    const at = `${path}.${key}`;
    if (TEXT_KEYS.includes(key)) out[key] = v;
    else if (key === "range") {
      const { min, max } = rd.minMax(v, at);
      out[key] = { min, max };
    } else if (SIZE_KEYS.includes(key)) out[key] = sizeValue(rd, v, at, key);
    else out[key] = rd.u64(v, at);
  }
  try {
    if (isBar) {
      const { kind: _kind, ...bar } = out;
      return pciBar(bar as { size: bigint });
    }
    readRequest(out);
  } catch (e) {
    if (!isAllocError(e)) throw e;
    const arg = e.details.argument;
    rd.fail(arg !== undefined ? `${path}.${arg}` : path, e.message.replace(/^[a-zA-Z.]+: /, ""));
  }
  return out as unknown as ResourceRequest;
}

/**
 * Validates a VM description (already parsed from JSON).
 *
 * @example
 * ```ts
 * const vm = parseVmDescription({ arch: "x86_64", memory: "1GiB", devices: [
 *   { name: "serial0", requests: [{ kind: "pio", size: 8, base: "0x3f8" }, { kind: "legacy-irq", irq: 4 }] },
 * ] });
 * ```
 */
export function parseVmDescription(value: unknown): VmDescription {
  const rd: Reader = new Reader("INVALID_REQUEST");
  const o = rd.object(value, "$", ["memory", "devices"], ["name", "arch", "flavor", "layout"]);
  const name = o["name"] === undefined ? "vm" : rd.nonEmptyString(o["name"], "$.name");
  let layout: Layout;
  if (o["layout"] !== undefined) {
    if (o["arch"] !== undefined) rd.fail("$.arch", "give either arch (a preset) or layout (a custom layout), not both");
    try {
      layout = defineLayout(o["layout"], { path: "$.layout" });
    } catch (e) {
      if (isAllocError(e)) throw new AllocError("INVALID_REQUEST", e.message, { ...e.details }, { cause: e });
      throw e;
    }
  } else {
    const arch = rd.string(o["arch"] ?? rd.fail("$.arch", "missing (x86_64 or aarch64), or give a custom layout"), "$.arch");
    if (arch !== "x86_64" && arch !== "aarch64") rd.fail("$.arch", `expected "x86_64" or "aarch64"; got ${kindOf(arch)}`);
    const flavor = o["flavor"] === undefined ? "dragonball" : rd.string(o["flavor"], "$.flavor");
    if (flavor !== "dragonball" && flavor !== "firecracker") rd.fail("$.flavor", `expected "dragonball" or "firecracker"; got ${kindOf(flavor)}`);
    layout = presetLayout(arch as Arch, flavor as Flavor);
  }
  const memory = sizeValue(rd, o["memory"], "$.memory", "guest memory");
  const seen = new Set<string>();
  const devices = rd.array(o["devices"], "$.devices").map((d, i) => {
    const at = `$.devices[${i}]`;
    const dev = rd.object(d, at, ["name", "requests"], ["type"]);
    const devName = rd.nonEmptyString(dev["name"], `${at}.name`);
    if (seen.has(devName)) rd.fail(`${at}.name`, `duplicate device name ${quoteText(devName)}`);
    if (devName === RAM_OWNER) rd.fail(`${at}.name`, `${JSON.stringify(RAM_OWNER)} is the planner's name for guest RAM`);
    seen.add(devName);
    const type = dev["type"] === undefined ? "device" : rd.nonEmptyString(dev["type"], `${at}.type`);
    const requests = rd.array(dev["requests"], `${at}.requests`).map((r, j) => readRequestJSON(rd, r, `${at}.requests[${j}]`));
    return Object.freeze({ name: devName, type, requests: Object.freeze(requests) });
  });
  return DESCRIPTIONS.add({ name, layout, memory, devices: Object.freeze(devices) });
}

/** Every description `parseVmDescription` made: frozen, so what is planned is what was checked. */
const DESCRIPTIONS = new MadeHere<VmDescription>("vm", "a description made by parseVmDescription");

/**
 * `value` if {@link parseVmDescription} made it; anything else is
 * `INVALID_ARGUMENT` before anything of it is read.
 *
 * @example
 * ```ts
 * checkedVmDescription(parseVmDescription(EXAMPLE_MICROVM)); // the same description
 * ```
 */
export function checkedVmDescription(value: unknown): VmDescription {
  return DESCRIPTIONS.check(value);
}

/** The owner name the planner gives guest RAM. */
export const RAM_OWNER = "guest-ram";
