import { describe, expect, it } from 'vitest';
import { buildOutputs } from './outputs.js';
import type { CertificateOutcome } from './outcome.js';
import { buildSummary } from './summary.js';

const issued: CertificateOutcome = {
  name: 'www',
  domains: ['example.com', 'www.example.com'],
  status: 'issued',
  detail: 'issued',
  handleId: 'h-1',
  notAfter: new Date('2026-03-01T12:00:00.000Z'),
  fingerprint: 'AA:BB',
  serial: '0a',
  certificatePath: 'certificates/www/cert.pem',
  fullchainPath: 'certificates/www/fullchain.pem',
};
const failed: CertificateOutcome = { name: 'api', domains: ['api.example.com'], status: 'failed', detail: 'The CA answered 107 | twice', errorCode: 'CA_DOMAIN_VERIFY_FAILED' };

describe('summary and outputs', () => {
  it('builds one escaped table row per certificate and lists failures', () => {
    expect(buildSummary([issued, failed]).split('\n')).toEqual([
      '## acmapi certificates',
      '',
      '| certificate | domains | status | expiry | fingerprint (SHA-256) | handle |',
      '| --- | --- | --- | --- | --- | --- |',
      '| www | example.com, www.example.com | ✅ issued | 2026-03-01T12:00:00Z | AA:BB | h-1 |',
      '| api | api.example.com | ❌ failed |  |  |  |',
      '',
      '- **api** (failed): The CA answered 107 \\| twice',
      '',
    ]);
  });

  it('tables the domains that failed the preflight: domain, address, scheme, reason and what to do', () => {
    const warned: CertificateOutcome = {
      ...issued,
      preflightFailures: [
        { domain: 'www.example.com', address: '2001:db8::1', scheme: 'https', kind: 'http-status', message: 'www.example.com at [2001:db8::1]: https://www.example.com/… answered 404.', hint: 'Put the signfile there.' },
        { domain: 'example.com', kind: 'dns-no-such-name', message: 'example.com does not exist in DNS (ENOTFOUND).', hint: 'Create the A/AAAA records | then retry.' },
      ],
    };
    const lines = buildSummary([warned]).split('\n');
    expect(lines.slice(lines.indexOf('### Signfile preflight failures'))).toEqual([
      '### Signfile preflight failures',
      '',
      '| certificate | domain | address | scheme | reason | what to do |',
      '| --- | --- | --- | --- | --- | --- |',
      '| www | www.example.com | 2001:db8::1 | https | http-status: www.example.com at \\[2001:db8::1\\]: https://www.example.com/… answered 404. | Put the signfile there. |',
      '| www | example.com |  |  | dns-no-such-name: example.com does not exist in DNS (ENOTFOUND). | Create the A/AAAA records \\| then retry. |',
      '',
    ]);
  });

  it('sets single-certificate outputs for one certificate only, and the worst status', () => {
    expect(buildOutputs([issued])).toMatchObject({ status: 'issued', 'handle-id': 'h-1', 'not-after': '2026-03-01T12:00:00.000Z', fingerprint: 'AA:BB', serial: '0a' });
    const fleet = buildOutputs([issued, failed]);
    expect(fleet.status).toBe('failed');
    expect(fleet.fingerprint).toBeUndefined();
    expect((JSON.parse(fleet.results ?? '[]') as { name: string }[]).map((r) => r.name)).toEqual(['www', 'api']);
  });
});
