/**
 * The results of one certificate's run (`issue`, `retrieve`, each certificate of `renew`),
 * built from the store's facts. Pure.
 */
import { join } from 'node:path';
import type { CertificateInfo, CertificateRecord } from '@acmapi/core';
import { EXIT_CODES } from './exit-codes.js';
import { INTERRUPT_EXIT_CODES } from './interrupt-watch.js';
import type { InterruptSignal } from './interrupt-watch.js';
import { certificateJson } from './present.js';
import type { ResultJson } from './present.js';

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
