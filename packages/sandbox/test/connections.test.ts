/**
 * Issue 11, finding 9: a client that stops talking cannot hold a socket for ever, and the
 * request log cannot grow for ever. Raw sockets, since HTTP clients never idle on purpose.
 */
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../src/index.js';
import { api, closeAgent } from './helpers/api.js';

async function withSandbox(options: SandboxOptions, body: (sandbox: Sandbox) => Promise<void>): Promise<void> {
  const sandbox = await startSandbox(options);
  try {
    await body(sandbox);
  } finally {
    await closeAgent(sandbox);
    await sandbox.close();
  }
}

function open(sandbox: Sandbox): Promise<Socket> {
  const { hostname, port } = new URL(sandbox.url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => { resolve(socket); });
    socket.once('error', reject);
  });
}

/** Milliseconds until the server closes `socket`, or `undefined` if it is still open after `withinMs`. */
function closedWithin(socket: Socket, withinMs: number): Promise<number | undefined> {
  const start = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(undefined);
    }, withinMs);
    socket.on('error', () => undefined);
    socket.resume();
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - start);
    });
  });
}

describe('finding 9: idle connections time out and the request log is bounded', () => {
  it('closes a connection that sends nothing, over plain HTTP and before a TLS handshake', async () => {
    for (const tls of [false, true]) {
      await withSandbox({ tls, connections: { idleTimeoutMs: 300 } }, async (sandbox) => {
        const sockets = await Promise.all(Array.from({ length: 20 }, () => open(sandbox)));
        const closed = await Promise.all(sockets.map((socket) => closedWithin(socket, 4000)));
        expect(closed.every((ms) => ms !== undefined && ms >= 250)).toBe(true);
      });
    }
  });

  it('closes a connection that trickles header bytes past headersTimeoutMs (slowloris)', async () => {
    await withSandbox({ tls: false, connections: { idleTimeoutMs: 5000, headersTimeoutMs: 500, requestTimeoutMs: 1000 } }, async (sandbox) => {
      const socket = await open(sandbox);
      socket.write('GET /ca/root.pem HTTP/1.1\r\nHost: sandbox.test\r\n');
      const trickle = setInterval(() => { if (!socket.destroyed) socket.write('X-A: b\r\n'); }, 100);
      try {
        expect(await closedWithin(socket, 4000)).toBeDefined();
      } finally {
        clearInterval(trickle);
      }
    });
  });

  it('closes a kept-alive connection keepAliveTimeoutMs after its answer', async () => {
    await withSandbox({ tls: false, connections: { keepAliveTimeoutMs: 300 } }, async (sandbox) => {
      const socket = await open(sandbox);
      socket.write('GET /ca/root.pem HTTP/1.1\r\nHost: sandbox.test\r\n\r\n');
      expect(await closedWithin(socket, 4000)).toBeDefined();
    });
  });

  it('still answers a request that takes longer than the idle limit', async () => {
    await withSandbox({ tls: false, connections: { idleTimeoutMs: 200 }, faults: { delayMs: 700 } }, async (sandbox) => {
      expect((await api(sandbox, { customer_id: 'nobody' })).json['status']).toBe(101);
    });
  });

  it('keeps the newest maxLoggedRequests API calls, oldest first, and counts the dropped ones', async () => {
    await withSandbox({ tls: false, maxLoggedRequests: 3 }, async (sandbox) => {
      for (let i = 0; i < 7; i++) await api(sandbox, { customer_id: `caller-${i}` });
      expect(sandbox.requests.map((record) => record.customerId)).toEqual(['caller-4', 'caller-5', 'caller-6']);
      expect(sandbox.requestsDropped).toBe(4);
    });
  });
});
