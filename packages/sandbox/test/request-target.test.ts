/**
 * Request targets that cannot be routed (issue 11, finding 1): raw request lines over a
 * socket, since an HTTP client would normalise or refuse the very targets that matter.
 * The property runs seeded, so a failure reproduces: FUZZ_SEED=<seed> FUZZ_PATH=<path> as
 * fast-check prints them. CI runs 1,500 cases; `pnpm fuzz` runs many more (FUZZ_RUNS).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzSettings, fuzzTimeout } from '@acmapi/test-utils';
import { startSandbox, type Sandbox } from '../src/index.js';
import { statusOf as rawStatusOf } from './helpers/raw-http.js';

const FUZZ = fuzzSettings(1500);

let sandbox: Sandbox;
const statusOf = (method: string, target: string): Promise<number | undefined> => rawStatusOf(sandbox, method, target);

beforeAll(async () => {
  sandbox = await startSandbox({ tls: false });
});

afterAll(async () => {
  await sandbox.close();
});

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
      FUZZ,
    );
    expect(await statusOf('GET', '/ca/root.pem')).toBe(200);
  }, fuzzTimeout(FUZZ, 5));
});
