import { describe, expect, it } from 'vitest';
import { CaError, ProtocolError } from '../errors/errors.js';
import { HOSTILE_STRINGS, unsafeForDisplay } from '@acmapi/test-utils';
import { bodyExcerpt, buildApplyRequest, buildRetrieveRequest, OTHER_MSG_MAX, parseResponse } from './protocol.js';

const credentials = { customerId: 'customer_01', authToken: 'tok-SECRET-123' };

function protocolError(body: string, secrets: string[] = []): ProtocolError {
  try {
    parseResponse(body, { secrets });
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  }
  throw new Error('parseResponse did not throw');
}

function caError(body: string): CaError {
  try {
    parseResponse(body);
  } catch (error) {
    if (error instanceof CaError) return error;
    throw error;
  }
  throw new Error('parseResponse did not throw');
}

describe('buildApplyRequest / buildRetrieveRequest (spec §2)', () => {
  it('builds exactly the five apply fields, unpadded, in JSON the table types', () => {
    const body = buildApplyRequest(credentials, ['example.com', 'www.example.com'], '  -----BEGIN CERTIFICATE REQUEST-----\nAA\n-----END CERTIFICATE REQUEST-----\n');
    expect(JSON.parse(JSON.stringify(body))).toStrictEqual({
      customer_id: 'customer_01',
      auth_token: 'tok-SECRET-123',
      req_type: 'cert_apply',
      domain_name: ['example.com', 'www.example.com'],
      csr: '-----BEGIN CERTIFICATE REQUEST-----\nAA\n-----END CERTIFICATE REQUEST-----',
    });
  });

  it('copies the domains, so later changes to the caller\'s array do not leak into the body', () => {
    const domains = ['example.com'];
    const body = buildApplyRequest(credentials, domains, 'csr');
    domains.push('other.example');
    expect(body.domain_name).toStrictEqual(['example.com']);
  });

  it('builds exactly the four retrieve fields, always with req_type', () => {
    expect(JSON.parse(JSON.stringify(buildRetrieveRequest(credentials, ' handle_01 ')))).toStrictEqual({
      customer_id: 'customer_01',
      auth_token: 'tok-SECRET-123',
      req_type: 'cert_apply',
      handle_id: 'handle_01',
    });
  });
});

describe('parseResponse (spec §3)', () => {
  it('reads the source\'s success example: status "0", padded handle and certificate', () => {
    // The source's example with its missing comma and trailing comma repaired.
    const body = `{
  "result":"success",
  "status": "0",
  "handle_id":" handle_XXXXXX01",
  "certificate": " -----BEGIN CERTIFICATE-----.....-----END CERTIFICATE-----"
}`;
    expect(parseResponse(body)).toStrictEqual({
      result: 'success',
      status: 0,
      handleId: 'handle_XXXXXX01',
      certificate: '-----BEGIN CERTIFICATE-----.....-----END CERTIFICATE-----',
    });
  });

  it('reads the source\'s pending example: result " pending", status "1"', () => {
    const body = '{\n  "result":" pending",\n  "status": "1",\n  "handle_id": "handle_XXXXXX01"\n}';
    expect(parseResponse(body)).toStrictEqual({ result: 'pending', status: 1, handleId: 'handle_XXXXXX01' });
  });

  it('accepts padded keys like "customer_id " and "status " and numeric status', () => {
    const body = '{"result ":"pending", " status":1, "handle_id ":"h1", "customer_id ":" customer_XXXXX01 "}';
    expect(parseResponse(body)).toStrictEqual({ result: 'pending', status: 1, handleId: 'h1' });
  });

  it('accepts a status string with surrounding white space', () => {
    expect(caError('{"result":"error","status":" 109 "}').status).toBe(109);
  });

  it('turns the source\'s 107 example (other_msg moved inside) into a CaError naming the domain', () => {
    const error = caError('{"result":"error","status":"107","other_msg":" test.ims.cn "}');
    expect(error.code).toBe('CA_DOMAIN_VERIFY_FAILED');
    expect(error.domain).toBe('test.ims.cn');
    expect(error.message).toContain('test.ims.cn');
  });

  it('tolerates 107 without other_msg', () => {
    const error = caError('{"result":"error","status":107}');
    expect(error.status).toBe(107);
    expect(error.domain).toBeUndefined();
  });

  it.each([101, 102, 103, 104, 105, 106, 108, 109, 110, 111] as const)('maps status %i to its CaError', (status) => {
    const error = caError(JSON.stringify({ result: 'error', status }));
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(status === 111);
  });

  it.each([
    ['success with 107', '{"result":"success","status":107,"other_msg":"a.example"}'],
    ['pending with status 0', '{"result":"pending","status":0,"handle_id":"h","certificate":"x"}'],
    ['success with status 1', '{"result":"success","status":"1","handle_id":"h"}'],
    ['error with status 0', '{"result":"error","status":0,"handle_id":"h","certificate":"x"}'],
    ['error with status 1', '{"result":"error","status":1,"handle_id":"h"}'],
  ])('rejects result and status that contradict each other: %s', (_name, body) => {
    expect(protocolError(body).code).toBe('PROTOCOL_CONTRADICTION');
  });

  it.each([
    ['a JSON array', '[1,2]'],
    ['JSON null', 'null'],
    ['a missing result', '{"status":0,"handle_id":"h","certificate":"x"}'],
    ['a missing status', '{"result":"pending","handle_id":"h"}'],
    ['an unknown result', '{"result":"ok","status":0,"handle_id":"h","certificate":"x"}'],
    ['an unknown status', '{"result":"error","status":112}'],
    ['status 2', '{"result":"pending","status":2,"handle_id":"h"}'],
    ['a fractional status', '{"result":"error","status":107.5}'],
    ['a non-numeric status string', '{"result":"error","status":"1O7"}'],
    ['status 0 without certificate', '{"result":"success","status":0,"handle_id":"h"}'],
    ['status 0 with an empty certificate', '{"result":"success","status":0,"handle_id":"h","certificate":"  "}'],
    ['status 0 without handle', '{"result":"success","status":0,"certificate":"x"}'],
    ['status 1 without handle', '{"result":"pending","status":1}'],
    ['status 1 with a numeric handle', '{"result":"pending","status":1,"handle_id":5}'],
    ['keys that clash after trimming', '{"result":"error","status":"107","status ":"109"}'],
  ])('rejects %s as PROTOCOL_BAD_SHAPE', (_name, body) => {
    expect(protocolError(body).code).toBe('PROTOCOL_BAD_SHAPE');
  });

  it('rejects the source\'s literal example (a missing comma) as not JSON rather than guessing', () => {
    const body = '{\n  "result":"success",\n  "status": "0",\n  "handle_id":" handle_XXXXXX01"\n  "certificate": "x",\n}';
    expect(protocolError(body).code).toBe('PROTOCOL_NOT_JSON');
  });

  it('quotes the first 80 characters of a non-JSON body with control characters escaped', () => {
    const body = `<html>\n\t<title>Login\u0007</title>${'x'.repeat(200)}`;
    const error = protocolError(body);
    expect(error.code).toBe('PROTOCOL_NOT_JSON');
    expect(error.excerpt).toBe(`<html>\\n\\t<title>Login\\u{7}</title>${'x'.repeat(80 - 29)}…`);
    expect(error.message).toContain(error.excerpt);
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain('x'.repeat(60));
  });

  it('redacts secrets from excerpts, even when the endpoint echoes the request', () => {
    const echoed = JSON.stringify(buildRetrieveRequest(credentials, 'h')).replace('{', '{oops');
    const error = protocolError(echoed, [credentials.authToken]);
    expect(error.message).not.toContain(credentials.authToken);
    expect(error.message).toContain('[redacted]');
  });

  it('redacts a token with quotes, backslashes, slashes or non-ASCII in every form an echo may carry it', () => {
    for (const token of ['QQ"quoteSECRET', 'back\\slashSECRET', 'lit\\u0041SECRET', 'sl/ashSECRET', 'ümlautSECRET😀', 'a&b=c d%SECRET']) {
      const echoed = JSON.stringify(buildApplyRequest({ ...credentials, authToken: token }, ['example.com'], 'CSR'));
      const php = echoed.replaceAll('/', '\\/').replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
      for (const body of [`{oops${echoed}`, `{oops${php}`, `<html>${encodeURIComponent(token)}</html>`]) {
        const message = protocolError(body, [token]).message;
        expect(message, body).toContain('[redacted]');
        expect(message, body).not.toContain('SECRET');
      }
    }
  });
});

describe('bodyExcerpt', () => {
  it('escapes backslashes and bidi controls so that the quote cannot lie', () => {
    expect(bodyExcerpt('a\\b\u202ec\r')).toBe('a\\\\b\\u{202e}c\\r');
  });

  it('does not cut a surrogate pair in half', () => {
    expect(bodyExcerpt('😀😀😀', {}, 2)).toBe('😀😀…');
  });
});

describe('finding 2: hostile handles and other_msg', () => {
  it.each(HOSTILE_STRINGS.map((h) => [h.label, h.value] as const))('finding 2: a handle_id with %s is a protocol error', (_label, value) => {
    for (const status of [0, 1]) {
      const body = JSON.stringify({ result: status === 0 ? 'success' : 'pending', status, handle_id: value, certificate: 'x' });
      let caught: unknown;
      try {
        parseResponse(body);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ProtocolError);
      const message = (caught as ProtocolError).message;
      expect(unsafeForDisplay(message)).toBeUndefined();
    }
  });

  it('finding 2: accepts ordinary handles up to 128 characters and refuses longer ones', () => {
    for (const handle of ['handle_01', 'a', 'AbC-123.x~y+z=:/q', 'h'.repeat(128)]) {
      expect(parseResponse(JSON.stringify({ result: 'pending', status: 1, handle_id: handle }))).toMatchObject({ handleId: handle });
    }
    expect(() => parseResponse(JSON.stringify({ result: 'pending', status: 1, handle_id: 'h'.repeat(129) }))).toThrow(ProtocolError);
    expect(() => parseResponse(JSON.stringify({ result: 'pending', status: 1, handle_id: '-rf' }))).toThrow(ProtocolError);
  });

  it.each(HOSTILE_STRINGS.map((h) => [h.label, h.value] as const))('finding 2: a 107 whose other_msg holds %s gives a capped domain and a safe message', (_label, value) => {
    let caught: unknown;
    try {
      parseResponse(JSON.stringify({ result: 'error', status: 107, other_msg: value }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CaError);
    const error = caught as CaError;
    expect((error.domain ?? '').length).toBeLessThanOrEqual(OTHER_MSG_MAX + 1);
    expect(unsafeForDisplay(error.message)).toBeUndefined();
  });
});
