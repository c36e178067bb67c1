/**
 * "Show Certificate Details": the live certificate's fields as readable text, the way
 * `openssl x509 -noout -text` would be read by a person, without the hex dumps, then its
 * renewal (chosen time, failures, next attempt) and the settings it remembers. Pure.
 */
import type { CertificateChain, CertificateRecord } from '@acmapi/core';
import type { Localize } from '../l10n/localize.js';
import { displayWidth, padToWidth } from './display-width.js';
import { renewalLines, settingsLines } from './remembered-settings.js';

const DAY_MS = 86_400_000;

/**
 * The details document of one certificate.
 *
 * @param chain - the live certificate as parsed by core's `parseCertificateChain`.
 * @param record - its store record (version, key type, folder).
 */
export function formatCertificateDetails(chain: CertificateChain, record: CertificateRecord, now: Date, t: Localize): string {
  const leaf = chain.leaf;
  const daysLeft = Math.floor((leaf.notAfter.getTime() - now.getTime()) / DAY_MS);
  const rows: [string, string][] = [
    [t('Certificate'), record.name],
    [t('Subject'), leaf.subject],
    [t('Domains (SAN)'), leaf.sans.join(', ')],
    [t('Issuer'), leaf.issuer],
    [t('Serial number'), leaf.serialNumber],
    [t('Valid from'), leaf.notBefore.toISOString()],
    [t('Valid until'), leaf.notAfter.toISOString()],
    [t('Days left'), String(daysLeft)],
    [t('Renewal due from'), record.live?.renewal.renewAt.toISOString() ?? '-'],
    [t('Key type'), record.live?.keyType ?? record.keyType],
    [t('SHA-256 fingerprint'), leaf.fingerprintSha256],
    [t('Chain'), chain.chain.length === 0 ? t('(none)') : chain.chain.map((certificate) => certificate.subject).join(' → ')],
    [t('Files'), record.dir],
  ];
  // Padded by display width: a Chinese label takes two columns per character (see display-width.ts).
  const width = Math.max(...rows.map(([label]) => displayWidth(label)));
  const table = rows.map(([label, value]) => `${padToWidth(label, width)}  ${value}`);
  return `${[...table, '', ...renewalLines(record, t), ...settingsLines(record.settings, t)].join('\n')}\n`;
}
