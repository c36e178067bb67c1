/**
 * The sandbox under fuzzed headers and bodies (issue 11, "make the trial repeatable"): raw
 * bytes over a socket, so framing no HTTP client would send (duplicate or negative
 * Content-Length, odd Transfer-Encoding, obs-fold, NUL and CR in values, truncated chunks)
 * reaches the server as sent. Every request gets an answer below 500 or a closed connection,
 * never silence and never a crash; every API body gets an ACMAPI answer, never the
 * "internal error" 111.
 *
 * Seeded: a failure prints its seed and path; `FUZZ_SEED=<seed> FUZZ_PATH=<path>` replays it.
 * CI runs the cases below; `pnpm fuzz` runs many more (FUZZ_RUNS).
 */
import { generateKeyAndCsr } from '@acmapi/core';
import { fuzzSettings, fuzzTimeout } from '@acmapi/test-utils';
import fc from 'fast-check';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../src/index.js';
import { statusOf } from './helpers/raw-http.js';

const HEADERS = fuzzSettings(1500);
const BODIES = fuzzSettings(1500);
const ADMIN_TOKEN = 'fuzz-admin-token';

/** What came back for one raw request. */
type Outcome = { readonly kind: 'status'; readonly status: number; readonly text: string } | { readonly kind: 'closed' } | { readonly kind: 'silent' };

let sandbox: Sandbox;
let csrs: { domains: string[]; csrPem: string }[] = [];

beforeAll(async () => {
  // Validation off and half the applications pending: a well-formed apply is issued or
  // parked in milliseconds, so bodies that pass every check reach the signer and the store.
  sandbox = await startSandbox({ tls: false, adminToken: ADMIN_TOKEN, validation: { enabled: false }, pending: { share: 0.5 }, random: 7 });
  csrs = await Promise.all([['fuzz.example'], ['a.fuzz.example', 'b.fuzz.example']].map(async (domains) => ({ domains, csrPem: (await generateKeyAndCsr({ domains })).csrPem })));
});

afterAll(async () => {
  await sandbox.close();
});

/**
 * Sends `bytes` and waits for the whole answer. A request the server is still reading after
 * `waitMs` (a Content-Length larger than the body sent) is then half-closed: the server must
 * answer or close within `silentMs`, since a hung request holds a socket and a descriptor.
 * Only then, not at once: Node's server drops a request whose client half-closes before
 * the answer, which would hide every answer behind a handler's first `await`.
 */
function exchange(bytes: Buffer, waitMs = 1000, silentMs = 3000): Promise<Outcome> {
  const { hostname, port } = new URL(sandbox.url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    let settled = false;
    let halfClosed = false;
    const finish = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(outcome);
    };
    const ended = (): void => {
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3}) /.exec(text);
      finish(match === null ? { kind: 'closed' } : { kind: 'status', status: Number(match[1]), text });
    };
    socket.setTimeout(waitMs, () => {
      // An answer that came but whose connection stays open (keep-alive) still counts.
      if (chunks.length > 0) ended();
      else if (halfClosed) finish({ kind: 'silent' });
      else {
        halfClosed = true;
        socket.setTimeout(silentMs);
        socket.end();
      }
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', ended);
    socket.on('end', ended);
    socket.on('close', ended);
    socket.write(bytes);
  });
}

const latin1 = (codes: { min: number; max: number }): fc.Arbitrary<string> => fc.integer(codes).map((code) => String.fromCharCode(code));
/** Header-name characters: RFC 9110 tokens, plus the bytes that break them. */
const nameChar = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...Array.from('abcdefghijklmnopqrstuvwxyz-ABCXYZ0123456789!#$%&\'*+.^_`|~')) }, { weight: 1, arbitrary: fc.constantFrom(' ', ':', '\t', '\u0000', '\u007f', '\u00ff', '(', '"', '\r', '\n') });
const valueChar = fc.oneof({ weight: 8, arbitrary: latin1({ min: 0x20, max: 0x7e }) }, { weight: 1, arbitrary: latin1({ min: 0, max: 0xff }) });
const headerName = fc.oneof(
  fc.constantFrom('Content-Length', 'Transfer-Encoding', 'Content-Type', 'Host', 'Connection', 'Expect', 'Authorization', 'Upgrade', 'Content-Encoding', 'Trailer', 'TE', 'X-Forwarded-For', 'content-length', 'CONTENT-LENGTH', 'Content-Length ', ' Host'),
  fc.string({ unit: nameChar, minLength: 0, maxLength: 24 }),
);
const headerValue = fc.oneof(
  fc.constantFrom('0', '-1', '1', '5', '+5', '0x10', '99999999999999999999', '5, 5', '5,6', ' 5 ', '', 'chunked', 'chunked, chunked', 'gzip, chunked', 'chunked, identity', 'identity', 'CHUNKED', 'chunked\u0000', '100-continue', 'close', 'keep-alive, Upgrade', 'h2c', 'websocket', `Bearer ${ADMIN_TOKEN}`, 'Bearer ', 'Basic Og==', 'application/json; charset=utf-16', 'application/json; charset=nonsense', 'text/plain'),
  fc.string({ unit: valueChar, maxLength: 64 }),
  fc.nat({ max: 20_000 }).map((length) => 'v'.repeat(length)),
);
/** One header line, or an obs-fold continuation, or a bare line-ending mistake. */
const headerLine = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(headerName, headerValue).map(([name, value]) => `${name}: ${value}\r\n`) },
  { weight: 1, arbitrary: headerValue.map((value) => ` ${value}\r\n`) },
  { weight: 1, arbitrary: fc.tuple(headerName, headerValue).map(([name, value]) => `${name}:${value}\n`) },
  { weight: 1, arbitrary: fc.tuple(headerName, headerValue).map(([name, value]) => `${name}: ${value}\r`) },
);
const bodyBytes = fc.oneof(
  fc.constant(''),
  fc.constantFrom('{}', '{"customer_id":"demo"}', '0\r\n\r\n', '5\r\nhello\r\n0\r\n\r\n', 'zz\r\nx\r\n', '5\r\nhel', 'ffffffffffffffff\r\n', '1;ext="\r\nx\r\n0\r\n\r\n'),
  fc.string({ unit: latin1({ min: 0, max: 0xff }), maxLength: 200 }),
);
const requestLine = fc.tuple(fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'OPTIONS', 'DELETE', 'CONNECT', 'PRI'), fc.constantFrom('/', '/ca/root.pem', '/ca/root.der', '/admin/applications', '/admin/approve', '/admin/refuse', '/nope', '*'), fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/1.1', 'HTTP/2.0', 'HTTP/1.1 '));

const rawRequest = fc
  .record({ line: requestLine, headers: fc.array(headerLine, { maxLength: 8 }), host: fc.boolean(), body: bodyBytes })
  .map(({ line: [method, target, version], headers, host, body }) => `${method} ${target} ${version}\r\n${host ? 'Host: sandbox.test\r\n' : ''}${headers.join('')}\r\n${body}`);

/** Domain-ish strings: the CSRs' domains, near misses, and noise. */
const domain = fc.oneof(
  fc.constantFrom('fuzz.example', 'a.fuzz.example', 'b.fuzz.example', 'FUZZ.example.', '*.fuzz.example', 'xn--', 'bücher.example', '127.0.0.1', '[::1]', '', ' ', 'a'.repeat(300), 'fuzz.example\u0000', '-a.example', 'a..b'),
  fc.domain(),
  fc.string({ maxLength: 40 }),
);
const csrField = fc.oneof(
  fc.integer({ min: 0, max: 1 }).map((index) => csrs[index]?.csrPem ?? ''),
  fc.tuple(fc.integer({ min: 0, max: 1 }), fc.nat(), fc.string({ maxLength: 4 })).map(([index, at, insert]) => {
    const pem = csrs[index]?.csrPem ?? '';
    const cut = at % (pem.length + 1);
    return pem.slice(0, cut) + insert + pem.slice(cut + insert.length);
  }),
  fc.constantFrom('-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----', '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----', 'MIIB', ''),
  fc.string({ maxLength: 200 }),
);
const anyJson = fc.jsonValue({ maxDepth: 4 });
/** ACMAPI-shaped objects whose every field may be right, nearly right, or of the wrong type. */
const apiObject = fc.record(
  {
    customer_id: fc.oneof(fc.constant('demo'), fc.constant('demo '), fc.string({ maxLength: 12 }), anyJson),
    auth_token: fc.oneof(fc.constant('demo-token'), fc.constant('demo-token'), fc.string({ maxLength: 12 }), anyJson),
    req_type: fc.oneof(fc.constant('cert_apply'), fc.constant('cert_apply'), fc.constantFrom('', 'CERT_APPLY', 'cert_retrieve'), anyJson),
    domain_name: fc.oneof(
      fc.integer({ min: 0, max: 1 }).map((index) => csrs[index]?.domains ?? []),
      fc.array(domain, { maxLength: 7 }),
      anyJson,
    ),
    csr: csrField,
    handle_id: fc.oneof(fc.constantFrom('', 'h', 'handle_x', '../../etc/passwd'), fc.string({ maxLength: 140 }), anyJson),
  },
  { requiredKeys: ['customer_id', 'auth_token'] },
);
const apiBody = fc.oneof(
  { weight: 6, arbitrary: apiObject.map((object) => JSON.stringify(object)) },
  { weight: 1, arbitrary: apiObject.map((object) => `\ufeff${JSON.stringify(object)}`) },
  { weight: 1, arbitrary: fc.tuple(apiObject, fc.nat()).map(([object, at]) => { const text = JSON.stringify(object); return text.slice(0, at % (text.length + 1)); }) },
  { weight: 1, arbitrary: anyJson.map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.nat({ max: 5000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)) },
  { weight: 1, arbitrary: fc.constantFrom('{"customer_id":"demo","customer_id":"x"}', '{"__proto__":{"customer_id":"demo"},"constructor":{"prototype":{}}}', '{"status":1e309}', '{"domain_name":{"length":1e9}}', 'null', '"str"', '{', '', '\u0000') },
  { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
);
const apiPath = fc.constantFrom('/', '/', '/', '/admin/approve', '/admin/refuse');

function post(path: string, body: string): Buffer {
  const payload = Buffer.from(body, 'utf8');
  const authorization = path.startsWith('/admin/') ? `Authorization: Bearer ${ADMIN_TOKEN}\r\n` : '';
  return Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\nHost: sandbox.test\r\nContent-Type: application/json\r\n${authorization}Content-Length: ${payload.length}\r\nConnection: close\r\n\r\n`, 'latin1'), payload]);
}

/** The JSON object of an answer's body, or `undefined` when the body is not one. */
function answerJson(text: string): Record<string, unknown> | undefined {
  const split = text.indexOf('\r\n\r\n');
  let body = text.slice(split + 4);
  if (/^transfer-encoding: *chunked\r?$/im.test(text.slice(0, split))) {
    // The sandbox streams its answers chunked: join the chunks' data.
    let joined = '';
    for (let at = 0; ; ) {
      const lineEnd = body.indexOf('\r\n', at);
      const size = Number.parseInt(body.slice(at, lineEnd), 16);
      if (lineEnd < 0 || !Number.isFinite(size) || size === 0) break;
      joined += body.slice(lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
    body = joined;
  }
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

describe('fuzz: the sandbox answers every header and body it is sent', () => {
  it('answers fuzzed header blocks below 500 or closes the connection, never hangs (seeded property)', async () => {
    await fc.assert(
      fc.asyncProperty(rawRequest, async (request) => {
        const outcome = await exchange(Buffer.from(request, 'latin1'), 150);
        if (outcome.kind === 'silent') return false;
        return outcome.kind === 'closed' || (outcome.status >= 100 && outcome.status < 500);
      }),
      HEADERS,
    );
    expect(await statusOf(sandbox, 'GET', '/ca/root.pem')).toBe(200);
  }, fuzzTimeout(HEADERS, 20));

  it('answers fuzzed API and admin bodies with an ACMAPI answer, never an internal error (seeded property)', async () => {
    const internalBefore = sandbox.requests.filter((record) => record.detail?.some((line) => line.startsWith('internal error')) === true).length;
    await fc.assert(
      fc.asyncProperty(apiPath, apiBody, async (path, body) => {
        const outcome = await exchange(post(path, body), 10_000);
        if (outcome.kind !== 'status' || outcome.status >= 500) return false;
        const json = answerJson(outcome.text);
        if (path !== '/') return json !== undefined && [200, 400, 404, 409, 413].includes(outcome.status);
        const status = json?.['status'];
        // Spec §3: 0 issued, 1 pending, 101–111 errors; 111 only for an unreadable body (HTTP 400).
        if (typeof status !== 'number' || !(status === 0 || status === 1 || (status >= 101 && status <= 111))) return false;
        return status !== 111 || outcome.status === 400 || outcome.status === 413;
      }),
      BODIES,
    );
    const internal = sandbox.requests.filter((record) => record.detail?.some((line) => line.startsWith('internal error')) === true);
    expect(internal.length - internalBefore, JSON.stringify(internal.slice(0, 3))).toBe(0);
    expect(await statusOf(sandbox, 'GET', '/ca/root.pem')).toBe(200);
  }, fuzzTimeout(BODIES, 40));
});
