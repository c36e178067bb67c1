/**
 * `acmapi check --dns-server` through a DNSSEC-validating resolver (BR 3.2.2.8): unbound
 * (@acmapi/test-dns) in front of zones Knot signs. The built command reports a bogus zone
 * as a CAA lookup failure for that domain, as the CA will refuse it; a signed zone passes.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startDnsServer, startValidatingResolver } from '@acmapi/test-dns';
import type { DnsServer, ValidatingResolver } from '@acmapi/test-dns';
import { freePort } from '@acmapi/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonOutput, runCli } from './cli-harness.js';
import { SIGNFILE, startWorld } from './fixtures.js';
import type { World } from './fixtures.js';

const SIGNED = ['signed.acmapi.test', 'bogus.acmapi.test'];
let world: World;
let dns: DnsServer;
let validator: ValidatingResolver;
let signfilePath: string;
let closedPort: number;

beforeAll(async () => {
  world = await startWorld();
  dns = await startDnsServer({ zones: ['acmapi.test', ...SIGNED], signed: SIGNED });
  for (const zone of SIGNED) {
    await dns.set(zone, { CAA: [{ flags: 0, tag: 'issue', value: 'wosign.com' }] });
    await dns.set(`www.${zone}`, { A: ['127.0.0.1'] });
  }
  // The anchor of bogus.acmapi.test has one digit of its digest changed: it names no key of the zone.
  const wrong = (await dns.ds('bogus.acmapi.test')).replace(/[0-9a-f]{64}$/i, (digest) => `${digest.startsWith('0') ? '1' : '0'}${digest.slice(1)}`);
  validator = await startValidatingResolver({ upstream: dns.address, trustAnchors: [await dns.ds('signed.acmapi.test'), wrong] });
  signfilePath = join(world.temp.path, 'signfile.txt');
  await writeFile(signfilePath, SIGNFILE.content);
  closedPort = await freePort();
});

afterAll(async () => {
  await validator.close();
  await dns.close();
  await world.stop();
});

const check = (domain: string): ReturnType<typeof runCli> =>
  runCli(['check', '-d', domain, '--signfile', signfilePath, '--dns-server', validator.address, '--http-port', String(world.nginx.port), '--https-port', String(closedPort), '--json']);

describe('acmapi check --dns-server <validating resolver>', () => {
  it('a correctly signed zone whose CAA names the CA passes', async () => {
    const run = await check('www.signed.acmapi.test');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(parseJsonOutput(run)).toMatchObject({ ok: true, domains: [{ domain: 'www.signed.acmapi.test', caa: { ok: true, reason: 'allowed', at: 'signed.acmapi.test' } }] });
  });

  it('a bogus zone fails the check (exit 8) as a CAA lookup failure for that domain', async () => {
    const run = await check('www.bogus.acmapi.test');
    expect(run.code, run.stdout + run.stderr).toBe(8);
    expect(parseJsonOutput(run)).toMatchObject({
      ok: false,
      domains: [{ domain: 'www.bogus.acmapi.test', failure: { kind: 'caa-lookup-failed', code: 'ESERVFAIL' }, caa: { ok: false, reason: 'caa-lookup-failed' } }],
    });
  });
});
