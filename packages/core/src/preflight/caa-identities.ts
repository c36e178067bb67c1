/**
 * The CA's CAA identities when the project names none (issue 13): the CA's domain, taken from
 * the endpoint's host. Pure.
 */
import { isIP } from 'node:net';

/** The reference sandbox's CAA identity (its default `caaIdentities`, shown in its banner and admin API). */
export const SANDBOX_CAA_IDENTITY = 'sandbox.acmapi.test';

/**
 * The default CAA identities for an endpoint: the host's last two labels
 * (`https://acmapi.wosign.com/` → `['wosign.com']`). An endpoint on an IP address or on
 * `localhost` is a local test CA, which in this project is the sandbox:
 * `['sandbox.acmapi.test']`.
 *
 * The last two labels are the registrable domain for the CA hosts known here; a CA under a
 * multi-label public suffix (`ca.example.co.uk`) needs `caaIdentities` in acmapi.json. A
 * public-suffix library would know better, but its list would more than fill what the
 * GitHub Action's bundle has left (its dist limit).
 *
 * @param endpoint - the ACMAPI endpoint URL.
 */
export function defaultCaaIdentities(endpoint: string | URL): string[] {
  const host = (typeof endpoint === 'string' ? new URL(endpoint) : endpoint).hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  if (isIP(host) !== 0 || host === 'localhost' || host.endsWith('.localhost')) return [SANDBOX_CAA_IDENTITY];
  return [host.split('.').slice(-2).join('.')];
}

/**
 * The CA's CAA values for an endpoint and customer: {@link defaultCaaIdentities}, and for the
 * sandbox its RFC 8657 account URI `https://sandbox.acmapi.test/customer/CUSTOMER_ID`
 * (docs/ACMAPI.md). Another CA's account URI is not known to the client.
 *
 * @param identities - the configured `caaIdentities`, when the project names them.
 */
export function caaPolicyFor(endpoint: string | URL, customerId: string, identities?: readonly string[]): { identities: readonly string[]; accountUri?: string } {
  const defaults = defaultCaaIdentities(endpoint);
  const chosen = identities ?? defaults;
  return chosen.includes(SANDBOX_CAA_IDENTITY) ? { identities: chosen, accountUri: `https://${SANDBOX_CAA_IDENTITY}/customer/${customerId}` } : { identities: chosen };
}
