/**
 * The CA's checks of a CSR (spec §3, error 104), independent of @acmapi/core's CSR code.
 */
import { createPublicKey } from 'node:crypto';
import { x509 } from './x509.js';

/** Key types the sandbox accepts, as a public CA would (BR §6.1.5). */
export type AcceptedKeyType = 'rsa-2048' | 'rsa-3072' | 'rsa-4096' | 'ec-p256' | 'ec-p384';

/** A CSR that passed every check. */
export interface AcceptedCsr {
  readonly ok: true;
  /** The CSR's public key, as the library's object (used to sign the certificate for it). */
  readonly publicKey: x509.PublicKey;
  readonly keyType: AcceptedKeyType;
}

/** A CSR that failed a check, with the reason (for the sandbox's request log, never sent to the client). */
export interface RejectedCsr {
  readonly ok: false;
  readonly reason: string;
}

/** The result of {@link checkCsr}. */
export type CsrCheckResult = AcceptedCsr | RejectedCsr;

const SAN_OID = '2.5.29.17';

function reject(reason: string): RejectedCsr {
  return { ok: false, reason };
}

function keyTypeOf(spki: ArrayBuffer): string {
  const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits === 2048 || bits === 3072 || bits === 4096) return `rsa-${bits}`;
    return `RSA key of ${bits} bits (allowed: 2048, 3072, 4096)`;
  }
  if (key.asymmetricKeyType === 'ec') {
    if (details.namedCurve === 'prime256v1') return 'ec-p256';
    if (details.namedCurve === 'secp384r1') return 'ec-p384';
    return `EC key on curve ${details.namedCurve ?? 'unknown'} (allowed: P-256, P-384)`;
  }
  return `${key.asymmetricKeyType ?? 'unknown'} key (allowed: RSA, ECDSA)`;
}

function isAccepted(type: string): type is AcceptedKeyType {
  return ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'].includes(type);
}

function canonical(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** The names of the CSR (CN and SAN dNSNames), or a reason when a SAN is not a DNS name. */
function namesOf(csr: x509.Pkcs10CertificateRequest): Set<string> | string {
  const names = new Set<string>();
  for (const cn of csr.subjectName.getField('CN')) names.add(canonical(cn));
  for (const extension of csr.extensions) {
    if (extension.type !== SAN_OID) continue;
    const san =
      extension instanceof x509.SubjectAlternativeNameExtension
        ? extension
        : new x509.SubjectAlternativeNameExtension(extension.rawData);
    for (const item of san.names.items) {
      if (item.type !== 'dns') return `SAN of type ${item.type} (${item.value}); only DNS names are allowed`;
      names.add(canonical(item.value));
    }
  }
  return names;
}

/**
 * Checks a CSR as the CA does before signing (spec §3, error 104): PEM that parses,
 * a valid self-signature, an allowed key (RSA 2048/3072/4096 or ECDSA P-256/P-384),
 * and names (CN and SAN dNSNames together, case-insensitively) equal to the set of
 * requested domains, no more and no fewer.
 *
 * @param pem - the CSR as sent in `csr` (PEM).
 * @param domains - the requested domains, already normalised (spec §4).
 */
export async function checkCsr(pem: string, domains: readonly string[]): Promise<CsrCheckResult> {
  if (!pem.includes('-----BEGIN CERTIFICATE REQUEST-----') && !pem.includes('-----BEGIN NEW CERTIFICATE REQUEST-----')) {
    return reject('not a PEM certificate request');
  }
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(pem.replace(/NEW CERTIFICATE REQUEST/g, 'CERTIFICATE REQUEST'));
  } catch {
    return reject('CSR does not parse');
  }
  let keyType: string;
  try {
    keyType = keyTypeOf(csr.publicKey.rawData);
  } catch {
    return reject('CSR public key does not parse');
  }
  if (!isAccepted(keyType)) return reject(`disallowed key: ${keyType}`);
  let signatureValid: boolean;
  try {
    signatureValid = await csr.verify();
  } catch {
    signatureValid = false;
  }
  if (!signatureValid) return reject('CSR signature does not verify');
  let names: Set<string> | string;
  try {
    names = namesOf(csr);
  } catch {
    return reject('CSR extensions do not parse');
  }
  if (typeof names === 'string') return reject(names);
  const wanted = new Set(domains.map(canonical));
  const missing = [...wanted].filter((d) => !names.has(d));
  const extra = [...names].filter((d) => !wanted.has(d));
  if (missing.length > 0 || extra.length > 0) {
    return reject(`CSR names differ from the requested domains (missing: ${missing.join(', ') || '-'}; extra: ${extra.join(', ') || '-'})`);
  }
  return { ok: true, publicKey: csr.publicKey, keyType };
}
