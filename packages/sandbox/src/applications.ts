/**
 * The sandbox's applications in memory: one per application that passed every
 * check (issued at once, or pending). Handles are `handle_` + 128 random bits.
 */
import { randomBytes } from 'node:crypto';
import type { AcceptedKeyType } from './pki/csr-check.js';
import type { x509 } from './pki/x509.js';
import { SandboxError } from './sandbox-error.js';
import type { DomainCorroboration } from './validation/perspectives.js';

/** Where an application stands (spec §3). */
export type ApplicationState = 'pending' | 'issued' | 'refused';

/** The read-only view of an application that tests and the admin API get. */
export interface SandboxApplication {
  /** The application's handle (`handle_id`). */
  readonly handleId: string;
  /** The customer that applied. */
  readonly customerId: string;
  /** The normalised domains, first = CN. */
  readonly domains: readonly string[];
  readonly state: ApplicationState;
  readonly createdAt: Date;
  /** When the certificate was signed (state `issued`). */
  readonly issuedAt?: Date;
  /** The certificate's serial, hex (state `issued`). */
  readonly serial?: string;
  /** Whether the certificate was deliberately signed for another key (`faults.wrongKeyShare`). */
  readonly wrongKey?: boolean;
  /** The signfile check per domain, from every perspective (BR §3.2.2.9); empty when validation is off. */
  readonly perspectives: readonly DomainCorroboration[];
}

/** An application with what is needed to sign and answer it. */
export interface ApplicationRecord {
  readonly handleId: string;
  readonly customerId: string;
  readonly domains: readonly string[];
  readonly publicKey: x509.PublicKey;
  readonly keyType: AcceptedKeyType;
  readonly createdAt: Date;
  readonly perspectives: readonly DomainCorroboration[];
  state: ApplicationState;
  issuedAt?: Date;
  serial?: string;
  wrongKey?: boolean;
  /** The leaf's PEM and DER (state `issued`). */
  certificate?: { readonly pem: string; readonly der: Uint8Array };
}

/** A fresh unguessable handle. */
export function newHandleId(): string {
  return `handle_${randomBytes(16).toString('hex')}`;
}

/** Copies the public view of a record. */
export function viewOf(record: ApplicationRecord): SandboxApplication {
  return {
    handleId: record.handleId,
    customerId: record.customerId,
    domains: [...record.domains],
    state: record.state,
    createdAt: record.createdAt,
    perspectives: record.perspectives,
    ...(record.issuedAt === undefined ? {} : { issuedAt: record.issuedAt }),
    ...(record.serial === undefined ? {} : { serial: record.serial }),
    ...(record.wrongKey === undefined ? {} : { wrongKey: record.wrongKey }),
  };
}

/** All applications, by handle, in the order they arrived. */
export class ApplicationStore {
  readonly #records = new Map<string, ApplicationRecord>();

  add(record: ApplicationRecord): void {
    this.#records.set(record.handleId, record);
  }

  /** The record of `handleId`, or `undefined`. */
  get(handleId: string): ApplicationRecord | undefined {
    return this.#records.get(handleId);
  }

  /**
   * The pending record of `handleId`.
   * @throws {SandboxError} `SANDBOX_UNKNOWN_HANDLE` or `SANDBOX_NOT_PENDING`.
   */
  pending(handleId: string): ApplicationRecord {
    const record = this.#records.get(handleId);
    if (record === undefined) throw new SandboxError('SANDBOX_UNKNOWN_HANDLE', `No application has handle ${JSON.stringify(handleId)}.`);
    if (record.state !== 'pending') {
      throw new SandboxError('SANDBOX_NOT_PENDING', `Application ${handleId} is ${record.state}, not pending.`);
    }
    return record;
  }

  list(): SandboxApplication[] {
    return [...this.#records.values()].map(viewOf);
  }
}
