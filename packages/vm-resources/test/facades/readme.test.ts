// The README's "after" examples of porting ten lines of Rust run as written.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");
const blocks = [...readme.matchAll(/### Porting ten lines: ([^\n]+)[\s\S]*?```rust\n[\s\S]*?```\s*```ts\n([\s\S]*?)```/g)];

it("has an example per facade", () => {
  expect(blocks.map((b) => b[1])).toEqual(["rust-vmm vm-allocator", "Firecracker", "Dragonball"]);
});

it.each(blocks.map((b) => [b[1] ?? "", b[2] ?? ""] as const))("the %s example runs", async (name, code) => {
  const file = join(import.meta.dirname, `_readme_${name.split(" ")[0]}.generated.ts`);
  writeFileSync(file, code.replace(/"@alloc\/vm-resources\/([a-z-]+)"/g, '"../../src/facades/$1/index.js"'));
  const logs: unknown[][] = [];
  const orig = console.log;
  const origAssert = console.assert;
  const failed: unknown[] = [];
  console.log = (...a: unknown[]) => void logs.push(a);
  console.assert = (c: unknown, ...a: unknown[]) => void (c ? undefined : failed.push(a));
  try {
    await import(file);
  } finally {
    console.log = orig;
    console.assert = origAssert;
    rmSync(file, { force: true });
  }
  expect(failed).toEqual([]);
  expect(logs.length).toBe(1);
});
