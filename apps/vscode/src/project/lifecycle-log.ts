/**
 * Core's lifecycle events (`LifecycleEvent` of `runCertificate`) in the extension's log, one
 * line each, prefixed with the certificate's name. The log is English, like VS Code's own
 * output channels; notifications are localized by the edge. Events carry no secrets (no auth
 * token, no private key), so every field may be written.
 */
import { displayText } from '@acmapi/core/text';
import { isAcmApiError, type LifecycleEvent } from '@acmapi/core';
import type { Logger } from './logger.js';

/** Writes `event` to `log`: problems as warnings, progress as info, chatter as debug. */
export function logLifecycleEvent(log: Logger, event: LifecycleEvent): void {
  const say = (level: 'debug' | 'info' | 'warn', message: string): void => {
    // The message quotes the CA (handles, other_msg): shown through core's one escaping.
    log[level](displayText(`${event.certificate}: ${message}`, { maxLength: 1000 }));
  };
  switch (event.type) {
    case 'planned': {
      const { plan } = event;
      say('info', `plan ${plan.action}${'reason' in plan ? ` (${plan.reason})` : ''}`);
      return;
    }
    case 'signfile-deployed':
      say('info', `signfile ${event.previous === 'same' ? 'already in place at' : 'written to'} ${event.path}${event.webConfigPath === undefined ? '' : ` (and ${event.webConfigPath})`}${event.previous === 'different' ? '; the file it replaced is put back afterwards' : ''}`);
      return;
    case 'signfile-served':
      say('info', `serving the signfile on port ${event.port}`);
      return;
    case 'preflight-finished': {
      const { result } = event;
      for (const domain of result.domains) {
        if (domain.ok) say('info', `signfile ${domain.domain}: ok`);
        else say('warn', `signfile ${domain.domain}: failing (${domain.failure?.kind ?? 'unknown'}): ${domain.failure?.message ?? ''}`);
      }
      if (!result.ok) say('warn', result.mode === 'strict' ? 'signfile check failed: nothing is sent (preflight mode strict)' : 'signfile check failed: applying anyway (preflight mode warn)');
      return;
    }
    case 'preflight-skipped':
      say('warn', 'no signfile to check, so the preflight did not run');
      return;
    case 'signfile-removed':
      say('debug', 'signfile removed');
      return;
    case 'key-generating':
      say('info', `generating a ${event.keyType} private key and a CSR`);
      return;
    case 'application-resending':
      say('info', `sending the prepared application for ${event.domains.join(', ')} again with its saved key and CSR`);
      return;
    case 'endpoint-changed':
      say('warn', `the application was made with ${event.recorded}; the endpoint now is ${event.current}`);
      return;
    case 'applying':
      say('info', `applying for ${event.domains.join(', ')}`);
      return;
    case 'retrieving':
      say('info', `asking the CA for pending application ${event.handleId}`);
      return;
    case 'pending':
      say('info', `pending at the CA, handle ${event.handleId}`);
      return;
    case 'polled':
      say('debug', `${event.handleId} still pending after poll ${event.poll}; next in ${Math.round(event.nextPollMs / 1000)} s`);
      return;
    case 'issued':
      say('info', `issued, valid until ${event.leaf.notAfter.toISOString()} (version ${event.version})`);
      if (event.chainMissing) say('warn', `the CA sent no chain and it could not be completed: ${event.chainWarnings.join('; ') || 'no reason given'}`);
      return;
    case 'clock-skew':
      say('warn', `valid only from ${event.notBefore.toISOString()}, ${Math.ceil(event.aheadMs / 1000)} s after this machine's clock: the clock seems to be behind the CA's; the certificate was installed`);
      return;
    case 'pkcs12-exported':
      say('info', `PKCS#12 file written to ${event.path}`);
      return;
    case 'failed':
      say('warn', `failed${event.retired ? ', the application is retired' : ''}: ${describeCause(event.error)}`);
      return;
  }
}

function describeCause(error: unknown): string {
  if (isAcmApiError(error)) return `${error.message} [${error.code}]`;
  return error instanceof Error ? error.message : String(error);
}
