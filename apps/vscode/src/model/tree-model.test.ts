import { describe, expect, it } from 'vitest';
import { needsRenewal, type CertificateRecord } from '@acmapi/core';
import { formatMessage } from '../l10n/localize.js';
import type { SignfileStatus } from './signfile-status.js';
import { buildTreeModel, countPending } from './tree-model.js';

const NOW = new Date('2030-01-10T00:00:00Z');
const DAY = 86_400_000;

function liveRecord(name: string, domains: string[], notBefore: Date, notAfter: Date): CertificateRecord {
  return {
    name,
    domains,
    keyType: 'ec-p256',
    state: 'valid',
    live: {
      version: 'v1',
      domains,
      keyType: 'ec-p256',
      fingerprintSha256: 'AA:BB',
      serialNumber: '01',
      issuer: 'CN=Test CA',
      notBefore,
      notAfter,
      installedAt: notBefore,
      handleId: undefined,
      renewal: needsRenewal({ notBefore, notAfter }, { now: NOW }),
    },
    application: undefined,
    lastRetired: undefined,
    lastError: undefined,
    dir: `/store/${name}`,
  };
}

function pendingRecord(name: string, domains: string[], handleId: string): CertificateRecord {
  return {
    name,
    domains,
    keyType: 'ec-p256',
    state: 'pending',
    live: undefined,
    application: {
      version: 'v2',
      status: 'pending',
      domains,
      keyType: 'ec-p256',
      preparedAt: NOW,
      handleId,
      since: new Date('2030-01-09T00:00:00Z'),
      lastPolledAt: undefined,
      polls: 3,
      endpoint: undefined,
    },
    lastRetired: undefined,
    lastError: undefined,
    dir: `/store/${name}`,
  };
}

const build = (records: CertificateRecord[], signfile = new Map<string, SignfileStatus>()) =>
  buildTreeModel({
    certificates: [
      { name: 'site', domains: ['example.test', 'www.example.test'] },
      { name: 'slow', domains: ['pending.example.test'] },
      { name: 'fresh', domains: ['new.example.test'] },
    ],
    records,
    signfile,
    now: NOW,
    t: formatMessage,
  });

describe('buildTreeModel', () => {
  it('lists the certificates of acmapi.json in file order, with their domains as children', () => {
    const nodes = build([]);
    expect(nodes.map((node) => node.label)).toEqual(['site', 'slow', 'fresh']);
    expect(nodes[0]?.children.map((child) => child.label)).toEqual(['example.test', 'www.example.test']);
    expect(nodes[0]?.children.every((child) => child.kind === 'domain' && child.certificateName === 'site')).toBe(true);
  });

  it('shows days left for a live certificate, counted from now, and a warning icon once renewal is due', () => {
    const valid = liveRecord('site', ['example.test', 'www.example.test'], new Date(NOW.getTime() - 10 * DAY), new Date(NOW.getTime() + 80 * DAY));
    const due = liveRecord('fresh', ['new.example.test'], new Date(NOW.getTime() - 85 * DAY), new Date(NOW.getTime() + 5 * DAY));
    const [site, , fresh] = build([valid, due]);
    expect(site?.description).toBe('80 days left');
    expect(site?.icon.id).toBe('verified-filled');
    expect(site?.tooltip).toContain('Expires 2030-03-31 (80 days left)');
    expect(site?.contextValue).toBe('acmapi.certificate.valid');
    expect(fresh?.description).toBe('5 days left, renewal due');
    expect(fresh?.icon.id).toBe('warning');
  });

  it('shows an expired certificate as an error', () => {
    const expired = liveRecord('site', ['example.test'], new Date(NOW.getTime() - 100 * DAY), new Date(NOW.getTime() - 2 * DAY));
    const [site] = build([{ ...expired, state: 'expired' }]);
    expect(site?.description).toBe('expired 2030-01-08');
    expect(site?.icon.id).toBe('error');
    expect(site?.contextValue).toBe('acmapi.certificate.expired');
  });

  it('shows a pending application with its handle as the first child', () => {
    const [, slow] = build([pendingRecord('slow', ['pending.example.test'], 'H-42')]);
    expect(slow?.description).toBe('pending at the CA');
    expect(slow?.contextValue).toBe('acmapi.certificate.pending');
    const pending = slow?.children[0];
    expect(pending?.kind).toBe('pending');
    expect(pending?.handleId).toBe('H-42');
    expect(pending?.label).toBe('Pending: H-42');
    expect(pending?.description).toBe('since 2030-01-09, asked 3 times');
    expect(slow?.children[1]?.label).toBe('pending.example.test');
  });

  it('shows when the tracker asks for a pending application next, and the poll interval with its settings', () => {
    const next = new Date(NOW.getTime() + 4 * 60_000);
    const [node] = buildTreeModel({
      certificates: [{ name: 'slow', domains: ['pending.example.test'] }],
      records: [pendingRecord('slow', ['pending.example.test'], 'H-42')],
      signfile: new Map(),
      now: NOW,
      t: formatMessage,
      schedule: [{ item: { certificateName: 'slow', handleId: 'H-42' }, nextCheckAt: next, intervalMinutes: 4 }],
    });
    const child = node?.children[0];
    const hhmm = `${String(next.getHours()).padStart(2, '0')}:${String(next.getMinutes()).padStart(2, '0')}`;
    expect(child?.description).toBe(`since 2030-01-09, asked 3 times; next check ${hhmm}`);
    expect(child?.tooltip).toContain('Poll interval now: 4 min (settings acmapi.pending.firstPoll and acmapi.pending.maxPollInterval).');
  });

  it('puts each domain\'s signfile status in its icon and description, and the reason in its tooltip', () => {
    const signfile = new Map<string, SignfileStatus>([
      ['example.test', { state: 'ok', warnings: [] }],
      [
        'www.example.test',
        { state: 'failed', kind: 'http-status', message: 'http://www.example.test/.well-known/pki-validation/signfile answered 404 on 127.0.0.1.', hint: 'Put the signfile in the webroot.' },
      ],
    ]);
    const [site, , fresh] = build([], signfile);
    const [ok, failed] = site?.children ?? [];
    expect(ok?.description).toBe('signfile OK');
    expect(ok?.icon.id).toBe('pass-filled');
    expect(ok?.contextValue).toBe('acmapi.domain.ok');
    expect(failed?.description).toBe('signfile failing: the web server answered with an error');
    expect(failed?.tooltip).toContain('(http-status)');
    expect(failed?.icon.id).toBe('error');
    expect(failed?.tooltip).toBe('http://www.example.test/.well-known/pki-validation/signfile answered 404 on 127.0.0.1.\nPut the signfile in the webroot.\n(http-status)');
    expect(fresh?.children[0]?.description).toBe('signfile not checked');
    expect(fresh?.children[0]?.icon.id).toBe('question');
  });

  it('lists certificates found only in the store after those of acmapi.json, marked as such', () => {
    const other = liveRecord('zz-other', ['other.example.test'], new Date(NOW.getTime() - DAY), new Date(NOW.getTime() + 89 * DAY));
    const extra = liveRecord('aa-extra', ['extra.example.test'], new Date(NOW.getTime() - DAY), new Date(NOW.getTime() + 89 * DAY));
    const nodes = build([other, extra]);
    expect(nodes.map((node) => node.label)).toEqual(['site', 'slow', 'fresh', 'aa-extra', 'zz-other']);
    expect(nodes[3]?.contextValue).toBe('acmapi.certificate.valid.storeOnly');
    expect(nodes[3]?.tooltip).toContain('not listed in acmapi.json');
    expect(nodes[3]?.children.map((child) => child.label)).toEqual(['extra.example.test']);
  });

  it('shows the last error of a certificate that never was issued', () => {
    const failed: CertificateRecord = {
      ...pendingRecord('fresh', ['new.example.test'], 'x'),
      state: 'failed',
      application: undefined,
      lastError: { code: 'CA_DOMAIN_VERIFY_FAILED', message: 'The CA answered 107.', at: NOW },
    };
    const [, , fresh] = build([failed]);
    expect(fresh?.description).toBe('failed: the CA could not fetch the signfile');
    expect(fresh?.tooltip).toContain('Last error: CA_DOMAIN_VERIFY_FAILED The CA answered 107.');
  });

  it('says when Renew tries a failing certificate again (core\'s backoff), and what it remembers, in the tooltip', () => {
    const failing: CertificateRecord = {
      ...pendingRecord('fresh', ['new.example.test'], 'x'),
      state: 'failed',
      application: undefined,
      lastError: { code: 'CA_DOMAIN_VERIFY_FAILED', message: 'The CA answered 107.', at: NOW },
      failures: { count: 2, firstAt: new Date('2030-01-09T18:00:00Z'), lastAt: NOW, nextAttemptAt: new Date('2030-01-10T06:00:00Z'), code: 'CA_DOMAIN_VERIFY_FAILED' },
      lastAttempt: { at: NOW, result: 'failed', code: 'CA_DOMAIN_VERIFY_FAILED' },
      settings: { domains: ['new.example.test'], signfile: { path: '/etc/acmapi/signfile', placement: { kind: 'webroot', dir: '/var/www/html', iis: false } } },
    };
    const [, , fresh] = build([failing]);
    expect(fresh?.description).toBe('failed: the CA could not fetch the signfile, next attempt 2030-01-10 06:00 UTC');
    const tooltip = fresh?.tooltip.split('\n') ?? [];
    expect(tooltip).toContain('Failed 2 time(s) in a row since 2030-01-09 18:00 UTC; last error CA_DOMAIN_VERIFY_FAILED');
    expect(tooltip).toContain('Next attempt: Renew tries again from 2030-01-10 06:00 UTC (Renew anyway to try now)');
    expect(tooltip).toContain('  Placement: written into the webroot /var/www/html');
  });

  it('shows the renewal time chosen for a live certificate, and says when it remembers nothing yet', () => {
    const live = liveRecord('site', ['example.test'], new Date(NOW.getTime() - 10 * DAY), new Date(NOW.getTime() + 80 * DAY));
    const [site] = build([{ ...live, renewalAt: new Date('2030-02-20T13:37:00Z') }]);
    const tooltip = site?.tooltip.split('\n') ?? [];
    expect(tooltip).toContain('Renewal time: 2030-02-20 13:37 UTC (chosen once for this certificate)');
    expect(tooltip).toContain('Remembered settings: none yet (the next Apply or Renew records them)');
  });

  it('localises through the function it is given', () => {
    const upper = (message: string, ...args: (string | number)[]) => formatMessage(message, ...args).toUpperCase();
    const [site] = buildTreeModel({ certificates: [{ name: 'site', domains: ['example.test'] }], records: [], signfile: new Map(), now: NOW, t: upper });
    expect(site?.description).toBe('NOT ISSUED');
  });
});

describe('countPending', () => {
  it('counts the records with a pending application that has a handle', () => {
    expect(countPending([pendingRecord('a', ['a.test'], 'h1'), pendingRecord('b', ['b.test'], 'h2'), liveRecord('c', ['c.test'], NOW, new Date(NOW.getTime() + DAY))])).toBe(2);
  });
});
