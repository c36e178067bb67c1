/**
 * Fields of a certificate read with node:crypto's `X509Certificate` (OpenSSL), in the text
 * forms this package has always given them (those of @peculiar/x509, which it used before):
 * reading a certificate through OpenSSL costs a fraction of a millisecond, where the ASN.1
 * schema walk of @peculiar/x509 cost tens of milliseconds at each start (issue 9: CPU time of
 * `acmapi issue`). Names that OpenSSL's text cannot render exactly in that form (escapes,
 * non-ASCII text, attribute types whose short names differ) are read from the DER with the
 * asn1-x509 schema instead; that path is rare (CA certificates use plain ASCII names).
 */
import type { X509Certificate } from 'node:crypto';
import { AsnConvert, AsnName } from './asn1.js';
import { readDer } from './der.js';

/** The issuer and subject Name DER of a certificate (RFC 5280 §4.1.2.4, §4.1.2.6), as they are in the TBSCertificate. */
export interface CertificateNames {
  issuer: Buffer;
  subject: Buffer;
}

/**
 * Finds the issuer and subject Names in a certificate's DER: TBSCertificate is
 * `SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity, subject, … }`
 * (RFC 5280 §4.1).
 *
 * @throws {Error} when the DER does not have that shape.
 */
export function certificateNames(der: Uint8Array): CertificateNames {
  const certificate = readDer(der, 0);
  const tbs = readDer(der, certificate.contentStart);
  if (certificate.tag !== 0x30 || tbs.tag !== 0x30) throw new Error('not a certificate');
  let element = readDer(der, tbs.contentStart);
  if (element.tag === 0xa0) element = readDer(der, element.end); // version
  const signature = readDer(der, element.end); // element is serialNumber
  const issuer = readDer(der, signature.end);
  const validity = readDer(der, issuer.end);
  const subject = readDer(der, validity.end);
  if (element.tag !== 0x02 || issuer.tag !== 0x30 || subject.tag !== 0x30 || subject.end > tbs.end) {
    throw new Error('not a TBSCertificate');
  }
  return { issuer: Buffer.from(der.subarray(issuer.start, issuer.end)), subject: Buffer.from(der.subarray(subject.start, subject.end)) };
}

/** A Name as text (`"CN=a, O=b"`, multi-valued RDNs joined by `+`) and its first CN. */
export interface NameText {
  text: string;
  commonName: string | undefined;
}

/** Attribute types whose short name OpenSSL and @peculiar/x509 spell alike. */
const SAME_SHORT_NAMES = new Set(['CN', 'L', 'ST', 'O', 'OU', 'C', 'DC']);

/**
 * Converts OpenSSL's multi-line Name text (one RDN a line, `" + "` inside an RDN, RFC 2253
 * escapes, certificate order) to the one-line form, when that is exact: every attribute type
 * is one both spell alike, and no value is escaped or outside printable ASCII. Else `undefined`.
 */
function nameTextFromOpenSsl(multiline: string): NameText | undefined {
  const rdns: string[] = [];
  let commonName: string | undefined;
  for (const line of multiline.split('\n')) {
    const attributes: string[] = [];
    for (const attribute of line.split(' + ')) {
      const equals = attribute.indexOf('=');
      const type = attribute.slice(0, equals);
      const value = attribute.slice(equals + 1);
      if (equals < 1 || !SAME_SHORT_NAMES.has(type) || !/^[\x20-\x5b\x5d-\x7e]*$/.test(value)) return undefined;
      if (type === 'CN') commonName ??= value;
      attributes.push(`${type}=${value}`);
    }
    rdns.push(attributes.join('+'));
  }
  return { text: rdns.join(', '), commonName };
}

/** Attribute type names in Name text: @peculiar/x509's table; other types are shown as their OID. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'E',
  '2.5.4.42': 'G',
  '2.5.4.43': 'I',
  '2.5.4.4': 'SN',
  '2.5.4.12': 'T',
};

/** Escapes a value as @peculiar/x509 does (RFC 4514 §2.4 specials, leading `#`/space, trailing space, the first control character as `\XX`). */
function escapeValue(value: string): string {
  return value
    .replace(/([,+"\\<>;])/g, '\\$1')
    .replace(/^([ #])/, '\\$1')
    .replace(/([ ]$)/, '\\$1')
    .replace(/([\r\n\t])/, (char) => `\\${Buffer.from(char, 'utf8').toString('hex').toUpperCase()}`);
}

/** A Name's text from its DER, read with the asn1-x509 schema (the exact form for every name, e.g. a CSR's subject). */
export function nameTextFromDer(nameDer: Uint8Array): NameText {
  const name = AsnConvert.parse(nameDer, AsnName);
  let commonName: string | undefined;
  const text = name
    .map((rdn) =>
      rdn
        .map((attribute) => {
          if (attribute.type === '2.5.4.3') commonName ??= attribute.value.toString();
          const value = attribute.value.anyValue
            ? `#${Buffer.from(attribute.value.anyValue).toString('hex')}`
            : escapeValue(attribute.value.toString());
          return `${TYPE_NAMES[attribute.type] ?? attribute.type}=${value}`;
        })
        .join('+'),
    )
    .join(', ');
  return { text, commonName };
}

/**
 * A Name as one-line text (RFC 4514 style, certificate order, e.g. `"CN=example.com, O=Org"`)
 * and its first CN: from OpenSSL's text when that is exact, else from the Name's DER.
 *
 * @param opensslText - `X509Certificate.subject` or `.issuer`.
 * @param nameDer - the same Name's DER (see {@link certificateNames}).
 */
export function nameText(opensslText: string, nameDer: Uint8Array): NameText {
  return nameTextFromOpenSsl(opensslText) ?? nameTextFromDer(nameDer);
}

/** One entry of OpenSSL's GeneralName list text: its type (`DNS`, `IP Address`, `URI`…) and value; `undefined` value when it did not parse. */
export interface GeneralNameText {
  type: string;
  value: string | undefined;
}

/**
 * Reads one `TYPE:value` entry of node's GeneralName text starting at `start`, where `end`
 * bounds it. Node quotes a value with JSON string syntax when it holds characters that would
 * make the text ambiguous (`,`, `"`, `\`, control characters…; CVE-2021-44532).
 */
function readGeneralName(text: string, start: number, separator: string): { entry: GeneralNameText; next: number } {
  const colon = text.indexOf(':', start);
  const nextSeparator = text.indexOf(separator, start);
  if (colon < 0 || (nextSeparator >= 0 && nextSeparator < colon)) {
    const end = nextSeparator < 0 ? text.length : nextSeparator;
    return { entry: { type: text.slice(start, end), value: undefined }, next: end };
  }
  const type = text.slice(start, colon);
  const valueStart = colon + 1;
  if (text[valueStart] === '"') {
    // A JSON string ends at the first quote not escaped by a backslash.
    const match = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(valueStart));
    if (match !== null) {
      const end = valueStart + match[0].length;
      if (end === text.length || text.startsWith(separator, end)) {
        try {
          return { entry: { type, value: JSON.parse(match[0]) as string }, next: end };
        } catch {
          // Not valid JSON: the entry fails below.
        }
      }
    }
    const end = text.indexOf(separator, valueStart);
    return { entry: { type, value: undefined }, next: end < 0 ? text.length : end };
  }
  const end = nextSeparator < 0 ? text.length : nextSeparator;
  return { entry: { type, value: text.slice(valueStart, end) }, next: end };
}

/**
 * Splits node's GeneralName list text (`X509Certificate.subjectAltName`: `"DNS:a, IP Address:1.2.3.4"`)
 * into entries. An entry that does not parse has an `undefined` value; nothing throws.
 */
export function parseGeneralNames(text: string | undefined, separator = ', '): GeneralNameText[] {
  const entries: GeneralNameText[] = [];
  if (text === undefined || text === '') return entries;
  let position = 0;
  while (position < text.length) {
    const { entry, next } = readGeneralName(text, position, separator);
    entries.push(entry);
    position = next + separator.length;
  }
  return entries;
}

/**
 * The dNSName SANs (RFC 5280 §4.2.1.6) of a certificate, lower-cased, in certificate order.
 * An entry node's text does not let us read is left out (so a check that needs it fails).
 */
export function dnsNames(certificate: X509Certificate): string[] {
  return parseGeneralNames(certificate.subjectAltName)
    .filter((entry) => entry.type === 'DNS' && entry.value !== undefined)
    .map((entry) => (entry.value ?? '').toLowerCase());
}

/**
 * The caIssuers URIs of a certificate's AIA extension (RFC 5280 §4.2.2.1), in certificate
 * order, from node's `infoAccess` text (one `"METHOD - TYPE:value"` a line).
 */
export function caIssuersUris(certificate: X509Certificate): string[] {
  const uris: string[] = [];
  for (const line of (certificate.infoAccess ?? '').split('\n')) {
    const prefix = 'CA Issuers - ';
    if (!line.startsWith(prefix)) continue;
    const [entry] = parseGeneralNames(line.slice(prefix.length), '\n');
    if (entry?.type === 'URI' && entry.value !== undefined) uris.push(entry.value);
  }
  return uris;
}

/** Parses OpenSSL's validity text (`"Dec  2 04:16:27 2026 GMT"`, node's `validFrom`/`validTo`) into a Date. */
export function validityDate(text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new Error(`unreadable validity time "${text}"`);
  return date;
}
