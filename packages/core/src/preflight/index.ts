/**
 * `@acmapi/core/preflight`: the signfile preflight (spec §5, BR §3.2.2.4.18) — the CA's fetch
 * of `http(s)://DOMAIN/.well-known/pki-validation/NAME` predicted for every address of every
 * domain, with the CA's redirect rules, before an application is sent.
 *
 * @module @acmapi/core/preflight
 */
export { PREFLIGHT_DEFAULTS, enforcePreflight, preflight } from './preflight.js';
export type { PreflightOptions } from './preflight.js';
export { parseResolveOverride } from './resolve-override.js';
export { CAA_CRITICAL, KNOWN_CAA_TAGS, caaClimb, evaluateCaa, parseCaaIssueValue } from './caa.js';
export type { CaaDecision, CaaIssueValue, CaaLookup, CaaLookupFailure, CaaPolicy, CaaRecord, CaaRefusal } from './caa.js';
export { lookupCaa } from './caa-lookup.js';
export type { CaaResolver, NodeCaaRecord } from './caa-lookup.js';
export { SANDBOX_CAA_IDENTITY, caaPolicyFor, defaultCaaIdentities } from './caa-identities.js';
export { DEFAULT_DNS_PORT, dnsServerResolver, parseDnsServer } from './dns-servers.js';
export type { DnsServerResolverOptions } from './dns-servers.js';
export { SIGNFILE_EXCERPT_LENGTH, checkSignfileBody, sanitizeExcerpt } from './signfile-body.js';
export { describeFailure } from './describe-failure.js';
export type { FailureContext } from './describe-failure.js';
export type { SignfileBodyCheck, SignfileContentKind } from './signfile-body.js';
export { checkRedirect } from './redirect-policy.js';
export type { RedirectDecision, RedirectRefusal, RedirectRefusalReason } from './redirect-policy.js';
export { MAX_REDIRECTS } from './types.js';
export type {
  AddressPreflight,
  CaaReport,
  CdnHeaders,
  DomainPreflight,
  PreflightFailure,
  PreflightFailureKind,
  PreflightHop,
  PreflightMode,
  PreflightRemedy,
  PreflightResolver,
  PreflightResult,
  PreflightScheme,
  PreflightTimeoutPhase,
  ResolveOverride,
  ResolverAnswer,
  SchemeOutcome,
  TlsCertificateReport,
} from './types.js';
