/**
 * runCertificate against a real local ACMAPI test server (port 0) that signs with the test
 * CA, and a real store in a temp folder: each plan's action, the key saved before sending,
 * the handle saved before polling, retrieve by handle, failures recorded, an aborted wait.
 */
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '@acmapi/test-utils';
import { AcmApiClient } from '../src/client/client.js';
import { parseCsr } from '../src/pki/csr.js';
import { CaError } from '../src/errors/errors.js';
import { openStore, type CertificateStore } from '../src/store/certificate-store.js';
import { runCertificate, type RunCertificateOptions } from '../src/lifecycle/run-certificate.js';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { BACKOFF_STEPS_MS } from '../src/lifecycle/backoff.js';
import type { CertificateSettings } from '../src/lifecycle/settings.js';
import { generateKeyAndCsr } from '../src/pki/csr.js';
import type { LifecycleEvent } from '../src/lifecycle/events.js';
import { closedPort, json, startAcmApiTestServer, type AcmApiTestServer, type Reply } from './helpers/acmapi-test-server.js';
import { issueLeaf, makeIntermediate, makeRoot, type TestIssuer } from './helpers/test-ca.js';

const domains = ['run.example.com', 'www.run.example.com'];
let ca: TestIssuer;
let temp: TempDir;
let store: CertificateStore;
let server: AcmApiTestServer | undefined;
let clientsMade = 0;
/** The CSR of each handle the server gave out. */
const csrByHandle = new Map<string, string>();

beforeAll(async () => {
  ca = await makeIntermediate(await makeRoot());
});

beforeEach(async () => {
  temp = await makeTempDir('acmapi-run-certificate-');
  store = await openStore(join(temp.path, 'store'));
  clientsMade = 0;
  csrByHandle.clear();
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await temp.cleanup();
});

interface Body {
  csr?: string;
  handle_id?: string;
}

/** Signs the CSR of the request (apply) or of its handle (retrieve). */
const sign: Reply = (res, request) => {
  const body = JSON.parse(request.bodyText) as Body;
  const handle = body.handle_id ?? `H${csrByHandle.size + 1}`;
  const csr = body.csr ?? csrByHandle.get(handle) ?? '';
  csrByHandle.set(handle, csr);
  const parsed = parseCsr(csr);
  void issueLeaf(ca, { domains: parsed.domains, publicKey: parsed.publicKey }).then((leaf) => {
    json({ result: 'success', status: 0, handle_id: handle, certificate: leaf + ca.pem })(res, request);
  });
};

/** Answers pending, remembering the CSR under a new handle. */
const pending: Reply = (res, request) => {
  const body = JSON.parse(request.bodyText) as Body;
  const handle = body.handle_id ?? `H${csrByHandle.size + 1}`;
  if (body.csr !== undefined) csrByHandle.set(handle, body.csr);
  json({ result: 'pending', status: 1, handle_id: handle })(res, request);
};

/** Signs like {@link sign}, with notBefore `aheadMs` after this machine's clock: the CA's clock is ahead. */
const signAhead = (aheadMs: number): Reply => (res, request) => {
  const body = JSON.parse(request.bodyText) as Body;
  const handle = body.handle_id ?? `H${csrByHandle.size + 1}`;
  const csr = body.csr ?? csrByHandle.get(handle) ?? '';
  csrByHandle.set(handle, csr);
  const parsed = parseCsr(csr);
  void issueLeaf(ca, { domains: parsed.domains, publicKey: parsed.publicKey, notBefore: new Date(Date.now() + aheadMs) }).then((leaf) => {
    json({ result: 'success', status: 0, handle_id: handle, certificate: leaf + ca.pem })(res, request);
  });
};

async function serve(replies: Reply[]): Promise<AcmApiTestServer> {
  server = await startAcmApiTestServer({ replies });
  return server;
}

function run(options: Partial<RunCertificateOptions> = {}): ReturnType<typeof runCertificate> {
  const url = server?.url ?? 'http://127.0.0.1:1/acmapi';
  return runCertificate({
    repository: store,
    name: 'site',
    command: 'issue',
    domains,
    client: () => {
      clientsMade++;
      return new AcmApiClient({ customerId: 'c1', authToken: 'secret-token', endpoint: url, retries: 0, minRetryDelayMs: 1, maxRetryDelayMs: 1 });
    },
    ...options,
  });
}

describe('runCertificate', () => {
  it('finding 14: an endpoint with credentials in its user info or query is recorded without them, and retrieve sees no change of endpoint', async () => {
    const s = await serve([pending]);
    const endpoint = new URL(s.url);
    endpoint.username = 'platform';
    endpoint.password = 'URLTOKEN1';
    endpoint.search = '?token=QUERYTOKEN2';
    const events: LifecycleEvent[] = [];
    const withCredentials = (): AcmApiClient => new AcmApiClient({ customerId: 'c1', authToken: 'secret-token', endpoint, retries: 0 });
    expect(await run({ client: withCredentials })).toMatchObject({ status: 'pending', handleId: 'H1' });
    const state = await readFile(join(store.dir, 'site', 'state.json'), 'utf8');
    expect(state).not.toContain('URLTOKEN1');
    expect(state).not.toContain('QUERYTOKEN2');
    expect(state).not.toContain('platform');
    expect((await store.get('site'))?.application?.endpoint).toBe(`${endpoint.origin}${endpoint.pathname}`);
    await run({ command: 'retrieve', handleId: 'H1', client: withCredentials, onEvent: (event) => events.push(event) });
    expect(events.filter((event) => event.type === 'endpoint-changed')).toEqual([]);
  });

  it('applies with a new key saved before sending, installs it, and then leaves a certificate not due alone without a client', async () => {
    const s = await serve([sign]);
    const first = await run();
    if (first.status !== 'issued') throw new Error(`expected issued, got ${first.status}`);
    expect(first.leaf.sans).toEqual(domains);
    expect(first.chainMissing).toBe(false);
    const record = await store.get('site');
    expect(record?.state).toBe('valid');
    expect(record?.live?.version).toBe(first.version);
    expect(record?.application).toBeUndefined();
    // The CSR the CA received is the one stored beside the live key.
    const body = JSON.parse(s.requests[0]?.bodyText ?? '{}') as Body;
    await store.withCertificate('site', async (certificate) => {
      expect((await certificate.readLive())?.privateKeyPem).toContain('PRIVATE KEY');
    });
    expect(body.csr).toBe(csrByHandle.get('H1'));
    const again = await run({ command: 'renew' });
    expect(again.status).toBe('not-due');
    expect(clientsMade).toBe(1);
    expect(s.requests).toHaveLength(1);
  });

  it('saves the handle of a pending application, refuses issue over it, and retrieve installs it and then knows it is installed', async () => {
    const s = await serve([pending]);
    const seen: string[] = [];
    const first = await run({ onEvent: (event) => { if (event.type === 'pending') seen.push(`${event.handleId}:${String(event.waitMs)}`); } });
    if (first.status !== 'pending') throw new Error(`expected pending, got ${first.status}`);
    expect(first).toMatchObject({ handleId: 'H1', interrupted: false, domains });
    expect(seen).toEqual(['H1:0']);
    expect((await store.get('site'))?.application).toMatchObject({ status: 'pending', handleId: 'H1' });

    expect(await run()).toEqual({ status: 'already-pending', name: 'site', handleId: 'H1' });
    expect(s.requests).toHaveLength(1);

    expect(await run({ command: 'retrieve', handleId: 'H9' })).toMatchObject({ status: 'not-found', handleId: 'H9' });
    const stillPending = await run({ command: 'retrieve', handleId: 'H1' });
    expect(stillPending).toMatchObject({ status: 'pending', handleId: 'H1' });
    expect((await store.get('site'))?.application?.polls).toBe(1);

    s.requests.length = 0;
    await s.close();
    await serve([sign]);
    const retrieved = await run({ command: 'renew' });
    expect(retrieved).toMatchObject({ status: 'issued', handleId: 'H1', domains });
    const record = await store.get('site');
    expect(record?.live?.handleId).toBe('H1');
    expect(server?.requests.map((request) => (JSON.parse(request.bodyText) as Body).handle_id)).toEqual(['H1']);

    const again = await run({ command: 'retrieve', handleId: 'H1' });
    expect(again).toMatchObject({ status: 'already-installed', handleId: 'H1' });
    expect(server?.requests).toHaveLength(1);
  });

  it('finding 4: 90 s behind the CA, issue installs the fresh certificate and says the clock is behind (clock-skew event)', async () => {
    const s = await serve([signAhead(90_000)]);
    const skews: Extract<LifecycleEvent, { type: 'clock-skew' }>[] = [];
    const result = await run({ onEvent: (event) => { if (event.type === 'clock-skew') skews.push(event); } });
    expect(result).toMatchObject({ status: 'issued', handleId: 'H1' });
    expect((await store.get('site'))?.state).toBe('valid');
    expect(skews).toHaveLength(1);
    expect(skews[0]?.aheadMs).toBeGreaterThan(60_000);
    expect(skews[0]?.aheadMs).toBeLessThanOrEqual(90_000);
    expect(s.requests).toHaveLength(1);
  });

  it('finding 4: a certificate failing its checks after the answer keeps its handle, and the next run retrieves that same certificate', async () => {
    // Beyond any tolerance: the certificate cannot be installed now.
    const s = await serve([signAhead(2 * 60 * 60_000), sign]);
    const error = await run().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'CertificateError', code: 'CERT_NOT_YET_VALID' });
    const record = await store.get('site');
    expect(record?.application).toMatchObject({ status: 'pending', handleId: 'H1' });
    expect(record?.lastError?.code).toBe('CERT_NOT_YET_VALID');
    // `renew` does not apply again over the kept handle (its backoff holds it here); `retrieve` fetches it.
    expect((await run({ command: 'renew' })).status).not.toBe('issued');
    expect(s.requests).toHaveLength(1);
    const next = await run({ command: 'retrieve', handleId: 'H1' });
    expect(next).toMatchObject({ status: 'issued', handleId: 'H1' });
    expect((await store.get('site'))?.live?.handleId).toBe('H1');
    // One application at the CA: the second request retrieves H1, it sends no CSR.
    expect(s.requests.map((request) => (JSON.parse(request.bodyText) as Body).handle_id)).toEqual([undefined, 'H1']);
    expect(csrByHandle.size).toBe(1);
  });

  it('records a CA refusal of a new application: the key is retired as refused and its domains stay in the record', async () => {
    await serve([json({ result: 'error', status: '107', other_msg: 'run.example.com' })]);
    const error = await run().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CaError);
    expect((error as CaError).status).toBe(107);
    const record = await store.get('site');
    // Regression (issue 10): the domains were empty, so `renew` never tried this certificate again.
    expect(record?.domains).toEqual(domains);
    expect(record?.application).toBeUndefined();
    expect(record?.state).toBe('failed');
    expect(record?.lastError?.code).toBe((error as CaError).code);
    expect(record?.lastRetired).toMatchObject({ status: 'refused', domains });
  });

  it('keeps a prepared application when the CA cannot be reached, and resends the same CSR next time', async () => {
    const unreachable = await run().catch((caught: unknown) => caught);
    expect(unreachable).toMatchObject({ code: expect.stringMatching(/^TRANSPORT_/) as unknown });
    const record = await store.get('site');
    expect(record?.application?.status).toBe('prepared');
    const s = await serve([sign]);
    const resent: string[] = [];
    const result = await run({ onEvent: (event) => { if (event.type === 'application-resending') resent.push(event.domains.join(',')); } });
    expect(result.status).toBe('issued');
    expect(resent).toEqual([domains.join(',')]);
    expect((await store.get('site'))?.live?.version).toBe(record?.application?.version);
    expect(s.requests).toHaveLength(1);
  });

  it('returns pending with interrupted when the signal ends the wait, the handle already saved', async () => {
    await serve([pending]);
    const controller = new AbortController();
    const result = await run({
      waitMs: 60_000,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'pending' && event.waitMs > 0) controller.abort(new Error('stop'));
      },
    });
    expect(result).toMatchObject({ status: 'pending', handleId: 'H1', interrupted: true });
    expect((await store.get('site'))?.application).toMatchObject({ status: 'pending', handleId: 'H1' });
    expect((await store.get('site'))?.lastError).toBeUndefined();
  });

  it('needs domains to issue and a handle to retrieve', async () => {
    await expect(run({ domains: undefined })).rejects.toMatchObject({ code: 'OPTIONS_INVALID' });
    await expect(run({ command: 'retrieve' })).rejects.toMatchObject({ code: 'OPTIONS_INVALID' });
  });

  it('keeps the pending application when the CA answers 108 while polling (a wrong customer id must not lose the key)', async () => {
    await serve([pending, json({ result: 'error', status: 108 })]);
    const error = await run({ waitMs: 60_000, client: fastPollClient }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'CA_HANDLE_REJECTED' });
    const record = await store.get('site');
    expect(record?.application).toMatchObject({ status: 'pending', handleId: 'H1' });
    expect(record?.lastError?.code).toBe('CA_HANDLE_REJECTED');
    expect(record?.lastRetired).toBeUndefined();
  });

  it('retires the application when the CA refuses it (109) while polling', async () => {
    await serve([pending, json({ result: 'error', status: 109 })]);
    await expect(run({ waitMs: 60_000, client: fastPollClient })).rejects.toMatchObject({ code: 'CA_REFUSED' });
    const record = await store.get('site');
    expect(record?.application).toBeUndefined();
    expect(record?.lastRetired).toMatchObject({ status: 'refused', handleId: 'H1' });
  });

  it('polls a pending application with the one schedule, recording each poll, until issued', async () => {
    await serve([pending, pending, sign]);
    const events: LifecycleEvent['type'][] = [];
    const result = await run({ waitMs: 60_000, client: fastPollClient, onEvent: (event) => void events.push(event.type) });
    expect(result).toMatchObject({ status: 'issued', handleId: 'H1' });
    expect(events).toEqual(['planned', 'preflight-skipped', 'key-generating', 'applying', 'pending', 'polled', 'issued']);
    expect((await store.get('site'))?.live?.handleId).toBe('H1');
  });

  it('refuses a CSR without its private key before anything is written: the store keeps every certificate with its key', async () => {
    const { csrPem } = await generateKeyAndCsr({ domains, keyType: 'ec-p256' });
    await expect(run({ keySource: { kind: 'csr', csrPem } })).rejects.toMatchObject({ code: 'KEY_REQUIRED' });
    // Only the store's own .gitignore (written by openStore): no certificate folder.
    await expect(readdir(join(temp.path, 'store'))).resolves.toEqual(['.gitignore']);
    expect(clientsMade).toBe(0);
  });

  it('applies with a given key: the CSR is made with it and it is the live key', async () => {
    const given = await generateKeyAndCsr({ domains, keyType: 'rsa-2048' });
    await serve([sign]);
    const result = await run({ keySource: { kind: 'key', privateKeyPem: given.privateKeyPem } });
    expect(result.status).toBe('issued');
    await store.withCertificate('site', async (certificate) => {
      expect((await certificate.readLive())?.privateKeyPem).toBe(given.privateKeyPem);
    });
    expect((await store.get('site'))?.live?.keyType).toBe('rsa-2048');
  });

  it('a strict preflight that fails during renew writes nothing and sends nothing, like during issue', async () => {
    const s = await serve([sign]);
    await run();
    const port = await closedPort();
    const before = await snapshot(join(temp.path, 'store'));
    const strict = {
      signfile: { name: 'signfile', content: 'token-123' },
      preflight: 'strict' as const,
      resolve: domains.map((domain) => ({ domain, addresses: ['127.0.0.1'] })),
      httpPort: port,
      httpsPort: port,
    };
    await expect(run({ command: 'renew', force: true, signfile: strict })).rejects.toMatchObject({ code: 'PREFLIGHT_FAILED' });
    expect(await snapshot(join(temp.path, 'store'))).toEqual(before);
    await expect(run({ name: 'other', signfile: strict })).rejects.toMatchObject({ code: 'PREFLIGHT_FAILED' });
    expect(await snapshot(join(temp.path, 'store'))).toEqual(before);
    expect(s.requests).toHaveLength(1);
  });

  it('places the signfile in a webroot for the time of the application only', async () => {
    await serve([sign]);
    const webroot = join(temp.path, 'www');
    await mkdir(webroot);
    const seen: string[] = [];
    const result = await run({
      signfile: { signfile: { name: 'signfile', content: 'token-123\n' }, placement: { kind: 'webroot', dir: webroot }, preflight: 'off' },
      onEvent: (event) => {
        if (event.type === 'signfile-deployed') seen.push(`deployed ${event.path}`);
        if (event.type === 'applying') seen.push('applying');
        if (event.type === 'signfile-removed') seen.push('removed');
      },
    });
    expect(result.status).toBe('issued');
    const file = join(webroot, '.well-known', 'pki-validation', 'signfile');
    expect(seen).toEqual([`deployed ${file}`, 'applying', 'removed']);
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a strict preflight or a placement without a signfile, before anything happens', async () => {
    await expect(run({ signfile: { preflight: 'strict' } })).rejects.toMatchObject({ code: 'OPTIONS_INVALID', option: 'signfile' });
    await expect(run({ signfile: { placement: { kind: 'standalone', port: 0 } } })).rejects.toMatchObject({ code: 'OPTIONS_INVALID', option: 'signfile' });
    // Only the store's own .gitignore (written by openStore): no certificate folder.
    await expect(readdir(join(temp.path, 'store'))).resolves.toEqual(['.gitignore']);
  });
});

describe('runCertificate with remembered settings (issue 10)', () => {
  async function signfileSettings(): Promise<CertificateSettings> {
    const webroot = join(temp.path, 'www');
    await mkdir(webroot, { recursive: true });
    const path = join(temp.path, 'signfile.txt');
    await writeFile(path, 'token-123\n');
    return { domains, signfile: { path, placement: { kind: 'webroot', dir: webroot, iis: false }, preflight: 'off' } };
  }

  it('renew recovers a failed first application: the settings were kept, the backoff is honoured, and the next run issues', async () => {
    const settings = await signfileSettings();
    const s = await serve([json({ result: 'error', status: '107', other_msg: 'run.example.com' }), sign]);
    await expect(run({ settings })).rejects.toMatchObject({ status: 107 });
    const failed = await store.get('site');
    expect(failed).toMatchObject({ state: 'failed', domains, settings, failures: { count: 1, code: 'CA_DOMAIN_VERIFY_FAILED' }, lastAttempt: { result: 'failed' } });
    const nextAttemptAt = failed?.failures?.nextAttemptAt ?? new Date(0);
    expect(nextAttemptAt.getTime() - (failed?.failures?.lastAt.getTime() ?? 0)).toBe(BACKOFF_STEPS_MS[0]);

    // A cron run inside the backoff window: skipped and saying so, nothing sent.
    const stored = failed?.settings;
    if (stored === undefined) throw new Error('settings not stored');
    const skipped = await run({ command: 'renew', domains: undefined, settings: stored, now: () => new Date(nextAttemptAt.getTime() - 1) });
    expect(skipped).toMatchObject({ status: 'skipped-by-backoff', nextAttemptAt, failures: 1 });
    expect(s.requests).toHaveLength(1);

    // After it, renew with nothing but the stored settings places the signfile again and issues.
    const seen: string[] = [];
    const renewed = await run({
      command: 'renew',
      domains: undefined,
      settings: stored,
      now: () => new Date(nextAttemptAt.getTime() + 1),
      onEvent: (event) => {
        if (event.type === 'planned' && event.plan.action === 'apply') seen.push(event.plan.reason);
        if (event.type === 'signfile-deployed') seen.push('deployed');
      },
    });
    expect(renewed).toMatchObject({ status: 'issued', domains });
    expect(seen).toEqual(['retry', 'deployed']);
    const record = await store.get('site');
    expect(record).toMatchObject({ state: 'valid', lastError: undefined, lastAttempt: { result: 'issued' } });
    expect(record?.failures).toBeUndefined();
    // The renewal time is chosen once, inside the lifetime, and is what the renewal decision uses.
    const live = record?.live;
    expect(record?.renewalAt?.getTime()).toBeGreaterThan(live?.notBefore.getTime() ?? Infinity);
    expect(record?.renewalAt?.getTime()).toBeLessThan(live?.notAfter.getTime() ?? 0);
    expect(live?.renewal.renewAt).toEqual(record?.renewalAt);
    expect((await store.get('site'))?.renewalAt).toEqual(record?.renewalAt);
  });

  it('remembers settings only when they change: a not-due renew with the same settings writes nothing', async () => {
    const settings = await signfileSettings();
    await serve([sign]);
    expect((await run({ settings })).status).toBe('issued');
    const before = await snapshot(join(temp.path, 'store'));
    expect((await run({ command: 'renew', settings })).status).toBe('not-due');
    expect(await snapshot(join(temp.path, 'store'))).toEqual(before);
    const changed = { ...settings, reuseKey: true };
    expect((await run({ command: 'renew', settings: changed })).status).toBe('not-due');
    expect((await store.get('site'))?.settings).toEqual(changed);
  });

  it('reuseKey: a renewal makes its CSR with the live private key; by default a new key', async () => {
    await serve([sign, sign, sign]);
    const liveKey = async (): Promise<string | undefined> => store.withCertificate('site', async (certificate) => (await certificate.readLive())?.privateKeyPem);
    await run({ settings: { domains, reuseKey: true } });
    const first = await liveKey();
    const reused: string[] = [];
    await run({ command: 'renew', force: true, settings: { domains, reuseKey: true }, onEvent: (event) => { if (event.type === 'key-reused') reused.push(event.version); } });
    expect(await liveKey()).toBe(first);
    expect(reused).toHaveLength(1);
    await run({ command: 'renew', force: true, settings: { domains } });
    expect(await liveKey()).not.toBe(first);
  });
});

function fastPollClient(): AcmApiClient {
  clientsMade++;
  // Polls without waiting: the schedule's delays are the client's, not what these tests check.
  const clock = { now: () => Date.now(), sleep: () => Promise.resolve() };
  return new AcmApiClient({ customerId: 'c1', authToken: 'secret-token', endpoint: server?.url ?? '', retries: 0, clock });
}

/** Every file under `dir` with its bytes and mode, to prove a run wrote nothing. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const info = await stat(path).catch(() => undefined);
    out[path] = entry.isFile() ? `${String(info?.mode)}:${await readFile(path, 'base64')}` : entry.isDirectory() ? 'dir' : 'link';
  }
  return out;
}
