/**
 * The one module that touches @peculiar/x509: it loads `reflect-metadata` first
 * (@peculiar/x509's dependency injection needs it), points @peculiar/x509 at node's
 * WebCrypto, and re-exports the few classes the sandbox and tests use to make certificates.
 * The @peculiar/asn1-* schemas and asn1js are touched only in asn1.ts.
 *
 * Why @peculiar/x509 and not node-forge: the design names node-forge "where it serves
 * (RSA, PKCS#12 later)", but node-forge cannot make or check ECDSA CSRs, and ECDSA P-256
 * is our default key type. @peculiar/x509 (over node:crypto's WebCrypto) handles RSA and
 * ECDSA alike, so certificates of every key type go through one code path.
 *
 * What the `acmapi issue` path needs lives apart, so that it loads neither @peculiar/x509 nor
 * reflect-metadata (issue 9: CPU time): PEM, DER and signature checks in der.ts; the ASN.1
 * schemas CSRs are built and read with in asn1.ts; certificates are read with node:crypto's
 * X509Certificate (certificate.ts, certificate-fields.ts). This module re-exports both, for
 * the sandbox and tests, which generate certificates with @peculiar/x509.
 */
import 'reflect-metadata';
import { createPublicKey, webcrypto, type KeyObject } from 'node:crypto';
import { cryptoProvider } from '@peculiar/x509';
import { KEY_TYPE_SPECS, type KeyType } from './key-types.js';

// The library signs and verifies through WebCrypto; use node's (OpenSSL underneath).
cryptoProvider.set(webcrypto);

export {
  AuthorityInfoAccessExtension,
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  GeneralName,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  Name,
  Pkcs10CertificateRequest,
  Pkcs10CertificateRequestGenerator,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
} from '@peculiar/x509';
export type { Extension, JsonName } from '@peculiar/x509';
export * from './asn1.js';
export * from './der.js';

/** The WebCrypto signing algorithm for a key type: RSASSA-PKCS1-v1_5 with SHA-256, ECDSA with SHA-256 (P-256) or SHA-384 (P-384). */
export function signingAlgorithmFor(keyType: KeyType): webcrypto.RsaHashedImportParams | webcrypto.EcdsaParams {
  const spec = KEY_TYPE_SPECS[keyType];
  return spec.algorithm === 'rsa' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', hash: spec.hash };
}

/**
 * Imports a node private key into WebCrypto as a key pair for signing, since
 * @peculiar/x509 signs through WebCrypto. The key never leaves the process.
 */
export async function toCryptoKeyPair(privateKey: KeyObject, keyType: KeyType): Promise<webcrypto.CryptoKeyPair> {
  const spec = KEY_TYPE_SPECS[keyType];
  const importParams: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams =
    spec.algorithm === 'rsa' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', namedCurve: spec.curve };
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const [signing, verifying] = await Promise.all([
    webcrypto.subtle.importKey('pkcs8', pkcs8, importParams, false, ['sign']),
    webcrypto.subtle.importKey('spki', spki, importParams, true, ['verify']),
  ]);
  return { privateKey: signing, publicKey: verifying };
}
