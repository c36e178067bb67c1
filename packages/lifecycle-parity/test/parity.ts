/**
 * What the parity test compares: each front end's result of one run, normalised to
 * {@link Outcome}, and the certificate's record as the front end's own repository reads it,
 * normalised to {@link RecordFacts}. A front end plugs in as a {@link FrontEnd}.
 */
import { certificateMatchesPrivateKey, isAcmApiError } from '@acmapi/core';
import type { CertificateRepository, CertificateSession } from '@acmapi/core';
import type { Sandbox } from '@acmapi/sandbox';

/** One run's result, in words every front end shares. */
export type Outcome =
  | { outcome: 'issued' }
  | { outcome: 'pending' }
  | { outcome: 'failed'; code: string }
  /** Anything else a front end reported (e.g. not due, already pending): never expected by the table. */
  | { outcome: 'other'; what: string };

/** The certificate's record after a run, as its repository keeps it. */
export interface RecordFacts {
  /** `CertificateRecord.state`, or `absent` when the repository has no record. */
  state: string;
  /** A certificate is live. */
  live: boolean;
  /** The live certificate's private key is readable through the repository's session (`readLive`) and matches it. */
  liveKey: boolean;
  /** The application in progress: `prepared`, `pending`, or `undefined`. */
  application: string | undefined;
  /** The application's private key is still readable through the repository's session (`readApplication`). */
  keyKept: boolean;
  /** The newest retired application's status (`refused`, `abandoned`), if any. */
  lastRetired: string | undefined;
  lastErrorCode: string | undefined;
}

/** {@link RecordFacts} and the handle of the application, which differs from CA to CA and so is checked apart from the table. */
export interface ObservedRecord {
  facts: RecordFacts;
  handleId: string | undefined;
}

/** A customer of the sandbox, with its secret. */
export interface Customer {
  readonly customerId: string;
  readonly authToken: string;
}

/** One run of a front end: the first (`issue`) or a later one (`renew`), as `customer`. */
export interface RunStep {
  readonly command: 'issue' | 'renew';
  readonly customer: Customer;
}

/** Where one front end works for one row of the table. */
export interface FrontEndSetup {
  /** A fresh sandbox of this row, for this front end alone. */
  readonly sandbox: Sandbox;
  /** PEM file of the sandbox's CA bundle, trusted for the endpoint. */
  readonly caFile: string;
  /** An empty folder of this front end's own (its store, workspace, project). */
  readonly dir: string;
  /** The certificate's name in the repository. */
  readonly name: string;
  readonly domains: readonly string[];
}

/** A front end set up for one row. */
export interface FrontEndSession {
  /** Runs the front end once; never throws for a lifecycle failure (that is an outcome). */
  run(step: RunStep): Promise<Outcome>;
  /** The record as the front end's own repository reads it now. */
  record(): Promise<ObservedRecord>;
  /** Everything the front end printed or logged so far (to check that no secret leaked). */
  output(): readonly string[];
  /** The folder whose files the front end keeps (store, published folder, project). */
  readonly filesDir: string;
}

/** A front end under test. */
export interface FrontEnd {
  readonly name: 'cli' | 'action' | 'vscode';
  start(setup: FrontEndSetup): Promise<FrontEndSession>;
}

/** The code of a thrown error: core's `code`, else the class name. */
export function errorCode(error: unknown): string {
  if (isAcmApiError(error)) return error.code;
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.name : 'UNKNOWN';
}

/**
 * Reads certificate `name` through a repository's own interface: `get(name)` for the record,
 * and a session's `readApplication()` and `readLive()` for whether the keys are still there.
 */
export async function readFacts(repository: CertificateRepository, name: string): Promise<ObservedRecord> {
  const record = await repository.get(name);
  if (record === undefined) {
    return { facts: { state: 'absent', live: false, liveKey: false, application: undefined, keyKept: false, lastRetired: undefined, lastErrorCode: undefined }, handleId: undefined };
  }
  const { application, liveFiles } = await repository.withCertificate(name, async (session: CertificateSession) => ({
    application: await session.readApplication(),
    liveFiles: await session.readLive(),
  }));
  const facts: RecordFacts = {
    state: record.state,
    live: record.live !== undefined,
    liveKey: liveFiles?.privateKeyPem !== undefined && certificateMatchesPrivateKey(liveFiles.certPem, liveFiles.privateKeyPem),
    application: record.application?.status,
    keyKept: application?.privateKeyPem !== undefined,
    lastRetired: record.lastRetired?.status,
    lastErrorCode: record.lastError?.code,
  };
  return { facts, handleId: record.application?.handleId };
}
