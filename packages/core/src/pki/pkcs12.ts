/**
 * PKCS#12 (`.pfx`, RFC 7292) export for servers that want key and certificates in one
 * password-protected file (IIS, Java keystores), built with node-forge's ASN.1, PBES2 and
 * PKCS#12 key-derivation primitives.
 *
 * forge's own `toPkcs12Asn1` only takes RSA keys it can parse and always MACs with SHA-1;
 * this module assembles the same structure itself so that it works for every key type of
 * this project (ECDSA included) and uses modern algorithms, as OpenSSL 3 does by default:
 * the key is encrypted with PBES2 (PBKDF2-HMAC-SHA-256, AES-256-CBC), the certificates are
 * stored unencrypted (public data; as `openssl pkcs12 -certpbe NONE`), and the whole is
 * protected by an HMAC-SHA-256 MAC (RFC 7292 Appendix B key derivation). No 3DES, no RC2.
 */
import { createHash, createPrivateKey } from 'node:crypto';
import type forge from 'node-forge';
import { CertificateError, CsrError, OptionsError } from '../errors/errors.js';
import { decodePemBlocks } from './der.js';

/** Input of {@link toPkcs12}. */
export interface ToPkcs12Options {
  /** The private key, PEM (PKCS#8, PKCS#1 or SEC 1). */
  privateKeyPem: string;
  /** The leaf certificate, PEM. */
  certPem: string;
  /** The chain (issuers), PEM; may be empty. */
  chainPem?: string;
  /** The passphrase protecting the file. Must not be empty (Windows and Java need one). */
  passphrase: string;
  /** The name shown for the entry (IIS, Windows certificate store, Java keystore alias). */
  friendlyName?: string;
  /**
   * PBKDF2 and MAC iteration count.
   * @default 2048 (OpenSSL's default)
   */
  iterations?: number;
}

const OIDS = {
  certBag: '1.2.840.113549.1.12.10.1.3',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  localKeyId: '1.2.840.113549.1.9.21',
  friendlyName: '1.2.840.113549.1.9.20',
  sha256: '2.16.840.1.101.3.4.2.1',
  data: '1.2.840.113549.1.7.1',
} as const;

/** The ASN.1 builders this module needs, over a loaded node-forge. */
function asn1Builders(lib: typeof forge) {
  const { asn1 } = lib;
  const oid = (id: string): forge.asn1.Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(id).getBytes());
  const seq = (items: forge.asn1.Asn1[]): forge.asn1.Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
  const set = (items: forge.asn1.Asn1[]): forge.asn1.Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, items);
  const octets = (bytes: string): forge.asn1.Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes);
  // [0] EXPLICIT: tag number 0 in the context-specific class (forge names tag 0 `NONE`).
  const explicit0 = (item: forge.asn1.Asn1): forge.asn1.Asn1 => asn1.create(asn1.Class.CONTEXT_SPECIFIC, asn1.Type.NONE, true, [item]);
  const bytesOf = (buffer: Uint8Array): string => lib.util.binary.raw.encode(buffer);
  /** RFC 7292 `ContentInfo` of type `data` wrapping a DER SafeContents. */
  const dataContentInfo = (safeContents: forge.asn1.Asn1): forge.asn1.Asn1 => seq([oid(OIDS.data), explicit0(octets(asn1.toDer(safeContents).getBytes()))]);
  return { asn1, oid, seq, set, octets, explicit0, bytesOf, dataContentInfo };
}

function certificateDers(pem: string): Buffer[] {
  return decodePemBlocks(pem)
    .filter((block) => block.label === 'CERTIFICATE')
    .map((block) => block.der);
}

/**
 * Builds a PKCS#12 file holding the private key, the leaf certificate and its chain.
 * Check it with `openssl pkcs12 -in f.pfx -passin pass:… -nodes`.
 *
 * @returns the DER bytes of the `.pfx`.
 * @throws {CsrError} `KEY_INVALID` when the private key does not parse (the message never includes it).
 * @throws {CertificateError} `CERT_INVALID` when `certPem` holds no certificate.
 * @throws {OptionsError} `OPTIONS_INVALID` (option `passphrase`) when the passphrase is empty.
 */
export async function toPkcs12(options: ToPkcs12Options): Promise<Uint8Array> {
  if (options.passphrase === '') throw new OptionsError('The PKCS#12 passphrase is empty.', { option: 'passphrase', hint: 'Give a passphrase that is not empty.' });
  const iterations = options.iterations ?? 2048;
  let pkcs8: Buffer;
  try {
    pkcs8 = createPrivateKey(options.privateKeyPem).export({ type: 'pkcs8', format: 'der' });
  } catch (error) {
    throw new CsrError('KEY_INVALID', 'The private key for the PKCS#12 file does not parse as a PEM private key.', { cause: error });
  }
  const [leaf, ...extra] = certificateDers(options.certPem);
  if (leaf === undefined) throw new CertificateError('CERT_INVALID', 'The certificate for the PKCS#12 file has no PEM block BEGIN CERTIFICATE.');
  const chain = [...extra, ...certificateDers(options.chainPem ?? '')];
  // node-forge takes about 40 ms to load; only a run that writes a .pfx pays for it.
  const { default: lib } = await import('node-forge');
  const { asn1, oid, seq, set, octets, explicit0, bytesOf, dataContentInfo } = asn1Builders(lib);

  // localKeyId ties the key to its certificate: SHA-1 of the leaf's DER, as OpenSSL and forge do.
  const attributes = [
    seq([oid(OIDS.localKeyId), set([octets(bytesOf(createHash('sha1').update(leaf).digest()))])]),
  ];
  if (options.friendlyName !== undefined) {
    attributes.push(
      seq([oid(OIDS.friendlyName), set([asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BMPSTRING, false, options.friendlyName)])]),
    );
  }
  const certBag = (der: Buffer, withAttributes: boolean): forge.asn1.Asn1 =>
    seq([
      oid(OIDS.certBag),
      explicit0(seq([oid(OIDS.x509Certificate), explicit0(octets(bytesOf(der)))])),
      ...(withAttributes ? [set(attributes)] : []),
    ]);
  const certSafeContents = seq([certBag(leaf, true), ...chain.map((der) => certBag(der, false))]);

  const encryptedKey = lib.pki.encryptPrivateKeyInfo(asn1.fromDer(bytesOf(pkcs8)), options.passphrase, {
    algorithm: 'aes256',
    count: iterations,
    saltSize: 16,
    prfAlgorithm: 'sha256',
  });
  const keySafeContents = seq([seq([oid(OIDS.pkcs8ShroudedKeyBag), explicit0(encryptedKey), set(attributes)])]);

  const authSafe = seq([dataContentInfo(certSafeContents), dataContentInfo(keySafeContents)]);
  const authSafeDer = asn1.toDer(authSafe).getBytes();

  // RFC 7292 Appendix B: MAC key derived with ID 3 from the passphrase, 32 bytes for SHA-256.
  const macSalt = lib.random.getBytesSync(16);
  const macKey = lib.pkcs12.generateKey(options.passphrase, lib.util.createBuffer(macSalt), 3, iterations, 32, lib.md.sha256.create());
  const hmac = lib.hmac.create();
  hmac.start('sha256', macKey.getBytes());
  hmac.update(authSafeDer);
  const macData = seq([
    seq([seq([oid(OIDS.sha256), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')]), octets(hmac.digest().getBytes())]),
    octets(macSalt),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(iterations).getBytes()),
  ]);
  const pfx = seq([
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(3).getBytes()),
    seq([oid(OIDS.data), explicit0(octets(authSafeDer))]),
    macData,
  ]);
  return lib.util.binary.raw.decode(asn1.toDer(pfx).getBytes());
}
