/**
 * Reads a JSON input file the way a user saved it: a UTF-8 byte order mark is
 * dropped, UTF-16 and invalid UTF-8 are refused by name, and a JSON syntax
 * error becomes one line with its line and column and no raw input bytes.
 */
import { readFileSync } from "node:fs";
import { safeLine } from "@alloc/constraint";

/** A file that cannot be used, with a message that is safe to print. */
export class InputError extends Error {
  override readonly name = "InputError";
  /** True when the file could not be read at all (as opposed to read but unusable). */
  readonly unreadable: boolean;

  constructor(message: string, unreadable = false) {
    super(message);
    this.unreadable = unreadable;
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Decodes `bytes` as UTF-8 text, without a leading byte order mark. */
export function decodeUtf8(bytes: Uint8Array): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new InputError(`not UTF-8: it starts with a UTF-16 ${bytes[0] === 0xff ? "LE" : "BE"} byte order mark; save it as UTF-8`);
  }
  if (bytes.length >= 2 && (bytes[0] === 0 || bytes[1] === 0)) throw new InputError("not UTF-8: it holds NUL bytes (UTF-16?); save it as UTF-8");
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new InputError("not UTF-8: it holds an invalid UTF-8 byte sequence");
  }
}

function lineAndColumn(text: string, position: number): string {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < position; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return `line ${line}, column ${position - start + 1}`;
}

/** Parses JSON `text`; a syntax error names where it is, never echoing more than a few escaped characters. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const raw = e instanceof Error ? e.message : String(e);
    // V8 quotes the input itself (`..., "<input>" is not valid JSON`): drop that part.
    const reason = raw.replace(/, ".*is not valid JSON$/s, "").replace(/ in JSON at position \d+.*$/s, "");
    const at = /position (\d+)/.exec(raw);
    const where = at === null ? "" : ` (${lineAndColumn(text, Number(at[1]))})`;
    throw new InputError(`not valid JSON: ${safeLine(reason, 60)}${where}`);
  }
}

/** Reads and parses the JSON file `path` (`-` is standard input). */
export function readJsonFile(path: string): unknown {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path === "-" ? 0 : path);
  } catch (e) {
    throw new InputError(`cannot read ${safeLine(path, 80)}: ${(e as NodeJS.ErrnoException).code ?? "read failed"}`, true);
  }
  return parseJson(decodeUtf8(bytes));
}
