// Deliberately naive models of the upstream allocators' semantics (written from
// the upstream source, its bugs fixed), for the differential tests and the
// soak script: a pool is a sorted list of segments and a list of taken blocks,
// and every question is answered by scanning them. No tree, no cleverness.

/** An outcome as the facades report it: a value, or the AllocError code thrown. */
export type Outcome = { ok: unknown } | { err: string };

/** Runs `f`, mapping a thrown error to its code (a non-AllocError to its message, which then never matches). */
export function outcome(f: () => unknown): Outcome {
  try {
    return { ok: f() };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return { err: typeof code === "string" ? code : `not an AllocError: ${String(e)}` };
  }
}

/** Thrown by the models with the code the facade must throw. */
export class ModelError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}
export const fail = (code: string): never => {
  throw new ModelError(code);
};

interface Block {
  lo: bigint;
  hi: bigint;
  tag: string;
}

const alignUp = (v: bigint, a: bigint): bigint => ((v + a - 1n) / a) * a;
const alignDown = (v: bigint, a: bigint): bigint => (v / a) * a;

/** A pool: the segments that exist, reserved blocks, taken blocks (tag = who). */
export class NaivePool {
  readonly segments: [bigint, bigint][];
  taken: Block[] = [];

  constructor(segments: [bigint, bigint][], reserved: [bigint, bigint][] = []) {
    this.segments = segments;
    for (const [lo, hi] of reserved) this.taken.push({ lo, hi, tag: "<reserved>" });
    this.#sort();
  }

  #sort(): void {
    this.taken.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  }

  /** Free gaps in address order. */
  gaps(): [bigint, bigint][] {
    const out: [bigint, bigint][] = [];
    for (const [slo, shi] of this.segments) {
      let cur = slo;
      for (const b of this.taken) {
        if (b.hi < slo || b.lo > shi) continue;
        if (b.lo > cur) out.push([cur, b.lo - 1n]);
        cur = b.hi + 1n;
      }
      if (cur <= shi) out.push([cur, shi]);
    }
    return out;
  }

  /** Lowest aligned block of `size` inside [min, max]; undefined when none. */
  firstFit(size: bigint, align: bigint, min: bigint, max: bigint): bigint | undefined {
    for (const [glo, ghi] of this.gaps()) {
      const lo = glo > min ? glo : min;
      const hi = ghi < max ? ghi : max;
      if (lo > hi) continue;
      const start = alignUp(lo, align);
      if (start + size - 1n <= hi) return start;
    }
    return undefined;
  }

  /** Highest aligned block of `size` inside [min, max]. */
  lastFit(size: bigint, align: bigint, min: bigint, max: bigint): bigint | undefined {
    const gaps = this.gaps().reverse();
    for (const [glo, ghi] of gaps) {
      const lo = glo > min ? glo : min;
      const hi = ghi < max ? ghi : max;
      if (lo > hi || hi - lo + 1n < size) continue;
      const start = alignDown(hi - size + 1n, align);
      if (start >= lo) return start;
    }
    return undefined;
  }

  /** Why [lo, hi] cannot be taken exactly, or undefined when it can. */
  exactProblem(lo: bigint, hi: bigint): string | undefined {
    if (!this.segments.some(([a, b]) => a <= lo && hi <= b)) return "NO_FIT";
    const hit = this.taken.find((b) => b.lo <= hi && lo <= b.hi);
    if (hit !== undefined) return "CONFLICT";
    return undefined;
  }

  take(lo: bigint, hi: bigint, tag: string): void {
    this.taken.push({ lo, hi, tag });
    this.#sort();
  }

  /** The block holding `v`. */
  at(v: bigint): Block | undefined {
    return this.taken.find((b) => b.lo <= v && v <= b.hi);
  }

  /** Frees exactly [lo, hi] held by a tag starting with `family`, with the facades' error codes. */
  freeExact(lo: bigint, hi: bigint, family: string): void {
    const b = this.at(lo);
    if (b === undefined) fail("NOT_ALLOCATED");
    const blk = b as Block;
    if (blk.tag === "<reserved>") fail("RESERVED");
    if (!blk.tag.startsWith(family)) fail("CONFLICT");
    if (blk.lo !== lo || blk.hi !== hi) fail("NOT_FOUND");
    this.taken = this.taken.filter((x) => x !== blk);
  }

  /** Frees the block starting at `lo`, whatever its size (Dragonball's memory slots). */
  freeFrom(lo: bigint, family: string): void {
    const b = this.at(lo);
    this.freeExact(lo, b !== undefined && b.lo === lo ? b.hi : lo, family);
  }

  /** Frees every block tagged `tag`. */
  freeTag(tag: string): void {
    this.taken = this.taken.filter((x) => x.tag !== tag);
  }
}

/** rust-vmm AddressAllocator over [base, end], bugs fixed. */
export class NaiveAddressAllocator {
  readonly pool: NaivePool;
  constructor(
    readonly base: bigint,
    readonly end: bigint,
    reserved: [bigint, bigint][] = [],
  ) {
    this.pool = new NaivePool([[base, end]], reserved);
  }

  allocate(size: bigint, align: bigint, policy: { kind: string; address?: bigint }): [bigint, bigint] {
    if (size === 0n) fail("INVALID_SIZE");
    if (align === 0n || (align & (align - 1n)) !== 0n) fail("INVALID_ALIGNMENT");
    if (policy.kind === "exact-match") {
      const a = policy.address as bigint;
      if (a % align !== 0n) fail("INVALID_ALIGNMENT");
      const hi = a + size - 1n;
      if (hi > (1n << 64n) - 1n) fail("INVALID_RANGE");
      const why = this.pool.exactProblem(a, hi);
      if (why !== undefined) fail(why);
      this.pool.take(a, hi, "a");
      return [a, hi];
    }
    const start = policy.kind === "last-match" ? this.pool.lastFit(size, align, this.base, this.end) : this.pool.firstFit(size, align, this.base, this.end);
    if (start === undefined) return fail("NO_FIT");
    this.pool.take(start, start + size - 1n, "a");
    return [start, start + size - 1n];
  }

  free(lo: bigint, hi: bigint): void {
    this.pool.freeExact(lo, hi, "a");
  }
}

/** An id allocator over [base, end]: lowest free id, exact ids, frees. */
export class NaiveIdAllocator {
  readonly ids: Set<number> = new Set<number>();
  constructor(
    readonly base: number,
    readonly end: number,
  ) {}

  allocateId(): number {
    for (let i = this.base; i <= this.end; i++) {
      if (!this.ids.has(i)) {
        this.ids.add(i);
        return i;
      }
    }
    return fail("NO_FIT");
  }

  allocateIdAt(id: number): number {
    if (id < this.base || id > this.end) fail("NOT_FOUND");
    if (this.ids.has(id)) fail("CONFLICT");
    this.ids.add(id);
    return id;
  }

  freeId(id: number): number {
    if (id < this.base || id > this.end) fail("NOT_FOUND");
    if (!this.ids.delete(id)) fail("NOT_ALLOCATED");
    return id;
  }

  isAllocated(id: number): boolean {
    return this.ids.has(id);
  }
}

/** Runs a model step, mapping ModelError to the same outcome shape as {@link outcome}. */
export function modelOutcome(f: () => unknown): Outcome {
  try {
    return { ok: f() };
  } catch (e) {
    if (e instanceof ModelError) return { err: e.code };
    throw e;
  }
}
