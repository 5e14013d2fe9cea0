/**
 * Text that is safe to print on one terminal line (whole messages; user values
 * inside them are quoted with `quoteText` from `@alloc/constraint`): control characters (and
 * the line and paragraph separators) escaped, and anything long cut to its
 * first characters with an ellipsis and the full length.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/**
 * `text` escaped and cut to at most `max` characters of the original.
 *
 * @example
 * ```ts
 * safeText("a\u001b[31mb"); // "a\\x1b[31mb"
 * safeText("x".repeat(100), 10); // "xxxxxxxxxx… (100 chars)"
 * ```
 */
export function safeText(text: string, max = 80): string {
  const cut = text.length > max ? `${escapeControl(text.slice(0, max))}… (${text.length} chars)` : escapeControl(text);
  return cut;
}
