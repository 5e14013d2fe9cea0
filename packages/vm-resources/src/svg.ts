/**
 * `renderSvg`: the address map of a plan as a standalone SVG picture.
 *
 * Layout: one column per pool that has any space, ranges stacked top to bottom
 * in address order. Box heights follow {@link SvgOptions.scale}: by default
 * they grow gently with the size so a 4 KiB window and a 1 TiB one both stay
 * readable; `linear` and `log` draw each pool to scale. Free space is light
 * grey, reserved holes hatched grey, allocations coloured per owner so that no
 * two owners drawn next to each other share a colour. Labels wrap inside their
 * box and are never drawn past it; every box and legend entry carries a
 * `<title>` tooltip with its full text. A legend lists every device with its
 * resources. Every text is XML-escaped. Cost: O(ranges + devices + text).
 */
import { AllocError, describeValue, readRecord } from "@alloc/constraint";
import type { PoolName } from "./Layout.js";
import { POOL_NAMES } from "./Layout.js";
import { checkedPlan } from "./plan.js";
import type { Plan } from "./plan.js";
import type { PoolEntry } from "./pools/Pool.js";
import { describeResourceOwn } from "./ResourceManager.js";

/**
 * How box heights relate to range sizes: `uniform` (default) grows gently with
 * the size, for reading labels; `linear` is proportional within each pool;
 * `log` is proportional to the logarithm of the size; `auto` picks `log` for a
 * pool whose sizes span more than three orders of magnitude, else `linear`.
 */
export type SvgScale = "uniform" | "linear" | "log" | "auto";

/** Every {@link SvgScale}, in the order the help texts list them. */
export const SVG_SCALES: readonly SvgScale[] = Object.freeze(["uniform", "linear", "log", "auto"] as const);

/** Options of {@link renderSvg}. */
export interface SvgOptions {
  /** Box heights; default `uniform`. */
  readonly scale?: SvgScale;
}

// The one read of renderSvg's options: unknown keys refused, `scale` one of SVG_SCALES.
function readScale(options: unknown): SvgScale {
  if (options === undefined) return "uniform";
  const { scale } = readRecord(options, ["scale"], { what: "SVG options", code: "INVALID_ARGUMENT" });
  if (scale === undefined) return "uniform";
  if (typeof scale === "string" && (SVG_SCALES as readonly string[]).includes(scale)) return scale as SvgScale;
  throw new AllocError("INVALID_ARGUMENT", `SVG option scale must be one of ${SVG_SCALES.join(", ")}; got ${describeValue(scale)}`, {
    argument: "scale",
    value: scale,
  });
}

/**
 * Escapes text for XML character data and attribute values (`INVALID_ARGUMENT`
 * for anything but a string).
 *
 * @example
 * ```ts
 * xmlEscape('a<b & "c"'); // "a&lt;b &amp; &quot;c&quot;"
 * ```
 */
export function xmlEscape(text: string): string {
  if (typeof text !== "string") throw new AllocError("INVALID_ARGUMENT", `text must be a string; got ${describeValue(text)}`, { argument: "text" });
  // Characters XML 1.0 forbids outright (lone surrogates included) are dropped; markup characters become entities.
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "")
    .replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] as string);
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

// Twelve hues far apart, in two lightnesses: 24 colours for the greedy colouring below.
const HUES: readonly number[] = [0, 210, 120, 30, 270, 180, 60, 330, 150, 240, 90, 300];
const PALETTE: readonly string[] = [72, 60].flatMap((l) => HUES.map((h) => `hsl(${h}, 62%, ${l}%)`));

/** Font metrics of the monospace labels (px per character, line height). */
const WHO = { size: 11, char: 6.7, line: 13 };
const SPAN = { size: 10, char: 6.1, line: 12 };
const COLUMN = 290;
const PAD = 6;
const SCALED_HEIGHT = 720;

/** Breaks `text` into lines of at most `width` characters, preferring spaces and punctuation. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width) {
    let cut = -1;
    for (let i = width; i > width / 2; i--) {
      const c = rest[i - 1];
      if (c === " " || c === "," || c === ";" || c === "/" || c === "-" || c === "_" || c === ")") {
        cut = i;
        break;
      }
    }
    if (cut < 0) cut = width;
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0 || lines.length === 0) lines.push(rest);
  return lines;
}

/** At most `max` lines; the last one kept ends in an ellipsis when some were dropped. */
function fit(lines: readonly string[], max: number, width: number): string[] {
  if (lines.length <= max) return [...lines];
  if (max <= 0) return [];
  const kept = lines.slice(0, max);
  const last = kept[max - 1] as string;
  kept[max - 1] = `${last.length >= width ? last.slice(0, width - 1) : last}…`;
  return kept;
}

/**
 * Owner colours: greedy colouring of the graph "drawn next to each other"
 * (consecutive allocations of a pool, free space between them ignored), so
 * neighbours always differ; owners with no conflict reuse colours in plan order.
 */
function ownerColours(plan: Plan, columns: readonly (readonly PoolEntry[])[]): Map<string, string> {
  const next = new Map<string, Set<string>>();
  const link = (a: string, b: string): void => {
    if (a === b) return;
    (next.get(a) ?? next.set(a, new Set()).get(a)!).add(b);
    (next.get(b) ?? next.set(b, new Set()).get(b)!).add(a);
  };
  for (const entries of columns) {
    let previous: string | undefined;
    for (const e of entries) {
      if (e.state !== "allocated") continue;
      if (previous !== undefined) link(previous, e.owner);
      previous = e.owner;
    }
  }
  const owners = [...new Set([...plan.devices.map((d) => d.name), ...columns.flatMap((c) => c.filter((e) => e.state === "allocated").map((e) => e.owner))])];
  const colours = new Map<string, number>();
  const hue = (c: number): number => (c % HUES.length) as number;
  const near = (a: number, b: number): boolean => {
    const d = Math.abs((HUES[hue(a)] as number) - (HUES[hue(b)] as number));
    return Math.min(d, 360 - d) < 50;
  };
  owners.forEach((owner, i) => {
    const taken = [...(next.get(owner) ?? [])].map((o) => colours.get(o)).filter((c) => c !== undefined);
    const order = PALETTE.map((_, k) => (i + k) % PALETTE.length);
    // Prefer a hue far from every neighbour's; else any colour no neighbour has.
    const pick = order.find((c) => taken.every((t) => !near(c, t))) ?? order.find((c) => !taken.includes(c)) ?? i % PALETTE.length;
    colours.set(owner, pick);
  });
  return new Map([...colours].map(([owner, c]) => [owner, PALETTE[c] as string]));
}

function sizeText(size: bigint): string {
  for (const [unit, shift] of [
    ["TiB", 40n],
    ["GiB", 30n],
    ["MiB", 20n],
    ["KiB", 10n],
  ] as const) {
    if (size >= 1n << shift && size % (1n << shift) === 0n) return `${size >> shift} ${unit}`;
  }
  return size.toString();
}

/** Relative weights of box heights for one pool, or undefined for the default readable heights. */
function weights(entries: readonly PoolEntry[], scale: SvgScale): number[] | undefined {
  if (scale === "uniform") return undefined;
  const sizes = entries.map((e) => Number(e.range.size));
  const log = scale === "log" || (scale === "auto" && Math.max(...sizes) / Math.min(...sizes) > 1000);
  return log ? sizes.map((s) => Math.log2(s) + 1) : sizes;
}

function textLines(x: number, y: number, lines: readonly string[], cls: string, lineHeight: number): string {
  return lines.map((l, i) => `<text x="${x}" y="${y + i * lineHeight}" class="${cls}">${xmlEscape(l)}</text>`).join("");
}

/**
 * The plan's address map as SVG text.
 *
 * @example
 * ```ts
 * fs.writeFileSync("map.svg", renderSvg(planVm(parseVmDescription(EXAMPLE_MICROVM)), { scale: "auto" }));
 * ```
 */
export function renderSvg(plan: Plan, options?: SvgOptions): string {
  const m = checkedPlan(plan).manager;
  const scale = readScale(options);
  const gap = 16;
  const margin = 16;
  const top = 56;
  const whoWidth = Math.floor((COLUMN - 2 * PAD) / WHO.char);
  const spanWidth = Math.floor((COLUMN - 2 * PAD) / SPAN.char);
  const pools = POOL_NAMES.map((name) => ({ name, entries: [...m.entries(name)] })).filter((p) => p.entries.length > 0);
  const colours = ownerColours(
    plan,
    pools.map((p) => p.entries),
  );
  const parts: string[] = [];
  let x = margin;
  let maxY = top;
  for (const { name, entries } of pools) {
    const fmt = (v: bigint): string => (name === "mmio" || name === "mem" || name === "pio" ? `0x${v.toString(16)}` : v.toString());
    parts.push(`<text x="${x}" y="${top - 10}" class="pool">${xmlEscape(TITLES[name])}</text>`);
    const w = weights(entries, scale);
    const total = w === undefined ? 0 : w.reduce((a, b) => a + b, 0);
    let y = top;
    entries.forEach((e, i) => {
      const who = e.state === "allocated" ? e.owner : e.state === "reserved" ? `reserved: ${e.label}` : "free";
      const fill = e.state === "allocated" ? (colours.get(e.owner) as string) : e.state === "reserved" ? "url(#hatch)" : "#f3f3f3";
      const span = e.range.min === e.range.max ? fmt(e.range.min) : `${fmt(e.range.min)}–${fmt(e.range.max)}`;
      const whoLines = wrap(who, whoWidth);
      const spanLines = wrap(span, spanWidth);
      const natural = PAD + whoLines.length * WHO.line + spanLines.length * SPAN.line;
      const h =
        w === undefined ? Math.max(natural, 30 + Math.min(36, e.range.size.toString(2).length)) : Math.max(2, (SCALED_HEIGHT * (w[i] as number)) / total);
      // Whatever does not fit the box is left to the tooltip.
      let room = Math.floor((h - PAD) / WHO.line);
      const shownWho = fit(whoLines, Math.min(room, whoLines.length), whoWidth);
      room = Math.floor((h - PAD - shownWho.length * WHO.line) / SPAN.line);
      const shownSpan = shownWho.length === whoLines.length ? fit(spanLines, room, spanWidth) : [];
      const tip = `${who}\n${span} (${sizeText(e.range.size)})`;
      parts.push(
        `<g class="${e.state}"><title>${xmlEscape(tip)}</title><rect x="${x}" y="${y.toFixed(1)}" width="${COLUMN}" height="${h.toFixed(1)}" fill="${fill}" stroke="#555" stroke-width="0.6"/>` +
          textLines(x + PAD, y + 2 + WHO.size, shownWho, "who", WHO.line) +
          textLines(x + PAD, y + 2 + WHO.size + shownWho.length * WHO.line, shownSpan, "span", SPAN.line) +
          `</g>`,
      );
      y += h;
    });
    const shared = name === "legacyIrq" ? m.layout.legacyIrq.shared : undefined;
    if (shared !== undefined) {
      const users = m.sharersOfIrq().join(", ") || "unused";
      const head = wrap(`shared IRQ ${shared} (outside the pool)`, whoWidth);
      const body = wrap(users, spanWidth);
      const h = PAD + head.length * WHO.line + body.length * SPAN.line;
      parts.push(
        `<g class="shared"><title>${xmlEscape(`shared IRQ ${shared}: ${users}`)}</title><rect x="${x}" y="${(y + 6).toFixed(1)}" width="${COLUMN}" height="${h}" fill="#fff8d0" stroke="#555" stroke-width="0.6" stroke-dasharray="4 2"/>` +
          textLines(x + PAD, y + 8 + WHO.size, head, "who", WHO.line) +
          textLines(x + PAD, y + 8 + WHO.size + head.length * WHO.line, body, "span", SPAN.line) +
          `</g>`,
      );
      y += h + 6;
    }
    maxY = Math.max(maxY, y);
    x += COLUMN + gap;
  }
  const width = Math.max(x - gap + margin, 600);
  const legendWho = Math.floor((width - 2 * margin - 18) / WHO.char);
  const legendSpan = Math.floor((width - 2 * margin - 18) / SPAN.char);
  let y = maxY + 36;
  parts.push(`<text x="${margin}" y="${y}" class="pool">devices</text>`);
  y += 10;
  for (const d of plan.devices) {
    const label = `${d.name} (${d.type})`;
    const resources = d.resources.map(describeResourceOwn).join("; ");
    const head = wrap(label, legendWho);
    const body = wrap(resources, legendSpan);
    y += 8;
    parts.push(
      `<g class="device"><title>${xmlEscape(`${label}: ${resources}`)}</title><rect x="${margin}" y="${y}" width="12" height="12" fill="${colours.get(d.name) as string}" stroke="#555" stroke-width="0.6"/>` +
        textLines(margin + 18, y + WHO.size, head, "who", WHO.line) +
        textLines(margin + 18, y + WHO.size + head.length * WHO.line, body, "span", SPAN.line) +
        `</g>`,
    );
    y += head.length * WHO.line + body.length * SPAN.line;
  }
  const height = Math.ceil(y + margin);
  const note = scale === "uniform" ? "" : ` — box heights ${scale === "auto" ? "to scale (log where sizes span orders of magnitude)" : `to ${scale} scale`}`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace">`,
    `<title>${xmlEscape(`${plan.name}: address map (${m.layout.name})`)}</title>`,
    `<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#e4e4e4"/><line x1="0" y1="0" x2="0" y2="6" stroke="#aaa" stroke-width="2"/></pattern>`,
    `<style>.pool{font-size:14px;font-weight:bold}.who{font-size:${WHO.size}px}.span{font-size:${SPAN.size}px;fill:#333}</style></defs>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${margin}" y="22" class="pool">${xmlEscape(`${plan.name} — ${m.layout.name}${note}`)}</text>`,
    ...parts,
    `</svg>`,
    "",
  ].join("\n");
}
