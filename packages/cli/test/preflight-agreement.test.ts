/**
 * ONE table of real server setups on loopback (a real nginx, plus a server that
 * never answers), each run through BOTH core's `preflight()` and the sandbox's own
 * signfile validator (a real application to an in-process sandbox with the same
 * resolve map and ports): they must agree with each other and with the verdict
 * written in the table (spec §5: a domain passes when every address the CA could
 * pick serves the signfile on some allowed scheme).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { join } from 'node:path';
import { generateKeyAndCsr } from '@acmapi/core';
import { preflight } from '@acmapi/core/preflight';
import type { PreflightFailureKind, SignfileContentKind } from '@acmapi/core/preflight';
import { startSandbox } from '@acmapi/sandbox';
import { freePort, makeTempDir, runOpenssl, startNginx } from '@acmapi/test-utils';
import type { NginxServer, TempDir } from '@acmapi/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TOKEN = 'agreement-token-3f9a1c';
const MULTI_LINE_TOKEN = 'agreement-line-one-7d2\nagreement-line-two-7d2';
const SIGNFILE_PATH = '/.well-known/pki-validation/signfile';
/** Short limits, the same in both validators, so the silent server fails fast in both. */
const LIMITS = { connectTimeoutMs: 1_500, headersTimeoutMs: 1_500, bodyTimeoutMs: 1_500 };
const V4 = ['127.0.0.1'];
const DUAL = ['127.0.0.1', '::1'];

/** One row of the table. */
interface AgreementCase {
  readonly name: string;
  readonly domain: string;
  /** The verdict spec §5 asks for. */
  readonly pass: boolean;
  /** Addresses per host (the domain and any redirect target), the same for both validators. */
  readonly resolve: Readonly<Record<string, readonly string[]>>;
  /** nginx `server { }` blocks (plain http on the main port) for this case; `{{port}}` and `{{https}}` are replaced. */
  readonly nginx: string;
  /** The token the CA expects. @default TOKEN */
  readonly token?: string;
  /** Connect to the server that never answers instead of nginx. */
  readonly silent?: boolean;
  /** For a failing row: why the preflight says it fails. */
  readonly failure?: PreflightFailureKind;
  /** For a passing row: what the preflight says of the body. */
  readonly content?: SignfileContentKind;
}

let temp: TempDir;
let nginx: NginxServer;
let httpsPort: number;
let silent: { server: Server; port: number; sockets: Set<Socket> };

const served = (content: string = TOKEN): Record<string, string> => ({ '.well-known/pki-validation/signfile': content });

/** The webroots (name → files); `{{root:NAME}}` in a case's nginx blocks is its path. */
const ROOTS: Readonly<Record<string, Record<string, string>>> = {
  empty: {},
  good: served(),
  contained: served(`# platform signfile\n${TOKEN}\n# end\n`),
  bom: served(`\uFEFF${TOKEN}`),
  // The token first, then more than both sides' 64 KiB body cap.
  big: served(`${TOKEN}\n${'x'.repeat(70_000)}`),
  crlf: served(`${MULTI_LINE_TOKEN.replaceAll('\n', '\r\n')}\r\n`),
  lf: served(`${MULTI_LINE_TOKEN}\n`),
  html: { 'index.html': '<!doctype html><html><body><h1>Welcome</h1></body></html>' },
};

function plain(domain: string, body: string, ipv6 = false): string {
  return `server { listen 127.0.0.1:{{port}}; ${ipv6 ? 'listen [::1]:{{port}};' : ''} server_name ${domain}; ${body} }`;
}

function tls(domain: string, body: string): string {
  return `server { listen 127.0.0.1:{{https}} ssl; server_name ${domain}; ssl_certificate {{cert}}; ssl_certificate_key {{key}}; ${body} }`;
}

/** `count` redirects through /hop/1…/hop/count, then the token. */
function hops(count: number): string {
  // Relative Locations as sent; nginx would otherwise add its real port to them.
  const lines = ['absolute_redirect off;', `location = ${SIGNFILE_PATH} { return 302 /hop/1; }`];
  for (let i = 1; i < count; i++) lines.push(`location = /hop/${i} { return 302 /hop/${i + 1}; }`);
  lines.push(`location = /hop/${count} { return 200 "${TOKEN}"; }`);
  return lines.join(' ');
}

/** THE table. */
const CASES: readonly AgreementCase[] = [
  { name: 'file served over http', domain: 'served.agree.test', pass: true, resolve: { 'served.agree.test': V4 }, nginx: plain('served.agree.test', `root {{root:good}};`), content: 'exact' },
  { name: 'token inside other text', domain: 'contained.agree.test', pass: true, resolve: { 'contained.agree.test': V4 }, nginx: plain('contained.agree.test', `root {{root:contained}};`), content: 'contained' },
  { name: '404 on http and https', domain: 'missing.agree.test', pass: false, resolve: { 'missing.agree.test': V4 }, nginx: plain('missing.agree.test', `root {{root:empty}};`), failure: 'http-status' },
  {
    name: 'http→https, https serves',
    domain: 'tohttps.agree.test',
    pass: true,
    resolve: { 'tohttps.agree.test': V4 },
    nginx: `${plain('tohttps.agree.test', 'return 301 https://$host$request_uri;')} ${tls('tohttps.agree.test', `root {{root:good}};`)}`,
  },
  {
    name: 'http 404, https serves (either scheme will do)',
    domain: 'httpsonly.agree.test',
    pass: true,
    resolve: { 'httpsonly.agree.test': V4 },
    nginx: `${plain('httpsonly.agree.test', `root {{root:empty}};`)} ${tls('httpsonly.agree.test', `root {{root:good}};`)}`,
  },
  {
    name: 'apex→www, www serves',
    domain: 'apex.agree.test',
    pass: true,
    resolve: { 'apex.agree.test': V4, 'www.apex.agree.test': V4 },
    nginx: `${plain('apex.agree.test', 'return 301 http://www.apex.agree.test$request_uri;')} ${plain('www.apex.agree.test', `root {{root:good}};`)}`,
  },
  {
    name: 'redirect to :8443 (not an allowed port)',
    domain: 'to8443.agree.test',
    pass: false,
    resolve: { 'to8443.agree.test': V4 },
    nginx: `${plain('to8443.agree.test', 'return 302 https://$host:8443$request_uri;')} ${tls('to8443.agree.test', `root {{root:empty}};`)}`,
    failure: 'redirect-not-allowed',
  },
  {
    name: 'http→https→http loop',
    domain: 'loop.agree.test',
    pass: false,
    resolve: { 'loop.agree.test': V4 },
    nginx: `${plain('loop.agree.test', 'return 301 https://$host$request_uri;')} ${tls('loop.agree.test', 'return 301 http://$host$request_uri;')}`,
    failure: 'redirect-loop',
  },
  {
    name: 'redirect that lost its slash (Apache "Redirect / https://host")',
    domain: 'lostslash.agree.test',
    pass: false,
    resolve: { 'lostslash.agree.test': V4 },
    nginx: plain('lostslash.agree.test', 'rewrite ^/(.*)$ https://lostslash.agree.test$1 permanent;'),
    failure: 'redirect-not-allowed',
  },
  { name: 'the token first in a 70 KB answer (over the body cap)', domain: 'big.agree.test', pass: false, resolve: { 'big.agree.test': V4 }, nginx: plain('big.agree.test', `root {{root:big}};`), failure: 'body-too-large' },
  { name: 'byte-order mark before the token', domain: 'bom.agree.test', pass: true, resolve: { 'bom.agree.test': V4 }, nginx: plain('bom.agree.test', `root {{root:bom}};`), content: 'bom' },
  {
    name: 'multi-line token served with CRLF line ends',
    domain: 'crlf.agree.test',
    pass: false,
    token: MULTI_LINE_TOKEN,
    resolve: { 'crlf.agree.test': V4 },
    nginx: plain('crlf.agree.test', `root {{root:crlf}};`),
    failure: 'content-mismatch',
  },
  {
    name: 'multi-line token served with LF line ends',
    domain: 'lf.agree.test',
    pass: true,
    token: MULTI_LINE_TOKEN,
    resolve: { 'lf.agree.test': V4 },
    nginx: plain('lf.agree.test', `root {{root:lf}};`),
  },
  {
    name: 'an HTML page (SPA fallback) instead of the file',
    domain: 'html.agree.test',
    pass: false,
    resolve: { 'html.agree.test': V4 },
    nginx: plain('html.agree.test', `root {{root:html}}; location / { try_files /index.html =404; }`),
    failure: 'content-mismatch',
  },
  {
    name: '303 See Other (not followed)',
    domain: 'seeother.agree.test',
    pass: false,
    resolve: { 'seeother.agree.test': V4, 'served.agree.test': V4 },
    nginx: plain('seeother.agree.test', `return 303 http://served.agree.test${SIGNFILE_PATH};`),
    failure: 'redirect-not-allowed',
  },
  { name: '10 redirects (the most followed)', domain: 'tenhops.agree.test', pass: true, resolve: { 'tenhops.agree.test': V4 }, nginx: plain('tenhops.agree.test', hops(10)) },
  { name: '11 redirects (too many)', domain: 'elevenhops.agree.test', pass: false, resolve: { 'elevenhops.agree.test': V4 }, nginx: plain('elevenhops.agree.test', hops(11)), failure: 'too-many-redirects' },
  { name: 'a server that accepts and never answers', domain: 'silent.agree.test', pass: false, resolve: { 'silent.agree.test': V4 }, nginx: '', silent: true, failure: 'timeout' },
  {
    name: 'IPv6 ::1 answers 404 while 127.0.0.1 serves',
    domain: 'v6.agree.test',
    pass: false,
    resolve: { 'v6.agree.test': DUAL },
    nginx: `server { listen 127.0.0.1:{{port}}; server_name v6.agree.test; root {{root:good}}; } server { listen [::1]:{{port}}; server_name v6.agree.test; root {{root:empty}}; }`,
    failure: 'http-status',
  },
  { name: 'both 127.0.0.1 and ::1 serve', domain: 'dual.agree.test', pass: true, resolve: { 'dual.agree.test': DUAL }, nginx: plain('dual.agree.test', `root {{root:good}};`, true) },
  {
    // Regression: the sandbox answered the https hop of ::1 from 127.0.0.1 (it re-resolved
    // the same host and took the first address), so a broken IPv6 https passed.
    name: 'http→https on both addresses, https refused on ::1',
    domain: 'v6https.agree.test',
    pass: false,
    resolve: { 'v6https.agree.test': DUAL },
    nginx: `${plain('v6https.agree.test', 'return 301 https://$host$request_uri;', true)} ${tls('v6https.agree.test', `root {{root:good}};`)}`,
    failure: 'connection-refused',
  },
];

beforeAll(async () => {
  temp = await makeTempDir('acmapi-agreement-');
  const key = join(temp.path, 'site.key');
  const cert = join(temp.path, 'site.pem');
  await runOpenssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=agree.test']);
  httpsPort = await freePort();
  const rootPath = (name: string): string => join(temp.path, 'roots', name);
  for (const [name, files] of Object.entries(ROOTS)) {
    await mkdir(join(rootPath(name), '.well-known', 'pki-validation'), { recursive: true });
    for (const [path, content] of Object.entries(files)) await writeFile(join(rootPath(name), path), content);
  }
  const defaultTls = `server { listen 127.0.0.1:{{https}} ssl default_server; server_name _; ssl_certificate {{cert}}; ssl_certificate_key {{key}}; root {{root:empty}}; }`;
  const blocks = [defaultTls, ...CASES.map((c) => c.nginx)].join('\n');
  nginx = await startNginx({
    webroot: rootPath('empty'),
    ipv6: true,
    httpConfig: blocks
      .replaceAll('{{https}}', String(httpsPort))
      .replaceAll('{{cert}}', cert)
      .replaceAll('{{key}}', key)
      .replace(/\{\{root:(\w+)\}\}/g, (_match, name: string) => rootPath(name)),
  });
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    // Accept and hold: neither TLS nor HTTP ever gets an answer.
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  silent = { server, port: (server.address() as AddressInfo).port, sockets };
});

afterAll(async () => {
  for (const socket of silent.sockets) socket.destroy();
  await new Promise((resolve) => silent.server.close(resolve));
  await nginx.stop();
  await temp.cleanup();
});

/** Ports both validators connect to for one case. */
function portsOf(c: AgreementCase): { httpPort: number; httpsPort: number } {
  return c.silent === true ? { httpPort: silent.port, httpsPort: silent.port } : { httpPort: nginx.port, httpsPort };
}

/** The sandbox's verdict: a real application; 0 is a pass, 107 naming the domain a fail. */
async function sandboxVerdict(c: AgreementCase): Promise<{ pass: boolean; detail: string }> {
  const token = c.token ?? TOKEN;
  const sandbox = await startSandbox({
    tls: false,
    customers: [{ customerId: 'agree', authToken: 'agree-secret-token', signfile: { name: 'signfile', content: token } }],
    validation: {
      resolve: Object.fromEntries(Object.entries(c.resolve).map(([domain, addresses]) => [domain, [...addresses]])),
      // Hosts outside the map go nowhere, as NXDOMAIN would.
      defaultAddresses: ['127.0.0.9'],
      ...portsOf(c),
      ...LIMITS,
    },
  });
  try {
    const { csrPem } = await generateKeyAndCsr({ domains: [c.domain] });
    const response = await fetch(sandbox.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ customer_id: 'agree', auth_token: 'agree-secret-token', req_type: 'cert_apply', domain_name: [c.domain], csr: csrPem }),
    });
    const answer = (await response.json()) as { status?: unknown; other_msg?: unknown };
    const detail = (sandbox.requests.at(-1)?.detail ?? []).join(' | ');
    if (answer.status === 0) return { pass: true, detail };
    if (answer.status === 107 && answer.other_msg === c.domain) return { pass: false, detail };
    throw new Error(`unexpected sandbox answer ${JSON.stringify(answer)} (${detail})`);
  } finally {
    await sandbox.close();
  }
}

describe('preflight and the sandbox validator agree (one table)', () => {
  it('names every case once', () => {
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const result = await preflight({
      domains: [c.domain],
      signfile: { name: 'signfile', content: c.token ?? TOKEN },
      resolve: Object.entries(c.resolve).map(([domain, addresses]) => ({ domain, addresses })),
      ...portsOf(c),
      ...LIMITS,
    });
    const sandbox = await sandboxVerdict(c);
    const domain = result.domains[0];
    const why = `preflight: ${domain?.failure?.message ?? 'pass'}\nsandbox: ${sandbox.detail}`;
    expect(result.ok, why).toBe(c.pass);
    expect(sandbox.pass, why).toBe(c.pass);
    // Every address was checked, the same ones the sandbox checked.
    expect(domain?.addresses.map((a) => a.address)).toEqual(c.resolve[c.domain]);
    if (c.failure !== undefined) expect(domain?.failure?.kind, why).toBe(c.failure);
    if (c.content !== undefined) {
      const kinds = domain?.addresses.flatMap((a) => a.schemes.map((s) => s.content?.kind)).filter((k) => k !== undefined);
      expect(kinds).toContain(c.content);
    }
  });
});
