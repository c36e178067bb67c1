/**
 * The one module that touches @peculiar/x509, the @peculiar/asn1-* schemas and asn1js (the
 * encoder under them): it loads `reflect-metadata` first (@peculiar/x509's dependency
 * injection needs it), points @peculiar/x509 at node's WebCrypto, and re-exports the few
 * classes the rest of the package uses. Every other file imports X.509 and ASN.1 things
 * from here, never from those libraries directly.
 *
 * Why @peculiar/x509 and not node-forge: the design names node-forge "where it serves
 * (RSA, PKCS#12 later)", but node-forge cannot make or check ECDSA CSRs, and ECDSA P-256
 * is our default key type. @peculiar/x509 (over node:crypto's WebCrypto) handles RSA and
 * ECDSA alike, so certificates of every key type go through one code path.
 *
 * CSRs are the exception, for speed (issue 9: EC P-256 key + CSR ≤ 2 ms median): they are
 * built and read with the ASN.1 schemas @peculiar/x509 itself is made of (@peculiar/asn1-csr,
 * @peculiar/asn1-x509, @peculiar/asn1-ecc) and signed with node:crypto's synchronous `sign()`,
 * see {@link encodeSigned}. Going through @peculiar/x509's generator instead costs two
 * WebCrypto key imports, an async export and dependency-injection lookups: about 4 ms per CSR.
 *
 * Keys are never generated here: node:crypto generates them (see keys.ts). Signature
 * checks are done synchronously with node:crypto over the exact signed bytes, so that
 * parsing functions can stay synchronous.
 */
import 'reflect-metadata';
import { constants, createPublicKey, sign, verify, webcrypto, type KeyObject } from 'node:crypto';
import { ECParameters, id_ecPublicKey, id_secp256r1, id_secp384r1 } from '@peculiar/asn1-ecc';
import { AsnConvert, AsnSerializer } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { cryptoProvider } from '@peculiar/x509';
import { BitString, Sequence } from 'asn1js';
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
export { AsnConvert, OctetString as AsnOctetString } from '@peculiar/asn1-schema';
export { Attributes as AsnAttributes, CertificationRequest, CertificationRequestInfo } from '@peculiar/asn1-csr';
export {
  AlgorithmIdentifier,
  Attribute as AsnAttribute,
  AttributeTypeAndValue as AsnAttributeTypeAndValue,
  AttributeValue as AsnAttributeValue,
  Extension as AsnExtension,
  Extensions as AsnExtensions,
  GeneralName as AsnGeneralName,
  Name as AsnName,
  RelativeDistinguishedName as AsnRelativeDistinguishedName,
  SubjectAlternativeName as AsnSubjectAlternativeName,
} from '@peculiar/asn1-x509';

/** One PEM block: its label (`CERTIFICATE`) and its DER bytes. */
export interface PemBlock {
  label: string;
  der: Buffer;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * Finds every PEM block (RFC 7468) in a text, in order. Text between blocks is ignored.
 * Headers inside a block (RFC 1421 `Proc-Type:` lines) make the block undecodable and it is skipped.
 */
export function decodePemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    const label = match[1] ?? '';
    const body = (match[2] ?? '').replace(/\s+/g, '');
    if (body === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) continue;
    blocks.push({ label, der: Buffer.from(body, 'base64') });
  }
  return blocks;
}

/** Encodes DER as a normalised PEM block: 64-column base64 lines and a trailing newline (RFC 7468 §2). */
export function encodePem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** One DER element: where it starts, where its content starts, and where it ends (exclusive). */
interface DerElement {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

/** Reads the DER TLV at `offset` (X.690 §8.1); definite lengths only, as DER requires. */
function readDer(buf: Uint8Array, offset: number): DerElement {
  const tag = buf[offset];
  const first = buf[offset + 1];
  if (tag === undefined || first === undefined) throw new Error('DER truncated');
  let length = first;
  let contentStart = offset + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new Error('DER length form not supported');
    length = 0;
    for (let i = 0; i < count; i++) {
      const byte = buf[contentStart + i];
      if (byte === undefined) throw new Error('DER truncated');
      length = length * 256 + byte;
    }
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > buf.length) throw new Error('DER truncated');
  return { tag, start: offset, contentStart, end };
}

/**
 * Splits concatenated DER SEQUENCEs (e.g. certificates sent as bare base64 without PEM armour).
 *
 * @throws {Error} when the bytes are not whole DER SEQUENCEs.
 */
export function splitDerSequences(der: Uint8Array): Buffer[] {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < der.length) {
    const element = readDer(der, offset);
    if (element.tag !== 0x30) throw new Error('not a DER SEQUENCE');
    parts.push(Buffer.from(der.subarray(element.start, element.end)));
    offset = element.end;
  }
  return parts;
}

/** Decodes the content of a DER OBJECT IDENTIFIER into dotted form (X.690 §8.19). */
function decodeOid(content: Uint8Array): string {
  const arcs: number[] = [];
  let value = 0;
  for (const byte of content) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        arcs.push(first, value - first * 40);
      } else {
        arcs.push(value);
      }
      value = 0;
    }
  }
  return arcs.join('.');
}

/** The three parts of a signed X.509 structure (RFC 5280 §4.1 Certificate, RFC 2986 §4.2 CertificationRequest). */
export interface SignedParts {
  /** The exact signed bytes: TBSCertificate or CertificationRequestInfo, as received. */
  tbs: Buffer;
  /** The signature algorithm's OID, dotted. */
  algorithmOid: string;
  /** The signature value (the BIT STRING's bytes). */
  signature: Buffer;
}

/**
 * Splits a signed structure `SEQUENCE { tbs, AlgorithmIdentifier, BIT STRING }` into its parts.
 *
 * @throws {Error} when the DER does not have that shape.
 */
export function splitSigned(der: Uint8Array): SignedParts {
  const outer = readDer(der, 0);
  if (outer.tag !== 0x30 || outer.end !== der.length) throw new Error('not a single DER SEQUENCE');
  const tbs = readDer(der, outer.contentStart);
  const algorithm = readDer(der, tbs.end);
  const bits = readDer(der, algorithm.end);
  if (tbs.tag !== 0x30 || algorithm.tag !== 0x30 || bits.tag !== 0x03 || bits.end !== outer.end) {
    throw new Error('not a signed structure');
  }
  const oid = readDer(der, algorithm.contentStart);
  if (oid.tag !== 0x06) throw new Error('no signature algorithm OID');
  return {
    tbs: Buffer.from(der.subarray(tbs.start, tbs.end)),
    algorithmOid: decodeOid(der.subarray(oid.contentStart, oid.end)),
    // The first content byte of a BIT STRING counts unused bits; signatures have none.
    signature: Buffer.from(der.subarray(bits.contentStart + 1, bits.end)),
  };
}

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const ECDSA_WITH_SHA384 = '1.2.840.10045.4.3.3';

/** Signature algorithms checked here: RSA PKCS#1 v1.5 and ECDSA with SHA-2 (RFC 4055, RFC 5758). */
const SIGNATURE_ALGORITHMS: Readonly<Record<string, { name: string; hash: string; key: 'rsa' | 'ec' }>> = {
  [SHA256_WITH_RSA]: { name: 'sha256WithRSAEncryption', hash: 'sha256', key: 'rsa' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'sha384', key: 'rsa' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'sha512', key: 'rsa' },
  [ECDSA_WITH_SHA256]: { name: 'ecdsa-with-SHA256', hash: 'sha256', key: 'ec' },
  [ECDSA_WITH_SHA384]: { name: 'ecdsa-with-SHA384', hash: 'sha384', key: 'ec' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'sha512', key: 'ec' },
};

/** The outcome of {@link verifySigned}. */
export interface SignatureCheck {
  /** Whether the signature verifies with the key. */
  valid: boolean;
  /** Why not, in words, when it does not. */
  reason: string | undefined;
}

/**
 * Checks the signature of a signed DER structure (certificate or CSR) with a public key, synchronously.
 * Supports RSA PKCS#1 v1.5 and ECDSA, each with SHA-256/384/512.
 *
 * @param der - the whole signed structure.
 * @param publicKey - the signer's public key (for a CSR, its own; for a certificate, its issuer's).
 */
export function verifySigned(der: Uint8Array, publicKey: KeyObject): SignatureCheck {
  let parts: SignedParts;
  try {
    parts = splitSigned(der);
  } catch {
    return { valid: false, reason: 'it is not a well-formed signed structure' };
  }
  return verifySignedParts(parts, publicKey);
}

/**
 * Checks a signature over already separated parts (as an ASN.1 parser gives them), synchronously;
 * see {@link verifySigned} for the algorithms.
 *
 * @param parts - the exact signed bytes as received, the signature algorithm's OID, and the signature value.
 * @param publicKey - the signer's public key.
 */
export function verifySignedParts(parts: SignedParts, publicKey: KeyObject): SignatureCheck {
  const algorithm = SIGNATURE_ALGORITHMS[parts.algorithmOid];
  if (algorithm === undefined) {
    return { valid: false, reason: `its signature algorithm ${parts.algorithmOid} is not supported` };
  }
  if (publicKey.asymmetricKeyType !== algorithm.key) {
    return { valid: false, reason: `its signature algorithm ${algorithm.name} does not fit the signer's key` };
  }
  try {
    const valid = verify(algorithm.hash, parts.tbs, publicKey, parts.signature);
    return { valid, reason: valid ? undefined : `its ${algorithm.name} signature does not verify` };
  } catch {
    return { valid: false, reason: `its ${algorithm.name} signature is malformed` };
  }
}

/** What {@link signTbs} returns: the two fields that follow the signed bytes in a signed structure. */
export interface TbsSignature {
  /** The signature algorithm (RFC 5280 §4.1.1.2, RFC 2986 §4.2). */
  algorithm: AlgorithmIdentifier;
  /** The signature value: PKCS#1 v1.5 for RSA, the DER `Ecdsa-Sig-Value` for ECDSA (RFC 3279 §2.2.3). */
  signature: Buffer;
}

/**
 * Signs to-be-signed DER (a CertificationRequestInfo, a TBSCertificate) synchronously with
 * node:crypto: RSA PKCS#1 v1.5 with SHA-256 (`sha256WithRSAEncryption`, its parameters
 * NULL, RFC 4055 §5), ECDSA P-256 with SHA-256 and P-384 with SHA-384 (`ecdsa-with-SHA256/384`,
 * no parameters, RFC 5758 §3.2; BR §7.1.3.2.2). ECDSA signatures come DER-encoded, as X.509 wants.
 *
 * @param tbs - the exact bytes to sign.
 * @param privateKey - the signer's key, of type `keyType`.
 */
export function signTbs(tbs: Uint8Array, privateKey: KeyObject, keyType: KeyType): TbsSignature {
  const spec = KEY_TYPE_SPECS[keyType];
  if (spec.algorithm === 'rsa') {
    return {
      algorithm: new AlgorithmIdentifier({ algorithm: SHA256_WITH_RSA, parameters: null }),
      signature: sign('sha256', tbs, { key: privateKey, padding: constants.RSA_PKCS1_PADDING }),
    };
  }
  const [oid, hash] = spec.hash === 'SHA-256' ? [ECDSA_WITH_SHA256, 'sha256'] : [ECDSA_WITH_SHA384, 'sha384'];
  return {
    algorithm: new AlgorithmIdentifier({ algorithm: oid }),
    signature: sign(hash, tbs, { key: privateKey, dsaEncoding: 'der' }),
  };
}

/**
 * Encodes a to-be-signed ASN.1 object (an asn1-schema object: CertificationRequestInfo,
 * TBSCertificate), signs its DER with {@link signTbs}, and returns the DER of the signed
 * structure `SEQUENCE { tbs, signatureAlgorithm, signature BIT STRING }` (RFC 2986 §4.2,
 * RFC 5280 §4.1). The tbs is turned into asn1js blocks once and those blocks are embedded
 * as they are, so the bytes signed are the bytes sent, and the schema walk is not done twice.
 *
 * @param tbs - the object to sign, of a class with an asn1-schema schema.
 * @param privateKey - the signer's key, of type `keyType`.
 */
export function encodeSigned(tbs: object, privateKey: KeyObject, keyType: KeyType): Uint8Array {
  const tbsBlock = AsnSerializer.toASN(tbs);
  const { algorithm, signature } = signTbs(new Uint8Array(tbsBlock.toBER(false)), privateKey, keyType);
  const signed = new Sequence({
    value: [tbsBlock, AsnSerializer.toASN(algorithm), new BitString({ valueHex: signature })],
  });
  return new Uint8Array(signed.toBER(false));
}

/** The namedCurve parameters of an EC SubjectPublicKeyInfo (RFC 5480 §2.1.1), per JWK curve name. */
const EC_CURVE_PARAMETERS: Readonly<Record<string, ArrayBuffer>> = {
  'P-256': AsnConvert.serialize(new ECParameters({ namedCurve: id_secp256r1 })),
  'P-384': AsnConvert.serialize(new ECParameters({ namedCurve: id_secp384r1 })),
};

/**
 * The SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) of a key's public half, as an ASN.1 object.
 *
 * For EC keys it is assembled from the key's JWK (RFC 7518 §6.2.1: x and y padded to the
 * curve's size) as `id-ecPublicKey`, namedCurve, uncompressed point (RFC 5480 §2.1.1, §2.2),
 * which is exactly what node's own SPKI export writes; node's export goes through OpenSSL's
 * encoder lookup and takes about 0.2 ms, the JWK about 0.01 ms. RSA keys (whose generation
 * takes 50 ms and more) use node's export.
 *
 * @param key - a private or public key of an allowed type.
 */
export function subjectPublicKeyInfoOf(key: KeyObject): SubjectPublicKeyInfo {
  const publicKey = key.type === 'public' ? key : createPublicKey(key);
  if (publicKey.asymmetricKeyType === 'ec') {
    const jwk = publicKey.export({ format: 'jwk' });
    const parameters = jwk.crv === undefined ? undefined : EC_CURVE_PARAMETERS[jwk.crv];
    if (parameters !== undefined && jwk.x !== undefined && jwk.y !== undefined) {
      const point = Buffer.concat([Buffer.of(0x04), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
      return new SubjectPublicKeyInfo({
        algorithm: new AlgorithmIdentifier({ algorithm: id_ecPublicKey, parameters }),
        subjectPublicKey: new Uint8Array(point).buffer,
      });
    }
  }
  return AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo);
}

/** Turns SubjectPublicKeyInfo DER (as @peculiar/x509's `publicKey.rawData` gives it) into a node KeyObject. */
export function publicKeyFromSpki(spki: ArrayBuffer | Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.from(spki instanceof Uint8Array ? spki : new Uint8Array(spki)), format: 'der', type: 'spki' });
}

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
