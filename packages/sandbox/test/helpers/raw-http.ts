/**
 * Raw HTTP/1.1 over a socket, for the fuzz suites: an HTTP client would normalise or refuse
 * the very request lines, headers and bodies that matter.
 */
import { connect } from 'node:net';
import type { Sandbox } from '../../src/index.js';

/**
 * Sends `bytes` as they are and returns the status of the answer's status line, or
 * `undefined` when the connection ended (or stayed silent for `silentMs`) without one.
 */
export function rawStatus(sandbox: Sandbox, bytes: string | Buffer, silentMs = 5000): Promise<number | undefined> {
  const { hostname, port } = new URL(sandbox.url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let text = '';
    let settled = false;
    const done = (status: number | undefined): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(status);
    };
    socket.setTimeout(silentMs, () => { done(undefined); });
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3}) /.exec(text);
      if (match !== null) done(Number(match[1]));
      else if (text.length > 64) done(undefined);
    });
    socket.on('error', () => { done(undefined); });
    socket.on('end', () => { done(undefined); });
    socket.write(bytes);
  });
}

/** `METHOD TARGET HTTP/1.1` with a Host, an empty body and `Connection: close`. */
export function statusOf(sandbox: Sandbox, method: string, target: string): Promise<number | undefined> {
  return rawStatus(sandbox, `${method} ${target} HTTP/1.1\r\nHost: sandbox.test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
}
