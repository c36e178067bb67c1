/**
 * `acmapi schedule install | show | remove`: runs `acmapi renew --quiet` twice a day from a
 * systemd timer (`acmapi-renew.timer` + `acmapi-renew.service`, as Debian's certbot.timer) or,
 * where systemd is not running, from `/etc/cron.d/acmapi`. The unit and cron texts come from the
 * pure generators of `src/schedule/`; this file reads, writes and runs `systemctl`.
 *
 * `--root DIR` writes under DIR instead of `/` (a system image, a test): then `systemctl` is never
 * run, and the timer is enabled the way `systemctl --root=DIR enable` does it (a symlink in
 * `timers.target.wants`).
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { lstat, mkdir, readFile, rm, stat, symlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { writeFileAtomic } from '@acmapi/core/store';
import { localIo, UsageError } from '../flags/cli-errors.js';
import { DEFAULT_OUT_DIR, projectFilePath } from '../flags/project.js';
import { describeError, formatError } from '../present/describe-error.js';
import { exitCodeFor } from '../present/exit-code-for.js';
import { EXIT_CODES } from '../present/exit-codes.js';
import type { Output } from '../present/output.js';
import { chooseCronTimes, CRON_FILE, nextCronRun, parseCronTimes, renderCronFile } from '../schedule/cron-entry.js';
import { renewInvocation } from '../schedule/renew-invocation.js';
import type { RenewInvocation } from '../schedule/renew-invocation.js';
import { renderServiceUnit, renderTimerUnit, SERVICE_UNIT, SYSTEMD_UNIT_DIR, TIMER_UNIT, TIMER_WANTS_DIR } from '../schedule/systemd-units.js';
import type { CommandContext } from './command-kit.js';

/** What runs the renewals. */
export type ScheduleKind = 'systemd' | 'cron';

/** A file of a schedule: where it goes (absolute, under the root) and its text. */
export interface ScheduleFile {
  readonly path: string;
  readonly content: string;
}

/** Where a schedule's files are, under `root`. */
export function schedulePaths(root: string): { service: string; timer: string; timerLink: string; cron: string } {
  return {
    service: join(root, SYSTEMD_UNIT_DIR, SERVICE_UNIT),
    timer: join(root, SYSTEMD_UNIT_DIR, TIMER_UNIT),
    timerLink: join(root, TIMER_WANTS_DIR, TIMER_UNIT),
    cron: join(root, CRON_FILE),
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Whether `root` is this machine's `/` and systemd is its running init (sd_booted(3): /run/systemd/system exists). */
async function systemdRunsHere(root: string): Promise<boolean> {
  return resolve(root) === '/' && (await exists('/run/systemd/system'));
}

/**
 * The kind `install` picks without `--systemd`/`--cron`: systemd when it is running
 * (`ROOT/run/systemd/system`, sd_booted(3)), or, for an image under `--root`, when its systemd is
 * installed (`/usr/lib/systemd/systemd`, `/lib/systemd/systemd`); cron otherwise.
 */
export async function detectScheduleKind(root: string): Promise<ScheduleKind> {
  if (await exists(join(root, 'run/systemd/system'))) return 'systemd';
  if (resolve(root) !== '/') {
    for (const init of ['usr/lib/systemd/systemd', 'lib/systemd/systemd']) if (await exists(join(root, init))) return 'systemd';
  }
  return 'cron';
}

/** The result of one `systemctl` call. */
interface SystemctlRun {
  readonly command: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function systemctl(args: readonly string[]): Promise<SystemctlRun> {
  return new Promise((resolvePromise) => {
    execFile('systemctl', [...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 127;
      resolvePromise({ command: `systemctl ${args.join(' ')}`, code, stdout, stderr: stderr || (error?.message ?? '') });
    });
  });
}

/** Local tool output, made safe for a terminal: control characters dropped, length capped. */
function tail(text: string): string {
  // eslint-disable-next-line no-control-regex -- dropping control characters is the point
  const clean = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g, '').trim();
  return clean.length > 600 ? `…${clean.slice(-600)}` : clean;
}

/** A `systemctl` call failed: the files are in place, the timer may not be active. Exit 7. */
class SystemctlError extends Error {
  override name = 'SystemctlError';
  readonly code = 'SCHEDULE_SYSTEMCTL';
  readonly hint: string;
  constructor(run: SystemctlRun, hint: string) {
    super(`${run.command} failed (exit ${run.code})${run.stderr.trim() === '' ? '.' : `: ${tail(run.stderr)}`}`);
    this.hint = hint;
  }
}

/** Options of {@link planSchedule}. */
export interface PlanScheduleOptions {
  readonly kind: ScheduleKind;
  readonly root: string;
  readonly invocation: RenewInvocation;
  readonly user?: string | undefined;
  readonly environmentFile?: string | undefined;
  /** Random source for the cron times; used only when no earlier acmapi cron file gives them. */
  readonly random?: () => number;
}

/** The files of a schedule (read: an earlier cron file keeps its times, so installing again changes nothing). */
export async function planSchedule(options: PlanScheduleOptions): Promise<ScheduleFile[]> {
  const paths = schedulePaths(options.root);
  if (options.kind === 'systemd') {
    return [
      { path: paths.service, content: renderServiceUnit(options) },
      { path: paths.timer, content: renderTimerUnit() },
    ];
  }
  const earlier = await readFile(paths.cron, 'utf8').catch(() => undefined);
  const times = (earlier === undefined ? undefined : parseCronTimes(earlier)) ?? chooseCronTimes(options.random);
  return [{ path: paths.cron, content: renderCronFile({ ...options, times }) }];
}

interface InstallFlags {
  root: string;
  systemd?: boolean;
  cron?: boolean;
  user?: string;
  environmentFile?: string;
  out?: string;
  config?: string;
  node?: string;
  acmapi?: string;
  dryRun?: boolean;
}

async function install(flags: InstallFlags, renewArgs: readonly string[], env: NodeJS.ProcessEnv, output: Output): Promise<void> {
  const root = resolve(parseRoot(flags.root));
  const kind: ScheduleKind = flags.systemd === true ? 'systemd' : flags.cron === true ? 'cron' : await detectScheduleKind(root);
  const cwd = process.cwd();
  // The timer starts in /: what `acmapi renew` finds from here (./acmapi.json, ACMAPI_CONFIG,
  // ./certs) is written down as absolute paths, so the scheduled run works on the same store.
  const config = await projectFilePath({ config: flags.config }, env, cwd);
  const out = flags.out !== undefined ? resolve(cwd, flags.out) : config === undefined ? resolve(cwd, DEFAULT_OUT_DIR) : undefined;
  const environmentFile = flags.environmentFile === undefined ? undefined : resolve(cwd, flags.environmentFile);
  const invocation = renewInvocation({
    // The script that runs now: `acmapi` as typed (npm's symlink survives upgrades), made absolute.
    node: flags.node === undefined ? process.execPath : resolve(cwd, flags.node),
    acmapi: resolve(cwd, flags.acmapi ?? process.argv[1] ?? ''),
    out,
    config,
    extra: renewArgs,
  });
  const files = await planSchedule({ kind, root, invocation, user: flags.user, environmentFile });
  // npx and pnpm dlx run from a cache that is cleaned: the schedule would stop without a word.
  if (/[\\/](_npx|dlx)[\\/]/.test(invocation.acmapi)) {
    output.warn(`Warning: acmapi runs from a temporary cache (${invocation.acmapi}); install it (npm install -g @acmapi/cli) or pass --acmapi FILE, so the schedule keeps working.`);
  }

  if (flags.dryRun === true) {
    for (const file of files) output.say(`# ${file.path}\n${file.content}`);
    return;
  }
  const paths = schedulePaths(root);
  for (const file of files) {
    await localIo('create the folder', dirname(file.path), () => mkdir(dirname(file.path), { recursive: true, mode: 0o755 }));
    // 0644 whatever the umask: cron ignores a cron.d file others can write, and both must be readable by their daemon.
    await localIo('write', file.path, () => writeFileAtomic(file.path, file.content, { mode: 0o644 }));
    output.say(`Wrote ${file.path}`);
  }
  const other = kind === 'systemd' ? [paths.cron] : [paths.service, paths.timer];
  for (const path of other) if (await exists(path)) output.warn(`Warning: ${path} is installed too, so renew would run from both; remove it, or run acmapi schedule remove first.`);
  if (environmentFile === undefined) {
    output.warn('Note: no --environment-file: a scheduled renew that must ask the CA needs ACMAPI_CUSTOMER_ID and ACMAPI_AUTH_TOKEN; put them in a root-only file (chmod 600) and install again with --environment-file FILE.');
  } else {
    const info = await stat(join(root, environmentFile)).catch(() => undefined);
    if (info === undefined) output.warn(`Warning: the environment file ${environmentFile} does not exist yet; the scheduled renew ${kind === 'systemd' ? 'fails to start' : 'does not run'} until it does.`);
    else if ((info.mode & 0o044) !== 0) output.warn(`Warning: ${environmentFile} can be read by other users; it holds the auth token: chmod 600 ${environmentFile}`);
  }
  if (kind === 'cron') {
    output.say('Cron runs acmapi renew twice a day (see the file for the times); its output goes to the system log (tag acmapi).');
    return;
  }
  if (await systemdRunsHere(root)) {
    for (const args of [['daemon-reload'], ['enable', '--now', TIMER_UNIT]]) {
      const run = await systemctl(args);
      if (run.code !== 0) throw new SystemctlError(run, `The units are written; fix what systemctl says, then run: systemctl daemon-reload && systemctl enable --now ${TIMER_UNIT}`);
    }
    output.say(`Enabled and started ${TIMER_UNIT}: acmapi renew runs twice a day (see acmapi schedule show).`);
    return;
  }
  // No running systemd to ask (an image, a container): enable as `systemctl --root enable` does.
  await localIo('create the folder', dirname(paths.timerLink), () => mkdir(dirname(paths.timerLink), { recursive: true, mode: 0o755 }));
  await rm(paths.timerLink, { force: true });
  await localIo('link', paths.timerLink, () => symlink(`/${SYSTEMD_UNIT_DIR}/${TIMER_UNIT}`, paths.timerLink));
  output.say(`Enabled ${TIMER_UNIT} (${paths.timerLink}); systemd starts it when it boots this system.`);
}

/** What `schedule show` finds. */
export interface ScheduleShowJson {
  installed: ScheduleKind[];
  files: string[];
  /** ISO time of the next cron run; `undefined` for systemd (its random delay is decided by systemd). */
  nextRun?: string;
  /** `systemctl list-timers` output, when systemd runs here. */
  timers?: string;
}

async function show(rootFlag: string, now: Date): Promise<{ json: ScheduleShowJson; text: string[] }> {
  const root = resolve(parseRoot(rootFlag));
  const paths = schedulePaths(root);
  const json: ScheduleShowJson = { installed: [], files: [] };
  const text: string[] = [];
  const service = await readFile(paths.service, 'utf8').catch(() => undefined);
  if (service !== undefined || (await exists(paths.timer))) {
    json.installed.push('systemd');
    for (const path of [paths.service, paths.timer, paths.timerLink]) if (await exists(path)) json.files.push(path);
    text.push(`systemd: ${[paths.service, paths.timer].join(', ')}${(await exists(paths.timerLink)) ? ' (enabled)' : ' (not enabled)'}`);
    const exec = service?.split('\n').find((line) => line.startsWith('ExecStart='));
    if (exec !== undefined) text.push(`  ${tail(exec)}`);
    if (await systemdRunsHere(root)) {
      const run = await systemctl(['list-timers', TIMER_UNIT, '--all', '--no-pager']);
      json.timers = tail(run.code === 0 ? run.stdout : run.stderr);
      text.push(...json.timers.split('\n').map((line) => `  ${line}`));
    } else {
      text.push('  runs at 00:00 and 12:00 plus a random delay of up to 12 h, once systemd runs this system');
    }
  }
  const cron = await readFile(paths.cron, 'utf8').catch(() => undefined);
  if (cron !== undefined) {
    json.installed.push('cron');
    json.files.push(paths.cron);
    text.push(`cron: ${paths.cron}`);
    const job = cron.split('\n').find((line) => /^\d/.test(line));
    if (job !== undefined) text.push(`  ${tail(job)}`);
    const times = parseCronTimes(cron);
    if (times === undefined) text.push('  next run: unknown (the file was edited)');
    else {
      json.nextRun = nextCronRun(times, now).toISOString();
      text.push(`  next run: ${nextCronRun(times, now).toString()}`);
    }
  }
  if (json.installed.length === 0) text.push(`No acmapi schedule is installed: neither ${paths.timer} nor ${paths.cron} exists.`);
  return { json, text };
}

async function remove(rootFlag: string, output: Output): Promise<void> {
  const root = resolve(parseRoot(rootFlag));
  const paths = schedulePaths(root);
  const hasUnits = (await exists(paths.service)) || (await exists(paths.timer)) || (await exists(paths.timerLink));
  if (hasUnits && (await systemdRunsHere(root))) {
    const run = await systemctl(['disable', '--now', TIMER_UNIT]);
    if (run.code !== 0) throw new SystemctlError(run, `Nothing was deleted; fix what systemctl says and run acmapi schedule remove again.`);
  }
  let removed = 0;
  for (const path of [paths.timerLink, paths.timer, paths.service, paths.cron]) {
    if (!(await exists(path))) continue;
    await localIo('delete', path, () => rm(path, { force: true }));
    output.say(`Deleted ${path}`);
    removed++;
  }
  if (hasUnits && (await systemdRunsHere(root))) {
    const run = await systemctl(['daemon-reload']);
    if (run.code !== 0) throw new SystemctlError(run, 'The units are deleted; run systemctl daemon-reload.');
  }
  if (removed === 0) output.say(`No acmapi schedule is installed: neither ${paths.timer} nor ${paths.cron} exists.`);
}

/** Runs a subcommand's body: errors become a message and their exit code. */
async function guarded(ctx: CommandContext, output: Output, body: () => Promise<void>): Promise<void> {
  try {
    await body();
    ctx.exitCode = EXIT_CODES.OK;
  } catch (error) {
    if (error instanceof SystemctlError) {
      output.warn(formatError({ code: error.code, message: error.message, hint: error.hint }));
      ctx.exitCode = EXIT_CODES.LOCAL_IO;
      return;
    }
    output.warn(formatError(describeError(error)));
    ctx.exitCode = exitCodeFor(error);
  }
}

/**
 * Checks `--root`: a folder, or a path still to be made (an image being built); never empty
 * (which would mean the current folder) and never a file.
 *
 * @throws {UsageError} `USAGE_ROOT` otherwise.
 */
export function parseRoot(text: string): string {
  const hint = 'Give the folder of the file system to work on, e.g. --root /mnt/image (default /).';
  if (text.trim() === '') throw new UsageError('--root is empty.', { code: 'USAGE_ROOT', hint });
  const found = statSync(text, { throwIfNoEntry: false });
  if (found !== undefined && !found.isDirectory()) throw new UsageError(`--root ${JSON.stringify(text)} is not a folder.`, { code: 'USAGE_ROOT', hint });
  return text;
}

const ROOT_OPTION = ['--root <dir>', 'the file system to work on: write and read under DIR instead of / (a system image); systemctl is run only for /', '/'] as const;

/** Builds the `schedule` command and its `install`, `show` and `remove`. */
export function scheduleCommand(ctx: CommandContext): Command {
  const installCommand = new Command('install')
    .description(
      'write a systemd timer and service that run "acmapi renew --quiet" twice a day with a random delay (as certbot.timer), and enable it; where systemd is not running, /etc/cron.d/acmapi. Arguments after -- go to renew',
    )
    .argument('[renew-args...]', 'more renew arguments, after --, e.g. -- --concurrency 8 --metrics-file /var/lib/node_exporter/acmapi.prom')
    .option(...ROOT_OPTION)
    .addOption(new Option('--systemd', 'install the systemd units even where systemd is not running').conflicts('cron'))
    .option('--cron', 'install /etc/cron.d/acmapi even where systemd runs')
    .option('--user <user>', 'run renew as this user (cron user field, systemd User=; default root)')
    // Not --env-file: Node 20 takes --env-file for itself wherever it stands on its command line.
    .option('--environment-file <file>', 'a root-only file of ACMAPI_CUSTOMER_ID=…, ACMAPI_AUTH_TOKEN=… (and ACMAPI_NOTIFY_URL=…) lines the run reads (systemd EnvironmentFile=); the token and the notification URL never go into the schedule')
    .option('--out <dir>', 'the certificate store the run renews (default: what acmapi renew uses here: defaults.storeDir of acmapi.json, else ./certs), made absolute')
    .option('--config <file>', 'the project file (env ACMAPI_CONFIG; default ./acmapi.json when it exists), made absolute')
    .option('--node <file>', 'the Node.js binary to run (default: the one running now)')
    .option('--acmapi <file>', 'the acmapi script to run (default: the one running now)')
    .option('--dry-run', 'print the files and write nothing')
    .action(async (renewArgs: string[], flags: InstallFlags) => {
      const output = ctx.makeOutput(false);
      await guarded(ctx, output, () => install(flags, renewArgs, ctx.env, output));
    });
  const showCommand = new Command('show')
    .description('print the installed schedule: its files, the command it runs and the next run (systemctl list-timers when systemd runs)')
    .option(...ROOT_OPTION)
    .option('--json', 'print {"installed","files"} on stdout, with "nextRun" (cron) and "timers" (systemd running) when known')
    .action(async (flags: { root: string; json?: boolean }) => {
      const output = ctx.makeOutput(flags.json === true);
      await guarded(ctx, output, async () => {
        const { json, text } = await show(flags.root, new Date());
        if (!output.json) for (const line of text) output.say(line);
        output.result(json);
      });
    });
  const removeCommand = new Command('remove')
    .description('disable the timer and delete the units, or delete the cron file')
    .option(...ROOT_OPTION)
    .action(async (flags: { root: string }) => {
      const output = ctx.makeOutput(false);
      await guarded(ctx, output, () => remove(flags.root, output));
    });
  return new Command('schedule')
    .summary('run renew twice a day from a systemd timer or cron: schedule install, show, remove')
    .description('run acmapi renew twice a day from a systemd timer (as certbot.timer), or from /etc/cron.d where systemd is not running')
    .addCommand(installCommand)
    .addCommand(showCommand)
    .addCommand(removeCommand);
}

