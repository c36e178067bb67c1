import { describe, expect, it } from 'vitest';
import type { CertificateDescription, PkiFileDescription } from '@acmapi/core';
import { formatMessage as t } from '../l10n/localize.js';
import { certificateNameFor, configuredFor, expiryBanner, renderCertificateView, type Management } from './certificate-view.js';

const NOW = new Date('2026-12-02T12:00:00Z');
const DAY = 86_400_000;

function certificate(overrides: Partial<CertificateDescription> = {}): CertificateDescription {
  return {
    subject: 'CN=site.example.test',
    commonName: 'site.example.test',
    sans: ['site.example.test', 'www.site.example.test'],
    issuer: 'CN=acmapi sandbox intermediate',
    serialNumber: '0a1b',
    notBefore: new Date(NOW.getTime() - 10 * DAY),
    notAfter: new Date(NOW.getTime() + 80 * DAY),
    fingerprintSha256: 'AA:BB',
    fingerprintSha1: 'CC:DD',
    pem: '',
    publicKey: 'EC P-256',
    keyType: 'ec-p256',
    isCa: false,
    selfSigned: false,
    ...overrides,
  };
}

function render(description: Partial<PkiFileDescription>, management: Management = { kind: 'none' }): string {
  return renderCertificateView({
    description: { format: 'pem', certificates: [], chainProblem: undefined, csrs: [], privateKeys: 0, problems: [], ...description },
    fileName: 'cert.pem',
    management,
    now: NOW,
    t,
    nonce: 'n0nce',
    language: 'en',
  });
}

describe('certificate view', () => {
  it('shows subject, SANs, issuer, validity, key, both fingerprints with copy buttons, and the chain', () => {
    const html = render({ certificates: [certificate(), certificate({ subject: 'CN=acmapi sandbox intermediate', isCa: true, sans: [] })] });
    for (const text of ['CN=site.example.test', '<li>www.site.example.test</li>', 'CN=acmapi sandbox intermediate', 'EC P-256', 'AA:BB', 'CC:DD', 'Chain certificate 1 of 1', 'intermediate CA certificate'])
      expect(html).toContain(text);
    expect(html.match(/<button class="copy" id="copy-\d+" data-copy=/g)?.length).toBe(6);
    expect(html).toContain('Valid for 80 more days, until 2027-02-20.');
  });

  it('has a strict CSP: nothing remote, inline code only by nonce, and labels in a grid (no padded columns)', () => {
    const html = render({ certificates: [certificate()] });
    expect(html).toContain(`content="default-src 'none'; style-src 'nonce-n0nce'; script-src 'nonce-n0nce';"`);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('grid-template-columns: max-content minmax(0, 1fr)');
    expect(html).toContain('<dl class="fields"><dt>Subject</dt>');
  });

  it('escapes a hostile subject instead of running it', () => {
    const html = render({ certificates: [certificate({ subject: 'CN=<img src=x onerror=alert(1)>\u001b[2J', sans: ['"><script>alert(1)</script>'] })] });
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('\u001b');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
  });

  it('warns in a banner before expiry, and says expired after it', () => {
    expect(expiryBanner({ notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 5 * DAY) }, NOW, t)).toEqual({ level: 'warning', text: 'Expires in 5 days, on 2026-12-07.' });
    expect(expiryBanner({ notBefore: new Date(NOW.getTime() - 90 * DAY), notAfter: new Date(NOW.getTime() - 2 * DAY) }, NOW, t)).toEqual({ level: 'error', text: 'Expired on 2026-11-30 (2 days ago).' });
    expect(expiryBanner({ notBefore: new Date(NOW.getTime() + DAY), notAfter: new Date(NOW.getTime() + 90 * DAY) }, NOW, t).level).toBe('warning');
  });

  it('offers to add a certificate that acmapi.json does not list, and never shows a private key', () => {
    expect(render({ certificates: [certificate()] }, { kind: 'outside', domains: ['site.example.test'] })).toContain('data-action="addToConfig"');
    const key = render({ privateKeys: 1 });
    expect(key).toContain('This file holds 1 private key(s). Private keys are not shown here.');
    expect(key).toContain('data-action="openText"');
  });

  it('tells whether acmapi.json lists a certificate by its set of domains, and names an added one after its first domain', () => {
    const certificates = [{ name: 'site', domains: ['www.site.example.test', 'site.example.test'] }];
    expect(configuredFor(['site.example.test', 'www.site.example.test'], certificates)).toBe('site');
    expect(configuredFor(['site.example.test'], certificates)).toBeUndefined();
    expect(certificateNameFor(['*.example.test'], new Set())).toBe('wildcard.example.test');
    expect(certificateNameFor(['site.example.test'], new Set(['site.example.test']))).toBe('site.example.test-2');
  });
});
