/**
 * Signs DV leaf certificates with the sandbox's intermediate, in the profile of a
 * public CA (BR §7.1): random 128-bit serial, CN = first domain, SANs, EKU
 * serverAuth, KU digitalSignature (+ keyEncipherment for RSA), CA:false, AKI/SKI,
 * AIA caIssuers, policy 2.23.140.1.2.1 (domain validated).
 */
import type { AcceptedKeyType } from './csr-check.js';
import { randomSerialHex } from './serial.js';
import type { TestCa } from './test-ca.js';
import { CA_SIGNING_ALGORITHM, type CryptoKey, x509 } from './x509.js';

/** The CA/Browser Forum's policy OID for domain-validated certificates (BR §7.1.6.1). */
export const DV_POLICY_OID = '2.23.140.1.2.1';

/** What to sign. */
export interface IssueCertificateOptions {
  /** The public key to certify (normally the CSR's). */
  readonly publicKey: x509.PublicKey | CryptoKey;
  /** The kind of that key: RSA keys also get keyEncipherment. */
  readonly keyType: AcceptedKeyType;
  /** Normalised domains; the first becomes the subject CN. */
  readonly domains: readonly string[];
  /** Start of validity (already backdated by the caller). */
  readonly notBefore: Date;
  /** End of validity. */
  readonly notAfter: Date;
  /** URL of the intermediate's DER, for AIA caIssuers. */
  readonly caIssuersUrl: string;
}

/** A signed leaf certificate. */
export interface IssuedCertificate {
  readonly pem: string;
  readonly der: Uint8Array;
  /** Serial number, hex. */
  readonly serial: string;
}

/** Signs one DV leaf certificate with the intermediate of `ca`. */
export async function issueCertificate(ca: TestCa, options: IssueCertificateOptions): Promise<IssuedCertificate> {
  const [first] = options.domains;
  if (first === undefined) throw new RangeError('issueCertificate needs at least one domain');
  const rsa = options.keyType.startsWith('rsa');
  const serial = randomSerialHex();
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: [{ CN: [first] }],
    issuer: ca.intermediate.certificate.subjectName,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    signingAlgorithm: CA_SIGNING_ALGORITHM,
    publicKey: options.publicKey,
    signingKey: ca.intermediate.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      rsa
        ? new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true)
        : new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(options.domains.map((value) => ({ type: 'dns' as const, value }))),
      await x509.SubjectKeyIdentifierExtension.create(options.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.intermediate.certificate.publicKey),
      new x509.AuthorityInfoAccessExtension({ caIssuers: new x509.GeneralName('url', options.caIssuersUrl) }),
      new x509.CertificatePolicyExtension([DV_POLICY_OID]),
    ],
  });
  return { pem: `${certificate.toString('pem')}\n`, der: new Uint8Array(certificate.rawData), serial };
}
