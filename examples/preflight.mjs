#!/usr/bin/env node
// Check, before applying, that every address of each domain serves the signfile the way the
// CA fetches it (spec §5): http and https, the CA's redirect rules, the body containing the
// token. Sends nothing to the CA.
//
//   node preflight.mjs --signfile ./signfile -d example.com -d www.example.com
//
// Exit 0 when every domain passes, 1 when one fails. For a test site: --resolve
// DOMAIN:ADDRESS (instead of DNS, as curl's --resolve) and --http-port N (dial this port for
// http:// URLs).
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { displayText } from '@acmapi/core/text';
import { parseResolveOverride, preflight } from '@acmapi/core/preflight';

const { values } = parseArgs({
  options: {
    signfile: { type: 'string' },
    domain: { type: 'string', short: 'd', multiple: true },
    resolve: { type: 'string', multiple: true, default: [] },
    'http-port': { type: 'string' },
  },
});
const domains = values.domain ?? [];
if (values.signfile === undefined || domains.length === 0) {
  console.error('usage: node preflight.mjs --signfile FILE -d DOMAIN [-d DOMAIN…]');
  process.exit(2);
}

const result = await preflight({
  domains,
  signfile: { name: basename(values.signfile), content: await readFile(values.signfile) },
  resolve: values.resolve.map(parseResolveOverride),
  ...(values['http-port'] === undefined ? {} : { httpPort: Number(values['http-port']) }),
});
for (const domain of result.domains) {
  if (domain.ok) {
    console.log(`${domain.domain}: ok (${domain.addresses.length} address(es))`);
  } else {
    // The failure's message can quote what a web server sent: show it as data.
    console.log(`${domain.domain}: failed (${domain.failure?.kind ?? 'unknown'}): ${displayText(domain.failure?.message ?? '')}`);
    if (domain.failure?.hint) console.log(`  hint: ${displayText(domain.failure.hint)}`);
  }
}
process.exitCode = result.ok ? 0 : 1;
