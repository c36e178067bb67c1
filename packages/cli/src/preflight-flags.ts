/**
 * The flags that `acmapi check` and `acmapi issue` share for the signfile
 * (spec §1, §5): where its content comes from, its file name, and the two
 * overrides for tests and split-horizon DNS (`--resolve`, `--http-port`/`--https-port`).
 */
import { readFile } from 'node:fs/promises';
import { isOptionsError, parseResolveOverride } from '@acmapi/core';
import type { ResolveOverride } from '@acmapi/core';
import type { Command } from 'commander';
import { localIo, UsageError } from './cli-errors.js';
import { parsePort } from './command-kit.js';

/** The default file name of the signfile (spec §1: the source names it `signfile`). */
export const DEFAULT_SIGNFILE_NAME = 'signfile';

/** The flags as commander parsed them. */
export interface SignfileFlags {
  signfile?: string;
  signfileName?: string;
  resolve: string[];
  httpPort?: string;
  httpsPort?: string;
}

/** The parsed flags. */
export interface SignfileSettings {
  /**
   * The signfile, when `--signfile`/`ACMAPI_SIGNFILE` named a file: its name, its
   * exact bytes (what is deployed and served), and the token the check looks for
   * (the text without a byte-order mark and surrounding white space, as the CA
   * compares by containment of its token, spec §5).
   */
  readonly signfile: { readonly name: string; readonly content: Uint8Array; readonly token: string } | undefined;
  /** Where the file came from, for messages. */
  readonly signfilePath: string | undefined;
  readonly resolve: readonly ResolveOverride[];
  readonly httpPort: number | undefined;
  readonly httpsPort: number | undefined;
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
      if (!isOptionsError(error)) throw error;
      throw new UsageError(`--resolve: ${error.message}`, { code: 'USAGE_RESOLVE', hint: 'Write --resolve DOMAIN:ADDRESS[,ADDRESS…], e.g. --resolve example.com:203.0.113.7,2001:db8::7.' });
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
  let signfile: SignfileSettings['signfile'];
  if (path !== undefined) {
    const content = await localIo('read the signfile', path, () => readFile(path));
    const token = new TextDecoder('utf-8', { ignoreBOM: true }).decode(content).replace(/^\uFEFF/, '').trim();
    if (token === '') {
      throw new UsageError(`The signfile ${path} is empty.`, { code: 'USAGE_SIGNFILE', hint: 'Pass the file the CA issued to your platform (its content is the token).' });
    }
    signfile = { name: flags.signfileName ?? DEFAULT_SIGNFILE_NAME, content: new Uint8Array(content), token };
  }
  return { signfile, signfilePath: path, resolve, httpPort, httpsPort };
}
