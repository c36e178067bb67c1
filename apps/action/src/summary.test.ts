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

  it('sets single-certificate outputs for one certificate only, and the worst status', () => {
    expect(buildOutputs([issued])).toMatchObject({ status: 'issued', 'handle-id': 'h-1', 'not-after': '2026-03-01T12:00:00.000Z', fingerprint: 'AA:BB', serial: '0a' });
    const fleet = buildOutputs([issued, failed]);
    expect(fleet.status).toBe('failed');
    expect(fleet.fingerprint).toBeUndefined();
    expect((JSON.parse(fleet.results ?? '[]') as { name: string }[]).map((r) => r.name)).toEqual(['www', 'api']);
  });
});
