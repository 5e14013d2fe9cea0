import { describe, it, expect } from "vitest";
import { U64_MAX, formatHex, isPowerOfTwo, toU64 } from "@alloc/constraint";
import { MAX, expectAllocError } from "./helpers.js";

describe("U64_MAX", () => {
  it("is 2^64-1", () => {
    expect(U64_MAX).toBe(2n ** 64n - 1n);
    expect(U64_MAX).toBe(MAX);
  });
});

describe("toU64", () => {
  it("converts valid numbers and bigints exactly", () => {
    expect(toU64(0)).toBe(0n);
    expect(toU64(4096)).toBe(4096n);
    expect(toU64(-0)).toBe(0n);
    expect(toU64(Number.MAX_SAFE_INTEGER)).toBe(9007199254740991n);
    expect(toU64(2n ** 53n + 1n)).toBe(9007199254740993n);
    expect(toU64(MAX)).toBe(MAX);
    expect(toU64(0x1_0000_0000)).toBe(0x1_0000_0000n);
  });

  it("throws INVALID_VALUE naming the argument (default 'value')", () => {
    expectAllocError(() => toU64(-1), "INVALID_VALUE", "value");
    expectAllocError(() => toU64(-1, "irq"), "INVALID_VALUE", "irq");
    expectAllocError(() => toU64(2n ** 64n, "x"), "INVALID_VALUE", "x");
    expectAllocError(() => toU64(-1n), "INVALID_VALUE", "value");
    expectAllocError(() => toU64(1.5), "INVALID_VALUE", "value");
    expectAllocError(() => toU64(Number.NaN), "INVALID_VALUE", "value");
    expectAllocError(() => toU64(2 ** 53), "INVALID_VALUE", "value");
    expectAllocError(() => toU64(Number.POSITIVE_INFINITY), "INVALID_VALUE", "value");
    const e = expectAllocError(() => toU64("12" as never, "n"), "INVALID_VALUE", "n");
    expect(e.details.value).toBe("12");
    expectAllocError(() => toU64(null as never), "INVALID_VALUE", "value");
    expectAllocError(() => toU64(undefined as never), "INVALID_VALUE", "value");
    expectAllocError(() => toU64(Symbol("s") as never), "INVALID_VALUE", "value");
  });
});

describe("formatHex", () => {
  it("prints 0x and 16 lowercase digits", () => {
    expect(formatHex(0)).toBe("0x0000000000000000");
    expect(formatHex(0xfee00000n)).toBe("0x00000000fee00000");
    expect(formatHex(0xabcdef)).toBe("0x0000000000abcdef");
    expect(formatHex(MAX)).toBe("0xffffffffffffffff");
    expect(formatHex(2n ** 53n + 1n)).toBe("0x0020000000000001");
  });

  it("validates its input", () => {
    expectAllocError(() => formatHex(-1), "INVALID_VALUE");
    expectAllocError(() => formatHex(2n ** 64n), "INVALID_VALUE");
  });
});

describe("isPowerOfTwo", () => {
  it("is true for 1, 2, 4 ... 2^63", () => {
    for (let k = 0n; k < 64n; k++) expect(isPowerOfTwo(2n ** k)).toBe(true);
    for (let k = 0; k < 53; k++) expect(isPowerOfTwo(2 ** k)).toBe(true);
  });

  it("is false for 0, non powers and values outside the domain", () => {
    expect(isPowerOfTwo(0)).toBe(false);
    expect(isPowerOfTwo(0n)).toBe(false);
    expect(isPowerOfTwo(3)).toBe(false);
    expect(isPowerOfTwo(6n)).toBe(false);
    expect(isPowerOfTwo(MAX)).toBe(false);
    expect(isPowerOfTwo(2n ** 64n)).toBe(false);
    expect(isPowerOfTwo(-2)).toBe(false);
    expect(isPowerOfTwo(-2n)).toBe(false);
    expect(isPowerOfTwo(0.5)).toBe(false);
    expect(isPowerOfTwo(2 ** 53)).toBe(false);
    expect(isPowerOfTwo(Number.NaN)).toBe(false);
    expect(isPowerOfTwo("4" as never)).toBe(false);
    expect(isPowerOfTwo(null as never)).toBe(false);
  });
});
