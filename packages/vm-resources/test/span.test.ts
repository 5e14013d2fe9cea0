import { Range } from "@alloc/constraint";
import { describe, expect, it } from "vitest";
import { span } from "../src/kinds/fields.js";

describe("span: [base, base+size-1] of checked values", () => {
  it.each([
    [0n, 1n],
    [0x1000n, 0x100n],
    [2n ** 53n - 2n, 1n],
    [2n ** 53n - 2n, 2n],
    [2n ** 53n - 1n, 1n], // the last safe value
    [2n ** 53n - 1n, 2n], // crosses 2^53: a number sum would round
    [2n ** 53n, 1n],
    [1n, 2n ** 53n], // a size of 2^53
    [2n ** 52n + 1n, 2n ** 52n], // each half safe, the end 2^53
    [2n ** 64n - 1n, 1n],
    [0n, 2n ** 64n - 1n],
  ])("is exact for base %s and size %s, as bigints or numbers", (base, size) => {
    const want = Range.withSize(base, size);
    expect(span(base, size).equals(want)).toBe(true);
    if (base <= BigInt(Number.MAX_SAFE_INTEGER)) expect(span(Number(base), size).equals(want)).toBe(true);
    if (base <= BigInt(Number.MAX_SAFE_INTEGER) && size <= BigInt(Number.MAX_SAFE_INTEGER)) expect(span(Number(base), Number(size)).equals(want)).toBe(true);
  });
});
