/**
 * Files as Windows tools and editors write them: a UTF-8 byte-order mark and CRLF line ends
 * in every file acmapi reads (acmapi.json, the signfile, the CSR, the key, the --ca-file
 * bundle, the store's state.json) are accepted; UTF-16 (Windows PowerShell 5's `>`), which
 * would change what acmapi reads, fails naming the file and the fix. The built `acmapi`
 * against the HTTPS sandbox, whose signfile check a real nginx answers; keys and CSRs by openssl.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runOpenssl } from '@acmapi/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonOutput, runCli } from './cli-harness.js';
import { SIGNFILE, startWorld } from './fixtures.js';
import type { World, WorldSandbox } from './fixtures.js';
import { expectVerifiedFolder } from './pki-checks.js';

let world: World;
let ca: WorldSandbox;

beforeAll(async () => {
  world = await startWorld();
  ca = await world.sandbox();
});

afterAll(async () => {
  await world.stop();
});

/** As a Windows editor saves it: a UTF-8 byte-order mark, CRLF line ends. */
function windows(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8')]);
}

/** As Windows PowerShell 5's `>` saves it: UTF-16LE with its byte-order mark, CRLF line ends. */
function powershell(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf16le')]);
}

describe('files written by Windows tools', () => {
  it('a BOM and CRLF in acmapi.json, the signfile, the CSR, the key, the CA bundle and state.json are accepted', async () => {
    const project = join(world.temp.path, 'bom-crlf');
    await mkdir(project);
    await runOpenssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=win.acmapi.test',
      '-addext', 'subjectAltName=DNS:win.acmapi.test', '-keyout', 'key.lf.pem', '-out', 'csr.lf.pem'], { cwd: project });
    await writeFile(join(project, 'key.pem'), windows(await readFile(join(project, 'key.lf.pem'), 'utf8')));
    await writeFile(join(project, 'csr.pem'), windows(await readFile(join(project, 'csr.lf.pem'), 'utf8')));
    await writeFile(join(project, 'ca.pem'), windows(await readFile(ca.rootPath, 'utf8')));
    await writeFile(join(project, 'signfile'), windows(`${SIGNFILE.content}\n`));
    await writeFile(join(project, 'acmapi.json'), windows(`${JSON.stringify({
      endpoint: ca.sandbox.url,
      customerId: ca.customerId,
      defaults: { storeDir: 'store' },
      signfile: { name: SIGNFILE.name, path: 'signfile' },
      certificates: [{ name: 'win', domains: ['win.acmapi.test'], csr: 'csr.pem', key: 'key.pem' }],
    }, null, 2)}\n`));
    const env = { ACMAPI_AUTH_TOKEN: ca.token, ACMAPI_CA_FILE: join(project, 'ca.pem') };
    const preflight = ['--preflight', 'strict', '--resolve', 'win.acmapi.test:127.0.0.1', '--http-port', String(world.nginx.port)];
    const run = await runCli(['issue', 'win', '--json', ...preflight], env, project);
    expect(run.code, run.stderr).toBe(0);
    const dir = join(project, 'store', 'win');
    expect(parseJsonOutput(run)).toMatchObject({ status: 'issued', name: 'win' });
    await expectVerifiedFolder(dir, ca.rootPath);
    // The key kept is the key given (openssl compares the public keys).
    const given = await runOpenssl(['pkey', '-in', join(project, 'key.lf.pem'), '-pubout']);
    const kept = await runOpenssl(['pkey', '-in', join(dir, 'privkey.pem'), '-pubout']);
    expect(kept.stdout).toBe(given.stdout);

    // Someone opened state.json in an editor that saved it with a BOM and CRLF.
    await writeFile(join(dir, 'state.json'), windows(await readFile(join(dir, 'state.json'), 'utf8')));
    const listed = await runCli(['list', '--json'], {}, project);
    expect(listed.code, listed.stderr).toBe(0);
    expect(parseJsonOutput(listed)).toMatchObject({ certificates: [{ name: 'win', state: 'valid' }] });
    const renewed = await runCli(['renew', 'win', '--json'], env, project);
    expect(renewed.code, renewed.stderr).toBe(0);
    expect(parseJsonOutput(renewed)).toMatchObject({ certificates: [{ name: 'win', status: 'not-due' }] });
  });

  it('a UTF-16 acmapi.json fails naming the file and how to save it as UTF-8', async () => {
    const project = join(world.temp.path, 'utf16-config');
    await mkdir(project);
    await writeFile(join(project, 'acmapi.json'), powershell(JSON.stringify({ endpoint: ca.sandbox.url, certificates: [{ name: 'u', domains: ['u.acmapi.test'] }] })));
    const run = await runCli(['issue', 'u'], { ACMAPI_AUTH_TOKEN: ca.token, ACMAPI_CUSTOMER_ID: ca.customerId }, project);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('acmapi.json');
    expect(run.stderr).toContain('UTF-16LE');
    expect(run.stderr).toMatch(/UTF-8/);
  });

  it('a UTF-16 signfile (its served bytes would differ from the token) fails before anything is sent', async () => {
    const project = join(world.temp.path, 'utf16-signfile');
    await mkdir(project);
    await writeFile(join(project, 'signfile'), powershell(`${SIGNFILE.content}\n`));
    const before = ca.sandbox.requests.length;
    const run = await runCli(['issue', '-d', 'utf16.acmapi.test', '--out', join(project, 'store'), '--signfile', join(project, 'signfile'), '--webroot', join(project, 'www')], ca.env, project);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('UTF-16LE');
    expect(run.stderr).toContain('would differ');
    expect(ca.sandbox.requests.length).toBe(before);
  });
});
