/** Builds the core client from the CLI's credentials and flags. */
import { AcmApiClient } from '@acmapi/core';
import type { Credentials } from './credentials.js';
import type { Output } from './output.js';

/** Flags that tune the client. */
export interface ClientFlags {
  /** `--timeout`: overall deadline of one call, retries included, in milliseconds. @default the client's (10 minutes) */
  timeoutMs?: number | undefined;
  /** `--retries`: retries after 111 or a transport failure. @default the client's (3) */
  retries?: number | undefined;
}

/** A client that announces its retries on stderr (so a slow CA does not look like a hang). */
export function createClient(credentials: Credentials, flags: ClientFlags, output: Output): AcmApiClient {
  return new AcmApiClient({
    endpoint: credentials.endpoint,
    customerId: credentials.customerId,
    authToken: credentials.authToken,
    ...(credentials.ca === undefined ? {} : { ca: credentials.ca }),
    ...(flags.timeoutMs === undefined ? {} : { deadlineMs: flags.timeoutMs }),
    ...(flags.retries === undefined ? {} : { retries: flags.retries }),
    onRetry: (event) => {
      const why = 'status' in event.error ? `answered ${event.error.status} (${event.error.code})` : `could not be reached (${event.error.code})`;
      output.warn(`The CA ${why}; retrying in ${(event.delayMs / 1000).toFixed(1)} s (retry ${event.retry}).`);
    },
  });
}
