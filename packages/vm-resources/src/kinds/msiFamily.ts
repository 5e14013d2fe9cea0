/**
 * What the three message-signalled interrupt kinds share: a block of `count`
 * contiguous vectors of the `msi` pool, at an exact first vector `base` or the
 * lowest that fits the pool's window. PCI MSI blocks have a power-of-two count
 * (1..32, PCI Local Bus spec, Multiple Message Enable) and are aligned to it
 * on every path (request, exact base, move, resize, restore).
 */
import { AllocError, type Range } from "@alloc/constraint";
import type { MsiVector } from "../brands.js";
import type { MsiBlock, MsiKind } from "../requests.js";
import { defineKind } from "./Kind.js";
import { PlacementCache } from "./memo.js";
import type { ResourceKind } from "./Kind.js";
import { bad, blockAt, checkAligned, countField, fit, intField, span } from "./fields.js";

/** A checked MSI-family request. */
export interface MsiPlan {
  readonly count: bigint;
  /** `count` as a number (at most 2048): the placement cache key and the resource's count. */
  readonly n: number;
  readonly base: bigint | undefined;
}

type MsiResource<K extends MsiKind> = MsiBlock & { readonly kind: K };

const U32_MAX = 0xffff_ffff;

/**
 * Builds the kind module for one MSI kind: `max` vectors at most, aligned to
 * the count (and a power-of-two count) when `aligned`.
 *
 * @example
 * ```ts
 * const pciMsix = msiKind("pci-msix", 2048, false);
 * ```
 */
export function msiKind<K extends MsiKind>(name: K, max: number, aligned: boolean): ResourceKind<MsiPlan, MsiResource<K>> {
  const cache = new PlacementCache();
  const maxCount = BigInt(max);
  // perf: one frozen plan per count for requests without a base, built from checked values (bench "churn").
  const plans: MsiPlan[] = [];
  const block = (base: number, count: number): MsiResource<K> => Object.freeze({ kind: name, base: base as MsiVector, count });
  const make = (range: Range): MsiResource<K> => block(range.minNumber, range.maxNumber - range.minNumber + 1);
  // `count` is at most 2048: bitwise operators are exact on it.
  const checkCount = (count: number, argument: string): void => {
    if (aligned && (count & (count - 1)) !== 0) bad(argument, `${name} needs a power-of-two count (1, 2, 4, 8, 16, 32); got ${count}`, BigInt(count));
  };
  const checkBase = (base: bigint, count: bigint, argument: string): Range => {
    if (aligned) checkAligned(base, count, argument);
    return blockAt(base, count, argument);
  };
  return defineKind({
    name,
    pool: "msi",
    requestKeys: ["kind", "count", "base"],
    resourceKeys: ["kind", "base", "count"],
    parse([, countIn, baseIn]) {
      const n = countField(countIn, "count", max);
      checkCount(n, "count");
      const b = intField(baseIn, "base", U32_MAX);
      if (b === undefined) return plans[n] ?? (plans[n] = Object.freeze({ count: BigInt(n), n, base: undefined }));
      const count = BigInt(n);
      const base = BigInt(b);
      checkBase(base, count, "base");
      return Object.freeze({ count, n, base });
    },
    place(req, layout) {
      if (req.base !== undefined) return { exact: span(req.base, req.count) };
      return cache.get(layout, req.n) ?? cache.set(layout, req.n, { fits: [fit(req.count, aligned ? req.count : 1n, layout.msi.window)] });
    },
    // The range taken has exactly the requested count.
    build: (req, range) => block((range as Range).minNumber, req.n),
    rangeOf: (res) => span(res.base, res.count),
    moveTarget: (res, base) => checkBase(base, BigInt(res.count), "to"),
    resizeTarget(res, size) {
      if (size < 1n || size > maxCount)
        throw new AllocError("INVALID_ARGUMENT", `size: a ${name} block holds 1..${max} vectors; got ${size}`, { argument: "size" });
      if (aligned && (size & (size - 1n)) !== 0n)
        throw new AllocError("INVALID_ARGUMENT", `size: ${name} needs a power-of-two count; got ${size}`, { argument: "size" });
      if (aligned) checkAligned(BigInt(res.base), size, "size");
      return blockAt(BigInt(res.base), size, "size");
    },
    rebase: (_res, range) => make(range),
    describeRequest: (req) => `${name} x${req.count}${req.base === undefined ? "" : ` at ${req.base}`}`,
    describe: (res) => (res.count === 1 ? `vector ${res.base}` : `vectors ${res.base}-${res.base + res.count - 1}`),
    write(res, out) {
      out.numberField("base", res.base);
      out.numberField("count", res.count);
      out.stringField("kind", name);
    },
    read(rec, at, _layout, rd) {
      const base = rd.u64(rec["base"], at, "base");
      const count = rd.u64(rec["count"], at, "count");
      if (count < 1n || count > maxCount) rd.fail(`${at}.count`, `a ${name} block holds 1..${max} vectors; got ${count}`);
      if (aligned && (count & (count - 1n)) !== 0n) rd.fail(`${at}.count`, `a ${name} block has a power-of-two count`);
      if (aligned && base % count !== 0n) rd.fail(`${at}.base`, `a ${name} block is aligned to its count ${count}`);
      if (base + count - 1n > BigInt(U32_MAX)) rd.fail(`${at}.base`, `vectors must lie in 0..${U32_MAX}`);
      return make(span(base, count));
    },
  });
}
