import { describe, expect, it } from 'vitest';
import { expiryWarning, hasInstallTargets, hookError } from './deploy-step.js';
import { dropClearedSettings } from './settings.js';

const DAY = 86_400_000;

describe('expiryWarning', () => {
  const notBefore = new Date('2026-01-01T00:00:00Z');
  const notAfter = new Date(notBefore.getTime() + 90 * DAY);

  it('starts at the last sixth of the lifetime (day 75 of 90), and goes on after expiry', () => {
    expect(expiryWarning({ notBefore, notAfter }, new Date(notBefore.getTime() + 75 * DAY - 1)).warn).toBe(false);
    expect(expiryWarning({ notBefore, notAfter }, new Date(notBefore.getTime() + 75 * DAY))).toStrictEqual({ warn: true, daysLeft: 15, from: new Date(notBefore.getTime() + 75 * DAY) });
    expect(expiryWarning({ notBefore, notAfter }, new Date(notAfter.getTime() + DAY))).toMatchObject({ warn: true, daysLeft: -1 });
  });

  it('is never reached by a certificate renewed before 80 % of its lifetime', () => {
    expect(expiryWarning({ notBefore, notAfter }, new Date(notBefore.getTime() + 0.8 * 90 * DAY)).warn).toBe(false);
  });
});

describe('dropClearedSettings', () => {
  it('forgets install targets and hooks given as empty strings, and drops emptied objects', () => {
    expect(dropClearedSettings({ domains: ['a.example'], install: { key: '', cert: '/c.pem', owner: '' }, hooks: { deploy: '', timeoutMs: 5 } })).toStrictEqual({
      domains: ['a.example'],
      install: { cert: '/c.pem' },
      hooks: { timeoutMs: 5 },
    });
    expect(dropClearedSettings({ domains: [], install: { key: '' }, hooks: { failure: '' } })).toStrictEqual({ domains: [] });
  });

  it('gives a signfile without a placement the placement none', () => {
    const given = { domains: [], signfile: { path: '/s' } } as unknown as Parameters<typeof dropClearedSettings>[0];
    expect(dropClearedSettings(given).signfile).toStrictEqual({ path: '/s', placement: { kind: 'none' } });
  });
});

describe('hasInstallTargets and hookError', () => {
  it('counts only non-empty paths (owner and mode alone install nothing)', () => {
    expect(hasInstallTargets(undefined)).toBe(false);
    expect(hasInstallTargets({ owner: 'www-data', mode: 0o640, key: '' })).toBe(false);
    expect(hasInstallTargets({ chain: '/x/chain.pem' })).toBe(true);
  });

  it('says how the hook ended, without its command line', () => {
    const base = { kind: 'deploy' as const, command: 'curl https://secret.example/hook', signal: null, timedOut: false, aborted: false, durationMs: 7, stderrTail: '', stdoutTail: '' };
    expect(hookError({ ...base, exitCode: 3 }, 'shop')).toMatchObject({ code: 'DEPLOY_HOOK_FAILED', message: 'The deploy hook of certificate "shop" exited with status 3.' });
    expect(hookError({ ...base, exitCode: null, signal: 'SIGTERM', timedOut: true }, undefined).message).toBe('The deploy hook did not finish within its timeout (7 ms).');
    expect(hookError({ ...base, exitCode: null, signal: 'SIGKILL' }, 'x').message).not.toContain('secret');
  });
});
