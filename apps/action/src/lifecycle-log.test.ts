import { describe, expect, it } from 'vitest';
import type { CertificateRecord, PreflightResult } from '@acmapi/core';
import type { ActionLog } from './lifecycle-log.js';
import { LifecyclePresenter, planReason } from './lifecycle-log.js';

const DAY = 86_400_000;
const notAfter = new Date('2026-04-01T00:00:00.000Z');
const record = (renewal: { due: boolean; reason: 'expired' | 'days' | 'lifetime' | 'not-due'; daysLeft: number }): CertificateRecord => ({
  name: 'www',
  domains: ['www.example.test'],
  keyType: 'ec-p256',
  state: renewal.due ? 'due' : 'valid',
  live: {
    version: 'v1',
    domains: ['www.example.test'],
    keyType: 'rsa-2048',
    fingerprintSha256: 'AA',
    serialNumber: '01',
    issuer: 'CN=CA',
    notBefore: new Date(notAfter.getTime() - 90 * DAY),
    notAfter,
    installedAt: undefined,
    handleId: undefined,
    renewal: { ...renewal, renewAt: new Date(notAfter.getTime() - 30 * DAY), remainingMs: renewal.daysLeft * DAY, jitterMs: 0 },
  },
  application: undefined,
  lastRetired: undefined,
  lastError: undefined,
  dir: '/x',
});

function recording(): ActionLog & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warning: (m, t) => lines.push(`warning [${t ?? ''}] ${m}`),
    error: (m, t) => lines.push(`error [${t ?? ''}] ${m}`),
  };
}

describe('planReason', () => {
  it('says why a certificate is skipped or renewed, with the rule in force', () => {
    expect(planReason({ action: 'skip', reason: 'not-due', renewAt: new Date('2026-03-02T00:00:00.000Z'), daysLeft: 50 }, record({ due: false, reason: 'not-due', daysLeft: 50 }), undefined)).toBe(
      'the existing certificate is valid for 50 more days; renewal is due from 2026-03-02T00:00:00.000Z (less than a third of its lifetime left)',
    );
    expect(planReason({ action: 'apply', reason: 'due', replacesApplication: false }, record({ due: true, reason: 'days', daysLeft: 20 }), 30)).toBe('the existing certificate expires in 20 days (renew-before-days 30)');
    expect(planReason({ action: 'apply', reason: 'expired', replacesApplication: false }, record({ due: true, reason: 'expired', daysLeft: -1 }), 30)).toBe('the existing certificate expired on 2026-04-01T00:00:00.000Z');
    expect(planReason({ action: 'apply', reason: 'key-type-changed', replacesApplication: false }, record({ due: false, reason: 'not-due', daysLeft: 50 }), undefined)).toBe("the key type changed: the existing certificate's key is rsa-2048");
    expect(planReason({ action: 'apply', reason: 'new', replacesApplication: false }, undefined, undefined)).toBeUndefined();
    expect(planReason({ action: 'retrieve', handleId: 'h' }, undefined, undefined)).toBeUndefined();
  });
});

describe('LifecyclePresenter', () => {
  const failing: PreflightResult = {
    ok: false,
    mode: 'strict',
    domains: [
      { domain: 'a.example.test', ok: true, addressSource: 'dns', addresses: [], warnings: ['a.example.test at 192.0.2.1 over https: a CDN answered'] },
      { domain: 'b.example.test', ok: false, addressSource: 'dns', addresses: [], failure: { kind: 'dns-no-such-name', message: 'b.example.test does not exist in DNS.', hint: 'Create the records.' }, warnings: [] },
    ],
  };

  it('annotates each failing domain (error in strict, warning in warn), logs the preflight\'s warnings, and keeps the problems', () => {
    const log = recording();
    const presenter = new LifecyclePresenter({ name: 'www', log, renewBeforeDays: undefined });
    presenter.onEvent({ type: 'preflight-finished', certificate: 'www', result: failing });
    presenter.onEvent({ type: 'preflight-finished', certificate: 'www', result: { ...failing, mode: 'warn' } });
    expect(log.lines).toEqual([
      'info www: preflight: a.example.test at 192.0.2.1 over https: a CDN answered',
      'error [Signfile preflight failed for b.example.test] b.example.test does not exist in DNS. Create the records.',
      'info www: preflight: a.example.test at 192.0.2.1 over https: a CDN answered',
      'warning [Signfile preflight failed for b.example.test] b.example.test does not exist in DNS. Create the records.',
    ]);
    expect(presenter.preflightProblems.map((p) => p.domain)).toEqual(['b.example.test', 'b.example.test']);
  });

  it('tells the plan, the retrieval, the polls and the issue in one line each', () => {
    const log = recording();
    const presenter = new LifecyclePresenter({ name: 'www', log, renewBeforeDays: 30 });
    const due = record({ due: true, reason: 'days', daysLeft: 20 });
    presenter.onEvent({ type: 'planned', certificate: 'www', plan: { action: 'apply', reason: 'due', replacesApplication: false }, record: due });
    presenter.onEvent({ type: 'retrieving', certificate: 'www', handleId: 'h-9' });
    presenter.onEvent({ type: 'pending', certificate: 'www', handleId: 'h-9', waitMs: 0 });
    presenter.onEvent({ type: 'pending', certificate: 'www', handleId: 'h-9', waitMs: 600_000 });
    presenter.onEvent({ type: 'polled', certificate: 'www', handleId: 'h-9', poll: 2, nextPollMs: 10_000 });
    presenter.onEvent({ type: 'endpoint-changed', certificate: 'www', recorded: 'https://a.example/', current: 'https://b.example/', action: 'retrieve' });
    expect(log.lines).toEqual([
      'info www: renewing, the existing certificate expires in 20 days (renew-before-days 30).',
      'info www: resuming the pending application h-9.',
      'info www: pending, handle h-9; polling for up to 600 s.',
      'info www: still pending after poll 2; the next poll is in 10 s.',
      'warning [Endpoint changed] www: the application was made with the endpoint https://a.example/; the endpoint is now https://b.example/, which is asked instead.',
    ]);
  });

  it('finding 4: a certificate installed before its notBefore (the runner\'s clock behind the CA\'s) is a warning annotation', () => {
    const log = recording();
    const presenter = new LifecyclePresenter({ name: 'www', log, renewBeforeDays: undefined });
    presenter.onEvent({ type: 'clock-skew', certificate: 'www', notBefore: new Date('2026-01-01T00:01:30.000Z'), now: new Date('2026-01-01T00:00:00.000Z'), aheadMs: 90_000 });
    expect(log.lines).toEqual([
      'warning [Clock behind the CA] www: valid only from 2026-01-01T00:01:30.000Z, 90 s after the runner\'s clock (2026-01-01T00:00:00.000Z); the runner\'s clock seems to be behind the CA\'s. The certificate was saved.',
    ]);
  });
});
