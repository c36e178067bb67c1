// pnpm bench (cli): whole-process CPU time (user + system) of one `acmapi issue` against a
// local sandbox CA, against that of `node -e 0`, measured the same way in the same run
// (target ratio ≤ 5). The sandbox and the web server that answers its signfile check run in
// this process, so only the command's own work is counted: start-up, flags, key and CSR,
// TLS, the call, checking the certificate, and the crash-safe store. Each run issues into a
// fresh store folder. Both processes get only PATH (and the ACMAPI_* the issue needs): an
// inherited NODE_EXTRA_CA_CERTS, for one, makes every Node process parse a CA bundle at
// start (about 70 ms of CPU here), which would triple the baseline and flatter the ratio.
// The command keeps a code cache in the user's cache folder (src/code-cache.ts): here a
// folder of this run (XDG_CACHE_HOME), which the warm-up issue fills, as the first run from
// cron would; the measured runs use it, as every later run from cron does.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveSignfile } from '@acmapi/core/deploy';
import { startSandbox } from '@acmapi/sandbox';
import { reportPairedRatio } from '../../../scripts/bench-report.mjs';

const bin = fileURLToPath(new URL('../dist/bin.cjs', import.meta.url));
const preload = fileURLToPath(new URL('./cpu-at-exit.cjs', import.meta.url));
const RUNS = 15;
const DOMAIN = 'bench.acmapi.test';

/**
 * Runs `node --require cpu-at-exit.cjs ARGS…` (asynchronously: the sandbox in this process
 * must answer it) and returns its CPU time in milliseconds.
 */
function cpuTime(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', preload, ...args], { env, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let report = '';
    child.stdio[2].on('data', (chunk) => (stderr += chunk));
    child.stdio[3].on('data', (chunk) => (report += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`node ${args.join(' ')} exited with ${code}:\n${stderr}`));
        return;
      }
      try {
        const { user, system } = JSON.parse(report);
        resolve((user + system) / 1000);
      } catch (error) {
        reject(new Error(`no CPU report from node ${args.join(' ')}: ${String(error)}`));
      }
    });
  });
}

/** Runs the issue bench; prints one ratio line. */
export async function benchIssueCpu() {
  const dir = await mkdtemp(join(tmpdir(), 'acmapi-cli-bench-issue-'));
  const signfile = { name: 'signfile', content: `acmapi-bench-${randomBytes(16).toString('hex')}` };
  const authToken = randomBytes(24).toString('base64url');
  const web = await serveSignfile({ host: '127.0.0.1', port: 0, signfile });
  let sandbox;
  try {
    sandbox = await startSandbox({
      host: '127.0.0.1',
      port: 0,
      tls: true,
      customers: [{ customerId: 'bench', authToken, signfile, allowedIps: ['127.0.0.1', '::1'] }],
      validation: { resolve: { [DOMAIN]: ['127.0.0.1'] }, httpPort: web.port },
    });
    const caFile = join(dir, 'sandbox-root.pem');
    await writeFile(caFile, sandbox.caCertificates.rootPem);
    const env = { PATH: process.env.PATH ?? '', XDG_CACHE_HOME: join(dir, 'cache'), ACMAPI_ENDPOINT: sandbox.url, ACMAPI_CUSTOMER_ID: 'bench', ACMAPI_AUTH_TOKEN: authToken, ACMAPI_CA_FILE: caFile };

    const baseline = [];
    const subject = [];
    // One warm-up run of each, then alternate: a baseline before and after every issue, each
    // issue compared with the two beside it (reportPairedRatio).
    await cpuTime(['-e', '0'], env);
    await cpuTime([bin, 'issue', '-d', DOMAIN, '--out', join(dir, 'warm-up')], env);
    for (let i = 0; i < RUNS; i++) {
      baseline.push(await cpuTime(['-e', '0'], env));
      subject.push(await cpuTime([bin, 'issue', '-d', DOMAIN, '--out', join(dir, `store-${i}`)], env));
    }
    baseline.push(await cpuTime(['-e', '0'], env));
    const issued = sandbox.requests.filter((request) => request.kind === 'apply').length;
    if (issued !== RUNS + 1) throw new Error(`the sandbox saw ${issued} applications, expected ${RUNS + 1}`);
    return reportPairedRatio('acmapi issue vs node -e 0 (CPU time, user + system)', subject, baseline, 5);
  } finally {
    await sandbox?.close();
    await web.close();
    await rm(dir, { recursive: true, force: true });
  }
}
