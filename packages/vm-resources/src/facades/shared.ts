/**
 * What the three facades share: synthesised owner names and the question
 * "which of my allocations sits here?", both answered through the manager's
 * public API (`resourcesOf`, `ownerOf`) and `placeOfOwn` (`placeOf` without
 * its boundary check: the resources come from the manager), so a facade holds
 * no allocation state of its own.
 *
 * An owner name is `<prefix>#<n>`: one owner per upstream allocation, `n`
 * counting up and skipping names already in use (for instance after a
 * restore), so each name costs O(1) amortised.
 */
import { AllocError, describeValue, quoteText, readRecord, toU64 } from "@alloc/constraint";
import type { U64Input } from "@alloc/constraint";
import type { PoolName } from "../Layout.js";
import { placeOfOwn } from "../ResourceManager.js";
import type { ResourceManager } from "../ResourceManager.js";
import type { Resource } from "../requests.js";

/** Hands out fresh owner names `<prefix>#<n>` that no owner of `manager` holds. */
export class OwnerNames {
  readonly #manager: ResourceManager;
  readonly prefix: string;
  readonly #family: string;
  #next = 0;

  /** Names `<prefix>#<n>`; {@link OwnerNames.owns} accepts any name starting with `family` (default `<prefix>#`). */
  constructor(manager: ResourceManager, prefix: string, family: string = `${prefix}#`) {
    this.#manager = manager;
    this.prefix = prefix;
    this.#family = family;
  }

  /** A name no owner holds right now. */
  fresh(): string {
    for (;;) {
      const name = `${this.prefix}#${this.#next++}`;
      if (this.#manager.resourcesOf(name).length === 0) return name;
    }
  }

  /** Whether `owner` belongs to this facade (its family of names). */
  owns(owner: string): boolean {
    return owner.startsWith(this.#family);
  }
}

/** The facade-held resource exactly at `[min, max]` of `pool`, with its owner. */
export interface Held {
  readonly owner: string;
  readonly resource: Resource;
}

/**
 * The allocation of `names` that is exactly `[min, max]` in `pool`. Throws
 * `NOT_ALLOCATED` when nothing is allocated at `min`, `RESERVED` or
 * `CONFLICT` (with `details.conflictOwner`) when a reservation or another
 * owner holds it, and `NOT_FOUND` when the allocation there is not exactly
 * that range.
 */
export function heldAt(manager: ResourceManager, names: OwnerNames, pool: PoolName, min: bigint, max: bigint, what: string): Held {
  const entry = manager.pool(pool).entryAt(min);
  if (entry !== undefined && entry.state === "allocated" && names.owns(entry.owner) && entry.range.min === min && entry.range.max === max) {
    const held = manager.resourcesOf(entry.owner);
    // An owner holding one resource holds it here; otherwise find the one at [min, max].
    if (held.length === 1) return { owner: entry.owner, resource: held[0] as Resource };
    for (const resource of held) {
      const place = placeOfOwn(resource);
      if (place !== undefined && place.pool === pool && place.range.min === min && place.range.max === max) return { owner: entry.owner, resource };
    }
  }
  const text = `[0x${min.toString(16)}, 0x${max.toString(16)}]`;
  if (entry === undefined || entry.state === "free") throw new AllocError("NOT_ALLOCATED", `${what} ${text} is not allocated`, { pool, range: text });
  if (entry.state === "reserved")
    throw new AllocError("RESERVED", `${what} ${text} is reserved (${quoteText(entry.label)})`, {
      pool,
      range: text,
      conflictOwner: `<reserved: ${entry.label}>`,
    });
  if (!names.owns(entry.owner)) {
    throw new AllocError("CONFLICT", `${what} ${text} is held by ${quoteText(entry.owner)}, not by this allocator`, {
      pool,
      range: text,
      conflictOwner: entry.owner,
    });
  }
  throw new AllocError("NOT_FOUND", `${what} ${text} is not an allocation of this allocator (it lies inside one held by ${quoteText(entry.owner)})`, {
    pool,
    range: text,
    owner: entry.owner,
  });
}

/** A u32 argument (an id or IRQ): a bigint or safe-integer number in 0..2^32-1, else `INVALID_VALUE`. */
export function u32(value: unknown, argument: string): number {
  if (typeof value !== "number" && typeof value !== "bigint") {
    throw new AllocError("INVALID_VALUE", `${argument} must be a number or bigint; got ${describeValue(value)}`, { argument });
  }
  const v = toU64(value, argument);
  if (v > 0xffff_ffffn) throw new AllocError("INVALID_VALUE", `${argument} must be at most 2^32-1; got ${v}`, { argument, value: v });
  return Number(v);
}

/** A u64 argument: a bigint or safe-integer number, else `INVALID_VALUE`. */
export function u64(value: unknown, argument: string): bigint {
  if (typeof value !== "number" && typeof value !== "bigint") {
    throw new AllocError("INVALID_VALUE", `${argument} must be a number or bigint; got ${describeValue(value)}`, { argument });
  }
  return toU64(value as U64Input, argument);
}

/**
 * Reads an options object once (`readRecord`): `undefined` is `{}`; anything
 * but a plain object, or a key not in `allowed` (named, with a near miss), is
 * `INVALID_ARGUMENT`. Each property is read exactly once.
 */
export function readOptions(value: unknown, allowed: readonly string[], what: string): Readonly<Record<string, unknown>> {
  return value === undefined ? Object.freeze(Object.create(null) as Record<string, unknown>) : readRecord(value, allowed, { what, code: "INVALID_ARGUMENT" });
}

/** A boolean argument, refusing anything else (no truthiness). */
export function bool(value: unknown, argument: string): boolean {
  if (typeof value !== "boolean") throw new AllocError("INVALID_ARGUMENT", `${argument} must be true or false; got ${describeValue(value)}`, { argument });
  return value;
}
