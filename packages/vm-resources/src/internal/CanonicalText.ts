/**
 * A cursor over JSON text in the form `JsonWriter` writes it: no whitespace,
 * strings without escapes or control characters, integers without sign,
 * fraction or exponent. The snapshot reader reads such text straight from the
 * string instead of building the whole document with `JSON.parse` first
 * (perf: no object per owner, no string per address; bench "restore").
 *
 * Each method either consumes exactly the form it expects and says so, or
 * consumes nothing and answers `false` / `undefined` / `-1`. It never decides
 * that text is invalid: its caller then reads the whole text the general way,
 * so text outside this form is read more slowly, never differently.
 */

/** The keys of a flat record, in order, as the text before each value. */
export class RecordShape {
  /** `{"k0":`, then `,"k1":` and so on. */
  readonly heads: readonly string[];
  /** The last string read for each field. */
  readonly last: unknown[];

  constructor(keys: readonly string[]) {
    this.heads = keys.map((k, i) => `${i === 0 ? "{" : ","}${JSON.stringify(k)}:`);
    this.last = keys.map(() => undefined);
  }
}

export class CanonicalText {
  /** Where the next read starts. */
  pos = 0;
  /** After {@link record}: each field's value. */
  readonly values: unknown[] = [];

  constructor(readonly text: string) {}

  /** Consumes `s` when the text goes on with it. */
  skip(s: string): boolean {
    if (!this.text.startsWith(s, this.pos)) return false;
    this.pos += s.length;
    return true;
  }

  /** True when the text goes on with the character `code`. */
  at(code: number): boolean {
    return this.text.charCodeAt(this.pos) === code;
  }

  /** True when everything has been read. */
  atEnd(): boolean {
    return this.pos === this.text.length;
  }

  /**
   * A string, or `undefined` when it holds a raw control character (not
   * JSON). One with escapes is decoded by `JSON.parse`, which throws for a
   * bad escape.
   */
  string(): string | undefined {
    const t = this.text;
    const p = this.pos;
    if (t.charCodeAt(p) !== 0x22) return undefined;
    let escaped = false;
    for (let q = p + 1; q < t.length; q++) {
      const c = t.charCodeAt(q);
      if (c === 0x22) {
        this.pos = q + 1;
        return escaped ? (JSON.parse(t.slice(p, q + 1)) as string) : t.slice(p + 1, q);
      }
      if (c < 0x20) return undefined;
      if (c === 0x5c) {
        escaped = true;
        q++;
      }
    }
    return undefined;
  }

  /**
   * One object, array or string value (escapes and nesting allowed), as
   * `JSON.parse` gives it; `JSON.parse` throws when that text is not JSON. For
   * the small parts of a document (the layout) that the general reader checks.
   */
  value(): unknown {
    const t = this.text;
    const start = this.pos;
    let p = start;
    let depth = 0;
    do {
      const c = t.charCodeAt(p++);
      if (c === 0x22) {
        while (p < t.length && t.charCodeAt(p) !== 0x22) p += t.charCodeAt(p) === 0x5c ? 2 : 1;
        p++;
      } else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) depth--;
    } while (depth > 0 && p < t.length);
    this.pos = p;
    return JSON.parse(t.slice(start, p));
  }

  /**
   * A flat object with exactly the keys of `shape`, in its order, each value
   * into {@link values}: true when read, false (nothing consumed) when the
   * text is not that. A value is a plain string, `true`, `false`, an integer
   * of at most 15 digits (a number), or `"0x"` and 1 to 13 lower-case hex
   * digits, read as its number: every field of a snapshot that holds such a
   * string is a u64, which reads a number and its hex string alike (a field
   * that wants a string then refuses the number, and the general reader
   * takes over).
   */
  record(shape: RecordShape): boolean {
    const t = this.text;
    const heads = shape.heads;
    let p = this.pos;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i] as string;
      if (!t.startsWith(head, p)) return false;
      p += head.length;
      const c = t.charCodeAt(p);
      if (c === 0x22) {
        const end = this.#stringEnd(p);
        if (end < 0) return false;
        const hex = end - p - 5 <= 12 && t.charCodeAt(p + 1) === 0x30 && t.charCodeAt(p + 2) === 0x78 ? hexValue(t, p + 3, end - 1) : -1;
        if (hex >= 0) this.values[i] = hex;
        else {
          // A string that repeats the field's last one (a window, a kind) is that string again, not a copy.
          const last = shape.last[i];
          const same = typeof last === "string" && last.length === end - p - 2 && t.startsWith(last, p + 1);
          this.values[i] = same ? last : (shape.last[i] = t.slice(p + 1, end - 1));
        }
        p = end;
      } else if (c === 0x74 && t.startsWith("true", p)) {
        this.values[i] = true;
        p += 4;
      } else if (c === 0x66 && t.startsWith("false", p)) {
        this.values[i] = false;
        p += 5;
      } else {
        const end = integerEnd(t, p);
        if (end < 0) return false;
        this.values[i] = Number(t.slice(p, end));
        p = end;
      }
    }
    if (t.charCodeAt(p) !== 0x7d) return false;
    this.pos = p + 1;
    return true;
  }

  /** The string value of `key` in the flat object at the cursor (found by its text alone), or `undefined`. */
  peekString(key: string): string | undefined {
    const t = this.text;
    const close = t.indexOf("}", this.pos);
    const at = t.indexOf(`"${key}":"`, this.pos);
    if (at < 0 || close < 0 || at > close) return undefined;
    const p = at + key.length + 3;
    const end = this.#stringEnd(p);
    return end < 0 ? undefined : t.slice(p + 1, end - 1);
  }

  /** The end (past the closing quote) of a plain string opening at `p`, or -1. */
  #stringEnd(p: number): number {
    const t = this.text;
    if (t.charCodeAt(p) !== 0x22) return -1;
    for (let q = p + 1; q < t.length; q++) {
      const c = t.charCodeAt(q);
      if (c === 0x22) return q + 1;
      if (c === 0x5c || c < 0x20) return -1;
    }
    return -1;
  }
}

/** The value of the lower-case hex digits `t[from..to)` (1 to 13 of them), or -1. */
function hexValue(t: string, from: number, to: number): number {
  if (to <= from) return -1;
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = t.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) v = v * 16 + (c - 0x30);
    else if (c >= 0x61 && c <= 0x66) v = v * 16 + (c - 0x57);
    else return -1;
  }
  return v;
}

/** The end of a JSON integer of 1 to 15 digits at `p` (no sign, no leading zero, no fraction or exponent), or -1. */
function integerEnd(t: string, p: number): number {
  let q = p;
  while (q < t.length && q - p <= 15) {
    const c = t.charCodeAt(q);
    if (c < 0x30 || c > 0x39) break;
    q++;
  }
  const digits = q - p;
  if (digits === 0 || digits > 15 || (digits > 1 && t.charCodeAt(p) === 0x30)) return -1;
  const c = t.charCodeAt(q);
  return c === 0x2e || c === 0x65 || c === 0x45 ? -1 : q;
}
