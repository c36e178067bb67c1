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
  AsnAttribute,
  AsnAttributes,
  AsnAttributeTypeAndValue,
  AsnAttributeValue,
  AsnConvert,
  AsnExtension,
  AsnExtensions,
  AsnGeneralName,
  AsnName,
  AsnOctetString,
  AsnRelativeDistinguishedName,
  AsnSubjectAlternativeName,
  CertificationRequest,
  CertificationRequestInfo,
  encodeSigned,
  subjectPublicKeyInfoOf,
} from './asn1.js';
import { decodePemBlocks, encodePem, publicKeyFromSpki, verifySignedParts, type SignedParts } from './der.js';
import { Recent } from './recent.js';

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
  /** The domains (spec §4): normalised by `normalizeDomains`; the first of at most 64 characters becomes the CN (RFC 5280 ub-common-name), all become dNSName SANs. */
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

/** Attribute types of a subject name (RFC 5280 Appendix A.1; emailAddress: PKCS#9, RFC 2985 §5.2.1). */
const NAME_OIDS = {
  commonName: '2.5.4.3',
  country: '2.5.4.6',
  locality: '2.5.4.7',
  state: '2.5.4.8',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  emailAddress: '1.2.840.113549.1.9.1',
} as const;
/** PKCS#9 extensionRequest (RFC 2985 §5.4.2): the CSR attribute that carries the requested extensions. */
const EXTENSION_REQUEST_OID = '1.2.840.113549.1.9.14';
/** subjectAltName (RFC 5280 §4.2.1.6). */
const SAN_OID = '2.5.29.17';

/** The subject fields in the order they are written (as openssl and @peculiar/x509 write them: C, ST, L, O, OU, then CN). */
const SUBJECT_FIELDS: readonly (keyof CsrSubject & keyof typeof NAME_OIDS)[] = [
  'country',
  'state',
  'locality',
  'organization',
  'organizationalUnit',
];

/** PrintableString's alphabet (X.680 §41.4). */
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/**
 * A DirectoryString (RFC 5280 §4.1.2.4): PrintableString when the value fits its alphabet,
 * else UTF8String, which RFC 5280 asks for otherwise. The value is written as given, unescaped.
 */
function directoryString(value: string): AsnAttributeValue {
  return new AsnAttributeValue(PRINTABLE.test(value) ? { printableString: value } : { utf8String: value });
}

/** One single-valued RDN (RFC 5280 §4.1.2.4), as every CA and openssl write subjects. */
function rdn(type: string, value: AsnAttributeValue): AsnRelativeDistinguishedName {
  return new AsnRelativeDistinguishedName([new AsnAttributeTypeAndValue({ type, value })]);
}

/** RFC 5280 Appendix A: `ub-common-name INTEGER ::= 64`. */
export const MAX_COMMON_NAME_LENGTH = 64;

/**
 * The CN of a CSR for `domains`: the first domain that fits in a CN (at most 64 characters,
 * RFC 5280 ub-common-name), so a longer first domain stays in the SANs only; `undefined` when
 * none fits (the subject then has no CN: the SANs name the domains, RFC 5280 §4.2.1.6). Pure.
 */
export function commonNameFor(domains: readonly string[]): string | undefined {
  return domains.find((domain) => domain.length <= MAX_COMMON_NAME_LENGTH);
}

function subjectName(commonName: string | undefined, subject: CsrSubject | undefined): AsnName {
  const name: AsnRelativeDistinguishedName[] = [];
  for (const field of SUBJECT_FIELDS) {
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
    name.push(rdn(NAME_OIDS[field], directoryString(value)));
  }
  if (commonName !== undefined) name.push(rdn(NAME_OIDS.commonName, directoryString(commonName)));
  const email = subject?.emailAddress;
  if (email !== undefined) {
    if (!/^[\x21-\x7e]+@[\x21-\x7e]+$/.test(email) || email.length > 255) {
      throw new OptionsError(`CSR subject field emailAddress must be a plain ASCII address like "ops@example.com".`, { option: 'subject.emailAddress' });
    }
    // PKCS#9 emailAddress is an IA5String (RFC 2985 §5.2.1).
    name.push(rdn(NAME_OIDS.emailAddress, new AsnAttributeValue({ ia5String: email })));
  }
  return new AsnName(name);
}

/**
 * Builds and signs a CSR (RFC 2986 §4) with the ASN.1 schemas and node:crypto's synchronous
 * `sign()`: no WebCrypto key import, no promise; about 0.5 ms for P-256 on a 2-core machine.
 *
 * @param domains - normalised domains: the SAN dNSNames, in order.
 * @param subject - the subject name, its CN included.
 * @returns the CSR's DER.
 */
function buildCsr(domains: readonly string[], subject: AsnName, privateKey: KeyObject, keyType: KeyType): Uint8Array {
  const san = new AsnSubjectAlternativeName(domains.map((dNSName) => new AsnGeneralName({ dNSName })));
  const extensions = new AsnExtensions([
    new AsnExtension({ extnID: SAN_OID, critical: false, extnValue: new AsnOctetString(AsnConvert.serialize(san)) }),
  ]);
  const info = new CertificationRequestInfo({
    subject,
    subjectPKInfo: subjectPublicKeyInfoOf(privateKey),
    attributes: new AsnAttributes([new AsnAttribute({ type: EXTENSION_REQUEST_OID, values: [AsnConvert.serialize(extensions)] })]),
  });
  return encodeSigned(info, privateKey, keyType);
}

/**
 * Makes a CSR (RFC 2986) for the domains: CN = the first domain of at most 64 characters
 * (RFC 5280 ub-common-name; a longer first domain stays in the SANs only), SAN = every domain as
 * dNSName (RFC 5280 §4.2.1.6), signed with SHA-256 (RSA PKCS#1 v1.5 or ECDSA; ECDSA P-384
 * with SHA-384).
 *
 * @returns the CSR as PEM (`-----BEGIN CERTIFICATE REQUEST-----`).
 * @throws {DomainError} when the domains break a rule of spec §4.
 * @throws {CsrError} `CSR_KEY_NOT_ALLOWED` when the private key's type is not allowed.
 * @throws {OptionsError} `OPTIONS_INVALID` for a malformed subject field.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- async for its callers: errors arrive as rejections, as before.
export async function createCsr(options: CreateCsrOptions): Promise<string> {
  const domains = normalizeDomains(options.domains);
  const keyType = requireAllowedKeyType(options.privateKey, 'The private key');
  const subject = subjectName(commonNameFor(domains), options.subject);
  return encodePem('CERTIFICATE REQUEST', buildCsr(domains, subject, options.privateKey, keyType));
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
  const subject = subjectName(commonNameFor(domains), options.subject);
  const privateKey = await generatePrivateKey(keyType);
  const csrPem = encodePem('CERTIFICATE REQUEST', buildCsr(domains, subject, privateKey, keyType));
  return { privateKeyPem: exportPrivateKeyPem(privateKey), csrPem, keyType };
}

const CSR_LABELS = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);

function csrInvalid(detail: string, cause?: unknown): CsrError {
  return new CsrError(
    'CSR_INVALID',
    `The CSR is not valid: ${detail}. Expected a PEM block BEGIN CERTIFICATE REQUEST holding a PKCS#10 request (RFC 2986).`,
    cause === undefined ? {} : { cause },
  );
}

/** What {@link readCsr} finds in a CSR. */
export interface ReadCsr {
  /** The subject's first CN. */
  commonName: string | undefined;
  /** The subject Name's DER (RFC 5280 §4.1.2.6). */
  subjectDer: Buffer;
  /** The SAN extension's dNSNames, lower-cased; `undefined` when there is no SAN extension. */
  sanNames: string[] | undefined;
  publicKey: KeyObject;
  /** The signed bytes exactly as received, and the signature over them. */
  signed: SignedParts;
}

/**
 * Reads a CSR's DER (RFC 2986 §4) with the ASN.1 schemas.
 *
 * @throws {Error} whatever the ASN.1 parser or node's SPKI decoder throws for malformed input.
 */
/**
 * Reads a CSR's DER (RFC 2986) without judging it: its subject's CN and Name DER, its SAN
 * dNSNames (`undefined` without a SAN), its public key and its signed parts. Internal to pki/
 * (parseCsr and the file description of pki-file.ts).
 *
 * @throws {Error} when the DER is not a CertificationRequest.
 */
export function readCsr(der: Buffer): ReadCsr {
  const request = AsnConvert.parse(der, CertificationRequest);
  const info = request.certificationRequestInfo;
  let commonName: string | undefined;
  for (const rdnSet of info.subject) {
    const cn = rdnSet.find((attribute) => attribute.type === NAME_OIDS.commonName);
    if (cn !== undefined) {
      commonName = cn.value.toString();
      break;
    }
  }
  let sanNames: string[] | undefined;
  // A CSR without the attributes field (RFC 2986 requires it, some encoders omit it) reads as an empty set.
  const extensionRequest = info.attributes.find((attribute) => attribute.type === EXTENSION_REQUEST_OID)?.values[0];
  if (extensionRequest !== undefined) {
    const san = AsnConvert.parse(extensionRequest, AsnExtensions).find((extension) => extension.extnID === SAN_OID);
    if (san !== undefined) {
      sanNames = [];
      for (const name of AsnConvert.parse(san.extnValue.buffer, AsnSubjectAlternativeName)) {
        if (name.dNSName !== undefined) sanNames.push(name.dNSName.toLowerCase());
      }
    }
  }
  const tbs = request.certificationRequestInfoRaw;
  if (tbs === undefined) throw new Error('the parser kept no CertificationRequestInfo bytes');
  return {
    commonName,
    subjectDer: Buffer.from(AsnConvert.serialize(info.subject)),
    sanNames,
    publicKey: publicKeyFromSpki(AsnConvert.serialize(info.subjectPKInfo)),
    signed: {
      tbs: Buffer.from(tbs),
      algorithmOid: request.signatureAlgorithm.algorithm,
      signature: Buffer.from(request.signature),
    },
  };
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
  const known = parsedCsrs.get(pem);
  const csr = known ?? readCsrPem(pem);
  if (known === undefined) parsedCsrs.set(pem, { ...csr, domains: [...csr.domains] });
  return known === undefined ? csr : { ...known, domains: [...known.domains] };
}

/** CSRs parsed in this process, by their PEM text (see recent.ts). */
const parsedCsrs = new Recent<ParsedCsr>(16);

function readCsrPem(pem: string): ParsedCsr {
  const blocks = decodePemBlocks(pem).filter((block) => CSR_LABELS.has(block.label));
  const block = blocks[0];
  if (block === undefined) throw csrInvalid('no PEM block BEGIN CERTIFICATE REQUEST was found');
  if (blocks.length > 1) throw csrInvalid('it holds more than one CERTIFICATE REQUEST block');
  let read: ReadCsr;
  try {
    read = readCsr(block.der);
  } catch (error) {
    throw csrInvalid('its DER content does not parse as a PKCS#10 request', error);
  }
  const { commonName, sanNames, publicKey, signed } = read;
  const keyType = requireAllowedKeyType(publicKey, "The CSR's key");
  const domains = sanNames ?? (commonName === undefined ? [] : [commonName.toLowerCase()]);
  return {
    pem: encodePem('CERTIFICATE REQUEST', block.der),
    commonName,
    domains: [...new Set(domains)],
    keyType,
    publicKey,
    signatureValid: verifySignedParts(signed, publicKey).valid,
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
 * Throws unless a private key is the one a CSR was made with (the throwing form of the internal `keyMatchesCsr`).
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
