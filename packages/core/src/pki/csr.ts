/**
 * Certificate signing requests (PKCS#10, RFC 2986): making ours, and checking a user's
 * before it is sent, so that the user learns what is wrong before the CA says 104 (spec §3).
 */
import type { KeyObject } from 'node:crypto';
import { diffDomains, normalizeDomains } from '../domains/domains.js';
import { CsrError, OptionsError } from '../errors/errors.js';
import { DEFAULT_KEY_TYPE, type KeyType } from './key-types.js';
import {
  exportPrivateKeyPem,
  generatePrivateKey,
  parsePrivateKeyPem,
  publicKeySpkiDer,
  requireAllowedKeyType,
} from './keys.js';
import {
  Pkcs10CertificateRequest,
  Pkcs10CertificateRequestGenerator,
  SubjectAlternativeNameExtension,
  decodePemBlocks,
  encodePem,
  publicKeyFromSpki,
  signingAlgorithmFor,
  toCryptoKeyPair,
  verifySigned,
  type JsonName,
} from './x509.js';

/**
 * Optional subject fields of a CSR besides the CN (RFC 5280 §4.1.2.6 attribute types).
 * A DV certificate ignores most of them; they are here for CAs that copy them.
 */
export interface CsrSubject {
  /** Organisation (O). */
  organization?: string;
  /** Organisational unit (OU); deprecated by the BR (§7.1.2.7.2) and usually dropped by CAs. */
  organizationalUnit?: string;
  /** Country (C): two letters, ISO 3166-1 alpha-2, e.g. `"DE"`. */
  country?: string;
  /** State or province (ST). */
  state?: string;
  /** Locality (L). */
  locality?: string;
  /** E-mail address (PKCS#9 emailAddress). */
  emailAddress?: string;
}

/** Options of {@link createCsr}. */
export interface CreateCsrOptions {
  /** The domains (spec §4): normalised by `normalizeDomains`; the first becomes the CN, all become dNSName SANs. */
  domains: readonly string[];
  /** The private key to sign with; its type must be allowed (see `ALLOWED_KEY_POLICY`). */
  privateKey: KeyObject;
  /** Subject fields besides the CN. */
  subject?: CsrSubject;
}

/** Options of {@link generateKeyAndCsr}. */
export interface GenerateKeyAndCsrOptions {
  /** The domains (spec §4), as for {@link createCsr}. */
  domains: readonly string[];
  /**
   * The key type.
   * @default 'ec-p256'
   */
  keyType?: KeyType;
  /** Subject fields besides the CN. */
  subject?: CsrSubject;
}

/** What {@link generateKeyAndCsr} returns. */
export interface GenerateKeyAndCsrResult {
  /** The new private key, PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). A secret: store it with mode 0600. */
  privateKeyPem: string;
  /** The CSR, PEM (`-----BEGIN CERTIFICATE REQUEST-----`). */
  csrPem: string;
  /** The key's type. */
  keyType: KeyType;
}

/** A parsed CSR. */
export interface ParsedCsr {
  /** The CSR, as normalised PEM (64-column base64, trailing newline). */
  pem: string;
  /** The subject's CN, when it has one. */
  commonName: string | undefined;
  /** The SAN extension's dNSNames, lower-cased, in CSR order; if the CSR has no SAN, its CN (lower-cased) alone. */
  domains: string[];
  /** The type of the CSR's public key. */
  keyType: KeyType;
  /** The CSR's public key. */
  publicKey: KeyObject;
  /** Whether the CSR's signature verifies with its own public key (RFC 2986 §3, proof of possession). */
  signatureValid: boolean;
}

/** Options of {@link checkCsr}. */
export interface CheckCsrOptions {
  /** The domains requested for the certificate (spec §4); normalised before comparing. */
  domains: readonly string[];
}

const SUBJECT_FIELDS: readonly (readonly [keyof CsrSubject, string])[] = [
  ['country', 'C'],
  ['state', 'ST'],
  ['locality', 'L'],
  ['organization', 'O'],
  ['organizationalUnit', 'OU'],
];

function subjectName(commonName: string, subject: CsrSubject | undefined): JsonName {
  const name: JsonName = [];
  for (const [field, type] of SUBJECT_FIELDS) {
    const value = subject?.[field];
    if (value === undefined) continue;
    if (value.trim() === '' || value.length > 64) {
      throw new OptionsError(`CSR subject field ${field} must be 1 to 64 characters (RFC 5280 upper bounds).`, { option: `subject.${field}` });
    }
    if (field === 'country' && !/^[A-Z]{2}$/.test(value)) {
      throw new OptionsError(`CSR subject field country must be two capital letters (ISO 3166-1 alpha-2), like "DE"; got ${JSON.stringify(value)}.`, {
        option: 'subject.country',
      });
    }
    name.push({ [type]: [value] });
  }
  name.push({ CN: [commonName] });
  const email = subject?.emailAddress;
  if (email !== undefined) {
    if (!/^[\x21-\x7e]+@[\x21-\x7e]+$/.test(email) || email.length > 255) {
      throw new OptionsError(`CSR subject field emailAddress must be a plain ASCII address like "ops@example.com".`, { option: 'subject.emailAddress' });
    }
    name.push({ E: [email] });
  }
  return name;
}

/**
 * Makes a CSR (RFC 2986) for the domains: CN = the first domain, SAN = every domain as
 * dNSName (RFC 5280 §4.2.1.6), signed with SHA-256 (RSA PKCS#1 v1.5 or ECDSA; ECDSA P-384
 * with SHA-384).
 *
 * @returns the CSR as PEM (`-----BEGIN CERTIFICATE REQUEST-----`).
 * @throws {DomainError} when the domains break a rule of spec §4.
 * @throws {CsrError} `CSR_KEY_NOT_ALLOWED` when the private key's type is not allowed.
 * @throws {OptionsError} `OPTIONS_INVALID` for a malformed subject field.
 */
export async function createCsr(options: CreateCsrOptions): Promise<string> {
  const domains = normalizeDomains(options.domains);
  const keyType = requireAllowedKeyType(options.privateKey, 'The private key');
  const commonName = domains[0] ?? '';
  const name = subjectName(commonName, options.subject);
  const keys = await toCryptoKeyPair(options.privateKey, keyType);
  const csr = await Pkcs10CertificateRequestGenerator.create({
    name,
    keys,
    signingAlgorithm: signingAlgorithmFor(keyType),
    extensions: [new SubjectAlternativeNameExtension(domains.map((value) => ({ type: 'dns' as const, value })))],
  });
  return encodePem('CERTIFICATE REQUEST', new Uint8Array(csr.rawData));
}

/**
 * Generates a private key (native node:crypto) and a CSR for it.
 *
 * @returns the private key PEM (PKCS#8), the CSR PEM, and the key type.
 * @throws {DomainError} when the domains break a rule of spec §4 (checked before the key is generated).
 * @throws {CsrError} `KEY_TYPE_UNKNOWN` for an unknown key type.
 * @throws {OptionsError} `OPTIONS_INVALID` for a malformed subject field.
 */
export async function generateKeyAndCsr(options: GenerateKeyAndCsrOptions): Promise<GenerateKeyAndCsrResult> {
  const domains = normalizeDomains(options.domains);
  const keyType = options.keyType ?? DEFAULT_KEY_TYPE;
  // Fail on a bad subject before spending time on an RSA key.
  subjectName(domains[0] ?? '', options.subject);
  const privateKey = await generatePrivateKey(keyType);
  const csrPem = await createCsr({
    domains,
    privateKey,
    ...(options.subject === undefined ? {} : { subject: options.subject }),
  });
  return { privateKeyPem: exportPrivateKeyPem(privateKey), csrPem, keyType };
}

const CSR_LABELS = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);
const SAN_OID = '2.5.29.17';

function csrInvalid(detail: string, cause?: unknown): CsrError {
  return new CsrError(
    'CSR_INVALID',
    `The CSR is not valid: ${detail}. Expected a PEM block BEGIN CERTIFICATE REQUEST holding a PKCS#10 request (RFC 2986).`,
    cause === undefined ? {} : { cause },
  );
}

/**
 * Parses a CSR PEM (RFC 2986) and checks that its key type is allowed.
 * Also accepts the older label `NEW CERTIFICATE REQUEST`.
 *
 * @param pem - text holding one PEM block `CERTIFICATE REQUEST` (text around it is ignored).
 * @throws {CsrError} `CSR_INVALID` when there is no such block or it does not parse;
 *   `CSR_KEY_NOT_ALLOWED` when its key type or size is not allowed (the message says which, and what is).
 */
export function parseCsr(pem: string): ParsedCsr {
  if (typeof pem !== 'string') throw csrInvalid('it is not text');
  const blocks = decodePemBlocks(pem).filter((block) => CSR_LABELS.has(block.label));
  const block = blocks[0];
  if (block === undefined) throw csrInvalid('no PEM block BEGIN CERTIFICATE REQUEST was found');
  if (blocks.length > 1) throw csrInvalid('it holds more than one CERTIFICATE REQUEST block');
  let csr: Pkcs10CertificateRequest;
  let commonName: string | undefined;
  let sanNames: string[] | undefined;
  let publicKey: KeyObject;
  try {
    csr = new Pkcs10CertificateRequest(new Uint8Array(block.der));
    commonName = csr.subjectName.getField('CN')[0];
    const sanExtension = csr.getExtension(SAN_OID);
    if (sanExtension !== null) {
      const san = new SubjectAlternativeNameExtension(sanExtension.rawData);
      sanNames = san.names.items.filter((item) => item.type === 'dns').map((item) => item.value.toLowerCase());
    }
    publicKey = publicKeyFromSpki(csr.publicKey.rawData);
  } catch (error) {
    throw csrInvalid('its DER content does not parse as a PKCS#10 request', error);
  }
  const keyType = requireAllowedKeyType(publicKey, "The CSR's key");
  const domains = sanNames ?? (commonName === undefined ? [] : [commonName.toLowerCase()]);
  return {
    pem: encodePem('CERTIFICATE REQUEST', block.der),
    commonName,
    domains: [...new Set(domains)],
    keyType,
    publicKey,
    signatureValid: verifySigned(block.der, publicKey).valid,
  };
}

/**
 * Checks a user-supplied CSR before it is sent (spec §3, error 104): it parses, its
 * signature verifies (RFC 2986 §3), its key is allowed (BR §6.1.5), and it names exactly
 * the requested domains — its SAN dNSNames plus its CN, compared after normalisation and
 * case-insensitively.
 *
 * @returns the parsed CSR.
 * @throws {CsrError} `CSR_INVALID`, `CSR_SIGNATURE_INVALID`, `CSR_KEY_NOT_ALLOWED`, or
 *   `CSR_DOMAINS_MISMATCH` (the message spells out which domains it lacks and which it adds).
 * @throws {DomainError} when the requested domains break a rule of spec §4.
 */
export function checkCsr(pem: string, options: CheckCsrOptions): ParsedCsr {
  const requested = normalizeDomains(options.domains);
  const parsed = parseCsr(pem);
  if (!parsed.signatureValid) {
    throw new CsrError(
      'CSR_SIGNATURE_INVALID',
      "The CSR's signature does not verify with its own public key: the CSR is damaged or was altered after signing.",
      { hint: 'Make a new CSR.' },
    );
  }
  const named = [...parsed.domains];
  const cn = parsed.commonName?.toLowerCase();
  if (cn !== undefined && !named.includes(cn)) named.push(cn);
  const { missing, extra } = diffDomains(requested, named);
  if (missing.length > 0 || extra.length > 0) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`the CSR lacks ${missing.join(', ')}`);
    if (extra.length > 0) {
      parts.push(`${missing.length > 0 ? 'it also names' : 'the CSR names'} ${extra.join(', ')} which you did not request`);
    }
    throw new CsrError(
      'CSR_DOMAINS_MISMATCH',
      `The CSR does not name exactly the requested domains: ${parts.join('; ')}.`,
      { hint: `Make a CSR for exactly ${requested.join(', ')}, or have a new key and CSR generated.` },
    );
  }
  return parsed;
}

/**
 * Whether a private key is the one a CSR was made with: their public keys' SPKI DER are equal.
 *
 * @throws {CsrError} `KEY_INVALID` for an unparsable private key; any error of {@link parseCsr}.
 */
export function keyMatchesCsr(privateKeyPem: string, csrPem: string): boolean {
  const privateKey = parsePrivateKeyPem(privateKeyPem);
  const csr = parseCsr(csrPem);
  return publicKeySpkiDer(privateKey).equals(publicKeySpkiDer(csr.publicKey));
}

/**
 * Throws unless a private key is the one a CSR was made with (see {@link keyMatchesCsr}).
 *
 * @throws {CsrError} `KEY_CSR_MISMATCH`, `KEY_INVALID`, or any error of {@link parseCsr}.
 */
export function checkKeyMatchesCsr(privateKeyPem: string, csrPem: string): void {
  if (!keyMatchesCsr(privateKeyPem, csrPem)) {
    throw new CsrError(
      'KEY_CSR_MISMATCH',
      'The private key does not belong to the CSR: their public keys differ.',
      { hint: 'Give the private key the CSR was made with, or have a new key and CSR generated.' },
    );
  }
}
