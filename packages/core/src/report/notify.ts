/**
 * The notification: one JSON POST to a URL the operator chose (a Slack or Mattermost
 * incoming webhook, a chat bridge, an alerting gateway) when a certificate failed or is
 * about to expire without a renewal. `notificationPayload` is pure; `sendNotification`
 * sends it over undici, with a time limit per attempt and retries.
 *
 * The payload is built from the fields of {@link Notification} only, one by one: nothing
 * else a caller's object may carry (an auth token, a key) can reach the receiver.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { EnvHttpProxyAgent } from 'undici';
import type { Dispatcher } from 'undici';
import { OptionsError, ReportError } from '../errors/errors.js';
import { computeRetryDelay } from '../client/retry.js';

/** What a notification is about. */
export type NotificationKind = 'failure' | 'expiry-warning';

/** The kinds of {@link NotificationKind}. */
export const NOTIFICATION_KINDS: readonly NotificationKind[] = ['failure', 'expiry-warning'];

/**
 * One notification: a renewal failed (`failure`), or a certificate is within its warning
 * period and was not renewed (`expiry-warning`). Every field is sent (see
 * {@link notificationPayload}); none may hold a secret.
 */
export interface Notification {
  kind: NotificationKind;
  /** The certificate's store name. */
  certificate: string;
  /** Its domains. */
  domains: string[];
  /** The live certificate's notAfter, ISO 8601, when there is one. */
  notAfter?: string | undefined;
  /** What failed: the error's stable `code` and its `message`. */
  error?: { code: string; message: string } | undefined;
  /** One line or a few for people, plain text (not Markdown); shown by Slack-compatible receivers. */
  text: string;
}

/** The JSON body of a notification, exactly. */
export interface NotificationPayload {
  /** {@link Notification.text}, with `&`, `<` and `>` escaped as Slack requires (`&amp;`, `&lt;`, `&gt;`). */
  text: string;
  kind: NotificationKind;
  certificate: string;
  domains: string[];
  notAfter?: string;
  error?: { code: string; message: string };
}

/** Options of {@link sendNotification}; every field optional, defaults in {@link NOTIFY_DEFAULTS}. */
export interface SendNotificationOptions {
  /**
   * How many times to send again after a failed attempt (network error, time limit, 408,
   * 429 or 5xx); a whole number ≥ 0.
   * @default 3
   */
  retries?: number | undefined;
  /** Time limit of one attempt (connect, send, answer), milliseconds, > 0. @default 10_000 */
  timeoutMs?: number | undefined;
  /**
   * Delay before the first retry, milliseconds; doubled for each further one, with jitter
   * (as for calls to the CA). A `Retry-After` from the receiver replaces it.
   * @default 1_000
   */
  minRetryDelayMs?: number | undefined;
  /** No delay between attempts is longer, `Retry-After` included, milliseconds. @default 30_000 */
  maxRetryDelayMs?: number | undefined;
  /** Stops sending (and waiting) at once: `NOTIFY_ABORTED`. */
  signal?: AbortSignal | undefined;
  /**
   * The undici transport. The default is an `EnvHttpProxyAgent` made for this call (it
   * honours the usual proxy environment variables) and closed after it.
   */
  dispatcher?: Dispatcher | undefined;
}

/** The defaults of {@link SendNotificationOptions}. */
export const NOTIFY_DEFAULTS = {
  retries: 3,
  timeoutMs: 10_000,
  minRetryDelayMs: 1_000,
  maxRetryDelayMs: 30_000,
} as const;

/** The most of an answer's body read (and thrown away) before the connection is given up. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** Escapes the three characters Slack's `text` treats as markup (`<!channel>`, `<url|label>`, entities). */
function escapeSlackText(text: string): string {
  return text.replace(/[&<>]/g, (char) => (char === '&' ? '&amp;' : char === '<' ? '&lt;' : '&gt;'));
}

/** Checks the fields as values, not types: a caller in JavaScript may pass anything. */
function checkNotification(notification: Notification): void {
  const { kind, certificate, domains, notAfter, error, text } = notification as { [K in keyof Notification]?: unknown };
  const bad = (field: string): OptionsError => new OptionsError(`The notification's ${field} is missing or of the wrong type.`, { option: field });
  if (!NOTIFICATION_KINDS.some((known) => known === kind)) throw bad('kind');
  if (typeof certificate !== 'string') throw bad('certificate');
  if (!Array.isArray(domains) || !domains.every((d) => typeof d === 'string')) throw bad('domains');
  if (notAfter !== undefined && typeof notAfter !== 'string') throw bad('notAfter');
  if (error !== undefined) {
    const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown };
    if (typeof code !== 'string' || typeof message !== 'string') throw bad('error');
  }
  if (typeof text !== 'string') throw bad('text');
}

/**
 * The JSON body sent for `notification`: `text` first (Slack, Mattermost and most chat
 * webhooks show it), then the structured fields for other receivers, each copied by
 * name, so the body holds exactly these fields whatever else the object carries.
 *
 * @throws {OptionsError} `OPTIONS_INVALID` when a field is missing or of the wrong type (`option` names it).
 */
export function notificationPayload(notification: Notification): NotificationPayload {
  checkNotification(notification);
  const { kind, certificate, domains, notAfter, error, text } = notification;
  return {
    text: escapeSlackText(text),
    kind,
    certificate,
    domains: [...domains],
    ...(notAfter === undefined ? {} : { notAfter }),
    ...(error === undefined ? {} : { error: { code: error.code, message: error.message } }),
  };
}

interface ResolvedOptions {
  readonly retries: number;
  readonly timeoutMs: number;
  readonly minRetryDelayMs: number;
  readonly maxRetryDelayMs: number;
}

function resolveOptions(options: SendNotificationOptions): ResolvedOptions {
  const pick = (name: keyof ResolvedOptions, ok: (n: number) => boolean, rule: string): number => {
    const value = options[name] ?? NOTIFY_DEFAULTS[name];
    if (typeof value !== 'number' || !ok(value)) throw new OptionsError(`Option ${name} must be ${rule}.`, { option: name });
    return value;
  };
  const resolved = {
    retries: pick('retries', (n) => Number.isSafeInteger(n) && n >= 0, 'a whole number ≥ 0'),
    timeoutMs: pick('timeoutMs', (n) => Number.isFinite(n) && n > 0, 'a number of milliseconds > 0'),
    minRetryDelayMs: pick('minRetryDelayMs', (n) => Number.isFinite(n) && n >= 0, 'a number of milliseconds ≥ 0'),
    maxRetryDelayMs: pick('maxRetryDelayMs', (n) => Number.isFinite(n) && n >= 0, 'a number of milliseconds ≥ 0'),
  };
  if (resolved.maxRetryDelayMs < resolved.minRetryDelayMs) {
    throw new OptionsError('Option maxRetryDelayMs must not be less than minRetryDelayMs.', { option: 'maxRetryDelayMs' });
  }
  return resolved;
}

/** The target without its credentials, and those credentials as a Basic `authorization` header (RFC 7617). */
function parseTarget(url: string): { target: URL; authorization: string | undefined } {
  let target: URL;
  try {
    target = new URL(url);
  } catch (cause) {
    // The URL itself is not repeated: a webhook URL is a secret.
    throw new OptionsError('The notification URL is not a valid URL.', { option: 'url', cause });
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new OptionsError(`The notification URL must be http or https, not ${target.protocol.replace(/:$/, '')}.`, { option: 'url' });
  }
  let authorization: string | undefined;
  if (target.username !== '' || target.password !== '') {
    const user = decodeURIComponent(target.username);
    const password = decodeURIComponent(target.password);
    authorization = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  return { target, authorization };
}

/** How one attempt ended, when it did not succeed. */
type AttemptFailure =
  | { readonly kind: 'status'; readonly statusCode: number; readonly retryAfter: string | undefined }
  | { readonly kind: 'timeout'; readonly cause: unknown }
  | { readonly kind: 'network'; readonly cause: unknown };

/** Undici's own time limits (connect, headers, body): the same as ours, reported by it first. */
const UNDICI_TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function undiciCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') return code;
    current = cause;
  }
  return undefined;
}

/** Statuses worth sending again: the receiver may take the same notification later. */
function isRetryableStatus(statusCode: number): boolean {
  return statusCode === 408 || statusCode === 429 || (statusCode >= 500 && statusCode <= 599);
}

/**
 * Sends `notification` to `url` as one JSON POST (`Content-Type: application/json;
 * charset=utf-8`, body {@link notificationPayload}); Slack's and Mattermost's incoming
 * webhooks read its `text`. Any 2xx answer is success; its body is read (up to 64 KiB)
 * and thrown away, never shown. Redirects are not followed.
 *
 * Attempts: one, then up to `retries` more after a network error, a time limit, 408, 429
 * or 5xx, waiting as for calls to the CA (exponential from `minRetryDelayMs` with jitter,
 * or the receiver's `Retry-After`, never more than `maxRetryDelayMs`). So the call takes at
 * most `(retries + 1) × timeoutMs` plus the waits. Another answer (3xx, 4xx) is not retried.
 * Credentials in the URL (`https://user:password@host/…`) are sent as Basic authorization,
 * not in the request line. The URL's path and query, often the webhook's secret, appear in
 * no error: errors name the origin only.
 *
 * @param url - the receiver, http or https.
 * @param notification - what to send; only its own fields are sent.
 * @param options - retries, time limit, delays, signal, transport.
 * @throws {OptionsError} `OPTIONS_INVALID` for a bad URL, option or notification, before anything is sent.
 * @throws {ReportError} `NOTIFY_REJECTED` (an answer retrying cannot change; `statusCode`),
 *   `NOTIFY_FAILED` (the last attempt met 408/429/5xx, with `statusCode`, or a network error),
 *   `NOTIFY_TIMEOUT` (the last attempt passed `timeoutMs`), `NOTIFY_ABORTED` (the caller's
 *   `signal`); each with `endpoint` (the origin) and `attempts`.
 */
export async function sendNotification(url: string, notification: Notification, options: SendNotificationOptions = {}): Promise<void> {
  const resolved = resolveOptions(options);
  const { target, authorization } = parseTarget(url);
  const body = JSON.stringify(notificationPayload(notification));
  const endpoint = target.origin;
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher =
    options.dispatcher ?? new EnvHttpProxyAgent({ connect: { timeout: resolved.timeoutMs }, headersTimeout: resolved.timeoutMs, bodyTimeout: resolved.timeoutMs });
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'acmapi',
    ...(authorization === undefined ? {} : { authorization }),
  };
  const aborted = (attempts: number, cause?: unknown): ReportError =>
    new ReportError('NOTIFY_ABORTED', `Sending the notification to ${endpoint} was aborted by the caller.`, { cause, endpoint, attempts });

  /** One POST: `undefined` on success, else how it failed. */
  const attempt = async (): Promise<AttemptFailure | undefined> => {
    const timeout = AbortSignal.timeout(resolved.timeoutMs);
    const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
    try {
      // Through the dispatcher's own request(), as the client does: the CLI's bundle carries undici's dispatchers, not its root module.
      const answer = await dispatcher.request({
        origin: target.origin,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        headers,
        body,
        signal,
        headersTimeout: resolved.timeoutMs,
        bodyTimeout: resolved.timeoutMs,
      });
      await answer.body.dump({ limit: MAX_ANSWER_BYTES, signal });
      if (answer.statusCode >= 200 && answer.statusCode <= 299) return undefined;
      const retryAfter = answer.headers['retry-after'];
      return { kind: 'status', statusCode: answer.statusCode, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter };
    } catch (error) {
      if (options.signal?.aborted === true) throw error;
      const code = undiciCode(error);
      const timedOut = timeout.aborted || (code !== undefined && UNDICI_TIMEOUTS.has(code));
      return timedOut ? { kind: 'timeout', cause: error } : { kind: 'network', cause: error };
    }
  };

  let attempts = 0;
  try {
    for (;;) {
      if (options.signal?.aborted === true) throw aborted(attempts, options.signal.reason);
      attempts += 1;
      let failure: AttemptFailure | undefined;
      try {
        failure = await attempt();
      } catch (error) {
        throw aborted(attempts, error);
      }
      if (failure === undefined) return;
      if (failure.kind === 'status' && !isRetryableStatus(failure.statusCode)) {
        throw new ReportError('NOTIFY_REJECTED', `The notification receiver at ${endpoint} answered ${failure.statusCode}.`, {
          endpoint,
          attempts,
          statusCode: failure.statusCode,
          hint: 'Check the notification URL (its path and any token in it) and what the receiver expects; sending it again unchanged will not help.',
        });
      }
      if (attempts > resolved.retries) throw gaveUp(failure, endpoint, attempts, resolved.timeoutMs);
      const retryAfter = failure.kind === 'status' ? failure.retryAfter : undefined;
      const delayMs = computeRetryDelay(attempts, retryAfter, Date.now(), resolved);
      try {
        await sleep(delayMs, undefined, options.signal === undefined ? {} : { signal: options.signal });
      } catch (error) {
        throw aborted(attempts, error);
      }
    }
  } finally {
    if (ownsDispatcher) await dispatcher.destroy();
  }
}

/** The error after the last attempt failed in a way that retrying could have helped. */
function gaveUp(failure: AttemptFailure, endpoint: string, attempts: number, timeoutMs: number): ReportError {
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  const hint = 'Check that the receiver is up and reachable from this machine (and through any proxy).';
  switch (failure.kind) {
    case 'status':
      return new ReportError('NOTIFY_FAILED', `The notification receiver at ${endpoint} answered ${failure.statusCode} (${tries}).`, {
        endpoint,
        attempts,
        statusCode: failure.statusCode,
        hint,
        retryable: true,
      });
    case 'timeout':
      return new ReportError('NOTIFY_TIMEOUT', `The notification receiver at ${endpoint} did not answer within ${timeoutMs} ms (${tries}).`, {
        cause: failure.cause,
        endpoint,
        attempts,
        hint,
        retryable: true,
      });
    case 'network': {
      const code = undiciCode(failure.cause);
      return new ReportError('NOTIFY_FAILED', `The notification could not be sent to ${endpoint} (${code ?? 'network error'}; ${tries}).`, {
        cause: failure.cause,
        endpoint,
        attempts,
        hint,
        retryable: true,
      });
    }
  }
}
