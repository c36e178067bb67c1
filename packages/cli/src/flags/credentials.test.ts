import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleartextWarning, isLoopbackHost, resolveCredentials } from './credentials.js';

describe('cleartext endpoint warning', () => {
  it.each(['localhost', '127.0.0.1', '127.1.2.3', '[::1]', 'LOCALHOST', 'api.localhost'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(['acmapi.example.com', '10.0.0.1', '128.0.0.1', '[::2]', '[2001:db8::1]', '127.example.com'])('%s is not loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  it('warns for http: to another machine only', () => {
    expect(cleartextWarning('http://acmapi.example.com:8080/api')).toContain('http://acmapi.example.com:8080');
    expect(cleartextWarning('http://10.0.0.1/')).toMatch(/unencrypted/);
    expect(cleartextWarning('http://127.0.0.1:4000/')).toBeUndefined();
    expect(cleartextWarning('http://[::1]:4000/')).toBeUndefined();
    expect(cleartextWarning('http://localhost/')).toBeUndefined();
    expect(cleartextWarning('https://acmapi.example.com/')).toBeUndefined();
  });
});

describe('the CA file', () => {
  const A = '-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n';
  const B = '-----BEGIN CERTIFICATE-----\nB\n-----END CERTIFICATE-----\n';
  const base = { ACMAPI_CUSTOMER_ID: 'c1', ACMAPI_AUTH_TOKEN: 't1' };

  it('is the whole trust (no default roots), followed by NODE_EXTRA_CA_CERTS when that is a readable file of certificates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'acmapi-ca-file-'));
    try {
      const [caFile, extraFile, notCerts] = [join(dir, 'ca.pem'), join(dir, 'extra.pem'), join(dir, 'empty.pem')];
      await writeFile(caFile, A);
      await writeFile(extraFile, B);
      await writeFile(notCerts, 'nothing here\n');
      expect((await resolveCredentials({}, base)).ca).toBeUndefined();
      expect((await resolveCredentials({ caFile }, base)).ca).toStrictEqual([A]);
      expect((await resolveCredentials({}, { ...base, ACMAPI_CA_FILE: caFile, NODE_EXTRA_CA_CERTS: extraFile })).ca).toStrictEqual([A, B]);
      // Node skips such a file (with a warning at start); so does the CLI.
      expect((await resolveCredentials({ caFile }, { ...base, NODE_EXTRA_CA_CERTS: join(dir, 'missing.pem') })).ca).toStrictEqual([A]);
      expect((await resolveCredentials({ caFile }, { ...base, NODE_EXTRA_CA_CERTS: notCerts })).ca).toStrictEqual([A]);
      // Without a CA file, Node's own trust applies: NODE_EXTRA_CA_CERTS is not read.
      expect((await resolveCredentials({}, { ...base, NODE_EXTRA_CA_CERTS: extraFile })).ca).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
