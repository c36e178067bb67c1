// pnpm bench (core): key + CSR generation against raw node:crypto key generation,
// measured in the same run. The ratio shows what CSR building adds on top of the
// unavoidable cost of making the key. EC P-256 also has an absolute budget (issue 9):
// key + CSR in ≤ 2 ms median, in-process.
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { Bench } from 'tinybench';
import { generateKeyAndCsr } from '@acmapi/core';
import { reportMedian, reportRatio } from '../../../scripts/bench-report.mjs';

const generate = promisify(generateKeyPair);
const domains = ['bench.example.com', 'www.bench.example.com'];

const cases = [
  { keyType: 'ec-p256', raw: () => generate('ec', { namedCurve: 'P-256' }), iterations: 500, warmup: 20, medianTargetMs: 2 },
  { keyType: 'rsa-2048', raw: () => generate('rsa', { modulusLength: 2048 }), iterations: 40, warmup: 5 },
];

for (const { keyType, raw, iterations, warmup, medianTargetMs } of cases) {
  const bench = new Bench({ iterations, time: 0, warmupIterations: warmup });
  bench
    .add(`raw node:crypto ${keyType} key`, raw)
    .add(`acmapi ${keyType} key + CSR`, () => generateKeyAndCsr({ domains, keyType }));
  await bench.run();
  const [baseline, subject] = bench.tasks.map((task) => task.result?.latency);
  if (!baseline || !subject) throw new Error(`bench ${keyType} produced no result`);
  const name = `key + CSR vs raw key generation, ${keyType}`;
  if (medianTargetMs === undefined) reportRatio(name, subject, baseline);
  else reportMedian(name, subject, medianTargetMs, baseline);
}
await import('./preflight.mjs');
await import('./preflight-caa.mjs');
await import('./list.mjs');
