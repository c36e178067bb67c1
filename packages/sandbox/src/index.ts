/**
 * @acmapi/sandbox: the reference ACMAPI server of spec §6, with a real test CA.
 */
export {
  startSandbox,
  type Sandbox,
  type SandboxCaUrls,
  type SandboxCustomerSummary,
  type SandboxPerspective,
  type SandboxPolicy,
} from './sandbox.js';
export {
  DEMO_CUSTOMER,
  defaultSandboxOptions,
  type SandboxCertificateFormat,
  type SandboxConnectionOptions,
  type SandboxCustomerOptions,
  type SandboxFaultOptions,
  type SandboxOptions,
  type SandboxOutage,
  type SandboxPendingOptions,
  type SandboxPerspectiveOptions,
  type SandboxValidityProfile,
  type SandboxQuirkOptions,
  type SandboxValidationOptions,
} from './options.js';
export { resolveSandboxOptions, type ResolvedCustomer, type ResolvedSandboxOptions } from './resolve-options.js';
export { loadSandboxConfig, parseSandboxConfig } from './config-file.js';
export { formatSandboxBanner, type SandboxBannerOptions } from './banner.js';
export type { SandboxApplication, ApplicationState } from './applications.js';
export type { SandboxRequestRecord, SandboxValidationRecord } from './request-log.js';
export type { CaaDomainResult } from './caa/caa-check.js';
export type { CaaCorroboration, PerspectiveCaaResult } from './caa/caa-corroboration.js';
export type { CaaVerdictReason } from './caa/caa-policy.js';
export type { SandboxCaaRecord } from './dns/dns-lookup.js';
export type { ExtendedDnsError } from './dns/dnssec-query.js';
export type { DomainCorroboration, PerspectiveResult, PerspectiveSettings } from './validation/perspectives.js';
export { allowedNonCorroborations } from './validation/perspectives.js';
export { maximumValidityDays, profileValidityMs } from './pki/validity-profile.js';
export { SandboxError, type SandboxErrorCode } from './sandbox-error.js';
export { decideHop, urlRefusal, bodyContainsToken, type HopDecision, type HopInput } from './validation/redirect-policy.js';
export { matchesDomainPattern } from './domain-pattern.js';
