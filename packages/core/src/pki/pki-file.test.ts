// Files made by openssl (an independent peer), described by describePkiFile and checked
// against what openssl itself says about them.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOpenssl, withTempDir } from '@acmapi/test-utils';
import { describePkiFile } from './pki-file.js';

const opensslFingerprint = async (args: string[], cwd: string): Promise<string> => (await runOpenssl(args, { cwd })).stdout.trim().replace(/^.*Fingerprint=/i, '');

describe('describePkiFile', () => {
  it('describes a certificate made by openssl as openssl reads it, in PEM and in DER', async () => {
    await withTempDir(async (dir) => {
      await runOpenssl(
        ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '30', '-subj', '/CN=view.example.test/O=测试 Org', '-addext', 'subjectAltName=DNS:view.example.test,DNS:www.view.example.test', '-utf8'],
        { cwd: dir },
      );
      await runOpenssl(['x509', '-in', 'cert.pem', '-outform', 'DER', '-out', 'cert.der'], { cwd: dir });
      const sha256 = await opensslFingerprint(['x509', '-in', 'cert.pem', '-noout', '-fingerprint', '-sha256'], dir);
      const sha1 = await opensslFingerprint(['x509', '-in', 'cert.pem', '-noout', '-fingerprint', '-sha1'], dir);
      for (const file of ['cert.pem', 'cert.der']) {
        const described = describePkiFile(await readFile(join(dir, file)));
        expect(described.format).toBe(file.endsWith('.der') ? 'der' : 'pem');
        const [certificate] = described.certificates;
        expect(certificate?.sans).toEqual(['view.example.test', 'www.view.example.test']);
        expect(certificate?.subject).toContain('CN=view.example.test');
        expect(certificate?.subject).toContain('测试 Org');
        expect(certificate?.publicKey).toBe('EC P-256');
        expect(certificate?.keyType).toBe('ec-p256');
        expect(certificate?.fingerprintSha256).toBe(sha256);
        expect(certificate?.fingerprintSha1).toBe(sha1);
        expect(certificate?.selfSigned).toBe(true);
        expect(described.problems).toEqual([]);
      }
      // The key file: counted, never read.
      const key = describePkiFile(await readFile(join(dir, 'key.pem')));
      expect([key.privateKeys, key.certificates.length, key.csrs.length]).toEqual([1, 0, 0]);
    });
  });

  it('describes a CSR made by openssl, and says when its key would be refused rather than refusing to show it', async () => {
    await withTempDir(async (dir) => {
      await runOpenssl(['req', '-new', '-newkey', 'rsa:1024', '-nodes', '-keyout', 'k.pem', '-out', 'weak.csr', '-subj', '/CN=weak.example.test', '-addext', 'subjectAltName=DNS:weak.example.test'], { cwd: dir });
      const [csr] = describePkiFile(await readFile(join(dir, 'weak.csr'))).csrs;
      expect(csr?.subject).toBe('CN=weak.example.test');
      expect(csr?.sans).toEqual(['weak.example.test']);
      expect(csr?.publicKey).toBe('RSA 1024-bit');
      expect(csr?.keyType).toBeUndefined();
      expect(csr?.signatureValid).toBe(true);
      await runOpenssl(['req', '-in', 'weak.csr', '-outform', 'DER', '-out', 'weak.der'], { cwd: dir });
      expect(describePkiFile(await readFile(join(dir, 'weak.der'))).csrs[0]?.sans).toEqual(['weak.example.test']);
    });
  });

  it('shows two certificates that do not link, with why, and a broken block as a problem', async () => {
    await withTempDir(async (dir) => {
      for (const name of ['a', 'b']) await runOpenssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '1', '-subj', `/CN=${name}.example.test`], { cwd: dir });
      const bundle = `${await readFile(join(dir, 'a.pem'), 'utf8')}${await readFile(join(dir, 'b.pem'), 'utf8')}-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n`;
      const described = describePkiFile(Buffer.from(bundle));
      expect(described.certificates.map((certificate) => certificate.commonName)).toEqual(['a.example.test', 'b.example.test']);
      expect(described.chainProblem).toMatch(/does not link/);
      expect(described.problems).toEqual(['block 3 (CERTIFICATE): it does not parse as an X.509 certificate']);
    });
  });

  it('says so when a file holds nothing it knows', () => {
    expect(describePkiFile(Buffer.from('hello')).problems).toEqual(['no PEM block, base64 or DER certificate or CSR was found']);
  });
});
