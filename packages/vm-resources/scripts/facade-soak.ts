// Soak of the three facades against their naive upstream models: at least
// CALLS calls per facade (default 1,000,000), in runs of 1,000 calls from
// consecutive seeds, every answer compared. Not part of `pnpm test`.
//   pnpm --filter @alloc/vm-resources exec tsx --conditions=@alloc/source scripts/facade-soak.ts [calls] [firstSeed]
import { driveDragonball, driveFirecracker, driveRustVmm } from "../test/facades/differential.js";

const target = Number(process.argv[2] ?? 1_000_000);
const firstSeed = Number(process.argv[3] ?? 1);
const PER_RUN = 1000;
const drivers = { "rust-vmm": driveRustVmm, firecracker: driveFirecracker, dragonball: driveDragonball } as const;

let failed = false;
for (const [name, drive] of Object.entries(drivers)) {
  const t0 = performance.now();
  let calls = 0;
  let runs = 0;
  const divergences: string[] = [];
  for (let seed = firstSeed; calls < target; seed++) {
    const r = drive(seed, PER_RUN);
    calls += r.calls;
    runs++;
    if (r.divergence !== undefined) divergences.push(r.divergence);
  }
  const s = (performance.now() - t0) / 1000;
  console.log(`${name}: ${calls} calls in ${runs} runs (seeds ${firstSeed}..${firstSeed + runs - 1}), ${divergences.length} divergences, ${s.toFixed(1)} s`);
  for (const d of divergences.slice(0, 5)) console.log(`  ${d}`);
  if (divergences.length > 0) failed = true;
}
process.exit(failed ? 1 : 0);
