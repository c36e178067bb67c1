/**
 * `acmapi check --dns-server` end to end: the built command asks a REAL DNS server (Knot DNS,
 * @acmapi/test-dns) for every lookup, A/AAAA and CAA, and fetches from a real nginx.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startDnsServer } from '@acmapi/test-dns';
import type { DnsServer } from '@acmapi/test-dns';
import { freePort } from '@acmapi/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonOutput, runCli } from './cli-harness.js';
import { SIGNFILE, startWorld } from './fixtures.js';
import type { World, WorldSandbox } from './fixtures.js';

let world: World;
let dns: DnsServer;
let signfilePath: string;
let closedPort: number;
let ca: WorldSandbox;

beforeAll(async () => {
  world = await startWorld();
  dns = await startDnsServer({ zones: ['acmapi.test'] });
  signfilePath = join(world.temp.path, 'signfile.txt');
  await writeFile(signfilePath, SIGNFILE.content);
  closedPort = await freePort();
  await dns.set('www.acmapi.test', { A: ['127.0.0.1'] });
  ca = await world.sandbox();
});

afterAll(async () => {
  await dns.close();
  await world.stop();
});

const ports = (): string[] => ['--http-port', String(world.nginx.port), '--https-port', String(closedPort)];

describe('acmapi check --dns-server', () => {
  it('a CAA record at the parent naming another CA fails the check (exit 8) and says where and whom', async () => {
    await dns.set('acmapi.test', { CAA: [{ flags: 0, tag: 'issue', value: 'letsencrypt.org' }] });
    const run = await runCli(['check', '-d', 'www.acmapi.test', '--signfile', signfilePath, '--dns-server', dns.address, ...ports()]);
    expect(run.code).toBe(8);
    expect(run.stdout).toContain('FAIL www.acmapi.test: CAA does not let the CA issue.');
    expect(run.stdout).toContain('Why: CAA at acmapi.test allows only letsencrypt.org, not wosign.com.');
    // The address came from the DNS server, not from --resolve.
    expect(run.stdout).toMatch(/127\.0\.0\.1\s+http\s+ok/);
  });

  it('ACMAPI_DNS_SERVER works too; a record naming the CA of ACMAPI_ENDPOINT passes, and the JSON carries the decision', async () => {
    await dns.set('acmapi.test', { CAA: [{ flags: 0, tag: 'issue', value: 'ca.example' }] });
    const run = await runCli(['check', '-d', 'www.acmapi.test', '--signfile', signfilePath, '--json', ...ports()], {
      ACMAPI_DNS_SERVER: dns.address,
      ACMAPI_ENDPOINT: 'https://acmapi.ca.example/',
    });
    expect(run.code).toBe(0);
    expect(parseJsonOutput(run)).toMatchObject({ ok: true, domains: [{ domain: 'www.acmapi.test', caa: { ok: true, reason: 'allowed', at: 'acmapi.test' } }] });
    expect(run.stderr).toContain('CAA: CAA at acmapi.test allows ca.example');
  });

  it('refuses a --dns-server that is not an address with exit 2', async () => {
    const run = await runCli(['check', '-d', 'www.acmapi.test', '--signfile', signfilePath, '--dns-server', 'dns.example.com', '--json']);
    expect(run.code).toBe(2);
    expect(parseJsonOutput(run)).toMatchObject({ status: 'error', exitCode: 2, error: { code: 'USAGE_DNS_SERVER' } });
  });
});

describe('acmapi issue --dns-server', () => {
  it('a strict preflight weighs CAA for the sandbox\'s identity and account: refused, nothing is sent; allowed for this account, issued', async () => {
    await dns.set('acmapi.test', { CAA: [{ flags: 0, tag: 'issue', value: 'letsencrypt.org' }] });
    const before = ca.sandbox.requests.length;
    const refused = await runCli(
      ['issue', '-d', 'www.acmapi.test', '--signfile', signfilePath, '--dns-server', dns.address, ...ports(), '--preflight', 'strict', '--out', join(world.temp.path, 'caa-refused')],
      ca.env,
    );
    expect(refused.code).toBe(8);
    expect(refused.stderr + refused.stdout).toContain('CAA at acmapi.test allows only letsencrypt.org, not sandbox.acmapi.test.');
    expect(ca.sandbox.requests.length).toBe(before);

    // RFC 8657: the sandbox's account URI for this customer (docs/ACMAPI.md).
    const accountUri = `https://sandbox.acmapi.test/customer/${ca.customerId}`;
    await dns.set('acmapi.test', { CAA: [{ flags: 0, tag: 'issue', value: `sandbox.acmapi.test; accounturi=${accountUri}` }] });
    const issued = await runCli(
      ['issue', '-d', 'www.acmapi.test', '--signfile', signfilePath, '--dns-server', dns.address, ...ports(), '--preflight', 'strict', '--out', join(world.temp.path, 'caa-ok'), '--json'],
      ca.env,
    );
    expect(issued.code).toBe(0);
    expect(parseJsonOutput(issued)).toMatchObject({
      status: 'issued',
      preflight: { ok: true, domains: [{ domain: 'www.acmapi.test', caa: { ok: true, reason: 'allowed', at: 'acmapi.test' } }] },
    });
  });
});
