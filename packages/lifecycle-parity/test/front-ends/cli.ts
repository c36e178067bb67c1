/**
 * The CLI as users run it: the BUILT `acmapi` (`packages/cli/dist/bin.cjs`) as a child process
 * with `--json`, credentials in ACMAPI_* variables, the store in `--out`. The first run is
 * `acmapi issue -d … --wait 0`, later ones `acmapi renew`; the outcome is read from the one
 * JSON object on stdout (whose `exitCode` must be the process's), the record from core's
 * filesystem store.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RenewResultJson, ResultJson } from '@acmapi/cli';
import { openStore } from '@acmapi/core/store';
import type { FrontEnd, FrontEndSetup, Outcome, RunStep } from '../parity.js';
import { readFacts } from '../parity.js';

/** The built CLI (turbo builds it before this package's tests: `@acmapi/cli` is a dependency). */
export const CLI_BIN = fileURLToPath(new URL('../../../cli/dist/bin.cjs', import.meta.url));

interface Exited {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(args: readonly string[], env: Record<string, string>, cwd: string): Promise<Exited> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI_BIN, ...args], { env: { PATH: process.env['PATH'] ?? '', ...env }, cwd, timeout: 90_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : undefined;
      if (code === undefined) reject(error ?? new Error('acmapi ended without an exit code'));
      else resolve({ code, stdout, stderr });
    });
  });
}

function outcomeOf(result: ResultJson): Outcome {
  switch (result.status) {
    case 'issued':
      return { outcome: 'issued' };
    case 'pending':
      return { outcome: 'pending' };
    case 'error':
      return { outcome: 'failed', code: result.error?.code ?? 'NO_CODE' };
    case 'not-due':
    case 'skipped-by-backoff':
      return { outcome: 'other', what: result.status };
  }
}

export const cliFrontEnd: FrontEnd = {
  name: 'cli',
  start(setup: FrontEndSetup) {
    const storeDir = join(setup.dir, 'store');
    const printed: string[] = [];
    // The current folder holds no acmapi.json, so the CLI works from flags and the store alone.
    const cwd = setup.dir;
    return Promise.resolve({
      filesDir: storeDir,
      output: () => printed,
      record: async () => readFacts(await openStore(storeDir), setup.name),
      async run(step: RunStep): Promise<Outcome> {
        const env = { ACMAPI_ENDPOINT: setup.sandbox.url, ACMAPI_CUSTOMER_ID: step.customer.customerId, ACMAPI_AUTH_TOKEN: step.customer.authToken, ACMAPI_CA_FILE: setup.caFile };
        const common = ['--out', storeDir, '--preflight', 'off', '--json'];
        // A later step is a person running renew again at once: `--retry-now`, so that a
        // certificate that just failed is not held by its backoff (cron's pacing, tested in the
        // CLI's own suites and the long-run test).
        const args = step.command === 'issue' ? ['issue', ...setup.domains.flatMap((domain) => ['-d', domain]), '--wait', '0', ...common] : ['renew', '--retry-now', ...common];
        const exited = await runCli(args, env, cwd);
        printed.push(exited.stdout, exited.stderr);
        let parsed: ResultJson | RenewResultJson;
        try {
          parsed = JSON.parse(exited.stdout) as ResultJson | RenewResultJson;
        } catch {
          throw new Error(`acmapi ${args[0] ?? ''} exited ${exited.code} without one JSON object on stdout; stderr: ${exited.stderr}`);
        }
        if (parsed.exitCode !== exited.code) throw new Error(`acmapi ${args[0] ?? ''} exited ${exited.code} but its JSON says ${parsed.exitCode}`);
        if (!('certificates' in parsed)) return outcomeOf(parsed);
        // `renew` over a store of one certificate: one entry, the result of that certificate.
        const [only, ...others] = parsed.certificates;
        if (only === undefined || others.length > 0 || !('exitCode' in only)) throw new Error(`acmapi renew reported ${parsed.certificates.length} certificates: ${exited.stdout}`);
        return outcomeOf(only);
      },
    });
  },
};
