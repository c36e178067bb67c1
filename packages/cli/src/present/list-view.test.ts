import type { CertificateRecord } from '@acmapi/core';
import { describe, expect, it } from 'vitest';
import { configOnlyEntries, listEntry, listLines } from './list-view.js';

const notAfter = new Date('2030-03-01T00:00:00Z');
const live: CertificateRecord = {
  name: 'shop',
  domains: ['shop.example'],
  keyType: 'ec-p256',
  state: 'valid',
  live: {
    version: 'v1',
    domains: ['shop.example'],
    keyType: 'ec-p256',
    fingerprintSha256: 'AA:BB',
    serialNumber: '01',
    issuer: 'CN=CA',
    notBefore: new Date('2030-01-01T00:00:00Z'),
    notAfter,
    installedAt: undefined,
    handleId: undefined,
    renewal: { due: false, reason: 'not-due', renewAt: new Date('2030-02-01T00:00:00Z'), remainingMs: 1, daysLeft: 42, jitterMs: 0 },
  },
  application: undefined,
  lastRetired: undefined,
  lastError: undefined,
  dir: '/store/shop',
};
const pending: CertificateRecord = {
  ...live,
  name: 'blog',
  state: 'pending',
  live: undefined,
  application: { version: 'v2', status: 'pending', domains: ['blog.example'], keyType: 'ec-p256', preparedAt: new Date(0), handleId: 'handle_1', since: undefined, lastPolledAt: undefined, polls: 2, endpoint: undefined },
  lastError: { code: 'TRANSPORT_TIMEOUT', message: 'slow', at: new Date('2030-01-02T00:00:00Z') },
  domains: ['blog.example'],
};

describe('list --json entries', () => {
  it('has the documented shape: nulls without a live certificate, handleId and lastError only when present', () => {
    expect(listEntry(live)).toEqual({ name: 'shop', domains: ['shop.example'], state: 'valid', daysLeft: 42, notAfter: notAfter.toISOString(), fingerprintSha256: 'AA:BB', renewAt: '2030-02-01T00:00:00.000Z' });
    expect(listEntry(pending)).toEqual({
      name: 'blog',
      domains: ['blog.example'],
      state: 'pending',
      daysLeft: null,
      notAfter: null,
      fingerprintSha256: null,
      renewAt: null,
      handleId: 'handle_1',
      lastError: { code: 'TRANSPORT_TIMEOUT', message: 'slow', at: '2030-01-02T00:00:00.000Z' },
    });
  });

  it('lists certificates of acmapi.json the store lacks as new', () => {
    expect(configOnlyEntries([{ name: 'shop', domains: ['a'] }, { name: 'new-one', domains: ['b'] }], new Set(['shop']))).toEqual([
      { name: 'new-one', domains: ['b'], state: 'new', daysLeft: null, notAfter: null, fingerprintSha256: null, renewAt: null },
    ]);
  });

  it('renders a table with a note for the pending handle and the last error', () => {
    const lines = listLines([listEntry(live), listEntry(pending)]);
    expect(lines[0]).toMatch(/^NAME\s+STATE\s+DAYS LEFT\s+NOT AFTER\s+RENEW AT\s+DOMAINS$/);
    expect(lines[1]).toMatch(/^shop\s+valid\s+42\s+2030-03-01 00:00\s+2030-02-01 00:00\s+shop\.example$/);
    expect(lines.join('\n')).toContain('acmapi retrieve handle_1');
    expect(lines.join('\n')).toContain('TRANSPORT_TIMEOUT');
    expect(listLines([])[0]).toContain('No certificates');
  });

  it('shows the domains of a refused first application (the record has none), from its last retired application', () => {
    const lastRetired: CertificateRecord['lastRetired'] = {
      version: 'v2',
      status: 'refused',
      domains: ['refused.example', 'www.refused.example'],
      keyType: 'ec-p256',
      handleId: undefined,
      retiredAt: new Date(0),
      reason: 'CA_REFUSED: no',
    };
    const refused: CertificateRecord = { ...live, name: 'refused', domains: [], state: 'failed', live: undefined, lastRetired, lastError: { code: 'CA_REFUSED', message: 'no', at: new Date(0) } };
    const entry = listEntry(refused);
    expect(entry.domains).toEqual(['refused.example', 'www.refused.example']);
    expect(listLines([entry])[1]).toMatch(/^refused\s+failed\s+-\s+-\s+-\s+refused\.example, www\.refused\.example$/);
    // A record with domains keeps its own; one without any retired application shows none.
    expect(listEntry({ ...live, lastRetired }).domains).toEqual(['shop.example']);
    expect(listEntry({ ...refused, lastRetired: undefined }).domains).toEqual([]);
  });

  it('names the store of a pending certificate in its retrieve hint when it is not the default', () => {
    expect(listLines([listEntry(pending)], ' --out /srv/store').join('\n')).toContain('acmapi retrieve handle_1 --out /srv/store (or acmapi renew --out /srv/store)');
    expect(listLines([listEntry(pending)]).join('\n')).toContain('acmapi retrieve handle_1 (or acmapi renew)');
  });
});
