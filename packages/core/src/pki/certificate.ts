/**
 * Certificates from the CA (RFC 5280): parsing a bundle into leaf and chain, and the checks
 * spec §3 makes on every certificate before it is saved ("always checks that the
 * certificate's public key is the CSR's and that it names every requested domain").
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { normalizeDomains } from '../domains/domains.js';
import { CertificateError } from '../errors/errors.js';
import { parsePrivateKeyPem, publicKeySpkiDer } from './keys.js';
import { parseCsr } from './csr.js';
import { certificateNames, dnsNames, nameText, validityDate, type CertificateNames } from './certificate-fields.js';
import { basicConstraintsCa, decodePemBlocks, encodePem, splitDerSequences, verifySigned } from './der.js';
import { Recent } from './recent.js';

/** What is known about one certificate (RFC 5280 §4.1). */
export interface CertificateInfo {
  /** The subject DN as text (RFC 4514 style), e.g. `"CN=example.com"`. */
  subject: string;
  /** The subject's CN, when it has one. */
  commonName: string | undefined;
  /** The SAN extension's dNSNames (RFC 5280 §4.2.1.6), lower-cased, in certificate order. */
  sans: string[];
  /** The issuer DN as text. */
  issuer: string;
  /** The serial number: hex, lower-case, no separators, without DER's sign-padding zero byte (as `openssl x509 -serial` shows it). */
  serialNumber: string;
  /** Start of the validity period (inclusive). */
  notBefore: Date;
  /** End of the validity period (inclusive, RFC 5280 §4.1.2.5). */
  notAfter: Date;
  /** SHA-256 of the DER: hex, upper-case, colon-separated, like `openssl x509 -fingerprint -sha256`. */
  fingerprintSha256: string;
  /** The certificate as normalised PEM (64-column base64, trailing newline). */
  pem: string;
}

/** A certificate bundle split into its leaf and its chain. */
export interface CertificateChain {
  /** The end-entity certificate: the first of the bundle. */
  leaf: CertificateInfo;
  /** The certificates after the leaf, in bundle order (issuer of the leaf first). */
  chain: CertificateInfo[];
  /** The leaf's PEM (what servers call `cert.pem`). */
  certPem: string;
  /** The chain's PEMs concatenated (`chain.pem`); the empty string when there is no chain. */
  chainPem: string;
  /** Leaf then chain (`fullchain.pem`). */
  fullchainPem: string;
}

/** Options of {@link verifyCertificate}: what the certificate must match. */
export interface VerifyCertificateExpected {
  /** The CSR that was sent; the leaf's public key must be its key. */
  csrPem: string;
  /** The requested domains (spec §4); each must be a dNSName SAN of the leaf. */
  domains: readonly string[];
  /**
   * The time the validity window is checked at.
   * @default new Date()
   */
  now?: Date;
  /**
   * How far, in milliseconds, the leaf's notBefore may lie after `now` and still pass: this
   * machine's clock may be behind the CA's (issue 11, finding 4). The caller reports such a
   * certificate (`notYetValidMs` of the result) instead of losing it.
   * @default {@link CLOCK_SKEW_TOLERANCE_MS}
   */
  clockSkewToleranceMs?: number;
}

/**
 * How far this machine's clock may be behind the CA's before a fresh certificate is refused as
 * not yet valid, in milliseconds: 5 minutes, the skew Kerberos tolerates by default. A CA sets
 * notBefore from its own clock (RFC 5280 §4.1.2.5), often exactly at issuance.
 */
export const CLOCK_SKEW_TOLERANCE_MS = 5 * 60_000;

/** What {@link verifyCertificate} found beyond its checks. */
export interface VerifyCertificateResult {
  /**
   * Milliseconds until the leaf's notBefore, when it lies after `now` within the tolerance
   * (this clock is behind the CA's); 0 when the leaf is valid at `now`.
   */
  notYetValidMs: number;
}

interface ParsedCertificate {
  x509: X509Certificate;
  /** `x509.publicKey`, read once at parse time: OpenSSL decodes it lazily and throws on a bad SPKI. */
  publicKey: KeyObject;
  der: Buffer;
  names: CertificateNames;
  info: CertificateInfo;
}

function certInvalid(detail: string, cause?: unknown): CertificateError {
  return new CertificateError(
    'CERT_INVALID',
    `The certificate is not valid: ${detail}. Expected PEM blocks BEGIN CERTIFICATE (leaf first, then its chain), or base64 of DER.`,
    { cause },
  );
}

/** Certificates parsed in this process, by their DER in base64 (see recent.ts). */
const parsed = new Recent<ParsedCertificate>(32);
/** Links whose signature verified: child's then parent's SHA-256 fingerprint. */
const verifiedLinks = new Recent<true>(32);

/** A copy of `info` a caller may change without changing what {@link parsed} keeps. */
function copyInfo(info: CertificateInfo): CertificateInfo {
  return { ...info, sans: [...info.sans], notBefore: new Date(info.notBefore), notAfter: new Date(info.notAfter) };
}

function parseOne(der: Buffer, index: number): ParsedCertificate {
  const key = der.toString('base64');
  const known = parsed.get(key);
  if (known !== undefined) return { ...known, info: copyInfo(known.info) };
  const certificate = parseDer(der, index);
  parsed.set(key, { ...certificate, info: copyInfo(certificate.info) });
  return certificate;
}

function parseDer(der: Buffer, index: number): ParsedCertificate {
  try {
    // node:crypto reads it with OpenSSL (issue 9: an ASN.1 schema walk cost far more CPU).
    const x509 = new X509Certificate(der);
    // Read here, inside the try: a certificate whose SubjectPublicKeyInfo does not decode
    // parses, and only the getter throws, an untyped OpenSSL error far from here (found by
    // the client-answers fuzz suite: one changed byte in an intermediate's key OID).
    const publicKey = x509.publicKey;
    const names = certificateNames(der);
    const subject = nameText(x509.subject, names.subject);
    const info: CertificateInfo = {
      subject: subject.text,
      commonName: subject.commonName,
      sans: dnsNames(x509),
      issuer: nameText(x509.issuer, names.issuer).text,
      serialNumber: x509.serialNumber.toLowerCase(),
      notBefore: validityDate(x509.validFrom),
      notAfter: validityDate(x509.validTo),
      fingerprintSha256: x509.fingerprint256,
      pem: encodePem('CERTIFICATE', der),
    };
    return { x509, publicKey, der, names, info };
  } catch (error) {
    throw certInvalid(`certificate ${index + 1} of the bundle does not parse as X.509`, error);
  }
}

/** Finds the certificates' DER in a bundle: PEM blocks `CERTIFICATE`, or else bare base64 of DER (spec §3). */
function bundleDers(pemBundle: string): Buffer[] {
  const blocks = decodePemBlocks(pemBundle).filter((block) => block.label === 'CERTIFICATE');
  if (blocks.length > 0) return blocks.map((block) => block.der);
  if (pemBundle.includes('-----BEGIN')) return [];
  const base64 = pemBundle.replace(/\s+/g, '');
  if (base64 === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return [];
  try {
    return splitDerSequences(Buffer.from(base64, 'base64'));
  } catch (error) {
    throw certInvalid('the base64 text does not decode to DER certificates', error);
  }
}

function sameName(child: ParsedCertificate, parent: ParsedCertificate): boolean {
  // Byte equality is the common case; the text form covers names re-encoded with another string type.
  return child.names.issuer.equals(parent.names.subject) || child.info.issuer.toLowerCase() === parent.info.subject.toLowerCase();
}

/** Checks that each certificate is issued by the next: issuer name equals subject name, signature verifies. */
function checkLinks(certificates: readonly ParsedCertificate[]): void {
  for (let i = 0; i + 1 < certificates.length; i++) {
    const child = certificates[i];
    const parent = certificates[i + 1];
    if (child === undefined || parent === undefined) continue;
    const which = `certificate ${i + 1} (${child.info.subject})`;
    if (!sameName(child, parent)) {
      throw new CertificateError(
        'CERT_CHAIN_INVALID',
        `The certificate chain does not link: ${which} names issuer "${child.info.issuer}" but certificate ${i + 2} is "${parent.info.subject}".`,
        { hint: 'The CA must send the leaf first, then each issuer in order: report it to the CA.' },
      );
    }
    const link = `${child.info.fingerprintSha256}>${parent.info.fingerprintSha256}`;
    if (verifiedLinks.get(link) === true) continue;
    const check = verifySigned(child.der, parent.publicKey);
    if (check.valid) verifiedLinks.set(link, true);
    if (!check.valid) {
      throw new CertificateError(
        'CERT_CHAIN_INVALID',
        `The certificate chain does not link: ${which} is not signed by certificate ${i + 2} (${parent.info.subject}): ${check.reason ?? 'the signature does not verify'}.`,
        { hint: 'The CA must send the leaf first, then each issuer in order: report it to the CA.' },
      );
    }
  }
}

/**
 * Parses a certificate bundle: PEM blocks `CERTIFICATE` with the leaf first and then its
 * chain in order (other PEM blocks and text between blocks are ignored), or bare base64 of
 * DER certificates (spec §3). The chain must link (RFC 5280 §6.1: each certificate's issuer
 * is the next one's subject, and its signature verifies with the next one's key).
 *
 * @throws {CertificateError} `CERT_INVALID` when the bundle holds no certificate or one does
 *   not parse; `CERT_CHAIN_INVALID` when the chain does not link.
 */
export function parseCertificateChain(pemBundle: string): CertificateChain {
  if (typeof pemBundle !== 'string') throw certInvalid('it is not text');
  const certificates = bundleDers(pemBundle).map((der, index) => parseOne(der, index));
  const [leaf, ...rest] = certificates;
  if (leaf === undefined) throw certInvalid('no certificate was found in it');
  checkLinks(certificates);
  const chain = rest.map((certificate) => certificate.info);
  const chainPem = chain.map((info) => info.pem).join('');
  return { leaf: leaf.info, chain, certPem: leaf.info.pem, chainPem, fullchainPem: leaf.info.pem + chainPem };
}

/**
 * Checks a certificate from the CA before it is saved (spec §3): the leaf's public key is the
 * CSR's; its SANs include every requested domain (exact dNSName match, lower-case; RFC 5280
 * §4.2.1.6, BR §7.1.2.7.12) and no other dNSName; it is not a CA certificate; it is valid at
 * `now` (RFC 5280 §4.1.2.5); and the chain links.
 *
 * A SAN beyond the requested domains is refused, not warned about: the signfile method (BR
 * §3.2.2.4.18) validates each requested name alone, so the CA validated no other name.
 *
 * @throws {CertificateError} `CERT_KEY_MISMATCH`, `CERT_INVALID` (the leaf is a CA certificate,
 *   basicConstraints CA:TRUE; or it names a domain that was not requested, named in the message),
 *   `CERT_DOMAINS_MISSING` (naming the missing domains), `CERT_NOT_YET_VALID` (notBefore more
 *   than `clockSkewToleranceMs` after `now`), `CERT_EXPIRED` or `CERT_CHAIN_INVALID`.
 * @throws {CsrError} when `expected.csrPem` is not a valid CSR.
 * @throws {DomainError} when `expected.domains` break a rule of spec §4.
 */
export function verifyCertificate(chain: CertificateChain, expected: VerifyCertificateExpected): VerifyCertificateResult {
  const csr = parseCsr(expected.csrPem);
  const domains = normalizeDomains(expected.domains);
  // Re-parse from PEM so that a chain object assembled by hand gets the same checks.
  const certificates = [chain.leaf, ...chain.chain].map((info, index) => {
    const der = decodePemBlocks(info.pem).find((block) => block.label === 'CERTIFICATE')?.der;
    if (der === undefined) throw certInvalid(`certificate ${index + 1} has no PEM block BEGIN CERTIFICATE`);
    return parseOne(der, index);
  });
  const leaf = certificates[0];
  if (leaf === undefined) throw certInvalid('no certificate was found in it');
  const leafKey = leaf.publicKey.export({ type: 'spki', format: 'der' });
  if (!leafKey.equals(publicKeySpkiDer(csr.publicKey))) {
    throw new CertificateError(
      'CERT_KEY_MISMATCH',
      `The CA returned a certificate for another key than the CSR's (${leaf.info.subject}, serial ${leaf.info.serialNumber}); it was not saved.`,
      { hint: 'Apply again, and report this to the CA if it repeats.' },
    );
  }
  if (leaf.x509.ca || basicConstraintsCa(leaf.der)) {
    // RFC 5280 §4.2.1.9, BR §7.1.2.7.8: a subscriber certificate must not be a CA; a key that
    // could sign certificates must not sit on a web server.
    throw new CertificateError(
      'CERT_INVALID',
      `The CA returned a CA certificate (basicConstraints CA:TRUE) as the leaf (${leaf.info.subject}, serial ${leaf.info.serialNumber}); it was not saved.`,
      { hint: 'A server certificate must not be a CA certificate: report this to the CA.' },
    );
  }
  const sans = new Set(leaf.info.sans);
  const missing = domains.filter((domain) => !sans.has(domain));
  if (missing.length > 0) {
    throw new CertificateError(
      'CERT_DOMAINS_MISSING',
      `The CA returned a certificate that does not name ${missing.join(', ')} (its SANs: ${leaf.info.sans.join(', ') || 'none'}); it was not saved.`,
      { hint: 'Apply again, and report this to the CA if it repeats.' },
    );
  }
  // BR §3.2.2.4.18 (the signfile method): a name validated by it covers no other name, and the
  // CA fetches the signfile only for the requested domains, so any other dNSName SAN was not
  // validated; such a certificate is mis-issued and liable to revocation (BR §4.9.1.1). Refused,
  // not warned about (issue 11, finding 15).
  const requested = new Set<string>(domains);
  const extra = [...new Set(leaf.info.sans.map((san) => san.replace(/\.$/, '')))].filter((san) => !requested.has(san));
  if (extra.length > 0) {
    const shown = extra.slice(0, 5).join(', ') + (extra.length > 5 ? ` and ${extra.length - 5} more` : '');
    throw new CertificateError(
      'CERT_INVALID',
      `The CA returned a certificate that also names ${shown}, which was not requested (requested: ${domains.join(', ')}); it was not saved.`,
      { hint: 'A certificate must name only the requested domains, which the CA validated: report this to the CA.' },
    );
  }
  const now = expected.now ?? new Date();
  const tolerance = expected.clockSkewToleranceMs ?? CLOCK_SKEW_TOLERANCE_MS;
  const notYetValidMs = Math.max(0, leaf.info.notBefore.getTime() - now.getTime());
  if (notYetValidMs > tolerance) {
    throw new CertificateError(
      'CERT_NOT_YET_VALID',
      `The certificate is not valid until ${leaf.info.notBefore.toISOString()} (now ${now.toISOString()}, more than ${String(Math.round(tolerance / 1000))} s of clock skew); it was not saved.`,
      { hint: "Check this machine's clock (NTP): it seems to be behind the CA's." },
    );
  }
  if (now.getTime() > leaf.info.notAfter.getTime()) {
    throw new CertificateError(
      'CERT_EXPIRED',
      `The certificate expired at ${leaf.info.notAfter.toISOString()} (now ${now.toISOString()}); it was not saved.`,
      { hint: "Check this machine's clock, or apply again." },
    );
  }
  checkLinks(certificates);
  return { notYetValidMs };
}

/**
 * Whether a certificate (the first in `certPem`) certifies a private key: their public keys'
 * SPKI DER are equal.
 *
 * @throws {CertificateError} `CERT_INVALID` for an unparsable certificate.
 * @throws {CsrError} `KEY_INVALID` for an unparsable private key.
 */
export function certificateMatchesPrivateKey(certPem: string, privateKeyPem: string): boolean {
  const privateKey = parsePrivateKeyPem(privateKeyPem);
  const der = bundleDers(certPem)[0];
  if (der === undefined) throw certInvalid('no certificate was found in it');
  const certificate = parseOne(der, 0);
  return certificate.publicKey.export({ type: 'spki', format: 'der' }).equals(publicKeySpkiDer(privateKey));
}
