import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-errors.js';
import { DEFAULT_STANDALONE_PORT, signfilePhase } from './signfile-flags.js';
import type { SignfileSettings } from './signfile-flags.js';

const withSignfile: SignfileSettings = { signfile: { name: 'signfile', content: 'token' }, signfilePath: '/x/signfile', resolve: [], httpPort: 8080, httpsPort: undefined };
const without: SignfileSettings = { ...withSignfile, signfile: undefined, signfilePath: undefined };

function usageCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof UsageError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return undefined;
}

describe('signfilePhase (flags → core\'s signfile phase options)', () => {
  it('places the signfile in a webroot (absolute) or a standalone server (port 80 unless --port)', () => {
    const webroot = signfilePhase({ preflight: 'strict', webroot: 'www', iis: true }, withSignfile);
    expect(webroot).toMatchObject({ signfile: { name: 'signfile' }, placement: { kind: 'webroot', iis: true }, preflight: 'strict', httpPort: 8080 });
    expect(webroot.placement?.kind === 'webroot' ? webroot.placement.dir : undefined).toBe(resolve('www'));
    expect(signfilePhase({ preflight: 'warn', standalone: true }, withSignfile).placement).toEqual({ kind: 'standalone', port: DEFAULT_STANDALONE_PORT });
    expect(signfilePhase({ preflight: 'warn', standalone: true, port: '8081' }, withSignfile).placement).toEqual({ kind: 'standalone', port: 8081 });
    expect(signfilePhase({ preflight: 'warn' }, without)).toMatchObject({ signfile: undefined, placement: undefined, preflight: 'warn' });
  });

  it('refuses flag combinations that cannot work, in the flags\' words', () => {
    expect(usageCode(() => signfilePhase({ preflight: 'strict' }, without))).toBe('USAGE_SIGNFILE: --preflight strict needs the signfile.');
    expect(usageCode(() => signfilePhase({ preflight: 'warn', webroot: 'www' }, without))).toBe('USAGE_SIGNFILE: --webroot needs the signfile.');
    expect(usageCode(() => signfilePhase({ preflight: 'off', standalone: true }, without))).toBe('USAGE_SIGNFILE: --standalone needs the signfile.');
    expect(usageCode(() => signfilePhase({ preflight: 'warn', webroot: 'www', standalone: true }, withSignfile))).toMatch(/^USAGE_SIGNFILE_PLACE: --webroot and --standalone/);
    expect(usageCode(() => signfilePhase({ preflight: 'warn', iis: true }, withSignfile))).toBe('USAGE_SIGNFILE_PLACE: --iis needs --webroot.');
    expect(usageCode(() => signfilePhase({ preflight: 'warn', port: '8080' }, withSignfile))).toBe('USAGE_PORT: --port was given without --standalone.');
    expect(usageCode(() => signfilePhase({ preflight: 'warn', standalone: true, port: 'http' }, withSignfile))).toMatch(/^USAGE_PORT: --port "http"/);
  });
});
