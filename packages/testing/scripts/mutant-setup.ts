/** Vitest setup file of ../vitest.mutants.config.ts: applies the mutant named by `ALLOC_MUTANT` before each test file. */
import { MUTANTS, apply, loadStoreProto } from "./mutants.js";

const name = process.env["ALLOC_MUTANT"];
const mutant = MUTANTS.find((m) => m.name === name);
if (mutant === undefined) throw new Error(`ALLOC_MUTANT must name a mutant; known: ${MUTANTS.map((m) => m.name).join(", ")}`);
apply(await loadStoreProto(), mutant);
