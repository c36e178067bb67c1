/**
 * The `certificate` field of an issued answer (spec §3) comes as PEM, as a PEM
 * bundle (leaf then chain), or as bare base64 of DER without armour. This turns
 * any of them into one canonical PEM bundle, checking each part is X.509.
 */
import { ProtocolError } from '../errors/errors.js';
import { X509Certificate } from 'node:crypto';
import { encodePem, scanPemBlocks, splitDerSequences } from '../pki/der.js';

/**
 * The longest `certificate` field read, in characters: 64 KiB holds a leaf and some twenty
 * RSA-4096 issuers in PEM. A longer field is refused before any parsing (issue 11, finding 10).
 */
export const MAX_CERTIFICATE_FIELD_LENGTH = 65_536;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function bad(what: string, cause?: unknown): ProtocolError {
  return new ProtocolError(
    'PROTOCOL_BAD_CERTIFICATE',
    `The CA's "certificate" field is not a certificate (spec §3): ${what}. Nothing was saved.`,
    { cause, hint: 'Retrieve it again by its handle; if it stays so, contact the CA.', retryable: true },
  );
}

/** Decodes base64 that may hold white space and line breaks; `undefined` when it is not base64. */
function decodeBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact === '' || compact.length % 4 !== 0 || !BASE64.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

/** Splits concatenated DER certificates ("several certificates as one base64 string"). */
function splitDer(der: Uint8Array): Uint8Array[] {
  try {
    return splitDerSequences(der);
  } catch (error) {
    throw bad('the DER is not a sequence of whole X.509 structures', error);
  }
}

function checkX509(der: Uint8Array, index: number): void {
  try {
    new X509Certificate(der);
  } catch (error) {
    throw bad(`part ${index + 1} does not decode as an X.509 certificate`, error);
  }
}

/** The DER of each certificate in a field that holds PEM armour. */
function derFromPem(field: string): Uint8Array[] {
  const ders: Uint8Array[] = [];
  for (const { label, body } of scanPemBlocks(field)) {
    if (label !== 'CERTIFICATE') {
      // Never quote the block: it might be a private key.
      throw bad(`it holds a PEM block labelled "${label}" where only CERTIFICATE blocks belong`);
    }
    const der = decodeBase64(body);
    if (der === undefined) throw bad('a PEM block does not hold valid base64');
    ders.push(...splitDer(der));
  }
  if (ders.length === 0) throw bad('it has PEM armour but no complete CERTIFICATE block');
  return ders;
}

/** The DER of each certificate in bare base64; padding inside marks concatenated strings. */
function derFromBase64(field: string): Uint8Array[] {
  const compact = field.replace(/\s+/g, '');
  // "AAA=BBBB" is two base64 strings glued together: split after each padding run.
  const chunks = compact.split(/(?<==)(?=[^=])/);
  const ders: Uint8Array[] = [];
  for (const chunk of chunks) {
    const der = decodeBase64(chunk);
    if (der === undefined) throw bad('it is neither PEM nor base64 of DER');
    ders.push(...splitDer(der));
  }
  return ders;
}

/**
 * Turns the `certificate` field of an issued answer (spec §3) into a PEM bundle.
 *
 * Accepts: one PEM certificate; a PEM bundle, leaf first then its chain (text
 * between blocks is ignored); bare base64 of DER, with any white space or line
 * breaks, possibly several certificates' DER concatenated or several base64
 * strings one after the other.
 *
 * @param field - the `certificate` field as received.
 * @returns canonical PEM: one `CERTIFICATE` block per certificate, in the order
 *   received, base64 in 64-character lines, each block ending with `\n`.
 * Parsing is linear in the field's length (PEM is scanned without a backtracking expression).
 *
 * @throws {ProtocolError} `PROTOCOL_BAD_CERTIFICATE` when the field is empty or longer than
 *   {@link MAX_CERTIFICATE_FIELD_LENGTH} characters, holds
 *   anything other than CERTIFICATE blocks, is not base64, or a part does not decode
 *   as X.509 (checked with @peculiar/x509). The message never quotes the field.
 */
export function certificateFieldToPem(field: string): string {
  if (field.length > MAX_CERTIFICATE_FIELD_LENGTH) {
    throw bad(`it is ${field.length} characters long, more than the ${MAX_CERTIFICATE_FIELD_LENGTH} a certificate and its chain need`);
  }
  const text = field.trim();
  if (text === '') throw bad('it is empty');
  const ders = text.includes('-----BEGIN ') ? derFromPem(text) : derFromBase64(text);
  ders.forEach(checkX509);
  return ders.map((der) => encodePem('CERTIFICATE', der)).join('');
}
