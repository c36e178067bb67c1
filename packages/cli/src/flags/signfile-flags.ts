/**
 * The signfile flags (spec §1, §5): where its content comes from and its file name
 * (`--signfile`, `--signfile-name`), the preflight's overrides for tests and split-horizon
 * DNS (`--resolve`, `--http-port`, `--https-port`) — shared by `check`, `issue` and `renew` —
 * and the constants of `issue`/`renew`'s placement flags (parsed in `settings-flags.ts`, since
 * a certificate remembers them). Core's lifecycle runs the signfile phase.
 */
import { readLocalFile } from '@acmapi/core/store';
import { OptionsError, signfileToken } from '@acmapi/core';
import { DEFAULT_SIGNFILE_NAME } from '@acmapi/core/config';
import type { PreflightMode, ResolveOverride, Signfile } from '@acmapi/core';
import { parseDnsServer, parseResolveOverride } from '@acmapi/core/preflight';
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
  dnsServer?: string[];
  /** acmapi.json's `dnsServers`, below the flag and `ACMAPI_DNS_SERVER` (filled by `withConfigSignfile`). */
  configDnsServers?: readonly string[];
  /** acmapi.json's `caaIdentities` (filled by `withConfigSignfile`). */
  caaIdentities?: readonly string[];
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
  /** DNS servers for every preflight lookup (`--dns-server`, else `ACMAPI_DNS_SERVER`, else acmapi.json), `ADDR:PORT`; empty: the system's. */
  readonly dnsServers: readonly string[];
  /** The CA's CAA identities from acmapi.json, when it names them. */
  readonly caaIdentities?: readonly string[] | undefined;
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
    .option('--https-port <n>', 'port to connect to for https:// URLs instead of 443')
    .option(
      '--dns-server <addr[:port]>',
      'DNS server for every preflight lookup (A, AAAA, CNAME, CAA) instead of the system resolver; repeatable (several: a warning when they disagree); env ACMAPI_DNS_SERVER (comma-separated)',
      collect,
      [],
    );
}

/**
 * The DNS servers: `--dns-server` flags, else `ACMAPI_DNS_SERVER` (comma-separated), else
 * acmapi.json's `dnsServers`; each checked with core's parser.
 *
 * @throws {UsageError} `USAGE_DNS_SERVER` naming the bad entry.
 */
export function parseDnsServerFlags(flags: readonly string[], env: NodeJS.ProcessEnv, fromConfig: readonly string[] = []): string[] {
  const fromEnv = (env['ACMAPI_DNS_SERVER'] ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '');
  const given = flags.length > 0 ? flags : fromEnv.length > 0 ? fromEnv : fromConfig;
  return given.map((value) => {
    try {
      return parseDnsServer(value);
    } catch (error) {
      if (!(error instanceof OptionsError)) throw error;
      throw new UsageError(error.message, { code: 'USAGE_DNS_SERVER', hint: 'Write --dns-server ADDR[:PORT] with an IP address, e.g. --dns-server 127.0.0.1:5353 or --dns-server [::1]:53.' });
    }
  });
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
 * @throws {UsageError} `USAGE_RESOLVE`, `USAGE_DNS_SERVER`, `USAGE_PORT` (0 is no port to connect to), `USAGE_SIGNFILE` (empty file).
 * @throws {LocalIoError} when the signfile cannot be read.
 */
export async function parseSignfileFlags(flags: SignfileFlags, env: NodeJS.ProcessEnv): Promise<SignfileSettings> {
  const resolve = parseResolveFlags(flags.resolve);
  const dnsServers = parseDnsServerFlags(flags.dnsServer ?? [], env, flags.configDnsServers);
  const httpPort = parsePort(flags.httpPort, '--http-port');
  const httpsPort = parsePort(flags.httpsPort, '--https-port');
  for (const [flag, port] of [['--http-port', httpPort], ['--https-port', httpsPort]] as const) {
    if (port === 0) throw new UsageError(`${flag} 0 names no port to connect to.`, { code: 'USAGE_PORT', hint: `Give the port the web server listens on, e.g. ${flag} 8080.` });
  }
  const envPath = env['ACMAPI_SIGNFILE'];
  const path = flags.signfile ?? (envPath === undefined || envPath === '' ? undefined : envPath);
  let signfile: Signfile | undefined;
  if (path !== undefined) {
    const content = new Uint8Array(await localIo('read the signfile', path, () => readLocalFile(path)));
    if (signfileToken(content) === '') {
      throw new UsageError(`The signfile ${path} is empty.`, { code: 'USAGE_SIGNFILE', hint: 'Pass the file the CA issued to your platform (its content is the token).' });
    }
    signfile = { name: flags.signfileName ?? DEFAULT_SIGNFILE_NAME, content };
  }
  return { signfile, signfilePath: path, resolve, httpPort, httpsPort, dnsServers, ...(flags.caaIdentities === undefined ? {} : { caaIdentities: flags.caaIdentities }) };
}
