import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '@acmapi/core';
import { makeTempDir } from '@acmapi/test-utils';
import type { TempDir } from '@acmapi/test-utils';
import { InputError } from './inputs.js';
import { loadProjectConfig, selectCertificates } from './project-config.js';

let temp: TempDir;
beforeEach(async () => {
  temp = await makeTempDir('acmapi-action-config-');
  await mkdir(join(temp.path, 'ops'));
});
afterEach(async () => {
  await temp.cleanup();
});

async function writeConfig(json: unknown): Promise<string> {
  const file = join(temp.path, 'ops', 'acmapi.json');
  await writeFile(file, JSON.stringify(json));
  return file;
}

describe('loadProjectConfig', () => {
  it('reads the fleet, its key sources (core\'s keySourceFromConfig) and signfile, and gives the config values for empty inputs, paths relative to the workspace', async () => {
    await writeFile(join(temp.path, 'ops', 'signfile'), '\uFEFF  the-token\r\n');
    await writeFile(join(temp.path, 'ops', 'api.csr'), 'CSR PEM\n');
    await writeFile(join(temp.path, 'ops', 'mail.key'), 'KEY PEM\n');
    const file = await writeConfig({
      endpoint: 'https://ca.example/api',
      customerId: 'cust',
      dnsServers: ['127.0.0.1:5353'],
      caaIdentities: ['ca.example'],
      signfile: { name: 'sf.txt', path: 'signfile' },
      defaults: { keyType: 'rsa-3072', storeDir: '../tls', renewBeforeDays: 21 },
      certificates: [
        { name: 'www', domains: ['WWW.Example.com.', 'www.example.com'] },
        { name: 'api', domains: ['api.example.com'], keyType: 'ec-p384', csr: 'api.csr' },
        { name: 'mail', domains: ['mail.example.com'], key: 'mail.key' },
      ],
    });
    const config = await loadProjectConfig(file, temp.path);
    expect(config).toEqual({
      file: 'ops/acmapi.json',
      certificates: [
        { name: 'www', domains: ['www.example.com'], keySource: { kind: 'generate' } },
        { name: 'api', domains: ['api.example.com'], keyType: 'ec-p384', keySource: { kind: 'csr', csrPem: 'CSR PEM\n', privateKeyPem: undefined } },
        { name: 'mail', domains: ['mail.example.com'], keySource: { kind: 'key', privateKeyPem: 'KEY PEM\n' } },
      ],
      fallbacks: { endpoint: 'https://ca.example/api', customerId: 'cust', keyType: 'rsa-3072', renewBeforeDays: 21, signfileName: 'sf.txt', signfile: 'the-token' },
      preflight: { dnsServers: ['127.0.0.1:5353'], caaIdentities: ['ca.example'] },
    });
    expect(selectCertificates(config, ['www', 'api'], 'ec-p256')).toEqual([
      { name: 'www', domains: ['www.example.com'], keyType: 'ec-p256', keySource: { kind: 'generate' } },
      { name: 'api', domains: ['api.example.com'], keyType: 'ec-p384', keySource: { kind: 'csr', csrPem: 'CSR PEM\n' } },
    ]);
    // privkey.pem beside the CSR is its key, as in every front end.
    await writeFile(join(temp.path, 'ops', 'privkey.pem'), 'BESIDE PEM\n');
    const again = await loadProjectConfig(file, temp.path);
    expect(again.certificates[1]?.keySource).toEqual({ kind: 'csr', csrPem: 'CSR PEM\n', privateKeyPem: 'BESIDE PEM\n' });
    expect(selectCertificates(config, ['api'], 'ec-p256').map((c) => c.name)).toEqual(['api']);
  });

  it('gives core\'s defaults for what the file leaves out', async () => {
    const config = await loadProjectConfig(await writeConfig({ certificates: [{ name: 'www', domains: ['example.com'] }] }), temp.path);
    expect(config.fallbacks).toEqual({ endpoint: 'https://acmapi.wosign.com/', keyType: 'ec-p256', signfileName: 'signfile' });
  });

  it('reports every problem with its JSON path (core ConfigError CONFIG_INVALID)', async () => {
    const file = await writeConfig({ endpoint: 'ftp://x', certificates: [{ name: 'www', domains: ['a.example.com', '10.0.0.1'] }, { name: 'www', domains: ['b.example.com'], extra: 1 }] });
    const error = await loadProjectConfig(file, temp.path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
    expect((error as ConfigError).issues.map((issue) => issue.path).sort()).toEqual(['certificates[0].domains[1]', 'certificates[1].extra', 'certificates[1].name', 'endpoint']);
  });

  it('fails naming a file it names that cannot be read, a missing config, an empty fleet and an unknown name', async () => {
    await expect(loadProjectConfig(await writeConfig({ signfile: { path: 'nope' }, certificates: [] }), temp.path)).rejects.toThrow(/The signfile \(signfile.path\) .*nope cannot be read \(ENOENT\)/);
    await expect(loadProjectConfig(await writeConfig({ certificates: [{ name: 'www', domains: ['example.com'], csr: 'gone.csr' }] }), temp.path)).rejects.toMatchObject({ code: 'CONFIG_UNREADABLE' });
    await expect(loadProjectConfig(join(temp.path, 'missing.json'), temp.path)).rejects.toMatchObject({ code: 'CONFIG_NOT_FOUND' });
    const empty = await loadProjectConfig(await writeConfig({}), temp.path);
    expect(() => selectCertificates(empty, [], 'ec-p256')).toThrow(/ops\/acmapi.json lists no certificates/);
    const one = await loadProjectConfig(await writeConfig({ certificates: [{ name: 'www', domains: ['example.com'] }] }), temp.path);
    expect(() => selectCertificates(one, ['mail'], 'ec-p256')).toThrow(InputError);
  });
});
