/**
 * The cron.d file of `acmapi schedule install` where systemd is absent: `/etc/cron.d/acmapi`,
 * one job at minute M of hours H and H+12 (chosen at random once, as certbot's cron job sleeps
 * a random time, so that a fleet of machines does not call the CA at the same minute). Pure.
 *
 * Quoting: every value is shell-quoted in single quotes for `/bin/sh`, then each `%` is
 * written `\%`, because cron turns an unescaped `%` into a newline (crontab(5)) and removes
 * the backslash before an escaped one.
 */
import { UsageError } from '../flags/cli-errors.js';
import type { RenewInvocation } from './renew-invocation.js';
import { checkAbsolutePath, checkScheduleValue } from './renew-invocation.js';
import { checkUserName } from './systemd-units.js';

/** The cron.d file, relative to the root. A name without a dot: Debian's cron skips names with dots. */
export const CRON_FILE = 'etc/cron.d/acmapi';

/** The PATH of the job: cron's own is `/usr/bin:/bin`, too short for hooks that call `systemctl` or `nginx`. */
export const CRON_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Vixie/Debian cron reads at most 1000 characters of a command (MAX_COMMAND). */
export const CRON_MAX_COMMAND = 999;

/** When the job runs: `minute` of `hour` and of `hour + 12`, local time. */
export interface CronTimes {
  /** 0–59. */
  readonly minute: number;
  /** 0–11; the job also runs at `hour + 12`. */
  readonly hour: number;
}

/** Options of {@link renderCronFile}. */
export interface CronFileOptions {
  readonly invocation: RenewInvocation;
  readonly times: CronTimes;
  /** The user field. @default 'root' */
  readonly user?: string | undefined;
  /** A file of `NAME=value` lines (the `ACMAPI_*` credentials), sourced and exported before the run. */
  readonly environmentFile?: string | undefined;
}

/**
 * Picks the minute and hour of the job.
 *
 * @param random - uniform in [0, 1).
 */
export function chooseCronTimes(random: () => number = Math.random): CronTimes {
  return { minute: Math.floor(random() * 60), hour: Math.floor(random() * 12) };
}

/** `value` in single quotes for `/bin/sh` (a `'` inside becomes `'\''`). */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/**
 * A value quoted for the shell and escaped for cron.
 *
 * @throws {UsageError} `USAGE_SCHEDULE` for a control character, or a `\` right before a `%`:
 *   cron would read that backslash as escaping the next one, and the `%` would end the command.
 */
function cronWord(what: string, value: string): string {
  checkScheduleValue(what, value);
  if (value.includes('\\%')) {
    throw new UsageError(`${what} ${JSON.stringify(value)} holds \\ before %, which a cron line cannot carry.`, {
      code: 'USAGE_SCHEDULE',
      hint: 'Use a path without that sequence, or --systemd.',
    });
  }
  return shellQuote(value).replaceAll('%', '\\%');
}

/** The command field of the job (after the user). */
export function cronCommand(options: Omit<CronFileOptions, 'times' | 'user'>): string {
  const { invocation } = options;
  checkAbsolutePath('The Node.js binary', invocation.node);
  const node = cronWord('The Node.js binary', invocation.node);
  const script = cronWord('The acmapi script', invocation.acmapi);
  const steps = [`test -x ${node}`, `test -r ${script}`];
  if (options.environmentFile !== undefined) {
    checkAbsolutePath('The environment file', options.environmentFile);
    // set -a exports what the file sets, as systemd's EnvironmentFile= does.
    steps.push('set -a', `. ${cronWord('The environment file', options.environmentFile)}`, 'set +a');
  }
  const run = [node, script, ...invocation.args.map((arg) => (/^[A-Za-z0-9_.,:/=@+-]+$/.test(arg) ? arg : cronWord('The renew argument', arg)))].join(' ');
  // --quiet prints only what changed or failed; the system log keeps it (cron would mail it).
  steps.push(`${run} 2>&1 | logger -t acmapi`);
  return steps.join(' && ');
}

/**
 * The text of `/etc/cron.d/acmapi`.
 *
 * @throws {UsageError} `USAGE_SCHEDULE` for a value that cannot be written, a bad user name, or a
 *   command longer than cron reads ({@link CRON_MAX_COMMAND}).
 */
export function renderCronFile(options: CronFileOptions): string {
  const { minute, hour } = options.times;
  if (!Number.isInteger(minute) || minute < 0 || minute > 59 || !Number.isInteger(hour) || hour < 0 || hour > 11) {
    throw new RangeError(`cron times out of range: minute ${minute}, hour ${hour}`);
  }
  const user = checkUserName(options.user ?? 'root');
  const command = cronCommand(options);
  if (command.length > CRON_MAX_COMMAND) {
    throw new UsageError(`The cron command would be ${command.length} characters long; cron reads at most ${CRON_MAX_COMMAND}.`, {
      code: 'USAGE_SCHEDULE',
      hint: 'Put the renew options in acmapi.json (--config) or use shorter paths.',
    });
  }
  return [
    '# Written by `acmapi schedule install`; `acmapi schedule remove` deletes it.',
    `# acmapi renew twice a day, at ${pad(hour)}:${pad(minute)} and ${pad(hour + 12)}:${pad(minute)} (chosen at random at install, so that`,
    '# machines do not all call the CA at once): renews what is due, picks up pending applications.',
    'SHELL=/bin/sh',
    `PATH=${CRON_PATH}`,
    `${minute} ${hour},${hour + 12} * * * ${user} ${command}`,
    '',
  ].join('\n');
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * The times of the job in a cron.d file this module wrote (`M H,H+12 * * * …`), to keep them when
 * installing again and to tell the next run. `undefined` for any other text (edited by hand).
 */
export function parseCronTimes(text: string): CronTimes | undefined {
  for (const line of text.split('\n')) {
    const match = /^(\d{1,2}) (\d{1,2}),(\d{1,2}) \* \* \* /.exec(line);
    if (match === null) continue;
    const minute = Number(match[1]);
    const hour = Number(match[2]);
    if (minute <= 59 && hour <= 11 && Number(match[3]) === hour + 12) return { minute, hour };
  }
  return undefined;
}

/** The first run of the job strictly after `now`, in the local time zone (as cron runs it). */
export function nextCronRun(times: CronTimes, now: Date): Date {
  for (let day = 0; day <= 1; day++) {
    for (const hour of [times.hour, times.hour + 12]) {
      const at = new Date(now.getFullYear(), now.getMonth(), now.getDate() + day, hour, times.minute, 0, 0);
      if (at.getTime() > now.getTime()) return at;
    }
  }
  // Unreachable: tomorrow's first run is always after now.
  throw new RangeError('no next cron run');
}
