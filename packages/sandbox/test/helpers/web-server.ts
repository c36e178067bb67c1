/** Real web servers on loopback port 0 that serve (or fail to serve) signfiles. */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { openssl, tempDir } from './openssl.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A running test web server. */
export interface WebServer {
  readonly port: number;
  /** Requests seen: `Host` header, path, and the client's (source) address. */
  readonly seen: { host: string; path: string; source: string }[];
  close(): Promise<void>;
}

type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

async function listen(server: http.Server, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

function wrap(server: http.Server, port: number, seen: WebServer['seen']): WebServer {
  return {
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

/** A plain HTTP server on `host` (default 127.0.0.1), port 0. */
export async function startHttpServer(handler: Handler, host = '127.0.0.1'): Promise<WebServer> {
  const seen: WebServer['seen'] = [];
  const server = http.createServer((request, response) => {
    seen.push({ host: request.headers.host ?? '', path: request.url ?? '', source: request.socket.remoteAddress ?? '' });
    handler(request, response);
  });
  return wrap(server, await listen(server, host), seen);
}

let selfSigned: Promise<{ cert: string; key: string }> | undefined;

/** A self-signed certificate made by openssl (the validator does not verify it, as a CA would not). */
function selfSignedCertificate(): Promise<{ cert: string; key: string }> {
  selfSigned ??= (async () => {
    const dir = await tempDir();
    try {
      const key = join(dir.path, 'key.pem');
      const cert = join(dir.path, 'cert.pem');
      await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=site.test']);
      return { cert: await readFile(cert, 'utf8'), key: await readFile(key, 'utf8') };
    } finally {
      await dir.dispose();
    }
  })();
  return selfSigned;
}

/** An HTTPS server with a self-signed certificate on 127.0.0.1, port 0; records the SNI it was asked for. */
export async function startHttpsServer(handler: Handler): Promise<WebServer & { readonly sni: string[] }> {
  const seen: WebServer['seen'] = [];
  const sni: string[] = [];
  const credentials = await selfSignedCertificate();
  const server = https.createServer(
    {
      ...credentials,
      SNICallback: (servername, callback) => {
        sni.push(servername);
        callback(null);
      },
    },
    (request, response) => {
      seen.push({ host: request.headers.host ?? '', path: request.url ?? '', source: request.socket.remoteAddress ?? '' });
      handler(request, response);
    },
  );
  return { ...wrap(server, await listen(server, '127.0.0.1'), seen), sni };
}

/** A handler that serves `content` at every path under /.well-known/pki-validation/ and 404 elsewhere. */
export function serveSignfile(content: string, name = 'signfile'): Handler {
  return (request, response) => {
    if (request.url === `/.well-known/pki-validation/${name}`) {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(content);
    } else {
      response.writeHead(404);
      response.end('not found');
    }
  };
}

/** A port on 127.0.0.1 where nothing listens (it was just freed). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  const port = await listen(server, '127.0.0.1');
  await new Promise<void>((resolve) => server.close(() => {
    resolve();
  }));
  return port;
}
