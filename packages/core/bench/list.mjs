// pnpm bench (core): listing a store of 1,000 certificates, against a plain Node script that
// only reads and parses the same 1,000 cert.pem files with node:crypto (target ratio ≤ 1.5).
// The store's list reads each certificate's state.json (its metadata) instead of parsing the
// certificate, which is why it can keep up. The lead swaps in `acmapi list --json` later.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { reportRatio } from '../../../scripts/bench-report.mjs';
import { buildBenchStore } from './store-fixture.mjs';

const COUNT = 1000;
const dir = await mkdtemp(join(tmpdir(), 'acmapi-bench-store-'));
try {
  const { store, names } = await buildBenchStore(dir, COUNT);

  const baseline = async () => {
    const parsed = await Promise.all(
      names.map(async (name) => new X509Certificate(await readFile(join(store.dir, name, 'cert.pem'))).validTo),
    );
    if (parsed.length !== COUNT) throw new Error('baseline read too few');
  };
  const subject = async () => {
    const records = await store.list();
    if (records.length !== COUNT) throw new Error(`list returned ${records.length}`);
  };
  const bench = new Bench({ iterations: 20, time: 0, warmupIterations: 3 });
  bench.add('read + parse 1,000 cert.pem', baseline).add('store.list() of 1,000 certificates', subject);
  await bench.run();
  const [base, sub] = bench.tasks.map((task) => task.result?.latency);
  if (!base || !sub) throw new Error('bench store list produced no result');
  reportRatio('store list of 1,000 certificates vs reading and parsing their cert.pem', sub, base, 1.5);
} finally {
  await rm(dir, { recursive: true, force: true });
}
