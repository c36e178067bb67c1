// pnpm bench (core): the preflight WITH CAA of 5 domains against a real DNS server (Knot DNS,
// @acmapi/test-dns) behind a proxy that delays every DNS answer by 100 ms, as a ratio to ONE
// DNS lookup plus ONE fetch of the signfile through the same proxy and server, measured in
// the same run (issue 13: target ≤ 1.5). Every name's CAA climb, its CNAMEs and its A/AAAA
// lookups go out at once, so the whole preflight should cost about one lookup and one fetch.
import { createServer } from 'node:http';
import { Resolver } from 'node:dns/promises';
import { Bench } from 'tinybench';
import { request } from 'undici';
import { startDelayingDnsProxy, startDnsServer } from '@acmapi/test-dns';
import { preflight } from '@acmapi/core/preflight';
import { reportRatio } from '../../../scripts/bench-report.mjs';

const DELAY_MS = 100;
const signfile = { name: 'signfile', content: 'acmapi-bench-token-0123456789abcdef' };
const path = '/.well-known/pki-validation/signfile';

const site = createServer((req, res) => {
  if (req.url === path) res.writeHead(200, { 'content-type': 'text/plain' }).end(signfile.content);
  else res.writeHead(404).end();
});
await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
const httpPort = site.address().port;

const dns = await startDnsServer({ zones: ['bench.test'] });
const proxy = await startDelayingDnsProxy({ upstream: dns.address, delayMs: DELAY_MS });
const caa = (value) => [{ flags: 0, tag: 'issue', value }];
// CAA at the name, at a parent two levels up, behind a CNAME, nowhere, and with RFC 8657 parameters.
await dns.set('bench.test', { CAA: caa('wosign.com') });
await dns.set('a.bench.test', { A: ['127.0.0.1'], CAA: caa('wosign.com') });
await dns.set('b.deep.bench.test', { A: ['127.0.0.1'] });
await dns.set('c.bench.test', { CNAME: 'edge.bench.test' });
await dns.set('edge.bench.test', { A: ['127.0.0.1'], CAA: caa('wosign.com') });
await dns.set('d.bench.test', { A: ['127.0.0.1'] });
await dns.set('e.bench.test', { A: ['127.0.0.1'], CAA: caa('wosign.com; validationmethods=acmapi-file') });
const domains = ['a.bench.test', 'b.deep.bench.test', 'c.bench.test', 'd.bench.test', 'e.bench.test'];

const resolver = new Resolver({ timeout: 2_000, tries: 2 });
resolver.setServers([proxy.address]);
const options = { domains, signfile, schemes: ['http'], httpPort, dnsServers: [proxy.address] };

const bench = new Bench({ iterations: 10, time: 0, warmupIterations: 2 });
bench
  .add('one DNS lookup + one fetch of the signfile', async () => {
    const [address] = await resolver.resolve4('a.bench.test');
    const { statusCode, body } = await request(`http://${address}:${httpPort}${path}`);
    await body.text();
    if (statusCode !== 200) throw new Error(`baseline fetch answered ${statusCode}`);
  })
  .add('preflight with CAA, 5 domains', async () => {
    const result = await preflight(options);
    if (!result.ok) throw new Error(`bench preflight failed: ${JSON.stringify(result.domains.find((domain) => !domain.ok)?.failure)}`);
    if (result.domains.some((domain) => domain.caa?.reason === 'not-checked' || domain.caa === undefined)) throw new Error('bench preflight did not check CAA');
  });
try {
  await bench.run();
} finally {
  site.closeAllConnections();
  site.close();
  await proxy.close();
  await dns.close();
}
const [baseline, subject] = bench.tasks.map((task) => task.result?.latency);
if (!baseline || !subject) throw new Error('preflight CAA bench produced no result');
reportRatio(`preflight with CAA, 5 domains (${DELAY_MS} ms DNS delay) vs one lookup + one fetch`, subject, baseline, 1.5);
