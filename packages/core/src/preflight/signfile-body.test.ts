import { describe, expect, it } from 'vitest';
import { checkSignfileBody, sanitizeExcerpt } from './signfile-body.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const single = 'acmapi-7f3a9c1e2b';
const multi = 'acmapi signfile\ncustomer 4711\n7f3a9c1e2b';

describe('checkSignfileBody: passing bodies', () => {
  it('exact bytes are exact', () => {
    expect(checkSignfileBody(bytes(single), single)).toEqual({ pass: true, kind: 'exact', excerpt: single });
  });

  it('a byte-order mark before the token passes but is named', () => {
    const body = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(single)]);
    expect(checkSignfileBody(body, single)).toEqual({ pass: true, kind: 'bom', excerpt: `\\uFEFF${single}` });
  });

  it('a single-line token with a CRLF end passes but is named crlf', () => {
    expect(checkSignfileBody(bytes(`${single}\r\n`), single)).toMatchObject({ pass: true, kind: 'crlf', excerpt: `${single}\\r\\n` });
  });

  it('one final LF, as a text file ends, is still exact', () => {
    expect(checkSignfileBody(bytes(`${single}\n`), single)).toMatchObject({ pass: true, kind: 'exact' });
  });

  it('other white space around the token passes as trailing-whitespace', () => {
    expect(checkSignfileBody(bytes(`${single}\n\n`), single)).toMatchObject({ pass: true, kind: 'trailing-whitespace' });
    expect(checkSignfileBody(bytes(`${single}  \t`), single)).toMatchObject({ pass: true, kind: 'trailing-whitespace' });
  });

  it('the token inside other content passes as contained (containment, BR §3.2.2.4.18)', () => {
    expect(checkSignfileBody(bytes(`<html><body>${single}</body></html>`), single)).toMatchObject({ pass: true, kind: 'contained' });
  });
});

describe('checkSignfileBody: failing bodies', () => {
  it('a multi-line token served with CRLF line ends fails as crlf', () => {
    expect(checkSignfileBody(bytes(multi.replaceAll('\n', '\r\n')), multi)).toMatchObject({ pass: false, kind: 'crlf' });
  });

  it('trailing white space inside a multi-line token fails as trailing-whitespace', () => {
    expect(checkSignfileBody(bytes(multi.replace('\n', ' \n')), multi)).toMatchObject({ pass: false, kind: 'trailing-whitespace' });
  });

  it('empty and white-space-only bodies are empty', () => {
    expect(checkSignfileBody(new Uint8Array(), single)).toMatchObject({ pass: false, kind: 'empty', excerpt: '' });
    expect(checkSignfileBody(bytes(' \r\n'), single)).toMatchObject({ pass: false, kind: 'empty' });
    expect(checkSignfileBody(new Uint8Array([0xef, 0xbb, 0xbf]), single)).toMatchObject({ pass: false, kind: 'empty' });
  });

  it('an HTML page instead of the token is html', () => {
    const page = '<!DOCTYPE html>\n<html><head><title>Welcome</title></head><body>It works</body></html>';
    expect(checkSignfileBody(bytes(page), single)).toMatchObject({ pass: false, kind: 'html' });
  });

  it('another short plain text is other-token', () => {
    expect(checkSignfileBody(bytes('acmapi-0000000000'), single)).toMatchObject({ pass: false, kind: 'other-token', excerpt: 'acmapi-0000000000' });
  });

  it('long non-HTML content is missing', () => {
    expect(checkSignfileBody(bytes('x'.repeat(5000)), single)).toMatchObject({ pass: false, kind: 'missing' });
  });
});

describe('sanitizeExcerpt', () => {
  it('escapes controls and bidirectional overrides and cuts long text', () => {
    expect(sanitizeExcerpt('a\u0007b\u202ec')).toBe('a\\u{7}b\\u{202e}c');
    expect(sanitizeExcerpt('abcdef', 3)).toBe('abc…');
  });
});
