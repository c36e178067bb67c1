#!/usr/bin/env node
// One way in for users (README quick start): `npm run demo` and `npm test` work on a
// fresh machine with only Node.js and npm. This script brings pnpm (the pinned
// version, through npx: corepack cannot fetch everywhere), installs the workspace,
// builds it, and then runs the demo, the tests, the benchmarks or the long fuzz run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [task = 'test', ...rest] = process.argv.slice(2);
const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];

// Turborepo's first-run telemetry notice is noise in a quick start.
process.env.TURBO_TELEMETRY_DISABLED ??= '1';

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function must(command, args, what, { quiet = false } = {}) {
  // Quiet: the demo's own output is what the user came for; install and build logs are
  // shown only when they fail.
  const result = spawnSync(command, args, { cwd: root, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8' });
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
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && has('apt-get', ['--version'])) {
    console.error(`acmapi: installing ${missing.join(', ')} with apt-get (needed by the end-to-end tests)`);
    must('apt-get', ['update', '-qq'], 'apt-get update');
    must('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], 'apt-get install');
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
}

const [pnpm, pnpmArgs] = pnpmCommand();
const quiet = task === 'demo';
if (quiet) console.error('acmapi: installing and building the workspace (pnpm, turbo)…');
must(pnpm, [...pnpmArgs, 'install', '--frozen-lockfile', '--reporter=append-only'], 'pnpm install', { quiet });

switch (task) {
  case 'demo': {
    must(pnpm, [...pnpmArgs, 'exec', 'turbo', 'run', 'build', '--filter=@acmapi/cli...', '--output-logs=errors-only'], 'build', { quiet });
    process.exit(run(process.execPath, [join(root, 'packages/cli/dist/bin.cjs'), 'demo', ...rest]));
    break;
  }
  case 'test': {
    ensureSystemTools();
    removeOldResults();
    process.exit(run(pnpm, [...pnpmArgs, 'exec', 'turbo', 'run', 'test', '--concurrency=1', '--continue', ...rest]));
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
    console.error(`acmapi bootstrap: unknown task "${task}" (expected demo, test, bench or fuzz)`);
    process.exit(2);
}
