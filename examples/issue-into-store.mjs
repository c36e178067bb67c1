#!/usr/bin/env node
// Issue a certificate into the crash-safe store with the one lifecycle, runCertificate.
//
//   ACMAPI_ENDPOINT=https://acmapi.example.net/ ACMAPI_CUSTOMER_ID=me ACMAPI_AUTH_TOKEN=… \
//   node issue-into-store.mjs --store /etc/acmapi --webroot /var/www/html \
//     --signfile ./signfile -d example.com -d www.example.com
//
// The signfile (the file the CA gave you) is written into the webroot for the time of the
// application and removed afterwards; the preflight checks first that every address of each
// domain serves it the way the CA fetches it, and nothing is sent when one does not (spec §5).
// Run it again and nothing is sent until the certificate is due (`not-due`). When the CA
// answers pending, the key, the CSR and the handle are already saved: run it again later,
// with --renew, to retrieve the certificate.
//
// Options for a test CA (the sandbox): ACMAPI_CA_FILE (a PEM file of extra roots to trust),
// --resolve DOMAIN:ADDRESS (use these addresses instead of DNS, as curl's --resolve) and
// --http-port N (dial this port for http:// URLs, as Pebble's httpPort).
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { AcmApiClient, isAcmApiError, runCertificate } from '@acmapi/core';
import { displayText } from '@acmapi/core/text';
import { parseResolveOverride } from '@acmapi/core/preflight';
import { certificatePaths, openStore } from '@acmapi/core/store';

const { values } = parseArgs({
  options: {
    store: { type: 'string' },
    webroot: { type: 'string' },
    signfile: { type: 'string' },
    domain: { type: 'string', short: 'd', multiple: true },
    name: { type: 'string' },
    renew: { type: 'boolean', default: false },
    resolve: { type: 'string', multiple: true, default: [] },
    'http-port': { type: 'string' },
  },
});
const domains = values.domain ?? [];
// The store's name of the certificate: its first domain unless --name says otherwise.
const name = values.name ?? domains[0];
if (values.store === undefined || values.webroot === undefined || values.signfile === undefined || name === undefined) {
  console.error('usage: node issue-into-store.mjs --store DIR --webroot DIR --signfile FILE -d DOMAIN [-d DOMAIN…] [--renew]');
  process.exit(2);
}
const { ACMAPI_ENDPOINT: endpoint, ACMAPI_CUSTOMER_ID: customerId, ACMAPI_AUTH_TOKEN: authToken, ACMAPI_CA_FILE: caFile } = process.env;
if (customerId === undefined || authToken === undefined) {
  console.error('Set ACMAPI_CUSTOMER_ID and ACMAPI_AUTH_TOKEN (and ACMAPI_ENDPOINT for another CA than the default).');
  process.exit(2);
}

const store = await openStore(values.store);
try {
  const result = await runCertificate({
    repository: store,
    name,
    // `issue` refuses over a pending application; `renew` retrieves it (and applies only when due).
    command: values.renew ? 'renew' : 'issue',
    domains,
    // Made only when the CA must be asked: a run with nothing due needs no credentials.
    client: async () =>
      new AcmApiClient({
        customerId,
        authToken,
        ...(endpoint === undefined ? {} : { endpoint }),
        ...(caFile === undefined ? {} : { ca: await readFile(caFile, 'utf8') }),
      }),
    signfile: {
      signfile: { name: basename(values.signfile), content: await readFile(values.signfile) },
      placement: { kind: 'webroot', dir: values.webroot },
      preflight: 'strict',
      resolve: values.resolve.map(parseResolveOverride),
      ...(values['http-port'] === undefined ? {} : { httpPort: Number(values['http-port']) }),
    },
    waitMs: 60_000, // poll a pending application this long, then keep its handle for a later run
    onEvent: (event) => console.error(`event: ${event.type}`),
  });
  console.log(`status: ${result.status}`);
  if (result.status === 'issued') {
    console.log(`handle: ${result.handleId}`);
    console.log(`not after: ${result.leaf.notAfter.toISOString()}`);
    // The live files (cert.pem, chain.pem, fullchain.pem, privkey.pem) are always here:
    console.log(`live: ${certificatePaths(store.dir, name).live}`);
  } else if (result.status === 'pending') {
    console.log(`handle: ${result.handleId} (saved; run again with --renew to retrieve it)`);
  } else if (result.status === 'not-due') {
    console.log(`renewal at: ${result.record.renewalAt?.toISOString() ?? 'unknown'}`);
  }
} catch (error) {
  // Errors carry a stable code and facts; a server's words go through displayText.
  if (!isAcmApiError(error)) throw error;
  console.error(`failed: ${error.code}: ${displayText(error.message)}`);
  process.exitCode = 1;
}
