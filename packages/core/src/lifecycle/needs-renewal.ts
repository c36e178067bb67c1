/**
 * When a certificate is due for renewal, as a pure function of its validity window and the
 * time. The rule is certbot's and Let's Encrypt's advice: renew when less than a third of
 * the lifetime is left (30 days of a 90-day certificate), or when fewer than `days` days are
 * left if the user says so. A small per-certificate jitter moves the moment a little earlier
 * so that a fleet issued in one run does not renew in one second.
 */
import { OptionsError } from '../errors/errors.js';

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

/** The validity window of a certificate (RFC 5280 §4.1.2.5). */
export interface CertificateValidity {
  notBefore: Date;
  notAfter: Date;
}

/** Options of {@link needsRenewal}. */
export interface NeedsRenewalOptions {
  /**
   * The time to decide at (an injected clock for tests).
   * @default new Date()
   */
  now?: Date;
  /**
   * Renew when fewer than this many days are left, instead of the third-of-lifetime rule.
   * @default undefined (a third of the lifetime)
   */
  days?: number;
  /**
   * What makes the jitter differ between certificates and stay the same for one certificate
   * across runs: its SHA-256 fingerprint or store name. Without it there is no jitter.
   * @default undefined (no jitter)
   */
  jitterSeed?: string;
  /**
   * The largest jitter, in milliseconds. The jitter is never more than 1% of the lifetime.
   * @default 21_600_000 (6 hours)
   */
  maxJitterMs?: number;
  /**
   * The renewal time chosen once for this certificate and stored (see `renewal-time.ts`):
   * used instead of the third-of-lifetime rule and its jitter when `days` is not given.
   * @default undefined (the third-of-lifetime rule)
   */
  renewAt?: Date;
}

/** Why a certificate is or is not due. */
export type RenewalReason = 'expired' | 'days' | 'lifetime' | 'not-due';

/** What {@link needsRenewal} returns. */
export interface RenewalDecision {
  /** Whether to renew now. */
  due: boolean;
  /** `expired` (past notAfter), `days` (the `days` threshold), `lifetime` (a third of the lifetime), or `not-due`. */
  reason: RenewalReason;
  /** The moment it becomes (or became) due, jitter included. */
  renewAt: Date;
  /** Milliseconds left until notAfter (negative when expired). */
  remainingMs: number;
  /** Whole days left until notAfter, rounded down (negative when expired). */
  daysLeft: number;
  /** The jitter applied, in milliseconds (the renewal moment moved this much earlier). */
  jitterMs: number;
}

/** The default largest jitter: 6 hours. */
export const DEFAULT_MAX_JITTER_MS = 6 * 3_600_000;

/**
 * The jitter of one certificate: a fraction in [0, 1) taken from SHA-256 of `seed`, times
 * the smaller of `maxJitterMs` and 1% of the lifetime. Deterministic, so repeated runs agree.
 */
export function renewalJitterMs(seed: string, lifetimeMs: number, maxJitterMs = DEFAULT_MAX_JITTER_MS): number {
  // node:crypto is taken when first needed, not imported: the store's listing (`acmapi list`)
  // starts without it, and loading it costs a few milliseconds of a short command.
  const fraction = process.getBuiltinModule('node:crypto').createHash('sha256').update(seed).digest().readUInt32BE(0) / 2 ** 32;
  return Math.floor(fraction * Math.max(0, Math.min(maxJitterMs, lifetimeMs / 100)));
}

/**
 * Decides whether a certificate is due for renewal. Pure.
 *
 * Due when `now` is past notAfter, or when the time left is less than `days` days (if given)
 * or else at the stored renewal time `renewAt` when given, or else when less than a third of
 * the lifetime (notAfter − notBefore) is left, moved earlier by the certificate's jitter
 * (see `renewalJitterMs`).
 *
 * @throws {OptionsError} `OPTIONS_INVALID` (option `days`) when `days` is negative or not finite.
 */
export function needsRenewal(validity: CertificateValidity, options: NeedsRenewalOptions = {}): RenewalDecision {
  const now = (options.now ?? new Date()).getTime();
  const notAfter = validity.notAfter.getTime();
  const lifetimeMs = Math.max(0, notAfter - validity.notBefore.getTime());
  if (options.days !== undefined && !(Number.isFinite(options.days) && options.days >= 0)) {
    throw new OptionsError(`days must be a non-negative number, got ${options.days}.`, { option: 'days' });
  }
  const chosen = options.days === undefined ? options.renewAt : undefined;
  const thresholdMs = options.days === undefined ? lifetimeMs / 3 : options.days * DAY_MS;
  const jitterMs = chosen !== undefined || options.jitterSeed === undefined ? 0 : renewalJitterMs(options.jitterSeed, lifetimeMs, options.maxJitterMs);
  const renewAt = chosen?.getTime() ?? notAfter - thresholdMs - jitterMs;
  const remainingMs = notAfter - now;
  const daysLeft = Math.floor(remainingMs / DAY_MS);
  const base = { renewAt: new Date(renewAt), remainingMs, daysLeft, jitterMs };
  if (remainingMs <= 0) return { due: true, reason: 'expired', ...base };
  if (now >= renewAt) return { due: true, reason: options.days === undefined ? 'lifetime' : 'days', ...base };
  return { due: false, reason: 'not-due', ...base };
}
