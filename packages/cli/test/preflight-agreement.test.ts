/**
 * ONE table of real server setups on loopback (a real nginx, a server that never
 * answers, and real DNS servers: Knot DNS from @acmapi/test-dns, plus one that never
 * answers, and unbound validating the zones Knot signs), each run through BOTH core's `preflight()` and the sandbox's own checks (a
 * real application to an in-process sandbox with the same resolve map or DNS servers and
 * ports): they must agree with each other and with the verdict written in the table
 * (spec §5: a domain passes when every address the CA could pick serves the signfile on
 * some allowed scheme; §7: CAA, DNS, perspectives, the token in the URL).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { join } from 'node:path';
import { generateKeyAndCsr } from '@acmapi/core';
import { preflight } from '@acmapi/core/preflight';
import type { PreflightFailureKind, SignfileContentKind } from '@acmapi/core/preflight';
import { startSandbox } from '@acmapi/sandbox';
import type { SandboxPerspectiveOptions } from '@acmapi/sandbox';
import { startDnsServer, startSilentDnsServer, startValidatingResolver } from '@acmapi/test-dns';
import type { DnsServer, RecordSet, ValidatingResolver } from '@acmapi/test-dns';
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
/** The sandbox's CAA identity and this customer's RFC 8657 account URI, given to the preflight too. */
const CAA_IDENTITY = 'sandbox.acmapi.test';
const ACCOUNT_URI = 'https://sandbox.acmapi.test/customer/agree';
/** One DNS query's limit on both sides, so that the silent server fails fast. */
const DNS_TIMEOUT_MS = 400;

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
  /**
   * Names are looked up in DNS, not in `resolve`: `main` (Knot DNS with {@link DNS_RECORDS}),
   * `silent` (a server that never answers), or `split` (the CA's primary and the preflight's
   * first server are `main`, an `outside` server answers differently; see `outsidePerspectives`),
   * or `validating` (unbound validating DNSSEC in front of `main`, whose signed zones it trusts
   * through their trust anchors, one of them wrong: BR 3.2.2.8).
   */
  readonly dns?: 'main' | 'silent' | 'split' | 'validating';
  /** For `split`: how many of the CA's 5 remote perspectives ask the outside server. */
  readonly outsidePerspectives?: number;
  /** The sandbox's answer for a failing row: 107 (validation) or 109 (CAA refusal). @default 107 */
  readonly sandboxStatus?: 107 | 109;
  /** The signfile's name. @default "signfile" */
  readonly signfileName?: string;
  /** For a DNS row: the addresses the preflight must have found. */
  readonly addresses?: readonly string[];
}

let temp: TempDir;
let nginx: NginxServer;
let httpsPort: number;
let silent: { server: Server; port: number; sockets: Set<Socket> };
let dns: DnsServer;
/** Outside the split horizon: split.dns.agree.test points where nothing serves. */
let outside: DnsServer;
let silentDns: { address: string; close(): Promise<void> };
let validator: ValidatingResolver;

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
  // Issue 13: CAA (BR 3.2.2.8, RFC 8659, RFC 8657) and DNS through a real DNS server.
  { name: 'DNS: A record, no CAA up the tree', domain: 'plain.dns.agree.test', pass: true, dns: 'main', resolve: {}, nginx: plain('plain.dns.agree.test', `root {{root:good}};`), addresses: V4 },
  { name: 'CAA at the parent names this CA', domain: 'www.allow.dns.agree.test', pass: true, dns: 'main', resolve: {}, nginx: plain('www.allow.dns.agree.test', `root {{root:good}};`) },
  {
    name: 'CAA at the parent names another CA',
    domain: 'www.deny.dns.agree.test',
    pass: false,
    dns: 'main',
    resolve: {},
    nginx: plain('www.deny.dns.agree.test', `root {{root:good}};`),
    failure: 'caa-forbids',
    sandboxStatus: 109,
  },
  {
    name: 'CAA with a critical unknown tag',
    domain: 'critical.dns.agree.test',
    pass: false,
    dns: 'main',
    resolve: {},
    nginx: plain('critical.dns.agree.test', `root {{root:good}};`),
    failure: 'caa-critical-unknown-tag',
    sandboxStatus: 109,
  },
  { name: 'CAA accounturi of this account (RFC 8657)', domain: 'myaccount.dns.agree.test', pass: true, dns: 'main', resolve: {}, nginx: plain('myaccount.dns.agree.test', `root {{root:good}};`) },
  {
    name: 'CAA accounturi of another account (RFC 8657)',
    domain: 'otheraccount.dns.agree.test',
    pass: false,
    dns: 'main',
    resolve: {},
    nginx: plain('otheraccount.dns.agree.test', `root {{root:good}};`),
    failure: 'caa-forbids',
    sandboxStatus: 109,
  },
  {
    name: 'CAA validationmethods without acmapi-file (RFC 8657)',
    domain: 'methods.dns.agree.test',
    pass: false,
    dns: 'main',
    resolve: {},
    nginx: plain('methods.dns.agree.test', `root {{root:good}};`),
    failure: 'caa-forbids',
    sandboxStatus: 109,
  },
  {
    name: "CAA through a CNAME: the target's set forbids",
    domain: 'alias.dns.agree.test',
    pass: false,
    dns: 'main',
    resolve: {},
    nginx: plain('alias.dns.agree.test', `root {{root:good}};`),
    failure: 'caa-forbids',
    sandboxStatus: 109,
  },
  { name: 'CAA issuewild for another CA does not bind a plain name', domain: 'wild.dns.agree.test', pass: true, dns: 'main', resolve: {}, nginx: plain('wild.dns.agree.test', `root {{root:good}};`) },
  {
    name: 'SERVFAIL: never permission to issue',
    domain: 'www.broken.dns.agree.test',
    pass: false,
    dns: 'main',
    resolve: {},
    nginx: plain('www.broken.dns.agree.test', `root {{root:good}};`),
    failure: 'caa-lookup-failed',
    sandboxStatus: 109,
  },
  {
    name: 'a DNS server that never answers',
    domain: 'plain.dns.agree.test',
    pass: false,
    dns: 'silent',
    resolve: {},
    nginx: '',
    failure: 'caa-lookup-failed',
    sandboxStatus: 109,
  },
  { name: 'DNS: a CNAME chain to the A record', domain: 'chain.dns.agree.test', pass: true, dns: 'main', resolve: {}, nginx: plain('chain.dns.agree.test', `root {{root:good}};`), addresses: V4 },
  { name: 'DNS: only AAAA', domain: 'six.dns.agree.test', pass: true, dns: 'main', resolve: {}, nginx: plain('six.dns.agree.test', `root {{root:good}};`, true), addresses: ['::1'] },
  { name: 'DNS: NXDOMAIN', domain: 'missing.dns.agree.test', pass: false, dns: 'main', resolve: {}, nginx: '', failure: 'dns-no-such-name' },
  { name: 'DNS: the name exists without A or AAAA', domain: 'noaddr.dns.agree.test', pass: false, dns: 'main', resolve: {}, nginx: '', failure: 'dns-no-address' },
  {
    name: 'the signfile name contains the token (BR 3.2.2.4.18: not in the URL)',
    domain: 'served.agree.test',
    pass: false,
    resolve: { 'served.agree.test': V4 },
    nginx: '',
    signfileName: `sf-${TOKEN}`,
    failure: 'signfile-name-contains-token',
  },
  // BR 3.2.2.8 from 2026-03-15: CAA lookups are DNSSEC-validated (both sides ask unbound).
  { name: 'DNSSEC: a signed zone whose CAA names this CA', domain: 'www.signed.dns.agree.test', pass: true, dns: 'validating', resolve: {}, nginx: plain('www.signed.dns.agree.test', `root {{root:good}};`) },
  {
    name: 'DNSSEC: a bogus zone (the trust anchor names no key of it) SERVFAILs, never permission',
    domain: 'www.bogus.dns.agree.test',
    pass: false,
    dns: 'validating',
    resolve: {},
    nginx: plain('www.bogus.dns.agree.test', `root {{root:good}};`),
    failure: 'caa-lookup-failed',
    sandboxStatus: 109,
  },
  { name: 'DNSSEC: an unsigned zone is insecure, not bogus', domain: 'plain.dns.agree.test', pass: true, dns: 'validating', resolve: {}, nginx: '' },
  {
    // The preflight cannot stand where the CA's perspectives stand: given both DNS servers it
    // warns that they disagree; the CA tolerates one remote perspective that disagrees.
    name: 'split-horizon DNS, 1 of 5 CA perspectives outside',
    domain: 'split.dns.agree.test',
    pass: true,
    dns: 'split',
    outsidePerspectives: 1,
    resolve: {},
    nginx: plain('split.dns.agree.test', `root {{root:good}};`),
  },
  {
    // ... but not two (BR 3.2.2.9): the preflight's warning is the prediction of this refusal.
    name: 'split-horizon DNS, 2 of 5 CA perspectives outside',
    domain: 'split.dns.agree.test',
    pass: false,
    dns: 'split',
    outsidePerspectives: 2,
    resolve: {},
    nginx: '',
  },
];

/** The main DNS server's zone (`test`) for the DNS rows. */
const DNS_RECORDS: Readonly<Record<string, RecordSet>> = {
  'plain.dns.agree.test': { A: V4 },
  'allow.dns.agree.test': { CAA: [{ flags: 0, tag: 'issue', value: CAA_IDENTITY }] },
  'www.allow.dns.agree.test': { A: V4 },
  'deny.dns.agree.test': { CAA: [{ flags: 0, tag: 'issue', value: 'letsencrypt.org' }] },
  'www.deny.dns.agree.test': { A: V4 },
  'critical.dns.agree.test': { A: V4, CAA: [{ flags: 0, tag: 'issue', value: CAA_IDENTITY }, { flags: 128, tag: 'tbs', value: 'unknown' }] },
  'myaccount.dns.agree.test': { A: V4, CAA: [{ flags: 0, tag: 'issue', value: `${CAA_IDENTITY}; accounturi=${ACCOUNT_URI}` }] },
  'otheraccount.dns.agree.test': { A: V4, CAA: [{ flags: 0, tag: 'issue', value: `${CAA_IDENTITY}; accounturi=https://sandbox.acmapi.test/customer/someone-else` }] },
  'methods.dns.agree.test': { A: V4, CAA: [{ flags: 0, tag: 'issue', value: `${CAA_IDENTITY}; validationmethods=dns-01,http-01` }] },
  'alias.dns.agree.test': { CNAME: 'edge.dns.agree.test' },
  'edge.dns.agree.test': { A: V4, CAA: [{ flags: 0, tag: 'issue', value: 'other-ca.test' }] },
  'wild.dns.agree.test': { A: V4, CAA: [{ flags: 0, tag: 'issuewild', value: 'other-ca.test' }] },
  'www.broken.dns.agree.test': { A: V4 },
  'chain.dns.agree.test': { CNAME: 'hop.dns.agree.test' },
  'hop.dns.agree.test': { CNAME: 'plain.dns.agree.test' },
  'six.dns.agree.test': { AAAA: ['::1'] },
  'noaddr.dns.agree.test': { CAA: [{ flags: 0, tag: 'issue', value: CAA_IDENTITY }] },
  'split.dns.agree.test': { A: V4 },
  'signed.dns.agree.test': { CAA: [{ flags: 0, tag: 'issue', value: CAA_IDENTITY }] },
  'www.signed.dns.agree.test': { A: V4 },
  'bogus.dns.agree.test': { CAA: [{ flags: 0, tag: 'issue', value: CAA_IDENTITY }] },
  'www.bogus.dns.agree.test': { A: V4 },
};

/** Zones of the main DNS server that knotd signs. */
const SIGNED_ZONES = ['signed.dns.agree.test', 'bogus.dns.agree.test'];

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
  dns = await startDnsServer({ zones: ['test', ...SIGNED_ZONES], signed: SIGNED_ZONES });
  for (const [name, records] of Object.entries(DNS_RECORDS)) await dns.set(name, records);
  // The anchor of bogus.dns.agree.test has one digit of its digest changed: it names no key of the zone.
  const wrong = (await dns.ds('bogus.dns.agree.test')).replace(/[0-9a-f]{64}$/i, (digest) => `${digest.startsWith('0') ? '1' : '0'}${digest.slice(1)}`);
  validator = await startValidatingResolver({ upstream: dns.address, trustAnchors: [await dns.ds('signed.dns.agree.test'), wrong] });
  await dns.servfail('broken.dns.agree.test');
  outside = await startDnsServer();
  await outside.set('split.dns.agree.test', { A: ['127.0.0.2'] });
  silentDns = await startSilentDnsServer();
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
  await silentDns.close();
  await validator.close();
  await outside.close();
  await dns.close();
  await nginx.stop();
  await temp.cleanup();
});

/** Ports both validators connect to for one case. */
function portsOf(c: AgreementCase): { httpPort: number; httpsPort: number } {
  return c.silent === true ? { httpPort: silent.port, httpsPort: silent.port } : { httpPort: nginx.port, httpsPort };
}

/** The DNS servers the CA's primary perspective and the preflight ask for a row. */
function dnsServersOf(c: AgreementCase): { ca: string[]; preflight: string[] } {
  if (c.dns === undefined) return { ca: [], preflight: [] };
  if (c.dns === 'silent') return { ca: [silentDns.address], preflight: [silentDns.address] };
  if (c.dns === 'validating') return { ca: [validator.address], preflight: [validator.address] };
  return { ca: [dns.address], preflight: c.dns === 'split' ? [dns.address, outside.address] : [dns.address] };
}

/** The CA's 5 remote perspectives: the first `outsidePerspectives` ask the outside server. */
function perspectivesOf(c: AgreementCase): SandboxPerspectiveOptions[] {
  return Array.from({ length: 5 }, (_unused, index) => (index < (c.outsidePerspectives ?? 0) ? { dnsServers: [outside.address] } : {}));
}

/** The sandbox's verdict: a real application; 0 is a pass, 107 or 109 naming the domain a fail. */
async function sandboxVerdict(c: AgreementCase): Promise<{ pass: boolean; status: number; detail: string }> {
  const token = c.token ?? TOKEN;
  const sandbox = await startSandbox({
    tls: false,
    customers: [{ customerId: 'agree', authToken: 'agree-secret-token', signfile: { name: c.signfileName ?? 'signfile', content: token } }],
    caaIdentities: [CAA_IDENTITY],
    perspectives: perspectivesOf(c),
    validation: {
      resolve: Object.fromEntries(Object.entries(c.resolve).map(([domain, addresses]) => [domain, [...addresses]])),
      // Hosts outside the map go nowhere, as NXDOMAIN would.
      defaultAddresses: ['127.0.0.9'],
      dnsServers: dnsServersOf(c).ca,
      dnsTimeoutMs: DNS_TIMEOUT_MS,
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
    if (answer.status === 0) return { pass: true, status: 0, detail };
    if ((answer.status === 107 || answer.status === 109) && answer.other_msg === c.domain) return { pass: false, status: answer.status, detail };
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
    const dnsServers = dnsServersOf(c).preflight;
    const result = await preflight({
      domains: [c.domain],
      signfile: { name: c.signfileName ?? 'signfile', content: c.token ?? TOKEN },
      resolve: Object.entries(c.resolve).map(([domain, addresses]) => ({ domain, addresses })),
      ...(dnsServers.length === 0 ? {} : { dnsServers, dnsTimeoutMs: DNS_TIMEOUT_MS }),
      caaIdentities: [CAA_IDENTITY],
      caaAccountUri: ACCOUNT_URI,
      ...portsOf(c),
      ...LIMITS,
    });
    const sandbox = await sandboxVerdict(c);
    const domain = result.domains[0];
    const why = `preflight: ${domain?.failure?.message ?? 'pass'} ${domain?.warnings.join(' ') ?? ''}\nsandbox: ${sandbox.detail}`;
    expect(sandbox.pass, why).toBe(c.pass);
    if (c.dns === 'split') {
      // Both sides see the split: the preflight warns (it cannot know how many of the CA's
      // perspectives stand outside), the CA's remote perspectives disagree.
      expect(result.ok, why).toBe(true);
      expect(domain?.resolversDisagree?.map((answer) => answer.addresses), why).toEqual([V4, ['127.0.0.2']]);
      expect(sandbox.detail).toContain(`${5 - (c.outsidePerspectives ?? 0)} of 5 remote perspectives corroborate`);
      return;
    }
    expect(result.ok, why).toBe(c.pass);
    if (c.dns !== undefined) {
      if (c.addresses !== undefined) expect(domain?.addresses.map((a) => a.address)).toEqual(c.addresses);
    } else if (c.signfileName === undefined) {
      // Every address was checked, the same ones the sandbox checked.
      expect(domain?.addresses.map((a) => a.address)).toEqual(c.resolve[c.domain]);
    }
    if (!c.pass) expect(sandbox.status, why).toBe(c.sandboxStatus ?? 107);
    if (c.failure !== undefined) expect(domain?.failure?.kind, why).toBe(c.failure);
    if (c.content !== undefined) {
      const kinds = domain?.addresses.flatMap((a) => a.schemes.map((s) => s.content?.kind)).filter((k) => k !== undefined);
      expect(kinds).toContain(c.content);
    }
  });
});
