/**
 * What every command shares: the credential flags, the `--json` flag, and the
 * wrapper that turns a result or an error into output and an exit code.
 */
import type { Command } from 'commander';
import { UsageError } from './cli-errors.js';
import { cleartextWarning, resolveCredentials, TOKEN_FLAG_WARNING } from './credentials.js';
import type { CredentialDefaults, CredentialFlags, Credentials } from './credentials.js';
import { describeError, formatError } from './describe-error.js';
import { exitCodeFor } from './exit-code-for.js';
import type { Output } from './output.js';
import type { ResultJson, TargetFacts } from './present.js';

/** Where a command's action reports its exit code. */
export interface CommandContext {
  env: NodeJS.ProcessEnv;
  /** Makes the Output for the command, once its `--json` flag is known. */
  makeOutput: (json: boolean) => Output;
  /** Set by the action; `run()` returns it. */
  exitCode: number;
}

/** Adds `--endpoint --customer-id --auth-token --ca-file`. */
export function addCredentialOptions(command: Command): Command {
  return command
    .option('--endpoint <url>', 'ACMAPI endpoint URL (env ACMAPI_ENDPOINT; default https://acmapi.wosign.com/)')
    .option('--customer-id <id>', 'customer id issued by the CA (env ACMAPI_CUSTOMER_ID)')
    .option('--auth-token <token>', 'auth token issued by the CA (env ACMAPI_AUTH_TOKEN, preferred: a flag is visible to other users)')
    .option('--ca-file <file>', 'extra CA certificates (PEM) to trust for the endpoint\'s TLS (env ACMAPI_CA_FILE)');
}

/**
 * Credentials resolved once, on first use: a run that contacts no CA (every certificate
 * not yet due) needs none.
 */
export function lazyCredentials(flags: CredentialFlags, ctx: CommandContext, output: Output, defaults: CredentialDefaults = {}): () => Promise<Credentials> {
  let pending: Promise<Credentials> | undefined;
  return () => (pending ??= credentialsFor(flags, ctx, output, defaults));
}

/** Adds `--timeout` and `--retries`. */
export function addClientOptions(command: Command): Command {
  return command
    .option('--timeout <duration>', 'overall deadline of each call to the CA, retries included, e.g. 30s, 5m, at most 2147483647ms (about 24.8 days; default 10m)')
    .option('--retries <n>', 'retries after CA error 111 or a network failure (default 3)');
}

/** Reads credentials and registers the token as a secret before anything can print it; warns of a token on the command line or over plain http. */
export async function credentialsFor(flags: CredentialFlags, ctx: CommandContext, output: Output, defaults: CredentialDefaults = {}): Promise<Credentials> {
  // Registered first, from both sources, so even an error about the rest cannot leak it.
  for (const token of [flags.authToken, ctx.env['ACMAPI_AUTH_TOKEN']]) {
    if (token !== undefined) output.addSecret(token.trim());
  }
  const credentials = await resolveCredentials(flags, ctx.env, defaults);
  if (credentials.tokenFromFlag) output.warn(TOKEN_FLAG_WARNING);
  const cleartext = cleartextWarning(credentials.endpoint);
  if (cleartext !== undefined) output.warn(cleartext);
  return credentials;
}

/**
 * Parses `--retries`.
 *
 * @throws {UsageError} `USAGE_RETRIES` unless it is a whole number 0–10.
 */
export function parseRetries(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) > 10) {
    throw new UsageError(`--retries ${JSON.stringify(text)} is not a whole number from 0 to 10.`, {
      code: 'USAGE_RETRIES',
      hint: 'Give --retries 0 to fail at once, or a small number like 3.',
    });
  }
  return Number(text);
}

/**
 * Runs an action: prints its result (human via `printHuman`, or the JSON object) and
 * records the exit code; on error prints what happened and what to do, and the `--json`
 * error result carries what `errorFacts` knows of the certificate (name, domains, dir).
 */
export async function runAction<T extends { exitCode: number } = ResultJson>(
  ctx: CommandContext,
  output: Output,
  action: () => Promise<T>,
  printHuman: (result: T) => void,
  errorFacts: () => TargetFacts = () => ({}),
): Promise<void> {
  try {
    const result = await action();
    printHuman(result);
    output.result(result);
    ctx.exitCode = result.exitCode;
  } catch (error) {
    const described = describeError(error);
    const exitCode = exitCodeFor(error);
    output.warn(formatError(described));
    // The certificate's name, domains and folder, as far as they were known when it failed.
    output.result({ status: 'error', ...errorFacts(), exitCode, error: described });
    ctx.exitCode = exitCode;
  }
}

/**
 * Parses a port flag.
 *
 * @throws {UsageError} `USAGE_PORT` unless it is a whole number 0–65535.
 */
export function parsePort(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65_535) {
    throw new UsageError(`${flag} ${JSON.stringify(text)} is not a port.`, { code: 'USAGE_PORT', hint: `Give a whole number from 0 to 65535, e.g. ${flag} 8443.` });
  }
  return port;
}
