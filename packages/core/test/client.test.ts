/**
 * AcmApiClient against a real local HTTP server: what it sends (spec §2), how it
 * reads answers (spec §3), retries, certificate checks, and the issue flow.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AcmApiClient } from '../src/client/client.js';
import type { AcmApiClientOptions, AcmApiClock, RetryEvent } from '../src/client/client-options.js';
import { AcmApiError, CaError, CertificateError, DomainError, ProtocolError, TransportError } from '../src/errors/errors.js';
import { json, startAcmApiTestServer } from './helpers/acmapi-test-server.js';
import type { AcmApiTestServer, Reply } from './helpers/acmapi-test-server.js';
import { makeFixture } from './helpers/acmapi-fixtures.js';
import type { Fixture } from './helpers/acmapi-fixtures.js';

const TOKEN = 'tok_9f8e7d6c5b4a_SECRET';
const PROXY_VARS = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];
const savedEnv = new Map<string, string | undefined>();

let fixture: Fixture;
let server: AcmApiTestServer | undefined;
let client: AcmApiClient | undefined;

beforeAll(async () => {
  // These tests talk to 127.0.0.1 directly; a proxy in the environment would change that.
  for (const name of PROXY_VARS) {
    savedEnv.set(name, process.env[name]);
    Reflect.deleteProperty(process.env, name);
  }
  fixture = await makeFixture();
});

afterAll(() => {
  for (const [name, value] of savedEnv) if (value !== undefined) process.env[name] = value;
});

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

async function setup(replies: Reply[], options: Partial<AcmApiClientOptions> = {}): Promise<{ server: AcmApiTestServer; client: AcmApiClient }> {
  server = await startAcmApiTestServer({ replies });
  client = new AcmApiClient({
    customerId: 'customer_01',
    authToken: TOKEN,
    endpoint: server.url,
    minRetryDelayMs: 5,
    maxRetryDelayMs: 20,
    ...options,
  });
  return { server, client };
}

async function rejection(promise: Promise<unknown>): Promise<AcmApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AcmApiError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

function bodies(s: AcmApiTestServer): unknown[] {
  return s.requests.map((request) => JSON.parse(request.bodyText) as unknown);
}

const issued = (certificate: string, handle = 'handle_01'): Reply => json({ result: 'success', status: 0, handle_id: handle, certificate });
const pending = (handle = 'handle_01'): Reply => json({ result: ' pending', status: '1', handle_id: handle });

describe('what the client sends (spec §2)', () => {
  it('POSTs exactly the apply JSON with normalised domains and the JSON content type', async () => {
    const { server: s, client: c } = await setup([pending()]);
    await c.apply({ domains: [' Example.COM. ', 'www.example.com', 'example.com'], csr: fixture.csrPem });
    expect(s.requests).toHaveLength(1);
    const [request] = s.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/acmapi');
    expect(request?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(request?.bodyText ?? '')).toStrictEqual({
      customer_id: 'customer_01',
      auth_token: TOKEN,
      req_type: 'cert_apply',
      domain_name: ['example.com', 'www.example.com'],
      csr: fixture.csrPem.trim(),
    });
  });

  it('POSTs exactly the retrieve JSON', async () => {
    const { server: s, client: c } = await setup([pending('handle_77')]);
    const result = await c.retrieve('handle_77');
    expect(result).toStrictEqual({ status: 'pending', handleId: 'handle_77' });
    expect(bodies(s)).toStrictEqual([{ customer_id: 'customer_01', auth_token: TOKEN, req_type: 'cert_apply', handle_id: 'handle_77' }]);
  });

  it('rejects a bad domain before any network call', async () => {
    const { server: s, client: c } = await setup([pending()]);
    const error = await rejection(c.apply({ domains: ['*.example.com'], csr: fixture.csrPem }));
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe('DOMAIN_WILDCARD');
    expect(s.requests).toHaveLength(0);
  });
});

describe('issued certificates are checked before they are returned (spec §3)', () => {
  it('returns a PEM bundle answer as a verified chain that openssl also accepts', async () => {
    const { client: c } = await setup([issued(fixture.bundle, ' handle_01 ')]);
    const result = await c.apply({ domains: fixture.domains, csr: fixture.csrPem });
    if (result.status !== 'issued') throw new Error('expected issued');
    expect(result.handleId).toBe('handle_01');
    expect(result.certificate.leaf.sans).toEqual(expect.arrayContaining(fixture.domains));
    expect(result.certificate.chain).toHaveLength(1);

    const dir = mkdtempSync(join(tmpdir(), 'acmapi-client-'));
    try {
      writeFileSync(join(dir, 'root.pem'), fixture.root.pem);
      writeFileSync(join(dir, 'chain.pem'), result.certificate.chainPem);
      writeFileSync(join(dir, 'cert.pem'), result.certificate.certPem);
      const out = execFileSync('openssl', ['verify', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'chain.pem'), join(dir, 'cert.pem')]);
      expect(out.toString()).toContain(': OK');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts bare base64 DER in the certificate field', async () => {
    const bare = fixture.bundle.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\n\n/g, '\n');
    const { client: c } = await setup([issued(bare.split('\n').filter(Boolean).join('\r\n'))]);
    const result = await c.apply({ domains: fixture.domains, csr: fixture.csrPem });
    expect(result.status === 'issued' && result.certificate.fullchainPem).toBe(fixture.bundle);
  });

  it('throws CERT_KEY_MISMATCH for a certificate of another key, never returning it', async () => {
    const other = await makeFixture(fixture.domains);
    const { client: c } = await setup([issued(await fixture.issue({ privateKeyPem: other.privateKeyPem }))]);
    const error = await rejection(c.apply({ domains: fixture.domains, csr: fixture.csrPem }));
    expect(error).toBeInstanceOf(CertificateError);
    expect(error.code).toBe('CERT_KEY_MISMATCH');
  });

  it('throws CERT_DOMAINS_MISSING when a requested domain is not in the certificate', async () => {
    const { client: c } = await setup([issued(await fixture.issue({ domains: ['example.com'] }))]);
    const error = await rejection(c.apply({ domains: fixture.domains, csr: fixture.csrPem }));
    expect(error.code).toBe('CERT_DOMAINS_MISSING');
  });

  it('retrieve with the CSR verifies against the CSR\'s domains', async () => {
    const { client: c } = await setup([issued(await fixture.issue({ domains: ['www.example.com'] }))]);
    const error = await rejection(c.retrieve('handle_01', { csr: fixture.csrPem }));
    expect(error.code).toBe('CERT_DOMAINS_MISSING');
  });

  it('rejects garbage in the certificate field as PROTOCOL_BAD_CERTIFICATE', async () => {
    const { client: c } = await setup([issued('certificate will follow by email')]);
    const error = await rejection(c.retrieve('handle_01'));
    expect(error.code).toBe('PROTOCOL_BAD_CERTIFICATE');
  });
});

describe('CA errors and retries (spec §3)', () => {
  it('does not retry 107 and names the domain', async () => {
    const { server: s, client: c } = await setup([json({ result: 'error', status: '107', other_msg: 'www.example.com' })]);
    const error = await rejection(c.apply({ domains: fixture.domains, csr: fixture.csrPem }));
    if (!(error instanceof CaError)) throw error;
    expect(error.domain).toBe('www.example.com');
    expect(s.requests).toHaveLength(1);
  });

  it('retries 111, honouring Retry-After capped at maxRetryDelayMs, then succeeds', async () => {
    const events: RetryEvent[] = [];
    const { server: s, client: c } = await setup(
      [json({ result: 'error', status: 111 }, { status: 503, headers: { 'retry-after': '1' } }), pending('handle_after_111')],
      { minRetryDelayMs: 5, maxRetryDelayMs: 250, onRetry: (event) => events.push(event) },
    );
    const result = await c.apply({ domains: fixture.domains, csr: fixture.csrPem });
    expect(result).toStrictEqual({ status: 'pending', handleId: 'handle_after_111' });
    expect(s.requests).toHaveLength(2);
    expect(bodies(s)[1]).toStrictEqual(bodies(s)[0]);
    // Backoff alone would wait 5–10 ms; 250 is Retry-After's 1000 ms capped.
    expect(events.map((e) => [e.retry, e.delayMs, e.error.code])).toStrictEqual([[1, 250, 'CA_UNKNOWN_ERROR']]);
  });

  it('gives up on 111 after `retries` retries', async () => {
    const { server: s, client: c } = await setup([json({ result: 'error', status: 111 })], { retries: 2 });
    const error = await rejection(c.retrieve('h'));
    expect(error.code).toBe('CA_UNKNOWN_ERROR');
    expect(s.requests).toHaveLength(3);
  });

  it('reads an ACMAPI error body even with a non-2xx HTTP status', async () => {
    const { client: c } = await setup([json({ result: 'error', status: 102 }, { status: 403 })]);
    expect((await rejection(c.retrieve('h'))).code).toBe('CA_AUTH_TOKEN_REJECTED');
  });

  it('maps a non-2xx answer that is not ACMAPI to PROTOCOL_HTTP_STATUS, not retried', async () => {
    const { server: s, client: c } = await setup([json('<html><body>500 Internal Server Error</body></html>', { status: 500 })]);
    const error = await rejection(c.retrieve('h'));
    expect(error.code).toBe('PROTOCOL_HTTP_STATUS');
    expect(error.message).toContain('HTTP 500');
    expect(error.message).toContain('500 Internal Server Error');
    expect(s.requests).toHaveLength(1);
  });

  it.each([502, 503, 504])(
    'finding 13: a gateway\'s HTTP %i is "CA unavailable" (a retryable TransportError), retried with Retry-After capped, then succeeds',
    async (status) => {
      const events: RetryEvent[] = [];
      const gateway = json(`<html><body>${status} from the gateway</body></html>`, { status, headers: { 'retry-after': '1' } });
      const { server: s, client: c } = await setup([gateway, pending('handle_after_gateway')], {
        minRetryDelayMs: 5,
        maxRetryDelayMs: 200,
        onRetry: (event) => events.push(event),
      });
      const result = await c.apply({ domains: fixture.domains, csr: fixture.csrPem });
      expect(result).toStrictEqual({ status: 'pending', handleId: 'handle_after_gateway' });
      expect(s.requests).toHaveLength(2);
      // Backoff alone would wait 5–10 ms; 200 is Retry-After's 1000 ms capped.
      expect(events.map((e) => [e.retry, e.delayMs, e.error.code])).toStrictEqual([[1, 200, 'TRANSPORT_FAILED']]);
    },
  );

  it('finding 13: a 503 that lasts ends as TransportError TRANSPORT_FAILED naming the status and the asked wait', async () => {
    const { server: s, client: c } = await setup([json('Service Unavailable', { status: 503, headers: { 'retry-after': '120' } })], {
      retries: 2,
      minRetryDelayMs: 1,
      maxRetryDelayMs: 5,
    });
    const error = await rejection(c.retrieve('h'));
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: 'TRANSPORT_FAILED', httpStatus: 503, answered: true, retryable: true });
    expect(error.message).toContain('HTTP 503');
    expect(error.message).toContain('try again in 120 s');
    expect(s.requests).toHaveLength(3);
  });

  it('does not follow a redirect: PROTOCOL_HTTP_STATUS naming where it pointed', async () => {
    const moved: Reply = (res) => {
      res.writeHead(301, { location: 'https://new.acmapi.example/v2' });
      res.end('Moved');
    };
    const { server: s, client: c } = await setup([moved, pending()]);
    const error = await rejection(c.retrieve('h'));
    expect(error.code).toBe('PROTOCOL_HTTP_STATUS');
    expect(error.message).toContain('HTTP 301');
    expect(error.message).toContain('https://new.acmapi.example/v2');
    expect(s.requests).toHaveLength(1);
  });

  it('maps a 200 that is not JSON to PROTOCOL_NOT_JSON, not retried', async () => {
    const { server: s, client: c } = await setup([json('OK\n')]);
    const error = await rejection(c.retrieve('h'));
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.code).toBe('PROTOCOL_NOT_JSON');
    expect(error.message).toContain('"OK\\n"');
    expect(s.requests).toHaveLength(1);
  });
});

describe('the auth token stays secret', () => {
  function expectNoToken(value: unknown): void {
    expect(inspect(value, { depth: 10 })).not.toContain(TOKEN);
    if (value instanceof Error) {
      expect(value.message).not.toContain(TOKEN);
      expect(value.stack ?? '').not.toContain(TOKEN);
    }
  }

  it('is not in errors when the endpoint echoes the request, nor in the client\'s inspect or JSON', async () => {
    const echo: Reply = (res, request) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`bad request: ${request.bodyText}`);
    };
    const notJson: Reply = (res, request) => {
      res.writeHead(200);
      res.end(request.bodyText.slice(1));
    };
    const { client: c } = await setup([echo, notJson, json({ result: 'error', status: 102 })]);
    const errors = [await rejection(c.retrieve('h')), await rejection(c.retrieve('h')), await rejection(c.retrieve('h'))];
    expect(errors.map((e) => e.code)).toStrictEqual(['PROTOCOL_HTTP_STATUS', 'PROTOCOL_NOT_JSON', 'CA_AUTH_TOKEN_REJECTED']);
    expect(errors[0]?.message).toContain('[redacted]');
    for (const error of errors) expectNoToken(error);
    expectNoToken(c);
    expect(JSON.stringify(c)).not.toContain(TOKEN);
    expect(JSON.parse(JSON.stringify(c))).toStrictEqual({ endpoint: server?.url, customerId: 'customer_01' });
  });
});

describe('issue(): apply, then poll a pending application', () => {
  function fakeClock(): AcmApiClock & { sleeps: number[] } {
    let now = Date.now();
    const sleeps: number[] = [];
    return {
      sleeps,
      now: () => now,
      sleep: (ms) => {
        sleeps.push(ms);
        now += ms;
        return Promise.resolve();
      },
    };
  }

  it('calls onPending before polling, polls with doubling delays, and returns the verified certificate', async () => {
    const clock = fakeClock();
    const { server: s, client: c } = await setup([pending('h9'), pending('h9'), issued(fixture.bundle, 'h9')], { clock, random: () => 0.5 });
    const seen: { handle: string; requests: number }[] = [];
    const result = await c.issue(
      { domains: fixture.domains, csr: fixture.csrPem },
      { waitMs: 3_600_000, onPending: (handle) => { seen.push({ handle, requests: s.requests.length }); } },
    );
    expect(result.status).toBe('issued');
    expect(seen).toStrictEqual([{ handle: 'h9', requests: 1 }]);
    expect(clock.sleeps).toStrictEqual([5000, 10_000]);
    expect(bodies(s).slice(1)).toStrictEqual([
      { customer_id: 'customer_01', auth_token: TOKEN, req_type: 'cert_apply', handle_id: 'h9' },
      { customer_id: 'customer_01', auth_token: TOKEN, req_type: 'cert_apply', handle_id: 'h9' },
    ]);
  });

  it('returns pending with the handle once waitMs has passed, having polled up to it', async () => {
    const clock = fakeClock();
    const { server: s, client: c } = await setup([pending('h5')], { clock, random: () => 0.5 });
    const result = await c.issue({ domains: fixture.domains, csr: fixture.csrPem }, { waitMs: 60_000, pollIntervalMs: 10_000 });
    expect(result).toStrictEqual({ status: 'pending', handleId: 'h5' });
    expect(clock.sleeps).toStrictEqual([10_000, 20_000, 30_000]);
    expect(s.requests).toHaveLength(4);
  });

  it('stops at a CA error while polling (109 refused)', async () => {
    const { client: c } = await setup([pending('h1'), json({ result: 'error', status: 109 })], { clock: fakeClock() });
    const error = await rejection(c.issue({ domains: fixture.domains, csr: fixture.csrPem }, { waitMs: 60_000 }));
    expect(error.code).toBe('CA_REFUSED');
  });

  it('verifies a certificate issued while polling against the original CSR', async () => {
    const { client: c } = await setup([pending('h2'), issued(await fixture.issue({ domains: ['example.com'] }), 'h2')], { clock: fakeClock() });
    const error = await rejection(c.issue({ domains: fixture.domains, csr: fixture.csrPem }, { waitMs: 60_000 }));
    expect(error.code).toBe('CERT_DOMAINS_MISSING');
  });

  it('ends with TRANSPORT_ABORTED when the signal aborts while waiting to poll', async () => {
    const controller = new AbortController();
    const clock: AcmApiClock = {
      now: () => Date.now(),
      sleep: (_ms, signal) => {
        controller.abort();
        return Promise.reject(signal?.reason as Error);
      },
    };
    const { server: s, client: c } = await setup([pending('h4')], { clock });
    const error = await rejection(c.issue({ domains: fixture.domains, csr: fixture.csrPem }, { waitMs: 60_000, signal: controller.signal }));
    expect(error.code).toBe('TRANSPORT_ABORTED');
    expect(error.message).toContain('h4');
    expect(s.requests).toHaveLength(1);
  });

  it('with waitMs 0 returns pending right after onPending, without polling', async () => {
    const clock = fakeClock();
    const { server: s, client: c } = await setup([pending('h3')], { clock });
    const handles: string[] = [];
    const result = await c.issue({ domains: fixture.domains, csr: fixture.csrPem }, { waitMs: 0, onPending: (h) => { handles.push(h); } });
    expect(result).toStrictEqual({ status: 'pending', handleId: 'h3' });
    expect(handles).toStrictEqual(['h3']);
    expect(s.requests).toHaveLength(1);
    expect(clock.sleeps).toStrictEqual([]);
  });
});
