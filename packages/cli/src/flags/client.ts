/** The flags that tune the client (`--timeout`, `--retries`), and the client built from them. */
import type { Command } from 'commander';
import { AcmApiClient } from '@acmapi/core';
import type { Output } from '../present/output.js';
import { UsageError } from './cli-errors.js';
import type { Credentials } from './credentials.js';

/** The client's flags, parsed. */
export interface ClientFlags {
  /** `--timeout`: overall deadline of one call, retries included, in milliseconds. @default the client's (10 minutes) */
  timeoutMs?: number | undefined;
  /** `--retries`: retries after 111 or a transport failure. @default the client's (3) */
  retries?: number | undefined;
}

/** Adds `--timeout` and `--retries`. */
export function addClientOptions(command: Command): Command {
  return command
    .option('--timeout <duration>', 'overall deadline of each call to the CA, retries included, e.g. 30s, 5m, at most 2147483647ms (about 24.8 days; default 10m)')
    .option('--retries <n>', 'retries after CA error 111 or a network failure (default 3)');
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

let parserTieringOff = false;

/**
 * Keeps V8 from recompiling undici's HTTP parser (llhttp, WebAssembly) with its optimizing
 * compiler: V8 compiles a WebAssembly module quickly first (Liftoff), then recompiles its
 * hot functions with TurboFan on a background thread. llhttp's parser is one very large
 * function: that recompilation alone cost about 100 ms of CPU per `acmapi issue` (a quarter
 * of it), and the process waited for it before exiting, to parse a few small answers that
 * Liftoff's code parses just as well. `--liftoff-only` changes WebAssembly only, and this
 * process only: the CLI is its own process (core, a library, never sets V8 flags). Called
 * before the first HTTP connection of a command; the flag exists in Node 20 to 24.
 */
export function keepHttpParserUnoptimized(): void {
  if (parserTieringOff) return;
  parserTieringOff = true;
  process.getBuiltinModule('node:v8').setFlagsFromString('--liftoff-only');
}

/** A client that announces its retries on stderr (so a slow CA does not look like a hang). */
export function createClient(credentials: Credentials, flags: ClientFlags, output: Output): AcmApiClient {
  keepHttpParserUnoptimized();
  return new AcmApiClient({
    endpoint: credentials.endpoint,
    customerId: credentials.customerId,
    authToken: credentials.authToken,
    // --ca-file replaces the default roots (see readTrust in credentials.ts).
    ...(credentials.ca === undefined ? {} : { ca: credentials.ca, trustDefaultRoots: false }),
    ...(flags.timeoutMs === undefined ? {} : { deadlineMs: flags.timeoutMs }),
    ...(flags.retries === undefined ? {} : { retries: flags.retries }),
    onRetry: (event) => {
      const why = 'status' in event.error ? `answered ${event.error.status} (${event.error.code})` : `could not be reached (${event.error.code})`;
      output.warn(`The CA ${why}; retrying in ${(event.delayMs / 1000).toFixed(1)} s (retry ${event.retry}).`);
    },
  });
}
