import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../errors/errors.js';
import { mergeSettings, readPkcs12Passphrase, sameSettings, settingsForRun, settingsFromConfig, signfilePhaseFromSettings, type CertificateSettings } from './settings.js';

const stored: CertificateSettings = {
  domains: ['example.com'],
  keyType: 'ec-p256',
  signfile: { path: '/etc/acmapi/signfile', name: 'signfile', placement: { kind: 'webroot', dir: '/var/www/html', iis: false }, preflight: 'warn' },
  pkcs12: { passphraseFile: '/etc/acmapi/pfx-pass' },
};

describe('mergeSettings', () => {
  it('keeps every stored field the given settings do not name (renew without flags)', () => {
    expect(mergeSettings(stored, {})).toEqual(stored);
    expect(mergeSettings(stored, { keyType: undefined, signfile: undefined })).toEqual(stored);
  });

  it('lets a given field win, and merges signfile field by field (--webroot alone keeps the signfile path)', () => {
    const merged = mergeSettings(stored, { reuseKey: true, signfile: { placement: { kind: 'standalone', port: 8080 } } });
    expect(merged).toEqual({
      ...stored,
      reuseKey: true,
      signfile: { path: '/etc/acmapi/signfile', name: 'signfile', placement: { kind: 'standalone', port: 8080 }, preflight: 'warn' },
    });
    expect(mergeSettings(stored, { reuseKey: false }).reuseKey).toBe(false);
  });

  it('starts from nothing when nothing is stored, and never shares arrays with its inputs', () => {
    const given = { domains: ['a.example'] };
    const merged = mergeSettings(undefined, given);
    expect(merged).toEqual({ domains: ['a.example'] });
    merged.domains.push('b.example');
    expect(given.domains).toEqual(['a.example']);
    expect(mergeSettings(undefined, {})).toEqual({ domains: [] });
    expect(stored.signfile?.placement).toEqual({ kind: 'webroot', dir: '/var/www/html', iis: false });
  });
});

describe('sameSettings', () => {
  it('ignores key order and undefined fields, and sees a changed value', () => {
    expect(sameSettings({ keyType: 'rsa-2048', domains: ['x'] }, { domains: ['x'], keyType: 'rsa-2048', reuseKey: undefined })).toBe(true);
    expect(sameSettings(stored, mergeSettings(stored, { signfile: { placement: { kind: 'none' } } }))).toBe(false);
    expect(sameSettings(undefined, stored)).toBe(false);
  });
});

describe('signfilePhaseFromSettings', () => {
  it('reads the signfile\'s exact bytes and maps the placement', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'acmapi-settings-'));
    try {
      const path = join(dir, 'sf');
      await writeFile(path, '\uFEFFtoken-1\n');
      const phase = await signfilePhaseFromSettings(
        { signfile: { path, name: 'custom', placement: { kind: 'webroot', dir: '/srv/www', iis: true } } },
        { httpPort: 8080 },
      );
      expect(phase.signfile?.name).toBe('custom');
      expect(Buffer.from(phase.signfile?.content ?? '').toString('utf8')).toBe('\uFEFFtoken-1\n');
      expect(phase).toMatchObject({ placement: { kind: 'webroot', dir: '/srv/www', iis: true }, preflight: 'warn', httpPort: 8080 });
      const none = await signfilePhaseFromSettings({ signfile: { path, placement: { kind: 'none' }, preflight: 'strict' } });
      expect(none).toMatchObject({ placement: undefined, preflight: 'strict', signfile: { name: 'signfile' } });
      const missing = await signfilePhaseFromSettings({ signfile: { path: join(dir, 'gone'), placement: { kind: 'none' } } }).catch((error: unknown) => error);
      expect(missing).toBeInstanceOf(OptionsError);
      expect(missing).toMatchObject({ option: 'signfile' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('gives no signfile and the default preflight without remembered signfile settings', async () => {
    expect(await signfilePhaseFromSettings({}, { defaultPreflight: 'off' })).toEqual({ signfile: undefined, placement: undefined, preflight: 'off' });
  });
});

describe('settingsForRun', () => {
  it('keeps the remembered placement, key policy and PKCS#12 output when acmapi.json names only the signfile and domains', () => {
    const given = settingsFromConfig({ dir: '/srv/project', signfile: { name: 'signfile', path: 'keys/signfile' } }, { domains: ['example.com', 'www.example.com'] });
    expect(given).toEqual({ domains: ['example.com', 'www.example.com'], signfile: { path: '/srv/project/keys/signfile', name: 'signfile' } });
    const run = settingsForRun({ ...stored, reuseKey: true, keyType: 'rsa-2048' }, given, { defaultKeyType: 'ec-p256' });
    expect(run).toEqual({
      ...stored,
      domains: ['example.com', 'www.example.com'],
      keyType: 'rsa-2048',
      reuseKey: true,
      signfile: { ...stored.signfile, path: '/srv/project/keys/signfile' },
    });
  });

  it('places nothing for a signfile given without a placement and none remembered', () => {
    expect(settingsForRun(undefined, { domains: ['a.example'], signfile: { path: '/sf' } }).signfile).toEqual({ path: '/sf', placement: { kind: 'none' } });
    expect(settingsForRun(undefined, { domains: ['a.example'] }).signfile).toBeUndefined();
  });

  it('takes the key type given, else remembered, else the live certificate\'s, else the project\'s default', () => {
    const fallbacks = { liveKeyType: 'rsa-3072', defaultKeyType: 'ec-p256' } as const;
    expect(settingsForRun({ domains: ['x'], keyType: 'ec-p384' }, { keyType: 'rsa-2048' }, fallbacks).keyType).toBe('rsa-2048');
    expect(settingsForRun({ domains: ['x'], keyType: 'ec-p384' }, {}, fallbacks).keyType).toBe('ec-p384');
    expect(settingsForRun({ domains: ['x'] }, {}, fallbacks).keyType).toBe('rsa-3072');
    expect(settingsForRun(undefined, {}, { defaultKeyType: 'ec-p256' }).keyType).toBe('ec-p256');
    expect(settingsForRun(undefined, {}).keyType).toBeUndefined();
  });

  it('gives no domains or key type for a certificate the project file does not list', () => {
    expect(settingsFromConfig({ dir: '/p', signfile: { name: 'signfile' } }, undefined)).toEqual({});
  });
});

describe('readPkcs12Passphrase', () => {
  it('reads the remembered file (one trailing newline removed) or variable, and names the place when it is empty', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'acmapi-pfx-'));
    try {
      const file = join(dir, 'pass');
      await writeFile(file, 'p4ss word\n');
      expect(await readPkcs12Passphrase({ passphraseFile: file }, {})).toBe('p4ss word');
      expect(await readPkcs12Passphrase({ passphraseEnv: 'MY_PFX' }, { MY_PFX: 'from-env' })).toBe('from-env');
      expect(await readPkcs12Passphrase({}, { ACMAPI_PFX_PASSPHRASE: 'default-env' })).toBe('default-env');
      expect(await readPkcs12Passphrase(undefined, { ACMAPI_PFX_PASSPHRASE: 'unused' })).toBeUndefined();
      const empty = await readPkcs12Passphrase({ passphraseEnv: 'MY_PFX' }, { MY_PFX: '' }).catch((error: unknown) => error);
      expect(empty).toBeInstanceOf(OptionsError);
      expect((empty as OptionsError).message).toContain('MY_PFX');
      const gone = await readPkcs12Passphrase({ passphraseFile: join(dir, 'gone') }, {}).catch((error: unknown) => error);
      expect(gone).toMatchObject({ option: 'pkcs12', code: 'OPTIONS_INVALID' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
