// pnpm bench (core): listing a store of 1,000 certificates, against a plain Node script that
// only reads and parses the same 1,000 cert.pem files with node:crypto (target ratio ≤ 1.5).
// The store's list reads each certificate's state.json (its metadata) instead of parsing the
// certificate, which is why it can keep up. The lead swaps in `acmapi list --json` later.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { Bench } from 'tinybench';
import { generateKeyAndCsr, openStore, parsePrivateKeyPem } from '@acmapi/core';
import {
  BasicConstraintsExtension,
  SubjectAlternativeNameExtension,
  X509CertificateGenerator,
  encodePem,
  signingAlgorithmFor,
  toCryptoKeyPair,
} from '../dist/x509.js';
import { reportRatio } from '../../../scripts/bench-report.mjs';

const COUNT = 1000;
const dir = await mkdtemp(join(tmpdir(), 'acmapi-bench-store-'));
try {
  const store = await openStore(join(dir, 'store'));
  // One key for every certificate, and a self-signed issuer: the bench measures listing, not signing.
  const { privateKeyPem, csrPem, keyType } = await generateKeyAndCsr({ domains: ['bench.example.com'] });
  const key = parsePrivateKeyPem(privateKeyPem);
  const keys = await toCryptoKeyPair(key, keyType);
  const spki = new Uint8Array((await import('node:crypto')).createPublicKey(key).export({ type: 'spki', format: 'der' }));
  const names = Array.from({ length: COUNT }, (_, i) => `site-${String(i).padStart(4, '0')}`);
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

  const baseline = async () => {
    const parsed = await Promise.all(
      names.map(async (name) => new X509Certificate(await readFile(join(store.dir, name, 'cert.pem'))).validTo),
    );
    if (parsed.length !== COUNT) throw new Error('baseline read too few');
  };
  const subject = async () => {
    const records = await store.list();
    if (records.length !== COUNT) throw new Error(`list returned ${records.length}`);
  };
  const bench = new Bench({ iterations: 20, time: 0, warmupIterations: 3 });
  bench.add('read + parse 1,000 cert.pem', baseline).add('store.list() of 1,000 certificates', subject);
  await bench.run();
  const [base, sub] = bench.tasks.map((task) => task.result?.latency);
  if (!base || !sub) throw new Error('bench store list produced no result');
  reportRatio('store list of 1,000 certificates vs reading and parsing their cert.pem', sub, base, 1.5);
} finally {
  await rm(dir, { recursive: true, force: true });
}
