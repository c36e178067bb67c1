import type { CaaCorroboration } from './caa/caa-corroboration.js';
import type { DomainCorroboration } from './validation/perspectives.js';

/** One API call as the sandbox saw it, without secrets (no auth token, no CSR). */
export interface SandboxRequestRecord {
  /** When the call arrived. */
  readonly at: Date;
  /** The caller's address as the socket saw it. */
  readonly remoteAddress: string;
  /** `apply`, `retrieve`, or `invalid` (body unreadable, or rejected before its shape was known). */
  readonly kind: 'apply' | 'retrieve' | 'invalid';
  /** `customer_id` as sent, when it was a string. */
  readonly customerId?: string;
  /** Normalised domains of an apply call, once they passed spec §4. */
  readonly domains?: readonly string[];
  /** The handle answered or asked about. */
  readonly handleId?: string;
  /** The HTTP status of the answer. */
  readonly httpStatus: number;
  /** The ACMAPI status of the answer (0, 1 or 101–111). */
  readonly status: number;
  /** Why the sandbox answered an error, or what the signfile check did (for debugging tests). */
  readonly detail?: readonly string[];
}

/**
 * The CA's checks of one application (CAA and the corroborated signfile check), as the
 * admin API shows them (`GET /admin/validations`): issued, pending and refused alike.
 */
export interface SandboxValidationRecord {
  readonly at: Date;
  readonly customerId: string;
  readonly domains: readonly string[];
  /** The ACMAPI status answered (0, 1, 107, 109). */
  readonly status: number;
  /** The handle, when the application got one. */
  readonly handleId?: string;
  /** CAA per domain checked, from the primary and every remote perspective (none without `validation.dnsServers`). */
  readonly caa: readonly CaaCorroboration[];
  /** The signfile check per domain checked: the primary and every remote perspective. */
  readonly perspectives: readonly DomainCorroboration[];
  /** Why the application was refused before any check ran (token rules). */
  readonly refusal?: string;
}

/**
 * The newest `capacity` records, oldest first: a ring buffer, so a sandbox that runs for
 * weeks holds at most `capacity` records (about 0.35 KiB each) however many calls it gets.
 */
export class RequestLog<T = SandboxRequestRecord> {
  private readonly ring: T[] = [];
  /** Where the next record goes once the ring is full (the oldest record's slot). */
  private next = 0;
  private droppedCount = 0;

  /** @param capacity - the most records kept, ≥ 1. */
  constructor(private readonly capacity: number) {}

  /** Adds a record, dropping the oldest when `capacity` are kept. */
  push(record: T): void {
    if (this.ring.length < this.capacity) {
      this.ring.push(record);
      return;
    }
    this.ring[this.next] = record;
    this.next = (this.next + 1) % this.capacity;
    this.droppedCount += 1;
  }

  /** The kept records, oldest first, as a new array. */
  list(): T[] {
    return [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  /** How many records were dropped to stay within `capacity`. */
  get dropped(): number {
    return this.droppedCount;
  }
}
