/**
 * The one schema of the project file `acmapi.json`, shared by the CLI, the GitHub Action and
 * the VS Code extension. It validates, supplies defaults and carries the descriptions that
 * the committed JSON Schema (`schema/acmapi.schema.json`) gives editors.
 *
 * The auth token is deliberately absent: it is a secret and belongs in `ACMAPI_AUTH_TOKEN`
 * or a secret store, never in a file that is committed.
 */
import * as z from 'zod';
import { DomainError } from '../errors/errors.js';
import { DEFAULT_KEY_TYPE, KEY_TYPES, type KeyType } from '../pki/key-types.js';
import { MAX_DOMAINS, normalizeDomain } from '../domains/domains.js';
import { certificateNameProblem, certificateNameRule, MAX_CERTIFICATE_NAME_LENGTH } from '../store/certificate-name.js';
import { DEFAULT_ENDPOINT, DEFAULT_SIGNFILE_NAME, DEFAULT_STORE_DIR } from './config-defaults.js';
import { dnsServerProblem, parseDnsServer } from '../preflight/dns-servers.js';
import type { ConfigIssueFacts } from '../errors/config-issue.js';

export { DEFAULT_ENDPOINT, DEFAULT_SIGNFILE_NAME, DEFAULT_STORE_DIR };
/** The `$id` of the committed JSON Schema. */
export const CONFIG_SCHEMA_ID = 'https://acmapi.dev/schema/acmapi.schema.json';

/** A signfile name: a plain file name (spec §1). */
export const SIGNFILE_NAME_PATTERN = /^[A-Za-z0-9._-]+$/;
/** A CAA issuer domain name (RFC 8659 §4.2): LDH labels. */
export const CAA_IDENTITY_PATTERN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * The key under which a custom zod issue of this schema carries its classified problem
 * (code and facts), read back by `validateConfig`.
 */
export const CONFIG_ISSUE_PARAM = 'acmapiConfigIssue';

/** The `params` of a custom zod issue that `validateConfig` turns into `issue`. */
function classified(issue: ConfigIssueFacts): Record<string, unknown> {
  return { [CONFIG_ISSUE_PARAM]: issue };
}

const keyType = z.enum(KEY_TYPES as readonly [KeyType, ...KeyType[]]);

const domain = z.string().transform((input, context) => {
  try {
    return normalizeDomain(input);
  } catch (error) {
    if (error instanceof DomainError) {
      context.addIssue({ code: 'custom', message: error.message, params: classified({ code: 'domain_refused', params: { rule: error.code, domain: input } }) });
    } else {
      context.addIssue({ code: 'custom', message: String(error) });
    }
    return z.NEVER;
  }
});

const certificateName = z.string().superRefine((name, context) => {
  const rule = certificateNameRule(name);
  if (rule === undefined) return;
  context.addIssue({
    code: 'custom',
    message: `Certificate name ${JSON.stringify(name)} ${certificateNameProblem(name) ?? ''}.`,
    params: classified({ code: 'certificate_name', params: { name, rule, maxLength: MAX_CERTIFICATE_NAME_LENGTH } }),
  });
});

const certificate = z
  .strictObject({
    name: certificateName.describe(
      'The certificate\'s stable store name (folder name): lower-case letters, digits, ".", "_", "-". Chosen once; never derived from the certificate\'s CN.',
    ),
    domains: z
      .array(domain)
      .min(1, 'A certificate needs at least one domain.')
      .max(MAX_DOMAINS, `At most ${MAX_DOMAINS} domains fit in one certificate (spec §2, error 106).`)
      .transform((domains) => [...new Set(domains)])
      .describe('The domains (SANs) of the certificate, at most 5 (spec §2, §4). No wildcards, no IP addresses.'),
    keyType: keyType.optional().describe('The key type of this certificate; defaults.keyType when absent.'),
    csr: z
      .string()
      .min(1)
      .optional()
      .describe('Path of a CSR (PEM) to send instead of generating a key, relative to the project file.'),
    key: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Path of the private key (PEM) to use, relative to the project file: the key of "csr" (default: privkey.pem beside the CSR, when it exists), or without "csr" a key to make the CSR with. Keep it out of version control.',
      ),
  })
  .describe('One certificate of the fleet.');

const defaults = z
  .strictObject({
    keyType: keyType.default(DEFAULT_KEY_TYPE).describe('Key type of new private keys.'),
    storeDir: z
      .string()
      .min(1)
      .default(DEFAULT_STORE_DIR)
      .describe('The certificate store folder, relative to the project file.'),
    renewBeforeDays: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Renew when fewer than this many days are left; by default when less than a third of the lifetime is left.'),
  })
  .describe('Defaults for every certificate.');

const signfile = z
  .strictObject({
    name: z
      .string()
      .regex(SIGNFILE_NAME_PATTERN, 'The signfile name must be a plain file name.')
      .default(DEFAULT_SIGNFILE_NAME)
      .describe('File name under /.well-known/pki-validation/ (spec §1).'),
    path: z.string().min(1).optional().describe('Path of the signfile issued by the CA, relative to the project file.'),
  })
  .describe('The signfile the CA fetches to validate domains (spec §5).');

/** The zod schema of `acmapi.json`. Parse with `validateConfig`, which reports every error with its JSON path. */
export const configSchema = z
  .strictObject({
    $schema: z.string().optional().describe('The JSON Schema of this file, for editors.'),
    endpoint: z.url({ protocol: /^https?$/ }).default(DEFAULT_ENDPOINT).describe('The ACMAPI endpoint URL (spec §1).'),
    customerId: z
      .string()
      .min(1)
      .optional()
      .describe('The customer id (UID) issued by the CA. Never put the auth token here: use ACMAPI_AUTH_TOKEN or a secret store.'),
    signfile: signfile.prefault({}),
    caaIdentities: z
      .array(z.string().regex(CAA_IDENTITY_PATTERN, 'A CAA identity is a domain name, e.g. wosign.com.'))
      .min(1)
      .optional()
      .describe(
        'The issuer domain names by which the CA recognises itself in CAA issue records (BR 3.2.2.8, RFC 8659). Default: the CA domain of the endpoint (wosign.com for the default endpoint; sandbox.acmapi.test for a sandbox on an IP address or localhost).',
      ),
    dnsServers: z
      .array(
        z.string().superRefine((server, context) => {
          const rule = dnsServerProblem(server);
          if (rule === undefined) return;
          try {
            parseDnsServer(server);
          } catch (error) {
            // parseDnsServer's own English, for the CLI.
            context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error), params: classified({ code: 'dns_server', params: { server, rule } }) });
          }
        }),
      )
      .optional()
      .describe('DNS servers (ADDR[:PORT], default port 53) the preflight asks for every lookup (A, AAAA, CNAME, CAA) instead of the system resolver; --dns-server and ACMAPI_DNS_SERVER replace them.'),
    defaults: defaults.prefault({}),
    certificates: z.array(certificate).default([]).describe('The certificates of the fleet.'),
  })
  .meta({ title: 'acmapi project file', description: 'acmapi.json: endpoint, customer id, signfile, defaults and the certificates of a fleet.' });

/** A validated project file, with defaults applied and domains normalised (spec §4). */
export type AcmApiConfig = z.output<typeof configSchema>;
/** A project file as written (before defaults). */
export type AcmApiConfigInput = z.input<typeof configSchema>;
/** One certificate of {@link AcmApiConfig}. */
export type CertificateConfig = AcmApiConfig['certificates'][number];
