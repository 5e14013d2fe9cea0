/**
 * `IdPool`: small integer ids (device instance ids, KVM memory slots) in a
 * bitmap, under the same API as the interval-tree pools.
 *
 * Representation (struct of arrays, one slot per id up to the largest id):
 * `taken` is a `Uint32Array` bitmap (bit set = allocated, reserved or not in
 * the pool); `state` holds 0 free / 1 allocated / 2 reserved / 3 absent;
 * `start` points every id of a span at the span's first id and `span` holds
 * the length at that first id; `owners` the owner (or reserved label) per id.
 * `hint` is a word index below which every word is full.
 * Invariants: `taken` bit ⇔ `state !== 0`; spans are contiguous and agree on
 * state and owner; `freeCount` counts state-0 ids; every word below `hint` is
 * full. Cost: a single id is found with one `Math.clz32` per non-full word
 * from `hint` (O(1) amortised for allocate-until-full / free-in-order
 * churn); contiguous blocks and other policies scan, O(ids).
 * perf: `allocateId`/`freeId` take no objects in or out — see bench/run.ts
 * ("IdPool W1").
 */
import { AllocError, Range, quoteText } from "@alloc/constraint";
import type { Constraint } from "@alloc/constraint";
import type { PoolLayout, PoolName } from "../Layout.js";
import type { OwnerRecord, Pool, PoolEntry, ResourcePoolStats, TakenRanges } from "./Pool.js";
import { holderNameOwn, tileTree } from "./Pool.js";

const FREE = 0;
const ALLOCATED = 1;
const RESERVED = 2;
const ABSENT = 3;

/**
 * A bitmap pool of small ids.
 *
 * @example
 * ```ts
 * const slots = new IdPool("memSlot", [new Range(0, 508)]);
 * const ram0 = { kind: "owner", owner: "ram0" } as const;
 * const s = slots.allocateId(ram0);   // 0
 * slots.freeId(s);
 * ```
 */
export class IdPool implements Pool {
  readonly name: PoolName;
  /** One more than the largest id the bitmap can hold. */
  readonly limit: number;
  readonly #taken: Uint32Array;
  readonly #state: Uint8Array;
  readonly #start: Uint32Array;
  readonly #span: Uint32Array;
  readonly #owners: (OwnerRecord | undefined)[];
  #hint = 0;
  #freeCount = 0;
  #total = 0;

  constructor(name: PoolName, ranges: readonly Range[], reserved: PoolLayout["reserved"] = []) {
    this.name = name;
    let limit = 0;
    for (const r of ranges) {
      if (r.max >= 1n << 24n) throw new AllocError("INVALID_LAYOUT", `${name}: id pools hold ids below 2^24; got ${r}`, { pool: name });
      limit = Math.max(limit, r.maxNumber + 1);
    }
    this.limit = limit;
    const words = (limit + 31) >>> 5;
    this.#taken = new Uint32Array(words).fill(0xffffffff);
    this.#state = new Uint8Array(limit).fill(ABSENT);
    this.#start = new Uint32Array(limit);
    this.#span = new Uint32Array(limit);
    this.#owners = new Array<OwnerRecord | undefined>(limit).fill(undefined);
    for (const r of ranges) {
      for (let i = r.minNumber; i <= r.maxNumber; i++) {
        if (this.#state[i] !== ABSENT) throw new AllocError("INVALID_LAYOUT", `${name}: ranges overlap at ${i}`, { pool: name });
        this.#state[i] = FREE;
        this.#clearBit(i);
      }
    }
    this.#freeCount = this.#total = ranges.reduce((n, r) => n + r.maxNumber - r.minNumber + 1, 0);
    for (const r of reserved) this.reserve(r.range, r.label);
  }

  #setBit(i: number): void {
    const w = i >>> 5;
    this.#taken[w] = (this.#taken[w] ?? 0) | (1 << (i & 31));
  }

  #clearBit(i: number): void {
    const w = i >>> 5;
    this.#taken[w] = (this.#taken[w] ?? 0) & ~(1 << (i & 31));
  }

  /** Lowest free id in `[lo, hi]`, or -1. */
  #firstFree(lo: number, hi: number): number {
    const taken = this.#taken;
    let w = lo >>> 5;
    if (w < this.#hint) w = this.#hint;
    const last = hi >>> 5;
    for (; w <= last; w++) {
      let word = taken[w] ?? 0xffffffff;
      if (w === lo >>> 5) word |= (1 << (lo & 31)) - 1; // mask ids below lo
      if (word === -1 || word === 0xffffffff) continue;
      const inv = ~word;
      const id = (w << 5) | (31 - Math.clz32(inv & -inv));
      return id <= hi ? id : -1;
    }
    return -1;
  }

  /**
   * perf: the W1 fast path — the lowest free id for `record`, or -1 when the
   * pool is full. No objects are created (bench/run.ts "IdPool W1").
   *
   * @example
   * ```ts
   * const id = pool.allocateId({ kind: "owner", owner: "dev0" }); // -1 when full
   * ```
   */
  allocateId(record: OwnerRecord): number {
    const taken = this.#taken;
    const n = taken.length;
    for (let w = this.#hint; w < n; w++) {
      const word = taken[w] as number;
      if (word === 0xffffffff) continue;
      const inv = ~word;
      const bit = 31 - Math.clz32(inv & -inv);
      taken[w] = word | (1 << bit);
      this.#hint = w;
      const id = (w << 5) | bit;
      this.#state[id] = ALLOCATED;
      this.#start[id] = id;
      this.#span[id] = 1;
      this.#owners[id] = record;
      this.#freeCount--;
      return id;
    }
    this.#hint = n;
    return -1;
  }

  /**
   * perf: the W1 fast path for freeing one id this pool handed out.
   *
   * @example
   * ```ts
   * pool.freeId(3);
   * ```
   */
  freeId(id: number): void {
    const first = this.#start[id] as number;
    const size = this.#span[first] as number;
    for (let i = first; i < first + size; i++) {
      this.#state[i] = FREE;
      this.#owners[i] = undefined;
      this.#clearBit(i);
    }
    this.#span[first] = 0;
    this.#freeCount += size;
    if (first >>> 5 < this.#hint) this.#hint = first >>> 5;
  }

  #mark(first: number, size: number, state: number, who: OwnerRecord): void {
    for (let i = first; i < first + size; i++) {
      this.#state[i] = state;
      this.#start[i] = first;
      this.#owners[i] = who;
      this.#setBit(i);
    }
    this.#span[first] = size;
    this.#freeCount -= size;
  }

  #runFree(first: number, size: number): boolean {
    if (first < 0 || first + size > this.limit) return false;
    for (let i = first; i < first + size; i++) if (this.#state[i] !== FREE) return false;
    return true;
  }

  #find(c: Constraint): number {
    if (c.size > BigInt(this.limit) || c.min >= BigInt(this.limit)) return -1;
    const size = Number(c.size);
    const align = c.align > BigInt(this.limit) ? -1 : Number(c.align);
    const lo = Number(c.min);
    const hi = c.max >= BigInt(this.limit) ? this.limit - 1 : Number(c.max);
    if (align < 0) return lo === 0 && size - 1 <= hi && this.#runFree(0, size) ? 0 : -1;
    const alignUp = (v: number): number => Math.ceil(v / align) * align;
    if (c.policy === "last-match") {
      for (let s = Math.floor((hi - size + 1) / align) * align; s >= lo; s -= align) if (this.#runFree(s, size)) return s;
      return -1;
    }
    if (c.policy === "best-fit") {
      let best = -1;
      let bestLen = Infinity;
      let i = lo;
      while (i <= hi) {
        if (this.#state[i] !== FREE) {
          i++;
          continue;
        }
        let j = i;
        while (j + 1 <= this.limit - 1 && this.#state[j + 1] === FREE) j++;
        // the whole free run [runStart, j] decides the fit length (ties: lowest)
        let runStart = i;
        while (runStart - 1 >= 0 && this.#state[runStart - 1] === FREE) runStart--;
        const s = alignUp(i);
        if (s + size - 1 <= Math.min(j, hi) && j - runStart + 1 < bestLen) {
          best = s;
          bestLen = j - runStart + 1;
        }
        i = j + 1;
      }
      return best;
    }
    let from = lo;
    while (from <= hi) {
      const f = this.#firstFree(from, hi);
      if (f < 0) return -1;
      const s = alignUp(f);
      if (s + size - 1 > hi) return -1;
      let blocked = -1;
      for (let i = s; i < s + size; i++) {
        if (this.#state[i] !== FREE) {
          blocked = i;
          break;
        }
      }
      if (blocked < 0) return s;
      from = blocked + 1;
    }
    return -1;
  }

  take(record: OwnerRecord, c: Constraint): Range | undefined {
    if (c.size === 1n && c.align === 1n && c.min === 0n && c.max >= BigInt(this.limit - 1) && c.policy === "first-match") {
      const id = this.allocateId(record);
      return id < 0 ? undefined : Range.point(id);
    }
    const s = this.#find(c);
    if (s < 0) return undefined;
    const size = Number(c.size);
    this.#mark(s, size, ALLOCATED, record);
    return new Range(s, s + size - 1);
  }

  #refuse(range: Range, owner: string | undefined): never {
    const end = range.max < BigInt(this.limit) ? range.maxNumber : this.limit - 1;
    for (let i = range.min < BigInt(this.limit) ? range.minNumber : this.limit; i <= end; i++) {
      const st = this.#state[i];
      if (st === ALLOCATED || st === RESERVED) {
        const first = this.#start[i] as number;
        const held = new Range(first, first + (this.#span[first] as number) - 1);
        const who = holderNameOwn(this.#owners[i] as OwnerRecord);
        throw new AllocError("CONFLICT", `${this.name}: ${range} overlaps ${held} held by ${quoteText(who)}`, {
          pool: this.name,
          range: range.toString(),
          conflict: held.toString(),
          conflictOwner: who,
          ...(owner === undefined ? {} : { owner }),
        });
      }
    }
    throw new AllocError("NO_FIT", `${this.name}: ${range} is not inside the pool`, {
      pool: this.name,
      range: range.toString(),
      ...(owner === undefined ? {} : { owner }),
    });
  }

  #takeExact(range: Range, state: number, record: OwnerRecord): Range {
    if (range.max < BigInt(this.limit) && this.#runFree(range.minNumber, Number(range.size))) {
      this.#mark(range.minNumber, Number(range.size), state, record);
      return range;
    }
    return this.#refuse(range, record.kind === "owner" ? record.owner : undefined);
  }

  takeExact(record: OwnerRecord, range: Range): Range {
    return this.#takeExact(range, ALLOCATED, record);
  }

  reserve(range: Range, label: string): void {
    this.#takeExact(range, RESERVED, { kind: "reserved", label });
  }

  release(range: Range): void {
    this.freeId(range.minNumber);
  }

  resize(record: OwnerRecord, range: Range, size: bigint): Range {
    const first = range.minNumber;
    const old = Number(range.size);
    const n = Number(size);
    if (size > range.size) {
      const extra = Range.withSize(range.max + 1n, size - range.size);
      if (extra.max >= BigInt(this.limit) || !this.#runFree(first + old, n - old)) this.#refuse(extra, record.kind === "owner" ? record.owner : undefined);
      for (let i = first + old; i < first + n; i++) {
        this.#state[i] = ALLOCATED;
        this.#start[i] = first;
        this.#owners[i] = record;
        this.#setBit(i);
      }
      this.#freeCount -= n - old;
    } else {
      for (let i = first + n; i < first + old; i++) {
        this.#state[i] = FREE;
        this.#owners[i] = undefined;
        this.#clearBit(i);
      }
      this.#freeCount += old - n;
      if ((first + n) >>> 5 < this.#hint) this.#hint = (first + n) >>> 5;
    }
    this.#span[first] = n;
    return Range.withSize(range.min, size);
  }

  /**
   * A pool over `space` with the `taken` ranges in place; the tiling is
   * checked by {@link tileTree}, the rule every pool shares (a misplaced
   * range fails through `fail`). O(ids).
   *
   * @example
   * ```ts
   * IdPool.fromTaken("deviceId", layout.deviceId.ranges, { ranges, records }, fail);
   * ```
   */
  static fromTaken(name: PoolName, space: readonly Range[], taken: TakenRanges, fail: (index: number, message: string) => never): IdPool {
    tileTree(space, taken, fail);
    const pool = new IdPool(name, space);
    const { ranges, records } = taken;
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as OwnerRecord;
      pool.#takeExact(ranges[i] as Range, record.kind === "owner" ? ALLOCATED : RESERVED, record);
    }
    return pool;
  }

  ownerAt(value: bigint): OwnerRecord | undefined {
    return value < BigInt(this.limit) ? this.#owners[Number(value)] : undefined;
  }

  entryAt(value: bigint): PoolEntry | undefined {
    if (value >= BigInt(this.limit)) return undefined;
    for (const e of this.entries()) if (e.range.contains(value)) return e;
    return undefined;
  }

  *entries(): IterableIterator<PoolEntry> {
    let i = 0;
    const n = this.limit;
    while (i < n) {
      const st = this.#state[i];
      if (st === ABSENT) {
        i++;
      } else if (st === FREE) {
        let j = i;
        while (j + 1 < n && this.#state[j + 1] === FREE) j++;
        yield { range: new Range(i, j), state: "free" };
        i = j + 1;
      } else {
        const len = this.#span[i] as number;
        const range = new Range(i, i + len - 1);
        const who = this.#owners[i] as OwnerRecord;
        yield who.kind === "owner" ? { range, state: "allocated", owner: who.owner } : { range, state: "reserved", label: who.label };
        i += len;
      }
    }
  }

  stats(): ResourcePoolStats {
    let used = 0n;
    let reserved = 0n;
    let largestFree = 0n;
    let fragments = 0;
    let ranges = 0;
    for (const e of this.entries()) {
      ranges++;
      if (e.state === "free") {
        fragments++;
        if (e.range.size > largestFree) largestFree = e.range.size;
      } else if (e.state === "allocated") used += e.range.size;
      else reserved += e.range.size;
    }
    return { total: BigInt(this.#total), used, reserved, free: BigInt(this.#freeCount), largestFree, fragments, ranges };
  }

  checkInvariants(): void {
    let free = 0;
    for (let i = 0; i < this.limit; i++) {
      const st = this.#state[i] as number;
      const bit = ((this.#taken[i >>> 5] as number) >>> (i & 31)) & 1;
      if ((bit === 1) !== (st !== FREE)) throw new Error(`${this.name}: bitmap disagrees with state at id ${i}`);
      if (st === FREE) {
        free++;
        if (this.#owners[i] !== undefined) throw new Error(`${this.name}: free id ${i} has an owner`);
        if (i >>> 5 < this.#hint) throw new Error(`${this.name}: free id ${i} lies below the hint word ${this.#hint}`);
      }
      if (st === ALLOCATED || st === RESERVED) {
        const first = this.#start[i] as number;
        const len = this.#span[first] as number;
        if (len < 1 || i < first || i >= first + len) throw new Error(`${this.name}: id ${i} is outside its span`);
        if (this.#state[first] !== st || this.#owners[first] !== this.#owners[i]) throw new Error(`${this.name}: span at ${first} disagrees at ${i}`);
      }
    }
    for (let i = this.limit; i < this.#taken.length * 32; i++) {
      if ((((this.#taken[i >>> 5] as number) >>> (i & 31)) & 1) !== 1) throw new Error(`${this.name}: padding bit ${i} is clear`);
    }
    if (free !== this.#freeCount) throw new Error(`${this.name}: free count ${this.#freeCount} but ${free} ids are free`);
  }
}
