/**
 * What the view says of a certificate's renewal beyond its validity: the renewal time chosen
 * once for it, its failures and the next attempt of Renew (core's backoff), its last attempt,
 * and the settings it remembers (core's `CertificateSettings`, which Renew and the pending
 * tracker use). Lines for the tree's tooltip and the details document. Pure.
 *
 * The settings hold only paths, names and the user's own hook commands, never a secret (core
 * keeps only WHERE a PKCS#12 passphrase is), so every field may be shown.
 */
import type { CertificateRecord, CertificateSettings, SignfilePlacementSetting } from '@acmapi/core';
import type { Localize } from '../l10n/localize.js';

/** A moment to the minute, in UTC: `2030-01-10 08:30 UTC`. */
export function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * The renewal lines of `record`: the chosen renewal time, the last attempt, and the failures
 * with the next attempt (when Renew waits out its backoff).
 */
export function renewalLines(record: CertificateRecord, t: Localize): string[] {
  const lines: string[] = [];
  if (record.renewalAt !== undefined) lines.push(t('Renewal time: {0} (chosen once for this certificate)', formatTime(record.renewalAt)));
  const attempt = record.lastAttempt;
  if (attempt !== undefined) {
    lines.push(attempt.code === undefined ? t('Last attempt: {0}, {1}', formatTime(attempt.at), attemptWord(attempt.result, t)) : t('Last attempt: {0}, {1} ({2})', formatTime(attempt.at), attemptWord(attempt.result, t), attempt.code));
  }
  const failures = record.failures;
  if (failures !== undefined) {
    lines.push(t('Failed {0} time(s) in a row since {1}; last error {2}', failures.count, formatTime(failures.firstAt), failures.code));
    lines.push(t('Next attempt: Renew tries again from {0} (Renew anyway to try now)', formatTime(failures.nextAttemptAt)));
  }
  return lines;
}

function attemptWord(result: NonNullable<CertificateRecord['lastAttempt']>['result'], t: Localize): string {
  switch (result) {
    case 'issued':
      return t('issued');
    case 'pending':
      return t('pending at the CA');
    case 'failed':
      return t('failed');
    case 'not-due':
      return t('not due');
  }
}

function placementLine(placement: SignfilePlacementSetting | undefined, t: Localize): string {
  switch (placement?.kind) {
    case 'webroot':
      return placement.iis ? t('written into the webroot {0}, with a web.config for IIS', placement.dir) : t('written into the webroot {0}', placement.dir);
    case 'standalone':
      return t('served by acmapi\'s own web server on port {0}', placement.port);
    case 'none':
    case undefined:
      return t('not placed (the site serves the signfile itself)');
  }
}

/** The install target fields in the order the CLI's flags list them. */
const INSTALL_FIELDS = ['key', 'cert', 'chain', 'fullchain', 'combined', 'owner', 'mode'] as const;
const HOOK_FIELDS = ['pre', 'post', 'deploy', 'failure'] as const;

/**
 * The remembered settings of a certificate as indented lines under a heading; one line saying
 * there are none for a certificate issued before settings were remembered.
 */
export function settingsLines(settings: CertificateSettings | undefined, t: Localize): string[] {
  if (settings === undefined) return [t('Remembered settings: none yet (the next Apply or Renew records them)')];
  const lines = [t('Remembered settings (Renew and the pending tracker use them):')];
  const item = (text: string): void => {
    lines.push(`  ${text}`);
  };
  const keyType = settings.keyType === undefined ? '' : ` (${settings.keyType})`;
  item(settings.reuseKey === true ? t('Key: keep the live private key on renewal{0}', keyType) : t('Key: a new private key on every renewal{0}', keyType));
  const signfile = settings.signfile;
  item(signfile?.path === undefined ? t('Signfile: none') : t('Signfile: {0} (name {1})', signfile.path, signfile.name ?? 'signfile'));
  item(t('Placement: {0}', placementLine(signfile?.placement, t)));
  if (signfile?.preflight !== undefined) item(t('Preflight: {0}', signfile.preflight));
  const pkcs12 = settings.pkcs12;
  if (pkcs12 !== undefined) {
    item(pkcs12.passphraseFile === undefined ? t('PKCS#12: passphrase from the environment variable {0}', pkcs12.passphraseEnv ?? 'ACMAPI_PFX_PASSPHRASE') : t('PKCS#12: passphrase from the file {0}', pkcs12.passphraseFile));
  }
  if (settings.renewBeforeDays !== undefined) item(t('Renew when fewer than {0} days are left', settings.renewBeforeDays));
  const install = settings.install;
  for (const field of INSTALL_FIELDS) {
    const value = install?.[field];
    if (value === undefined) continue;
    item(t('Install {0}: {1}', field, field === 'mode' && typeof value === 'number' ? `0${value.toString(8)}` : String(value)));
  }
  for (const field of HOOK_FIELDS) {
    const command = settings.hooks?.[field];
    if (command !== undefined) item(t('Hook {0}: {1}', field, command));
  }
  return lines;
}
