/**
 * Request targets that cannot be routed (issue 11, finding 1): raw request lines over a
 * socket, since an HTTP client would normalise or refuse the very targets that matter.
 * The property runs seeded, so a failure reproduces: FUZZ_SEED=<seed printed by fast-check>.
 * CI runs 1,500 cases; `pnpm --filter @acmapi/sandbox fuzz` runs 100,000 (FUZZ_RUNS).
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../src/index.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? '20261202');
const RUNS = Number(process.env['FUZZ_RUNS'] ?? '1500');

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ tls: false });
});

afterAll(async () => {
  await sandbox.close();
});

/**
 * Sends `METHOD TARGET HTTP/1.1` and returns the status of the answer's status line, or
 * `undefined` when the connection ended (or stayed silent for 5 s) without one.
 */
function statusOf(method: string, target: string): Promise<number | undefined> {
  const { hostname, port } = new URL(sandbox.url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let text = '';
    const done = (status: number | undefined): void => {
      socket.destroy();
      resolve(status);
    };
    socket.setTimeout(5000, () => { done(undefined); });
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3}) /.exec(text);
      if (match !== null) done(Number(match[1]));
      else if (text.length > 64) done(undefined);
    });
    socket.on('error', () => { done(undefined); });
    socket.on('end', () => { done(undefined); });
    socket.write(`${method} ${target} HTTP/1.1\r\nHost: sandbox.test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
  });
}

/** Pieces that make request targets hard to parse: slashes, authority marks, brackets, escapes. */
const piece = fc.oneof(
  fc.constantFrom('/', '//', '///', ':', '[', ']', '[::1]', '@', '?', '#', '%', '%2F', '%00', '..', '.', '\\', '*', 'http:', 'https:', 'ca', 'admin', 'root.pem', 'x=1', '0x7f'),
  fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 8 }),
);
const target = fc.array(piece, { minLength: 1, maxLength: 8 }).map((pieces) => pieces.join(''));
const method = fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'OPTIONS');

describe('finding 1: a request target that cannot be routed gets 400/404, and the sandbox lives on', () => {
  it.each(['//', '///?x=1', '//:', 'http://[', '*', '//x/ca/root.pem'])('answers %s with 400 or 404', async (raw) => {
    const status = await statusOf('GET', raw);
    expect([400, 404]).toContain(status);
    expect(await statusOf('GET', '/ca/root.pem')).toBe(200);
  });

  it('answers every fuzzed request line without a 5xx (seeded property)', async () => {
    await fc.assert(
      fc.asyncProperty(method, target, async (m, t) => {
        const status = await statusOf(m, t);
        return status !== undefined && status >= 200 && status < 500;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(await statusOf('GET', '/ca/root.pem')).toBe(200);
  }, Math.max(120_000, RUNS * 5));
});
