import { describe, expect, it } from 'vitest';
import type { CertificateRecord } from '../store/certificate-record.js';
import { needsRenewal, DAY_MS } from './needs-renewal.js';
import { planApplication } from './plan-application.js';

const notBefore = new Date('2030-01-01T00:00:00Z');
const notAfter = new Date(notBefore.getTime() + 90 * DAY_MS);

function record(overrides: { days?: number; application?: CertificateRecord['application'] } = {}): CertificateRecord {
  const renewal = needsRenewal({ notBefore, notAfter }, { now: new Date(notBefore.getTime() + (overrides.days ?? 10) * DAY_MS) });
  return {
    name: 'site',
    domains: ['example.com', 'www.example.com'],
    keyType: 'ec-p256',
    state: renewal.due ? 'due' : 'valid',
    live: {
      version: 'v1',
      domains: ['example.com', 'www.example.com'],
      keyType: 'ec-p256',
      fingerprintSha256: 'AA',
      serialNumber: '01',
      issuer: 'CN=CA',
      notBefore,
      notAfter,
      installedAt: notBefore,
      handleId: undefined,
      renewal,
    },
    application: overrides.application,
    lastRetired: undefined,
    lastError: undefined,
    dir: '/store/site',
  };
}

const pending: CertificateRecord['application'] = {
  version: 'v2',
  status: 'pending',
  domains: ['example.com'],
  keyType: 'ec-p256',
  preparedAt: notBefore,
  handleId: 'H7',
  since: notBefore,
  lastPolledAt: undefined,
  polls: 0,
  endpoint: undefined,
};

describe('planApplication', () => {
  it('applies for a certificate the store does not have', () => {
    expect(planApplication(undefined, { command: 'issue' })).toEqual({ action: 'apply', reason: 'new', replacesApplication: false });
  });

  it('skips a valid certificate not yet due, unless forced', () => {
    expect(planApplication(record(), { command: 'issue' })).toMatchObject({ action: 'skip', reason: 'not-due', daysLeft: 80 });
    expect(planApplication(record(), { command: 'issue', force: true })).toMatchObject({ action: 'apply', reason: 'forced' });
  });

  it('renews a due or expired certificate', () => {
    expect(planApplication(record({ days: 61 }), { command: 'renew' })).toMatchObject({ action: 'apply', reason: 'due' });
    expect(planApplication(record({ days: 91 }), { command: 'renew' })).toMatchObject({ action: 'apply', reason: 'expired' });
  });

  it('applies anew when the domains or the key type changed', () => {
    expect(planApplication(record(), { command: 'issue', domains: ['WWW.example.com', 'example.com.'] }).action).toBe('skip');
    expect(planApplication(record(), { command: 'issue', domains: ['example.com'] })).toMatchObject({ reason: 'domains-changed' });
    expect(planApplication(record(), { command: 'issue', keyType: 'rsa-2048' })).toMatchObject({ reason: 'key-type-changed' });
  });

  it('a pending application: issue refuses, renew retrieves, --force replaces it', () => {
    const withPending = record({ application: pending });
    expect(planApplication(withPending, { command: 'issue' })).toEqual({ action: 'refuse', code: 'STORE_PENDING_EXISTS', handleId: 'H7' });
    expect(planApplication(withPending, { command: 'renew' })).toEqual({ action: 'retrieve', handleId: 'H7' });
    expect(planApplication(withPending, { command: 'issue', force: true })).toEqual({ action: 'apply', reason: 'forced', replacesApplication: true });
  });

  it('an application prepared without a known answer is sent again with the same key', () => {
    const prepared = record({ application: { ...pending, status: 'prepared', handleId: undefined } });
    expect(planApplication(prepared, { command: 'issue' })).toEqual({ action: 'resume' });
    expect(planApplication(prepared, { command: 'renew' })).toEqual({ action: 'resume' });
  });
});
