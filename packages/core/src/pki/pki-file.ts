/**
 * What a PKI file holds, for a person to read (the extension's certificate view): every
 * certificate (RFC 5280) with its subject, SANs, issuer, validity, public key and
 * fingerprints; every CSR (RFC 2986) with its subject, SANs, key and whether its signature
 * verifies; and how many private keys it holds (never their material). PEM (RFC 7468, any
 * mix of blocks), bare base64 of DER, or binary DER (`.der`, `.cer`) are read.
 *
 * Unlike {@link parseCertificateChain}, nothing here refuses: a bundle whose certificates do
 * not link, a CSR with a key the CA would refuse, or a block that does not parse is described
 * as it is, with what is wrong with it, because a person wants to see exactly such files.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { parseCertificateChain, type CertificateInfo } from './certificate.js';
import { nameTextFromDer } from './certificate-fields.js';
import { readCsr } from './csr.js';
import { basicConstraintsCa, decodePemBlocks, encodePem, verifySignedParts } from './der.js';
import type { KeyType } from './key-types.js';
import { describeKey, keyTypeOf } from './keys.js';

/** One certificate of a file. */
export interface CertificateDescription extends CertificateInfo {
  /** The public key, e.g. `"EC P-256"`, `"RSA 2048-bit"` (see `describeKey`). */
  publicKey: string;
  /** The key's type when the CA's policy allows it (BR §6.1.5), else `undefined`. */
  keyType: KeyType | undefined;
  /** SHA-1 of the DER: hex, upper-case, colon-separated (`openssl x509 -fingerprint -sha1`). */
  fingerprintSha1: string;
  /** basicConstraints CA:TRUE (RFC 5280 §4.2.1.9). */
  isCa: boolean;
  /** Its own issuer, and its own key verifies its signature (a root). */
  selfSigned: boolean;
}

/** One CSR of a file. */
export interface CsrDescription {
  /** The subject as one-line text (RFC 4514 style), `""` for an empty subject. */
  subject: string;
  commonName: string | undefined;
  /** The SAN dNSNames, lower-cased, in CSR order (empty without a SAN extension). */
  sans: string[];
  /** The public key, e.g. `"EC P-256"`. */
  publicKey: string;
  /** The key's type when allowed (BR §6.1.5), else `undefined`: the CA answers 104. */
  keyType: KeyType | undefined;
  /** Whether its signature verifies with its own key (RFC 2986 §3). */
  signatureValid: boolean;
  /** SHA-256 of the DER, like the certificates' fingerprint. */
  fingerprintSha256: string;
}

/** What {@link describePkiFile} found. */
export interface PkiFileDescription {
  /** `pem` (text with PEM blocks or bare base64) or `der` (binary). */
  format: 'pem' | 'der';
  /** The certificates in file order (the first is the leaf of a bundle). */
  certificates: CertificateDescription[];
  /**
   * With two or more certificates: `undefined` when each is issued by the next (RFC 5280
   * §6.1: names match and signatures verify), else why not. Always `undefined` for one.
   */
  chainProblem: string | undefined;
  csrs: CsrDescription[];
  /** How many private-key blocks the file holds (`PRIVATE KEY`, `EC PRIVATE KEY`, …); their content is never read. */
  privateKeys: number;
  /** Blocks that did not parse, e.g. `"block 2 (CERTIFICATE): not X.509"`. */
  problems: string[];
}

const CSR_LABELS = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);

function describeCertificate(der: Buffer): CertificateDescription {
  // The same reading as the lifecycle's (node:crypto's X509Certificate through certificate.ts).
  const info = parseCertificateChain(encodePem('CERTIFICATE', der)).leaf;
  const x509 = new X509Certificate(der);
  return {
    ...info,
    publicKey: describeKey(x509.publicKey),
    keyType: keyTypeOf(x509.publicKey),
    fingerprintSha1: x509.fingerprint,
    isCa: basicConstraintsCa(der),
    selfSigned: x509.checkIssued(x509) && x509.verify(x509.publicKey),
  };
}

function describeCsr(der: Buffer): CsrDescription {
  const read = readCsr(der);
  return {
    subject: nameTextFromDer(read.subjectDer).text,
    commonName: read.commonName,
    sans: read.sanNames ?? [],
    publicKey: describeKey(read.publicKey),
    keyType: keyTypeOf(read.publicKey),
    signatureValid: verifySignedParts(read.signed, read.publicKey).valid,
    fingerprintSha256: sha256Colons(der),
  };
}

/** SHA-256 of DER in the form of certificates' fingerprints (upper-case hex, colon-separated). */
function sha256Colons(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

function isBinaryDer(bytes: Uint8Array): boolean {
  // DER starts with a SEQUENCE tag; PEM and base64 are printable text.
  return bytes[0] === 0x30 && bytes.some((byte) => byte < 0x09 || byte > 0x7e);
}

/**
 * Describes a PKI file (see the module comment).
 *
 * @param bytes - the file's content, as read.
 * @returns the description; a file with nothing recognisable has empty lists and a problem saying so.
 */
export function describePkiFile(bytes: Uint8Array): PkiFileDescription {
  const result: PkiFileDescription = { format: 'pem', certificates: [], chainProblem: undefined, csrs: [], privateKeys: 0, problems: [] };
  let blocks: { label: string; der: Buffer }[];
  if (isBinaryDer(bytes)) {
    result.format = 'der';
    const der = Buffer.from(bytes);
    let label = 'CERTIFICATE';
    try {
      new X509Certificate(der);
    } catch {
      label = 'CERTIFICATE REQUEST';
    }
    blocks = [{ label, der }];
  } else {
    const text = Buffer.from(bytes).toString('utf8');
    blocks = decodePemBlocks(text);
    if (blocks.length === 0 && !text.includes('-----BEGIN')) {
      const base64 = text.replace(/\s+/g, '');
      const der = base64 !== '' && /^[A-Za-z0-9+/]+={0,2}$/.test(base64) ? Buffer.from(base64, 'base64') : undefined;
      // Only what decodes to a DER SEQUENCE is taken for base64 of a certificate (spec §3's bare form).
      if (der?.[0] === 0x30) blocks = [{ label: 'CERTIFICATE', der }];
    }
  }
  const certificateDers: Buffer[] = [];
  blocks.forEach((block, index) => {
    const where = `block ${index + 1} (${block.label})`;
    if (block.label.endsWith('PRIVATE KEY')) {
      result.privateKeys += 1;
      return;
    }
    try {
      if (block.label === 'CERTIFICATE' || block.label === 'TRUSTED CERTIFICATE') {
        result.certificates.push(describeCertificate(block.der));
        certificateDers.push(block.der);
      } else if (CSR_LABELS.has(block.label)) {
        result.csrs.push(describeCsr(block.der));
      } else {
        result.problems.push(`${where}: not a certificate, CSR or private key`);
      }
    } catch {
      result.problems.push(`${where}: it does not parse as ${block.label === 'CERTIFICATE' ? 'an X.509 certificate' : 'a PKCS#10 request'}`);
    }
  });
  if (certificateDers.length > 1) {
    try {
      parseCertificateChain(certificateDers.map((der) => encodePem('CERTIFICATE', der)).join(''));
    } catch (error) {
      result.chainProblem = error instanceof Error ? error.message : String(error);
    }
  }
  if (blocks.length === 0) result.problems.push('no PEM block, base64 or DER certificate or CSR was found');
  return result;
}
