/**
 * `@acmapi/core`: the ACMAPI client, domain rules, keys and CSRs, certificate checks, the one
 * certificate lifecycle, the project file, and typed errors. Specialised entry points:
 * `@acmapi/core/preflight` (the signfile preflight, spec §5), `@acmapi/core/store` (the
 * crash-safe certificate store), `@acmapi/core/deploy` (putting the signfile in place),
 * `@acmapi/core/report` (the metrics file and notifications), `@acmapi/core/config` (validating
 * `acmapi.json`, and its defaults), `@acmapi/core/settings` (a certificate's remembered settings
 * merged with a front end's input), `@acmapi/core/text` (server strings shown as data).
 * The root holds at most 80 runtime exports (test/api-docs.test.ts): what a library user needs.
 *
 * @module @acmapi/core
 */

// Errors: match on `code`, or use the guards (they also recognise errors of a second copy of this package).
export {
  AcmApiError,
  CA_ERRORS,
  CaError,
  CertificateError,
  ConfigError,
  CsrError,
  DeployError,
  DomainError,
  ERROR_CODES,
  InternalError,
  OptionsError,
  PreflightError,
  ProtocolError,
  ReportError,
  StoreError,
  TransportError,
  isAcmApiError,
  isCaError,
  isCaErrorStatus,
  isCertificateError,
  isConfigError,
  isCsrError,
  isDeployError,
  isDomainError,
  isInternalError,
  isOptionsError,
  isPreflightError,
  isProtocolError,
  isReportError,
  isStoreError,
  isTransportError,
} from './errors/errors.js';
export type {
  AcmApiErrorCode,
  AcmApiErrorName,
  AcmApiErrorOptions,
  CaErrorCode,
  CaErrorInfo,
  CaErrorStatus,
  CertificateErrorCode,
  ConfigErrorCode,
  ConfigIssue,
  CsrErrorCode,
  DeployErrorCode,
  DomainErrorCode,
  InternalErrorCode,
  OptionsErrorCode,
  PreflightErrorCode,
  ProtocolErrorCode,
  ReportErrorCode,
  StoreErrorCode,
  TransportErrorCode,
  TransportPhase,
} from './errors/errors.js';
export type { CertificateNameRule, ConfigIssueCode, ConfigIssueFacts, ConfigIssueParams, DnsServerRule, JsonTypeName } from './errors/config-issue.js';

// The client (spec §2, §3).
export { AcmApiClient } from './client/client.js';
export type { AcmApiCallOptions, ApplyInput, CertificateResult, IssueOptions, IssuedCertificate, RetrieveOptions, WaitForOptions } from './client/client.js';
export { ACMAPI_CLIENT_DEFAULTS } from './client/client-options.js';
export type { AcmApiClientOptions, AcmApiClock, RetryEvent } from './client/client-options.js';

// Domain rules (spec §4).
export { MAX_DOMAINS, normalizeDomain, normalizeDomains } from './domains/domains.js';

// Keys, CSRs and certificate checks.
export { DEFAULT_KEY_TYPE, KEY_TYPES, isKeyType } from './pki/key-types.js';
export type { KeyType } from './pki/key-types.js';
export { loadPrivateKey } from './pki/keys.js';
export type { LoadedPrivateKey } from './pki/keys.js';
export { checkCsr, checkKeyMatchesCsr, createCsr, generateKeyAndCsr, parseCsr } from './pki/csr.js';
export type { CheckCsrOptions, CreateCsrOptions, CsrSubject, GenerateKeyAndCsrOptions, GenerateKeyAndCsrResult, ParsedCsr } from './pki/csr.js';
export { CLOCK_SKEW_TOLERANCE_MS, certificateMatchesPrivateKey, parseCertificateChain, verifyCertificate } from './pki/certificate.js';
export type { CertificateChain, CertificateInfo, VerifyCertificateExpected, VerifyCertificateResult } from './pki/certificate.js';
export { describePkiFile } from './pki/pki-file.js';
export type { CertificateDescription, CsrDescription, PkiFileDescription } from './pki/pki-file.js';

// The certificate lifecycle.
export { runCertificate } from './lifecycle/run-certificate.js';
export type { RunCertificateOptions, RunCertificateResult } from './lifecycle/run-certificate.js';
export type { AfterRun, AnsweredApplication } from './lifecycle/run-certificate.js';
export type { LifecycleEvent, LifecycleListener } from './lifecycle/events.js';
export { FLEET_DEFAULT_CONCURRENCY, runFleet } from './lifecycle/run-fleet.js';
export type { FleetCertificateResult, FleetOutcome, FleetPrepared, FleetTarget, RunFleetOptions, RunFleetResult } from './lifecycle/run-fleet.js';
export { expiryWarning, hookSucceeded } from './lifecycle/deploy-step.js';
export type { DeployReport, HookRunOptions } from './lifecycle/deploy-step.js';
export type { HookKind, HookResult } from './deploy/hooks.js';
export { checkKeySource, keySourceFromConfig, resolveKeySource } from './lifecycle/key-source.js';
export type { KeyAndCsr, KeySource, ResolveKeySourceOptions } from './lifecycle/key-source.js';
export { checkSignfilePhase, signfileToken } from './lifecycle/signfile-phase.js';
export type { Signfile, SignfilePhaseOptions, SignfilePlacement } from './lifecycle/signfile-phase.js';
export type {
  CertificateRepository,
  CertificateSession,
  InstallCertificateOptions,
  InstallCertificateResult,
  LiveFiles,
  PrepareApplicationInput,
  PrepareApplicationOptions,
  StoredApplication,
  WithCertificateOptions,
} from './lifecycle/repository.js';
// What a certificate remembers (runCertificate's `settings`); merging it with a front end's input is `@acmapi/core/settings`.
export type { CertificateSettings, HookCommands, InstallTargets, Pkcs12Setting, SignfilePlacementSetting, SignfileSetting } from './lifecycle/settings.js';
export { planApplication } from './lifecycle/plan-application.js';
export type { ApplicationPlan, ApplyReason, PlanApplicationOptions } from './lifecycle/plan-application.js';
export { needsRenewal } from './lifecycle/needs-renewal.js';
export type { CertificateValidity, NeedsRenewalOptions, RenewalDecision, RenewalReason } from './lifecycle/needs-renewal.js';
export { chooseRenewalTime } from './lifecycle/renewal-time.js';
export { BACKOFF_STEPS_MS, nextAttemptAt } from './lifecycle/backoff.js';
export { STEP_CHANNEL } from './lifecycle/steps.js';
export type { StepMessage } from './lifecycle/steps.js';
export type {
  ApplicationInfo,
  CertificateFailures,
  CertificateRecord,
  CertificateRecordOptions,
  CertificateState,
  LastAttempt,
  LiveCertificateInfo,
  RetiredApplicationInfo,
  CertificateRecordParts,
} from './store/certificate-record.js';

// The project file `acmapi.json`, and the one duration syntax.
export { findConfig, readConfig } from './config/read-config.js';
export type { ReadConfigResult } from './config/read-config.js';
// validateConfig and formatConfigIssues are in `@acmapi/core/config`: re-exported here, they
// (and zod, with the schema) would load with any import of the root in a bundle. The file's
// defaults (CONFIG_FILE_NAME, DEFAULT_ENDPOINT, …) are there too.
export type { AcmApiConfig, AcmApiConfigInput, CertificateConfig } from './config/config-schema.js';
export { DURATION_UNITS, parseDuration } from './config/duration.js';
export type { ParseDurationOptions } from './config/duration.js';

// Types of the preflight's result, which lifecycle events carry (the functions are in `@acmapi/core/preflight`).
export type { DomainPreflight, PreflightFailure, PreflightFailureKind, PreflightMode, PreflightRemedy, PreflightResult, ResolveOverride, SchemeOutcome } from './preflight/types.js';
