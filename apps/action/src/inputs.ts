/**
 * The Action's inputs (`action.yml`), parsed and validated into one typed options
 * object before any I/O. Pure: the input reader is passed in, so tests need no runner.
 *
 * This module is on the cold path (everything the bundle loads before the first input
 * error), so it imports only what is small from core: the domain rules (spec §4, with their
 * IDNA tables) are applied after the inputs, when the certificates are made.
 */
import { isKeyType, OptionsError, parseDuration } from '@acmapi/core/options';
import type { KeySource, PreflightMode as CorePreflightMode } from '@acmapi/core';
import type { KeyType } from '@acmapi/core/options';
import { passphraseWeakness } from './published-folder/passphrase.js';

/** Reads one input as the runner gives it (`INPUT_<NAME>`), `''` when absent. */
export type GetInput = (name: string) => string;

/** How a failed signfile preflight affects the application (spec §5): core's {@link CorePreflightMode}. */
export type PreflightMode = CorePreflightMode;

/** Where issued certificates and pending state go. */
export type OutputMode = 'artifact' | 'commit' | 'none';

/** What one certificate is: from `domains`, or one entry of `acmapi.json`. */
export interface CertificateRequest {
  /** Its name: the folder under `path` (`PATH/<name>/`). */
  readonly name: string;
  /** Its domains (spec §4), normalised, 1 to 5. */
  readonly domains: readonly string[];
  /** Key type of a key the Action generates; `undefined`: the live certificate's, else ec-p256. */
  readonly keyType: KeyType | undefined;
  /** Where its key and CSR come from, when its acmapi.json entry says (`csr`, `key`): core's `keySourceFromConfig`. */
  readonly keySource?: KeySource;
}

/**
 * Values of `acmapi.json` that stand in for inputs left empty (an input given always
 * wins). Paths are relative to the workspace.
 */
export interface InputFallbacks {
  readonly endpoint?: string;
  readonly customerId?: string;
  readonly keyType?: KeyType;
  readonly renewBeforeDays?: number;
  readonly signfileName?: string;
  /** The signfile's token (content of `signfile.path`). */
  readonly signfile?: string;
}

/** Every input, parsed. Durations in milliseconds. */
export interface ActionInputs {
  /** ACMAPI endpoint URL. @default "https://acmapi.wosign.com/" */
  readonly endpoint: string;
  readonly customerId: string;
  /** A secret: masked as soon as it is read. */
  readonly authToken: string;
  /** A file of extra trusted CA certificates (PEM) for the endpoint, relative to the workspace. */
  readonly caFile: string | undefined;
  /** Domains given directly (`domains` input), as given (normalised when the certificate is made); empty when `config` is used. */
  readonly domains: readonly string[];
  /** Path of `acmapi.json` (`config` input), relative to the workspace. */
  readonly configPath: string | undefined;
  /** Names of the config's certificates to handle; empty means all. */
  readonly certificates: readonly string[];
  /** Name of the certificate given by `domains` (`name` input). @default the first domain */
  readonly name: string | undefined;
  /** Type of a generated key (`key-type`, else the config's default); `undefined`: the live certificate's, else ec-p256. */
  readonly keyType: KeyType | undefined;
  /** PEM of the private key from a secret; masked as soon as it is read. */
  readonly privateKey: string | undefined;
  /** PEM of a CSR (CSR-only flow: the Action never sees a private key). */
  readonly csr: string | undefined;
  /** The signfile's content (its token), for the preflight. */
  readonly signfile: string | undefined;
  /** @default "signfile" */
  readonly signfileName: string;
  /** @default "warn" */
  readonly preflight: PreflightMode;
  /** How long to wait for a pending application, milliseconds. @default 0 */
  readonly waitMs: number;
  /**
   * Renew when fewer than this many days are left; undefined applies core's rule (renew
   * when less than a third of the lifetime is left, see `needsRenewal`).
   * @default undefined
   */
  readonly renewBeforeDays: number | undefined;
  /** @default "none" */
  readonly output: OutputMode;
  /** Folder of the certificates, relative to the workspace. @default "certificates" */
  readonly path: string;
  /** @default "acmapi-certificates" */
  readonly artifactName: string;
  /** Artifact retention, days; undefined keeps the repository's default. */
  readonly retentionDays: number | undefined;
  /** Branch to commit to; undefined means the workflow's branch. */
  readonly branch: string | undefined;
  /** @default "chore(certificates): update {names}" */
  readonly commitMessage: string;
  /** Passphrase that encrypts a generated private key (PKCS#8); masked. */
  readonly keyPassphrase: string | undefined;
  /** Token for the commit (GitHub API). @default the workflow's GITHUB_TOKEN (from action.yml) */
  readonly githubToken: string | undefined;
  /** Certificates handled at once in a fleet. @default 4 */
  readonly concurrency: number;
}

/** An input is missing or malformed; the message names the input and what to give. */
export class InputError extends Error {
  override name = 'InputError';
}

/**
 * Defaults of the optional inputs. Those `acmapi.json` can also give (endpoint, key type,
 * signfile name, path) are not written in action.yml, so that an input left empty can
 * fall back to the config first.
 */
export const INPUT_DEFAULTS = {
  // Core's DEFAULT_ENDPOINT and DEFAULT_SIGNFILE_NAME (a test checks they agree): importing them
  // would put core's config schema, and zod with it, in the bundle's start-up chunk.
  endpoint: 'https://acmapi.wosign.com/',
  signfileName: 'signfile',
  preflight: 'warn' as PreflightMode,
  output: 'none' as OutputMode,
  path: 'certificates',
  artifactName: 'acmapi-certificates',
  commitMessage: 'chore(certificates): update {names}',
  concurrency: 4,
} as const;

/** Splits a list input on newlines and commas, dropping blanks. */
export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** Longest `wait`: a job on a self-hosted runner runs for at most 5 days (GitHub-hosted: 6 hours). */
export const MAX_WAIT_MS = 5 * 86_400_000;

/**
 * A duration input, in core's one syntax (`0`, `90s`, `10m`, `1.5h`; `parseDuration`).
 * @throws {InputError} naming the input, with core's reason.
 */
function durationInput(getInput: GetInput, name: string, fallback: string, maxMs: number): number {
  const text = optional(getInput, name) ?? fallback;
  try {
    return parseDuration(text, { option: name, maxMs });
  } catch (error) {
    if (error instanceof OptionsError) throw new InputError(`Input ${name} ${error.message}`, { cause: error });
    throw error;
  }
}

function optional(getInput: GetInput, name: string): string | undefined {
  const value = getInput(name).trim();
  return value === '' ? undefined : value;
}

/** `key-passphrase`, refused before any I/O when too weak to protect a committed key (issue 11, finding 5). */
function keyPassphrase(getInput: GetInput): string | undefined {
  const value = optional(getInput, 'key-passphrase');
  const weakness = value === undefined ? undefined : passphraseWeakness(value);
  if (weakness !== undefined) {
    throw new InputError(
      `Input key-passphrase is too weak: ${weakness}. The key it encrypts is committed or uploaded, where anyone who reads it can guess offline; use a random secret, e.g. from \`openssl rand -base64 24\`. A key saved with an older, shorter passphrase: see "Key passphrase" in the Action's README.`,
    );
  }
  return value;
}

function required(getInput: GetInput, name: string, what: string): string {
  const value = optional(getInput, name);
  if (value === undefined) throw new InputError(`Input ${name} is required: ${what}.`);
  return value;
}

function oneOf<T extends string>(getInput: GetInput, name: string, allowed: readonly T[], fallback: T): T {
  const value = optional(getInput, name) ?? fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InputError(`Input ${name} ${JSON.stringify(value)} is not one of ${allowed.join(', ')}.`);
  }
  return value as T;
}

function wholeNumber(getInput: GetInput, name: string, min: number, fallback: number | undefined): number | undefined {
  const text = optional(getInput, name);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min) {
    throw new InputError(`Input ${name} ${JSON.stringify(text)} must be a whole number from ${min}.`);
  }
  return Number(text);
}

/** A PEM input from a secret: GitHub secrets often lose their newlines or gain `\n` escapes. */
function pemInput(getInput: GetInput, name: string): string | undefined {
  const raw = optional(getInput, name);
  if (raw === undefined) return undefined;
  const text = raw.includes('\\n') && !raw.includes('\n') ? raw.replaceAll('\\n', '\n') : raw;
  return text.endsWith('\n') ? text : `${text}\n`;
}

/**
 * Reads and validates every input; an empty input takes its value from `fallbacks`
 * (the config's), then from {@link INPUT_DEFAULTS}.
 *
 * @throws {InputError} naming the first input that is missing or malformed.
 */
export function parseInputs(getInput: GetInput, fallbacks: InputFallbacks = {}): ActionInputs {
  const domainsText = optional(getInput, 'domains');
  const configPath = optional(getInput, 'config');
  if ((domainsText === undefined) === (configPath === undefined)) {
    throw new InputError('Give exactly one of the inputs domains (newline- or comma-separated) and config (path of acmapi.json).');
  }
  const keyTypeText = optional(getInput, 'key-type') ?? fallbacks.keyType;
  if (keyTypeText !== undefined && !isKeyType(keyTypeText)) {
    throw new InputError(`Input key-type ${JSON.stringify(keyTypeText)} is not one of rsa-2048, rsa-3072, rsa-4096, ec-p256, ec-p384.`);
  }
  const privateKey = pemInput(getInput, 'private-key');
  const csr = pemInput(getInput, 'csr');
  const output = oneOf(getInput, 'output', ['artifact', 'commit', 'none'], INPUT_DEFAULTS.output);
  const githubToken = optional(getInput, 'github-token');
  if (output === 'commit' && githubToken === undefined) {
    throw new InputError('Input github-token is empty, and output commit needs it: keep its default (${{ github.token }}) and grant "permissions: contents: write".');
  }
  const pathInput = optional(getInput, 'path');
  // Never the config's store folder: the Action publishes its own layout (encrypted key,
  // acmapi-state.json) for git or an artifact, which must not mix with the CLI's store.
  const path = pathInput ?? INPUT_DEFAULTS.path;
  if (path.startsWith('/') || path.split(/[\\/]/).includes('..')) {
    throw new InputError(`Input path ${JSON.stringify(path)} must be a folder inside the repository (relative, without "..").`);
  }
  const customerId = optional(getInput, 'customer-id') ?? fallbacks.customerId;
  if (customerId === undefined) throw new InputError('Input customer-id is required (or customerId in acmapi.json): the customer id the CA issued to your platform.');
  return {
    endpoint: optional(getInput, 'endpoint') ?? fallbacks.endpoint ?? INPUT_DEFAULTS.endpoint,
    customerId,
    authToken: required(getInput, 'auth-token', 'the auth token, from a repository secret (auth-token: ${{ secrets.ACMAPI_AUTH_TOKEN }})'),
    caFile: optional(getInput, 'ca-file'),
    domains: domainsText === undefined ? [] : splitList(domainsText),
    configPath,
    certificates: splitList(getInput('certificates')),
    name: optional(getInput, 'name'),
    keyType: keyTypeText,
    privateKey,
    csr,
    signfile: optional(getInput, 'signfile') ?? fallbacks.signfile,
    signfileName: optional(getInput, 'signfile-name') ?? fallbacks.signfileName ?? INPUT_DEFAULTS.signfileName,
    preflight: oneOf(getInput, 'preflight', ['warn', 'strict', 'off'], INPUT_DEFAULTS.preflight),
    waitMs: durationInput(getInput, 'wait', '0', MAX_WAIT_MS),
    renewBeforeDays: wholeNumber(getInput, 'renew-before-days', 0, fallbacks.renewBeforeDays),
    output,
    path,
    artifactName: optional(getInput, 'artifact-name') ?? INPUT_DEFAULTS.artifactName,
    retentionDays: wholeNumber(getInput, 'retention-days', 1, undefined),
    branch: optional(getInput, 'branch'),
    commitMessage: optional(getInput, 'commit-message') ?? INPUT_DEFAULTS.commitMessage,
    keyPassphrase: keyPassphrase(getInput),
    githubToken,
    concurrency: wholeNumber(getInput, 'concurrency', 1, INPUT_DEFAULTS.concurrency) ?? INPUT_DEFAULTS.concurrency,
  };
}
