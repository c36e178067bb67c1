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
