/**
 * Facade call cost, each beside the manager call it makes (run:
 * `pnpm --filter @alloc/vm-resources exec tsx bench/facades.ts`). Same
 * process, warmed up, `BENCH_RUNS` runs (default 9) of N pairs each; prints
 * the median and the min–max in ns per allocate + free pair.
 *
 * - rust-vmm `AddressAllocator`: allocate(0x1000, 0x1000) + free with 1,000
 *   ranges held; the manager's own `mmio` request with a `range`, then
 *   `freeDevice`;
 * - rust-vmm `IdAllocator`: allocateId + freeId with 100 ids held; the
 *   manager's `legacy-irq` request, then `freeDevice`;
 * - Dragonball: a device of three requests (MMIO, legacy IRQ, 3 MSI-X
 *   vectors) allocated and freed; the manager's `allocateDevice` of the same.
 *
 * Restarts itself with `--conditions=@alloc/source` (no build needed).
 */
import { spawnSync } from "node:child_process";
import { cpus, loadavg, platform, arch as osArch } from "node:os";
import { fileURLToPath } from "node:url";

const CONDITION = "--conditions=@alloc/source";
if (!process.execArgv.includes(CONDITION)) {
  const r = spawnSync(process.execPath, [...process.execArgv, CONDITION, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(r.status ?? 1);
}

const { AddressAllocator, AllocPolicy, IdAllocator } = await import("../src/facades/rust-vmm/index.js");
const { DragonballResourceManager, ResourceConstraint } = await import("../src/facades/dragonball/index.js");

const RUNS = Number(process.env["BENCH_RUNS"] ?? 9);

/** ns per call of `pair` over `n` calls, `RUNS` times after a warm-up: [median, min, max]. */
function measure(n: number, pair: () => void): [number, number, number] {
  for (let i = 0; i < n; i++) pair();
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) pair();
    times.push(Number(process.hrtime.bigint() - t0) / n);
  }
  times.sort((a, b) => a - b);
  return [times[times.length >> 1] as number, times[0] as number, times[times.length - 1] as number];
}

function line(name: string, [med, min, max]: [number, number, number]): void {
  console.log(`${name.padEnd(64)} ${(med / 1000).toFixed(2).padStart(6)} µs  (${(min / 1000).toFixed(2)}–${(max / 1000).toFixed(2)})`);
}

console.log(
  `machine: ${cpus()[0]?.model ?? "unknown cpu"} x${cpus().length}, ${platform()} ${osArch()}, node ${process.version}, load ${loadavg()[0]?.toFixed(1)}`,
);
console.log(`runs per figure: ${RUNS}; median (min–max) per allocate + free pair\n`);

{
  const pool = new AddressAllocator(0x1_0000_0000n, 1n << 40n);
  for (let i = 0; i < 1000; i++) pool.allocate(0x1000, 0x1000, AllocPolicy.FirstMatch);
  line(
    "rust-vmm AddressAllocator allocate + free (1,000 held)",
    measure(20_000, () => pool.free(pool.allocate(0x1000, 0x1000, AllocPolicy.FirstMatch))),
  );
  const rm = pool.manager;
  const range = { min: pool.base(), max: pool.end() };
  line(
    "  manager: mmio request with a range + freeDevice",
    measure(20_000, () => {
      rm.allocateDevice("bench", [{ kind: "mmio", window: "low", is64bit: true, size: 0x1000n, align: 0x1000n, range }]);
      rm.freeDevice("bench");
    }),
  );
}
{
  const ids = new IdAllocator(0, 4095);
  for (let i = 0; i < 100; i++) ids.allocateId();
  line(
    "rust-vmm IdAllocator allocateId + freeId (100 held)",
    measure(50_000, () => ids.freeId(ids.allocateId())),
  );
  const rm = ids.manager;
  line(
    "  manager: legacy-irq request + freeDevice",
    measure(50_000, () => {
      rm.allocateDevice("bench", [{ kind: "legacy-irq" }]);
      rm.freeDevice("bench");
    }),
  );
}
{
  const mgr = new DragonballResourceManager();
  const requests = [ResourceConstraint.newMmio(0x1000), ResourceConstraint.newLegacyIrq(undefined), ResourceConstraint.newPciMsixIrq(3)];
  line(
    "Dragonball device (MMIO, IRQ, 3 MSI-X) allocate + free",
    measure(20_000, () => mgr.freeDeviceResources(mgr.allocateDeviceResources(requests, false))),
  );
  const rm = mgr.manager;
  line(
    "  manager: allocateDevice of the same three + freeDevice",
    measure(20_000, () => {
      rm.allocateDevice("bench", [
        { kind: "mmio", size: 0x1000n, align: 1n, is64bit: true, window: "low" },
        { kind: "legacy-irq" },
        { kind: "pci-msix", count: 3 },
      ]);
      rm.freeDevice("bench");
    }),
  );
}
