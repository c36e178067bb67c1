/**
 * A corporate TLS-inspecting proxy: the built `acmapi` with HTTPS_PROXY pointing at a real
 * CONNECT proxy on loopback that re-signs every connection with its own CA. Untrusted, the
 * error names the proxy and the trust settings acmapi honours; trusted through
 * NODE_EXTRA_CA_CERTS or ACMAPI_CA_FILE, the certificate is issued; NO_PROXY goes around it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startInterceptingProxy } from '@acmapi/test-utils';
import type { InterceptingProxy } from '@acmapi/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-harness.js';
import { startWorld } from './fixtures.js';
import type { World, WorldSandbox } from './fixtures.js';

let world: World;
let ca: WorldSandbox;
let mitm: InterceptingProxy;
let proxyCaPath: string;

beforeAll(async () => {
  world = await startWorld();
  ca = await world.sandbox();
  mitm = await startInterceptingProxy({ upstreamCa: ca.sandbox.caCertificates.rootPem });
  proxyCaPath = join(world.temp.path, 'corp-inspection-ca.pem');
  await writeFile(proxyCaPath, mitm.caPem);
});

afterAll(async () => {
  await mitm.close();
  await world.stop();
});

const endpointHost = (): string => new URL(ca.sandbox.url).host;

describe('acmapi behind a TLS-intercepting proxy (HTTPS_PROXY)', () => {
  it('untrusted: fails before sending anything, naming the proxy and every trust setting acmapi honours', async () => {
    mitm.intercepted.length = 0;
    const run = await runCli(['issue', '-d', 'www.acmapi.test', '--out', join(world.temp.path, 'untrusted')], { ...ca.env, HTTPS_PROXY: mitm.url });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`through the proxy ${mitm.url}`);
    for (const setting of ['NODE_EXTRA_CA_CERTS', '--ca-file', 'ACMAPI_CA_FILE', 'NO_PROXY', "proxy's CA certificate"]) expect(run.stderr).toContain(setting);
    expect(mitm.intercepted).toStrictEqual([endpointHost()]);
  });

  it('trusted by NODE_EXTRA_CA_CERTS (added to ACMAPI_CA_FILE\'s roots): issues through the proxy', async () => {
    mitm.intercepted.length = 0;
    const run = await runCli(['issue', '-d', 'www.acmapi.test', '--out', join(world.temp.path, 'extra')], { ...ca.env, HTTPS_PROXY: mitm.url, NODE_EXTRA_CA_CERTS: proxyCaPath });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(mitm.intercepted).toStrictEqual([endpointHost()]);
  });

  it('trusted by NODE_EXTRA_CA_CERTS alone (Node\'s default roots): issues through the proxy', async () => {
    mitm.intercepted.length = 0;
    const env = Object.fromEntries(Object.entries(ca.env).filter(([name]) => name !== 'ACMAPI_CA_FILE'));
    const run = await runCli(['issue', '-d', 'www.acmapi.test', '--out', join(world.temp.path, 'extra-only')], { ...env, HTTPS_PROXY: mitm.url, NODE_EXTRA_CA_CERTS: proxyCaPath });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(mitm.intercepted).toStrictEqual([endpointHost()]);
  });

  it('trusted by --ca-file with the proxy\'s CA: issues through the proxy', async () => {
    mitm.intercepted.length = 0;
    const run = await runCli(['issue', '-d', 'www.acmapi.test', '--out', join(world.temp.path, 'ca-file'), '--ca-file', proxyCaPath], { ...ca.env, HTTPS_PROXY: mitm.url });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(mitm.intercepted).toStrictEqual([endpointHost()]);
  });

  it('NO_PROXY naming the endpoint\'s host goes around the proxy', async () => {
    mitm.intercepted.length = 0;
    const run = await runCli(['issue', '-d', 'www.acmapi.test', '--out', join(world.temp.path, 'no-proxy')], { ...ca.env, HTTPS_PROXY: mitm.url, NO_PROXY: new URL(ca.sandbox.url).hostname });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(mitm.intercepted).toStrictEqual([]);
  });
});
