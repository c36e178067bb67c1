// pnpm bench (core): the signfile preflight of 5 domains × 2 addresses × 2 schemes
// against servers that delay every answer by 200 ms, as a ratio to ONE fetch of the
// same file from the same servers, measured in the same run. Checks run in parallel,
// so the whole preflight should cost about one fetch (target ≤ 1.5).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout } from 'node:timers';
import { Bench } from 'tinybench';
import { request } from 'undici';
import { preflight } from '@acmapi/core/preflight';
import { reportRatio } from '../../../scripts/bench-report.mjs';

const DELAY_MS = 200;
const signfile = { name: 'signfile', content: 'acmapi-bench-token-0123456789abcdef' };
const path = '/.well-known/pki-validation/signfile';

function selfSigned() {
  const dir = mkdtempSync(join(tmpdir(), 'acmapi-bench-tls-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
      '-subj', '/CN=bench.test', '-addext', 'subjectAltName=DNS:*.bench.test',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const handler = (req, res) => {
  setTimeout(() => {
    if (req.url === path) res.writeHead(200, { 'content-type': 'text/plain' }).end(signfile.content);
    else res.writeHead(404).end();
  }, DELAY_MS);
};

const listen = (server, port, host) =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server.address().port));
  });

const tls = selfSigned();
const servers = [];
const start = async (make, port, host) => {
  const server = make();
  servers.push(server);
  return listen(server, port, host);
};
// Two addresses on one port, as a domain's A and AAAA; 127.0.0.2 when IPv6 is off.
const httpPort = await start(() => createHttpServer(handler), 0, '127.0.0.1');
const httpsPort = await start(() => createHttpsServer(tls, handler), 0, '127.0.0.1');
let second = '::1';
try {
  await start(() => createHttpServer(handler), httpPort, second);
  await start(() => createHttpsServer(tls, handler), httpsPort, second);
} catch {
  second = '127.0.0.2';
  await start(() => createHttpServer(handler), httpPort, second);
  await start(() => createHttpsServer(tls, handler), httpsPort, second);
}

const domains = ['a', 'b', 'c', 'd', 'e'].map((label) => `${label}.bench.test`);
const options = {
  domains,
  signfile,
  resolve: domains.map((domain) => ({ domain, addresses: ['127.0.0.1', second] })),
  httpPort,
  httpsPort,
  resolver: { resolve4: () => Promise.reject(new Error('no DNS in the bench')), resolve6: () => Promise.reject(new Error('no DNS in the bench')) },
};

const bench = new Bench({ iterations: 8, time: 0, warmupIterations: 2 });
bench
  .add('one fetch of the signfile', async () => {
    const { statusCode, body } = await request(`http://127.0.0.1:${httpPort}${path}`);
    await body.text();
    if (statusCode !== 200) throw new Error(`baseline fetch answered ${statusCode}`);
  })
  .add('preflight 5 domains × 2 addresses × 2 schemes', async () => {
    const result = await preflight(options);
    if (!result.ok) throw new Error(`bench preflight failed: ${JSON.stringify(result.domains[0]?.failure)}`);
  });
try {
  await bench.run();
} finally {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
}
const [baseline, subject] = bench.tasks.map((task) => task.result?.latency);
if (!baseline || !subject) throw new Error('preflight bench produced no result');
reportRatio(`preflight 5 domains × 2 addresses × 2 schemes (${DELAY_MS} ms server delay) vs one fetch`, subject, baseline, 1.5);
