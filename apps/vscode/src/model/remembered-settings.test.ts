import { describe, expect, it } from 'vitest';
import type { CertificateRecord } from '@acmapi/core';
import { formatMessage } from '../l10n/localize.js';
import { formatTime, renewalLines, settingsLines } from './remembered-settings.js';

const record = (fields: Partial<CertificateRecord>): CertificateRecord => ({
  name: 'site',
  domains: ['example.test'],
  keyType: 'ec-p256',
  state: 'valid',
  live: undefined,
  application: undefined,
  lastRetired: undefined,
  lastError: undefined,
  dir: '/store/site',
  ...fields,
});

describe('formatTime', () => {
  it('gives the minute in UTC, whatever the time zone', () => {
    expect(formatTime(new Date('2030-01-10T08:30:59.999+02:00'))).toBe('2030-01-10 06:30 UTC');
  });
});

describe('renewalLines', () => {
  it('says nothing for a certificate without a chosen time, an attempt or failures', () => {
    expect(renewalLines(record({}), formatMessage)).toEqual([]);
  });

  it('gives the chosen renewal time, the last attempt with its code, and the next attempt after failures', () => {
    const lines = renewalLines(
      record({
        renewalAt: new Date('2030-03-01T12:00:00Z'),
        lastAttempt: { at: new Date('2030-01-10T00:00:00Z'), result: 'failed', code: 'TRANSPORT_TIMEOUT' },
        failures: { count: 3, firstAt: new Date('2030-01-09T00:00:00Z'), lastAt: new Date('2030-01-10T00:00:00Z'), nextAttemptAt: new Date('2030-01-11T00:00:00Z'), code: 'TRANSPORT_TIMEOUT' },
      }),
      formatMessage,
    );
    expect(lines).toEqual([
      'Renewal time: 2030-03-01 12:00 UTC (chosen once for this certificate)',
      'Last attempt: 2030-01-10 00:00 UTC, failed (TRANSPORT_TIMEOUT)',
      'Failed 3 time(s) in a row since 2030-01-09 00:00 UTC; last error TRANSPORT_TIMEOUT',
      'Next attempt: Renew tries again from 2030-01-11 00:00 UTC (Renew anyway to try now)',
    ]);
    expect(renewalLines(record({ lastAttempt: { at: new Date('2030-01-10T00:00:00Z'), result: 'not-due' } }), formatMessage)).toEqual(['Last attempt: 2030-01-10 00:00 UTC, not due']);
  });
});

describe('settingsLines', () => {
  it('lists every remembered setting, the install mode in octal, and where the PKCS#12 passphrase is (never a passphrase)', () => {
    const lines = settingsLines(
      {
        domains: ['example.test'],
        keyType: 'rsa-2048',
        reuseKey: true,
        signfile: { path: '/etc/acmapi/signfile', name: 'token', placement: { kind: 'webroot', dir: 'C:\\inetpub\\wwwroot', iis: true }, preflight: 'strict' },
        pkcs12: { passphraseFile: '/etc/acmapi/pfx-pass' },
        renewBeforeDays: 20,
        install: { fullchain: '/etc/nginx/tls/site.pem', key: '/etc/nginx/tls/site.key', owner: 'root:ssl-cert', mode: 0o640 },
        hooks: { deploy: 'systemctl reload nginx', failure: 'logger acmapi failed' },
      },
      formatMessage,
    );
    expect(lines).toEqual([
      'Remembered settings (Renew and the pending tracker use them):',
      '  Key: keep the live private key on renewal (rsa-2048)',
      '  Signfile: /etc/acmapi/signfile (name token)',
      '  Placement: written into the webroot C:\\inetpub\\wwwroot, with a web.config for IIS',
      '  Preflight: strict',
      '  PKCS#12: passphrase from the file /etc/acmapi/pfx-pass',
      '  Renew when fewer than 20 days are left',
      '  Install key: /etc/nginx/tls/site.key',
      '  Install fullchain: /etc/nginx/tls/site.pem',
      '  Install owner: root:ssl-cert',
      '  Install mode: 0640',
      '  Hook deploy: systemctl reload nginx',
      '  Hook failure: logger acmapi failed',
    ]);
  });

  it('says a new key on every renewal, no signfile and no placement by default, and the standalone port', () => {
    expect(settingsLines({ domains: ['a.test'] }, formatMessage)).toEqual([
      'Remembered settings (Renew and the pending tracker use them):',
      '  Key: a new private key on every renewal',
      '  Signfile: none',
      '  Placement: not placed (the site serves the signfile itself)',
    ]);
    expect(settingsLines({ domains: ['a.test'], signfile: { path: '/sf', placement: { kind: 'standalone', port: 8080 } }, pkcs12: { passphraseEnv: 'PFX_PASS' } }, formatMessage)).toContain(
      '  PKCS#12: passphrase from the environment variable PFX_PASS',
    );
    expect(settingsLines({ domains: ['a.test'], signfile: { path: '/sf', placement: { kind: 'standalone', port: 8080 } } }, formatMessage)).toContain(
      '  Placement: served by acmapi\'s own web server on port 8080',
    );
  });
});
