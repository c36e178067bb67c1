import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../errors/errors.js';
import { mergeSettings, sameSettings, signfilePhaseFromSettings, type CertificateSettings } from './settings.js';

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
