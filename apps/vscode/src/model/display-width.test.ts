import { describe, expect, it } from 'vitest';
import { formatCertificateDetails } from './certificate-details.js';
import { displayWidth, padToWidth } from './display-width.js';
import type { CertificateChain, CertificateRecord } from '@acmapi/core';

describe('display width', () => {
  it('counts Chinese characters as two columns, Latin as one, combining marks as none', () => {
    expect(displayWidth('Subject')).toBe(7);
    expect(displayWidth('主体')).toBe(4);
    expect(displayWidth('SHA-256 指纹')).toBe(12);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(padToWidth('颁发者', 8)).toBe('颁发者  ');
  });

  it('aligns the details document\'s values in one column with Chinese labels', () => {
    const zh: Record<string, string> = { Certificate: '证书', Subject: '主体', 'Domains (SAN)': '域名（使用者可选名称，SAN）', Issuer: '颁发者', 'SHA-256 fingerprint': 'SHA-256 指纹' };
    const t = (message: string, ...args: (string | number)[]): string => (zh[message] ?? message).replace(/\{(\d+)\}/g, (_, index: string) => String(args[Number(index)]));
    const info = { subject: 'CN=a.test', commonName: 'a.test', sans: ['a.test'], issuer: 'CN=CA', serialNumber: '01', notBefore: new Date(0), notAfter: new Date(86_400_000 * 90), fingerprintSha256: 'AA', pem: '' };
    const chain: CertificateChain = { leaf: info, chain: [], certPem: '', chainPem: '', fullchainPem: '' };
    const record = { name: 'a', keyType: 'ec-p256', dir: '/store/a', live: undefined, settings: undefined } as unknown as CertificateRecord;
    const table = formatCertificateDetails(chain, record, new Date(0), t).split('\n').slice(0, 13);
    // The value column starts at the same display column on every row.
    const starts = table.map((line) => {
      const match = /^(.*?\S)\s{2,}(\S.*)$/.exec(line);
      return match === null ? -1 : displayWidth(line.slice(0, line.length - (match[2] ?? '').length));
    });
    expect(new Set(starts).size).toBe(1);
    expect(starts[0]).toBeGreaterThan(0);
  });
});
