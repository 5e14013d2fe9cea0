/**
 * Helpers shared by the vm-resources benchmarks: the median of a sample and a
 * seeded xorshift32 shuffle, so every script replays the same device order.
 */

/** The median of `xs` (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

let seed = 0x9e3779b9;

/** A uniform draw in [0, 1) from a fixed-seed xorshift32. */
export function rand(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
}

/** A Fisher–Yates shuffled copy of `xs`, drawn with {@link rand}. */
export function shuffled<T>(xs: readonly T[]): T[] {
  const a = xs.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}
