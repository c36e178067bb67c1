/**
 * @acmapi/sandbox: the reference ACMAPI server of spec §6, with a real test CA.
 */
export { startSandbox, type Sandbox, type SandboxCaUrls, type SandboxCustomerSummary } from './sandbox.js';
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
  type SandboxQuirkOptions,
  type SandboxValidationOptions,
} from './options.js';
export { resolveSandboxOptions, type ResolvedCustomer, type ResolvedSandboxOptions } from './resolve-options.js';
export { loadSandboxConfig, parseSandboxConfig } from './config-file.js';
export { formatSandboxBanner, type SandboxBannerOptions } from './banner.js';
export type { SandboxApplication, ApplicationState } from './applications.js';
export type { SandboxRequestRecord } from './request-log.js';
export { SandboxError, type SandboxErrorCode } from './sandbox-error.js';
export { decideHop, urlRefusal, bodyContainsToken, type HopDecision, type HopInput } from './validation/redirect-policy.js';
export { matchesDomainPattern } from './domain-pattern.js';
