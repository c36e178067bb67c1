/**
 * The sandbox's one doorway to @peculiar/x509: every other module of the sandbox
 * imports X.509 things from here, never from the library, so that the library is
 * set up once (reflect-metadata first, Node's WebCrypto as provider) and so that
 * the server's PKI stays independent of @acmapi/core's (client and server must
 * not share a bug, style.md "The shape of the system").
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

export { x509 };

/** A WebCrypto key (Node's type: this package is compiled without the DOM library). */
export type CryptoKey = webcrypto.CryptoKey;
/** A WebCrypto key pair. */
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** ECDSA P-256 with SHA-256: the algorithm of every key the sandbox's CA makes. */
export const CA_KEY_ALGORITHM: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
/** The signature algorithm of every certificate the sandbox signs. */
export const CA_SIGNING_ALGORITHM: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

/** Makes a fresh ECDSA P-256 key pair, extractable so that the TLS server can use it. */
export async function generateCaKeyPair(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(CA_KEY_ALGORITHM, true, ['sign', 'verify']);
}

/** Wraps DER bytes in PEM armour with the given label, 64 characters a line. */
export function toPem(der: ArrayBuffer | Uint8Array, label: string): string {
  const base64 = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Exports a private key as PKCS #8 PEM (for node:tls only; never logged). */
export async function privateKeyToPem(key: CryptoKey): Promise<string> {
  return toPem(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}
