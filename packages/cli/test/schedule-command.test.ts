/**
 * `acmapi schedule install | show | remove` under `--root` (a temp folder), with the built CLI.
 * Independent peers: systemd's own `systemd-analyze verify` (Debian package `systemd`) reads the
 * units; cron-parser reads the cron.d file, and `/bin/sh` runs its command after cron's `%`
 * processing, with a stand-in `node` that records the argv and environment it got.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CronExpressionParser, CronFileParser } from 'cron-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { CRON_PATH } from '../src/schedule/cron-entry.js';
import { CLI_BIN, runCli } from './cli-harness.js';
import type { CliRun } from './cli-harness.js';

/** `value`, failing the test when it is undefined. */
function defined<T>(value: T | undefined | null): T {
  if (value === undefined || value === null) throw new Error('expected a value');
  return value;
}

const base = mkdtempSync(join(tmpdir(), 'acmapi-schedule-'));
afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

/** A folder whose name holds what unit files and cron lines must escape: a space, specifiers, a quote, `$`. */
const HOSTILE = "dir with space %n %h 'q' $HOME";

let roots = 0;
function newRoot(): string {
  const root = join(base, `root ${++roots}`);
  mkdirSync(root);
  return root;
}

/** Runs the CLI under `umask 077`, so the files' 0644 cannot come from the umask. */
function runUnderUmask(args: readonly string[], cwd = base): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', 'umask 077 && exec "$0" "$@"', process.execPath, CLI_BIN, ...args], { cwd, env: { PATH: process.env['PATH'] ?? '' } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      if (code === -1) reject(error ?? new Error('no exit code'));
      else resolve({ code, stdout, stderr });
    });
  });
}

function verify(...units: string[]): { code: number; output: string } {
  try {
    const output = execFileSync('systemd-analyze', ['verify', ...units], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, output };
  } catch (error) {
    const failed = error as { status: number | null; stdout: string; stderr: string };
    return { code: failed.status ?? -1, output: `${failed.stdout}${failed.stderr}` };
  }
}

const unitDir = (root: string): string => join(root, 'etc/systemd/system');

describe('acmapi schedule install --systemd', () => {
  it('writes units that systemd-analyze verify accepts, with hostile paths, 0644 under umask 077, and enables the timer', async () => {
    const root = newRoot();
    const hostile = join(base, HOSTILE);
    // systemd refuses an executable whose path holds a quote or a backslash; the rest it must read back.
    const nodeDir = join(base, HOSTILE.replace(" 'q'", ''));
    mkdirSync(hostile, { recursive: true });
    mkdirSync(nodeDir, { recursive: true });
    // systemd-analyze checks that the executable exists: a real node, reached through the hostile path.
    symlinkSync(process.execPath, join(nodeDir, 'node'));
    const run = await runUnderUmask(['schedule', 'install', '--root', root, '--systemd', '--node', join(nodeDir, 'node'), '--acmapi', join(hostile, 'acmapi.cjs'), '--out', join(hostile, 'store'), '--environment-file', join(hostile, 'acmapi.env'), '--', '--concurrency', '8']);
    expect(run.code, run.stderr).toBe(0);

    const service = join(unitDir(root), 'acmapi-renew.service');
    const timer = join(unitDir(root), 'acmapi-renew.timer');
    for (const file of [service, timer]) expect((statSync(file).mode & 0o777).toString(8)).toBe('644');
    expect(readlinkSync(join(unitDir(root), 'timers.target.wants/acmapi-renew.timer'))).toBe('/etc/systemd/system/acmapi-renew.timer');

    const checked = verify(service, timer);
    expect(checked.output).toBe('');
    expect(checked.code).toBe(0);

    // The check is sensitive to the quoting: the same unit with its % left single makes
    // systemd look for another executable ("%n" is the unit's name), and verify fails.
    const text = readFileSync(service, 'utf8');
    expect(text).toContain(`EnvironmentFile=${join(base, HOSTILE.replaceAll('%', '%%'), 'acmapi.env')}`);
    const broken = join(newRoot(), 'acmapi-renew.service');
    writeFileSync(broken, text.replaceAll('%%', '%'));
    const refused = verify(broken);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(/is not executable/);
  });

  it('picks systemd by itself where the root has it running (/run/systemd/system)', async () => {
    const root = newRoot();
    mkdirSync(join(root, 'run/systemd/system'), { recursive: true });
    const run = await runCli(['schedule', 'install', '--root', root, '--environment-file', '/etc/acmapi.env'], {}, base);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(unitDir(root), 'acmapi-renew.timer'))).toBe(true);
    expect(existsSync(join(root, 'etc/cron.d/acmapi'))).toBe(false);
  });
});

/**
 * What cron hands to `/bin/sh -c` for a command field: Debian cron's do_command.c copies the
 * command, a `\` before `%` is dropped, and the first unescaped `%` ends the command (the rest
 * becomes its stdin).
 */
function asCronRunsIt(command: string): string {
  let out = '';
  let escaped = false;
  for (const ch of command) {
    if (escaped) {
      if (ch === '%') out = out.slice(0, -1);
      out += ch;
      escaped = false;
      continue;
    }
    if (ch === '%') return out;
    if (ch === '\\') escaped = true;
    out += ch;
  }
  return out;
}

describe('acmapi schedule install (cron, where systemd is absent)', () => {
  it('writes a cron.d entry that fires twice a day and, run as cron runs it, passes every argument and the credentials through', async () => {
    const root = newRoot();
    const hostile = join(base, `cron ${HOSTILE}`);
    const fakeBin = join(base, 'fake bin');
    mkdirSync(hostile, { recursive: true });
    mkdirSync(fakeBin, { recursive: true });
    // A stand-in node: records its arguments (NUL-separated) and the customer id it was given.
    const node = join(hostile, 'node');
    writeFileSync(node, `#!/bin/sh\nprintf '%s\\0' "$@" > "$(dirname "$0")/argv"\nprintf '%s' "$ACMAPI_CUSTOMER_ID" > "$(dirname "$0")/customer"\necho renewed\n`);
    chmodSync(node, 0o755);
    const script = join(hostile, 'acmapi 100%.cjs');
    writeFileSync(script, '');
    const logged = join(base, 'logged');
    writeFileSync(join(fakeBin, 'logger'), `#!/bin/sh\nprintf '%s\\n' "$*" > '${logged}'\ncat >> '${logged}'\n`);
    chmodSync(join(fakeBin, 'logger'), 0o755);
    const envFile = join(hostile, 'acmapi.env');
    writeFileSync(envFile, 'ACMAPI_CUSTOMER_ID=customer-7\n', { mode: 0o600 });
    const metrics = join(hostile, "it's 100% metrics.prom");

    const run = await runUnderUmask(['schedule', 'install', '--root', root, '--node', node, '--acmapi', script, '--out', join(hostile, 'store'), '--environment-file', envFile, '--', '--metrics-file', metrics]);
    expect(run.code, run.stderr).toBe(0);
    const file = join(root, 'etc/cron.d/acmapi');
    expect((statSync(file).mode & 0o777).toString(8)).toBe('644');
    expect(existsSync(join(unitDir(root), 'acmapi-renew.service'))).toBe(false);

    const parsed = CronFileParser.parseFileSync(file);
    expect(parsed.errors).toEqual({});
    expect(parsed.variables['PATH']).toBe(CRON_PATH);
    expect(parsed.expressions).toHaveLength(1);
    const job = defined(parsed.expressions[0]);
    job.reset(new Date(2030, 0, 1, 0, 0, 0));
    const day = Array.from({ length: 3 }, () => job.next().getTime());
    expect(day.slice(1).map((t, i) => t - defined(day[i]))).toEqual([12 * 3_600_000, 12 * 3_600_000]);

    const line = defined(readFileSync(file, 'utf8').split('\n').find((l) => /^\d/.test(l)));
    const fields = defined(/^(\S+) (\S+) (\S+) (\S+) (\S+) (\S+) (.*)$/.exec(line));
    expect(fields[6]).toBe('root');
    execFileSync('/bin/sh', ['-c', asCronRunsIt(defined(fields[7]))], { env: { PATH: `${fakeBin}:${CRON_PATH}` } });
    const argv = readFileSync(join(hostile, 'argv'), 'utf8').split('\0').slice(0, -1);
    expect(argv).toEqual([script, 'renew', '--quiet', '--out', join(hostile, 'store'), '--metrics-file', metrics]);
    expect(readFileSync(join(hostile, 'customer'), 'utf8')).toBe('customer-7');
    expect(readFileSync(logged, 'utf8')).toBe('-t acmapi\nrenewed\n');

    // Installing again keeps the times (and so the whole file): nothing churns under config management.
    const before = readFileSync(file, 'utf8');
    expect((await runCli(['schedule', 'install', '--root', root, '--node', node, '--acmapi', script, '--out', join(hostile, 'store'), '--environment-file', envFile, '--', '--metrics-file', metrics], {}, base)).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('--dry-run prints the file and writes nothing', async () => {
    const root = newRoot();
    const run = await runCli(['schedule', 'install', '--root', root, '--cron', '--dry-run', '--environment-file', '/etc/acmapi.env'], {}, base);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`# ${join(root, 'etc/cron.d/acmapi')}`);
    expect(run.stdout).toMatch(/^\d+ \d+,\d+ \* \* \* root test -x /m);
    expect(existsSync(join(root, 'etc'))).toBe(false);
  });

  it('refuses the auth token after -- and writes nothing', async () => {
    const root = newRoot();
    const run = await runCli(['schedule', 'install', '--root', root, '--', '--auth-token', 'canary-secret-value'], {}, base);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--environment-file/);
    expect(run.stdout + run.stderr).not.toContain('canary-secret-value');
    expect(existsSync(join(root, 'etc'))).toBe(false);
  });

  it.each([['--cron', '--notify-url', 'https://hooks.example.com/services/canary-hook-path'], ['--systemd', '--notify-url=https://hooks.example.com/services/canary-hook-path']])(
    'refuses the notification URL after -- (%s) and points at ACMAPI_NOTIFY_URL in the environment file',
    async (kind, ...extra) => {
      const root = newRoot();
      const run = await runCli(['schedule', 'install', '--root', root, kind, '--environment-file', '/etc/acmapi.env', '--', ...extra], {}, base);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('ACMAPI_NOTIFY_URL');
      expect(run.stderr).toMatch(/--environment-file/);
      expect(run.stdout + run.stderr).not.toContain('canary-hook-path');
      expect(existsSync(join(root, 'etc'))).toBe(false);
    },
  );

  it('refuses --systemd with --cron', async () => {
    const run = await runCli(['schedule', 'install', '--root', newRoot(), '--systemd', '--cron'], {}, base);
    expect(run.code).toBe(2);
  });
});

describe('acmapi schedule show and remove', () => {
  it('round trip under --root: install, show (with the next cron run), remove, show nothing', async () => {
    const root = newRoot();
    expect((await runCli(['schedule', 'install', '--root', root, '--cron', '--environment-file', '/etc/acmapi.env'], {}, base)).code).toBe(0);
    const before = Date.now();
    const shown = await runCli(['schedule', 'show', '--root', root, '--json'], {}, base);
    const after = Date.now();
    expect(shown.code, shown.stderr).toBe(0);
    const json = JSON.parse(shown.stdout) as { installed: string[]; files: string[]; nextRun: string };
    expect(json.installed).toEqual(['cron']);
    expect(json.files).toEqual([join(root, 'etc/cron.d/acmapi')]);
    const job = defined(CronFileParser.parseFileSync(join(root, 'etc/cron.d/acmapi')).expressions[0]);
    // cron-parser's next run from just before and just after `show` ran; `show` saw a moment in between.
    const expected = [before, after].map((t) => CronExpressionParser.parse(job.stringify(), { currentDate: new Date(t) }).next().toDate().toISOString());
    expect(expected).toContain(json.nextRun);

    const human = await runCli(['schedule', 'show', '--root', root], {}, base);
    expect(human.stdout).toMatch(/next run: /);

    const removed = await runCli(['schedule', 'remove', '--root', root], {}, base);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain(`Deleted ${join(root, 'etc/cron.d/acmapi')}`);
    expect(existsSync(join(root, 'etc/cron.d/acmapi'))).toBe(false);

    const none = await runCli(['schedule', 'show', '--root', root, '--json'], {}, base);
    expect(JSON.parse(none.stdout)).toEqual({ installed: [], files: [] });
  });

  it('remove disables (the timers.target.wants link) and deletes the systemd units', async () => {
    const root = newRoot();
    expect((await runCli(['schedule', 'install', '--root', root, '--systemd', '--environment-file', '/etc/acmapi.env'], {}, base)).code).toBe(0);
    const shown = JSON.parse((await runCli(['schedule', 'show', '--root', root, '--json'], {}, base)).stdout) as { installed: string[]; files: string[] };
    expect(shown.installed).toEqual(['systemd']);
    expect(shown.files).toHaveLength(3);
    expect((await runCli(['schedule', 'remove', '--root', root], {}, base)).code).toBe(0);
    for (const file of ['acmapi-renew.service', 'acmapi-renew.timer', 'timers.target.wants/acmapi-renew.timer']) {
      expect(() => lstatSync(join(unitDir(root), file))).toThrow();
    }
    const again = await runCli(['schedule', 'remove', '--root', root], {}, base);
    expect(again.code).toBe(0);
    // A --root that is a file, or empty (the current folder), is a usage error, not "nothing installed".
    for (const bad of [join(root, 'etc', 'passwd-like'), '']) {
      if (bad !== '') {
        mkdirSync(join(root, 'etc'), { recursive: true });
        writeFileSync(bad, 'x');
      }
      const refused = await runCli(['schedule', 'show', '--root', bad], {}, base);
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toContain('--root');
    }
    // It names the files it looked for, not a bare folder ("under /").
    expect(again.stdout).toContain(`No acmapi schedule is installed: neither ${join(unitDir(root), 'acmapi-renew.timer')} nor ${join(root, 'etc', 'cron.d', 'acmapi')} exists.`);
  });
});
