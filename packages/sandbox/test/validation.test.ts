/**
 * The signfile check over real loopback web servers (spec §5, BR §3.2.2.4.18):
 * Host/SNI, http then https, redirect rules, address map, timeouts, body cap, containment.
 */
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../src/index.js';
import { api, closeAgent } from './helpers/api.js';
import { makeCsr } from './helpers/openssl.js';
import { startHttpServer, startHttpsServer, type WebServer } from './helpers/web-server.js';

const TOKEN = 'validation-token-77d2';
const SIGNFILE = '/.well-known/pki-validation/signfile';

type Route = (request: http.IncomingMessage, response: http.ServerResponse) => void;

const redirect = (status: number, location: string): Route => (_request, response) => {
  response.writeHead(status, { location });
  response.end();
};
const text = (body: string, status = 200): Route => (_request, response) => {
  response.writeHead(status, { 'content-type': 'text/plain' });
  response.end(body);
};

/** Plain-HTTP behaviour per Host header. */
const httpRoutes: Record<string, Route> = {
  'plain.test': text(TOKEN),
  'contained.test': text(`# signfile for acmapi\n${TOKEN}\nmore text after it\n`),
  'wrong-content.test': text('some-other-token'),
  'not-found.test': text('no such file', 404),
  'to-https.test': redirect(301, `https://to-https.test${SIGNFILE}`),
  'to-8443.test': redirect(302, `https://to-8443.test:8443${SIGNFILE}`),
  'to-ftp.test': redirect(307, `ftp://to-ftp.test${SIGNFILE}`),
  'see-other.test': redirect(303, `http://plain.test${SIGNFILE}`),
  'no-location.test': (_request, response) => {
    response.writeHead(302);
    response.end();
  },
  'relative.test': (request, response) => {
    if (request.url === SIGNFILE) redirect(308, '/moved/signfile')(request, response);
    else if (request.url === '/moved/signfile') text(TOKEN)(request, response);
    else text('', 404)(request, response);
  },
  'loop.test': (request, response) => {
    redirect(301, request.url === '/a' ? '/b' : '/a')(request, response);
  },
  'ten-hops.test': hops(10),
  'eleven-hops.test': hops(11),
  'big.test': text(`${TOKEN}${'x'.repeat(100 * 1024)}`),
  'https-only.test': text('', 404),
  'v4.test': text(TOKEN),
  'dual.test': text(TOKEN),
  'cross.test': redirect(301, `http://plain.test${SIGNFILE}`),
  'to-ipv4.test': redirect(301, `http://127.0.0.1${SIGNFILE}`),
  'to-ipv6.test': redirect(302, `http://[::1]${SIGNFILE}`),
  // What an IP-address URL would find if the check went there: the token.
  '127.0.0.1': text(TOKEN),
  '[::1]': text(TOKEN),
};

/** Answers the signfile with `count` redirects through /hop/1..count, then the token. */
function hops(count: number): Route {
  return (request, response) => {
    const at = request.url === SIGNFILE ? 0 : Number(/^\/hop\/(\d+)$/.exec(request.url ?? '')?.[1] ?? -1);
    if (at < count) redirect(302, `/hop/${at + 1}`)(request, response);
    else text(TOKEN)(request, response);
  };
}

/** HTTPS behaviour per Host header. */
const httpsRoutes: Record<string, Route> = {
  'to-https.test': text(TOKEN),
  'https-only.test': text(TOKEN),
};

function byHost(routes: Record<string, Route>): Route {
  return (request, response) => {
    const route = routes[(request.headers.host ?? '').replace(/:\d+$/, '')];
    if (route === undefined) text('unknown host', 404)(request, response);
    else route(request, response);
  };
}

let sandbox: Sandbox;
let web: WebServer;
let secure: WebServer & { readonly sni: string[] };

beforeAll(async () => {
  web = await startHttpServer(byHost(httpRoutes));
  secure = await startHttpsServer(byHost(httpsRoutes));
  sandbox = await startSandbox({
    tls: false,
    // These cases count the requests of one check; corroboration has its own suite (perspectives.test.ts).
    perspectives: 0,
    customers: [{ customerId: 'v', authToken: 'v-secret', signfile: { content: TOKEN } }],
    validation: {
      httpPort: web.port,
      httpsPort: secure.port,
      resolve: { 'v4.test': ['127.0.0.1'], 'dual.test': ['127.0.0.1', '::1'] },
    },
  });
});

afterAll(async () => {
  await closeAgent(sandbox);
  await sandbox.close();
  await web.close();
  await secure.close();
});

async function applyFor(domain: string): Promise<{ status: unknown; otherMsg: unknown; detail: string }> {
  const { csrPem } = await makeCsr({ domains: [domain] });
  const answer = await api(sandbox, { customer_id: 'v', auth_token: 'v-secret', req_type: 'cert_apply', domain_name: [domain], csr: csrPem });
  return {
    status: answer.json['status'],
    otherMsg: answer.json['other_msg'],
    detail: (sandbox.requests.at(-1)?.detail ?? []).join('\n'),
  };
}

function seenFor(server: WebServer, host: string): string[] {
  return server.seen.filter((s) => s.host === host).map((s) => s.path);
}

describe('signfile check', () => {
  it('passes when http://DOMAIN serves the token, asking for the signfile path with the domain as Host', async () => {
    expect((await applyFor('plain.test')).status).toBe(0);
    expect(seenFor(web, 'plain.test')).toContain(SIGNFILE);
  });

  it('passes by containment: the body may hold more than the token', async () => {
    expect((await applyFor('contained.test')).status).toBe(0);
  });

  it('fails with 107 when the body lacks the token, or on 404 (then also tries https)', async () => {
    expect(await applyFor('wrong-content.test')).toMatchObject({ status: 107, otherMsg: 'wrong-content.test' });
    const notFound = await applyFor('not-found.test');
    expect(notFound).toMatchObject({ status: 107, otherMsg: 'not-found.test' });
    expect(notFound.detail).toContain('HTTP 404');
    expect(seenFor(secure, 'not-found.test')).toEqual([SIGNFILE]);
  });

  it('falls back to https:// when http:// fails, with SNI = the domain, without verifying the site certificate', async () => {
    expect((await applyFor('https-only.test')).status).toBe(0);
    expect(secure.sni).toContain('https-only.test');
  });

  it('follows a 301 from http to https on port 443 (mapped to the test port)', async () => {
    expect((await applyFor('to-https.test')).status).toBe(0);
    expect(seenFor(secure, 'to-https.test')).toEqual([SIGNFILE]);
  });

  it('follows a relative 308 Location', async () => {
    expect((await applyFor('relative.test')).status).toBe(0);
  });

  it('follows a redirect to another domain', async () => {
    expect((await applyFor('cross.test')).status).toBe(0);
  });

  it('refuses a redirect to port 8443 whatever the mapping, and to a non-http scheme', async () => {
    const port = await applyFor('to-8443.test');
    expect(port).toMatchObject({ status: 107, otherMsg: 'to-8443.test' });
    expect(port.detail).toContain('port 8443 is not 80 or 443');
    expect(seenFor(secure, 'to-8443.test')).toEqual([SIGNFILE]); // only the https fallback, never the :8443 URL
    const ftp = await applyFor('to-ftp.test');
    expect(ftp.status).toBe(107);
    expect(ftp.detail).toContain('scheme ftp:');
  });

  it('finding 15: refuses a redirect to an IP-address URL (IPv4 or IPv6) though the token is served there', async () => {
    for (const domain of ['to-ipv4.test', 'to-ipv6.test']) {
      const result = await applyFor(domain);
      expect(result).toMatchObject({ status: 107, otherMsg: domain });
      expect(result.detail).toContain('is an IP address, not a domain name');
    }
    expect(seenFor(web, '127.0.0.1')).toEqual([]);
    expect(seenFor(web, '[::1]')).toEqual([]);
  });

  it('refuses 303 (not one of 301/302/307/308) and a redirect without Location', async () => {
    const seeOther = await applyFor('see-other.test');
    expect(seeOther.status).toBe(107);
    expect(seeOther.detail).toContain('HTTP 303');
    expect((await applyFor('no-location.test')).detail).toContain('without Location');
  });

  it('detects a redirect loop', async () => {
    const loop = await applyFor('loop.test');
    expect(loop.status).toBe(107);
    expect(loop.detail).toContain('redirect loop');
  });

  it('follows 10 redirects but not 11', async () => {
    expect((await applyFor('ten-hops.test')).status).toBe(0);
    const eleven = await applyFor('eleven-hops.test');
    expect(eleven.status).toBe(107);
    expect(eleven.detail).toContain('more than 10 redirects');
    expect(seenFor(web, 'eleven-hops.test')).toHaveLength(11);
  });

  it('fails a body larger than the cap (64 KiB) even though it starts with the token', async () => {
    const big = await applyFor('big.test');
    expect(big.status).toBe(107);
    expect(big.detail).toContain('larger than 65536 bytes');
  });

  it('checks every mapped address of a domain: a domain mapped also to ::1, where nothing listens, fails', async () => {
    expect((await applyFor('v4.test')).status).toBe(0);
    const dual = await applyFor('dual.test');
    expect(dual).toMatchObject({ status: 107, otherMsg: 'dual.test' });
    expect(dual.detail).toContain('via ::1');
  });

  it('records one application per successful apply and none for failed checks', () => {
    const domains = sandbox.applications().map((a) => a.domains[0]);
    expect(domains).not.toContain('loop.test');
    expect(domains).toContain('plain.test');
    expect(new Set(domains).size).toBe(domains.length);
  });
});

describe('timeouts', () => {
  let hanging: WebServer;
  let slowSandbox: Sandbox;

  beforeAll(async () => {
    hanging = await startHttpServer((request, response) => {
      if (request.headers.host === 'slow-body.test') {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.write('partial ');
      }
      // otherwise: never answer
    });
    slowSandbox = await startSandbox({
      tls: false,
      customers: [{ customerId: 'v', authToken: 'v-secret', signfile: { content: TOKEN } }],
      validation: { httpPort: hanging.port, httpsPort: hanging.port, headersTimeoutMs: 300, bodyTimeoutMs: 300 },
    });
  });

  afterAll(async () => {
    await closeAgent(slowSandbox);
    await slowSandbox.close();
    await hanging.close();
  });

  it('gives up on a server that never answers (headers timeout) and one that never ends its body (body timeout)', async () => {
    for (const [domain, phase] of [['silent.test', 'headers'], ['slow-body.test', 'body']] as const) {
      const { csrPem } = await makeCsr({ domains: [domain] });
      const answer = await api(slowSandbox, {
        customer_id: 'v',
        auth_token: 'v-secret',
        req_type: 'cert_apply',
        domain_name: [domain],
        csr: csrPem,
      });
      expect(answer.json).toEqual({ result: 'error', status: 107, other_msg: domain });
      expect((slowSandbox.requests.at(-1)?.detail ?? []).join('\n')).toContain(`${phase} timeout after 300 ms`);
    }
  });
});

describe('a redirect to the same host stays on the address under test', () => {
  let dualHttp: WebServer;
  let httpsV4: WebServer & { readonly sni: string[] };
  let dualSandbox: Sandbox;

  beforeAll(async () => {
    // http on every address ('::' also takes 127.0.0.1) redirects to https, which listens on 127.0.0.1 only.
    dualHttp = await startHttpServer(redirect(301, `https://v6-redirect.test${SIGNFILE}`), '::');
    httpsV4 = await startHttpsServer(text(TOKEN));
    dualSandbox = await startSandbox({
      tls: false,
      customers: [{ customerId: 'v', authToken: 'v-secret', signfile: { content: TOKEN } }],
      validation: { httpPort: dualHttp.port, httpsPort: httpsV4.port, resolve: { 'v6-redirect.test': ['127.0.0.1', '::1'], 'v4-redirect.test': ['127.0.0.1'] } },
    });
  });

  afterAll(async () => {
    await closeAgent(dualSandbox);
    await dualSandbox.close();
    await dualHttp.close();
    await httpsV4.close();
  });

  async function apply(domain: string): Promise<{ status: unknown; detail: string }> {
    const { csrPem } = await makeCsr({ domains: [domain] });
    const answer = await api(dualSandbox, { customer_id: 'v', auth_token: 'v-secret', req_type: 'cert_apply', domain_name: [domain], csr: csrPem });
    return { status: answer.json['status'], detail: (dualSandbox.requests.at(-1)?.detail ?? []).join('\n') };
  }

  it('fails when https on ::1 is refused, though https on 127.0.0.1 serves (regression: the hop went to the first address)', async () => {
    const result = await apply('v6-redirect.test');
    expect(result.status).toBe(107);
    expect(result.detail).toContain('via ::1');
  });

  it('passes the same redirect on an IPv4-only domain', async () => {
    expect((await apply('v4-redirect.test')).status).toBe(0);
  });
});
