/**
 * Planning a VM: lay out guest RAM and every device of a {@link VmDescription}
 * with a {@link ResourceManager}, then render the result as text or JSON.
 *
 * Guest RAM is placed first (owner `guest-ram`, exact regions filling the
 * layout's RAM space, one KVM memory slot each), then devices in order; each
 * device is all-or-nothing. A device that cannot be placed raises
 * `INVALID_REQUEST`/`NO_FIT`/`CONFLICT` with `details.path` pointing at the
 * failing request. Cost: O(d log n) for d requests.
 */
import { AllocError, isAllocError, safeLine } from "@alloc/constraint";
import { MadeHere } from "./internal/madeHere.js";
import { POOL_NAMES, ramRegions } from "./Layout.js";
import { RAM_OWNER, checkedVmDescription } from "./description.js";
import type { VmDescription } from "./description.js";
import { ResourceManager, describeResourceOwn } from "./ResourceManager.js";
import type { Resource, ResourceRequest } from "./requests.js";
import { entryJSONOwn, resourceJSONOwn } from "./Snapshot.js";

/** One planned device. */
export interface PlannedDevice {
  /** The owner name. */
  readonly name: string;
  /** Its label. */
  readonly type: string;
  /** What it was given, in request order. */
  readonly resources: readonly Resource[];
}

/** The result of planning a VM. */
export interface Plan {
  /** The VM name. */
  readonly name: string;
  /** The manager holding the plan. */
  readonly manager: ResourceManager;
  /** Guest RAM, then every device, in order. */
  readonly devices: readonly PlannedDevice[];
}

/**
 * Lays out a VM described by {@link parseVmDescription} (anything else is
 * `INVALID_ARGUMENT`); throws an `AllocError` with `details.path` on the
 * first device that cannot be placed. The plan is frozen.
 *
 * @example
 * ```ts
 * const plan = planVm(parseVmDescription(EXAMPLE_MICROVM));
 * plan.devices.length; // 11 (guest RAM + 10 devices)
 * ```
 */
export function planVm(description: VmDescription): Plan {
  const vm = checkedVmDescription(description);
  const manager = new ResourceManager(vm.layout);
  const devices: PlannedDevice[] = [];
  let regions;
  try {
    regions = ramRegions(vm.layout, vm.memory);
  } catch (e) {
    throw new AllocError(
      "INVALID_REQUEST",
      `guest memory of 0x${vm.memory.toString(16)} bytes does not fit layout ${vm.layout.name}`,
      { path: "$.memory" },
      { cause: e },
    );
  }
  const ramReqs: ResourceRequest[] = [];
  for (const r of regions) ramReqs.push({ kind: "mem", base: r.min, size: r.size }, { kind: "mem-slot" });
  try {
    devices.push({ name: RAM_OWNER, type: "guest RAM", resources: manager.allocateDevice(RAM_OWNER, ramReqs) });
  } catch (e) {
    throw new AllocError("INVALID_REQUEST", `guest RAM cannot be placed: ${(e as Error).message}`, { path: "$.memory" }, { cause: e });
  }
  vm.devices.forEach((d, i) => {
    try {
      devices.push({ name: d.name, type: d.type, resources: manager.allocateDevice(d.name, d.requests) });
    } catch (e) {
      if (!isAllocError(e)) throw e;
      const j = e.details.request;
      const path = j === undefined ? `$.devices[${i}]` : `$.devices[${i}].requests[${j}]`;
      throw new AllocError(e.code, e.message, { ...e.details, path }, { cause: e });
    }
  });
  return PLANS.add({ name: vm.name, manager, devices: Object.freeze(devices.map((d) => Object.freeze({ ...d, resources: Object.freeze(d.resources) }))) });
}

/** Every plan `planVm` made: frozen, so what the printers read is what was planned. */
const PLANS = new MadeHere<Plan>("plan", "a plan made by planVm");

/**
 * `value` if `planVm` made it; anything else (a copy, a look-alike) is
 * `INVALID_ARGUMENT`, before anything of it is read.
 *
 * @example
 * ```ts
 * checkedPlan(planVm(vm)); // the same plan
 * ```
 */
export function checkedPlan(value: unknown): Plan {
  return PLANS.check(value);
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((row) =>
    row
      .map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
}

/**
 * The human-readable plan: a table per device, then the address map (a dump of
 * every pool) and per-pool figures.
 *
 * @example
 * ```ts
 * console.log(formatPlan(plan));
 * ```
 */
export function formatPlan(plan: Plan): string {
  const m = checkedPlan(plan).manager;
  // Names are the description's text: escaped and cut (safeLine) like the dump's.
  const out: string[] = [`VM ${safeLine(plan.name)} — layout ${m.layout.name}`, ""];
  for (const d of plan.devices) {
    out.push(`${safeLine(d.name)} (${safeLine(d.type)})`);
    out.push(...table([["  kind", "resource"], ...d.resources.map((r) => [`  ${r.kind}`, describeResourceOwn(r)])]));
    out.push("");
  }
  out.push("Address map", m.dump().trimEnd(), "");
  out.push("Pool figures");
  const stats = m.stats();
  const rows: string[][] = [["  pool", "total", "used", "reserved", "free", "largest free", "fragments"]];
  for (const name of POOL_NAMES) {
    const s = stats[name];
    const h = (v: bigint): string => (name === "mmio" || name === "mem" ? `0x${v.toString(16)}` : v.toString());
    rows.push([`  ${name}`, h(s.total), h(s.used), h(s.reserved), h(s.free), h(s.largestFree), String(s.fragments)]);
  }
  out.push(...table(rows));
  return `${out.join("\n")}\n`;
}

/**
 * The machine-readable plan (u64s as `"0x…"` strings).
 *
 * @example
 * ```ts
 * JSON.parse(JSON.stringify(planToJSON(plan))).devices[0].name; // "guest-ram"
 * ```
 */
export function planToJSON(plan: Plan): Record<string, unknown> {
  const m = checkedPlan(plan).manager;
  const stats = m.stats();
  const pools: Record<string, unknown> = {};
  for (const name of POOL_NAMES) {
    const s = stats[name];
    pools[name] = {
      stats: {
        total: `0x${s.total.toString(16)}`,
        used: `0x${s.used.toString(16)}`,
        reserved: `0x${s.reserved.toString(16)}`,
        free: `0x${s.free.toString(16)}`,
        largestFree: `0x${s.largestFree.toString(16)}`,
        fragments: s.fragments,
      },
      ranges: [...m.entries(name)].map(entryJSONOwn),
    };
  }
  return {
    name: plan.name,
    layout: m.layout.name,
    sharedIrq: m.layout.legacyIrq.shared ?? null,
    devices: plan.devices.map((d) => ({ name: d.name, type: d.type, resources: d.resources.map(resourceJSONOwn) })),
    pools,
  };
}
