/**
 * The `--json` result shapes (documented in README.md; fields may be added, none removed or
 * changed in meaning) and the pure functions that build them from core's results: one shape
 * for one certificate (`issue`, `retrieve`, `demo`, each entry of `renew`), and `renew`'s.
 */
import { join } from 'node:path';
import { StoreError } from '@acmapi/core';
import type { CertificateFailures, CertificateInfo, CertificateRecord, DeployReport, FleetOutcome, HookResult, PreflightResult, RunCertificateResult } from '@acmapi/core';
import { hookSucceeded } from '@acmapi/core';
import { describeError } from './describe-error.js';
import type { ErrorJson } from './describe-error.js';
import { EXIT_CODES, INTERRUPT_EXIT_CODES } from './exit-codes.js';
import { exitCodeFor } from './exit-code-for.js';
import type { InterruptSignal } from './exit-codes.js';

/** The certificate facts of `--json` output. Dates are ISO 8601 (UTC). */
export interface CertificateJson {
  subject: string;
  sans: string[];
  issuer: string;
  /** Hex, lower-case, as `openssl x509 -serial` shows it (without the `serial=`). */
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the DER, upper-case hex with colons, like `openssl x509 -fingerprint -sha256`. */
  fingerprintSha256: string;
}

/** The roles of the files a result names. */
export type FileRole = 'privateKey' | 'csr' | 'cert' | 'chain' | 'fullchain' | 'pfx' | 'state' | 'sandboxRoot';

/**
 * The one JSON object `--json` prints on stdout for one certificate (`issue`, `retrieve`,
 * `demo`, and each entry of `renew`).
 * - `issued`: the certificate is live in `dir` (exit 0);
 * - `not-due`: a valid certificate not yet due for renewal was left alone (exit 0);
 * - `pending`: the CA holds the application; key, CSR and handle are in the store (exit 3);
 * - `skipped-by-backoff` (`renew`): the certificate failed before and its next attempt is not yet
 *   due (`nextAttemptAt`, `failures`, `lastErrorCode`); nothing was sent (exit 5: it is still failing);
 * - `error`: see `error` and `exitCode`.
 */
export interface ResultJson {
  status: 'issued' | 'not-due' | 'pending' | 'skipped-by-backoff' | 'error';
  /** The certificate's store name (its folder under the store). */
  name?: string;
  /** The domains, normalised (spec §4). */
  domains?: string[];
  /** The CA's handle (issued or pending). */
  handleId?: string;
  /** The certificate folder, `STORE/<name>`. */
  dir?: string;
  /**
   * Absolute paths by role. For `issued`/`not-due` the top-level live files of `dir`; for
   * `pending` the application's private key and CSR in its version folder, and `state.json`.
   */
  files?: Partial<Record<FileRole, string>>;
  /** `not-due` (and `issued` with `alreadyInstalled`): whole days until the certificate expires. */
  daysLeft?: number;
  /** `not-due`: when it becomes due for renewal (ISO 8601). */
  renewAt?: string;
  /** `skipped-by-backoff`, and a `renew` entry with outcome `failed` once its failure is recorded: the earliest next attempt of `renew` (ISO 8601). */
  nextAttemptAt?: string;
  /** `skipped-by-backoff`, and a `renew` entry with outcome `failed` once its failure is recorded: failures in a row. */
  failures?: number;
  /** `skipped-by-backoff`: the code of the last failure. */
  lastErrorCode?: string;
  certificate?: CertificateJson;
  /** `demo` only: the openssl command that verifies the certificate. */
  verifyCommand?: string;
  /** `issue`/`renew` with a signfile and `--preflight warn|strict`, when an application was sent: the preflight's result (see `acmapi check --json`). */
  preflight?: PreflightResult;
  /** `issue`: why no preflight ran (mode `warn` without `--signfile`). */
  preflightNote?: string;
  /**
   * The run was ended by this signal (Ctrl-C is `SIGINT`). `pending`: the wait of `--wait`
   * ended; the application is still pending with its handle saved. `error` (code
   * `INTERRUPTED`): stopped before the CA answered, cleaned up as after an error.
   * Exit 130 (SIGINT) or 143 (SIGTERM).
   */
  interrupted?: 'SIGINT' | 'SIGTERM';
  /**
   * `issued` from `retrieve` only: the certificate of this handle was installed by an earlier
   * run and is live; nothing was asked of the CA. `certificate` is then absent.
   */
  alreadyInstalled?: boolean;
  /**
   * `issue` (with settings) and `renew`: how this certificate's run ended — `renewed` (a new certificate went live and
   * was deployed), `not-due`, `pending`, `failed` (see `error`; with `status` `issued` or
   * `not-due` when only the deploy step failed), `skipped-by-backoff`.
   */
  outcome?: FleetOutcome;
  /** The deploy step, when there was one: install targets written and unchanged, the deploy hook, and why it failed (exit 10). */
  deploy?: DeployJson;
  /** The live certificate is in its warning period (the last sixth of its lifetime) and was not renewed. */
  expiryWarning?: { notAfter: string; daysLeft: number };
  /** The certificate's hooks that ran (deploy, failure). */
  hooks?: HookJson[];
  /** The exit code the command ends with. */
  exitCode: number;
  error?: ErrorJson;
}

/** One hook that ran, without its command line (`acmapi show` prints that). */
export interface HookJson {
  kind: HookResult['kind'];
  /** Exited 0 within its timeout. */
  ok: boolean;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
}

/** The deploy step of one certificate (core's `DeployReport`). */
export interface DeployJson {
  written: string[];
  unchanged: string[];
  hook?: HookJson;
  error?: ErrorJson;
}

/** A hook's JSON. */
export function hookJson(result: HookResult): HookJson {
  return { kind: result.kind, ok: hookSucceeded(result), exitCode: result.exitCode, signal: result.signal, timedOut: result.timedOut, durationMs: result.durationMs };
}

function deployJson(report: DeployReport): DeployJson {
  return {
    written: report.written,
    unchanged: report.unchanged,
    ...(report.hook === undefined ? {} : { hook: hookJson(report.hook) }),
    ...(report.error === undefined ? {} : { error: describeError(report.error) }),
  };
}

/**
 * Adds what core did after the lifecycle step (deploy, expiry warning) to a result; a failed
 * deploy step makes it exit 10 (the certificate stays live).
 */
function withAfterRun(json: ResultJson, result: RunCertificateResult): ResultJson {
  const deploy = 'deploy' in result && result.deploy !== undefined ? deployJson(result.deploy) : undefined;
  const warning = 'expiryWarning' in result ? result.expiryWarning : undefined;
  return {
    ...json,
    ...(deploy === undefined ? {} : { deploy }),
    ...(warning === undefined ? {} : { expiryWarning: { notAfter: warning.notAfter.toISOString(), daysLeft: warning.daysLeft } }),
    ...(deploy?.error === undefined ? {} : { exitCode: EXIT_CODES.DEPLOY_FAILED }),
  };
}

/** The JSON facts of a certificate (its leaf). */
export function certificateJson(leaf: CertificateInfo): CertificateJson {
  return {
    subject: leaf.subject,
    sans: leaf.sans,
    issuer: leaf.issuer,
    serialNumber: leaf.serialNumber,
    notBefore: leaf.notBefore.toISOString(),
    notAfter: leaf.notAfter.toISOString(),
    fingerprintSha256: leaf.fingerprintSha256,
  };
}

/** What is known of the certificate a command works on, for the `--json` result of an error (each field only when known). */
export type TargetFacts = Partial<Pick<ResultJson, 'name' | 'domains' | 'dir'>>;

/** The top-level files of a certificate folder, links into its live version (see the store's README). */
export function liveFilePaths(dir: string): NonNullable<ResultJson['files']> {
  return {
    privateKey: join(dir, 'privkey.pem'),
    csr: join(dir, 'csr.pem'),
    cert: join(dir, 'cert.pem'),
    chain: join(dir, 'chain.pem'),
    fullchain: join(dir, 'fullchain.pem'),
  };
}

/** What {@link issuedResult} needs. */
export interface IssuedResultInput {
  name: string;
  domains: string[];
  handleId: string | undefined;
  dir: string;
  leaf: CertificateInfo;
  pfxPath: string | undefined;
}

/** A certificate made live now (exit 0). */
export function issuedResult(input: IssuedResultInput): ResultJson {
  return {
    status: 'issued',
    name: input.name,
    domains: input.domains,
    ...(input.handleId === undefined ? {} : { handleId: input.handleId }),
    dir: input.dir,
    files: { ...liveFilePaths(input.dir), ...(input.pfxPath === undefined ? {} : { pfx: input.pfxPath }) },
    certificate: certificateJson(input.leaf),
    exitCode: EXIT_CODES.OK,
  };
}

/** An application the CA holds for review (exit 3): where its key and CSR wait. */
export function pendingResult(name: string, domains: string[], handleId: string, dir: string, version: string): ResultJson {
  const versionDir = join(dir, 'versions', version);
  return {
    status: 'pending',
    name,
    domains,
    handleId,
    dir,
    files: { privateKey: join(versionDir, 'privkey.pem'), csr: join(versionDir, 'csr.pem'), state: join(dir, 'state.json') },
    exitCode: EXIT_CODES.PENDING,
  };
}

/** A valid certificate not yet due for renewal, left alone (exit 0; certbot's "not yet due"). */
export function notDueResult(record: CertificateRecord, pfxPath: string | undefined): ResultJson {
  const live = record.live;
  return {
    status: 'not-due',
    name: record.name,
    domains: record.domains,
    dir: record.dir,
    files: { ...liveFilePaths(record.dir), ...(pfxPath === undefined ? {} : { pfx: pfxPath }) },
    ...(live === undefined ? {} : { daysLeft: live.renewal.daysLeft, renewAt: live.renewal.renewAt.toISOString() }),
    exitCode: EXIT_CODES.OK,
  };
}

/** A failing certificate whose next attempt is not yet due (the backoff): nothing sent; exit 5, it is still failing. */
export function backoffResult(record: CertificateRecord, nextAttemptAt: Date, failures: number, code: string): ResultJson {
  return {
    status: 'skipped-by-backoff',
    name: record.name,
    domains: record.domains,
    dir: record.dir,
    nextAttemptAt: nextAttemptAt.toISOString(),
    failures,
    lastErrorCode: code,
    exitCode: EXIT_CODES.UNAVAILABLE,
  };
}

/**
 * A failed entry with the backoff its failure left in the store (`state.json` `failures`):
 * failures in a row and the earliest next attempt of `renew`. Unchanged without them. Pure.
 */
export function withFailures(json: ResultJson, failures: CertificateFailures | undefined): ResultJson {
  if (failures === undefined) return json;
  return { ...json, failures: failures.count, nextAttemptAt: failures.nextAttemptAt.toISOString() };
}

/** A pending application whose wait a signal ended: still pending, its handle saved; exit 130 (SIGINT) or 143 (SIGTERM). */
export function interruptedResult(pending: ResultJson, signal: InterruptSignal): ResultJson {
  return { ...pending, interrupted: signal, exitCode: INTERRUPT_EXIT_CODES[signal] };
}

/** A certificate already installed from this handle by an earlier run (`retrieve` again): nothing asked, exit 0. */
export function alreadyInstalledResult(record: CertificateRecord, handleId: string): ResultJson {
  const live = record.live;
  return {
    status: 'issued',
    alreadyInstalled: true,
    name: record.name,
    domains: record.domains,
    handleId,
    dir: record.dir,
    files: liveFilePaths(record.dir),
    ...(live === undefined ? {} : { daysLeft: live.renewal.daysLeft }),
    exitCode: EXIT_CODES.OK,
  };
}

/**
 * A certificate `renew` cannot work on because the store lists it damaged (its `state.json`
 * unreadable, or missing beside its files): an `error` result with the store's code
 * (`STORE_CORRUPT`, exit 7), so that a run from cron reports it instead of skipping it.
 */
export function damagedResult(record: CertificateRecord & { damaged: NonNullable<CertificateRecord['damaged']> }): ResultJson {
  const error = damagedError(record);
  return { status: 'error', name: record.name, domains: [], dir: record.dir, exitCode: exitCodeFor(error), error: describeError(error) };
}

/** The store's error for a record it lists as damaged, with core's words for what is wrong (its `lastError`). */
export function damagedError(record: CertificateRecord & { damaged: NonNullable<CertificateRecord['damaged']> }): StoreError {
  return new StoreError(record.damaged.code, record.lastError?.message ?? `The certificate folder ${record.dir} is damaged.`, { certificate: record.name, path: record.damaged.path });
}

/** One certificate of `renew --dry-run`: what would be done. */
export interface RenewPlanJson {
  name: string;
  domains: string[];
  /** `skip` (not due), `retrieve` (pending), `resume` (prepared), `apply` (new key), `refuse`. */
  action: 'skip' | 'retrieve' | 'resume' | 'apply' | 'refuse';
  /** Why: for `apply` `new`, `retry`, `due`, `expired`, `forced`, `domains-changed`, `key-type-changed`; for `skip` `not-due` or `backoff`. */
  reason?: string;
  /** `skip` for `backoff`: the earliest next attempt (ISO 8601). */
  nextAttemptAt?: string;
  handleId?: string;
  daysLeft?: number;
}

/** The one JSON object of `acmapi renew --json`. */
export interface RenewResultJson {
  /** `ok`: nothing failed and nothing is pending; else the worst outcome. */
  status: 'ok' | 'pending' | 'error';
  dryRun: boolean;
  /** Per certificate, sorted by name: the result of `issue` (`issued`, `not-due`, `pending`, `error` with `error`), or with `--dry-run` the plan. */
  certificates: (ResultJson | RenewPlanJson)[];
  /** 0 ok; 3 when one is still pending; else the exit code of the first failed certificate (by name); 130/143 when a wait was interrupted. */
  exitCode: number;
  error?: ErrorJson;
  /** The run's pre and post hooks that ran. */
  hooks?: HookJson[];
  /** The metrics file or a notification that failed (exit 10 when nothing else failed). */
  reportErrors?: ErrorJson[];
}

/**
 * The `--json` result of core's result (with the PKCS#12 file, when `--pfx` kept one).
 *
 * @throws {StoreError} `STORE_PENDING_EXISTS` for `already-pending` (`issue` over a pending application).
 * @throws {Error} for `not-found`, which the caller (`retrieve`) reports itself.
 */
export function toResultJson(result: RunCertificateResult): ResultJson {
  return withAfterRun(lifecycleResultJson(result), result);
}

function lifecycleResultJson(result: RunCertificateResult): ResultJson {
  switch (result.status) {
    case 'issued':
      return issuedResult({ name: result.name, domains: result.domains, handleId: result.handleId, dir: result.dir, leaf: result.leaf, pfxPath: result.pkcs12Path });
    case 'pending':
      return pendingResult(result.name, result.domains, result.handleId, result.dir, result.version);
    case 'not-due':
      return notDueResult(result.record, result.pkcs12Path);
    case 'skipped-by-backoff':
      return backoffResult(result.record, result.nextAttemptAt, result.failures, result.code);
    case 'already-installed':
      return alreadyInstalledResult(result.record, result.handleId);
    case 'already-pending':
      throw new StoreError(
        'STORE_PENDING_EXISTS',
        `Certificate "${result.name}" has application ${result.handleId} pending at the CA; a new application now would leave its key behind.`,
        { certificate: result.name, handleId: result.handleId },
      );
    case 'not-found':
      throw new Error(`No application with handle ${result.handleId} (the caller handles not-found).`);
  }
}
