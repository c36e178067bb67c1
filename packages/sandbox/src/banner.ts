/**
 * The startup banner of `acmapi sandbox` (spec §6): where the API, the CA and the
 * admin endpoints are, and the customers with their signfiles, never their tokens (but
 * for the built-in demo customer's, which is public).
 */
import type { Sandbox, SandboxPolicy } from './sandbox.js';
import { perspectiveSource } from './validation/perspectives.js';

/** Options of {@link formatSandboxBanner}. */
export interface SandboxBannerOptions {
  /** Print the admin token (it is the sandbox's own secret, not a customer's). @default false */
  showAdminToken?: boolean;
}

/** The network perspectives: the primary alone, or with the remote ones and how many may disagree (BR 3.2.2.9). */
function perspectives(policy: SandboxPolicy): string {
  const count = policy.perspectives.length;
  if (count === 0) return 'primary only (no remote perspective corroborates)';
  const sources = count === 1 ? perspectiveSource(0) : `${perspectiveSource(0)}–${perspectiveSource(count - 1)}`;
  return `primary + ${count} remote from ${sources}; at most ${policy.allowedNonCorroborations} may disagree`;
}

/** How CAA is checked: not at all without DNS servers; through which servers; whether only DNSSEC-validated answers count. */
function caaChecking(policy: SandboxPolicy): string {
  if (policy.dnsServers.length === 0) return 'not checked: no DNS server';
  return `DNS servers ${policy.dnsServers.join(', ')}${policy.requireDnssec ? '; DNSSEC-validated answers only' : ''}`;
}

/** Formats the banner as lines of text (no trailing newline). */
export function formatSandboxBanner(
  sandbox: Pick<Sandbox, 'url' | 'caUrls' | 'adminUrl' | 'adminToken' | 'customers' | 'policy'>,
  options: SandboxBannerOptions = {},
): string {
  const policy = sandbox.policy();
  const lines = [
    `acmapi sandbox: ACMAPI reference server with a test CA (trusted by nothing)`,
    `  API endpoint:      ${sandbox.url}  (POST JSON)`,
    `  CA root:           ${sandbox.caUrls.rootPem}  (DER: ${sandbox.caUrls.rootDer})`,
    `  CA intermediate:   ${sandbox.caUrls.intermediatePem}  (DER: ${sandbox.caUrls.intermediateDer})`,
    `  admin:             POST ${sandbox.adminUrl}approve | ${sandbox.adminUrl}refuse  {"handle_id": "..."}; GET ${sandbox.adminUrl}applications`,
    `                     GET ${sandbox.adminUrl}validations | ${sandbox.adminUrl}policy; POST ${sandbox.adminUrl}perspectives  {"index": N, ...knobs}`,
    `  admin token:       ${options.showAdminToken === true ? sandbox.adminToken : '(hidden) Authorization: Bearer <admin token>'}`,
    `  CAA identities:    ${policy.caaIdentities.join(', ')}  (${caaChecking(policy)})`,
    `  perspectives:      ${perspectives(policy)}`,
    `  customers:`,
  ];
  for (const customer of sandbox.customers) {
    lines.push(
      `    ${customer.customerId}: signfile /.well-known/pki-validation/${customer.signfile.name} containing ${JSON.stringify(customer.signfile.content)}; allowed IPs ${customer.allowedIps.join(', ')}` +
        (customer.publicAuthToken === undefined ? '' : `; auth token ${JSON.stringify(customer.publicAuthToken)} (the built-in demo customer's, public)`),
    );
  }
  return lines.join('\n');
}
