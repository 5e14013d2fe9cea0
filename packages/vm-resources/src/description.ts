/**
 * VM descriptions: the JSON input of `alloc-plan`.
 *
 * Shape: `{ name?, arch | layout, flavor?, memory, devices: [{ name, type?,
 * requests: [...] }] }`, where `memory` is bytes (number, `"0x…"`, or a string
 * like `"512MiB"`/`"2GiB"`), and each request is a {@link ResourceRequest} in
 * JSON (u64s as numbers or `"0x…"` strings) or `{ kind: "bar", size, is64bit?,
 * prefetchable? }` for a PCI BAR. Parsing is O(input) and throws
 * `INVALID_REQUEST` with `details.path` (`$.devices[2].requests[0].size`).
 */
import { AllocError, isAllocError } from "@alloc/constraint";
import { defineLayout } from "./Layout.js";
import type { Layout } from "./Layout.js";
import { presetLayout } from "./presets.js";
import type { Arch, Flavor } from "./presets.js";
import { checkRequest, pciBar } from "./requests.js";
import type { ResourceRequest } from "./requests.js";
import { Reader, kindOf } from "./internal/validate.js";

/** One device of a VM description. */
export interface DeviceDescription {
  readonly name: string;
  readonly type: string;
  readonly requests: readonly ResourceRequest[];
}

/** A parsed, validated VM description. */
export interface VmDescription {
  readonly name: string;
  readonly layout: Layout;
  readonly memory: bigint;
  readonly devices: readonly DeviceDescription[];
}

const UNITS: Record<string, bigint> = { "": 1n, B: 1n, KiB: 1n << 10n, MiB: 1n << 20n, GiB: 1n << 30n, TiB: 1n << 40n };

function memorySize(rd: Reader, value: unknown, path: string): bigint {
  if (typeof value === "string") {
    const m = /^([0-9]+)\s*(B|KiB|MiB|GiB|TiB)$/.exec(value);
    if (m !== null) return BigInt(m[1] as string) * (UNITS[m[2] as string] as bigint);
  }
  const v = rd.u64(value, path);
  if (v === 0n) rd.fail(path, "guest memory must be at least 1 byte");
  return v;
}

const REQUEST_KEYS: Record<string, readonly string[]> = {
  pio: ["size", "align", "range", "base"],
  mmio: ["size", "align", "range", "base", "window", "prefetchable", "is64bit", "policy"],
  mem: ["size", "align", "range", "base", "policy"],
  "legacy-irq": ["irq", "shared"],
  "pci-msi": ["count"],
  "pci-msix": ["count"],
  "generic-msi": ["count"],
  "mem-slot": ["slot", "count"],
  "device-id": ["id"],
  bar: ["size", "is64bit", "prefetchable"],
};
const REQUIRED: Record<string, readonly string[]> = { pio: ["size"], mmio: ["size"], mem: ["size"], "pci-msi": ["count"], "pci-msix": ["count"], "generic-msi": ["count"], bar: ["size"] };

function readRequest(rd: Reader, value: unknown, path: string): ResourceRequest {
  const head = rd.object(value, path, ["kind"], Object.values(REQUEST_KEYS).flat());
  const kind = rd.string(head["kind"], `${path}.kind`);
  const allowed = Object.hasOwn(REQUEST_KEYS, kind) ? REQUEST_KEYS[kind] : undefined;
  if (allowed === undefined) rd.fail(`${path}.kind`, `unknown request kind ${kindOf(kind)}; expected one of ${Object.keys(REQUEST_KEYS).join(", ")}`);
  const required = (Object.hasOwn(REQUIRED, kind) ? REQUIRED[kind] : undefined) ?? [];
  const o = rd.object(value, path, ["kind", ...required], allowed.filter((k) => !required.includes(k)));
  const out: Record<string, unknown> = { kind };
  for (const key of allowed) {
    const v = o[key];
    if (v === undefined) continue;
    const at = `${path}.${key}`;
    if (key === "range") {
      const { min, max } = rd.minMax(v, at);
      out[key] = { min, max };
    } else if (key === "prefetchable" || key === "is64bit" || key === "shared") {
      out[key] = rd.boolean(v, at);
    } else if (key === "window" || key === "policy") {
      out[key] = rd.string(v, at);
    } else if ((kind === "mmio" || kind === "mem" || kind === "bar") && (key === "size" || key === "align" || key === "base")) {
      out[key] = rd.u64(v, at);
    } else {
      out[key] = Number(rd.u64(v, at) > 0xffff_ffffn ? rd.fail(at, `expected an integer in 0..${0xffff_ffff}; got ${kindOf(v)}`) : rd.u64(v, at));
    }
  }
  try {
    if (kind === "bar") {
      return pciBar(out as { size: bigint; is64bit?: boolean; prefetchable?: boolean });
    }
    checkRequest(out as unknown as ResourceRequest);
  } catch (e) {
    if (!isAllocError(e)) throw e;
    const arg = e.details.argument;
    const field = arg !== undefined && arg !== "kind" ? `${path}.${arg}` : path;
    rd.fail(field, e.message.replace(/^[a-z.]+ must/, "must"));
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
  const memory = memorySize(rd, o["memory"], "$.memory");
  const seen = new Set<string>();
  const devices = rd.array(o["devices"], "$.devices").map((d, i) => {
    const at = `$.devices[${i}]`;
    const dev = rd.object(d, at, ["name", "requests"], ["type"]);
    const devName = rd.nonEmptyString(dev["name"], `${at}.name`);
    if (seen.has(devName)) rd.fail(`${at}.name`, `duplicate device name ${JSON.stringify(devName)}`);
    if (devName === RAM_OWNER) rd.fail(`${at}.name`, `${JSON.stringify(RAM_OWNER)} is the planner's name for guest RAM`);
    seen.add(devName);
    const type = dev["type"] === undefined ? "device" : rd.nonEmptyString(dev["type"], `${at}.type`);
    const requests = rd.array(dev["requests"], `${at}.requests`).map((r, j) => readRequest(rd, r, `${at}.requests[${j}]`));
    return { name: devName, type, requests };
  });
  return { name, layout, memory, devices };
}

/** The owner name the planner gives guest RAM. */
export const RAM_OWNER = "guest-ram";
