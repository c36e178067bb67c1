/**
 * sendNotification against a real HTTP receiver on loopback (node:http, port 0): what
 * arrives, how failures are retried, and how it gives up.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isOptionsError, isReportError, type ReportError } from '../errors/errors.js';
import { notificationPayload, sendNotification, type Notification, type SendNotificationOptions } from './notify.js';

/** One request as the receiver saw it. */
interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** How the receiver answers request number `n` (from 0); `'hang'` never answers. */
type Answer = ((n: number, response: ServerResponse) => void) | 'hang';

interface Receiver {
  url: string;
  port: number;
  received: Received[];
  close: () => Promise<void>;
}

const receivers: Receiver[] = [];

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function startReceiver(answer: Answer): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const n = received.length;
      received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: performance.now() });
      if (answer !== 'hang') answer(n, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/services/T000/B000/SECRETPATH?channel=ops`,
    port,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
  receivers.push(receiver);
  return receiver;
}

function status(code: number, headers: Record<string, string> = {}): (n: number, res: ServerResponse) => void {
  return (_n, res) => {
    res.writeHead(code, headers).end(code < 300 ? 'ok' : 'no');
  };
}

/** Answers with the statuses in turn (the last one repeated). */
function sequence(...codes: number[]): (n: number, res: ServerResponse) => void {
  return (n, res) => {
    const code = codes[Math.min(n, codes.length - 1)] ?? 200;
    res.writeHead(code).end();
  };
}

const FAST: SendNotificationOptions = { minRetryDelayMs: 1, maxRetryDelayMs: 5, timeoutMs: 5_000 };

const FAILURE: Notification = {
  kind: 'failure',
  certificate: 'shop',
  domains: ['shop.example', 'www.shop.example'],
  notAfter: '2026-05-30T23:59:59.000Z',
  error: { code: 'CA_DOMAIN_VERIFY_FAILED', message: 'The CA answered 107 (domain verify error for shop.example).' },
  text: 'acmapi: renewing shop failed (CA_DOMAIN_VERIFY_FAILED).',
};

async function rejection(promise: Promise<unknown>): Promise<ReportError> {
  const error: unknown = await promise.then(
    () => new Error('expected a rejection'),
    (caught: unknown) => caught,
  );
  expect(isReportError(error), String(error)).toBe(true);
  return error as ReportError;
}

describe('sendNotification: what arrives', () => {
  it('POSTs the notification as JSON with a Slack-compatible text, to the URL\'s path and query', async () => {
    const receiver = await startReceiver(status(200));
    await sendNotification(receiver.url, FAILURE, FAST);
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/services/T000/B000/SECRETPATH?channel=ops');
    expect(request?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(request?.body ?? '')).toStrictEqual({
      text: 'acmapi: renewing shop failed (CA_DOMAIN_VERIFY_FAILED).',
      kind: 'failure',
      certificate: 'shop',
      domains: ['shop.example', 'www.shop.example'],
      notAfter: '2026-05-30T23:59:59.000Z',
      error: { code: 'CA_DOMAIN_VERIFY_FAILED', message: 'The CA answered 107 (domain verify error for shop.example).' },
    });
  });

  it('sends exactly the fields of a Notification, whatever else the object carries', async () => {
    const receiver = await startReceiver(status(204));
    const token = 'tok_9f8e7d6c5b4a39281706';
    const key = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----';
    const carrying = {
      kind: 'expiry-warning',
      certificate: 'blog',
      domains: ['blog.example'],
      text: 'blog expires in 5 days',
      authToken: token,
      privateKeyPem: key,
      error: { code: 'CERT_EXPIRED', message: 'soon', authToken: token },
    } as const;
    const notification: Notification = { ...carrying, domains: [...carrying.domains], error: { ...carrying.error } };
    await sendNotification(receiver.url, notification, FAST);
    const body = receiver.received[0]?.body ?? '';
    expect(JSON.parse(body)).toStrictEqual({
      text: 'blog expires in 5 days',
      kind: 'expiry-warning',
      certificate: 'blog',
      domains: ['blog.example'],
      error: { code: 'CERT_EXPIRED', message: 'soon' },
    });
    expect(body).not.toContain(token);
    expect(body).not.toContain('PRIVATE KEY');
  });

  it('escapes Slack\'s markup characters in text only, so a server string cannot ping a channel', () => {
    const payload = notificationPayload({ ...FAILURE, text: 'shop failed: <!channel> & <https://evil.example|click>', error: { code: 'X', message: '<!here>' } });
    expect(payload.text).toBe('shop failed: &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    expect(payload.error).toStrictEqual({ code: 'X', message: '<!here>' });
  });

  it('sends credentials in the URL as Basic authorization, not in the request line', async () => {
    const receiver = await startReceiver(status(200));
    const url = receiver.url.replace('http://', 'http://alert%20bot:p%40ss@');
    await sendNotification(url, FAILURE, FAST);
    const [request] = receiver.received;
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from('alert bot:p@ss').toString('base64')}`);
    expect(request?.url).toBe('/services/T000/B000/SECRETPATH?channel=ops');
  });
});

describe('sendNotification: retries', () => {
  it('retries after two 503s and succeeds on the third attempt, sending the same body each time', async () => {
    const receiver = await startReceiver(sequence(503, 503, 200));
    await sendNotification(receiver.url, FAILURE, FAST);
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
  });

  it('retries after 429 and 408 too', async () => {
    const receiver = await startReceiver(sequence(429, 408, 200));
    await sendNotification(receiver.url, FAILURE, FAST);
    expect(receiver.received).toHaveLength(3);
  });

  it('waits as Retry-After says, up to maxRetryDelayMs', async () => {
    const receiver = await startReceiver((n, res) => (n === 0 ? res.writeHead(503, { 'retry-after': '1' }).end() : res.writeHead(200).end()));
    await sendNotification(receiver.url, FAILURE, { ...FAST, maxRetryDelayMs: 300 });
    const [first, second] = receiver.received;
    // Without Retry-After the delay would be 1–2 ms; with it, 1 s capped at 300 ms.
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(280);
  });

  it('gives up after retries + 1 attempts with NOTIFY_FAILED, the last status and the origin only', async () => {
    const receiver = await startReceiver(status(503));
    const error = await rejection(sendNotification(receiver.url, FAILURE, { ...FAST, retries: 2 }));
    expect(error).toMatchObject({ code: 'NOTIFY_FAILED', statusCode: 503, attempts: 3, endpoint: `http://127.0.0.1:${receiver.port}`, retryable: true });
    expect(receiver.received).toHaveLength(3);
    expect(`${error.message} ${error.hint ?? ''}`).not.toMatch(/SECRETPATH|channel=ops/);
  });

  it('does not retry an answer that retrying cannot change (404): NOTIFY_REJECTED', async () => {
    const receiver = await startReceiver(status(404));
    const error = await rejection(sendNotification(receiver.url, FAILURE, FAST));
    expect(error).toMatchObject({ code: 'NOTIFY_REJECTED', statusCode: 404, attempts: 1, retryable: false });
    expect(receiver.received).toHaveLength(1);
  });

  it('gives up on a receiver that is not there: NOTIFY_FAILED after every retry, no status', async () => {
    const receiver = await startReceiver(status(200));
    await receiver.close();
    const error = await rejection(sendNotification(receiver.url, FAILURE, { ...FAST, retries: 1 }));
    expect(error).toMatchObject({ code: 'NOTIFY_FAILED', attempts: 2, statusCode: undefined });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('stops each attempt at timeoutMs on a receiver that never answers: NOTIFY_TIMEOUT', async () => {
    const receiver = await startReceiver('hang');
    const started = performance.now();
    const error = await rejection(sendNotification(receiver.url, FAILURE, { ...FAST, timeoutMs: 200, retries: 1 }));
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ code: 'NOTIFY_TIMEOUT', attempts: 2 });
    expect(receiver.received).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(380);
    expect(elapsed).toBeLessThan(3_000);
  });

  it('stops at once when the caller aborts: NOTIFY_ABORTED, no retry', async () => {
    const receiver = await startReceiver('hang');
    const controller = new AbortController();
    const sending = sendNotification(receiver.url, FAILURE, { ...FAST, retries: 5, signal: controller.signal });
    setTimeout(() => {
      controller.abort();
    }, 100);
    const error = await rejection(sending);
    expect(error).toMatchObject({ code: 'NOTIFY_ABORTED', attempts: 1 });
    expect(receiver.received).toHaveLength(1);
  });
});

describe('sendNotification: input', () => {
  it('refuses a URL that is not http(s) or not a URL, without repeating it', async () => {
    for (const url of ['ftp://files.example/SECRETPATH', 'not a url SECRETPATH']) {
      const error: unknown = await sendNotification(url, FAILURE).catch((caught: unknown) => caught);
      expect(isOptionsError(error), url).toBe(true);
      expect(error).toMatchObject({ option: 'url' });
      expect((error as Error).message).not.toContain('SECRETPATH');
    }
  });

  it('refuses bad options and a malformed notification before sending anything', async () => {
    const receiver = await startReceiver(status(200));
    const cases: [Notification, SendNotificationOptions, string][] = [
      [FAILURE, { retries: -1 }, 'retries'],
      [FAILURE, { timeoutMs: 0 }, 'timeoutMs'],
      [FAILURE, { minRetryDelayMs: 10, maxRetryDelayMs: 5 }, 'maxRetryDelayMs'],
      [{ ...FAILURE, kind: 'boom' as Notification['kind'] }, {}, 'kind'],
      [{ ...FAILURE, domains: 'shop.example' as unknown as string[] }, {}, 'domains'],
    ];
    for (const [notification, options, option] of cases) {
      const error: unknown = await sendNotification(receiver.url, notification, options).catch((caught: unknown) => caught);
      expect(error, option).toMatchObject({ name: 'OptionsError', option });
    }
    expect(receiver.received).toHaveLength(0);
  });
});
