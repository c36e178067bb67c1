/** Checks of the files the CLI wrote, made with openssl: an independent peer. */
import { join } from 'node:path';
import { runOpenssl } from '@acmapi/test-utils';
import { expect } from 'vitest';

/** The public key (SPKI PEM) of a private key file, per openssl. */
export async function publicKeyOfPrivateKey(privkeyPath: string): Promise<string> {
  return (await runOpenssl(['pkey', '-in', privkeyPath, '-pubout'])).stdout;
}

/** The public key (SPKI PEM) a certificate file certifies, per openssl. */
export async function publicKeyOfCertificate(certPath: string): Promise<string> {
  return (await runOpenssl(['x509', '-in', certPath, '-pubkey', '-noout'])).stdout;
}

/**
 * Asserts that `dir` holds a certificate that openssl verifies up to `rootPath`
 * (cert.pem with chain.pem as untrusted intermediates, and fullchain.pem on its own),
 * and that it certifies privkey.pem. `intermediatesPath` replaces the folder's chain
 * for CAs that send the leaf alone.
 */
export async function expectVerifiedFolder(dir: string, rootPath: string, intermediatesPath?: string): Promise<void> {
  const cert = join(dir, 'cert.pem');
  const verified = await runOpenssl(['verify', '-CAfile', rootPath, '-untrusted', intermediatesPath ?? join(dir, 'chain.pem'), cert]);
  expect(verified.stdout).toContain(`${cert}: OK`);
  const fullchain = join(dir, 'fullchain.pem');
  const full = await runOpenssl(['verify', '-CAfile', rootPath, '-untrusted', intermediatesPath ?? fullchain, fullchain]);
  expect(full.stdout).toContain(`${fullchain}: OK`);
  expect(await publicKeyOfCertificate(cert)).toBe(await publicKeyOfPrivateKey(join(dir, 'privkey.pem')));
}
