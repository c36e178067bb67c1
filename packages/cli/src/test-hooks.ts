/**
 * Two hooks read from the environment, both for tests (documented in README.md under
 * "Testing hooks"); neither changes what a normal run does.
 *
 * - `ACMAPI_NOW` (ISO 8601 date): the clock of the store and of renewal decisions, so that a
 *   test (or an operator asking "what would be due next month?" with `renew --dry-run`) can
 *   move time forward without waiting. The CA's answers are still checked against the real
 *   time by the client.
 * - `ACMAPI_TEST_CRASH_AT` (TEST-ONLY fault injection): makes the process SIGKILL itself at a
 *   named step, to prove that every step of issue and renewal is crash-safe through the real
 *   command. Steps are the store's (`write:privkey.pem`, `write:state.json`, `prepared`,
 *   `pending`, `write:cert.pem`, `installed`, `live-switched`, …) and the command's own
 *   (`key-generated`, `applied`: the CA's answer is in memory, nothing recorded yet).
 *   `STEP#N` kills at the N-th time the step is reached; `STEP:partial` (for `write:FILE`)
 *   first leaves a half-written temporary file, as a kill in the middle of writing FILE would.
 */
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { StoreStepHook } from '@acmapi/core';
import { UsageError } from './cli-errors.js';

/** The clock of a run. */
export type Clock = () => Date;

/**
 * The clock: `ACMAPI_NOW` when set, else the system's.
 *
 * @throws {UsageError} `USAGE_NOW` when `ACMAPI_NOW` is not a date.
 */
export function clockFrom(env: NodeJS.ProcessEnv): Clock {
  const text = env['ACMAPI_NOW'];
  if (text === undefined || text.trim() === '') return () => new Date();
  const fixed = Date.parse(text);
  if (Number.isNaN(fixed)) {
    throw new UsageError(`ACMAPI_NOW=${JSON.stringify(text)} is not a date.`, { code: 'USAGE_NOW', hint: 'Give an ISO 8601 date like 2030-01-31T12:00:00Z, or unset ACMAPI_NOW.' });
  }
  // The injected time moves on with the real one, so durations inside a run stay real.
  const offset = fixed - Date.now();
  return () => new Date(Date.now() + offset);
}

/**
 * TEST-ONLY: the step hook of `ACMAPI_TEST_CRASH_AT`, or `undefined` when it is unset
 * (the normal case: then no hook runs at all).
 */
export function crashHookFrom(env: NodeJS.ProcessEnv): StoreStepHook | undefined {
  const target = env['ACMAPI_TEST_CRASH_AT'];
  if (target === undefined || target === '') return undefined;
  const seen = new Map<string, number>();
  const die = (): void => {
    process.kill(process.pid, 'SIGKILL');
    // The signal is delivered asynchronously: block so that not one more step runs meanwhile.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5_000);
  };
  return (step, detail) => {
    const count = (seen.get(step) ?? 0) + 1;
    seen.set(step, count);
    const names = [step, `${step}#${count}`];
    if (names.includes(target)) die();
    if (detail.path !== undefined && names.some((name) => target === `${name}:partial`)) {
      // What a kill in the middle of writeFileAtomic leaves: a hidden, half-written temporary file.
      const { randomBytes } = process.getBuiltinModule('node:crypto');
      writeFileSync(join(dirname(detail.path), `.${basename(detail.path)}.${randomBytes(6).toString('hex')}.tmp`), '-----BEGIN');
      die();
    }
  };
}
