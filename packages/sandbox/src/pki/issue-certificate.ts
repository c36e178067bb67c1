/**
 * Signs DV leaf certificates with the sandbox's intermediate, in the profile of a
 * public CA (BR §7.1): random 128-bit serial, CN = the first domain that fits in 64
 * characters (RFC 5280 ub-common-name; none when no domain fits), SANs, EKU
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
  /** Normalised domains, all in the SAN; the first of at most 64 characters becomes the subject CN. */
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

/** RFC 5280 Appendix A `ub-common-name`: the longest subject common name, characters. */
export const MAX_COMMON_NAME_LENGTH = 64;

/**
 * The subject CN for `domains`: the first that fits in {@link MAX_COMMON_NAME_LENGTH}
 * characters (the BR make the CN optional and require it to be one of the SANs), or
 * `undefined` when none fits. A longer first domain stays only in the SAN.
 */
export function commonNameFor(domains: readonly string[]): string | undefined {
  return domains.find((domain) => domain.length <= MAX_COMMON_NAME_LENGTH);
}

/** Signs one DV leaf certificate with the intermediate of `ca`. */
export async function issueCertificate(ca: TestCa, options: IssueCertificateOptions): Promise<IssuedCertificate> {
  const [first] = options.domains;
  if (first === undefined) throw new RangeError('issueCertificate needs at least one domain');
  const commonName = commonNameFor(options.domains);
  const rsa = options.keyType.startsWith('rsa');
  const serial = randomSerialHex();
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: commonName === undefined ? [] : [{ CN: [commonName] }],
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
      // An empty subject makes the SAN the only name: RFC 5280 §4.2.1.6 then requires it critical.
      new x509.SubjectAlternativeNameExtension(
        options.domains.map((value) => ({ type: 'dns' as const, value })),
        commonName === undefined,
      ),
      await x509.SubjectKeyIdentifierExtension.create(options.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.intermediate.certificate.publicKey),
      new x509.AuthorityInfoAccessExtension({ caIssuers: new x509.GeneralName('url', options.caIssuersUrl) }),
      new x509.CertificatePolicyExtension([DV_POLICY_OID]),
    ],
  });
  return { pem: `${certificate.toString('pem')}\n`, der: new Uint8Array(certificate.rawData), serial };
}
