/**
 * Interim 1xx answers before the final one (RFC 9110 §15.2): a client must parse them and may
 * ignore them. A raw TCP server writes them, as a gateway or an IIS in front of the CA might.
 */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AcmApiClient } from '../src/client/client.js';

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

  // Not covered, and not fixed: undici 7's HTTP/1.1 parser closes the socket on a 100 Continue
  // the request did not ask for ("bad response", client-h1.js; nodejs/undici#197, wontfix), so
  // such a call fails as TRANSPORT_FAILED (issue 11, finding 15, left open).
});
