/**
 * The kernel's form of an unsigned 64-bit value: a pair `(d, x)` of plain
 * numbers with value `d + x`.
 *
 * - Below 2^53: `d` is the value itself and `x` is 0, so the hot path is plain
 *   float64 arithmetic on one number.
 * - From 2^53 on: `d` is the value rounded toward zero to 53 significant bits
 *   and `x` holds the bits that dropped (`x < 2^11`, one unit in `d`'s last place).
 *
 * The form is canonical, so `(d, x)` pairs compare lexicographically, and `d`
 * alone is monotonic: `da < db` implies `a < b`, and equal `d` below 2^53 means
 * equal values. 2^64 itself (an exclusive end past the domain) is `(2^64, 0)`.
 * Results go to the scratch object `OUT`, so nothing allocates.
 */

/** 2^32. */
export const TWO_32 = 4294967296;
/** 2^53: values below it are exact in `d` alone. */
export const TWO_53 = 9007199254740992;
/** 2^64, exact as a float64. */
export const TWO_64: number = 2 ** 64;

const BIG_53 = 1n << 53n;

/**
 * Result pair of the last call. An object, not two module variables: its
 * fields hold doubles in place, where a module `let` boxes each new double.
 */
export const OUT: { d: number; x: number } = { d: -0, x: 0 };

/** `2^k` for k = 0..64. */
export const POW2: Float64Array = Float64Array.from({ length: 65 }, (_, k) => 2 ** k);
/** `2^-k` for k = 0..64 (exact). */
export const INV2: Float64Array = Float64Array.from({ length: 65 }, (_, k) => 2 ** -k);
const INV_32 = 2 ** -32;

/** The pair of the value with 32-bit halves `(hi, lo)`. */
export function fromHalves(hi: number, lo: number): void {
  if (hi < 0x200000) {
    OUT.d = hi * TWO_32 + lo;
    OUT.x = 0;
    return;
  }
  // The value has 33 + log2(hi) bits; 53 are kept in d.
  const ulp = POW2[31 - Math.clz32(hi) - 20]!;
  const x = lo & (ulp - 1); // ulp <= 2^11: the mask sees only low bits
  OUT.d = hi * TWO_32 + (lo - x);
  OUT.x = x;
}

/** High 32 bits of the value `(d, x)` (below 2^64). */
export function hiOf(d: number): number {
  return Math.floor(d * INV_32);
}

/** Low 32 bits of the value `(d, x)` (below 2^64). */
export function loOf(d: number, x: number): number {
  return d - Math.floor(d * INV_32) * TWO_32 + x;
}

/** The pair of an exact bigint in `0 .. 2^64`. */
export function fromBig(v: bigint): void {
  if (v < BIG_53) {
    OUT.d = Number(v);
    OUT.x = 0;
    return;
  }
  const ulp = 1n << BigInt(v.toString(2).length - 53);
  const x = v % ulp;
  OUT.d = Number(v - x);
  OUT.x = Number(x);
}

/** The exact value of `(d, x)`. */
export function toBig(d: number, x: number): bigint {
  return x === 0 ? BigInt(d) : BigInt(d) + BigInt(x);
}

/**
 * `v mod a` for an integer `0 <= v < 2^53`, a power of two `a` and `inv = 1/a`
 * (exact): scaling by a power of two is exact, and a multiply is much
 * cheaper than `%` on doubles (a libm call) or a division.
 */
export function modPow2(v: number, a: number, inv: number): number {
  return v - Math.floor(v * inv) * a;
}

/** True when `a < b`. */
export function lessDX(aD: number, aX: number, bD: number, bX: number): boolean {
  return aD < bD || (aD === bD && aX < bX);
}

/** `(d, x) + 1` (the value is below 2^64). */
export function inc(d: number, x: number): void {
  if (d < TWO_53) {
    OUT.d = d + 1;
    OUT.x = 0;
  } else {
    fromBig(toBig(d, x) + 1n);
  }
}

/** `(d, x) - 1` (the value is at least 1). */
export function dec(d: number, x: number): void {
  if (x === 0 && d <= TWO_53) {
    OUT.d = d - 1;
    OUT.x = 0;
  } else {
    fromBig(toBig(d, x) - 1n);
  }
}

/** `floor(log2(v))` of a value `v >= 1` given by `d` (x never changes it). */
export function log2Floor(d: number): number {
  if (d < TWO_32) return 31 - Math.clz32(d);
  return 63 - Math.clz32(Math.floor(d * INV_32));
}

/**
 * 1 + log2 of the largest naturally aligned power-of-two block inside the
 * free segment `[s, n)` (n > s); 65 for the whole domain. With
 * k = floor(log2(n - s)) that block is 2^k or 2^(k-1).
 */
export function blockOf(sD: number, sX: number, nD: number, nX: number): number {
  if (nD < TWO_53) {
    const len = nD - sD;
    const k = log2Floor(len);
    const a = POW2[k]!;
    const r = modPow2(sD, a, INV2[k]!);
    return (r === 0 ? sD : sD - r + a) + a <= nD ? k + 1 : k;
  }
  const s = toBig(sD, sX);
  const n = toBig(nD, nX);
  const len = n - s;
  const k = len.toString(2).length - 1;
  const a = 1n << BigInt(k);
  return ((s + a - 1n) / a) * a + a <= n ? k + 1 : k;
}

/**
 * Length of the segment `[s, n)` as a float64 that is never below the true
 * length (exact when n <= 2^53), so pruning on it never skips a fit.
 */
export function lengthOf(sD: number, sX: number, nD: number, nX: number): number {
  if (nD < TWO_53) return nD - sD;
  // Rounding to float64 loses at most 2^11 of a length up to 2^64.
  return Number(toBig(nD, nX) - toBig(sD, sX)) + 4096;
}
