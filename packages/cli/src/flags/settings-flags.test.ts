import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-errors.js';
import { type CertificateSettings } from '@acmapi/core';
import { dropClearedSettings, mergeSettings } from '@acmapi/core/settings';
import { placementFromFlags, settingsFromFlags, signfilePhaseOf } from './settings-flags.js';

/** What a run remembers, as core's runFleet composes it. */
function runSettings(stored: CertificateSettings | undefined, given: Partial<CertificateSettings>): CertificateSettings {
  return dropClearedSettings(mergeSettings(stored, given));
}
import { DEFAULT_STANDALONE_PORT } from './signfile-flags.js';
import type { SignfileSettings } from './signfile-flags.js';

const withSignfile: SignfileSettings = { signfile: { name: 'signfile', content: 'token' }, signfilePath: 'sf.txt', resolve: [], httpPort: 8080, httpsPort: undefined, dnsServers: [] };
const without: SignfileSettings = { ...withSignfile, signfile: undefined, signfilePath: undefined };

async function usageCode(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof UsageError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return undefined;
}

describe('placementFromFlags', () => {
  it('places the signfile in a webroot (absolute) or a standalone server (port 80 unless --port); nothing when no flag names one', () => {
    expect(placementFromFlags({ webroot: 'www', iis: true })).toEqual({ kind: 'webroot', dir: resolve('www'), iis: true });
    expect(placementFromFlags({ standalone: true })).toEqual({ kind: 'standalone', port: DEFAULT_STANDALONE_PORT });
    expect(placementFromFlags({ standalone: true, port: '8081' })).toEqual({ kind: 'standalone', port: 8081 });
    expect(placementFromFlags({})).toBeUndefined();
  });

  it('refuses flag combinations that cannot work, in the flags\' words', async () => {
    expect(await usageCode(() => placementFromFlags({ webroot: 'www', standalone: true }))).toMatch(/^USAGE_SIGNFILE_PLACE: --webroot and --standalone/);
    expect(await usageCode(() => placementFromFlags({ iis: true }))).toBe('USAGE_SIGNFILE_PLACE: --iis needs --webroot.');
    expect(await usageCode(() => placementFromFlags({ port: '8080' }))).toBe('USAGE_PORT: --port was given without --standalone.');
    expect(await usageCode(() => placementFromFlags({ standalone: true, port: 'http' }))).toMatch(/^USAGE_PORT: --port "http"/);
    expect(await usageCode(() => settingsFromFlags({ reuseKey: true, newKey: true }, without, undefined, undefined))).toMatch(/^USAGE_KEY_POLICY/);
  });
});

describe('settingsFromFlags and runSettings', () => {
  it('gives only what a flag named: absolute paths, the key policy, where the pfx passphrase is (never the passphrase)', () => {
    expect(settingsFromFlags({}, without, undefined, undefined)).toEqual({});
    expect(settingsFromFlags({ webroot: 'www', preflight: 'strict', reuseKey: true, pfx: true, pfxPassphraseFile: 'pass.txt' }, withSignfile, 'custom', 20)).toEqual({
      signfile: { path: resolve('sf.txt'), name: 'custom', placement: { kind: 'webroot', dir: resolve('www'), iis: false }, preflight: 'strict' },
      reuseKey: true,
      pkcs12: { passphraseFile: resolve('pass.txt') },
      renewBeforeDays: 20,
    });
    expect(settingsFromFlags({ newKey: true, pfx: true }, without, undefined, undefined)).toEqual({ reuseKey: false, pkcs12: { passphraseEnv: 'ACMAPI_PFX_PASSPHRASE' } });
  });

  it('renew without flags keeps what issue remembered; a signfile alone places nothing', () => {
    const stored = runSettings(undefined, { domains: ['a.example'], ...settingsFromFlags({ webroot: 'www' }, withSignfile, undefined, undefined) });
    expect(runSettings(stored, { domains: ['a.example'] })).toEqual(stored);
    expect(runSettings(stored, settingsFromFlags({ standalone: true }, without, undefined, undefined)).signfile).toEqual({ path: resolve('sf.txt'), placement: { kind: 'standalone', port: 80 } });
    expect(runSettings(undefined, { domains: ['b.example'], ...settingsFromFlags({}, withSignfile, undefined, undefined) }).signfile).toEqual({ path: resolve('sf.txt'), placement: { kind: 'none' } });
  });
});

describe('signfilePhaseOf', () => {
  it('needs a signfile for a placement or a strict preflight, named by the flag the user knows', async () => {
    expect(await usageCode(() => signfilePhaseOf({ domains: [], signfile: { preflight: 'strict', placement: { kind: 'none' } } }, without, 'warn'))).toBe('USAGE_SIGNFILE: --preflight strict needs the signfile.');
    expect(await usageCode(() => signfilePhaseOf({ domains: [], signfile: { placement: { kind: 'webroot', dir: '/w', iis: false } } }, without, 'warn'))).toBe('USAGE_SIGNFILE: --webroot needs the signfile.');
    expect(await usageCode(() => signfilePhaseOf({ domains: [], signfile: { placement: { kind: 'standalone', port: 80 } } }, without, 'off'))).toBe('USAGE_SIGNFILE: --standalone needs the signfile.');
  });

  it('reads the remembered signfile and keeps the preflight overrides of the flags', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'acmapi-settings-flags-'));
    try {
      const path = join(dir, 'sf');
      await writeFile(path, 'token-9');
      const phase = await signfilePhaseOf({ domains: [], signfile: { path, placement: { kind: 'webroot', dir: '/w', iis: false } } }, withSignfile, 'off');
      expect(phase).toMatchObject({ placement: { kind: 'webroot', dir: '/w' }, preflight: 'off', httpPort: 8080, signfile: { name: 'signfile' } });
      expect(await signfilePhaseOf({ domains: [] }, without, 'warn')).toEqual({ signfile: undefined, placement: undefined, preflight: 'warn', resolve: [], httpPort: 8080 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
