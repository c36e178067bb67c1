/** Core's CA client, in a module of its own so that it (and undici) loads only once a certificate needs the CA. */
import { AcmApiClient } from '@acmapi/core';
import type { AcmApiClientOptions } from '@acmapi/core';

/** A client for the endpoint of `options`. @throws {OptionsError} for options core refuses. */
export function createCaClient(options: AcmApiClientOptions): AcmApiClient {
  return new AcmApiClient(options);
}
