import { describe, expect, it } from 'vitest';
import { CaError, type LifecycleEvent, type PreflightResult } from '@acmapi/core';
import { logLifecycleEvent } from './lifecycle-log.js';
import type { Logger } from './logger.js';

function recorder(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string | Error) => lines.push(`${level} ${String(message)}`);
  return { log: { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

describe('logLifecycleEvent', () => {
  it('logs a failing preflight per domain as warnings, and says a warn-mode application goes ahead', () => {
    const result: PreflightResult = {
      ok: false,
      mode: 'warn',
      domains: [
        { domain: 'a.example.test', ok: true, addressSource: 'override', addresses: [], warnings: [] },
        { domain: 'b.example.test', ok: false, addressSource: 'override', addresses: [], warnings: [], failure: { kind: 'content-mismatch', message: 'wrong token', hint: '' } },
      ],
    };
    const { log, lines } = recorder();
    logLifecycleEvent(log, { type: 'preflight-finished', certificate: 'site', result });
    expect(lines).toEqual([
      'info site: signfile a.example.test: ok',
      'warn site: signfile b.example.test: failing (content-mismatch): wrong token',
      'warn site: signfile check failed: applying anyway (preflight mode warn)',
    ]);
  });

  it('logs a failure with its code and whether the application was retired', () => {
    const { log, lines } = recorder();
    const error = new CaError(109);
    logLifecycleEvent(log, { type: 'failed', certificate: 'site', error, retired: true });
    expect(lines).toEqual([`warn site: failed, the application is retired: ${error.message} [CA_REFUSED]`]);
  });

  it('writes one line per event, prefixed with the certificate', () => {
    const events: LifecycleEvent[] = [
      { type: 'applying', certificate: 'site', domains: ['a.example.test', 'b.example.test'] },
      { type: 'pending', certificate: 'site', handleId: 'h-1', waitMs: 0 },
      { type: 'polled', certificate: 'site', handleId: 'h-1', poll: 2, nextPollMs: 20_000 },
      { type: 'endpoint-changed', certificate: 'site', recorded: 'https://a.test/', current: 'https://b.test/', action: 'retrieve' },
    ];
    const { log, lines } = recorder();
    for (const event of events) logLifecycleEvent(log, event);
    expect(lines).toEqual([
      'info site: applying for a.example.test, b.example.test',
      'info site: pending at the CA, handle h-1',
      'debug site: h-1 still pending after poll 2; next in 20 s',
      'warn site: the application was made with https://a.test/; the endpoint now is https://b.test/',
    ]);
  });
});
