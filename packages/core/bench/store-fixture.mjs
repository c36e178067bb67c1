// A store of N certificates for the list benchmarks (core's store.list and the CLI's
// `acmapi list --json`). One key for every certificate and a self-signed issuer: the
// benches measure listing, not signing.
import { createPublicKey } from 'node:crypto';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { generateKeyAndCsr, openStore, parsePrivateKeyPem } from '@acmapi/core';
import {
  BasicConstraintsExtension,
  SubjectAlternativeNameExtension,
  X509CertificateGenerator,
  encodePem,
  signingAlgorithmFor,
  toCryptoKeyPair,
} from '../dist/pki/x509.js';

/**
 * Fills `DIR/store` with `count` issued certificates named site-0000, site-0001, …
 * @param {string} dir a temporary folder, removed by the caller
 * @param {number} count how many certificates
 * @returns {Promise<{ store: import('@acmapi/core').CertificateStore, names: string[] }>}
 */
export async function buildBenchStore(dir, count) {
  const store = await openStore(join(dir, 'store'));
  const { privateKeyPem, csrPem, keyType } = await generateKeyAndCsr({ domains: ['bench.example.com'] });
  const key = parsePrivateKeyPem(privateKeyPem);
  const keys = await toCryptoKeyPair(key, keyType);
  const spki = new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' }));
  const names = Array.from({ length: count }, (_, i) => `site-${String(i).padStart(4, '0')}`);
  const limit = pLimit(25);
  const make = async (name, i) => {
    const certificate = await X509CertificateGenerator.create({
      subject: 'CN=bench.example.com',
      issuer: 'CN=bench.example.com',
      publicKey: spki,
      signingKey: keys.privateKey,
      serialNumber: (i + 1).toString(16).padStart(4, '0'),
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + (30 + (i % 60)) * 86_400_000),
      signingAlgorithm: signingAlgorithmFor(keyType),
      extensions: [new BasicConstraintsExtension(false), new SubjectAlternativeNameExtension([{ type: 'dns', value: 'bench.example.com' }])],
    });
    const pem = encodePem('CERTIFICATE', new Uint8Array(certificate.rawData));
    await store.withCertificateLock(name, async (locked) => {
      await locked.prepareApplication({ domains: ['bench.example.com'], keyType, privateKeyPem, csrPem });
      await locked.installCertificate(pem);
    });
  };
  await Promise.all(names.map((name, i) => limit(() => make(name, i))));
  return { store, names };
}
