// pnpm bench (cli): start-up cost of the built command, `acmapi --version`, against
// `node -e 0` (the floor any Node.js command pays), measured in the same run; then
// `acmapi list --json` over 1,000 certificates (bench/list.mjs).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Bench } from 'tinybench';
import { reportRatio } from '../../../scripts/bench-report.mjs';
import { benchList } from './list.mjs';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

const bench = new Bench({ iterations: 30, time: 0, warmupIterations: 3 });
bench
  .add('node -e 0', () => run(process.execPath, ['-e', '0']))
  .add('acmapi --version', () => run(process.execPath, [bin, '--version']));
await bench.run();
const [baseline, subject] = bench.tasks.map((task) => task.result?.latency);
if (!baseline || !subject) throw new Error('bench produced no result');
reportRatio('acmapi --version vs node -e 0 (wall time)', subject, baseline);

await benchList();
