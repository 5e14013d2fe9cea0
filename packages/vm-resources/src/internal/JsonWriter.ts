/**
 * `JsonWriter`: JSON text written piece by piece as UTF-8 into one small
 * buffer, decoded to text each time it fills, the pieces joined once at the
 * end. perf: no intermediate objects, no million-piece string concatenation,
 * and no large buffer to grow and zero (bench "snapshot"). Each method writes
 * exactly what `JSON.stringify` writes for the same value.
 */

const ENCODER = new TextEncoder();
/** Bytes decoded at a time. */
const CHUNK = 1 << 16;

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
  #buf = new Uint8Array(CHUNK);
  #n = 0;
  /** The text of the chunks written so far. */
  readonly #done: string[] = [];
  /** Streaming, so a character split between two chunks is decoded whole. */
  readonly #decoder = new TextDecoder();

  /** Room for `k` more bytes: the buffer, flushed when it cannot take them (and made larger for one large piece). */
  #room(k: number): Uint8Array {
    if (this.#n + k > this.#buf.length) {
      this.#done.push(this.#decoder.decode(this.#buf.subarray(0, this.#n), { stream: true }));
      this.#n = 0;
      if (k > this.#buf.length) this.#buf = new Uint8Array(k);
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

  /** The whole text; the writer is then empty again. */
  text(): string {
    this.#done.push(this.#decoder.decode(this.#buf.subarray(0, this.#n)));
    this.#n = 0;
    const text = this.#done.join("");
    this.#done.length = 0;
    return text;
  }
}
