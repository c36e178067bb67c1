/**
 * What `acmapi issue` and `acmapi renew` should do for one certificate, decided purely from
 * its store record: the "compute" between the command's "read" and "write". Keeping it here
 * makes the rules the same in the CLI, the Action and the extension:
 *
 * - a valid certificate not yet due is left alone unless forced (certbot: "not yet due");
 * - a pending application is retrieved by `renew`, and refuses a new `issue` unless forced;
 * - an application prepared but without a known answer is sent again with the same key and CSR;
 * - a change of domains or key type is a reason to apply anew;
 * - `renew` picks up every state (new, failed, refused, interrupted, expired, pending), but a
 *   failing certificate waits out its backoff (`failures.nextAttemptAt`, see `backoff.ts`):
 *   it is skipped with reason `backoff`, never silently; `issue` and `force` ignore the backoff.
 */
import { normalizeDomains } from '../domains/domains.js';
import type { KeyType } from '../pki/key-types.js';
import type { CertificateRecord } from '../store/certificate-record.js';

/** Why a new application is made. */
export type ApplyReason = 'new' | 'retry' | 'due' | 'expired' | 'forced' | 'domains-changed' | 'key-type-changed';

/** What to do, see {@link planApplication}. */
export type ApplicationPlan =
  /** Nothing: the live certificate is valid and not yet due for renewal. */
  | { action: 'skip'; reason: 'not-due'; renewAt: Date; daysLeft: number }
  /** Nothing: the certificate failed `failures` times in a row and its next attempt is not before `nextAttemptAt` (`renew` only). */
  | { action: 'skip'; reason: 'backoff'; nextAttemptAt: Date; failures: number; code: string }
  /** Ask the CA for the pending application's certificate by its handle. */
  | { action: 'retrieve'; handleId: string }
  /** Send the prepared application again with its saved key and CSR (the first answer was lost). */
  | { action: 'resume' }
  /** Refuse: an application is pending; `acmapi retrieve`, or `--force` to apply anew. */
  | { action: 'refuse'; code: 'STORE_PENDING_EXISTS'; handleId: string }
  /** Generate a new key and CSR and apply (with `force: true` to `prepareApplication` when one is in progress). */
  | { action: 'apply'; reason: ApplyReason; replacesApplication: boolean };

/** Options of {@link planApplication}. */
export interface PlanApplicationOptions {
  /** `issue` refuses over a pending application; `renew` retrieves it. */
  command: 'issue' | 'renew';
  /** @default false */
  force?: boolean;
  /** The domains wanted now (from acmapi.json or flags); a change from the live certificate's means apply. */
  domains?: readonly string[];
  /** The key type wanted now; a change from the live certificate's means apply. */
  keyType?: KeyType;
  /** The time of the decision, compared with the backoff's next attempt. @default new Date() */
  now?: Date;
  /**
   * Try a failing certificate now, inside its backoff: a person asked (`--retry-now`, the
   * extension's "Try now"), not the timer. Unlike `force` it keeps a pending application.
   * @default false
   */
  ignoreBackoff?: boolean;
}

function sameDomains(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(normalizeDomains(a));
  const right = new Set(normalizeDomains(b));
  return left.size === right.size && [...left].every((domain) => right.has(domain));
}

/**
 * Decides what to do for one certificate. Pure. The record's renewal decision (made with
 * the `now` and `days` given to `store.get`/`store.list`) says whether it is due.
 *
 * @param record - the certificate's record, or `undefined` when the store has none.
 * @throws {DomainError} when `options.domains` break a rule of spec §4.
 */
export function planApplication(record: CertificateRecord | undefined, options: PlanApplicationOptions): ApplicationPlan {
  const force = options.force ?? false;
  const failures = record?.failures;
  if (options.command === 'renew' && !force && options.ignoreBackoff !== true && failures !== undefined && (options.now ?? new Date()).getTime() < failures.nextAttemptAt.getTime()) {
    return { action: 'skip', reason: 'backoff', nextAttemptAt: failures.nextAttemptAt, failures: failures.count, code: failures.code };
  }
  const application = record?.application;
  if (application !== undefined) {
    if (force) return { action: 'apply', reason: 'forced', replacesApplication: true };
    if (application.status === 'prepared') return { action: 'resume' };
    const handleId = application.handleId ?? '';
    return options.command === 'renew' ? { action: 'retrieve', handleId } : { action: 'refuse', code: 'STORE_PENDING_EXISTS', handleId };
  }
  const live = record?.live;
  // No certificate yet: the first application, or another try after one that failed (refused, 107, 102, …).
  if (live === undefined) return { action: 'apply', reason: record?.lastError === undefined ? 'new' : 'retry', replacesApplication: false };
  if (options.domains !== undefined && !sameDomains(options.domains, live.domains)) {
    return { action: 'apply', reason: 'domains-changed', replacesApplication: false };
  }
  if (options.keyType !== undefined && options.keyType !== live.keyType) {
    return { action: 'apply', reason: 'key-type-changed', replacesApplication: false };
  }
  if (live.renewal.reason === 'expired') return { action: 'apply', reason: 'expired', replacesApplication: false };
  if (live.renewal.due) return { action: 'apply', reason: 'due', replacesApplication: false };
  if (force) return { action: 'apply', reason: 'forced', replacesApplication: false };
  return { action: 'skip', reason: 'not-due', renewAt: live.renewal.renewAt, daysLeft: live.renewal.daysLeft };
}
