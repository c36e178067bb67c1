/**
 * Server strings as data, not text to obey: the one escaping every front end uses before a
 * terminal, a log or a summary sees something the CA (or any server) sent, and the one
 * quoting of a value inside a command line printed for users to copy.
 *
 * @module @acmapi/core/text
 */

/** The longest server string shown, in characters (code points), before it is cut. */
export const DISPLAY_TEXT_MAX = 200;

// Characters that would make printed text lie or act: C0 (line breaks and ESC included), DEL,
// C1, bidi marks, embeddings, overrides and isolates, line/paragraph separators, BOM.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u;

/** One character as shown: `\\`, `\n`, `\r`, `\t`, or `\u{hex}` for any other unprintable one. */
function showChar(c: string): string {
  if (c === '\\') return '\\\\';
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  if (UNPRINTABLE.test(c)) return `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`;
  return c;
}

/** Options of {@link displayText}. */
export interface DisplayTextOptions {
  /**
   * The longest result, in characters, before the suffix `… (N more characters)` (N counts
   * the original's code points left out). Escapes count as what they print (`\u{1b}` is six).
   * @default DISPLAY_TEXT_MAX (200)
   */
  readonly maxLength?: number;
}

/**
 * A server string (a handle, `other_msg`, a subject or issuer name, an error text) made safe
 * to print on one line: a backslash becomes `\\`, LF/CR/TAB become `\n`/`\r`/`\t`, every
 * other control, bidi or invisible formatting character becomes `\u{hex}`, and the result is
 * cut at `maxLength` characters. Ordinary text (letters of any script, punctuation) is
 * unchanged. Pure; never throws.
 *
 * @param value - the string as received.
 * @param options - the length cap.
 * @returns one line without control characters, at most `maxLength` characters plus the suffix.
 */
export function displayText(value: string, options: DisplayTextOptions = {}): string {
  const max = options.maxLength ?? DISPLAY_TEXT_MAX;
  const chars = Array.from(value);
  let shown = '';
  for (let index = 0; index < chars.length; index += 1) {
    const piece = showChar(chars[index] ?? '');
    if (shown.length + piece.length > max) return `${shown}… (${chars.length - index} more characters)`;
    shown += piece;
  }
  return shown;
}

// Words a POSIX shell takes literally without quotes (no globbing, expansion, splitting).
const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * One argument of a command line printed for users to copy into a POSIX shell (sh, bash,
 * zsh): unchanged when it holds only characters a shell takes literally, else in single
 * quotes, where nothing is special but the quote itself, written `'\''` (POSIX.1-2017
 * XCU §2.2.2). A control character in `value` is escaped by {@link displayText} first, so
 * the line stays one line, and so is a value longer than the cap (neither is meant to be
 * typed back; the protocol layer refuses such handles).
 *
 * @param value - the argument (a handle, a store path, a certificate name).
 * @param options - the length cap, as for {@link displayText}; @default 200 characters.
 * @returns the argument quoted for the shell; `''` for the empty string.
 */
export function shellQuote(value: string, options: DisplayTextOptions = {}): string {
  const shown = displayText(value, options);
  if (SHELL_SAFE.test(shown) && !shown.startsWith('-')) return shown;
  return `'${shown.replaceAll("'", "'\\''")}'`;
}

// UNPRINTABLE without LF, everywhere in a string.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE_BUT_LF = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu;

/**
 * The last line of defence of a front end's printer: every control, bidi or invisible
 * formatting character but the line feed becomes `\u{hex}`, so that nothing written to a
 * terminal or a log acts on it, whatever a message quotes (a command line's word, a file's
 * content, a server string a caller forgot to pass through {@link displayText}). Unlike
 * `displayText` it keeps line breaks and backslashes (Windows paths) as they are and cuts
 * nothing: it is for text the program composed, not for a server string on its own. Pure.
 *
 * @param text - text about to be printed, lines separated by LF.
 * @returns the same text with those characters escaped.
 */
export function escapeUnprintable(text: string): string {
  return text.replace(UNPRINTABLE_BUT_LF, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}

/**
 * JSON text (from `JSON.stringify`) with every control, bidi or invisible formatting
 * character written as a `\uXXXX` escape (RFC 8259 §7): the same JSON value, but no raw
 * U+202E or U+0085 reaches a terminal that shows the JSON. `JSON.stringify` escapes only
 * C0 controls. Pure.
 *
 * @param json - JSON text.
 * @returns equivalent JSON text.
 */
export function escapeUnprintableJson(json: string): string {
  return json.replace(UNPRINTABLE_BUT_LF, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}
