/**
 * runFleet and the lifecycle's deploy step against a real local ACMAPI test server (port 0)
 * signing with the test CA, a real store in a temp folder, real install target files, real
 * `/bin/sh` hooks writing what they were told into files, promtool checking the metrics file,
 * and a loopback HTTP receiver for notifications. The clock is injected (store and run).
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findBinary, makeTempDir, type TempDir } from '@acmapi/test-utils';
import { AcmApiClient } from '../src/client/client.js';
import { parseCsr } from '../src/pki/csr.js';
import { openStore, type CertificateStore } from '../src/store/certificate-store.js';
import { runFleet, type FleetTarget, type RunFleetOptions } from '../src/lifecycle/run-fleet.js';
import { runCertificate } from '../src/lifecycle/run-certificate.js';
import type { CertificateSettings } from '../src/lifecycle/settings.js';
import type { LifecycleEvent } from '../src/lifecycle/events.js';
import { json, startAcmApiTestServer, type AcmApiTestServer, type Reply } from './helpers/acmapi-test-server.js';
import { issueLeaf, makeIntermediate, makeRoot, type TestIssuer } from './helpers/test-ca.js';

const DAY = 86_400_000;
let ca: TestIssuer;
let temp: TempDir;
let store: CertificateStore;
let server: AcmApiTestServer | undefined;
/** The injected clock (store and run). */
let clock = Date.now();
const now = (): Date => new Date(clock);

beforeAll(async () => {
  ca = await makeIntermediate(await makeRoot());
});

beforeEach(async () => {
  temp = await makeTempDir('acmapi-run-fleet-');
  clock = Date.now();
  store = await openStore(join(temp.path, 'store'), { now });
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await temp.cleanup();
});

/** Signs the CSR of the request. */
const sign: Reply = (res, request) => {
  const body = JSON.parse(request.bodyText) as { csr?: string };
  const parsed = parseCsr(body.csr ?? '');
  void issueLeaf(ca, { domains: parsed.domains, publicKey: parsed.publicKey }).then((leaf) => {
    json({ result: 'success', status: 0, handle_id: `H${String(Date.now())}`, certificate: leaf + ca.pem })(res, request);
  });
};
/** The CA cannot fetch the signfile (spec: 107). */
const refuse107: Reply = json({ result: 'error', status: 107, msg: 'signfile not found' });

async function serve(replies: Reply[]): Promise<AcmApiTestServer> {
  await server?.close();
  server = await startAcmApiTestServer({ replies });
  return server;
}

function fleet(targets: FleetTarget[], options: Partial<RunFleetOptions> = {}): ReturnType<typeof runFleet> {
  const url = server?.url ?? 'http://127.0.0.1:1/acmapi';
  return runFleet({
    repository: store,
    command: 'renew',
    targets,
    now,
    client: () => new AcmApiClient({ customerId: 'c1', authToken: 'secret-token', endpoint: url, retries: 0, minRetryDelayMs: 1, maxRetryDelayMs: 1 }),
    ...options,
  });
}

/** A hook command that appends one line `KIND NAME` and its stdin (the JSON event) to `log`. */
function logHook(log: string): string {
  // One append of the whole line: hooks of certificates run concurrently, and two appends
  // each (the prefix, then the JSON) interleave.
  return `line="$(printf '%s %s ' "$ACMAPI_HOOK" "\${ACMAPI_CERTIFICATE:-run}"; cat)"; printf '%s\n' "$line" >> '${log}'`;
}

/** The hook log as lines `KIND NAME {json}`. */
async function hookLog(log: string): Promise<{ kind: string; name: string; event: Record<string, unknown> }[]> {
  const text = await readFile(log, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [kind = '', name = '', ...rest] = line.split(' ');
      return { kind, name, event: JSON.parse(rest.join(' ')) as Record<string, unknown> };
    });
}

function settingsFor(name: string, extra: Partial<CertificateSettings> = {}): Partial<CertificateSettings> {
  return { domains: [`${name}.example.com`], ...extra };
}

describe('the deploy step (runCertificate under the lock)', () => {
  it('installs the targets and runs the deploy hook once when a certificate goes live; a run with nothing due changes no file and runs no hook', async () => {
    await serve([sign]);
    const out = join(temp.path, 'out');
    await mkdir(out);
    const log = join(temp.path, 'hooks.log');
    const install = { cert: join(out, 'cert.pem'), fullchain: join(out, 'fullchain.pem'), key: join(out, 'key.pem'), combined: join(out, 'combined.pem') };
    const settings = settingsFor('shop', { install, hooks: { deploy: logHook(log) } });
    const first = await fleet([{ name: 'shop', settings }]);
    expect(first.certificates.map((c) => c.outcome)).toStrictEqual(['renewed']);
    const result = first.certificates[0]?.result;
    if (result?.status !== 'issued') throw new Error('expected issued');
    expect(result.deploy?.written).toStrictEqual([install.key, install.cert, install.fullchain, install.combined]);
    // The installed files are the live ones.
    await store.withCertificate('shop', async (certificate) => {
      const live = await certificate.readLive();
      expect(await readFile(install.cert, 'utf8')).toBe(live?.certPem);
      expect(await readFile(install.key, 'utf8')).toBe(live?.privateKeyPem);
    });
    expect((await stat(install.key)).mode & 0o777).toBe(0o600);
    expect((await stat(install.cert)).mode & 0o777).toBe(0o644);
    const hooks = await hookLog(log);
    expect(hooks.map((h) => `${h.kind} ${h.name}`)).toStrictEqual(['deploy shop']);
    expect(hooks[0]?.event).toMatchObject({ kind: 'deploy', certificate: 'shop', domains: ['shop.example.com'], notAfter: result.leaf.notAfter.toISOString(), reason: 'renewed' });
    expect(JSON.stringify(hooks[0]?.event)).not.toContain('PRIVATE KEY');

    const before = await Promise.all(Object.values(install).map(async (path) => (await stat(path)).mtimeMs));
    const second = await fleet([{ name: 'shop', settings }]);
    expect(second.certificates.map((c) => c.outcome)).toStrictEqual(['not-due']);
    expect(second.certificates[0]?.hooks).toStrictEqual([]);
    expect(await Promise.all(Object.values(install).map(async (path) => (await stat(path)).mtimeMs))).toStrictEqual(before);
    expect(await hookLog(log)).toHaveLength(1);
    expect(server?.requests).toHaveLength(1);
  });

  it('on a run with nothing due writes a newly configured target, then runs the deploy hook; the next run does nothing', async () => {
    await serve([sign]);
    const log = join(temp.path, 'hooks.log');
    await fleet([{ name: 'blog', settings: settingsFor('blog') }]);
    const fullchain = join(temp.path, 'fullchain.pem');
    const settings = settingsFor('blog', { install: { fullchain }, hooks: { deploy: logHook(log) } });
    const added = await fleet([{ name: 'blog', settings }]);
    expect(added.certificates[0]?.outcome).toBe('not-due');
    const result = added.certificates[0]?.result;
    expect(result !== undefined && 'deploy' in result ? result.deploy?.written : undefined).toStrictEqual([fullchain]);
    expect((await hookLog(log)).map((h) => `${h.kind} ${h.name} ${String(h.event['reason'])}`)).toStrictEqual(['deploy blog install-targets-changed']);
    await fleet([{ name: 'blog', settings }]);
    expect(await hookLog(log)).toHaveLength(1);
    // The settings were remembered: a run that gives none installs the same.
    const stored = (await store.get('blog'))?.settings;
    expect(stored?.install).toStrictEqual({ fullchain });
  });

  it('a failing deploy hook is reported, makes the run failed, runs the failure hook, and the new certificate stays live', async () => {
    await serve([sign]);
    const log = join(temp.path, 'hooks.log');
    const events: LifecycleEvent[] = [];
    const settings = settingsFor('api', { hooks: { deploy: 'echo reload failed >&2; exit 3', failure: logHook(log) } });
    const run = await fleet([{ name: 'api', settings }], { onEvent: (event) => events.push(event) });
    const certificate = run.certificates[0];
    expect(certificate?.outcome).toBe('failed');
    expect(certificate?.error).toMatchObject({ name: 'DeployError', code: 'DEPLOY_HOOK_FAILED' });
    expect(certificate?.result?.status).toBe('issued');
    expect(certificate?.hooks.map((h) => [h.kind, h.exitCode])).toStrictEqual([
      ['deploy', 3],
      ['failure', 0],
    ]);
    expect(events.find((e) => e.type === 'hook-finished' && e.kind === 'deploy')).toMatchObject({ ok: false, exitCode: 3, stderrTail: 'reload failed\n' });
    expect(events.some((e) => e.type === 'deploy-failed' && e.step === 'deploy-hook')).toBe(true);
    const record = await store.get('api');
    expect(record?.state).toBe('valid');
    expect(record?.live?.fingerprintSha256).toBe(certificate?.result?.status === 'issued' ? certificate.result.leaf.fingerprintSha256 : '');
    const hooks = await hookLog(log);
    expect(hooks.map((h) => [h.kind, h.event['reason'], (h.event['error'] as { code?: string } | undefined)?.code])).toStrictEqual([['failure', 'deploy-failed', 'DEPLOY_HOOK_FAILED']]);
  });

  it('runs the failure hook of a run that fails, with the error code on stdin and in the environment', async () => {
    await serve([refuse107]);
    const out = join(temp.path, 'failure.json');
    const settings: CertificateSettings = { domains: ['down.example.com'], hooks: { failure: `printf '%s\\n' "$ACMAPI_ERROR_CODE" > '${out}.env'; cat > '${out}'` } };
    await expect(
      runCertificate({ repository: store, name: 'down', command: 'issue', settings, now, client: () => new AcmApiClient({ customerId: 'c', authToken: 'secret-token', endpoint: server?.url ?? '', retries: 0 }) }),
    ).rejects.toMatchObject({ status: 107 });
    const event = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
    expect(event).toMatchObject({ kind: 'failure', certificate: 'down', domains: ['down.example.com'], reason: 'failed', error: { code: 'CA_DOMAIN_VERIFY_FAILED' } });
    expect(await readFile(`${out}.env`, 'utf8')).toBe('CA_DOMAIN_VERIFY_FAILED\n');
    expect(await readFile(out, 'utf8')).not.toContain('secret-token');
  });
});

describe('runFleet', () => {
  it('runs the pre and post hooks once for a run that contacts the CA, and not at all when nothing is due', async () => {
    await serve([sign]);
    const log = join(temp.path, 'hooks.log');
    const hooks = { pre: logHook(log), post: logHook(log) };
    const targets = ['a', 'b', 'c'].map((name): FleetTarget => ({ name, settings: settingsFor(name, { hooks: { deploy: logHook(log) } }) }));
    const first = await fleet(targets, { hooks, concurrency: 3 });
    expect(first.certificates.map((c) => c.outcome)).toStrictEqual(['renewed', 'renewed', 'renewed']);
    const lines = (await hookLog(log)).map((h) => `${h.kind} ${h.name}`);
    expect(lines[0]).toBe('pre run');
    expect(lines.at(-1)).toBe('post run');
    expect(lines.slice(1, -1).sort()).toStrictEqual(['deploy a', 'deploy b', 'deploy c']);
    expect(first.hooks.map((h) => h.kind)).toStrictEqual(['pre', 'post']);

    const second = await fleet(targets, { hooks });
    expect(second.certificates.map((c) => c.outcome)).toStrictEqual(['not-due', 'not-due', 'not-due']);
    expect(second.hooks).toStrictEqual([]);
    expect(await hookLog(log)).toHaveLength(5);
  });

  it('runs a remembered pre hook once even when several certificates remember it, and a failing pre hook fails them without contacting the CA', async () => {
    const s = await serve([sign]);
    const targets = ['a', 'b'].map((name): FleetTarget => ({ name, settings: settingsFor(name, { hooks: { pre: 'exit 1' } }) }));
    const run = await fleet(targets);
    expect(run.certificates.map((c) => [c.outcome, (c.error as { code?: string } | undefined)?.code])).toStrictEqual([
      ['failed', 'DEPLOY_HOOK_FAILED'],
      ['failed', 'DEPLOY_HOOK_FAILED'],
    ]);
    expect(run.hooks.map((h) => h.kind)).toStrictEqual(['pre']);
    expect(s.requests).toHaveLength(0);
  });

  it('never renews a certificate whose state.json is lost beside its keys: STORE_CORRUPT, counted in the metrics, the folder untouched; issue starts anew', async () => {
    const s = await serve([sign]);
    await fleet([{ name: 'lost', settings: settingsFor('lost') }, { name: 'good', settings: settingsFor('good') }]);
    const dir = join(store.dir, 'lost');
    await rm(join(dir, 'state.json'));
    const before = (await readdir(dir)).sort();
    const requests = s.requests.length;
    const log = join(temp.path, 'hooks.log');
    const metrics = join(temp.path, 'acmapi.prom');
    clock += 80 * DAY; // both are due
    const run = await fleet([{ name: 'good' }, { name: 'lost', settings: { ...settingsFor('lost'), hooks: { failure: logHook(log) } } }], { metricsFile: metrics });
    expect(run.certificates.map((c) => [c.name, c.outcome, (c.error as { code?: string; path?: string } | undefined)?.code])).toStrictEqual([
      ['good', 'renewed', undefined],
      ['lost', 'failed', 'STORE_CORRUPT'],
    ]);
    expect((run.certificates[1]?.error as { path?: string }).path).toBe(join(dir, 'state.json'));
    // One application, the healthy one's; nothing written into the damaged folder, no state.json made up.
    expect(s.requests.length).toBe(requests + 1);
    expect((await readdir(dir)).sort()).toStrictEqual(before);
    expect((await hookLog(log)).map((h) => [h.kind, (h.event['error'] as { code?: string } | undefined)?.code])).toStrictEqual([['failure', 'STORE_CORRUPT']]);
    expect(await readFile(metrics, 'utf8')).toContain('acmapi_certificate_last_attempt_result{certificate="lost",result="failed"} 1');

    // An issue is asked for by a person: it starts anew beside the untracked files, and removes none.
    const untracked = await readdir(join(dir, 'versions'));
    expect(untracked).toHaveLength(1);
    const issued = await fleet([{ name: 'lost', settings: settingsFor('lost') }], { command: 'issue' });
    expect(issued.certificates.map((c) => c.outcome)).toStrictEqual(['renewed']);
    const after = await readdir(join(dir, 'versions'));
    expect(after).toHaveLength(2);
    expect(after).toContain(untracked[0]);
  });

  it('writes a metrics file promtool accepts, with every outcome of the run, not-due and skipped-by-backoff included', async () => {
    await serve([sign]);
    const metrics = join(temp.path, 'acmapi.prom');
    await fleet([{ name: 'ok', settings: settingsFor('ok') }]);
    await serve([refuse107]);
    await fleet([{ name: 'bad', settings: settingsFor('bad') }]);
    const run = await fleet([{ name: 'ok' }, { name: 'bad' }], { metricsFile: metrics });
    expect(run.certificates.map((c) => c.outcome)).toStrictEqual(['not-due', 'skipped-by-backoff']);
    const text = await readFile(metrics, 'utf8');
    const promtool = findBinary('promtool', 'prometheus');
    const checked = await new Promise<{ status: number | null; output: string }>((resolve, reject) => {
      const child = spawn(promtool, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('error', reject);
      child.on('close', (status) => { resolve({ status, output }); });
      child.stdin.end(text);
    });
    expect(checked).toStrictEqual({ status: 0, output: '' });
    const record = await store.get('ok');
    expect(text).toContain(`acmapi_certificate_not_after_timestamp_seconds{certificate="ok"} ${String((record?.live?.notAfter.getTime() ?? 0) / 1000)}`);
    expect(text).toContain('acmapi_certificate_last_attempt_result{certificate="ok",result="not-due"} 1');
    expect(text).toContain('acmapi_certificate_last_attempt_result{certificate="bad",result="skipped-by-backoff"} 1');
    expect(text).toContain('acmapi_certificate_failures{certificate="bad"} 1');
    expect(text).not.toContain('acmapi_certificate_not_after_timestamp_seconds{certificate="bad"}');
  });

  it('posts a notification per failure and per expiry warning to a loopback receiver, without the auth token, and fires the failure hook', async () => {
    const received: Record<string, unknown>[] = [];
    const receiver: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const notifyUrl = `http://127.0.0.1:${String((receiver.address() as AddressInfo).port)}/hooks/SECRET-PATH`;
    try {
      await serve([sign]);
      const log = join(temp.path, 'hooks.log');
      const settings = settingsFor('old', { hooks: { failure: logHook(log) } });
      await fleet([{ name: 'old', settings }]);
      // 80 days on, the CA is down: the certificate is in its last sixth and not renewed.
      clock += 80 * DAY;
      await serve([refuse107]);
      const run = await fleet([{ name: 'old' }], { notifyUrl, notifyOptions: { retries: 0 } });
      expect(run.certificates[0]?.outcome).toBe('failed');
      expect(run.reportErrors).toStrictEqual([]);
      expect(received.map((n) => n['kind']).sort()).toStrictEqual(['expiry-warning', 'failure']);
      const failure = received.find((n) => n['kind'] === 'failure');
      expect(failure).toMatchObject({ certificate: 'old', domains: ['old.example.com'], error: { code: 'CA_DOMAIN_VERIFY_FAILED' } });
      expect(String(failure?.['text'])).toContain('CA_DOMAIN_VERIFY_FAILED');
      expect(JSON.stringify(received)).not.toContain('secret-token');
      expect((await hookLog(log)).map((h) => `${h.kind} ${String(h.event['reason'])}`)).toStrictEqual(['failure failed']);

      // Skipped by its backoff, still in the warning period: the failure hook warns, no new failure.
      const skipped = await fleet([{ name: 'old' }], { notifyUrl, notifyOptions: { retries: 0 } });
      expect(skipped.certificates[0]?.outcome).toBe('skipped-by-backoff');
      expect(skipped.certificates[0]?.expiryWarning?.daysLeft).toBeLessThan(15);
      expect(received.map((n) => n['kind']).sort()).toStrictEqual(['expiry-warning', 'expiry-warning', 'failure']);
      expect((await hookLog(log)).map((h) => `${h.kind} ${String(h.event['reason'])}`)).toStrictEqual(['failure failed', 'failure expiry-warning']);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('a failed run in the warning period carries its expiry warning and says so in an event, without any report asked for', async () => {
    await serve([sign]);
    await fleet([{ name: 'late', settings: settingsFor('late') }]);
    clock += 80 * DAY;
    await serve([refuse107]);
    const events: LifecycleEvent[] = [];
    const run = await fleet([{ name: 'late' }], { onEvent: (event: LifecycleEvent) => events.push(event) });
    expect(run.certificates[0]?.outcome).toBe('failed');
    expect(run.certificates[0]?.expiryWarning?.daysLeft).toBeLessThan(15);
    expect(events.filter((event) => event.type === 'expiry-warning').map((event) => event.certificate)).toStrictEqual(['late']);
  });

  it('a certificate whose run the caller stopped (Ctrl-C) is failed and interrupted, and pages nobody', async () => {
    const received: string[] = [];
    const receiver: Server = createServer((req, res) => {
      received.push(req.url ?? '');
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const s = await serve([sign]);
      const stopped = new AbortController();
      stopped.abort();
      const run = await fleet([{ name: 'stopped', settings: settingsFor('stopped') }], {
        notifyUrl: `http://127.0.0.1:${String((receiver.address() as AddressInfo).port)}/hook`,
        prepare: () => ({ signal: stopped.signal }),
      });
      expect(run.certificates.map((c) => [c.outcome, c.interrupted, (c.error as { code?: string }).code])).toStrictEqual([['failed', true, 'TRANSPORT_ABORTED']]);
      expect(s.requests).toHaveLength(0);
      expect(received).toStrictEqual([]);
      // A failure of its own still pages: the same fleet, not stopped, against a CA that refuses.
      await serve([refuse107]);
      const refused = await fleet([{ name: 'refused', settings: settingsFor('refused') }], { notifyUrl: `http://127.0.0.1:${String((receiver.address() as AddressInfo).port)}/hook` });
      expect(refused.certificates[0]?.interrupted).toBeUndefined();
      expect(received).toStrictEqual(['/hook']);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('a notification that cannot be delivered is a report error, never the URL', async () => {
    await serve([refuse107]);
    const events: LifecycleEvent[] = [];
    const run = await fleet([{ name: 'x', settings: settingsFor('x') }], { notifyUrl: 'http://127.0.0.1:1/secret-path', notifyOptions: { retries: 0 }, onEvent: (e) => events.push(e) });
    expect(run.certificates[0]?.outcome).toBe('failed');
    expect(run.reportErrors?.map((r) => [r.what, r.certificate])).toStrictEqual([['notification', 'x']]);
    expect(JSON.stringify(events.filter((e) => e.type === 'report-failed').map((e) => (e as { error: Error }).error.message))).not.toContain('secret-path');
  });

  it('clears a remembered install target or hook given as an empty string', async () => {
    await serve([sign]);
    const cert = join(temp.path, 'c.pem');
    await fleet([{ name: 'z', settings: settingsFor('z', { install: { cert }, hooks: { deploy: 'true' } }) }]);
    await writeFile(cert, 'changed\n');
    await fleet([{ name: 'z', settings: { install: { cert: '' }, hooks: { deploy: '' } } }]);
    expect(await readFile(cert, 'utf8')).toBe('changed\n');
    const stored = (await store.get('z'))?.settings;
    expect(stored?.install).toBeUndefined();
    expect(stored?.hooks).toBeUndefined();
  });
});
