/**
 * What `acmapi list` shows of one certificate, computed purely from its `state.json`.
 */
import type { StoreErrorCode } from '../errors/errors.js';
import { DEFAULT_KEY_TYPE, type KeyType } from '../pki/key-types.js';
import { needsRenewal, type RenewalDecision } from '../lifecycle/needs-renewal.js';
import type { CertificateSettings } from '../lifecycle/settings.js';
import { findVersion, type StoreState } from './store-state.js';

/**
 * The state of a certificate, in order of precedence:
 * - `pending`: an application has a handle and waits for the CA;
 * - `failed`: the last operation failed (see `lastError`); cleared by the next install;
 * - `expired`, `due`, `valid`: the live certificate's renewal state;
 * - `new`: nothing issued yet (maybe an application is `prepared`).
 */
export type CertificateState = 'valid' | 'due' | 'expired' | 'pending' | 'failed' | 'new';

/** The live certificate of a record. */
export interface LiveCertificateInfo {
  /** Version folder id. */
  version: string;
  domains: string[];
  keyType: KeyType;
  /** SHA-256 of the DER, upper-case hex with colons. */
  fingerprintSha256: string;
  serialNumber: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  installedAt: Date | undefined;
  /**
   * The handle of the application this certificate came from (spec §3), `undefined` when the
   * CA issued it at once without one; lets `retrieve` tell a handle already installed.
   */
  handleId: string | undefined;
  /** The renewal decision at the time the record was made. */
  renewal: RenewalDecision;
}

/** An application in progress. */
export interface ApplicationInfo {
  /** Version folder id holding its private key and CSR. */
  version: string;
  /** `prepared`: key and CSR saved, no handle known (the CA may or may not have it); `pending`: has a handle. */
  status: 'prepared' | 'pending';
  domains: string[];
  keyType: KeyType;
  preparedAt: Date;
  handleId: string | undefined;
  /** When the CA answered pending. */
  since: Date | undefined;
  lastPolledAt: Date | undefined;
  polls: number;
  endpoint: string | undefined;
}

/**
 * The newest application that ended without a certificate: `refused` by the CA (status 109
 * or another 101–110 answer to the application) or `abandoned` for a forced new one. Its
 * private key stays in its version folder.
 */
export interface RetiredApplicationInfo {
  /** Version folder id holding its private key and CSR. */
  version: string;
  status: 'refused' | 'abandoned';
  /** The domains it applied for. */
  domains: string[];
  keyType: KeyType;
  /** The handle, when the CA had given one. */
  handleId: string | undefined;
  retiredAt: Date | undefined;
  /** Why it ended, e.g. `CA_REFUSED: …`. */
  reason: string | undefined;
}

/** One certificate of the store, as `acmapi list` shows it. */
export interface CertificateRecord {
  /** The stable store name. */
  name: string;
  /** The live certificate's domains, else the application's. */
  domains: string[];
  keyType: KeyType;
  state: CertificateState;
  live: LiveCertificateInfo | undefined;
  /** The application in progress, if any. */
  application: ApplicationInfo | undefined;
  /**
   * The newest refused or abandoned application, if any: e.g. the domains of a certificate
   * whose first application was refused (then `domains` is empty).
   */
  lastRetired: RetiredApplicationInfo | undefined;
  lastError: { code: string; message: string; at: Date } | undefined;
  /** The certificate's folder; servers use `<dir>/fullchain.pem` and `<dir>/privkey.pem`. */
  dir: string;
  /** What it remembers of how it was obtained (`renew` uses them); absent before issue 10 or where a repository keeps none. */
  settings?: CertificateSettings | undefined;
  /**
   * The renewal time chosen once for the live certificate (see `renewal-time.ts`); it is the
   * live certificate's `renewal.renewAt` unless `days` is given. Absent when none was chosen.
   */
  renewalAt?: Date | undefined;
  /** Consecutive failures since the last install, and the earliest next attempt of `renew` (the backoff). */
  failures?: CertificateFailures | undefined;
  /** The last run that installed, got a pending answer, or failed. */
  lastAttempt?: LastAttempt | undefined;
  /**
   * Set when the folder cannot be read as a certificate: its `state.json` is damaged, or
   * missing beside its files (`code` `STORE_CORRUPT`, `path` the state file). Then `state` is
   * `failed`, `lastError` says why, and nothing else is known; the lifecycle must not run on
   * it (it would fail, or apply anew beside the untracked keys) until the file is restored
   * or the certificate deleted.
   */
  damaged?: { code: StoreErrorCode; path: string } | undefined;
}

/** See {@link CertificateRecord.failures}. */
export interface CertificateFailures {
  count: number;
  firstAt: Date;
  lastAt: Date;
  /** `renew` skips the certificate before this (result `skipped-by-backoff`) unless forced or `ignoreBackoff` (`--retry-now`). */
  nextAttemptAt: Date;
  /** The error code of the last failure. */
  code: string;
}

/** See {@link CertificateRecord.lastAttempt}. */
export interface LastAttempt {
  at: Date;
  result: 'issued' | 'pending' | 'failed' | 'not-due';
  /** The error code, for `failed`. */
  code?: string | undefined;
}

/** Options of {@link toCertificateRecord}. */
export interface CertificateRecordOptions {
  /** @default new Date() */
  now?: Date;
  /** Renew when fewer than this many days are left (see {@link needsRenewal}). */
  days?: number;
}

function date(value: string | undefined): Date | undefined {
  return value === undefined ? undefined : new Date(value);
}

/** Builds the record of one certificate from its state. Pure. */
export function toCertificateRecord(state: StoreState, dir: string, options: CertificateRecordOptions = {}): CertificateRecord {
  const current = findVersion(state, state.current);
  const attempt = findVersion(state, state.attempt);
  let live: LiveCertificateInfo | undefined;
  let renewalAt: Date | undefined;
  if (current?.certificate !== undefined) {
    const validity = { notBefore: new Date(current.certificate.notBefore), notAfter: new Date(current.certificate.notAfter) };
    // A renewal time chosen for an earlier certificate does not apply to this one.
    const chosen = state.renewal?.forFingerprint === current.certificate.fingerprintSha256 ? new Date(state.renewal.at) : undefined;
    renewalAt = chosen;
    live = {
      version: current.id,
      domains: current.domains,
      keyType: current.keyType,
      fingerprintSha256: current.certificate.fingerprintSha256,
      serialNumber: current.certificate.serialNumber,
      issuer: current.certificate.issuer,
      ...validity,
      installedAt: date(current.installedAt),
      handleId: current.handleId,
      renewal: needsRenewal(validity, {
        ...(options.now === undefined ? {} : { now: options.now }),
        ...(options.days === undefined ? {} : { days: options.days }),
        jitterSeed: current.certificate.fingerprintSha256,
        ...(chosen === undefined ? {} : { renewAt: chosen }),
      }),
    };
  }
  const application: ApplicationInfo | undefined =
    attempt !== undefined && (attempt.status === 'prepared' || attempt.status === 'pending')
      ? {
          version: attempt.id,
          status: attempt.status,
          domains: attempt.domains,
          keyType: attempt.keyType,
          preparedAt: new Date(attempt.preparedAt),
          handleId: attempt.handleId,
          since: date(attempt.pendingSince),
          lastPolledAt: date(attempt.lastPolledAt),
          polls: attempt.polls,
          endpoint: attempt.endpoint,
        }
      : undefined;
  const retired = state.versions.findLast((entry) => entry.status === 'refused' || entry.status === 'abandoned');
  const lastRetired: RetiredApplicationInfo | undefined =
    retired === undefined || (retired.status !== 'refused' && retired.status !== 'abandoned')
      ? undefined
      : {
          version: retired.id,
          status: retired.status,
          domains: retired.domains,
          keyType: retired.keyType,
          handleId: retired.handleId,
          retiredAt: date(retired.retiredAt),
          reason: retired.reason,
        };
  const lastError = state.lastError === undefined ? undefined : { ...state.lastError, at: new Date(state.lastError.at) };
  const failures = state.failures === undefined
    ? undefined
    : { ...state.failures, firstAt: new Date(state.failures.firstAt), lastAt: new Date(state.failures.lastAt), nextAttemptAt: new Date(state.failures.nextAttemptAt) };
  const lastAttempt = state.lastAttempt === undefined ? undefined : { ...state.lastAttempt, at: new Date(state.lastAttempt.at) };
  return composeCertificateRecord({
    name: state.name,
    live,
    application,
    lastRetired,
    lastError,
    dir,
    ...(state.settings === undefined ? {} : { settings: state.settings }),
    ...(renewalAt === undefined ? {} : { renewalAt }),
    ...(failures === undefined ? {} : { failures }),
    ...(lastAttempt === undefined ? {} : { lastAttempt }),
  });
}

/** The parts of a {@link CertificateRecord} that a repository reads; the rest is derived by {@link composeCertificateRecord}. */
export type CertificateRecordParts = Omit<CertificateRecord, 'state' | 'domains' | 'keyType'>;

/**
 * A record from its parts, with the rules every repository shares: the state's precedence
 * (`pending` › `failed` › `new` › `expired` › `due` › `valid`, see {@link CertificateState}),
 * and domains and key type from the live certificate, else from the application, else from
 * the remembered settings, else from the last retired application — so a certificate whose
 * first application failed still has its domains and `renew` can try again. Pure.
 */
export function composeCertificateRecord(parts: CertificateRecordParts): CertificateRecord {
  const { live, application, lastError, settings, lastRetired } = parts;
  let state: CertificateState;
  if (application?.status === 'pending') state = 'pending';
  else if (lastError !== undefined) state = 'failed';
  else if (live === undefined) state = 'new';
  else if (live.renewal.reason === 'expired') state = 'expired';
  else state = live.renewal.due ? 'due' : 'valid';
  const source = live ?? application;
  const domains = source?.domains ?? (settings !== undefined && settings.domains.length > 0 ? settings.domains : lastRetired?.domains) ?? [];
  const keyType = source?.keyType ?? settings?.keyType ?? lastRetired?.keyType ?? DEFAULT_KEY_TYPE;
  return { ...parts, domains: [...domains], keyType, state };
}
