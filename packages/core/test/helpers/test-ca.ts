/**
 * A tiny test CA built with the package's own x509 module: root → intermediate → leaf.
 * Only for tests; what it signs is checked independently by openssl in crypto-openssl.test.ts.
 */
import { createPublicKey, type KeyObject, type webcrypto } from 'node:crypto';
import { generatePrivateKey, keyTypeOf } from '../../src/pki/keys.js';
import type { KeyType } from '../../src/pki/key-types.js';
import {
  BasicConstraintsExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  Pkcs10CertificateRequestGenerator,
  SubjectAlternativeNameExtension,
  X509CertificateGenerator,
  encodePem,
  type X509Certificate,
  signingAlgorithmFor,
  toCryptoKeyPair,
  type Extension,
} from '../../src/pki/x509.js';

const DAY = 86_400_000;

/** A certificate this CA made, and the key that signs with it. */
export interface TestIssuer {
  certificate: X509Certificate;
  pem: string;
  key: KeyObject;
  keyType: KeyType;
  name: string;
}

/** Options of {@link issueLeaf}. */
export interface IssueLeafOptions {
  /** The leaf's public key (or a private key, whose public half is used). */
  publicKey: KeyObject;
  /** dNSName SANs. */
  domains: readonly string[];
  /** @default the first domain */
  commonName?: string;
  /** @default one day ago */
  notBefore?: Date;
  /** @default 90 days from now */
  notAfter?: Date;
  /** Hex. @default random */
  serialNumber?: string;
  /** More extensions, e.g. AIA. @default none */
  extensions?: readonly Extension[];
  /** A basicConstraints extension in place of the leaf's own (CA:FALSE), e.g. a hostile CA:TRUE. @default CA:FALSE */
  extensionsReplaceBasicConstraints?: Extension;
}

function spki(key: KeyObject): Uint8Array {
  const publicKey = key.type === 'public' ? key : createPublicKey(key);
  return new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
}

function requireKeyType(key: KeyObject): KeyType {
  const keyType = keyTypeOf(key);
  if (keyType === undefined) throw new Error('test CA key must be an allowed key type');
  return keyType;
}

function issuer(certificate: X509Certificate, key: KeyObject, name: string): TestIssuer {
  return { certificate, pem: encodePem('CERTIFICATE', new Uint8Array(certificate.rawData)), key, keyType: requireKeyType(key), name };
}

/** Makes a self-signed root CA. */
export async function makeRoot(name = 'CN=acmapi Test Root', keyType: KeyType = 'ec-p384'): Promise<TestIssuer> {
  const key = await generatePrivateKey(keyType);
  const keys = await toCryptoKeyPair(key, keyType);
  const certificate = await X509CertificateGenerator.createSelfSigned({
    name,
    keys,
    serialNumber: '01',
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 3650 * DAY),
    signingAlgorithm: signingAlgorithmFor(keyType),
    extensions: [
      new BasicConstraintsExtension(true, undefined, true),
      new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
    ],
  });
  return issuer(certificate, key, name);
}

/** Makes an intermediate CA signed by `parent`. `key` lets a test make a second CA with the same name but another key. */
export async function makeIntermediate(
  parent: TestIssuer,
  name = 'CN=acmapi Test Intermediate',
  keyType: KeyType = 'ec-p256',
  key?: KeyObject,
  extraExtensions: readonly Extension[] = [],
): Promise<TestIssuer> {
  const ownKey = key ?? (await generatePrivateKey(keyType));
  const keys = await toCryptoKeyPair(parent.key, parent.keyType);
  const certificate = await X509CertificateGenerator.create({
    subject: name,
    issuer: parent.name,
    publicKey: spki(ownKey),
    signingKey: keys.privateKey,
    serialNumber: '02',
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 1825 * DAY),
    signingAlgorithm: signingAlgorithmFor(parent.keyType),
    extensions: [
      new BasicConstraintsExtension(true, 0, true),
      new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
      ...extraExtensions,
    ],
  });
  return issuer(certificate, ownKey, name);
}

/** Issues a leaf (end-entity) certificate signed by `parent`, returned as PEM. */
export async function issueLeaf(parent: TestIssuer, options: IssueLeafOptions): Promise<string> {
  const keys = await toCryptoKeyPair(parent.key, parent.keyType);
  const extensions: Extension[] = [
    options.extensionsReplaceBasicConstraints ?? new BasicConstraintsExtension(false, undefined, true),
    new KeyUsagesExtension(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment, true),
  ];
  if (options.domains.length > 0) {
    extensions.push(new SubjectAlternativeNameExtension(options.domains.map((value) => ({ type: 'dns' as const, value }))));
  }
  extensions.push(...(options.extensions ?? []));
  const commonName = options.commonName ?? options.domains[0];
  const certificate = await X509CertificateGenerator.create({
    subject: commonName === undefined ? 'O=acmapi test' : `CN=${commonName}`,
    issuer: parent.name,
    publicKey: spki(options.publicKey),
    signingKey: keys.privateKey,
    ...(options.serialNumber === undefined ? {} : { serialNumber: options.serialNumber }),
    notBefore: options.notBefore ?? new Date(Date.now() - DAY),
    notAfter: options.notAfter ?? new Date(Date.now() + 90 * DAY),
    signingAlgorithm: signingAlgorithmFor(parent.keyType),
    extensions,
  });
  return encodePem('CERTIFICATE', new Uint8Array(certificate.rawData));
}

/** Options of {@link buildCsr}. */
export interface BuildCsrOptions {
  /** A WebCrypto key pair of any algorithm the runtime supports. */
  keys: webcrypto.CryptoKeyPair;
  signingAlgorithm: webcrypto.Algorithm | webcrypto.EcdsaParams;
  /** Subject DN text, e.g. `CN=a.example`. */
  name: string;
  /** dNSName SANs; none means no SAN extension. */
  sans?: readonly string[];
}

/** Builds an arbitrary CSR (weak keys, no SAN, other names) that createCsr would refuse to make. */
export async function buildCsr(options: BuildCsrOptions): Promise<string> {
  const sans = options.sans ?? [];
  const csr = await Pkcs10CertificateRequestGenerator.create({
    name: options.name,
    keys: options.keys,
    signingAlgorithm: options.signingAlgorithm,
    extensions: sans.length === 0 ? [] : [new SubjectAlternativeNameExtension(sans.map((value) => ({ type: 'dns' as const, value })))],
  });
  return encodePem('CERTIFICATE REQUEST', new Uint8Array(csr.rawData));
}
