/**
 * A scripted HTTP(S) server on 127.0.0.1, port 0, standing in for an ACMAPI endpoint:
 * it records every request and answers with the test's replies, in order (the last
 * one repeats). Real sockets, so that timeouts, stalls and TLS are the real thing.
 */
import { createServer as createHttpServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** One request as the server received it. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bodyText: string;
}

/** Answers one request; may also never answer (a hanging server). */
export type Reply = (res: ServerResponse, request: RecordedRequest) => void;

/** Options of {@link startAcmApiTestServer}. */
export interface AcmApiTestServerOptions {
  /** Serve HTTPS with this certificate and key (PEM). */
  tls?: { cert: string; key: string };
  replies: Reply[];
}

/** A running test server. */
export interface AcmApiTestServer {
  /** `http(s)://127.0.0.1:PORT/acmapi` */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** TCP connections accepted. */
  connections: number;
  server: Server;
  close(): Promise<void>;
}

/** A reply with a JSON body (or a raw string) and extra headers. */
export function json(body: unknown, options: { status?: number; headers?: Record<string, string> } = {}): Reply {
  return (res) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(options.status ?? 200, { 'content-type': 'application/json', ...options.headers });
    res.end(text);
  };
}

export async function startAcmApiTestServer(options: AcmApiTestServerOptions): Promise<AcmApiTestServer> {
  const requests: RecordedRequest[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        bodyText: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const reply = options.replies[Math.min(requests.length, options.replies.length) - 1];
      if (reply === undefined) throw new Error('test server has no replies');
      reply(res, recorded);
    });
  };
  const server: Server = options.tls === undefined ? createHttpServer(handler) : createHttpsServer(options.tls, handler);
  const result: AcmApiTestServer = { url: '', port: 0, requests, connections: 0, server, close: () => Promise.resolve() };
  // 'connection' is the TCP accept, before any TLS handshake.
  server.on('connection', () => {
    result.connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  result.port = port;
  result.url = `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}/acmapi`;
  result.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => {
        resolve();
      });
    });
  return result;
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => {
    resolve();
  }));
  return port;
}
