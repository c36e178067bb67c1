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
export { SIGNFILE_EXCERPT_LENGTH, checkSignfileBody, sanitizeExcerpt } from './signfile-body.js';
export { describeFailure } from './describe-failure.js';
export type { FailureContext } from './describe-failure.js';
export type { SignfileBodyCheck, SignfileContentKind } from './signfile-body.js';
export { checkRedirect } from './redirect-policy.js';
export type { RedirectDecision, RedirectRefusal, RedirectRefusalReason } from './redirect-policy.js';
export { MAX_REDIRECTS } from './types.js';
export type {
  AddressPreflight,
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
  SchemeOutcome,
  TlsCertificateReport,
} from './types.js';
