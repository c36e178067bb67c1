/**
 * Judging a fetched signfile body against the expected token, as the CA does:
 * by containment (spec §1, §5; BR §3.2.2.4.18 "the Request Token … is contained
 * in the content"), with exact match reported and every near miss named. Pure.
 *
 * Classification, in this order:
 * 1. `empty`: no bytes, or only white space (and a byte-order mark). Fails.
 * 2. `exact`: the bytes are exactly the token's UTF-8 bytes, or those followed by one LF
 *    (a text file's usual last newline: the local signfile has it too, so warning about
 *    it would only confuse). Passes.
 * 3. The body (decoded as UTF-8, a byte-order mark kept as U+FEFF) contains the
 *    token: passes, and the kind names what differs, first match wins:
 *    `bom` (starts with a byte-order mark), `crlf` (CRLF line ends the token does
 *    not have), `trailing-whitespace` (white space around the token, e.g. the
 *    newline an editor adds), else `contained` (the token inside other content).
 *    The first three are shown to the user as warnings: another CA or a stricter
 *    check could compare exactly.
 * 4. Not contained, but contained once line ends are made LF, trailing white
 *    space is cut from each line, and a byte-order mark is removed: fails, named
 *    after the difference that broke it, `crlf` before `trailing-whitespace`
 *    before `bom` (a multi-line token served with CRLF line ends is `crlf`).
 * 5. Otherwise fails as `html` (an HTML page: an error page, a single-page app's
 *    fallback), `other-token` (a short plain text without markup, at most 256
 *    characters or four times the token's length: someone else's or an old
 *    signfile), or `missing` (other content).
 */

/** How a body relates to the expected token. */
export type SignfileContentKind =
  | 'exact'
  | 'contained'
  | 'bom'
  | 'crlf'
  | 'trailing-whitespace'
  | 'html'
  | 'empty'
  | 'other-token'
  | 'missing';

/** The verdict on one body. */
export interface SignfileBodyCheck {
  /** Whether the CA would accept it (the body contains the token). */
  readonly pass: boolean;
  readonly kind: SignfileContentKind;
  /**
   * The start of the body, at most {@link SIGNFILE_EXCERPT_LENGTH} characters, with
   * control characters, CR, LF, tab and the byte-order mark written as escapes
   * (`\r`, `\n`, `\t`, `\uFEFF`, `\u{…}`) so it prints safely on one line.
   */
  readonly excerpt: string;
}

/** Characters kept in an excerpt. */
export const SIGNFILE_EXCERPT_LENGTH = 80;

const BOM = '\uFEFF';

/** Escapes what would break a terminal line or hide a difference. */
export function sanitizeExcerpt(text: string, length = SIGNFILE_EXCERPT_LENGTH): string {
  // Code points, not grapheme clusters: each escaped control must stay visible on its own.
  // eslint-disable-next-line @typescript-eslint/no-misused-spread
  const chars = [...text];
  const cut = chars.slice(0, length).map((char) => {
    if (char === '\r') return '\\r';
    if (char === '\n') return '\\n';
    if (char === '\t') return '\\t';
    if (char === BOM) return '\\uFEFF';
    const code = char.codePointAt(0) ?? 0;
    // C0, DEL, C1, and the bidirectional controls that can reorder what a terminal shows.
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) {
      return `\\u{${code.toString(16)}}`;
    }
    return char;
  });
  return cut.join('') + (chars.length > length ? '…' : '');
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** LF line ends, no trailing white space on any line, no byte-order mark, trimmed. */
function normalize(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replaceAll('\r\n', '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
}

function hasTrailingWhitespaceOnLine(text: string): boolean {
  return text.split(/\r?\n/).some((line) => line !== line.trimEnd());
}

/** An HTML document or fragment near the start of the body. */
export function looksLikeHtml(text: string): boolean {
  return /<(!doctype\s+html|html|head|body|title|meta|div|h1|p)[\s>/]/i.test(text.slice(0, 2048));
}

function looksLikeOtherToken(text: string, token: string): boolean {
  const trimmed = text.trim();
  return trimmed.length > 0 && trimmed.length <= Math.max(256, token.length * 4) && !trimmed.includes('<');
}

/**
 * Judges a signfile body (spec §5). See the module comment for the exact rules.
 *
 * @param body - the bytes served (possibly cut at the body cap).
 * @param token - the expected signfile content.
 */
export function checkSignfileBody(body: Uint8Array, token: string): SignfileBodyCheck {
  // ignoreBOM keeps a leading byte-order mark as U+FEFF, so it can be named.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(body);
  const excerpt = sanitizeExcerpt(text);
  const result = (pass: boolean, kind: SignfileContentKind): SignfileBodyCheck => ({ pass, kind, excerpt });
  const hasBom = text.startsWith(BOM);
  const withoutBom = hasBom ? text.slice(1) : text;
  const hasCrlf = text.includes('\r\n') && !token.includes('\r\n');

  if (withoutBom.trim() === '') return result(false, 'empty');
  const exact = new TextEncoder().encode(token);
  if (bytesEqual(body, exact) || (body.at(-1) === 0x0a && bytesEqual(body.subarray(0, -1), exact))) return result(true, 'exact');
  if (token !== '' && text.includes(token)) {
    if (hasBom) return result(true, 'bom');
    if (hasCrlf) return result(true, 'crlf');
    if (text.trim() === token.trim()) return result(true, 'trailing-whitespace');
    return result(true, 'contained');
  }
  const normalToken = normalize(token);
  if (normalToken !== '' && normalize(text).includes(normalToken)) {
    if (hasCrlf) return result(false, 'crlf');
    if (hasTrailingWhitespaceOnLine(text)) return result(false, 'trailing-whitespace');
    if (hasBom) return result(false, 'bom');
    return result(false, 'trailing-whitespace');
  }
  if (looksLikeHtml(text)) return result(false, 'html');
  if (looksLikeOtherToken(withoutBom, token)) return result(false, 'other-token');
  return result(false, 'missing');
}
