/** What happened to one certificate in a run: the shape the summary and the outputs are made from. */
import type { PreflightProblem } from './preflight-report.js';

/** The status of one certificate (and of the run, aggregated). */
export type CertificateStatus = 'issued' | 'pending' | 'skipped' | 'failed';

/** The outcome of one certificate. Paths are repository-relative. */
export interface CertificateOutcome {
  readonly name: string;
  readonly domains: readonly string[];
  readonly status: CertificateStatus;
  /** Why, in one sentence (skipped: the expiry; failed: the error and what to do). */
  readonly detail: string;
  readonly handleId?: string;
  readonly notAfter?: Date;
  /** SHA-256 of the leaf's DER, `AA:BB:…`. */
  readonly fingerprint?: string;
  /** Serial number, lower-case hex. */
  readonly serial?: string;
  readonly certificatePath?: string;
  readonly fullchainPath?: string;
  /** Where a generated plaintext key was left for later steps of this job (outside the repository). */
  readonly privateKeyPath?: string;
  /** The error's stable code, when failed. */
  readonly errorCode?: string;
  /** The domains that failed the signfile preflight (strict: why it failed; warn: applied anyway). */
  readonly preflightFailures?: readonly PreflightProblem[];
}

/** The run's status: failed if any failed, else pending if any pending, else issued if any issued, else skipped. */
export function aggregateStatus(outcomes: readonly CertificateOutcome[]): CertificateStatus {
  for (const status of ['failed', 'pending', 'issued'] as const) {
    if (outcomes.some((o) => o.status === status)) return status;
  }
  return 'skipped';
}
