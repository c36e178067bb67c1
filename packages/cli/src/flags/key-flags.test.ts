import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@acmapi/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalIoError } from './cli-errors.js';
import { keySourceFor } from './key-flags.js';
import type { Project } from './project.js';

let dir: string;
let project: Project;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acmapi-key-flags-'));
  await writeFile(join(dir, 'req.pem'), 'CSR');
  await writeFile(join(dir, 'key.pem'), 'KEY');
  project = { config: undefined, configFile: join(dir, 'acmapi.json'), configDir: dir, storeDir: join(dir, 'certs') };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const entry = (fields: { csr?: string; key?: string }) => ({ name: 'shop', domains: ['shop.example'], ...fields });

describe('keySourceFor (--csr/--key, else acmapi.json, else generated)', () => {
  it('reads --csr with --key, --csr alone (core refuses it: KEY_REQUIRED), and --key alone', async () => {
    expect(await keySourceFor({ csr: join(dir, 'req.pem'), key: join(dir, 'key.pem') }, undefined, project)).toEqual({ kind: 'csr', csrPem: 'CSR', privateKeyPem: 'KEY' });
    expect(await keySourceFor({ csr: join(dir, 'req.pem') }, undefined, project)).toEqual({ kind: 'csr', csrPem: 'CSR', privateKeyPem: undefined });
    expect(await keySourceFor({ key: join(dir, 'key.pem') }, undefined, project)).toEqual({ kind: 'key', privateKeyPem: 'KEY' });
  });

  it('--key with a certificate of acmapi.json that has a csr: that CSR with this key', async () => {
    expect(await keySourceFor({ key: join(dir, 'key.pem') }, entry({ csr: 'req.pem' }), project)).toEqual({ kind: 'csr', csrPem: 'CSR', privateKeyPem: 'KEY' });
  });

  it('without flags: the entry\'s csr/key through core, else undefined (a generated key)', async () => {
    expect(await keySourceFor({}, entry({ csr: 'req.pem', key: 'key.pem' }), project)).toEqual({ kind: 'csr', csrPem: 'CSR', privateKeyPem: 'KEY' });
    expect(await keySourceFor({}, entry({}), project)).toBeUndefined();
    expect(await keySourceFor({}, undefined, project)).toBeUndefined();
  });

  it('a missing file: LocalIoError for a flag, ConfigError for acmapi.json', async () => {
    await expect(keySourceFor({ csr: join(dir, 'none.pem'), key: join(dir, 'key.pem') }, undefined, project)).rejects.toBeInstanceOf(LocalIoError);
    await expect(keySourceFor({}, entry({ csr: 'none.pem' }), project)).rejects.toBeInstanceOf(ConfigError);
  });
});
