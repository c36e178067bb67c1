/**
 * The command line a schedule runs: `NODE ACMAPI renew --quiet [--out STORE] [--config FILE]
 * [extra renew arguments]`, every path absolute (a timer or cron job starts in `/`, not in the
 * folder where `schedule install` was typed). Pure: checks and builds, reads nothing.
 */
import { isAbsolute } from 'node:path';
import { UsageError } from '../flags/cli-errors.js';

/** What a scheduled run executes. */
export interface RenewInvocation {
  /** The Node.js binary, absolute (`process.execPath` by default). */
  readonly node: string;
  /** The `acmapi` executable script (`dist/bin.cjs`, or the symlink npm made to it), absolute. */
  readonly acmapi: string;
  /** The arguments after the script: `renew --quiet …`. */
  readonly args: readonly string[];
}

/** Input of {@link renewInvocation}. */
export interface RenewInvocationOptions {
  readonly node: string;
  readonly acmapi: string;
  /** The store folder, absolute; omitted when the project file names it. */
  readonly out?: string | undefined;
  /** The project file, absolute. */
  readonly config?: string | undefined;
  /** Further `renew` arguments, as given after `--` (e.g. `--concurrency 8`, `--metrics-file FILE`). */
  readonly extra?: readonly string[] | undefined;
}

// C0 controls and DEL: no unit file line nor cron line can carry them (a newline would end
// the line and start a new directive or job).
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Rejects a value that cannot go into a unit file or a cron line.
 *
 * @throws {UsageError} `USAGE_SCHEDULE` when it holds a control character (newline, tab…).
 */
export function checkScheduleValue(what: string, value: string): void {
  if (CONTROL.test(value)) {
    throw new UsageError(`${what} ${JSON.stringify(value)} holds a control character (a newline, a tab…), which no unit file or cron line can carry.`, {
      code: 'USAGE_SCHEDULE',
      hint: 'Use a path without control characters.',
    });
  }
}

/** @throws {UsageError} `USAGE_SCHEDULE` unless `value` is an absolute path without control characters. */
export function checkAbsolutePath(what: string, value: string): void {
  checkScheduleValue(what, value);
  if (!isAbsolute(value)) {
    throw new UsageError(`${what} ${JSON.stringify(value)} is not an absolute path.`, { code: 'USAGE_SCHEDULE', hint: 'Give the full path, starting with /.' });
  }
}

/**
 * Builds the scheduled command line.
 *
 * The auth token and the notification URL (a webhook's path is its secret) never go on it (a
 * unit file and a cron line are readable by every user, and the command line shows in `ps`):
 * they come from the environment (`EnvironmentFile=`, or the file a cron line sources:
 * `ACMAPI_AUTH_TOKEN`, `ACMAPI_NOTIFY_URL`), so `--auth-token` and `--notify-url` among the
 * extra arguments are refused.
 *
 * @throws {UsageError} `USAGE_SCHEDULE` for a relative path, a control character, `--auth-token` or `--notify-url`.
 */
export function renewInvocation(options: RenewInvocationOptions): RenewInvocation {
  checkAbsolutePath('The Node.js binary', options.node);
  checkAbsolutePath('The acmapi script', options.acmapi);
  const args = ['renew', '--quiet'];
  if (options.out !== undefined) {
    checkAbsolutePath('The store folder', options.out);
    args.push('--out', options.out);
  }
  if (options.config !== undefined) {
    checkAbsolutePath('The project file', options.config);
    args.push('--config', options.config);
  }
  for (const arg of options.extra ?? []) {
    if (arg === '--auth-token' || arg.startsWith('--auth-token=')) {
      throw new UsageError('The auth token cannot be put into a schedule: unit files and cron lines are readable by every user, and the command line shows in ps.', {
        code: 'USAGE_SCHEDULE',
        hint: 'Put ACMAPI_CUSTOMER_ID=… and ACMAPI_AUTH_TOKEN=… in a file only root can read (chmod 600) and pass --environment-file FILE.',
      });
    }
    if (arg === '--notify-url' || arg.startsWith('--notify-url=')) {
      // A webhook URL's path is its secret, like the token: same files, same readers.
      throw new UsageError('The notification URL cannot be put into a schedule: its path is a secret, and unit files and cron lines are readable by every user, and the command line shows in ps.', {
        code: 'USAGE_SCHEDULE',
        hint: 'Put ACMAPI_NOTIFY_URL=… in the environment file only root can read (chmod 600) and pass --environment-file FILE; renew reads it from there.',
      });
    }
    checkScheduleValue('The renew argument', arg);
    args.push(arg);
  }
  return { node: options.node, acmapi: options.acmapi, args };
}
