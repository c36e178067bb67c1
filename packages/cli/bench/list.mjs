// pnpm bench (cli): `acmapi list --json` over a store of 1,000 certificates, against a plain
// Node.js script that only reads and parses the same 1,000 cert.pem files with node:crypto
// (target ratio ≤ 1.5). Both are whole processes, start-up included: that is what a user or
// a monitoring job pays. The list stays close because it reads each certificate's state.json
// (its metadata) and loads only the store's listing, not the client.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Bench } from 'tinybench';
import { reportRatio } from '../../../scripts/bench-report.mjs';
// The same 1,000-certificate store as core's list bench (the monorepo's core build).
import { buildBenchStore } from '../../core/bench/store-fixture.mjs';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../dist/bin.cjs', import.meta.url));
const COUNT = 1000;

const BASELINE = `import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
const [dir, ...names] = [process.argv[2], ...JSON.parse(process.argv[3])];
const parsed = await Promise.all(names.map(async (name) => new X509Certificate(await readFile(join(dir, name, 'cert.pem'))).validTo));
if (parsed.length !== ${COUNT}) throw new Error('baseline read too few');
`;

/** Runs the list bench; prints one ratio line. */
export async function benchList() {
  const dir = await mkdtemp(join(tmpdir(), 'acmapi-cli-bench-list-'));
  try {
    const { store, names } = await buildBenchStore(dir, COUNT);
    const script = join(dir, 'baseline.mjs');
    await writeFile(script, BASELINE);
    const namesJson = JSON.stringify(names);

    const bench = new Bench({ iterations: 15, time: 0, warmupIterations: 2 });
    bench
      .add('node: read + parse 1,000 cert.pem', () => run(process.execPath, [script, store.dir, namesJson]))
      .add('acmapi list --json (1,000 certificates)', async () => {
        const { stdout } = await run(process.execPath, [bin, 'list', '--json', '--out', store.dir], { maxBuffer: 64 * 1024 * 1024 });
        const count = JSON.parse(stdout).certificates.length;
        if (count !== COUNT) throw new Error(`acmapi list listed ${count}`);
      });
    await bench.run();
    const [baseline, subject] = bench.tasks.map((task) => task.result?.latency);
    if (!baseline || !subject) throw new Error('bench list produced no result');
    return reportRatio('acmapi list --json of 1,000 certificates vs a node script reading and parsing their cert.pem', subject, baseline, 1.5);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
