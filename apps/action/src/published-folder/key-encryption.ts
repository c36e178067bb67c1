/**
 * The only form in which the published folder keeps a private key: PKCS#8 encrypted with the
 * `key-passphrase` input (PBES2, AES-256-CBC; RFC 8018), which `openssl pkey -passin` reads.
 */
import { createPrivateKey } from 'node:crypto';
import { StateError } from './published-state.js';

/**
 * Encrypts a private key to PKCS#8 PEM (`BEGIN ENCRYPTED PRIVATE KEY`).
 * @throws {StateError} for an empty passphrase.
 */
export function encryptPrivateKey(privateKeyPem: string, passphrase: string): string {
  if (passphrase === '') throw new StateError('The key passphrase is empty.');
  return createPrivateKey(privateKeyPem).export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase }).toString();
}

/**
 * Decrypts an encrypted PKCS#8 PEM to an unencrypted PKCS#8 PEM.
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
