/**
 * `JsonWriter`: JSON text written piece by piece into one growing UTF-8
 * buffer and decoded once. perf: a large document (a snapshot of 100,000
 * allocations) costs about what `JSON.stringify` of it costs, with no
 * intermediate objects and no million-piece string concatenation (bench
 * "snapshot"). Each method writes exactly what `JSON.stringify` writes for the
 * same value.
 */

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();

/**
 * A JSON text being written.
 *
 * @example
 * ```ts
 * const w = new JsonWriter();
 * w.raw('{"a":');
 * w.string("x\n");
 * w.raw("}");
 * w.text(); // '{"a":"x\\n"}'
 * ```
 */
export class JsonWriter {
  #buf = new Uint8Array(1 << 16);
  #n = 0;

  /** Room for `k` more bytes. */
  #room(k: number): Uint8Array {
    if (this.#n + k > this.#buf.length) {
      const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#n + k));
      next.set(this.#buf.subarray(0, this.#n));
      this.#buf = next;
    }
    return this.#buf;
  }

  /** Appends `text` as it is (JSON punctuation, or text `JSON.stringify` made; well-formed UTF-16). */
  raw(text: string): void {
    const len = text.length;
    const buf = this.#room(len);
    let n = this.#n;
    for (let i = 0; i < len; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        this.#n = n;
        this.#utf8(text.slice(i));
        return;
      }
      buf[n++] = c;
    }
    this.#n = n;
  }

  /** Appends non-ASCII text encoded as UTF-8 (at most 3 bytes per UTF-16 unit). */
  #utf8(text: string): void {
    const buf = this.#room(text.length * 3);
    this.#n += ENCODER.encodeInto(text, buf.subarray(this.#n)).written;
  }

  /** Appends one ASCII character, e.g. `0x2c` (`,`). */
  byte(c: number): void {
    this.#room(1)[this.#n++] = c;
  }

  /** Appends `JSON.stringify(s)`; perf: plain ASCII with nothing to escape is copied as it is. */
  string(s: string): void {
    this.#quoted(s, false);
  }

  /** Appends an object key and its colon: `JSON.stringify(key) + ":"`. */
  key(key: string): void {
    this.#quoted(key, true);
  }

  #quoted(s: string, colon: boolean): void {
    const len = s.length;
    const buf = this.#room(len + 3);
    let n = this.#n;
    buf[n++] = 0x22;
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x80) {
        this.raw(colon ? `${JSON.stringify(s)}:` : JSON.stringify(s));
        return;
      }
      buf[n++] = c;
    }
    buf[n++] = 0x22;
    if (colon) buf[n++] = 0x3a;
    this.#n = n;
  }

  /** Appends `JSON.stringify(v)` of a value that is not `undefined`. */
  value(v: unknown): void {
    if (typeof v === "string") this.string(v);
    else if (v === true) this.raw("true");
    else if (v === false) this.raw("false");
    else if (typeof v === "number" && Number.isFinite(v)) this.raw(`${v}`);
    else this.raw(JSON.stringify(v) as string);
  }

  /** The text written so far. */
  text(): string {
    return DECODER.decode(this.#buf.subarray(0, this.#n));
  }
}
