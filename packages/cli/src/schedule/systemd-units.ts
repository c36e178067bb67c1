/**
 * The systemd units of `acmapi schedule install`: `acmapi-renew.service` (one `acmapi renew
 * --quiet`) and `acmapi-renew.timer` (twice a day with a random delay of up to 12 hours, as
 * Debian's `certbot.timer`). Pure: text in, text out.
 *
 * Quoting follows systemd.service(5) "Command lines" and systemd.unit(5) "Specifiers": each
 * argument is double-quoted with `\` and `"` escaped, `%` (a specifier) doubled, and `$` (an
 * environment variable reference in an argument) doubled. The executable itself is not
 * subject to `$` substitution, and systemd refuses one whose path holds `\`, `"` or `'`.
 */
import { UsageError } from '../flags/cli-errors.js';
import type { RenewInvocation } from './renew-invocation.js';
import { checkAbsolutePath, checkScheduleValue } from './renew-invocation.js';

/** The service unit's file name. */
export const SERVICE_UNIT = 'acmapi-renew.service';
/** The timer unit's file name. */
export const TIMER_UNIT = 'acmapi-renew.timer';
/** Where both units go, relative to the root. */
export const SYSTEMD_UNIT_DIR = 'etc/systemd/system';
/** Where `systemctl enable` links the timer (as `WantedBy=timers.target` asks), relative to the root. */
export const TIMER_WANTS_DIR = 'etc/systemd/system/timers.target.wants';

/** Options of {@link renderServiceUnit}. */
export interface ServiceUnitOptions {
  readonly invocation: RenewInvocation;
  /** An `EnvironmentFile=` with `ACMAPI_*` variables (the customer id and auth token), absolute. */
  readonly environmentFile?: string | undefined;
  /** `User=`: run as this user instead of root. */
  readonly user?: string | undefined;
}

/** `%` → `%%`: a literal percent sign in a setting that expands specifiers (systemd.unit(5)). */
export function escapeSpecifiers(value: string): string {
  return value.replaceAll('%', '%%');
}

/**
 * One argument of `ExecStart=`, quoted so that systemd passes exactly `arg`.
 *
 * @throws {UsageError} `USAGE_SCHEDULE` for a control character.
 */
export function quoteExecArgument(arg: string): string {
  checkScheduleValue('The argument', arg);
  return `"${escapeSpecifiers(arg.replaceAll('\\', '\\\\').replaceAll('"', '\\"')).replaceAll('$', '$$$$')}"`;
}

/**
 * The executable of `ExecStart=`, quoted.
 *
 * @throws {UsageError} `USAGE_SCHEDULE` for a relative path, a control character, or `\`, `"`, `'`
 *   in it (systemd refuses such an executable: "Executable name contains special characters").
 */
export function quoteExecutable(path: string): string {
  checkAbsolutePath('The executable', path);
  if (/["'\\]/.test(path)) {
    throw new UsageError(`systemd cannot run an executable whose path holds \\, " or ': ${JSON.stringify(path)}.`, {
      code: 'USAGE_SCHEDULE',
      hint: 'Pass --node FILE with a path (or a symlink) without those characters.',
    });
  }
  return `"${escapeSpecifiers(path)}"`;
}

/** The whole `ExecStart=` value of an invocation. */
export function execStartLine(invocation: RenewInvocation): string {
  return [quoteExecutable(invocation.node), ...[invocation.acmapi, ...invocation.args].map(quoteExecArgument)].join(' ');
}

/**
 * The text of `acmapi-renew.service`.
 *
 * Hardening is modest on purpose: the store, a webroot and the install targets may be anywhere
 * (/etc, /var/www, /srv, /home), and hooks reload other services (`systemctl reload nginx`),
 * so the file system stays writable (no `ProtectSystem=`, `ProtectHome=`, `ReadWritePaths=`) and
 * privileges are not dropped (no `NoNewPrivileges=`, `CapabilityBoundingSet=`: `--standalone`
 * binds port 80, a hook may use sudo). What is set cannot get in the way of renewing: a private
 * /tmp, no writes to kernel tunables, modules or the cgroup tree, no realtime scheduling, no
 * new set-uid files, no personality changes.
 *
 * @throws {UsageError} `USAGE_SCHEDULE` for a value that cannot be written (see {@link quoteExecutable}).
 */
export function renderServiceUnit(options: ServiceUnitOptions): string {
  const lines = [
    '# Written by `acmapi schedule install`; `acmapi schedule remove` disables and deletes it.',
    '# Started by acmapi-renew.timer: renews the certificates that are due, picks up pending ones.',
    '[Unit]',
    'Description=Renew acmapi certificates that are due',
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=oneshot',
    `ExecStart=${execStartLine(options.invocation)}`,
  ];
  if (options.environmentFile !== undefined) {
    checkAbsolutePath('The environment file', options.environmentFile);
    lines.push('# ACMAPI_CUSTOMER_ID, ACMAPI_AUTH_TOKEN…: kept out of this file, which every user can read.');
    // A path, not a command line: only specifiers are expanded, no quotes are removed.
    lines.push(`EnvironmentFile=${escapeSpecifiers(options.environmentFile)}`);
  }
  if (options.user !== undefined) lines.push(`User=${checkUserName(options.user)}`);
  lines.push(
    '# Modest hardening: every path stays writable (store, webroot, install targets) and hooks can',
    '# reload services; a webroot under /tmp would not be seen (PrivateTmp).',
    'PrivateTmp=true',
    'ProtectKernelTunables=true',
    'ProtectKernelModules=true',
    'ProtectControlGroups=true',
    'RestrictRealtime=true',
    'RestrictSUIDSGID=true',
    'LockPersonality=true',
    '',
  );
  return lines.join('\n');
}

/**
 * The text of `acmapi-renew.timer`: Debian's `certbot.timer` schedule. The random delay spreads a
 * fleet's machines over the day; `Persistent=true` runs a missed run at boot.
 */
export function renderTimerUnit(): string {
  return [
    '# Written by `acmapi schedule install`; `acmapi schedule remove` disables and deletes it.',
    '[Unit]',
    'Description=Run acmapi renew twice a day',
    '',
    '[Timer]',
    'OnCalendar=*-*-* 00,12:00:00',
    'RandomizedDelaySec=43200',
    'Persistent=true',
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
}

/**
 * A user name as `User=` and a cron line's user field take it: letters, digits, `_`, `.`, `-`
 * (and a trailing `$`, as Samba machine accounts have), at most 32 characters, not starting with `-`.
 *
 * @returns the name.
 * @throws {UsageError} `USAGE_SCHEDULE` otherwise.
 */
export function checkUserName(user: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,30}\$?$/.test(user)) {
    throw new UsageError(`--user ${JSON.stringify(user)} is not a user name.`, { code: 'USAGE_SCHEDULE', hint: 'Give a user name such as root or acmapi.' });
  }
  return user;
}
