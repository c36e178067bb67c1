/**
 * What `acmapi list` prints, computed purely from the store's records: the `--json` object
 * (a stable shape, documented in README.md) and the human table.
 */
import { displayText, shellQuote } from '@acmapi/core/text';
import type { CertificateRecord, CertificateState } from '@acmapi/core/store-list';

/** One certificate of `acmapi list --json`. */
export interface ListEntryJson {
  /** The stable store name. */
  name: string;
  /** The live certificate's domains, else the application's, else the last (refused or abandoned) application's, else acmapi.json's. */
  domains: string[];
  /** `valid`, `due`, `expired`, `pending`, `failed` or `new` (see the store's `CertificateState`). */
  state: CertificateState;
  /** Whole days until the live certificate expires (negative once expired); `null` when none is live. */
  daysLeft: number | null;
  /** The live certificate's notAfter (ISO 8601); `null` when none is live. */
  notAfter: string | null;
  /** SHA-256 of the live certificate's DER, upper-case hex with colons; `null` when none is live. */
  fingerprintSha256: string | null;
  /**
   * When the live certificate is due for renewal (ISO 8601): the renewal time chosen for it, or
   * with `--renew-before-days` that many days before notAfter; `null` when none is live.
   */
  renewAt: string | null;
  /** A failing certificate's backoff: failures in a row and the earliest next attempt of `renew` (ISO 8601). */
  failures?: { count: number; nextAttemptAt: string };
  /** The handle of the application waiting at the CA, when pending. */
  handleId?: string;
  /** The last failure, until the next certificate is installed. */
  lastError?: { code: string; message: string; at: string };
  /**
   * Set when the store cannot read the certificate (`state` is then `failed`): its `state.json`
   * is damaged, or missing beside its files. `code` is the store's (`STORE_CORRUPT`), `path` the
   * state file to restore; `acmapi renew` reports it as failed (exit 7) until then.
   */
  damaged?: { code: string; path: string };
}

/** The one JSON object of `acmapi list --json`. */
export interface ListJson {
  certificates: ListEntryJson[];
}

/**
 * The JSON entry of one record. A certificate whose only application was refused has no
 * domains live or in progress; it shows those of its last retired application.
 */
export function listEntry(record: CertificateRecord): ListEntryJson {
  const live = record.live;
  const handleId = record.application?.handleId;
  return {
    name: record.name,
    domains: record.domains.length > 0 ? record.domains : [...(record.lastRetired?.domains ?? [])],
    state: record.state,
    daysLeft: live === undefined ? null : live.renewal.daysLeft,
    notAfter: live === undefined ? null : live.notAfter.toISOString(),
    fingerprintSha256: live === undefined ? null : live.fingerprintSha256,
    renewAt: live === undefined ? null : live.renewal.renewAt.toISOString(),
    ...(record.failures === undefined ? {} : { failures: { count: record.failures.count, nextAttemptAt: record.failures.nextAttemptAt.toISOString() } }),
    ...(handleId === undefined ? {} : { handleId }),
    ...(record.lastError === undefined ? {} : { lastError: { code: record.lastError.code, message: record.lastError.message, at: record.lastError.at.toISOString() } }),
    ...(record.damaged === undefined ? {} : { damaged: { code: record.damaged.code, path: record.damaged.path } }),
  };
}

/** Certificates of acmapi.json that the store has no folder for yet: listed as `new`. */
export function configOnlyEntries(certificates: readonly { name: string; domains: string[] }[], known: ReadonlySet<string>): ListEntryJson[] {
  return certificates
    .filter((certificate) => !known.has(certificate.name))
    .map((certificate) => ({ name: certificate.name, domains: certificate.domains, state: 'new' as const, daysLeft: null, notAfter: null, fingerprintSha256: null, renewAt: null }));
}

/** Longest stored error text shown, in characters: a message quotes the CA's answer at most in part. */
const MESSAGE_MAX = 1000;

/** An ISO time to the minute, as the table shows it; `-` for none. */
function minute(iso: string | null): string {
  return iso === null ? '-' : iso.slice(0, 16).replace('T', ' ');
}

/**
 * The human table: one line per certificate, then a note per pending or failed one.
 *
 * Every string from the store (a CA's handle, domains, a stored error text) is shown through
 * core's `displayText`, and the printed commands quote the handle with `shellQuote`.
 *
 * @param storeFlags - what `retrieve`/`renew` need to find the same store, shell-quoted, e.g. ` --out /etc/acmapi`; `''` for the default store.
 */
export function listLines(entries: readonly ListEntryJson[], storeFlags = ''): string[] {
  if (entries.length === 0) return ['No certificates in the store yet. Get one with: acmapi issue -d DOMAIN'];
  const rows = [
    ['NAME', 'STATE', 'DAYS LEFT', 'NOT AFTER', 'RENEW AT', 'DOMAINS'],
    ...entries.map((e) => [displayText(e.name), e.state, e.daysLeft === null ? '-' : String(e.daysLeft), minute(e.notAfter), minute(e.renewAt), e.domains.map((d) => displayText(d)).join(', ')]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  const lines = rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  '));
  for (const e of entries) {
    const name = displayText(e.name);
    if (e.handleId !== undefined) lines.push(`${name}: pending at the CA with handle ${displayText(e.handleId)}; acmapi retrieve ${shellQuote(e.handleId)}${storeFlags} (or acmapi renew${storeFlags}) fetches it.`);
    if (e.lastError !== undefined) lines.push(`${name}: last error ${displayText(e.lastError.code)} at ${e.lastError.at}: ${displayText(e.lastError.message, { maxLength: MESSAGE_MAX })}`);
    if (e.failures !== undefined) lines.push(`${name}: failed ${e.failures.count} time(s) in a row; renew tries again from ${e.failures.nextAttemptAt}.`);
    if (e.damaged !== undefined) {
      lines.push(
        `${name}: damaged: restore ${displayText(e.damaged.path)} from a backup (the private keys in versions/ are untouched), or remove the certificate with its keys: acmapi delete ${shellQuote(e.name)}${storeFlags}. Until then acmapi renew fails with exit 7.`,
      );
    }
  }
  return lines;
}
