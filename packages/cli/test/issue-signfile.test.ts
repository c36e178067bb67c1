/**
 * `acmapi issue` (and `renew`) with the signfile options, end to end: `--preflight
 * strict|warn` against a REAL nginx, `--webroot` deploying into the folder a second nginx
 * serves, `--standalone --port N` answering the sandbox's check itself, and a strict
 * preflight that fails writing nothing at all, for `issue` as for `renew`.
 */
import { access, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, startNginx } from '@acmapi/test-utils';
import type { NginxServer } from '@acmapi/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonOutput, runCli } from './cli-harness.js';
import { NO_SIGNFILE_DOMAIN, SIGNFILE, startWorld } from './fixtures.js';
import type { World, WorldSandbox } from './fixtures.js';
import { expectVerifiedFolder } from './pki-checks.js';
import { readState, snapshotTree } from './store-checks.js';

let world: World;
let ca: WorldSandbox;
let signfilePath: string;
let closedPort: number;
/** An nginx over an empty webroot: only `--webroot` puts the signfile there. */
let site: NginxServer;
let siteRoot: string;

beforeAll(async () => {
  world = await startWorld();
  ca = await world.sandbox();
  signfilePath = join(world.temp.path, 'signfile.txt');
  await writeFile(signfilePath, SIGNFILE.content);
  closedPort = await freePort();
  siteRoot = join(world.temp.path, 'site');
  await mkdir(siteRoot);
  site = await startNginx({ webroot: siteRoot });
});

afterAll(async () => {
  await site.stop();
  await world.stop();
});

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

/** Flags that keep the preflight of `domain` on loopback, connecting to `httpPort` for http://. */
function preflightOn(domain: string, httpPort: number): string[] {
  return ['--resolve', `${domain}:127.0.0.1`, '--http-port', String(httpPort), '--https-port', String(closedPort), '--signfile', signfilePath];
}

/** `-d domain` and {@link preflightOn}. */
function local(domain: string, httpPort: number): string[] {
  return ['-d', domain, ...preflightOn(domain, httpPort)];
}

describe('acmapi issue --preflight', () => {
  it('strict: a failing preflight exits 8 before anything is written or sent to the CA', async () => {
    const out = join(world.temp.path, 'strict');
    const before = ca.sandbox.requests.length;
    const run = await runCli(['issue', ...local(NO_SIGNFILE_DOMAIN, world.nginx.port), '--preflight', 'strict', '--out', out], ca.env);
    expect(run.code).toBe(8);
    expect(ca.sandbox.requests.length).toBe(before);
    expect(await exists(out)).toBe(false);
    expect(run.stderr).toContain('The signfile preflight failed:');
    expect(run.stderr).toMatch(/127\.0\.0\.1\s+http\s+FAIL\s+404/);
    expect(run.stderr).toContain(`Error: The signfile preflight failed for ${NO_SIGNFILE_DOMAIN}, so nothing was sent to the CA (mode strict)`);
    expect(run.stderr).toContain('What to do:');
    expect(run.stdout).toBe('');

    const json = await runCli(['issue', ...local(NO_SIGNFILE_DOMAIN, world.nginx.port), '--preflight', 'strict', '--out', out, '--json'], ca.env);
    expect(json.code).toBe(8);
    expect(parseJsonOutput(json)).toMatchObject({ status: 'error', exitCode: 8, error: { code: 'PREFLIGHT_FAILED' } });
    expect(ca.sandbox.requests.length).toBe(before);
  });

  it('strict: passes through to an issued certificate, with the preflight in the --json result', async () => {
    const out = join(world.temp.path, 'strict-ok');
    const run = await runCli(['issue', ...local('strict.acmapi.test', world.nginx.port), '--preflight', 'strict', '--out', out, '--json'], ca.env);
    expect(run.code).toBe(0);
    expect(parseJsonOutput(run)).toMatchObject({ status: 'issued', preflight: { ok: true, mode: 'strict', domains: [{ domain: 'strict.acmapi.test', ok: true }] } });
    await expectVerifiedFolder(join(out, 'strict.acmapi.test'), ca.rootPath);
  });

  it('strict without a signfile is a usage error (exit 2), and no request is sent', async () => {
    const before = ca.sandbox.requests.length;
    const run = await runCli(['issue', '-d', 'x.acmapi.test', '--preflight', 'strict', '--out', join(world.temp.path, 'nosf')], ca.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--preflight strict needs the signfile');
    expect(ca.sandbox.requests.length).toBe(before);
  });

  it('warn (the default): prints the failure, applies anyway, and the CA answers 107', async () => {
    const before = ca.sandbox.requests.length;
    const run = await runCli(['issue', ...local(NO_SIGNFILE_DOMAIN, world.nginx.port), '--out', join(world.temp.path, 'warn')], ca.env);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('The signfile preflight failed:');
    expect(run.stderr).toContain('Applying anyway (--preflight warn)');
    expect(ca.sandbox.requests.length).toBe(before + 1);
    expect(ca.sandbox.requests.at(-1)?.status).toBe(107);
  });

  it('warn without a signfile: skips the preflight and says so with the result', async () => {
    const run = await runCli(['issue', '-d', 'nosf.acmapi.test', '--out', join(world.temp.path, 'warn-nosf')], ca.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('no --signfile given, so the signfile preflight was skipped');
  });

  it('off: no preflight even with a failing site (the CA then answers 107)', async () => {
    const run = await runCli(['issue', ...local(NO_SIGNFILE_DOMAIN, world.nginx.port), '--preflight', 'off', '--out', join(world.temp.path, 'off')], ca.env);
    expect(run.code).toBe(4);
    expect(run.stderr).not.toContain('preflight');
  });
});

describe('acmapi issue --webroot', () => {
  it('deploys the signfile where nginx serves it, issues, then removes it (and the folders it made)', async () => {
    const siteCa = await world.sandbox({ validation: { httpPort: site.port } });
    const out = join(world.temp.path, 'webroot-out');
    const run = await runCli(['issue', ...local('site.acmapi.test', site.port), '--webroot', siteRoot, '--preflight', 'strict', '--out', out], siteCa.env);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`Signfile written to ${join(siteRoot, '.well-known', 'pki-validation', 'signfile')}`);
    await expectVerifiedFolder(join(out, 'site.acmapi.test'), siteCa.rootPath);
    // Both the preflight and the CA fetched it from nginx, and got it.
    const log = await site.readAccessLog();
    expect(log.match(/GET \/\.well-known\/pki-validation\/signfile HTTP\/1\.1" 200/g)?.length).toBeGreaterThanOrEqual(2);
    expect(await readdir(siteRoot)).toEqual([]);
  });

  it('removes the signfile and the --iis web.config also when the CA refuses', async () => {
    const refusing = await world.sandbox({ validation: { httpPort: site.port }, refuse: ['refused.acmapi.test'] });
    const run = await runCli(['issue', ...local('refused.acmapi.test', site.port), '--webroot', siteRoot, '--iis', '--out', join(world.temp.path, 'refused')], refusing.env);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(join(siteRoot, '.well-known', 'pki-validation', 'web.config'));
    expect(refusing.sandbox.requests.at(-1)?.status).toBe(109);
    expect(await readdir(siteRoot)).toEqual([]);
  });

  it('--webroot without a signfile, and --iis without --webroot, are usage errors', async () => {
    const noSignfile = await runCli(['issue', '-d', 'x.acmapi.test', '--webroot', siteRoot, '--out', join(world.temp.path, 'u1')], ca.env);
    expect(noSignfile.code).toBe(2);
    expect(noSignfile.stderr).toContain('--webroot needs the signfile');
    const iisAlone = await runCli(['issue', ...local('x.acmapi.test', site.port), '--iis', '--out', join(world.temp.path, 'u2')], ca.env);
    expect(iisAlone.code).toBe(2);
    expect(iisAlone.stderr).toContain('--iis needs --webroot');
  });
});

describe('acmapi issue --standalone', () => {
  it('serves the signfile on --port for the sandbox\'s check, and stops afterwards', async () => {
    const port = await freePort();
    const standaloneCa = await world.sandbox({ validation: { httpPort: port } });
    const out = join(world.temp.path, 'standalone');
    const run = await runCli(['issue', ...local('standalone.acmapi.test', port), '--standalone', '--port', String(port), '--preflight', 'strict', '--out', out], standaloneCa.env);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`Serving the signfile on port ${port} (--standalone)`);
    expect(standaloneCa.sandbox.requests.at(-1)?.status).toBe(0);
    await expectVerifiedFolder(join(out, 'standalone.acmapi.test'), standaloneCa.rootPath);
    expect(await canConnect(port)).toBe(false);
  });

  it('--port without --standalone is a usage error', async () => {
    const run = await runCli(['issue', '-d', 'x.acmapi.test', '--port', '8080', '--out', join(world.temp.path, 'u3')], ca.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--port was given without --standalone');
  });
});

// Acceptance of issue 9: "Strict preflight failing during `renew` writes nothing, as during `issue`."
describe('a strict preflight that fails writes nothing', () => {
  const domain = 'renew-strict.acmapi.test';
  let siteCa: WorldSandbox;
  let out: string;

  beforeAll(async () => {
    siteCa = await world.sandbox({ validation: { httpPort: site.port } });
    out = join(world.temp.path, 'strict-writes-nothing');
    // Issued once while the site served the signfile (placed by hand, not with --webroot, which
    // renew would remember and place again); afterwards the site serves nothing.
    const wellKnown = join(siteRoot, '.well-known');
    await mkdir(join(wellKnown, 'pki-validation'), { recursive: true });
    await writeFile(join(wellKnown, 'pki-validation', 'signfile'), SIGNFILE.content);
    const first = await runCli(['issue', ...local(domain, site.port), '--out', out], siteCa.env);
    await rm(wellKnown, { recursive: true });
    expect(first.code, first.stderr).toBe(0);
    expect(await readdir(siteRoot)).toEqual([]);
  });

  it('renew of a due certificate: exit 8, nothing sent, the store byte for byte as it was (no new version, state.json unchanged)', async () => {
    const before = await snapshotTree(out);
    const state = await readState(join(out, domain));
    const requests = siteCa.sandbox.requests.length;
    // --days 3650: due now. renew puts no signfile in place, and the site no longer serves one.
    const run = await runCli(['renew', '--days', '3650', ...preflightOn(domain, site.port), '--preflight', 'strict', '--out', out, '--json'], siteCa.env);
    expect(run.code, run.stderr).toBe(8);
    expect(parseJsonOutput(run)).toMatchObject({
      status: 'error',
      exitCode: 8,
      certificates: [{ name: domain, status: 'error', exitCode: 8, error: { code: 'PREFLIGHT_FAILED' } }],
    });
    expect(run.stderr).toContain('The signfile preflight failed:');
    expect(siteCa.sandbox.requests.length).toBe(requests);
    expect(await snapshotTree(out)).toEqual(before);
    expect(await readState(join(out, domain))).toEqual(state);
  });

  it('the same renew with --preflight warn goes on to the CA (so the strict run above had something to withhold)', async () => {
    const requests = siteCa.sandbox.requests.length;
    const run = await runCli(['renew', '--days', '3650', ...preflightOn(domain, site.port), '--out', out, '--json'], siteCa.env);
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).toContain('Applying anyway (--preflight warn)');
    expect(siteCa.sandbox.requests.length).toBe(requests + 1);
    expect(siteCa.sandbox.requests.at(-1)?.status).toBe(107);
  });

  it('issue of a new certificate into that store: exit 8, nothing sent, no folder left, the store byte for byte as it was', async () => {
    const before = await snapshotTree(out);
    const requests = siteCa.sandbox.requests.length;
    const run = await runCli(['issue', ...local('new-strict.acmapi.test', site.port), '--preflight', 'strict', '--out', out, '--json'], siteCa.env);
    expect(run.code, run.stderr).toBe(8);
    expect(parseJsonOutput(run)).toMatchObject({ status: 'error', exitCode: 8, name: 'new-strict.acmapi.test', error: { code: 'PREFLIGHT_FAILED' } });
    expect(siteCa.sandbox.requests.length).toBe(requests);
    expect(await exists(join(out, 'new-strict.acmapi.test'))).toBe(false);
    expect(await snapshotTree(out)).toEqual(before);
  });
});

describe('remembered settings (issue 10)', () => {
  /** Preflight overrides only (they are not remembered): loopback DNS and ports for `domain`. */
  function preflightOnly(domain: string, httpPort: number): string[] {
    return ['--resolve', `${domain}:127.0.0.1`, '--http-port', String(httpPort), '--https-port', String(closedPort)];
  }
  const inMinutes = (minutes: number): string => new Date(Date.now() + minutes * 60_000).toISOString();

  it('renew remembers --webroot from issue (cron renewal no longer fails with 107)', async () => {
    // Short-lived certificates: due at ACMAPI_NOW 8 minutes ahead (renewal time around two thirds of 11 minutes).
    const shortCa = await world.sandbox({ validitySeconds: 600, validation: { httpPort: site.port } });
    const domain = 'cron.acmapi.test';
    const out = join(world.temp.path, 'cron');
    const issued = await runCli(['issue', ...local(domain, site.port), '--webroot', siteRoot, '--out', out], shortCa.env);
    expect(issued.code, issued.stderr).toBe(0);

    // What cron runs: no placement flag, no --signfile.
    const renewed = await runCli(['renew', '--out', out, '--json', ...preflightOnly(domain, site.port)], { ...shortCa.env, ACMAPI_NOW: inMinutes(8) });
    expect(renewed.code, renewed.stderr).toBe(0);
    expect(parseJsonOutput(renewed)).toMatchObject({ status: 'ok', certificates: [{ status: 'issued', name: domain }] });
    expect(renewed.stderr).toContain(`Signfile written to ${join(siteRoot, '.well-known', 'pki-validation', 'signfile')}`);
    expect(shortCa.sandbox.requests.filter((r) => r.kind === 'apply').map((r) => r.status)).toEqual([0, 0]);
    expect(await readdir(siteRoot)).toEqual([]);

    const show = await runCli(['show', domain, '--out', out, '--json'], {});
    expect(show.code, show.stderr).toBe(0);
    expect(parseJsonOutput(show)).toMatchObject({
      name: domain,
      state: 'valid',
      renewalTimeChosen: true,
      settings: { domains: [domain], signfile: { path: signfilePath, placement: { kind: 'webroot', dir: siteRoot, iis: false } } },
    });
    const human = await runCli(['show', domain, '--out', out], {});
    expect(human.stdout).toContain(`Placement:      webroot ${siteRoot}`);
    expect(human.stdout).toMatch(/Renewal time: {3}\S+ \(chosen for this certificate\)/);
  });

  it('renew recovers a failed first application', async () => {
    // The operator's webroot is not what the web server serves: the CA answers 107.
    const served = join(world.temp.path, 'served');
    const webroot = join(world.temp.path, 'misconfigured');
    await mkdir(served);
    await mkdir(webroot);
    const own = await startNginx({ webroot: served });
    try {
      const ownCa = await world.sandbox({ validation: { httpPort: own.port } });
      const domain = 'recover.acmapi.test';
      const out = join(world.temp.path, 'recover');
      const failed = await runCli(['issue', ...local(domain, own.port), '--webroot', webroot, '--preflight', 'off', '--out', out], ownCa.env);
      expect(failed.code).toBe(4);
      expect(ownCa.sandbox.requests.at(-1)?.status).toBe(107);
      const [entry] = parseJsonOutput(await runCli(['list', '--json', '--out', out], {}))['certificates'] as { name: string; state: string; domains: string[] }[];
      expect(entry).toMatchObject({ name: domain, state: 'failed', domains: [domain] });

      // Cron at once: inside the backoff, skipped and saying so (exit 5), nothing sent.
      const early = await runCli(['renew', '--out', out, '--json'], ownCa.env);
      expect(early.code).toBe(5);
      expect(parseJsonOutput(early)).toMatchObject({ status: 'error', certificates: [{ status: 'skipped-by-backoff', name: domain, failures: 1, lastErrorCode: 'CA_DOMAIN_VERIFY_FAILED' }] });
      expect((await runCli(['renew', '--out', out], ownCa.env)).stdout).toContain('not tried again before');
      expect(ownCa.sandbox.requests.filter((r) => r.kind === 'apply')).toHaveLength(1);

      // The web server is fixed (it now serves the operator's webroot); the next cron run after the backoff issues.
      await rm(webroot, { recursive: true });
      await symlink(served, webroot);
      const later = await runCli(['renew', '--out', out, '--json', ...preflightOnly(domain, own.port)], { ...ownCa.env, ACMAPI_NOW: inMinutes(61) });
      expect(later.code, later.stderr).toBe(0);
      expect(parseJsonOutput(later)).toMatchObject({ status: 'ok', certificates: [{ status: 'issued', name: domain, domains: [domain] }] });
      expect(ownCa.sandbox.requests.filter((r) => r.kind === 'apply').map((r) => r.status)).toEqual([107, 0]);
      const show = parseJsonOutput(await runCli(['show', domain, '--out', out, '--json'], {}));
      expect(show).toMatchObject({ state: 'valid', failures: null, lastError: null, lastAttempt: { result: 'issued' } });
    } finally {
      await own.stop();
    }
  });

  it('renew flags override the remembered settings and are remembered; --reuse-key keeps the live key', async () => {
    const siteCa = await world.sandbox({ validation: { httpPort: site.port } });
    const domain = 'override.acmapi.test';
    const out = join(world.temp.path, 'override');
    const dir = join(out, domain);
    expect((await runCli(['issue', ...local(domain, site.port), '--webroot', siteRoot, '--reuse-key', '--out', out], siteCa.env)).code).toBe(0);
    const key = await readFile(join(dir, 'privkey.pem'), 'utf8');
    const port = await freePort();
    const standaloneCa = await world.sandbox({ validation: { httpPort: port } });
    const run = await runCli(['renew', '--force', '--standalone', '--port', String(port), '--out', out, ...preflightOnly(domain, port)], standaloneCa.env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`Serving the signfile on port ${port} (--standalone)`);
    expect(run.stderr).toContain('keeping the live private key');
    expect(await readFile(join(dir, 'privkey.pem'), 'utf8')).toBe(key);
    expect(parseJsonOutput(await runCli(['show', domain, '--out', out, '--json'], {}))).toMatchObject({
      settings: { reuseKey: true, signfile: { path: signfilePath, placement: { kind: 'standalone', port } } },
    });
    const fresh = await runCli(['renew', '--force', '--new-key', '--out', out, ...preflightOnly(domain, port)], standaloneCa.env);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(await readFile(join(dir, 'privkey.pem'), 'utf8')).not.toBe(key);
  });
});
