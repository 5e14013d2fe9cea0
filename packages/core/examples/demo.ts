/**
 * Demo: the MMIO pool of a small VM. Builds the pool, allocates device windows
 * with each policy (first/last match, best fit, a window, alignment, exact
 * placement), frees a few, and prints the resulting map and the pool figures.
 *
 * Run from the repo root: `pnpm demo`
 * (that is `tsx --conditions=@alloc/source packages/core/examples/demo.ts`).
 */
import { IntervalTree, Range, exactly, isAllocError } from "@alloc/core";
import type { ConstraintLike } from "@alloc/core";

const hex = (v: bigint): string => `0x${v.toString(16).padStart(10, "0")}`;
const bytes = (v: bigint): string => (v % 0x10_0000n === 0n ? `${v / 0x10_0000n} MiB` : `${v / 0x400n} KiB`);

// 32-bit MMIO hole [0xd000_0000, 0xfebf_ffff] and 64 GiB of 64-bit MMIO above 4 GiB.
// [0xfec0_0000, 0xfeff_ffff] (IOAPIC, LAPIC) is not in the pool at all: it can never be handed out.
const pool = new IntervalTree<string>();
// A fixed device that was there first sits inside the hole: the pool records it as valued
// (taken, with its owner) and the free space around it as two free ranges.
pool.insert(new Range(0xd000_0000, 0xfdff_ffff));
pool.insert(Range.withSize(0xfe00_0000, 0x10_0000), "vga-framebuffer");
pool.insert(new Range(0xfe10_0000, 0xfebf_ffff));
pool.insert(new Range(0x1_0000_0000n, 0x10_ffff_ffffn));

function take(owner: string, constraint: ConstraintLike): Range {
  const r = pool.allocateOrThrow(constraint); // NO_FIT if nothing fits
  pool.update(r, owner); // attach the owner to the allocated range
  return r;
}

// First match (the default, the reference crate's behaviour): lowest address that fits.
take("virtio-net BAR0", { size: 0x1000, align: 0x1000 });
// Aligned: a 64 KiB BAR must start on a 64 KiB boundary.
take("virtio-blk BAR0", { size: 0x1_0000, align: 0x1_0000 });
// Last match: from the top of the 32-bit hole down (below the framebuffer).
take("pci-ecam", { size: 0x100_0000, align: 0x100_0000, max: 0xfdff_ffff, policy: "last-match" });
// Windowed: a 1 GiB prefetchable window above 4 GiB.
const gpu = take("gpu BAR2 (prefetchable)", { size: 0x4000_0000n, align: 0x4000_0000n, min: 0x1_0000_0000n });
// Exact placement: restore a device at the address it had before a snapshot.
take("rtc (restored)", exactly(0xd100_0000, 0x1000));
// Best fit: the smallest free range that fits, here the gap left below the aligned virtio-blk BAR.
take("virtio-rng BAR0", { size: 0x1000, policy: "best-fit" });
const scratch = take("scratch", { size: 0x2000 });

// Free two of them: freed space merges with free neighbours.
const owner = pool.free(scratch);
pool.free(gpu);
console.log(`freed ${owner} and the gpu window\n`);

// A refused call changes nothing and says why.
try {
  pool.allocateOrThrow(exactly(0xd100_0000, 0x10)); // the rtc is there
} catch (e) {
  if (isAllocError(e)) console.log(`refused as expected: ${e.code}: ${e.message}\n`);
}

console.log("MMIO map:");
for (const [r, state] of pool) {
  const who = state.kind === "valued" ? state.value : "";
  console.log(`  [${hex(r.min)}, ${hex(r.max)}]  ${state.kind.padEnd(9)}  ${who}`);
}

const s = pool.stats();
console.log(
  `\nstats: total ${bytes(s.total)}, free ${bytes(s.free)}, allocated ${bytes(s.allocated)}, ` +
    `largest free ${bytes(s.largestFree)}, ${s.freeFragments} free fragments, ${s.ranges} ranges`,
);
pool.checkInvariants();
