/**
 * A minimal web server that publishes one signfile, for machines without a web
 * server of their own (the demo, tests, a one-off validation). Spec §1, §5;
 * BR §3.2.2.4.18.
 */
import type { AddressInfo } from 'node:net';

/** The well-known folder the CA fetches the signfile from (spec §1). */
export const SIGNFILE_PATH_PREFIX = '/.well-known/pki-validation/';

/** Options of {@link serveSignfile}. */
export interface ServeSignfileOptions {
  /**
   * Address to listen on.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * TCP port; `0` picks a free one (read it back from the result).
   * @default 0
   */
  port?: number;
  /** The signfile: its file name (e.g. `signfile`) and exact content. */
  signfile: { name: string; content: string | Uint8Array };
}

/** A running signfile server. */
export interface ServeSignfileResult {
  /** Base URL, e.g. `http://127.0.0.1:41234` (IPv6 hosts in brackets). */
  url: string;
  /** The port actually bound. */
  port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/**
 * Serves `GET` (and `HEAD`) `/.well-known/pki-validation/NAME` with exactly the
 * signfile's bytes as `text/plain`; every other path answers 404 and every
 * other method 405.
 *
 * @throws the listen error (`EADDRINUSE`, `EACCES`, …) when the port cannot be bound.
 */
export async function serveSignfile(options: ServeSignfileOptions): Promise<ServeSignfileResult> {
  const host = options.host ?? '127.0.0.1';
  const body = typeof options.signfile.content === 'string' ? Buffer.from(options.signfile.content, 'utf8') : Buffer.from(options.signfile.content);
  const path = SIGNFILE_PATH_PREFIX + encodeURIComponent(options.signfile.name);

  // node:http is loaded here: every program that can serve a signfile imports this module,
  // and most runs never do (issue 9's start-up budget).
  const { createServer } = await import('node:http');
  const server = createServer((request, response) => {
    // Compare the path without the query string: a CA may add cache busters.
    const requestPath = (request.url ?? '').split('?')[0];
    if (requestPath !== path) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Method not allowed\n');
      return;
    }
    response.writeHead(200, {
      'content-type': 'text/plain',
      'content-length': body.length,
      'cache-control': 'no-store',
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      }),
  };
}
