/**
 * Kernel arithmetic on exact unsigned 64-bit values held as two 32-bit halves
 * `(hi, lo)` in plain numbers. Results go to the module scratch `outHi`/`outLo`
 * so the hot path allocates nothing; functions that can overflow return
 * `false` instead of wrapping. No bitwise operator ever sees a whole value.
 */

/** 2^32. */
export const TWO_32 = 4294967296;

/** Result halves of the last call. */
export let outHi = 0;
/** Result halves of the last call. */
export let outLo = 0;

/** `a + b`; false when the sum passes 2^64-1. */
export function add(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  let lo = aLo + bLo;
  let hi = aHi + bHi;
  if (lo >= TWO_32) {
    lo -= TWO_32;
    hi += 1;
  }
  if (hi >= TWO_32) return false;
  outHi = hi;
  outLo = lo;
  return true;
}

/** `a - b`, which the caller guarantees is not negative. */
export function sub(aHi: number, aLo: number, bHi: number, bLo: number): void {
  let lo = aLo - bLo;
  let hi = aHi - bHi;
  if (lo < 0) {
    lo += TWO_32;
    hi -= 1;
  }
  outHi = hi;
  outLo = lo;
}

/** The smallest multiple of the power of two `A` that is `>= a`; false when it passes 2^64-1. */
export function alignUp(aHi: number, aLo: number, alignHi: number, alignLo: number): boolean {
  if (alignHi === 0) {
    const rem = aLo % alignLo;
    if (rem === 0) {
      outHi = aHi;
      outLo = aLo;
      return true;
    }
    let lo = aLo - rem + alignLo;
    let hi = aHi;
    if (lo >= TWO_32) {
      lo -= TWO_32;
      hi += 1;
      if (hi >= TWO_32) return false;
    }
    outHi = hi;
    outLo = lo;
    return true;
  }
  // align >= 2^32: its low half is zero.
  const rem = aHi % alignHi;
  if (rem === 0 && aLo === 0) {
    outHi = aHi;
    outLo = 0;
    return true;
  }
  const hi = aHi - rem + alignHi;
  if (hi >= TWO_32) return false;
  outHi = hi;
  outLo = 0;
  return true;
}

/** The largest multiple of the power of two `A` that is `<= a`. */
export function alignDown(aHi: number, aLo: number, alignHi: number, alignLo: number): void {
  if (alignHi === 0) {
    outHi = aHi;
    outLo = aLo - (aLo % alignLo);
  } else {
    outHi = aHi - (aHi % alignHi);
    outLo = 0;
  }
}

/** True when `a < b`. */
export function less(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  return aHi < bHi || (aHi === bHi && aLo < bLo);
}

/** True when `b == a + 1`. */
export function isSuccessor(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  return aLo === 0xffffffff ? bLo === 0 && bHi === aHi + 1 : bLo === aLo + 1 && bHi === aHi;
}
