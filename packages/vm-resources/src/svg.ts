/**
 * `renderSvg`: the address map of a plan as a standalone SVG picture.
 *
 * Layout: one column per pool that has any space, ranges stacked top to bottom
 * in address order; box heights grow with the logarithm of the range size so
 * a 4 KiB window and a 1 TiB one both stay visible. Free space is light grey,
 * reserved holes hatched grey with their label, allocations coloured per owner
 * and labelled. A legend lists every device with its resources (devices that
 * only share the shared IRQ appear there). Every text is XML-escaped.
 * Cost: O(ranges + devices).
 */
import type { PoolName } from "./Layout.js";
import { POOL_NAMES } from "./Layout.js";
import type { Plan } from "./plan.js";
import { describeResource } from "./ResourceManager.js";

/**
 * Escapes text for XML character data and attribute values.
 *
 * @example
 * ```ts
 * xmlEscape('a<b & "c"'); // "a&lt;b &amp; &quot;c&quot;"
 * ```
 */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] as string);
}

function colour(owner: string): string {
  let h = 2166136261;
  for (let i = 0; i < owner.length; i++) h = Math.imul(h ^ owner.charCodeAt(i), 16777619);
  return `hsl(${(h >>> 0) % 360}, 65%, 72%)`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const TITLES: Record<PoolName, string> = {
  mmio: "MMIO",
  mem: "guest memory",
  pio: "port I/O",
  legacyIrq: "legacy IRQs",
  msi: "MSI vectors",
  deviceId: "device ids",
  memSlot: "KVM memory slots",
};

/**
 * The plan's address map as SVG text.
 *
 * @example
 * ```ts
 * fs.writeFileSync("map.svg", renderSvg(planVm(parseVmDescription(EXAMPLE_MICROVM))));
 * ```
 */
export function renderSvg(plan: Plan): string {
  const m = plan.manager;
  const colW = 290;
  const gap = 16;
  const margin = 16;
  const top = 56;
  const parts: string[] = [];
  let x = margin;
  let maxY = top;
  for (const name of POOL_NAMES) {
    const entries = [...m.entries(name)];
    if (entries.length === 0) continue;
    const wide = name === "mmio" || name === "mem";
    const fmt = (v: bigint): string => (wide ? `0x${v.toString(16)}` : name === "pio" ? `0x${v.toString(16)}` : v.toString());
    parts.push(`<text x="${x}" y="${top - 10}" class="pool">${xmlEscape(TITLES[name])}</text>`);
    let y = top;
    for (const e of entries) {
      const bits = e.range.size.toString(2).length;
      const h = 30 + Math.min(36, bits); // room for both text lines even for one unit
      const who = e.state === "allocated" ? e.owner : e.state === "reserved" ? `reserved: ${e.label}` : "free";
      const fill = e.state === "allocated" ? colour(e.owner) : e.state === "reserved" ? "url(#hatch)" : "#f3f3f3";
      const span = e.range.min === e.range.max ? fmt(e.range.min) : `${fmt(e.range.min)}–${fmt(e.range.max)}`;
      parts.push(
        `<g class="${e.state}"><rect x="${x}" y="${y}" width="${colW}" height="${h}" fill="${fill}" stroke="#555" stroke-width="0.6"/>` +
          `<text x="${x + 6}" y="${y + 14}" class="who">${xmlEscape(clip(who, 44))}</text>` +
          `<text x="${x + 6}" y="${y + 26}" class="span">${xmlEscape(span)}</text></g>`,
      );
      y += h;
    }
    if (name === "legacyIrq" && m.legacyIrq.shared !== undefined) {
      const users = m.sharersOfIrq();
      parts.push(
        `<g class="shared"><rect x="${x}" y="${y + 6}" width="${colW}" height="34" fill="#fff8d0" stroke="#555" stroke-width="0.6" stroke-dasharray="4 2"/>` +
          `<text x="${x + 6}" y="${y + 20}" class="who">${xmlEscape(clip(`shared IRQ ${m.legacyIrq.shared} (outside the pool)`, 44))}</text>` +
          `<text x="${x + 6}" y="${y + 32}" class="span">${xmlEscape(clip(users.join(", ") || "unused", 48))}</text></g>`,
      );
      y += 40;
    }
    maxY = Math.max(maxY, y);
    x += colW + gap;
  }
  const width = Math.max(x - gap + margin, 600);
  let y = maxY + 36;
  parts.push(`<text x="${margin}" y="${y}" class="pool">devices</text>`);
  y += 8;
  for (const d of plan.devices) {
    y += 18;
    parts.push(
      `<g class="device"><rect x="${margin}" y="${y - 11}" width="12" height="12" fill="${colour(d.name)}" stroke="#555" stroke-width="0.6"/>` +
        `<text x="${margin + 18}" y="${y}" class="who">${xmlEscape(`${d.name} (${d.type})`)}</text>` +
        `<text x="${margin + 320}" y="${y}" class="span">${xmlEscape(d.resources.map(describeResource).join("; "))}</text></g>`,
    );
  }
  const height = y + margin;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace">`,
    `<title>${xmlEscape(`${plan.name}: address map (${m.layout.name})`)}</title>`,
    `<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#e4e4e4"/><line x1="0" y1="0" x2="0" y2="6" stroke="#aaa" stroke-width="2"/></pattern>`,
    `<style>.pool{font-size:14px;font-weight:bold}.who{font-size:11px}.span{font-size:10px;fill:#333}</style></defs>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${margin}" y="22" class="pool">${xmlEscape(`${plan.name} — ${m.layout.name}`)}</text>`,
    ...parts,
    `</svg>`,
    "",
  ].join("\n");
}
