/**
 * Turns an application into a certificate and the `certificate` field of the answer
 * (spec §3: PEM, PEM bundle, or base64 DER).
 */
import type { ApplicationRecord } from './applications.js';
import { issueCertificate } from './pki/issue-certificate.js';
import type { TestCa } from './pki/test-ca.js';
import { generateCaKeyPair } from './pki/x509.js';
import { type RandomSource, roll } from './random.js';
import type { SandboxCertificateFormat, SandboxValidityProfile } from './options.js';
import { profileValidityMs } from './pki/validity-profile.js';

/** What the signer needs. */
export interface SignerSettings {
  readonly ca: TestCa;
  /** Fixed certificate lifetime, milliseconds; absent: by `validityProfile` on the issuance date. */
  readonly validityMs: number | undefined;
  readonly validityProfile: SandboxValidityProfile;
  /** notBefore backdating, milliseconds. */
  readonly backdateMs: number;
  /** URL of the intermediate's DER, for AIA caIssuers. */
  readonly caIssuersUrl: string;
  /** Share of certificates deliberately signed for another key. */
  readonly wrongKeyShare: number;
  readonly random: RandomSource;
  /** The CA's clock: notBefore, notAfter and `issuedAt` come from it. */
  readonly now: () => Date;
}

/** Signs the certificate of `record` and marks it issued. */
export async function signApplication(record: ApplicationRecord, settings: SignerSettings): Promise<void> {
  const issuedAt = settings.now();
  const now = issuedAt.getTime();
  const validityMs = settings.validityMs ?? profileValidityMs(settings.validityProfile, issuedAt);
  const wrongKey = roll(settings.random, settings.wrongKeyShare);
  const publicKey = wrongKey ? (await generateCaKeyPair()).publicKey : record.publicKey;
  const issued = await issueCertificate(settings.ca, {
    publicKey,
    keyType: wrongKey ? 'ec-p256' : record.keyType,
    domains: record.domains,
    notBefore: new Date(now - settings.backdateMs),
    notAfter: new Date(now + validityMs),
    caIssuersUrl: settings.caIssuersUrl,
  });
  record.certificate = { pem: issued.pem, der: issued.der };
  record.serial = issued.serial;
  record.issuedAt = new Date(now);
  record.wrongKey = wrongKey;
  record.state = 'issued';
}

/** The answer's `certificate` field for an issued record. */
export function certificateField(record: ApplicationRecord, format: SandboxCertificateFormat, ca: TestCa): string {
  const certificate = record.certificate;
  if (certificate === undefined) throw new Error(`application ${record.handleId} has no certificate`);
  if (format === 'pem') return certificate.pem;
  if (format === 'der-base64') return Buffer.from(certificate.der).toString('base64');
  return `${certificate.pem}${ca.intermediate.pem}`;
}
