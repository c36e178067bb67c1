/**
 * PEM (RFC 7468) and the little DER (X.690) that checking signatures needs: finding PEM blocks,
 * splitting bundles of DER certificates, splitting a signed structure into its signed bytes,
 * algorithm and signature, and checking that signature with node:crypto. No ASN.1 library is
 * loaded here, so that reading and checking certificates (with node:crypto's X509Certificate,
 * see certificate.ts) does not load one (issue 9: `acmapi issue` CPU time).
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/** One PEM block: its label (`CERTIFICATE`) and its DER bytes. */
export interface PemBlock {
  label: string;
  der: Buffer;
}

/** One PEM block as text: its label and the raw text between its BEGIN and END lines. */
export interface PemTextBlock {
  label: string;
  body: string;
}

const BEGIN = '-----BEGIN ';
const END = '-----END ';
const DASHES = '-----';
/** RFC 7468 labels are short words; a longer "label" is not PEM armour. */
const MAX_LABEL_LENGTH = 64;
const LABEL = /^[A-Z0-9 ]+$/;

/**
 * Finds every PEM block (RFC 7468) in a text, in order, without decoding it: `-----BEGIN L-----`,
 * then text up to the next `-----END `, which must be `-----END L-----`. A BEGIN whose next END
 * names another label (or that has none) is not a block; the scan goes on after its BEGIN line.
 * Blocks do not nest. Text between blocks is ignored.
 *
 * Linear in the text's length, whatever it holds (finding 10 of issue 11: the regular expression
 * this replaces rescanned to the end of the text from every BEGIN, so a megabyte of BEGIN lines
 * blocked the event loop for ~20 s): each BEGIN reads at most {@link MAX_LABEL_LENGTH} characters
 * of label, the position of the next END is remembered until the scan passes it, and a block's
 * body is read only once, when its label matches.
 */
export function scanPemBlocks(text: string): PemTextBlock[] {
  const blocks: PemTextBlock[] = [];
  let nextEnd = -2; // -2: not searched yet; -1: none after the search position.
  let position = 0;
  for (;;) {
    const begin = text.indexOf(BEGIN, position);
    if (begin === -1) return blocks;
    const labelStart = begin + BEGIN.length;
    const labelEnd = text.indexOf(DASHES, labelStart);
    position = labelStart;
    if (labelEnd === -1) return blocks;
    if (labelEnd - labelStart > MAX_LABEL_LENGTH) continue;
    const label = text.slice(labelStart, labelEnd);
    if (!LABEL.test(label)) continue;
    const bodyStart = labelEnd + DASHES.length;
    if (nextEnd !== -1 && nextEnd < bodyStart) nextEnd = text.indexOf(END, bodyStart);
    if (nextEnd === -1) return blocks;
    const footer = `${END}${label}${DASHES}`;
    if (!text.startsWith(footer, nextEnd)) continue;
    blocks.push({ label, body: text.slice(bodyStart, nextEnd) });
    position = nextEnd + footer.length;
  }
}

/** Whether a PEM body (white space allowed) is base64 (RFC 4648 §4); returns the compact form, or `undefined`. */
export function compactBase64(body: string): string | undefined {
  const compact = body.replace(/\s+/g, '');
  if (compact === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  return compact;
}

/**
 * Finds every PEM block (RFC 7468) in a text, in order (see {@link scanPemBlocks}); linear in
 * the text's length. Text between blocks is ignored. Headers inside a block (RFC 1421
 * `Proc-Type:` lines) make the block undecodable and it is skipped.
 */
export function decodePemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const { label, body } of scanPemBlocks(text)) {
    const base64 = compactBase64(body);
    if (base64 === undefined) continue;
    blocks.push({ label, der: Buffer.from(base64, 'base64') });
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
export interface DerElement {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

/** Reads the DER TLV at `offset` (X.690 §8.1); definite lengths only, as DER requires. */
export function readDer(buf: Uint8Array, offset: number): DerElement {
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

/** The DER content bytes of the OID 2.5.29.19, basicConstraints (RFC 5280 §4.2.1.9). */
const BASIC_CONSTRAINTS_OID = Buffer.from([0x55, 0x1d, 0x13]);

/**
 * Whether a certificate's basicConstraints extension (RFC 5280 §4.2.1.9) says `cA` TRUE, read
 * from the DER itself: node's `X509Certificate.ca` (OpenSSL's X509_check_ca) also wants a key
 * usage with keyCertSign, so it calls a CA:TRUE certificate without that usage "not a CA".
 *
 * @param der - one certificate's DER.
 * @returns `false` when there is no such extension or `cA` is absent (its default is FALSE).
 * @throws {Error} when the DER is not a certificate's shape.
 */
export function basicConstraintsCa(der: Uint8Array): boolean {
  const certificate = readDer(der, 0);
  const tbs = readDer(der, certificate.contentStart);
  for (let offset = tbs.contentStart; offset < tbs.end; ) {
    const field = readDer(der, offset);
    offset = field.end;
    if (field.tag !== 0xa3) continue; // [3] extensions
    const extensions = readDer(der, field.contentStart);
    for (let at = extensions.contentStart; at < extensions.end; ) {
      const extension = readDer(der, at);
      at = extension.end;
      const oid = readDer(der, extension.contentStart);
      if (oid.tag !== 0x06 || !Buffer.from(der.subarray(oid.contentStart, oid.end)).equals(BASIC_CONSTRAINTS_OID)) continue;
      let value = readDer(der, oid.end);
      if (value.tag === 0x01) value = readDer(der, value.end); // critical
      if (value.tag !== 0x04) throw new Error('basicConstraints is not an OCTET STRING');
      const constraints = readDer(der, value.contentStart);
      if (constraints.tag !== 0x30 || constraints.contentStart >= constraints.end) return false;
      const first = readDer(der, constraints.contentStart);
      return first.tag === 0x01 && der[first.contentStart] !== 0x00 && first.end > first.contentStart;
    }
  }
  return false;
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

export const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
export const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
export const ECDSA_WITH_SHA384 = '1.2.840.10045.4.3.3';

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

/** Turns SubjectPublicKeyInfo DER into a node KeyObject. */
export function publicKeyFromSpki(spki: ArrayBuffer | Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.from(spki instanceof Uint8Array ? spki : new Uint8Array(spki)), format: 'der', type: 'spki' });
}
