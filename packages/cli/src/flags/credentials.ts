/**
 * Where the CLI gets the CA's endpoint and the platform's credentials (spec §1):
 * flags first, then environment variables.
 */
import { MAX_CA_FILE_BYTES, readLocalTextFile } from '@acmapi/core/store';
import { isIPv4 } from 'node:net';
import type { Command } from 'commander';
import type { Output } from '../present/output.js';
import { UsageError, localIo } from './cli-errors.js';

/** The ACMAPI endpoint used when neither `--endpoint` nor `ACMAPI_ENDPOINT` is set (spec §1). */
export const DEFAULT_ENDPOINT = 'https://acmapi.wosign.com/';

/** Credential flags as commander parsed them. */
export interface CredentialFlags {
  endpoint?: string;
  customerId?: string;
  authToken?: string;
  caFile?: string;
}

/** Resolved credentials, ready for `new AcmApiClient(…)`. */
export interface Credentials {
  endpoint: string;
  customerId: string;
  /** A secret: never printed, never saved. */
  authToken: string;
  /**
   * The CA certificates (PEM texts) the endpoint's TLS trusts in place of Node's default
   * roots: `--ca-file`/`ACMAPI_CA_FILE`'s, then `NODE_EXTRA_CA_CERTS`'s when it is set.
   * `undefined` without a CA file: Node's default roots (and `NODE_EXTRA_CA_CERTS`).
   */
  ca: readonly string[] | undefined;
  /** Whether the token came from the command line (visible to other users in `ps`). */
  tokenFromFlag: boolean;
}

/** Warning printed when the token was passed as a flag. */
export const TOKEN_FLAG_WARNING =
  'Warning: --auth-token on the command line is visible to other users of this machine (ps, shell history). Prefer the ACMAPI_AUTH_TOKEN environment variable.';

/** What acmapi.json may supply: never the token (it is a secret and stays out of files). */
export interface CredentialDefaults {
  endpoint?: string | undefined;
  customerId?: string | undefined;
}

/**
 * Merges flags, environment (`ACMAPI_ENDPOINT`, `ACMAPI_CUSTOMER_ID`,
 * `ACMAPI_AUTH_TOKEN`, `ACMAPI_CA_FILE`) and acmapi.json's `endpoint`/`customerId`, in
 * that order, and reads the CA file (see {@link readTrust}).
 *
 * @throws {UsageError} `USAGE_CREDENTIALS` when the customer id or token is missing, or the endpoint is not an http(s) URL.
 * @throws {LocalIoError} when the CA file cannot be read.
 */
export async function resolveCredentials(flags: CredentialFlags, env: NodeJS.ProcessEnv, defaults: CredentialDefaults = {}): Promise<Credentials> {
  const endpoint = nonEmpty(flags.endpoint) ?? nonEmpty(env['ACMAPI_ENDPOINT']) ?? nonEmpty(defaults.endpoint) ?? DEFAULT_ENDPOINT;
  const customerId = nonEmpty(flags.customerId) ?? nonEmpty(env['ACMAPI_CUSTOMER_ID']) ?? nonEmpty(defaults.customerId);
  const flagToken = nonEmpty(flags.authToken);
  const authToken = flagToken ?? nonEmpty(env['ACMAPI_AUTH_TOKEN']);
  if (customerId === undefined) {
    throw new UsageError('No customer id given.', {
      code: 'USAGE_CREDENTIALS',
      hint: 'Set ACMAPI_CUSTOMER_ID (or pass --customer-id) to the customer id the CA issued to your platform.',
    });
  }
  if (authToken === undefined) {
    throw new UsageError('No auth token given.', {
      code: 'USAGE_CREDENTIALS',
      hint: 'Set ACMAPI_AUTH_TOKEN to the auth token the CA issued with your customer id.',
    });
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UsageError(`The endpoint ${JSON.stringify(endpoint)} is not a URL.`, {
      code: 'USAGE_CREDENTIALS',
      hint: 'Pass --endpoint (or ACMAPI_ENDPOINT) as a full URL, like https://acmapi.example.com/.',
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`The endpoint ${JSON.stringify(endpoint)} is not an http(s) URL.`, {
      code: 'USAGE_CREDENTIALS',
      hint: 'Pass --endpoint (or ACMAPI_ENDPOINT) as an https:// URL.',
    });
  }
  const caFile = nonEmpty(flags.caFile) ?? nonEmpty(env['ACMAPI_CA_FILE']);
  const ca = caFile === undefined ? undefined : await readTrust(caFile, env);
  return { endpoint, customerId, authToken, ca, tokenFromFlag: flagToken !== undefined };
}

/**
 * The CA file's text, then `NODE_EXTRA_CA_CERTS`'s when that names a readable file with a
 * certificate in it: `--ca-file` replaces Node's default roots, as curl's `--cacert` does
 * (the sandbox, a private CA), and what `NODE_EXTRA_CA_CERTS` adds stays added (Node itself
 * drops it wherever a CA list is given). Why replace: adding one root to Node's ~140 makes
 * OpenSSL parse them all at each start, several times the CPU of the rest of the TLS call.
 * An unreadable `NODE_EXTRA_CA_CERTS` is skipped, as Node skips it (Node warned at start).
 *
 * @throws {LocalIoError} when the CA file cannot be read.
 */
async function readTrust(caFile: string, env: NodeJS.ProcessEnv): Promise<readonly string[]> {
  const ca = await localIo('read the CA file', caFile, () => readLocalTextFile(caFile, { maxBytes: MAX_CA_FILE_BYTES }));
  const extraFile = nonEmpty(env['NODE_EXTRA_CA_CERTS']);
  if (extraFile === undefined) return [ca];
  const extra = await readLocalTextFile(extraFile, { maxBytes: MAX_CA_FILE_BYTES }).catch(() => '');
  return extra.includes('-----BEGIN CERTIFICATE-----') ? [ca, extra] : [ca];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * Whether `hostname` (as `URL.hostname` gives it, IPv6 in brackets) names this machine:
 * `localhost`, 127.0.0.0/8 or `::1`. Traffic to it never crosses a network.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIPv4(host)) return host.startsWith('127.');
  return host === '[::1]' || host === '::1';
}

/**
 * The warning for an endpoint that sends the auth token in cleartext: an `http:` URL whose
 * host is not a loopback address (the sandbox on 127.0.0.1 with `--tls off` is fine).
 *
 * @returns the warning, or `undefined` when there is nothing to warn about.
 */
export function cleartextWarning(endpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || isLoopbackHost(url.hostname)) return undefined;
  return `Warning: the endpoint ${url.origin} is plain http: the auth token and the CSR travel over the network unencrypted, readable by anyone on the path. Use an https:// endpoint.`;
}

/** Adds `--endpoint --customer-id --auth-token --ca-file`. */
export function addCredentialOptions(command: Command): Command {
  return command
    .option('--endpoint <url>', 'ACMAPI endpoint URL (env ACMAPI_ENDPOINT; default https://acmapi.wosign.com/)')
    .option('--customer-id <id>', 'customer id issued by the CA (env ACMAPI_CUSTOMER_ID)')
    .option('--auth-token <token>', 'auth token issued by the CA (env ACMAPI_AUTH_TOKEN, preferred: a flag is visible to other users)')
    .option('--ca-file <file>', 'CA certificates (PEM) the endpoint\'s TLS trusts instead of the default roots, like curl --cacert; NODE_EXTRA_CA_CERTS still adds (env ACMAPI_CA_FILE)');
}

/** Registers the auth token of the flag and of the environment as secrets of `output`, before anything can print it. */
export function registerTokens(flags: CredentialFlags, env: NodeJS.ProcessEnv, output: Output): void {
  for (const token of [flags.authToken, env['ACMAPI_AUTH_TOKEN']]) {
    if (token !== undefined) output.addSecret(token.trim());
  }
}

/**
 * Reads the credentials (see {@link resolveCredentials}) after registering the token as a
 * secret (so even an error about the rest cannot leak it); warns of a token on the command
 * line or sent over plain http.
 *
 * @throws as {@link resolveCredentials}.
 */
export async function credentialsFor(flags: CredentialFlags, env: NodeJS.ProcessEnv, output: Output, defaults: CredentialDefaults = {}): Promise<Credentials> {
  registerTokens(flags, env, output);
  const credentials = await resolveCredentials(flags, env, defaults);
  if (credentials.tokenFromFlag) output.warn(TOKEN_FLAG_WARNING);
  const cleartext = cleartextWarning(credentials.endpoint);
  if (cleartext !== undefined) output.warn(cleartext);
  return credentials;
}

/**
 * Credentials resolved once, on first use: a run that contacts no CA (every certificate
 * not yet due) needs none.
 */
export function lazyCredentials(flags: CredentialFlags, env: NodeJS.ProcessEnv, output: Output, defaults: CredentialDefaults = {}): () => Promise<Credentials> {
  registerTokens(flags, env, output);
  let pending: Promise<Credentials> | undefined;
  return () => (pending ??= credentialsFor(flags, env, output, defaults));
}
