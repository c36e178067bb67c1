/**
 * The only form in which the published folder keeps a private key: PKCS#8 encrypted with the
 * `key-passphrase` input (PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC; RFC 8018 §6.2, §5.2,
 * RFC 8018 appendix B.2.5 / RFC 3565 for AES), which `openssl pkey -passin` reads.
 *
 * Node's own `KeyObject.export({ cipher, passphrase })` takes OpenSSL's default of 2,048
 * PBKDF2 iterations, which a short passphrase does not survive (issue 11, finding 5), and
 * offers no way to raise it; so the EncryptedPrivateKeyInfo is built here with
 * {@link PBKDF2_ITERATIONS}. Reading goes through OpenSSL (`createPrivateKey`), which takes any
 * iteration count: keys saved by older releases (2,048 iterations) still decrypt, and
 * {@link needsReEncryption} tells the writer to store them anew.
 */
import { createCipheriv, createPrivateKey, pbkdf2Sync, randomBytes } from 'node:crypto';
import { Integer, Null, ObjectIdentifier, OctetString, Sequence, fromBER } from 'asn1js';
import { passphraseWeakness } from './passphrase.js';
import { StateError } from './published-state.js';

/**
 * PBKDF2-HMAC-SHA256 iterations of a key this release encrypts: OWASP's Password Storage Cheat
 * Sheet minimum for PBKDF2-HMAC-SHA256 (600,000). About 0.3 s per encryption on one core.
 */
export const PBKDF2_ITERATIONS = 600_000;

const OID = {
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacWithSha256: '1.2.840.113549.2.9',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
} as const;

/**
 * Encrypts a private key to PKCS#8 PEM (`BEGIN ENCRYPTED PRIVATE KEY`): PBES2, PBKDF2-HMAC-SHA256
 * with {@link PBKDF2_ITERATIONS} iterations and a 16-byte random salt, AES-256-CBC with a random IV.
 * @throws {StateError} for a passphrase that `passphraseWeakness` refuses (the message
 *   holds neither the passphrase nor the key).
 */
export function encryptPrivateKey(privateKeyPem: string, passphrase: string): string {
  const weakness = passphraseWeakness(passphrase);
  if (weakness !== undefined) throw new StateError(`The key passphrase is too weak to encrypt a private key: ${weakness}.`);
  const plain = createPrivateKey(privateKeyPem).export({ format: 'der', type: 'pkcs8' });
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(passphrase, 'utf8'), salt, PBKDF2_ITERATIONS, 32, 'sha256');
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const encrypted = Buffer.concat([cipher.update(plain), cipher.final()]);
  const info = new Sequence({
    value: [
      new Sequence({
        value: [
          new ObjectIdentifier({ value: OID.pbes2 }),
          new Sequence({
            value: [
              new Sequence({
                value: [
                  new ObjectIdentifier({ value: OID.pbkdf2 }),
                  new Sequence({
                    value: [
                      new OctetString({ valueHex: salt }),
                      new Integer({ value: PBKDF2_ITERATIONS }),
                      new Sequence({ value: [new ObjectIdentifier({ value: OID.hmacWithSha256 }), new Null()] }),
                    ],
                  }),
                ],
              }),
              new Sequence({ value: [new ObjectIdentifier({ value: OID.aes256Cbc }), new OctetString({ valueHex: iv })] }),
            ],
          }),
        ],
      }),
      new OctetString({ valueHex: encrypted }),
    ],
  });
  const base64 = Buffer.from(info.toBER()).toString('base64');
  return `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${base64.replace(/.{1,64}/g, '$&\n')}-----END ENCRYPTED PRIVATE KEY-----\n`;
}

/**
 * The PBKDF2 iteration count of an encrypted PKCS#8 PEM, or `undefined` when it is not
 * PBES2 with PBKDF2-HMAC-SHA256 (another scheme, or not readable). Pure.
 */
export function pbkdf2Iterations(encryptedPem: string): number | undefined {
  const body = /-----BEGIN ENCRYPTED PRIVATE KEY-----([A-Za-z0-9+/=\s]{1,65536})-----END ENCRYPTED PRIVATE KEY-----/.exec(encryptedPem)?.[1];
  if (body === undefined) return undefined;
  const der = Buffer.from(body.replace(/\s/g, ''), 'base64');
  const { result, offset } = fromBER(new Uint8Array(der));
  if (offset === -1 || !(result instanceof Sequence)) return undefined;
  const algorithm = result.valueBlock.value[0];
  if (!(algorithm instanceof Sequence)) return undefined;
  const [scheme, params] = algorithm.valueBlock.value;
  if (!(scheme instanceof ObjectIdentifier) || scheme.getValue() !== OID.pbes2 || !(params instanceof Sequence)) return undefined;
  const kdf = params.valueBlock.value[0];
  if (!(kdf instanceof Sequence)) return undefined;
  const [kdfId, kdfParams] = kdf.valueBlock.value;
  if (!(kdfId instanceof ObjectIdentifier) || kdfId.getValue() !== OID.pbkdf2 || !(kdfParams instanceof Sequence)) return undefined;
  const fields = kdfParams.valueBlock.value;
  const iterations = fields[1];
  // RFC 8018 §A.2: the PRF defaults to HMAC-SHA1 when absent.
  const prf = fields.find((field, index) => index >= 2 && field instanceof Sequence);
  const prfId = prf instanceof Sequence ? prf.valueBlock.value[0] : undefined;
  if (!(prfId instanceof ObjectIdentifier) || prfId.getValue() !== OID.hmacWithSha256) return undefined;
  return iterations instanceof Integer ? iterations.valueBlock.valueDec : undefined;
}

/**
 * Whether an encrypted key was saved in a weaker form than this release writes (fewer than
 * {@link PBKDF2_ITERATIONS} iterations, or another scheme), so that the next write should
 * encrypt it anew.
 */
export function needsReEncryption(encryptedPem: string): boolean {
  const iterations = pbkdf2Iterations(encryptedPem);
  return iterations === undefined || iterations < PBKDF2_ITERATIONS;
}

/**
 * Decrypts an encrypted PKCS#8 PEM (any PBES2 form OpenSSL reads, including the 2,048-iteration
 * keys of older releases) to an unencrypted PKCS#8 PEM.
 * @param what - what the key is, for the message (e.g. `certificates/www/privkey.enc.pem`).
 * @throws {StateError} when the passphrase is wrong or the PEM damaged (the message holds neither).
 */
export function decryptPrivateKey(encryptedPem: string, passphrase: string, what: string): string {
  try {
    return createPrivateKey({ key: encryptedPem, format: 'pem', passphrase }).export({ format: 'pem', type: 'pkcs8' }).toString();
  } catch (error) {
    throw new StateError(`The private key saved in ${what} could not be decrypted: check that key-passphrase is the passphrase of the run that saved it.`, { cause: error });
  }
}
