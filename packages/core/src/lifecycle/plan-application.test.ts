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

describe('planApplication: renew picks up every state', () => {
  const at = new Date(notBefore.getTime() + 10 * DAY_MS);
  const failing = (nextAttemptAt: Date): NonNullable<CertificateRecord['failures']> => ({ count: 2, firstAt: notBefore, lastAt: at, nextAttemptAt, code: 'CA_DOMAIN_VERIFY_FAILED' });
  const noLive = (extra: Partial<CertificateRecord>): CertificateRecord => ({ ...record(), live: undefined, state: 'failed', ...extra });

  it('a failed first application (refused, 107/102 retired) is applied for again, with reason retry', () => {
    const failed = noLive({ lastError: { code: 'CA_DOMAIN_VERIFY_FAILED', message: 'x', at } });
    expect(planApplication(failed, { command: 'renew', now: at })).toEqual({ action: 'apply', reason: 'retry', replacesApplication: false });
    expect(planApplication(noLive({ state: 'new' }), { command: 'renew', now: at })).toMatchObject({ action: 'apply', reason: 'new' });
  });

  it('a failing certificate inside its backoff window is skipped by renew, saying until when; after it, it is tried', () => {
    const later = new Date(at.getTime() + 3_600_000);
    const failed = noLive({ lastError: { code: 'CA_DOMAIN_VERIFY_FAILED', message: 'x', at }, failures: failing(later) });
    expect(planApplication(failed, { command: 'renew', now: at })).toEqual({ action: 'skip', reason: 'backoff', nextAttemptAt: later, failures: 2, code: 'CA_DOMAIN_VERIFY_FAILED' });
    expect(planApplication(failed, { command: 'renew', now: later })).toMatchObject({ action: 'apply', reason: 'retry' });
    // A pending application that failed to be polled waits too; a due live certificate too.
    expect(planApplication({ ...record({ application: pending }), failures: failing(later) }, { command: 'renew', now: at })).toMatchObject({ reason: 'backoff' });
    expect(planApplication({ ...record({ days: 61 }), failures: failing(later) }, { command: 'renew', now: at })).toMatchObject({ reason: 'backoff' });
  });

  it('issue and --force ignore the backoff', () => {
    const later = new Date(at.getTime() + 3_600_000);
    const failed = noLive({ lastError: { code: 'X', message: 'x', at }, failures: failing(later) });
    expect(planApplication(failed, { command: 'issue', now: at })).toMatchObject({ action: 'apply', reason: 'retry' });
    expect(planApplication(failed, { command: 'renew', now: at, force: true })).toMatchObject({ action: 'apply' });
  });

  it('ignoreBackoff (a person asking: --retry-now) tries now and, unlike force, keeps a pending application', () => {
    const later = new Date(at.getTime() + 3_600_000);
    const waiting = { ...record({ application: pending }), failures: failing(later) };
    expect(planApplication(waiting, { command: 'renew', now: at, ignoreBackoff: true })).toEqual({ action: 'retrieve', handleId: 'H7' });
    expect(planApplication(waiting, { command: 'renew', now: at, force: true })).toMatchObject({ action: 'apply', reason: 'forced', replacesApplication: true });
  });

  it('an interrupted (prepared) application is resent and a pending one retrieved by renew', () => {
    expect(planApplication(noLive({ application: { ...pending, status: 'prepared', handleId: undefined } }), { command: 'renew', now: at })).toEqual({ action: 'resume' });
    expect(planApplication(noLive({ application: pending }), { command: 'renew', now: at })).toEqual({ action: 'retrieve', handleId: 'H7' });
  });
});
