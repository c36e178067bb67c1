/**
 * A corpus of hostile server strings (issue 11, "hostile strings"): what a CA, a web server or
 * a proxy could put into a handle, `other_msg`, a subject or issuer name or an error text to
 * act on a terminal, a shell, a runner's log or a Markdown summary. Push each through every
 * place a server string is printed, stored, summarised or committed, and check with
 * {@link unsafeForDisplay} that none of it survives raw.
 */

/** One hostile string and what it tries. */
export interface HostileString {
  /** A short label for test names. */
  readonly label: string;
  readonly value: string;
}

/** The corpus. Every value is at least one character long. */
export const HOSTILE_STRINGS: readonly HostileString[] = [
  { label: 'ANSI escape (clear screen, colour)', value: 'h\u001b[2J\u001b[31mred\u001b[0m' },
  { label: 'OSC 8 hyperlink / title set, BEL-terminated', value: 'h\u001b]8;;https://evil.example/\u0007click\u001b]8;;\u0007\u001b]0;pwned\u0007' },
  { label: 'bell', value: 'ding\u0007\u0007' },
  { label: 'carriage return overwrite', value: 'real-handle\rfake-handle' },
  { label: 'line feed and a forged line', value: 'h\nIssued a certificate for bank.example' },
  { label: 'CRLF', value: 'h\r\nX-Injected: 1' },
  { label: 'bidi override (Trojan Source)', value: 'h\u202egnp.exe\u202c' },
  { label: 'bidi isolates and marks', value: '\u2066a\u2069\u200f\u200e\u061c' },
  { label: 'NUL', value: 'h\u0000tail' },
  { label: 'C1 CSI', value: 'h\u009b31mred' },
  { label: 'DEL and backspace', value: 'abc\u0008\u0008\u007fxyz' },
  { label: 'line separator and BOM', value: '\ufeffh\u2028next' },
  { label: 'workflow command after a line break', value: 'h\n::error title=forged::The CA says so' },
  { label: 'add-mask after a line break', value: 'h\n::add-mask::acmapi' },
  { label: 'set-env (unsecure commands)', value: 'h\r\n::set-env name=NODE_OPTIONS::--require /tmp/x' },
  { label: 'stop-commands', value: '\n::stop-commands::tok\n' },
  { label: 'shell command substitution', value: '$(touch /tmp/pwned)' },
  { label: 'shell backticks and separators', value: '`id`;rm -rf ~ && echo|cat>x' },
  { label: 'shell quote breaking', value: `a'b"c\\d` },
  { label: 'shell glob and option', value: '-rf *' },
  { label: 'Markdown and HTML', value: '<img src=x onerror=alert(1)> **bold** [link](https://evil.example) | cell' },
  { label: 'HTML details and script', value: '</td><script>alert(1)</script><details open>' },
  { label: 'very long (1 MiB)', value: 'A'.repeat(1_048_576) },
  { label: 'very long with controls', value: '\u001b[1m'.repeat(50_000) },
];

// C0 (LF included), DEL, C1, bidi and invisible formatting, separators, BOM.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u;

/**
 * Why `line` (one printed line, without its line break) is not safe to show, or `undefined`
 * when it is: a raw control, bidi or invisible character, a workflow command at its start
 * (`::`), or more than `maxLength` characters.
 *
 * @param line - one line as printed.
 * @param maxLength - the longest acceptable line, in UTF-16 code units. @default 2000
 */
export function unsafeForDisplay(line: string, maxLength = 2000): string | undefined {
  const raw = RAW_CONTROL.exec(line);
  if (raw !== null) return `raw U+${(raw[0].codePointAt(0) ?? 0).toString(16).padStart(4, '0')} at ${raw.index}`;
  if (line.trimStart().startsWith('::')) return 'starts with a workflow command (::)';
  if (line.length > maxLength) return `${line.length} characters long`;
  return undefined;
}
