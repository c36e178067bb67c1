/**
 * TEST-ONLY preload: kills the process with SIGKILL at a named durable step, to prove through
 * the REAL `acmapi` binary that every step of issue and renewal is crash-safe. It lives in the
 * tests, not in the published packages: it only listens to the steps core publishes on the
 * `node:diagnostics_channel` channel `acmapi:step` (synchronously, before each step's effect).
 *
 *   NODE_OPTIONS=--import=<file URL of this file> ACMAPI_TEST_CRASH_AT=STEP[#N][:partial] acmapi …
 *
 * - `STEP`: the step's name — the store's (`write:privkey.pem`, `write:state.json`, `prepared`,
 *   `pending`, `write:cert.pem`, `installed`, `live-switched`, …) or the lifecycle's
 *   (`key-generated`: key and CSR in memory, nothing saved; `applied`: the CA's answer in
 *   memory, nothing recorded);
 * - `#N`: at the N-th time the step is reached (counted from 1);
 * - `:partial` (for `write:FILE` steps, which carry the file's `path`): first leave a
 *   half-written temporary file beside it, `.BASENAME.HEX.tmp`, as a kill in the middle of
 *   the atomic write would.
 *
 * Without `ACMAPI_TEST_CRASH_AT` it subscribes to nothing.
 */
import { randomBytes } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { STEP_CHANNEL } from '@acmapi/core';

const target = process.env.ACMAPI_TEST_CRASH_AT;

function die() {
  process.kill(process.pid, 'SIGKILL');
  // The signal is delivered asynchronously: block so that not one more step runs meanwhile.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5_000);
}

if (target !== undefined && target !== '') {
  /** How often each step was reached. */
  const seen = new Map();
  subscribe(STEP_CHANNEL, (message) => {
    const { step, path } = /** @type {{ step: string, path?: string }} */ (message);
    const count = (seen.get(step) ?? 0) + 1;
    seen.set(step, count);
    const names = [step, `${step}#${count}`];
    if (names.includes(target)) die();
    if (path !== undefined && names.some((name) => target === `${name}:partial`)) {
      // What a kill in the middle of writeFileAtomic leaves: a hidden, half-written temporary file.
      writeFileSync(join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`), '-----BEGIN');
      die();
    }
  });
}
