/**
 * PKCS#12 export checked by openssl, an independent peer: the key and the certificates come
 * back, they match, the MAC is SHA-256 and the key is encrypted with AES-256.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOpenssl, withTempDir } from '@acmapi/test-utils';
import { issueLeaf, makeIntermediate, makeRoot } from '../../test/helpers/test-ca.js';
import { certificateMatchesPrivateKey } from './certificate.js';
import { exportPrivateKeyPem, generatePrivateKey } from './keys.js';
import type { KeyType } from './key-types.js';
import { toPkcs12 } from './pkcs12.js';

describe('toPkcs12', () => {
  it.each<KeyType>(['ec-p256', 'rsa-2048'])('openssl reads back a matching %s key and certificate with the chain', async (keyType) => {
    const root = await makeRoot();
    const intermediate = await makeIntermediate(root);
    const key = await generatePrivateKey(keyType);
    const privateKeyPem = exportPrivateKeyPem(key);
    const certPem = await issueLeaf(intermediate, { publicKey: key, domains: ['pfx.example.com'] });
    const pfx = await toPkcs12({ privateKeyPem, certPem, chainPem: intermediate.pem, passphrase: 'correct horse', friendlyName: 'pfx.example.com' });

    await withTempDir(async (dir) => {
      const file = join(dir, 'site.pfx');
      await writeFile(file, pfx);
      const info = await runOpenssl(['pkcs12', '-in', file, '-passin', 'pass:correct horse', '-info', '-nodes']);
      const text = info.stdout + info.stderr;
      expect(text).toContain('MAC: sha256');
      expect(text).toMatch(/PBES2, PBKDF2, AES-256-CBC.*PRF hmacWithSHA256/);
      expect(text).toContain('friendlyName: pfx.example.com');
      const keyOut = (await runOpenssl(['pkcs12', '-in', file, '-passin', 'pass:correct horse', '-nocerts', '-nodes'])).stdout;
      const leafOut = (await runOpenssl(['pkcs12', '-in', file, '-passin', 'pass:correct horse', '-clcerts', '-nokeys'])).stdout;
      const caOut = (await runOpenssl(['pkcs12', '-in', file, '-passin', 'pass:correct horse', '-cacerts', '-nokeys'])).stdout;
      expect(certificateMatchesPrivateKey(leafOut, keyOut)).toBe(true);
      expect(leafOut).toContain(certPem.trim().split('\n')[1]);
      expect(caOut).toContain(intermediate.pem.trim().split('\n')[1]);
      const wrong = await runOpenssl(['pkcs12', '-in', file, '-passin', 'pass:wrong', '-nodes'], { allowFailure: true });
      expect(wrong.status).not.toBe(0);
    });
  });

  it('refuses an empty passphrase and an unparsable key without echoing it', async () => {
    await expect(toPkcs12({ privateKeyPem: 'x', certPem: 'y', passphrase: '' })).rejects.toMatchObject({ name: 'OptionsError', code: 'OPTIONS_INVALID', option: 'passphrase' });
    const error = await toPkcs12({ privateKeyPem: '-----BEGIN PRIVATE KEY-----\nSECRETBYTES\n-----END PRIVATE KEY-----\n', certPem: '', passphrase: 'p' }).then(
      () => undefined,
      (caught: unknown) => caught as Error & { code: string },
    );
    expect(error?.code).toBe('KEY_INVALID');
    expect(error?.message).not.toContain('SECRETBYTES');
  });
});
