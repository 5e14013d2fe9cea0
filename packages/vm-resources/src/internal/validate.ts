/**
 * Validation of untrusted JSON-like input (snapshots, VM descriptions, layouts).
 *
 * Every reader takes the value and its JSON path (`$.pools.mmio.ranges[3].min`)
 * and either returns a typed value or throws an `AllocError` with the code the
 * caller chose and `details.path` set. Objects are read through their own keys
 * once through `readRecord` (own keys only, unknown keys refused with a near
 * miss named), so crafted keys such as `__proto__` never reach a prototype. Cost: O(size of input).
 */
import { AllocError, isAllocError } from "@alloc/constraint";
import type { AllocErrorCode } from "@alloc/constraint";
import { describeValue, isArrayInput, quoteText, readArray, readFields, readRecord } from "@alloc/constraint";

/** The field of a record that decides its other keys, and those keys for each of its values (`undefined` for a value it does not know). */
export interface Tag {
  readonly key: string;
  readonly keysOf: (value: unknown) => readonly string[] | undefined;
}

/** Reads untrusted values, throwing `code` with a JSON path on the first mistake. */
export class Reader {
  readonly code: AllocErrorCode;

  constructor(code: AllocErrorCode) {
    this.code = code;
  }

  fail(path: string, message: string): never {
    throw new AllocError(this.code, `${path}: ${message}`, { path, argument: path });
  }

  /**
   * A plain object read once (`readFields`): own keys all in `required`/`optional`, `required` present.
   * With `tag`, a record whose keys depend on one of its fields (a request's `kind`): a key outside the
   * lists, met after the tag, is named with the keys `tag.keysOf` gives for the tag's value.
   */
  object(value: unknown, path: string, required: readonly string[], optional: readonly string[] = [], tag?: Tag): Readonly<Record<string, unknown>> {
    if (typeof value !== "object" || value === null || isArrayInput(value, { what: path, code: this.code, path }))
      this.fail(path, `expected an object; got ${kindOf(value)}`);
    const allowed = [...required, ...optional];
    const read = { what: path, code: this.code, path };
    const fields = new Array<unknown>(allowed.length);
    let seen: number;
    try {
      seen = readFields(value, allowed, read, fields);
    } catch (e) {
      if (!isAllocError(e)) throw e;
      const key = e.details.argument;
      const keys = tag !== undefined && typeof key === "string" && !allowed.includes(key) ? tag.keysOf(fields[allowed.indexOf(tag.key)]) : undefined;
      if (keys !== undefined) {
        try {
          readRecord(Object.fromEntries([[key, undefined]]), keys, read);
        } catch (narrowed) {
          if (isAllocError(narrowed)) throw this.#atKey(narrowed, path);
          throw narrowed;
        }
      }
      throw this.#atKey(e, path);
    }
    const out = Object.create(null) as Record<string, unknown>;
    for (let i = 0; i < allowed.length; i++) if ((seen & (1 << i)) !== 0) out[allowed[i] as string] = fields[i];
    for (const key of required) {
      if (out[key] === undefined) this.fail(`${path}${keyPath(key)}`, "missing");
    }
    return Object.freeze(out);
  }

  /** A refusal of the boundary readers for the record at `path`, placed at the key it names (their message starts with `path`). */
  #atKey(e: AllocError, path: string): AllocError {
    const key = e.details.argument;
    const at = key !== undefined && key !== path ? `${path}${keyPath(key)}` : path;
    const message = e.message.startsWith(`${path} has `) ? e.message.slice(path.length + 5).replace(/^an? /, "") : e.message;
    return new AllocError(this.code, `${at}: ${message}`, { path: at, argument: at }, { cause: e });
  }

  /** An array read once (`readArray`): a copy of its elements only this reader holds. */
  array(value: unknown, path: string): readonly unknown[] {
    const options = { what: path, code: this.code, path };
    if (!isArrayInput(value, options)) this.fail(path, `expected an array; got ${kindOf(value)}`);
    return readArray(value, options);
  }

  string(value: unknown, path: string): string {
    if (typeof value !== "string") this.fail(path, `expected a string; got ${kindOf(value)}`);
    return value;
  }

  nonEmptyString(value: unknown, path: string): string {
    const s = this.string(value, path);
    if (s.length === 0) this.fail(path, "expected a non-empty string");
    return s;
  }

  boolean(value: unknown, path: string): boolean {
    if (typeof value !== "boolean") this.fail(path, `expected true or false; got ${kindOf(value)}`);
    return value;
  }

  /** An integer in `0 .. max` given as a JSON number. */
  int(value: unknown, path: string, max: number): number {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value > max) {
      this.fail(path, `expected an integer in 0..${max}; got ${kindOf(value)}`);
    }
    return value;
  }

  /** A u64 given as a safe-integer number or a `"0x…"` / decimal string. */
  u64(value: unknown, path: string): bigint {
    if (typeof value === "number") {
      if (!Number.isSafeInteger(value) || value < 0) this.fail(path, `expected an integer in 0..2^64-1; got ${kindOf(value)}`);
      return BigInt(value);
    }
    if (typeof value === "bigint") {
      if (value < 0n || value > 0xffff_ffff_ffff_ffffn) this.fail(path, `expected an integer in 0..2^64-1; got ${value}`);
      return value;
    }
    if (typeof value === "string" && /^(0x[0-9a-fA-F]{1,16}|[0-9]{1,20})$/.test(value)) {
      const v = BigInt(value);
      if (v <= 0xffff_ffff_ffff_ffffn) return v;
    }
    this.fail(path, `expected an integer in 0..2^64-1 (number or "0x…" string); got ${kindOf(value)}`);
  }

  /** `{ min, max }` with `min <= max`. */
  minMax(value: unknown, path: string, extra: readonly string[] = []): { min: bigint; max: bigint; raw: Readonly<Record<string, unknown>> } {
    const o = this.object(value, path, ["min", "max"], extra);
    const min = this.u64(o["min"], `${path}.min`);
    const max = this.u64(o["max"], `${path}.max`);
    if (min > max) this.fail(`${path}.min`, `min 0x${min.toString(16)} is above max 0x${max.toString(16)}`);
    return { min, max, raw: o };
  }
}

/** `.key` for identifiers, `["key"]` otherwise. */
export function keyPath(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${quoteText(key)}]`;
}

/** A short description of a value for messages (control characters escaped, long text cut). */
export function kindOf(value: unknown): string {
  return describeValue(value);
}

/** `0x` + lowercase hex, no padding: the snapshot form of a u64. */
export function hex(value: bigint | number): string {
  return `0x${value.toString(16)}`;
}
