// The preflight against the REAL nginx on loopback: each domain below is a
// server block reproducing a configuration that makes the CA answer 107.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, makeTempDir, runOpenssl, startNginx } from '@acmapi/test-utils';
import type { NginxServer, TempDir } from '@acmapi/test-utils';
import { deployWebroot } from '../src/deploy/index.js';
import type { DeployWebrootResult } from '../src/deploy/index.js';
import { preflight } from '../src/preflight/index.js';
import type { DomainPreflight, PreflightOptions, PreflightResolver } from '../src/preflight/index.js';

const token = `acmapi test signfile\ncustomer 4711\n${'7f3a9c1e2b4d6f80'.repeat(2)}`;
const signfile = { name: 'signfile', content: token };
const path = '/.well-known/pki-validation/signfile';

/** No test reaches real DNS: every name not overridden does not exist. */
const noDns: PreflightResolver = {
  resolve4: () => Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' })),
  resolve6: () => Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' })),
};

/** Fails loudly (never skips) when the machine has no IPv6 loopback. */
function assertIpv6Loopback(): void {
  const out = execFileSync('ip', ['-6', 'addr', 'show', 'lo'], { encoding: 'utf8' });
  if (!out.includes('::1')) {
    throw new Error('The IPv6 loopback ::1 is not configured; the AAAA preflight test needs it. Enable it: sysctl -w net.ipv6.conf.lo.disable_ipv6=0');
  }
}

let dir: TempDir;
let nginx: NginxServer;
let httpsPort: number;
let served: DeployWebrootResult;
let wrongDeploy: string;

beforeAll(async () => {
  assertIpv6Loopback();
  dir = await makeTempDir('acmapi-preflight-nginx-');
  const root = (name: string): string => join(dir.path, name);
  for (const name of ['served', 'wrong-served', 'wrong-deploy', 'bom', 'crlf', 'v6-empty', 'tls']) await mkdir(root(name));
  const cert = join(root('tls'), 'cert.pem');
  const key = join(root('tls'), 'key.pem');
  await runOpenssl([
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-subj', '/CN=example.test', '-addext', 'subjectAltName=DNS:example.test,DNS:*.example.test,DNS:*.test',
    '-keyout', key, '-out', cert,
  ]);
  // The signfile as acmapi deploys it (exact bytes), and as people break it.
  served = await deployWebroot(root('served'), signfile);
  for (const [name, bytes] of [
    ['bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(token)])],
    ['crlf', Buffer.from(token.replaceAll('\n', '\r\n'))],
  ] as const) {
    await mkdir(join(root(name), '.well-known', 'pki-validation'), { recursive: true });
    await writeFile(join(root(name), '.well-known', 'pki-validation', 'signfile'), bytes);
  }
  wrongDeploy = root('wrong-deploy');

  httpsPort = await freePort();
  // One http and one https server block per name; {{port}} is the main (http) port.
  const both = (names: string, http: string, https = http): string => `
    server { listen 127.0.0.1:{{port}}; server_name ${names}; ${http} }
    server { listen 127.0.0.1:${httpsPort} ssl; server_name ${names}; ${https} }`;
  const html = `location / { default_type text/html; return 200 '<!DOCTYPE html><html><head><title>Shop</title></head><body>Welcome</body></html>'; }`;
  nginx = await startNginx({
    webroot: root('served'),
    httpConfig: `
      ssl_certificate ${cert};
      ssl_certificate_key ${key};
      server { listen 127.0.0.1:${httpsPort} ssl default_server; server_name _; root ${root('served')}; }
      ${both('wrong.test', `root ${root('wrong-served')};`)}
      ${both('redirect.test', 'return 301 https://$host$request_uri;', `root ${root('served')};`)}
      ${both('example.test', 'return 301 http://www.example.test$request_uri;', 'return 301 https://www.example.test$request_uri;')}
      ${both('port.test', 'return 302 https://port.test:8443$request_uri;')}
      ${both('loop.test', 'return 302 https://$host$request_uri;', 'return 302 http://$host$request_uri;')}
      ${both('slash.test', 'return 301 https://slash.test.well-known/pki-validation/signfile;')}
      ${both('bom.test', `root ${root('bom')};`)}
      ${both('crlf.test', `root ${root('crlf')};`)}
      ${both('html.test', html)}
      server { listen [::1]:{{port}}; server_name v6.test; root ${root('v6-empty')}; }
      server { listen [::1]:${httpsPort} ssl; server_name v6.test; root ${root('v6-empty')}; }
    `,
  });
}, 60_000);

afterAll(async () => {
  await served.remove();
  await nginx.stop();
  await dir.cleanup();
});

const local = ['served.test', 'wrong.test', 'redirect.test', 'example.test', 'www.example.test', 'port.test', 'loop.test', 'slash.test', 'bom.test', 'crlf.test', 'html.test'];

async function check(domain: string, extra: Partial<PreflightOptions> = {}): Promise<DomainPreflight> {
  const result = await preflight({
    domains: [domain],
    signfile,
    resolve: [...local.map((name) => ({ domain: name, addresses: ['127.0.0.1'] })), { domain: 'v6.test', addresses: ['127.0.0.1', '::1'] }],
    httpPort: nginx.port,
    httpsPort,
    resolver: noDns,
    connectTimeoutMs: 2_000,
    headersTimeoutMs: 2_000,
    bodyTimeoutMs: 2_000,
    ...extra,
  });
  expect(result.domains).toHaveLength(1);
  const [only] = result.domains;
  if (only === undefined) throw new Error('no domain result');
  expect(result.ok).toBe(only.ok);
  return only;
}

describe('preflight against real nginx', () => {
  it('file served: passes on http and https, reports the self-signed certificate without failing', async () => {
    const result = await check('served.test');
    expect(result.ok).toBe(true);
    const [address] = result.addresses;
    expect(address?.schemes.map((s) => [s.scheme, s.ok, s.content?.kind])).toEqual([['http', true, 'exact'], ['https', true, 'exact']]);
    const httpsHop = address?.schemes[1]?.hops[0];
    expect(httpsHop).toMatchObject({ url: `https://served.test${path}`, address: '127.0.0.1', port: httpsPort, status: 200 });
    expect(httpsHop?.tls).toEqual({ valid: false, error: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(httpsHop?.cdnHeaders.server).toMatch(/^nginx/);
    expect(result.warnings.some((w) => w.includes('TLS certificate of served.test is not valid'))).toBe(true);
  });

  it('wrong webroot: 404, and the message shows the local path written and the URL fetched', async () => {
    const deployed = await deployWebroot(wrongDeploy, signfile);
    try {
      const result = await check('wrong.test', { webroot: wrongDeploy });
      expect(result.ok).toBe(false);
      expect(result.failure?.kind).toBe('http-status');
      expect(result.failure?.status).toBe(404);
      expect(result.failure?.message).toContain(deployed.path);
      expect(result.failure?.message).toContain(`http://wrong.test${path}`);
      expect(result.failure?.hint).toContain('webroot is wrong');
    } finally {
      await deployed.remove();
    }
  });

  it('http → https redirect: passes through the redirect', async () => {
    const result = await check('redirect.test');
    expect(result.ok).toBe(true);
    const http = result.addresses[0]?.schemes[0];
    expect(http?.hops.map((hop) => [hop.url, hop.status])).toEqual([[`http://redirect.test${path}`, 301], [`https://redirect.test${path}`, 200]]);
    expect(http?.hops[1]?.port).toBe(httpsPort);
  });

  it('apex → www redirect: resolves the other host through the overrides and passes', async () => {
    const result = await check('example.test');
    expect(result.ok).toBe(true);
    expect(result.addresses[0]?.schemes[0]?.hops.map((hop) => hop.url)).toEqual([`http://example.test${path}`, `http://www.example.test${path}`]);
  });

  it('redirect to port 8443: fails, naming the port, on both schemes', async () => {
    const result = await check('port.test');
    expect(result.ok).toBe(false);
    for (const scheme of result.addresses[0]?.schemes ?? []) {
      expect(scheme.failure?.kind).toBe('redirect-not-allowed');
      expect(scheme.failure?.redirect).toMatchObject({ reason: 'port', port: 8443 });
      expect(scheme.failure?.message).toContain('port 8443 is not allowed');
      // Refused before connecting: only the first request was made.
      expect(scheme.hops).toHaveLength(1);
    }
  });

  it('redirect loop: fails as redirect-loop', async () => {
    const result = await check('loop.test');
    expect(result.ok).toBe(false);
    expect(result.addresses[0]?.schemes.map((s) => s.failure?.kind)).toEqual(['redirect-loop', 'redirect-loop']);
    expect(result.failure?.message).toContain('redirects in a loop');
  });

  it('Apache-style redirect that lost its slash: fails, named', async () => {
    const result = await check('slash.test');
    expect(result.ok).toBe(false);
    expect(result.failure?.redirect).toMatchObject({ reason: 'lost-slash', location: 'https://slash.test.well-known/pki-validation/signfile' });
    expect(result.failure?.message).toContain('lost the slash');
  });

  it('byte-order mark: passes by containment, named as a warning', async () => {
    const result = await check('bom.test');
    expect(result.ok).toBe(true);
    expect(result.addresses[0]?.schemes[0]?.content?.kind).toBe('bom');
    expect(result.warnings.some((w) => w.includes('(bom)'))).toBe(true);
  });

  it('CRLF line ends of a multi-line signfile: fails, named crlf', async () => {
    const result = await check('crlf.test');
    expect(result.ok).toBe(false);
    expect(result.failure?.kind).toBe('content-mismatch');
    expect(result.failure?.content?.kind).toBe('crlf');
    expect(result.failure?.content?.excerpt).toContain('\\r\\n');
  });

  it('an HTML page instead of the token: fails, named html, with an excerpt', async () => {
    const result = await check('html.test');
    expect(result.ok).toBe(false);
    expect(result.failure?.content?.kind).toBe('html');
    expect(result.failure?.message).toContain('<!DOCTYPE html>');
  });

  it('A address serves the file, AAAA (::1) answers 404: fails and names ::1', async () => {
    const result = await check('v6.test');
    expect(result.ok).toBe(false);
    expect(result.addresses.map((a) => [a.address, a.family, a.ok])).toEqual([['127.0.0.1', 4, true], ['::1', 6, false]]);
    expect(result.failure?.address).toBe('::1');
    expect(result.failure?.status).toBe(404);
    expect(result.failure?.message).toContain('[::1]');
    expect(result.failure?.message).toContain('while 127.0.0.1 passes');
  });
});
