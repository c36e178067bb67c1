/**
 * The signfile flags (spec §1, §5): where its content comes from and its file name
 * (`--signfile`, `--signfile-name`), the preflight's overrides for tests and split-horizon
 * DNS (`--resolve`, `--http-port`, `--https-port`) — shared by `check`, `issue` and `renew` —
 * and, for `issue`/`renew`, the preflight mode and where the signfile is put for the time of
 * the application (`--preflight`, `--webroot`, `--iis`, `--standalone`, `--port`). Core's
 * lifecycle runs that signfile phase; this module only turns flags into its options and
 * refuses flag combinations that cannot work, in the flags' own words.
 */
import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { DEFAULT_SIGNFILE_NAME, OptionsError, signfileToken } from '@acmapi/core';
import type { PreflightMode, ResolveOverride, Signfile, SignfilePhaseOptions } from '@acmapi/core';
import { parseResolveOverride } from '@acmapi/core/preflight';
import type { Command } from 'commander';
import { localIo, UsageError } from './cli-errors.js';
import { parsePort } from './port.js';

/** The preflight modes `--preflight` accepts. */
export const PREFLIGHT_MODES: readonly PreflightMode[] = ['warn', 'strict', 'off'];

/** Port of `--standalone` without `--port`: where the CA fetches `http://` URLs. */
export const DEFAULT_STANDALONE_PORT = 80;

/** The shared flags as commander parsed them. */
export interface SignfileFlags {
  signfile?: string;
  signfileName?: string;
  resolve: string[];
  httpPort?: string;
  httpsPort?: string;
}

/** The shared flags, parsed. */
export interface SignfileSettings {
  /** The signfile, when `--signfile`/`ACMAPI_SIGNFILE` named a file: its name and its exact bytes. */
  readonly signfile: Signfile | undefined;
  /** Where the file came from, for messages. */
  readonly signfilePath: string | undefined;
  readonly resolve: readonly ResolveOverride[];
  readonly httpPort: number | undefined;
  readonly httpsPort: number | undefined;
}

/** The placement and mode flags of `issue` (`renew` has `--preflight` only). */
export interface PlacementFlags {
  preflight: PreflightMode;
  webroot?: string | undefined;
  iis?: boolean | undefined;
  standalone?: boolean | undefined;
  port?: string | undefined;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Adds `--signfile --signfile-name --resolve --http-port --https-port`. */
export function addSignfileOptions(command: Command): Command {
  return command
    .option('--signfile <file>', 'file holding the signfile the CA issued you (its exact content is the token; env ACMAPI_SIGNFILE)')
    .option('--signfile-name <name>', `file name under /.well-known/pki-validation/ (default ${DEFAULT_SIGNFILE_NAME})`)
    .option('--resolve <domain:addr[,addr…]>', 'addresses to use for DOMAIN instead of DNS, as curl --resolve without the port; repeatable', collect, [])
    .option('--http-port <n>', 'port to connect to for http:// URLs instead of 80 (the URLs and redirect rules keep 80)')
    .option('--https-port <n>', 'port to connect to for https:// URLs instead of 443');
}

/**
 * Parses a `--resolve` list with core's parser.
 *
 * @throws {UsageError} `USAGE_RESOLVE` naming the bad entry.
 */
export function parseResolveFlags(values: readonly string[]): ResolveOverride[] {
  return values.map((value) => {
    try {
      return parseResolveOverride(value);
    } catch (error) {
      if (!(error instanceof OptionsError)) throw error;
      throw new UsageError(error.message, { code: 'USAGE_RESOLVE', hint: 'Write --resolve DOMAIN:ADDRESS[,ADDRESS…], e.g. --resolve example.com:203.0.113.7,2001:db8::7.' });
    }
  });
}

/**
 * Parses the shared flags and reads the signfile (flag first, then `ACMAPI_SIGNFILE`).
 *
 * @throws {UsageError} `USAGE_RESOLVE`, `USAGE_PORT` (0 is no port to connect to), `USAGE_SIGNFILE` (empty file).
 * @throws {LocalIoError} when the signfile cannot be read.
 */
export async function parseSignfileFlags(flags: SignfileFlags, env: NodeJS.ProcessEnv): Promise<SignfileSettings> {
  const resolve = parseResolveFlags(flags.resolve);
  const httpPort = parsePort(flags.httpPort, '--http-port');
  const httpsPort = parsePort(flags.httpsPort, '--https-port');
  for (const [flag, port] of [['--http-port', httpPort], ['--https-port', httpsPort]] as const) {
    if (port === 0) throw new UsageError(`${flag} 0 names no port to connect to.`, { code: 'USAGE_PORT', hint: `Give the port the web server listens on, e.g. ${flag} 8080.` });
  }
  const envPath = env['ACMAPI_SIGNFILE'];
  const path = flags.signfile ?? (envPath === undefined || envPath === '' ? undefined : envPath);
  let signfile: Signfile | undefined;
  if (path !== undefined) {
    const content = new Uint8Array(await localIo('read the signfile', path, () => readFile(path)));
    if (signfileToken(content) === '') {
      throw new UsageError(`The signfile ${path} is empty.`, { code: 'USAGE_SIGNFILE', hint: 'Pass the file the CA issued to your platform (its content is the token).' });
    }
    signfile = { name: flags.signfileName ?? DEFAULT_SIGNFILE_NAME, content };
  }
  return { signfile, signfilePath: path, resolve, httpPort, httpsPort };
}

/**
 * Core's signfile phase options from the flags, after refusing combinations that cannot work.
 *
 * @throws {UsageError} `USAGE_SIGNFILE` (a signfile is needed for `--webroot`,
 *   `--standalone` and `--preflight strict`), `USAGE_SIGNFILE_PLACE` (`--webroot` with
 *   `--standalone`, `--iis` without `--webroot`), `USAGE_PORT` (`--port` without
 *   `--standalone`, or not a port).
 */
export function signfilePhase(flags: PlacementFlags, settings: SignfileSettings): SignfilePhaseOptions {
  if (flags.port !== undefined && flags.standalone !== true) {
    throw new UsageError('--port was given without --standalone.', { code: 'USAGE_PORT', hint: 'Add --standalone, or drop --port.' });
  }
  const standalonePort = flags.standalone === true ? (parsePort(flags.port, '--port') ?? DEFAULT_STANDALONE_PORT) : undefined;
  const needs = flags.webroot !== undefined ? '--webroot' : standalonePort !== undefined ? '--standalone' : flags.preflight === 'strict' ? '--preflight strict' : undefined;
  if (needs !== undefined && settings.signfile === undefined) {
    throw new UsageError(`${needs} needs the signfile.`, { code: 'USAGE_SIGNFILE', hint: 'Pass the signfile the CA issued with --signfile FILE (or ACMAPI_SIGNFILE=FILE).' });
  }
  if (flags.webroot !== undefined && standalonePort !== undefined) {
    throw new UsageError('--webroot and --standalone exclude each other.', { code: 'USAGE_SIGNFILE_PLACE', hint: 'Use --webroot when a web server serves the domains, --standalone when none does.' });
  }
  if (flags.iis === true && flags.webroot === undefined) {
    throw new UsageError('--iis needs --webroot.', { code: 'USAGE_SIGNFILE_PLACE', hint: 'Add --webroot DIR (the IIS site\'s physical path).' });
  }
  const placement =
    flags.webroot !== undefined
      ? { kind: 'webroot' as const, dir: resolvePath(flags.webroot), iis: flags.iis === true }
      : standalonePort !== undefined
        ? { kind: 'standalone' as const, port: standalonePort }
        : undefined;
  return {
    signfile: settings.signfile,
    placement,
    preflight: flags.preflight,
    resolve: settings.resolve,
    ...(settings.httpPort === undefined ? {} : { httpPort: settings.httpPort }),
    ...(settings.httpsPort === undefined ? {} : { httpsPort: settings.httpsPort }),
  };
}
