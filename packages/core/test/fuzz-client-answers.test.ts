/**
 * The client under hostile answers (issue 11, "make the trial repeatable"): a raw TCP server
 * on 127.0.0.1 writes fuzzed bytes as the CA's answer, so broken framing (lying or duplicate
 * Content-Length, bad chunks, early close, silence, interim 1xx, redirects, odd statuses)
 * reaches the client as sent; JSON shapes and `certificate` fields (malformed PEM and DER,
 * wrong keys, wrong domains, wrong chains) ride on it. Every outcome is a result or one of
 * the client's typed errors (CaError, TransportError, ProtocolError, CertificateError, with
 * a known `code`), never an untyped exception; the auth token, which the hostile server
 * echoes back in every place it can, appears in no error's message, hint, context or cause.
 *
 * Seeded: a failure prints its seed and path; `FUZZ_SEED=<seed> FUZZ_PATH=<path>` replays it.
 * CI runs the cases below; `pnpm fuzz` runs many more (FUZZ_RUNS).
 */
import { createPrivateKey } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { fuzzSettings, fuzzTimeout, HOSTILE_STRINGS } from '@acmapi/test-utils';
import 'reflect-metadata';
import { BasicConstraintsExtension } from '@peculiar/x509';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcmApiClient } from '../src/client/client.js';
import { CaError, CertificateError, ERROR_CODES, ProtocolError, TransportError } from '../src/errors/errors.js';
import { generateKeyAndCsr } from '../src/pki/csr.js';
import { makeFixture, type Fixture } from './helpers/acmapi-fixtures.js';
import { issueLeaf, makeRoot } from './helpers/test-ca.js';

const FRAMING = fuzzSettings(1000);
const SHAPES = fuzzSettings(1500);
const CERTIFICATES = fuzzSettings(800, 0.5);

const TOKEN = 'tok_FUZZ_secret_7f3a9c';
/** Markers the server replaces, per request, by the token and by the whole request body. */
const ECHO_TOKEN = '@@TOKEN@@';
const ECHO_REQUEST = '@@REQUEST@@';

/** What the raw server does with the next request. */
interface Answer {
  readonly bytes: string;
  /** `close`: write and close; `hang`: write and keep the socket open; `cut`: write half, then reset. */
  readonly ending: 'close' | 'hang' | 'cut';
}

let server: Server;
let endpoint: string;
let answer: Answer = { bytes: '', ending: 'close' };
const sockets = new Set<Socket>();
let fixture: Fixture;
let certificateVariants: string[] = [];

/** The answer's bytes with the echo markers filled in. The request body holds the token. */
function render(template: string, requestBody: string): Buffer {
  const text = template.replaceAll(ECHO_TOKEN, TOKEN).replaceAll(ECHO_REQUEST, requestBody);
  return Buffer.from(text, 'utf8');
}

function onConnection(socket: Socket): void {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => undefined);
  let received = Buffer.alloc(0);
  let answered = false;
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    const head = received.indexOf('\r\n\r\n');
    if (answered || head < 0) return;
    const length = Number(/^content-length: *(\d+)/im.exec(received.subarray(0, head).toString('latin1'))?.[1] ?? '0');
    if (received.length < head + 4 + length) return;
    answered = true;
    const bytes = render(answer.bytes, received.subarray(head + 4).toString('utf8'));
    if (answer.ending === 'cut') {
      socket.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => socket.resetAndDestroy());
    } else if (answer.ending === 'close') {
      socket.end(bytes);
    } else {
      socket.write(bytes);
    }
  });
}

function client(): AcmApiClient {
  // Short phase timeouts: a hostile server that goes silent costs a few hundred milliseconds.
  return new AcmApiClient({
    customerId: 'fuzz',
    authToken: TOKEN,
    endpoint,
    retries: 0,
    connectTimeoutMs: 2000,
    headersTimeoutMs: 120,
    bodyTimeoutMs: 120,
    deadlineMs: 5000,
    completeChain: false,
  });
}

const CLIENT_ERROR_CODES: ReadonlySet<string> = new Set([...ERROR_CODES.CaError, ...ERROR_CODES.TransportError, ...ERROR_CODES.ProtocolError, ...ERROR_CODES.CertificateError]);

/**
 * Why an outcome breaks the rule, or `undefined` when it keeps it: a result, or a typed
 * client error with a known code whose every printable part is free of the token.
 */
function violation(outcome: { ok: true; value: unknown } | { ok: false; error: unknown }): string | undefined {
  if (outcome.ok) return undefined;
  const { error } = outcome;
  const typed = error instanceof CaError || error instanceof TransportError || error instanceof ProtocolError || error instanceof CertificateError;
  if (!typed) return `untyped: ${inspect(error).slice(0, 1400)}`;
  if (!CLIENT_ERROR_CODES.has(error.code)) return `unknown code ${error.code}`;
  // inspect walks message, stack, own fields (context, hint, excerpt) and the cause chain.
  const everything = `${inspect(error, { depth: 8, maxStringLength: Infinity })}\n${JSON.stringify(error)}\n${String(error.hint)}`;
  if (everything.includes(TOKEN)) return `token in ${error.code}: ${error.message.slice(0, 300)}`;
  return undefined;
}

async function outcomeOf(call: (c: AcmApiClient) => Promise<unknown>): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
  const c = client();
  try {
    return { ok: true, value: await call(c) };
  } catch (error) {
    return { ok: false, error };
  } finally {
    await c.close();
  }
}

beforeAll(async () => {
  server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/acmapi`;
  fixture = await makeFixture(['fuzz.example', 'www.fuzz.example']);
  const otherKey = (await generateKeyAndCsr({ domains: ['fuzz.example'] })).privateKeyPem;
  const strangerRoot = await makeRoot('CN=Stranger Root');
  const leafOnly = fixture.bundle.slice(0, fixture.bundle.indexOf('-----END CERTIFICATE-----') + 26);
  const [wrongKey, wrongDomains, expired, caTrue, extraSans, stranger] = await Promise.all([
    fixture.issue({ privateKeyPem: otherKey }),
    fixture.issue({ domains: ['other.example'] }),
    fixture.issue({ notBefore: new Date(Date.now() - 100 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) }),
    fixture.issue({ extensionsReplaceBasicConstraints: new BasicConstraintsExtension(true, undefined, true) }),
    fixture.issue({ domains: ['fuzz.example', 'www.fuzz.example', 'bank.example'] }),
    issueLeaf(strangerRoot, { domains: fixture.domains, publicKey: createPrivateKey(fixture.privateKeyPem) }),
  ]);
  const der = (pem: string): string => pem.replace(/-----[^-]+-----|\s/g, '');
  certificateVariants = [
    fixture.bundle,
    leafOnly,
    leafOnly + fixture.root.pem,
    fixture.intermediate.pem + leafOnly,
    fixture.bundle + fixture.root.pem,
    fixture.intermediate.pem,
    fixture.root.pem,
    wrongKey,
    wrongDomains,
    expired,
    caTrue,
    extraSans,
    stranger,
    stranger + fixture.intermediate.pem,
    der(leafOnly),
    der(leafOnly).slice(0, 200),
    `${der(leafOnly)}${der(fixture.intermediate.pem)}`,
    fixture.privateKeyPem,
    fixture.csrPem,
    '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----',
    '-----BEGIN CERTIFICATE-----\nMIIB\n',
    '-----BEGIN CERTIFICATE-----\n'.repeat(3000),
    `${'-----BEGIN CERTIFICATE-----'.repeat(2)}\n${der(leafOnly)}\n-----END CERTIFICATE-----`,
    leafOnly.replace('-----END CERTIFICATE-----', '-----END CERTIFICAT-----'),
    'A'.repeat(70_000),
    '',
    ECHO_TOKEN,
  ];
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
});

const hostile = fc.constantFrom(...HOSTILE_STRINGS.map((h) => (h.value.length > 5000 ? h.value.slice(0, 5000) : h.value)));
/** A string field as a hostile CA fills it: plain, hostile, the token, the whole request, or noise. */
const serverString = fc.oneof(
  fc.constantFrom('h1', 'handle_ok-1', 'fuzz.example', ' pending', ECHO_TOKEN, `x${ECHO_TOKEN}x`, ECHO_REQUEST, 'a'.repeat(129)),
  hostile,
  fc.string({ maxLength: 40 }),
);
const anyJson = fc.jsonValue({ maxDepth: 3 });
const statusValue = fc.oneof(fc.constantFrom(0, 1, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 2, 100, 112, -1, 1.5, '0', '1', '107', ' 0', '00', '1e2', null, true), anyJson);
const resultValue = fc.oneof(fc.constantFrom('success', 'pending', 'error', 'failure', 'Success', ' pending', ''), serverString, anyJson);
const certificateIndex = fc.nat({ max: 1000 });

/** An answer object of ACMAPI's shape (spec §3), each field right, wrong, missing or hostile. */
const shape = fc
  .record(
    {
      result: resultValue,
      status: statusValue,
      handle_id: fc.oneof(serverString, anyJson),
      certificate: fc.oneof(certificateIndex.map((index) => ({ variant: index })), serverString, anyJson),
      other_msg: fc.oneof(serverString, anyJson),
      extra: anyJson,
    },
    { requiredKeys: [] },
  )
  .chain((object) => fc.tuple(fc.constant(object), fc.boolean(), fc.boolean()));

/** The JSON text of a shape; `{variant}` picks a certificate variant (chosen after setup). */
function shapeText([object, padded, duplicate]: [Record<string, unknown>, boolean, boolean]): string {
  const entries = Object.entries(object).map(([key, value]): [string, unknown] => {
    const v = typeof value === 'object' && value !== null && 'variant' in value ? certificateVariants[(value as { variant: number }).variant % certificateVariants.length] : value;
    return [padded ? `${key} ` : key, typeof v === 'string' && padded ? ` ${v}` : v];
  });
  const text = JSON.stringify(Object.fromEntries(entries));
  // A second "status" key with another value: which one the CA meant is a guess.
  return duplicate ? text.replace(/^\{/, '{"status":1,') : text;
}

const statusLine = fc.oneof(
  { weight: 6, arbitrary: fc.constant('HTTP/1.1 200 OK') },
  { weight: 3, arbitrary: fc.constantFrom(200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 408, 413, 429, 500, 502, 503, 504, 599, 999, 99).map((code) => `HTTP/1.1 ${code} Reason`) },
  { weight: 1, arbitrary: fc.constantFrom('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK', 'HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\nHTTP/1.1 200 OK', 'HTTP/1.0 200 OK', 'HTTP/2 200', 'HTTP/1.1 200', `HTTP/1.1 200 ${ECHO_TOKEN}`, 'ICY 200 OK', 'HTTP/1.1 2000 OK', '', 'garbage') },
);
const extraHeader = fc.oneof(
  fc.constantFrom('Content-Type: application/json', 'Content-Type: text/html', 'Content-Type: application/json; charset=utf-16', 'Content-Encoding: gzip', 'Content-Encoding: br, gzip', 'Retry-After: 1', 'Retry-After: -5', 'Retry-After: 999999999999', 'Retry-After: Wed, 21 Oct 2099 07:28:00 GMT', 'Location: http://127.0.0.1:1/', 'Connection: keep-alive', 'Connection: close', `X-Echo: ${ECHO_TOKEN}`, `Set-Cookie: t=${ECHO_TOKEN}`, 'Trailer: X-A', 'Upgrade: h2c'),
  fc.tuple(fc.string({ unit: fc.constantFrom(...Array.from('abcxyz-_:')), minLength: 1, maxLength: 10 }), serverString).map(([name, value]) => `${name}: ${value.replace(/[\r\n]/g, '')}`),
  fc.nat({ max: 70_000 }).map((length) => `X-Long: ${'v'.repeat(length)}`),
);
/** How the body is framed: honest, lying, doubled, absent or chunked (well or badly). */
const framing = fc.constantFrom('length', 'length', 'length', 'none', 'short', 'long', 'twice', 'negative', 'chunked', 'chunked', 'chunked-bad', 'chunked-truncated', 'chunked-and-length');
const body = fc.oneof({ weight: 6, arbitrary: shape.map(shapeText) }, { weight: 1, arbitrary: fc.string({ maxLength: 200 }) }, { weight: 1, arbitrary: fc.constantFrom('', 'null', '[]', '{', '<html>502 Bad Gateway</html>', `{"error":"${ECHO_REQUEST}"}`, ECHO_REQUEST) }, { weight: 1, arbitrary: fc.nat({ max: 3 }).map((mib) => `"${'x'.repeat(mib * 600_000)}"`) });

function frame(line: string, headers: readonly string[], mode: string, text: string): string {
  const size = Buffer.byteLength(text, 'utf8');
  const chunked = `${size.toString(16)}\r\n${text}\r\n0\r\n\r\n`;
  const head = (extra: string[]): string => `${[line, ...headers, ...extra].join('\r\n')}\r\n\r\n`;
  switch (mode) {
    case 'length': return head([`Content-Length: ${size}`]) + text;
    case 'short': return head([`Content-Length: ${Math.max(0, size - 3)}`]) + text;
    case 'long': return head([`Content-Length: ${size + 50}`]) + text;
    case 'twice': return head([`Content-Length: ${size}`, `Content-Length: ${size + 1}`]) + text;
    case 'negative': return head(['Content-Length: -1']) + text;
    case 'chunked': return head(['Transfer-Encoding: chunked']) + chunked;
    case 'chunked-bad': return head(['Transfer-Encoding: chunked']) + `zz\r\n${text}\r\n0\r\n\r\n`;
    case 'chunked-truncated': return head(['Transfer-Encoding: chunked']) + chunked.slice(0, Math.floor(chunked.length / 2));
    case 'chunked-and-length': return head(['Transfer-Encoding: chunked', `Content-Length: ${size}`]) + chunked;
    default: return head([]) + text;
  }
}

const framedAnswer = fc
  .record({ line: statusLine, headers: fc.array(extraHeader, { maxLength: 4 }), mode: framing, text: body, ending: fc.constantFrom<Answer['ending']>('close', 'close', 'close', 'close', 'close', 'close', 'hang', 'cut') })
  .map(({ line, headers, mode, text, ending }): Answer => ({ bytes: frame(line, headers, mode, text), ending }));

const call = fc.constantFrom<'apply' | 'retrieve' | 'retrieve-csr'>('apply', 'retrieve', 'retrieve-csr');
function run(kind: 'apply' | 'retrieve' | 'retrieve-csr'): (c: AcmApiClient) => Promise<unknown> {
  if (kind === 'apply') return (c) => c.apply({ domains: fixture.domains, csr: fixture.csrPem });
  if (kind === 'retrieve') return (c) => c.retrieve('h1');
  return (c) => c.retrieve('h1', { csr: fixture.csrPem });
}

async function check(next: Answer, kind: 'apply' | 'retrieve' | 'retrieve-csr'): Promise<boolean> {
  answer = next;
  const problem = violation(await outcomeOf(run(kind)));
  if (problem !== undefined) throw new Error(problem);
  return true;
}

describe('fuzz: every answer of a hostile endpoint ends in a result or a typed error without the token', () => {
  it('HTTP framing: status lines, headers, lying lengths, chunks, early close, silence (seeded property)', async () => {
    await fc.assert(fc.asyncProperty(framedAnswer, call, check), FRAMING);
  }, fuzzTimeout(FRAMING, 400));

  it('JSON shapes: every field right, wrong, missing, padded, doubled or hostile (seeded property)', async () => {
    await fc.assert(
      fc.asyncProperty(shape, call, async (object, kind) => check({ bytes: frame('HTTP/1.1 200 OK', ['Content-Type: application/json'], 'length', shapeText(object)), ending: 'close' }, kind)),
      SHAPES,
    );
  }, fuzzTimeout(SHAPES, 100));

  it('certificates: malformed PEM and DER, wrong key, domains, chain or validity (seeded property)', async () => {
    const field = fc.oneof(
      certificateIndex.map((index) => certificateVariants[index % certificateVariants.length] ?? ''),
      // One byte of a good bundle changed: most land in base64 (a different DER), some in the armour.
      fc.tuple(fc.nat(), fc.constantFrom('A', '/', '=', '-', '\n', '\u0000', '')).map(([at, replacement]) => {
        const cut = at % fixture.bundle.length;
        return fixture.bundle.slice(0, cut) + replacement + fixture.bundle.slice(cut + 1);
      }),
    );
    await fc.assert(
      fc.asyncProperty(field, call, async (certificate, kind) => {
        const text = JSON.stringify({ result: 'success', status: 0, handle_id: 'h1', certificate });
        return check({ bytes: frame('HTTP/1.1 200 OK', ['Content-Type: application/json'], 'length', text), ending: 'close' }, kind);
      }),
      CERTIFICATES,
    );
  }, fuzzTimeout(CERTIFICATES, 200));

  it('found by fuzzing: an issuer whose public key does not decode is CERT_INVALID, not an OpenSSL error', async () => {
    // One byte of the intermediate's key algorithm OID (1.2.840.10045.2.1) changed: the
    // certificate still parses; only reading its key fails.
    const [leaf, intermediate] = fixture.bundle.split(/(?<=-----END CERTIFICATE-----\n)/);
    const der = Buffer.from((intermediate ?? '').replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const oid = Buffer.from([0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]);
    const at = der.indexOf(oid);
    expect(at).toBeGreaterThan(0);
    der[at + 2] = 0x00;
    const broken = `${leaf ?? ''}-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
    answer = { bytes: frame('HTTP/1.1 200 OK', ['Content-Type: application/json'], 'length', JSON.stringify({ result: 'success', status: 0, handle_id: 'h1', certificate: broken })), ending: 'close' };
    const outcome = await outcomeOf(run('retrieve-csr'));
    expect(outcome.ok).toBe(false);
    expect(violation(outcome)).toBeUndefined();
    expect(outcome.ok ? undefined : (outcome.error as CertificateError).code).toBe('CERT_INVALID');
  });

  it('found by fuzzing: an unparsable answer that echoes the request keeps the token out of the error\'s cause', async () => {
    // undici keeps the bytes it could not parse on its HTTPParserError (`data`), here the
    // echoed request body with the auth token.
    answer = { bytes: `HTTP/1.1 200 OK\r\nX-Bad: \u0001${ECHO_REQUEST}\r\nContent-Length: 2\r\n\r\n{}`, ending: 'close' };
    const outcome = await outcomeOf(run('apply'));
    expect(outcome.ok ? undefined : (outcome.error as TransportError).code).toBe('TRANSPORT_FAILED');
    expect(violation(outcome)).toBeUndefined();
  });

  it('counts as a failure: an answer that echoes the token into a thrown message would be caught', () => {
    // The checker itself, on data: an honest property needs a checker that can say no.
    expect(violation({ ok: false, error: new Error('boom') })).toMatch(/^untyped/);
    expect(violation({ ok: false, error: new ProtocolError('PROTOCOL_NOT_JSON', `starts with ${TOKEN}`) })).toMatch(/^token in PROTOCOL_NOT_JSON/);
    expect(violation({ ok: true, value: { status: 'pending', handleId: 'h1' } })).toBeUndefined();
  });
});
