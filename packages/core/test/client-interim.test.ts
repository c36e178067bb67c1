/**
 * Interim 1xx answers before the final one (RFC 9110 §15.2): a client must parse them and may
 * ignore them. A raw TCP server writes them, as a gateway or an IIS in front of the CA might.
 */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AcmApiClient } from '../src/client/client.js';
import { startTestProxy } from './helpers/connect-proxy.js';

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => {
    if (server === undefined) resolve();
    else server.close(() => { resolve(); });
  });
  server = undefined;
});

/** Answers each request with `interim`, then (a moment later) an ACMAPI pending answer. */
async function serveWithInterim(interim: string): Promise<string> {
  const body = JSON.stringify({ result: 'pending', status: 1, handle_id: 'H_AFTER_1XX' });
  server = createServer((socket) => {
    let received = '';
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (answered || !received.includes('\r\n\r\n')) return;
      answered = true;
      socket.write(interim);
      setTimeout(() => {
        socket.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
      }, 20);
    });
  });
  const listening = server;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(listening.address() as AddressInfo).port}/`;
}

describe('interim 1xx answers (RFC 9110 §15.2)', () => {
  it.each([
    ['102 Processing', 'HTTP/1.1 102 Processing\r\n\r\n'],
    ['103 Early Hints', 'HTTP/1.1 103 Early Hints\r\nlink: </style.css>; rel=preload\r\n\r\n'],
    ['two interim answers', 'HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\n\r\n'],
  ])('%s before the final answer is ignored (undici parses and drops it)', async (_name, interim) => {
    const endpoint = await serveWithInterim(interim);
    const client = new AcmApiClient({ customerId: 'c1', authToken: 'secret-token', endpoint, retries: 0 });
    try {
      await expect(client.retrieve('H_AFTER_1XX')).resolves.toStrictEqual({ status: 'pending', handleId: 'H_AFTER_1XX' });
    } finally {
      await client.close();
    }
  });

  // undici 7's HTTP/1.1 parser closes the socket on any 100 Continue ("bad response",
  // client-h1.js); the default dispatcher drops interim answers below it (interim-answers.ts).
  it.each([
    ['an unsolicited 100 Continue', 'HTTP/1.1 100 Continue\r\n\r\n'],
    ['100 Continue then 103 Early Hints', 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a.css>; rel=preload\r\n\r\n'],
    ['103 Early Hints then 100 Continue', 'HTTP/1.1 103 Early Hints\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n'],
    ['an HTTP/1.0 100 Continue', 'HTTP/1.0 100 Continue\r\n\r\n'],
  ])('finding 15: %s before the final answer does not fail the call', async (_name, interim) => {
    const endpoint = await serveWithInterim(interim);
    const client = new AcmApiClient({ customerId: 'c1', authToken: 'secret-token', endpoint, retries: 0 });
    try {
      await expect(client.retrieve('H_AFTER_1XX')).resolves.toStrictEqual({ status: 'pending', handleId: 'H_AFTER_1XX' });
    } finally {
      await client.close();
    }
  });

  it('finding 15: a 100 Continue sent byte by byte, on a kept-alive connection, before each of two answers', async () => {
    const body = JSON.stringify({ result: 'pending', status: 1, handle_id: 'H_KEPT' });
    let connections = 0;
    server = createServer((socket) => {
      connections++;
      let received = '';
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
        // One answer per complete request (head and JSON body) received so far.
        const heads = received.split('\r\n\r\n');
        while (heads.length > 1 && (heads[1] ?? '').includes('}')) {
          received = received.slice(received.indexOf('}', received.indexOf('\r\n\r\n')) + 1);
          heads.splice(0, heads.length, ...received.split('\r\n\r\n'));
          const bytes = Buffer.from(`HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`, 'latin1');
          void (async () => {
            for (const byte of bytes) {
              socket.write(Buffer.from([byte]));
              await new Promise((resolve) => setImmediate(resolve));
            }
          })();
        }
      });
    });
    const listening = server;
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(listening.address() as AddressInfo).port}/`;
    const client = new AcmApiClient({ customerId: 'c1', authToken: 'secret-token', endpoint, retries: 0 });
    try {
      await expect(client.retrieve('H_KEPT')).resolves.toStrictEqual({ status: 'pending', handleId: 'H_KEPT' });
      // undici puts the connection back in its pool on the next turn of the event loop.
      await new Promise((resolve) => setTimeout(resolve, 50));
      await expect(client.retrieve('H_KEPT')).resolves.toStrictEqual({ status: 'pending', handleId: 'H_KEPT' });
      expect(connections).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('finding 15: an unsolicited 100 Continue through a proxy\'s CONNECT tunnel (HTTP_PROXY) does not fail the call', async () => {
    const endpoint = await serveWithInterim('HTTP/1.1 100 Continue\r\n\r\n');
    const proxy = await startTestProxy();
    const saved = process.env['HTTP_PROXY'];
    process.env['HTTP_PROXY'] = proxy.url;
    const client = new AcmApiClient({ customerId: 'c1', authToken: 'secret-token', endpoint, retries: 0 });
    try {
      await expect(client.retrieve('H_AFTER_1XX')).resolves.toStrictEqual({ status: 'pending', handleId: 'H_AFTER_1XX' });
      expect(proxy.connects).toStrictEqual([new URL(endpoint).host]);
    } finally {
      await client.close();
      await proxy.close();
      if (saved === undefined) Reflect.deleteProperty(process.env, 'HTTP_PROXY');
      else process.env['HTTP_PROXY'] = saved;
    }
  });
});

