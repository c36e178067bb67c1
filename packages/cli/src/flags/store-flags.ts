/**
 * Flags of the commands that work on the certificate store (`issue`, `retrieve`, `renew`):
 * the project file, the store folder, the lock wait and the renewal threshold. Imports no
 * part of core, so that `acmapi list` (which shares `--days`) starts light.
 */
import type { Command } from 'commander';
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

/** Adds `--force --days`. */
export function addRenewalOptions(command: Command): Command {
  return command
    .option('--force', 'apply even when the certificate is valid and not yet due, or over a pending application (whose key is kept)')
    .option('--days <n>', 'due when fewer than N days are left (default: acmapi.json defaults.renewBeforeDays, else when less than a third of the lifetime is left)');
}

/**
 * Parses `--days`.
 *
 * @throws {UsageError} `USAGE_DAYS` unless it is a whole number from 0 to 3650.
 */
export function parseDays(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) > 3650) {
    throw new UsageError(`--days ${JSON.stringify(text)} is not a whole number of days from 0 to 3650.`, { code: 'USAGE_DAYS', hint: 'Give e.g. --days 30 to renew when fewer than 30 days are left.' });
  }
  return Number(text);
}
