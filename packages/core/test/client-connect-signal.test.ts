/**
 * The call's deadline and the caller's signal bound the connection too, TLS handshake
 * included: against a real TCP server on 127.0.0.1 that accepts and never speaks TLS, a call
 * ends when its deadline or signal says, not when the (longer) connect timeout passes, and
 * the half-open connection is closed rather than left to that timeout.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AcmApiClient } from '../src/client/client.js';
import { TransportError } from '../src/errors/errors.js';

/** Far longer than any deadline below: were it the limit, the tests would time out. */
const CONNECT_TIMEOUT_MS = 20_000;
/** Time allowed past a deadline or an abort for the error to arrive (a busy 2-core CI). */
const SLACK_MS = 700;

interface SilentServer {
  readonly url: string;
  /** Sockets accepted, each with a promise of its close. */
  readonly accepted: { socket: Socket; closed: Promise<void> }[];
  readonly server: Server;
}

let silent: SilentServer | undefined;
let client: AcmApiClient | undefined;

afterEach(async () => {
  await client?.close();
  for (const { socket } of silent?.accepted ?? []) socket.destroy();
  await new Promise<void>((resolve) => {
    if (silent === undefined) resolve();
    else silent.server.close(() => { resolve(); });
  });
  client = undefined;
  silent = undefined;
});

/** A TCP server that accepts and then says nothing: a TLS handshake with it never ends. */
async function startSilentServer(): Promise<SilentServer> {
  const accepted: SilentServer['accepted'] = [];
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    // Read (and drop) what arrives, the ClientHello included, so that the client's hang-up is seen.
    socket.resume();
    accepted.push({ socket, closed: new Promise((resolve) => { socket.once('close', () => { resolve(); }); }) });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `https://127.0.0.1:${port}/acmapi`, accepted, server };
}

/** Starts `call` (the clock with it: the first TLS connection's set-up is part of it) and awaits its error. */
async function failure(call: () => Promise<unknown>): Promise<{ error: TransportError; elapsedMs: number }> {
  const started = Date.now();
  try {
    await call();
  } catch (error) {
    if (error instanceof TransportError) return { error, elapsedMs: Date.now() - started };
    throw error;
  }
  throw new Error('expected a TransportError');
}

/** Resolves true when `closed` settles within `ms`. */
async function closesWithin(closed: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => { timer = setTimeout(() => { resolve(false); }, ms); });
  const result = await Promise.race([closed.then(() => true), late]);
  clearTimeout(timer);
  return result;
}

describe('a TLS handshake that never ends', () => {
  it('is bounded by the deadline: TRANSPORT_TIMEOUT phase deadline, as any deadline expiry, and the socket is closed', async () => {
    silent = await startSilentServer();
    const c = (client = new AcmApiClient({ customerId: 'c1', authToken: 'tok', endpoint: silent.url, connectTimeoutMs: CONNECT_TIMEOUT_MS, deadlineMs: 400, retries: 3 }));
    const { error, elapsedMs } = await failure(() => c.retrieve('h1'));
    expect(error.code).toBe('TRANSPORT_TIMEOUT');
    expect(error.phase).toBe('deadline');
    expect(error.limitMs).toBe(400);
    expect(elapsedMs).toBeGreaterThanOrEqual(390);
    expect(elapsedMs).toBeLessThan(400 + SLACK_MS);
    // The handshake did start (the server accepted), and the client hung up rather than waiting on.
    const [only] = silent.accepted;
    expect(silent.accepted).toHaveLength(1);
    expect(only !== undefined && (await closesWithin(only.closed, SLACK_MS))).toBe(true);
  });

  it('is bounded by the caller\'s signal: TRANSPORT_ABORTED, and the socket is closed', async () => {
    silent = await startSilentServer();
    const c = (client = new AcmApiClient({ customerId: 'c1', authToken: 'tok', endpoint: silent.url, connectTimeoutMs: CONNECT_TIMEOUT_MS, deadlineMs: 60_000 }));
    const { error, elapsedMs } = await failure(() => c.retrieve('h1', { signal: AbortSignal.timeout(300) }));
    expect(error.code).toBe('TRANSPORT_ABORTED');
    expect(elapsedMs).toBeLessThan(300 + SLACK_MS);
    const [only] = silent.accepted;
    expect(silent.accepted).toHaveLength(1);
    expect(only !== undefined && (await closesWithin(only.closed, SLACK_MS))).toBe(true);
  });

  it('a later call on the same client connects afresh and is bounded again', async () => {
    silent = await startSilentServer();
    const c = (client = new AcmApiClient({ customerId: 'c1', authToken: 'tok', endpoint: silent.url, connectTimeoutMs: CONNECT_TIMEOUT_MS, deadlineMs: 300 }));
    await failure(() => c.retrieve('h1'));
    const { error, elapsedMs } = await failure(() => c.retrieve('h1'));
    expect(error.phase).toBe('deadline');
    expect(elapsedMs).toBeLessThan(300 + SLACK_MS);
    expect(silent.accepted).toHaveLength(2);
  });
});
