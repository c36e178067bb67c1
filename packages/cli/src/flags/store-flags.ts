/**
 * Flags of the commands that work on the certificate store (`issue`, `retrieve`, `renew`):
 * the project file, the store folder, the lock wait and the renewal threshold. Imports no
 * part of core, so that `acmapi list` (which shares `--days`) starts light.
 */
import { Option, type Command } from 'commander';
import { UsageError } from './cli-errors.js';
import type { PfxFlags } from './pfx.js';
import { DEFAULT_OUT_DIR } from './project.js';
import type { ProjectFlags } from './project.js';

/** The flags as commander parsed them. */
export interface StoreFlags extends ProjectFlags, PfxFlags {
  lockWait?: string;
}

/** Adds `--config --out --lock-wait`. */
export function addProjectOptions(command: Command): Command {
  return command
    .option('--config <file>', 'the project file (env ACMAPI_CONFIG; default ./acmapi.json when it exists)')
    .option('--out <dir>', `the certificate store folder; each certificate is in DIR/<name>/ (default: defaults.storeDir of acmapi.json, else ${DEFAULT_OUT_DIR})`)
    .option('--lock-wait <duration>', 'how long to wait for another acmapi process working on the same certificate before giving up with exit 9, e.g. 30s, at most 30d; 0 fails at once (default 10s)');
}

/** The renewal threshold flags as commander parsed them: `--renew-before-days`, or its older short name `--days`. */
export interface RenewBeforeFlags {
  renewBeforeDays?: string;
  days?: string;
}

/** Adds `--renew-before-days` (the glossary's word, as acmapi.json's `renewBeforeDays` and the Action's `renew-before-days`) and its hidden alias `--days`. */
export function addRenewBeforeOption(command: Command): Command {
  return command
    .option('--renew-before-days <n>', 'due when fewer than N days are left (remembered per certificate; default: acmapi.json defaults.renewBeforeDays, else the renewal time chosen for the certificate, around two thirds of its lifetime)')
    .addOption(new Option('--days <n>', 'the older name of --renew-before-days').hideHelp());
}

/** Adds `--force --renew-before-days`. */
export function addRenewalOptions(command: Command): Command {
  return addRenewBeforeOption(command.option('--force', 'apply even when the certificate is valid and not yet due, or over a pending application (whose key is kept)'));
}

/**
 * Parses `--renew-before-days` (or `--days`).
 *
 * @throws {UsageError} `USAGE_DAYS` unless it is a whole number from 0 to 3650.
 */
export function parseDays(flags: RenewBeforeFlags): number | undefined {
  const flag = flags.renewBeforeDays === undefined ? '--days' : '--renew-before-days';
  const text = flags.renewBeforeDays ?? flags.days;
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) > 3650) {
    throw new UsageError(`${flag} ${JSON.stringify(text)} is not a whole number of days from 0 to 3650.`, {
      code: 'USAGE_DAYS',
      hint: `Give e.g. ${flag} 30 to renew when fewer than 30 days are left.`,
    });
  }
  return Number(text);
}
