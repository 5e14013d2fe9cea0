import { readFileSync, writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

it("the README example runs", async () => {
  const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
  const code = /## Example\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toBeDefined();
  const file = join(import.meta.dirname, "_readme_example.generated.ts");
  writeFileSync(file, code!.replace('from "@alloc/vm-resources"', 'from "../src/index.js"'));
  const errors: unknown[] = [];
  const logs: unknown[] = [];
  const origErr = console.error;
  const origLog = console.log;
  console.error = (...a: unknown[]) => void errors.push(a);
  console.log = (...a: unknown[]) => void logs.push(a);
  try {
    await import(file);
  } finally {
    console.error = origErr;
    console.log = origLog;
    rmSync(file, { force: true });
  }
  expect(String(errors[0])).toContain('"clash": request 1');
  expect(String(logs[0])).toContain("serial0");
});
