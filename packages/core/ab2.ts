import { IntervalTree as NewTree } from "./src/index.ts";
import { Range, Constraint } from "@alloc/constraint";
const c1 = new Constraint({ size: 1 });
const t = new NewTree().insert(new Range(0, 255));
const rs: any[] = new Array(256);
for (let round = 0; round < 20000; round++) {
  for (let i = 0; i < 256; i++) rs[i] = t.allocate(c1);
  for (let i = 0; i < 256; i++) t.free(rs[i]);
}
