/**
 * `acmapi check` end to end: the built command against a REAL nginx (and a server
 * that answers like IIS), with --resolve and --http-port/--https-port so that no
 * request leaves the machine.
 */
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { freePort } from '@acmapi/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonOutput, runCli } from './cli-harness.js';
import { NO_SIGNFILE_DOMAIN, SIGNFILE, startWorld } from './fixtures.js';
import type { World } from './fixtures.js';

let world: World;
let signfilePath: string;
/** A port where nothing listens: https checks there are refused at once. */
let closedPort: number;
let iis: Server;

beforeAll(async () => {
  world = await startWorld();
  signfilePath = join(world.temp.path, 'signfile.txt');
  await writeFile(signfilePath, SIGNFILE.content);
  closedPort = await freePort();
  iis = createServer((_request, response) => {
    response.writeHead(404, { server: 'Microsoft-IIS/10.0', 'content-type': 'text/html' }).end('<html><body>404 - File or directory not found.</body></html>');
  });
  await new Promise<void>((resolve) => iis.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => iis.close(resolve));
  await world.stop();
});

/** The flags that keep the check on loopback. */
function local(domains: string[], addresses = '127.0.0.1', httpPort = world.nginx.port): string[] {
  return [
    ...domains.flatMap((domain) => ['-d', domain, '--resolve', `${domain}:${addresses}`]),
    '--http-port', String(httpPort),
    '--https-port', String(closedPort),
  ];
}

describe('acmapi check', () => {
  it('exits 0 when every domain passes, with a verdict line and a table per domain, and shows the warning for a near miss', async () => {
    // ACMAPI_SIGNFILE instead of --signfile: the environment works too.
    const run = await runCli(['check', ...local(['www.acmapi.test', 'acmapi.test'])], { ACMAPI_SIGNFILE: signfilePath });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('PASS www.acmapi.test: the signfile is served on every address (1 address from --resolve).');
    expect(run.stdout).toContain('PASS acmapi.test:');
    expect(run.stdout).toMatch(/address\s+scheme\s+result\s+detail/);
    // nginx serves the file with a trailing newline the token lacks: passes, with a warning.
    // The webroot's copy ends with a newline, as text files do: still exact, no warning.
    expect(run.stdout).toMatch(/127\.0\.0\.1\s+http\s+ok\s+200; content exact; server: nginx/);
    expect(run.stdout).toMatch(/127\.0\.0\.1\s+https\s+FAIL\s+connection-refused/);
    expect(run.stdout).not.toContain('Warning:');
    expect(await world.nginx.readAccessLog()).toMatch(/GET \/\.well-known\/pki-validation\/signfile HTTP\/1\.1" 200/);
  });

  it('exits 8 when a domain fails, naming the address, the status and what to do', async () => {
    const run = await runCli(['check', ...local(['www.acmapi.test', NO_SIGNFILE_DOMAIN]), '--signfile', signfilePath]);
    expect(run.code).toBe(8);
    expect(run.stdout).toContain('PASS www.acmapi.test');
    expect(run.stdout).toContain(`FAIL ${NO_SIGNFILE_DOMAIN}: 1 of 1 address from --resolve does not serve the signfile`);
    expect(run.stdout).toMatch(/127\.0\.0\.1\s+http\s+FAIL\s+404; http-status; server: nginx/);
    expect(run.stdout).toContain(`Why: ${NO_SIGNFILE_DOMAIN} at 127.0.0.1 (port ${world.nginx.port}): http://${NO_SIGNFILE_DOMAIN}/.well-known/pki-validation/signfile answered 404.`);
    expect(run.stdout).toContain('What to do: Put the signfile at /.well-known/pki-validation/');
  });

  it('fails a domain when one of its addresses (::1, where nothing listens) does not serve the file', async () => {
    const run = await runCli(['check', ...local(['dual.acmapi.test'], '127.0.0.1,::1'), '--signfile', signfilePath]);
    expect(run.code).toBe(8);
    expect(run.stdout).toMatch(/127\.0\.0\.1\s+http\s+ok/);
    expect(run.stdout).toMatch(/\[::1\]\s+http\s+FAIL\s+connection-refused/);
    expect(run.stdout).toContain('while 127.0.0.1 passes: the CA may pick any address');
  });

  it('says so when a 404 comes from IIS, and points at --iis', async () => {
    const port = (iis.address() as AddressInfo).port;
    const run = await runCli(['check', ...local(['iis.acmapi.test'], '127.0.0.1', port), '--signfile', signfilePath]);
    expect(run.code).toBe(8);
    expect(run.stdout).toContain('server: Microsoft-IIS/10.0');
    expect(run.stdout).toContain('What to do: IIS serves no file without an extension by default: run with --iis');
  });

  it('prints the PreflightResult as one JSON object with --json', async () => {
    const run = await runCli(['check', ...local([NO_SIGNFILE_DOMAIN]), '--signfile', signfilePath, '--json']);
    expect(run.code).toBe(8);
    const result = parseJsonOutput(run);
    expect(result).toMatchObject({
      ok: false,
      mode: 'strict',
      exitCode: 8,
      domains: [
        {
          domain: NO_SIGNFILE_DOMAIN,
          ok: false,
          addressSource: 'override',
          warnings: [],
          failure: { kind: 'http-status', status: 404, address: '127.0.0.1', url: `http://${NO_SIGNFILE_DOMAIN}/.well-known/pki-validation/signfile` },
          addresses: [
            {
              address: '127.0.0.1',
              family: 4,
              ok: false,
              schemes: [
                { scheme: 'http', ok: false, hops: [{ url: `http://${NO_SIGNFILE_DOMAIN}/.well-known/pki-validation/signfile`, address: '127.0.0.1', port: world.nginx.port, status: 404 }] },
                { scheme: 'https', ok: false, failure: { kind: 'connection-refused' } },
              ],
            },
          ],
        },
      ],
    });
    const failure = ((result['domains'] as Record<string, unknown>[])[0]?.['failure'] ?? {}) as Record<string, unknown>;
    expect(typeof failure['hint']).toBe('string');
    // Human text went to stderr: stdout is exactly the object.
    expect(run.stderr).toContain(`FAIL ${NO_SIGNFILE_DOMAIN}`);
  });

  it('refuses a bad --resolve, a missing signfile and a missing domain with exit 2', async () => {
    const badResolve = await runCli(['check', '-d', 'a.acmapi.test', '--signfile', signfilePath, '--resolve', 'a.acmapi.test:not-an-ip', '--json']);
    expect(badResolve.code).toBe(2);
    expect(parseJsonOutput(badResolve)).toMatchObject({ status: 'error', exitCode: 2, error: { code: 'USAGE_RESOLVE' } });
    expect(badResolve.stderr).toContain('"not-an-ip" is not an IPv4 or IPv6 address');

    const noAddress = await runCli(['check', '-d', 'a.acmapi.test', '--signfile', signfilePath, '--resolve', 'a.acmapi.test']);
    expect(noAddress.code).toBe(2);
    expect(noAddress.stderr).toContain('is not DOMAIN:ADDRESS');
    expect(noAddress.stderr).toContain('What to do: Write --resolve DOMAIN:ADDRESS');

    const noSignfile = await runCli(['check', '-d', 'a.acmapi.test']);
    expect(noSignfile.code).toBe(2);
    expect(noSignfile.stderr).toContain('No signfile given.');

    const missingFile = await runCli(['check', '-d', 'a.acmapi.test', '--signfile', join(world.temp.path, 'absent')]);
    expect(missingFile.code).toBe(7);

    const noDomain = await runCli(['check', '--signfile', signfilePath]);
    expect(noDomain.code).toBe(2);
    expect(noDomain.stderr).toContain('No domain given.');
  });
});
