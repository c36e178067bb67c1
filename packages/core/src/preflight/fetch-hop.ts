/**
 * One request of the preflight: `GET` a URL while dialling a chosen address and
 * port, keeping Host and SNI the URL's host, as the CA's validator would after
 * picking that address (spec §5). Thin I/O over undici.
 */
import { isIP } from 'node:net';
import { TLSSocket } from 'node:tls';
import { Client, buildConnector } from 'undici';
import type { Dispatcher } from 'undici';
import type { PreflightTimeoutPhase, TlsCertificateReport } from './types.js';

/** One request of {@link fetchHop}. */
export interface FetchHopOptions {
  /** The URL requested; its host is sent as Host and as TLS SNI. */
  readonly url: URL;
  /** The address dialled instead of resolving the URL's host. */
  readonly address: string;
  /** The TCP port dialled (the URL's port after the httpPort/httpsPort mapping). */
  readonly port: number;
  /** Time to set up TCP and TLS, milliseconds. */
  readonly connectTimeoutMs: number;
  /** Time until the answer's headers, milliseconds. */
  readonly headersTimeoutMs: number;
  /** Longest pause while the body arrives, milliseconds. */
  readonly bodyTimeoutMs: number;
  /** Bytes read at most; the rest is not downloaded. */
  readonly maxBodyBytes: number;
  /** The caller's signal: its abort is `aborted`. */
  readonly signal?: AbortSignal | undefined;
  /** The overall deadline's signal: its abort is a `timeout` in phase `deadline`. */
  readonly deadlineSignal?: AbortSignal | undefined;
}

/** What one request got. */
export type FetchHopResult =
  | {
      readonly ok: true;
      readonly status: number;
      /** Response headers, lower-case names. */
      readonly headers: Readonly<Record<string, string | string[] | undefined>>;
      /** The body, at most `maxBodyBytes`. */
      readonly body: Uint8Array;
      /** Whether the body was cut at `maxBodyBytes`. */
      readonly truncated: boolean;
      readonly tls?: TlsCertificateReport;
    }
  | {
      readonly ok: false;
      readonly kind: 'connection-refused' | 'timeout' | 'tls-handshake' | 'connection-failed' | 'aborted';
      readonly phase?: PreflightTimeoutPhase;
      /** The error code seen, e.g. `ECONNREFUSED`, `UND_ERR_HEADERS_TIMEOUT`. */
      readonly code: string;
      /** The underlying error's message. */
      readonly detail: string;
      readonly tls?: TlsCertificateReport;
    };

/** The `code`s along an error's `cause` chain (undici wraps socket errors). */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') codes.push(code);
    current = cause;
  }
  return codes;
}

/**
 * Requests `url` once (no redirect is followed) and reads at most
 * `maxBodyBytes` of the body. The site's certificate is not verified for the
 * connection to succeed (the CA may accept what a browser would not); its
 * validity is reported in `tls`. Never throws: every failure is a result.
 */
export async function fetchHop(options: FetchHopOptions): Promise<FetchHopResult> {
  const { url, address, port } = options;
  const https = url.protocol === 'https:';
  let tls: TlsCertificateReport | undefined;
  // No session cache: a resumed session skips the certificate checks this reports.
  const connector = buildConnector({ rejectUnauthorized: false, timeout: options.connectTimeoutMs, maxCachedSessions: 0 });
  const servername = isIP(url.hostname.replace(/^\[|\]$/g, '')) === 0 ? { servername: url.hostname } : {};
  const client = new Client(url.origin, {
    connect: (connectOptions, callback) => {
      connector({ ...connectOptions, hostname: address, port: String(port), ...servername }, (...args) => {
        const socket = args[1];
        if (socket instanceof TLSSocket) {
          const error = socket.authorizationError as Error | string | null | undefined;
          tls = socket.authorized
            ? { valid: true }
            : { valid: false, error: error === null || error === undefined ? 'UNKNOWN' : typeof error === 'string' ? error : (error as { code?: string }).code ?? error.message };
        }
        callback(...args);
      });
    },
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs,
  });
  const signals = [options.signal, options.deadlineSignal].filter((s): s is AbortSignal => s !== undefined);
  const signal = signals.length === 0 ? undefined : AbortSignal.any(signals);
  const tlsField = (): { tls?: TlsCertificateReport } => (tls === undefined ? {} : { tls });

  const fail = (error: unknown): FetchHopResult => {
    const detail = error instanceof Error ? error.message : String(error);
    const codes = codesOf(error);
    const has = (code: string): boolean => codes.includes(code);
    const make = (kind: Extract<FetchHopResult, { ok: false }>['kind'], code: string, phase?: PreflightTimeoutPhase): FetchHopResult => ({
      ok: false,
      kind,
      code,
      detail,
      ...(phase === undefined ? {} : { phase }),
      ...tlsField(),
    });
    if (options.signal?.aborted === true) return make('aborted', 'ABORT_ERR');
    if (options.deadlineSignal?.aborted === true) return make('timeout', 'DEADLINE', 'deadline');
    if (has('UND_ERR_CONNECT_TIMEOUT') || has('ETIMEDOUT')) return make('timeout', 'UND_ERR_CONNECT_TIMEOUT', 'connect');
    if (has('UND_ERR_HEADERS_TIMEOUT')) return make('timeout', 'UND_ERR_HEADERS_TIMEOUT', 'headers');
    if (has('UND_ERR_BODY_TIMEOUT')) return make('timeout', 'UND_ERR_BODY_TIMEOUT', 'body');
    if (has('ECONNREFUSED')) return make('connection-refused', 'ECONNREFUSED');
    const tlsCode = codes.find((c) => c === 'EPROTO' || c.startsWith('ERR_SSL_') || c.startsWith('ERR_TLS_'));
    if (tlsCode !== undefined) return make('tls-handshake', tlsCode);
    // A connection closed before the handshake finished is a handshake failure too.
    if (https && tls === undefined) return make('tls-handshake', codes[0] ?? 'ECONNRESET');
    return make('connection-failed', codes[0] ?? 'UNKNOWN');
  };

  try {
    let answer: Dispatcher.ResponseData;
    try {
      answer = await client.request({
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { 'user-agent': 'acmapi-preflight', accept: '*/*' },
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      return fail(error);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    try {
      for await (const chunk of answer.body as AsyncIterable<Buffer>) {
        const room = options.maxBodyBytes - size;
        if (chunk.length >= room) {
          chunks.push(chunk.subarray(0, room));
          size += room;
          truncated = chunk.length > room;
          break;
        }
        chunks.push(chunk);
        size += chunk.length;
      }
    } catch (error) {
      return fail(error);
    } finally {
      answer.body.destroy();
    }
    return { ok: true, status: answer.statusCode, headers: answer.headers, body: Buffer.concat(chunks), truncated, ...tlsField() };
  } finally {
    // destroy, not close: a body left unread must not keep the socket open.
    await client.destroy().catch(() => undefined);
  }
}
