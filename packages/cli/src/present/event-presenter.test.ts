import type { LifecycleEvent, PreflightResult } from '@acmapi/core';
import { describe, expect, it } from 'vitest';
import { EventPresenter, PREFLIGHT_SKIPPED_NOTE } from './event-presenter.js';
import { Output } from './output.js';

/** An Output writing into strings (no terminal: no spinner). */
function capture(): { output: Output; stderr: () => string } {
  let err = '';
  const stream = (sink: (text: string) => void): NodeJS.WriteStream => ({ isTTY: false, write: (chunk: string) => (sink(chunk), true) }) as unknown as NodeJS.WriteStream;
  const output = new Output({ json: false, stdout: stream(() => undefined), stderr: stream((text) => (err += text)), env: {} });
  return { output, stderr: () => err };
}

const failing: PreflightResult = { ok: false, mode: 'warn', domains: [{ domain: 'a.example', ok: false, addressSource: 'override', addresses: [], warnings: [] }] } as unknown as PreflightResult;

describe('EventPresenter', () => {
  it('says where the signfile went, and keeps the preflight for the --json result', () => {
    const { output, stderr } = capture();
    const presenter = new EventPresenter(output);
    const events: LifecycleEvent[] = [
      { type: 'signfile-deployed', certificate: 'a', path: '/srv/www/.well-known/pki-validation/signfile', webConfigPath: undefined, previous: undefined },
      { type: 'signfile-served', certificate: 'a', port: 8080 },
      { type: 'preflight-finished', certificate: 'a', result: failing },
    ];
    for (const event of events) presenter.onEvent(event);
    expect(stderr()).toContain('Signfile written to /srv/www/.well-known/pki-validation/signfile; it is removed after the application.');
    expect(stderr()).toContain('Serving the signfile on port 8080 (--standalone)');
    expect(stderr()).toContain('The signfile preflight failed:\nFAIL a.example');
    expect(stderr()).toContain('Applying anyway (--preflight warn)');
    expect(presenter.preflight).toBe(failing);
    expect(presenter.preflightNote).toBeUndefined();
  });

  it('says that a signfile already in the webroot stays, or is put back, instead of "removed"', () => {
    const { output, stderr } = capture();
    const presenter = new EventPresenter(output);
    const path = '/srv/www/.well-known/pki-validation/signfile';
    presenter.onEvent({ type: 'signfile-deployed', certificate: 'a', path, webConfigPath: undefined, previous: 'same' });
    presenter.onEvent({ type: 'signfile-deployed', certificate: 'b', path, webConfigPath: undefined, previous: 'different' });
    expect(stderr()).toContain(`The signfile at ${path} already holds this content; it is used as it is and stays.`);
    expect(stderr()).toContain(`Signfile written to ${path} in place of the file there; that file is put back after the application.`);
    expect(stderr()).not.toContain('it is removed after the application');
  });

  it('finding 4: a certificate installed before its notBefore says the clock seems behind the CA\'s', () => {
    const { output, stderr } = capture();
    new EventPresenter(output).onEvent({ type: 'clock-skew', certificate: 'a', notBefore: new Date('2026-01-01T00:01:30.000Z'), now: new Date('2026-01-01T00:00:00.000Z'), aheadMs: 90_000 });
    expect(stderr()).toContain('Warning: certificate "a" is valid only from 2026-01-01T00:01:30.000Z, 90 s after this machine\'s clock (2026-01-01T00:00:00.000Z): this clock seems to be behind the CA\'s. It was installed; check the clock (NTP).');
  });

  it('a strict preflight that fails is reported without "applying anyway"; a skipped one becomes the note', () => {
    const { output, stderr } = capture();
    const presenter = new EventPresenter(output);
    presenter.onEvent({ type: 'preflight-finished', certificate: 'a', result: { ...failing, mode: 'strict' } });
    presenter.onEvent({ type: 'preflight-skipped', certificate: 'a', reason: 'no-signfile' });
    expect(stderr()).toContain('The signfile preflight failed:');
    expect(stderr()).not.toContain('Applying anyway');
    expect(presenter.preflightNote).toBe(PREFLIGHT_SKIPPED_NOTE);
  });

  it('says it waits only when a pending answer is waited for', () => {
    const { output, stderr } = capture();
    const presenter = new EventPresenter(output);
    presenter.onEvent({ type: 'pending', certificate: 'a', handleId: 'h1', waitMs: 0 });
    expect(stderr()).not.toContain('waiting up to');
    presenter.onEvent({ type: 'pending', certificate: 'a', handleId: 'h1', waitMs: 120_000 });
    expect(stderr()).toContain('The application is pending at the CA (handle h1); waiting up to 120 s.');
  });

  it('warns when an interrupted application is sent again, and when the endpoint changed', () => {
    const { output, stderr } = capture();
    const presenter = new EventPresenter(output);
    presenter.onEvent({ type: 'application-resending', certificate: 'shop', domains: ['shop.example'] });
    presenter.onEvent({ type: 'endpoint-changed', certificate: 'shop', recorded: 'https://old.example/', current: 'https://new.example/', action: 'retrieve' });
    expect(stderr()).toContain('Certificate "shop": an application was prepared by an earlier run');
    expect(stderr()).toContain('this application was sent to https://old.example/, but the endpoint now is https://new.example/');
  });
});
