/**
 * One HTTP(S) request of the signfile check, sent to a chosen address and port
 * with the URL's own Host header and SNI (so that one machine can stand in for
 * many domains, like Pebble's httpPort/tlsPort). The site's certificate is not
 * verified: for this method a CA checks the content, not the TLS certificate.
 */
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';

/** Per-phase limits of one request, in milliseconds and bytes. */
export interface FetchLimits {
  /** Time to open the TCP (and TLS) connection, milliseconds. */
  readonly connectTimeoutMs: number;
  /** Time from connection to the response headers, milliseconds. */
  readonly headersTimeoutMs: number;
  /** Time to read the whole body, milliseconds. */
  readonly bodyTimeoutMs: number;
  /** The most body bytes read; a longer body fails the request. */
  readonly maxBodyBytes: number;
}

/** Where to send one request. */
export interface FetchTarget {
  /** The URL as the validation sees it (Host header, SNI, path). */
  readonly url: URL;
  /** The address to connect to instead of resolving the URL's host. */
  readonly address: string;
  /** The port to connect to instead of the URL's. */
  readonly port: number;
  /**
   * The source address (a network perspective, BR §3.2.2.9), used only when it is of the
   * same family as `address`: a perspective's IPv4 source cannot reach an IPv6 target.
   */
  readonly localAddress?: string;
}

/** A whole answer. The body is read only for 200 answers. */
export interface FetchAnswer {
  readonly status: number;
  readonly location: string | undefined;
  readonly body: string;
}

/** A request that failed before a whole answer arrived; `message` says why (for logs). */
export class FetchFailure extends Error {
  override name = 'FetchFailure';
}

/** Sends one GET and reads the answer within the limits. Rejects with {@link FetchFailure}. */
export function fetchOnce(target: FetchTarget, limits: FetchLimits): Promise<FetchAnswer> {
  const { url } = target;
  const secure = url.protocol === 'https:';
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const options: https.RequestOptions = {
    host: target.address,
    port: target.port,
    method: 'GET',
    path: `${url.pathname}${url.search}`,
    headers: { host: url.host, 'user-agent': 'acmapi-sandbox-validator', accept: '*/*' },
    agent: false,
  };
  if (target.localAddress !== undefined && isIP(target.localAddress) === isIP(target.address)) options.localAddress = target.localAddress;
  if (secure) {
    options.rejectUnauthorized = false;
    if (isIP(hostname) === 0) options.servername = hostname;
  }
  return new Promise<FetchAnswer>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (error: FetchFailure | undefined, answer?: FetchAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error !== undefined || answer === undefined) {
        request.destroy();
        reject(error ?? new FetchFailure(`no answer from ${url.href}`));
      } else {
        request.destroy();
        resolve(answer);
      }
    };
    const arm = (ms: number, phase: string): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        finish(new FetchFailure(`${phase} timeout after ${ms} ms for ${url.href}`));
      }, ms);
    };
    const request = (secure ? https : http).request(options, (response) => {
      arm(limits.bodyTimeoutMs, 'body');
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status !== 200) {
        response.resume();
        finish(undefined, { status, location, body: '' });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBodyBytes) {
          finish(new FetchFailure(`body of ${url.href} is larger than ${limits.maxBodyBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        finish(undefined, { status, location, body: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', (error) => {
        finish(new FetchFailure(`body of ${url.href} failed: ${error.message}`));
      });
    });
    arm(limits.connectTimeoutMs, 'connect');
    request.on('socket', (socket) => {
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        if (!settled) arm(limits.headersTimeoutMs, 'headers');
      });
    });
    request.on('error', (error) => {
      finish(new FetchFailure(`request to ${url.href} via ${target.address}:${target.port} failed: ${error.message}`));
    });
    request.end();
  });
}
