/**
 * Multi-perspective corroboration (BR §3.2.2.9) with real peers: nginx answers by the
 * client's source address (`geo`, as GeoDNS or a CDN would), two real DNS servers give
 * split-horizon answers, and the admin API sets per-perspective knobs and shows each
 * perspective's result.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startDnsServer, startSilentDnsServer, type DnsServer } from '@acmapi/test-dns';
import { makeTempDir, startNginx, type NginxServer, type TempDir } from '@acmapi/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../src/index.js';
import { api, call, closeAgent } from './helpers/api.js';
import { makeCsr } from './helpers/openssl.js';
import { closedPort } from './helpers/web-server.js';

const TOKEN = 'perspective-token-91c3aa';
const CUSTOMER = { customerId: 'mp', authToken: 'mp-secret', signfile: { content: TOKEN } };
const SIGNFILE = '/.well-known/pki-validation/signfile';

let temp: TempDir;
let nginx: NginxServer;
let inside: DnsServer;
let outside: DnsServer;
let silent: { address: string; close(): Promise<void> };
const sandboxes: Sandbox[] = [];

async function sandboxWith(options: SandboxOptions): Promise<Sandbox> {
  const sandbox = await startSandbox({
    tls: false,
    customers: [CUSTOMER],
    adminToken: 'admin-mp',
    ...options,
    validation: { httpPort: nginx.port, httpsPort: await closedPort(), connectTimeoutMs: 400, dnsTimeoutMs: 500, ...options.validation },
  });
  sandboxes.push(sandbox);
  return sandbox;
}

async function applyFor(sandbox: Sandbox, domain: string): Promise<{ status: unknown; otherMsg: unknown; detail: string }> {
  const { csrPem } = await makeCsr({ domains: [domain] });
  const answer = await api(sandbox, { customer_id: 'mp', auth_token: 'mp-secret', req_type: 'cert_apply', domain_name: [domain], csr: csrPem });
  return { status: answer.json['status'], otherMsg: answer.json['other_msg'], detail: (sandbox.requests.at(-1)?.detail ?? []).join(' | ') };
}

const admin = { authorization: 'Bearer admin-mp' };

beforeAll(async () => {
  temp = await makeTempDir('acmapi-perspectives-');
  await mkdir(join(temp.path, 'root'), { recursive: true });
  // One source address sees a stale body on geo-one.test, two on geo-two.test.
  const geo = (variable: string, stale: string[]): string =>
    `geo $remote_addr $${variable} { default "${TOKEN}"; ${stale.map((source) => `${source} "stale-edge";`).join(' ')} }`;
  const site = (name: string, variable: string): string =>
    `server { listen 127.0.0.1:{{port}}; server_name ${name}; location = ${SIGNFILE} { default_type text/plain; return 200 $${variable}; } }`;
  nginx = await startNginx({
    webroot: join(temp.path, 'root'),
    httpConfig: [
      geo('geo_one', ['127.0.0.12']),
      geo('geo_two', ['127.0.0.12', '127.0.0.13']),
      site('geo-one.test', 'geo_one'),
      site('geo-two.test', 'geo_two'),
      site('split.test', 'geo_none'),
      site('caa-split.test', 'geo_none'),
      geo('geo_none', []),
    ].join('\n'),
  });
  inside = await startDnsServer();
  outside = await startDnsServer();
  await inside.set('split.test', { A: ['127.0.0.1'] });
  // Outside the split horizon the name points where nothing serves the signfile.
  await outside.set('split.test', { A: ['127.0.0.2'] });
  // Both horizons serve the signfile's address; only the outside one has a CAA set that names another CA.
  await inside.set('caa-split.test', { A: ['127.0.0.1'], CAA: [{ flags: 0, tag: 'issue', value: 'sandbox.acmapi.test' }] });
  await outside.set('caa-split.test', { A: ['127.0.0.1'], CAA: [{ flags: 0, tag: 'issue', value: 'letsencrypt.org' }] });
  silent = await startSilentDnsServer();
});

afterAll(async () => {
  for (const sandbox of sandboxes) {
    await closeAgent(sandbox);
    await sandbox.close();
  }
  await inside.close();
  await outside.close();
  await silent.close();
  await nginx.stop();
  await temp.cleanup();
});

describe('GeoDNS-like answers by source address (nginx geo)', () => {
  it('issues when 1 of 5 remote perspectives sees another body, refuses 107 when 2 do', async () => {
    const sandbox = await sandboxWith({ validation: { resolve: { '*.test': ['127.0.0.1'] } } });
    const one = await applyFor(sandbox, 'geo-one.test');
    expect(one.status, one.detail).toBe(0);
    expect(one.detail).toContain('4 of 5 remote perspectives corroborate; at most 1 may disagree');
    expect(one.detail).toContain('perspective 2 (127.0.0.12): via 127.0.0.1: body of http://geo-one.test/.well-known/pki-validation/signfile does not contain the signfile token');
    const two = await applyFor(sandbox, 'geo-two.test');
    expect(two).toMatchObject({ status: 107, otherMsg: 'geo-two.test' });
    expect(two.detail).toContain('3 of 5 remote perspectives corroborate; at most 1 may disagree');
  });

  it('tolerates 2 of 6 perspectives disagreeing (BR table), not with 5', async () => {
    const six = await sandboxWith({ perspectives: 6, validation: { resolve: { '*.test': ['127.0.0.1'] } } });
    expect(await applyFor(six, 'geo-two.test')).toMatchObject({ status: 0 });
    expect(six.policy().allowedNonCorroborations).toBe(2);
  });
});

describe('split-horizon DNS (two real DNS servers)', () => {
  it('passes with one perspective on the outside resolver and fails with two; the admin API sets knobs and shows each result', async () => {
    const sandbox = await sandboxWith({ perspectives: [{ dnsServers: [outside.address] }, {}, {}, {}, {}], validation: { dnsServers: [inside.address] } });
    expect(await applyFor(sandbox, 'split.test')).toMatchObject({ status: 0 });

    const set = await call(sandbox, '/admin/perspectives', { method: 'POST', headers: admin, body: { index: 1, dnsServers: [outside.address] } });
    expect(set.httpStatus).toBe(200);
    expect(set.json['perspective']).toEqual({ index: 1, source: '127.0.0.11', dnsServers: [outside.address] });
    const refused = await applyFor(sandbox, 'split.test');
    expect(refused).toMatchObject({ status: 107, otherMsg: 'split.test' });

    const listed = await call(sandbox, '/admin/validations', { headers: admin });
    const validations = listed.json['validations'] as { status: number; perspectives: { primary: { ok: boolean }; remote: { perspective: number; source: string; ok: boolean; attempts: string[] }[] }[] }[];
    expect(validations.map((v) => v.status)).toEqual([0, 107]);
    const last = validations[1]?.perspectives[0];
    expect(last?.primary.ok).toBe(true);
    expect(last?.remote.map((r) => [r.perspective, r.source, r.ok])).toEqual([
      [0, '127.0.0.10', false],
      [1, '127.0.0.11', false],
      [2, '127.0.0.12', true],
      [3, '127.0.0.13', true],
      [4, '127.0.0.14', true],
    ]);
    expect(last?.remote[0]?.attempts.join(' ')).toContain('via 127.0.0.2');

    // The issued application carries its perspectives in GET /admin/applications too.
    const applications = await call(sandbox, '/admin/applications', { headers: admin });
    const [issued] = applications.json['applications'] as { perspectives: { remote: unknown[] }[] }[];
    expect(issued?.perspectives[0]?.remote).toHaveLength(5);

    // Resetting the knobs ({"index": N} alone) brings the quorum back.
    await call(sandbox, '/admin/perspectives', { method: 'POST', headers: admin, body: { index: 1 } });
    expect(await applyFor(sandbox, 'split.test')).toMatchObject({ status: 0 });
  });
});

describe('CAA corroborated by the remote perspectives (BR 3.2.2.9, two real DNS servers)', () => {
  interface CaaView { perspective: string | number; source: string; allowed: boolean; reason: string; dnsServers: string[] }
  const caaOf = async (sandbox: Sandbox): Promise<{ allowed: boolean; primary: CaaView; remote: CaaView[]; remoteFailures: number } | undefined> => {
    const listed = await call(sandbox, '/admin/validations', { headers: admin });
    const validations = listed.json['validations'] as { caa: { allowed: boolean; primary: CaaView; remote: CaaView[]; remoteFailures: number }[] }[];
    return validations.at(-1)?.caa[0];
  };

  it('issues when 1 of 5 remote perspectives sees a forbidding CAA set, refuses 109 naming the domain when 2 do', async () => {
    const sandbox = await sandboxWith({ perspectives: [{ dnsServers: [outside.address] }, {}, {}, {}, {}], validation: { dnsServers: [inside.address] } });
    const one = await applyFor(sandbox, 'caa-split.test');
    expect(one.status, one.detail).toBe(0);
    expect(one.detail).toContain('CAA perspective 0 (127.0.0.10): CAA at caa-split.test does not allow this CA (0 issue "letsencrypt.org")');
    expect(one.detail).toContain('4 of 5 remote perspectives corroborate CAA for caa-split.test; at most 1 may disagree');
    const seen = await caaOf(sandbox);
    expect(seen?.primary).toMatchObject({ perspective: 'primary', source: 'system', allowed: true, reason: 'allowed', dnsServers: [inside.address] });
    expect(seen?.remote.map((r) => [r.perspective, r.source, r.allowed, r.reason, r.dnsServers])).toEqual([
      [0, '127.0.0.10', false, 'not-authorized', [outside.address]],
      [1, '127.0.0.11', true, 'allowed', [inside.address]],
      [2, '127.0.0.12', true, 'allowed', [inside.address]],
      [3, '127.0.0.13', true, 'allowed', [inside.address]],
      [4, '127.0.0.14', true, 'allowed', [inside.address]],
    ]);

    // A second perspective on the outside resolver (the admin knob) breaks the quorum.
    await call(sandbox, '/admin/perspectives', { method: 'POST', headers: admin, body: { index: 3, dnsServers: [outside.address] } });
    const two = await applyFor(sandbox, 'caa-split.test');
    expect(two).toMatchObject({ status: 109, otherMsg: 'caa-split.test' });
    expect(two.detail).toContain('3 of 5 remote perspectives corroborate CAA for caa-split.test; at most 1 may disagree');
    // Refused before the signfile check: no perspective fetched anything.
    expect(two.detail).not.toContain('/.well-known/pki-validation/');
    expect(await caaOf(sandbox)).toMatchObject({ allowed: false, remoteFailures: 2 });
  });

  it('counts a remote lookup failure as disagreeing: a forbidding set plus a timeout refuses 109', async () => {
    const sandbox = await sandboxWith({
      perspectives: [{ dnsServers: [outside.address] }, { dnsServers: [silent.address] }, {}, {}, {}],
      validation: { dnsServers: [inside.address] },
    });
    const refused = await applyFor(sandbox, 'caa-split.test');
    expect(refused).toMatchObject({ status: 109, otherMsg: 'caa-split.test' });
    expect(refused.detail).toContain('CAA perspective 1 (127.0.0.11): CAA lookup for caa-split.test failed: timeout at caa-split.test');
    // The silent resolver alone is tolerated.
    await call(sandbox, '/admin/perspectives', { method: 'POST', headers: admin, body: { index: 0 } });
    expect(await applyFor(sandbox, 'caa-split.test')).toMatchObject({ status: 0 });
  });

  it('refuses 109 when the primary sees a forbidding set, however many remote perspectives allow', async () => {
    const sandbox = await sandboxWith({ perspectives: 5, validation: { dnsServers: [outside.address] } });
    await call(sandbox, '/admin/perspectives', { method: 'POST', headers: admin, body: { index: 0, dnsServers: [inside.address] } });
    expect(await applyFor(sandbox, 'caa-split.test')).toMatchObject({ status: 109, otherMsg: 'caa-split.test' });
  });
});

describe('fault knobs', () => {
  it('timeout, another DNS answer or another body on one more perspective breaks the quorum that the one stale edge of geo-one.test leaves', async () => {
    const sandbox = await sandboxWith({ validation: { resolve: { '*.test': ['127.0.0.1'] } } });
    const knob = (body: unknown) => call(sandbox, '/admin/perspectives', { method: 'POST', headers: admin, body });
    expect((await knob({ index: 0, timeout: true })).httpStatus).toBe(200);
    const slow = await applyFor(sandbox, 'geo-one.test');
    expect(slow.status, slow.detail).toBe(107);
    expect(slow.detail).toContain('perspective 0 (127.0.0.10): via 127.0.0.1: connect timeout after 400 ms');
    await knob({ index: 0 });
    await knob({ index: 3, addresses: ['127.0.0.3'] });
    expect(await applyFor(sandbox, 'geo-one.test')).toMatchObject({ status: 107 });
    await knob({ index: 3 });
    await knob({ index: 4, body: 'a CDN error page' });
    expect(await applyFor(sandbox, 'geo-one.test')).toMatchObject({ status: 107 });
    await knob({ index: 4 });
    expect(await applyFor(sandbox, 'geo-one.test')).toMatchObject({ status: 0 });
  });

  it('the admin API refuses a knob for a perspective that does not exist, bad settings, and callers without the token', async () => {
    const sandbox = await sandboxWith({ perspectives: 2 });
    expect((await call(sandbox, '/admin/perspectives', { method: 'POST', headers: admin, body: { index: 2 } })).httpStatus).toBe(404);
    const bad = await call(sandbox, '/admin/perspectives', { method: 'POST', headers: admin, body: { index: 0, dnsServers: ['not-an-address'] } });
    expect(bad.httpStatus).toBe(400);
    expect(bad.json['error']).toContain('perspectives[0].dnsServers[0]');
    expect((await call(sandbox, '/admin/perspectives', { method: 'POST', body: { index: 0 } })).httpStatus).toBe(401);
    const policy = await call(sandbox, '/admin/policy', { headers: admin });
    expect(policy.json).toMatchObject({
      caaIdentities: ['sandbox.acmapi.test'],
      validationMethod: 'acmapi-file',
      accountUriTemplate: 'https://sandbox.acmapi.test/customer/{customerId}',
      requireDnssec: false,
      perspectives: [{ index: 0, source: '127.0.0.10' }, { index: 1, source: '127.0.0.11' }],
      allowedNonCorroborations: 1,
      validityProfile: 'default',
    });
  });
});
