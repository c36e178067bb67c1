/**
 * The sandbox's test CA (spec §6): a fresh random root and intermediate on every
 * start, ECDSA P-256 with SHA-256, trusted by nothing. Also signs the sandbox's
 * own TLS server certificate.
 */
import { randomBytes } from 'node:crypto';
import { randomSerialHex } from './serial.js';
import { CA_SIGNING_ALGORITHM, type CryptoKey, generateCaKeyPair, privateKeyToPem, x509 } from './x509.js';

/** A CA certificate with its private key (the key never leaves the process). */
export interface CaCertificateWithKey {
  readonly certificate: x509.X509Certificate;
  readonly privateKey: CryptoKey;
  /** The certificate as PEM. */
  readonly pem: string;
  /** The certificate as DER. */
  readonly der: Uint8Array;
}

/** The root and intermediate of one sandbox run. */
export interface TestCa {
  readonly root: CaCertificateWithKey;
  readonly intermediate: CaCertificateWithKey;
}

/** A TLS server certificate and key for node:https, as PEM. */
export interface ServerCredentials {
  /** Leaf then intermediate. */
  readonly certificatePem: string;
  /** PKCS #8 PEM; a secret, never logged. */
  readonly privateKeyPem: string;
}

const DAY_MS = 86_400_000;
/** Backdating of the CA certificates, so that clocks a little behind still accept them. */
const CA_BACKDATE_MS = 60 * 60 * 1000;

function withKey(certificate: x509.X509Certificate, privateKey: CryptoKey): CaCertificateWithKey {
  return { certificate, privateKey, pem: `${certificate.toString('pem')}\n`, der: new Uint8Array(certificate.rawData) };
}

/**
 * Creates a fresh root (10 years) and intermediate (5 years, pathLen 0) with random
 * names, so that two runs never make certificates that chain to each other.
 */
export async function createTestCa(now: Date = new Date()): Promise<TestCa> {
  const tag = randomBytes(4).toString('hex');
  const notBefore = new Date(now.getTime() - CA_BACKDATE_MS);
  const rootKeys = await generateCaKeyPair();
  const rootName = `CN=acmapi sandbox root CA ${tag}, O=acmapi sandbox (trusted by nothing)`;
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialHex(),
    name: rootName,
    notBefore,
    notAfter: new Date(now.getTime() + 3650 * DAY_MS),
    signingAlgorithm: CA_SIGNING_ALGORITHM,
    keys: rootKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const intermediateKeys = await generateCaKeyPair();
  const intermediate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(),
    subject: `CN=acmapi sandbox intermediate CA ${tag}, O=acmapi sandbox (trusted by nothing)`,
    issuer: root.subjectName,
    notBefore,
    notAfter: new Date(now.getTime() + 1825 * DAY_MS),
    signingAlgorithm: CA_SIGNING_ALGORITHM,
    publicKey: intermediateKeys.publicKey,
    signingKey: rootKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(intermediateKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  return { root: withKey(root, rootKeys.privateKey), intermediate: withKey(intermediate, intermediateKeys.privateKey) };
}

/**
 * Issues the sandbox's own HTTPS certificate: SANs `localhost`, `127.0.0.1`, `::1`
 * plus `extraDomains`, EKU serverAuth, one year, chained to the intermediate.
 */
export async function createServerCredentials(ca: TestCa, extraDomains: readonly string[] = []): Promise<ServerCredentials> {
  const keys = await generateCaKeyPair();
  const now = Date.now();
  const names: x509.JsonGeneralName[] = [
    { type: 'dns', value: 'localhost' },
    ...extraDomains.map((value): x509.JsonGeneralName => ({ type: 'dns', value })),
    { type: 'ip', value: '127.0.0.1' },
    { type: 'ip', value: '::1' },
  ];
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(),
    subject: 'CN=localhost',
    issuer: ca.intermediate.certificate.subjectName,
    // As far back as the CA certificates: a client whose clock lags minutes must reach the
    // sandbox, to be told about its clock by the certificates it issues, not by a TLS failure.
    notBefore: new Date(now - CA_BACKDATE_MS),
    notAfter: new Date(now + 365 * DAY_MS),
    signingAlgorithm: CA_SIGNING_ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: ca.intermediate.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.intermediate.certificate.publicKey),
    ],
  });
  return {
    certificatePem: `${leaf.toString('pem')}\n${ca.intermediate.pem}`,
    privateKeyPem: await privateKeyToPem(keys.privateKey),
  };
}
