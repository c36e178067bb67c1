import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CertificateRecord } from '@acmapi/core';
import { displayText } from '@acmapi/core/text';
import { HOSTILE_STRINGS, unsafeForDisplay } from '@acmapi/test-utils';
import { describe, expect, it } from 'vitest';
import { showLines } from '../commands/show.js';
import type { ShowJson } from '../commands/show.js';
import { listEntry, listLines } from './list-view.js';
import { StoreError } from '@acmapi/core';
import { adviceFor } from './advice.js';
import { Output } from './output.js';
import { printCertificateResult } from './print-result.js';

/** An Output writing into one string (no terminal: no spinner). */
function capture(): { output: Output; text: () => string } {
  let all = '';
  const stream = (): NodeJS.WriteStream => ({ isTTY: false, write: (chunk: string) => ((all += chunk), true) }) as unknown as NodeJS.WriteStream;
  return { output: new Output({ json: false, stdout: stream(), stderr: stream(), env: {} }), text: () => all };
}

function expectSafe(lines: readonly string[]): void {
  for (const line of lines) expect(unsafeForDisplay(line), JSON.stringify(line.slice(0, 120))).toBeUndefined();
}

/**
 * Runs the printed `acmapi retrieve …` command's words through a real POSIX shell (`set --`)
 * and returns the argument list it would get: the independent check that the quoting holds.
 */
function shellWords(line: string): string[] {
  const start = line.indexOf('acmapi retrieve ');
  const rest = line.slice(start + 'acmapi retrieve '.length).split(/ {2}| \(or /)[0] ?? '';
  // A quoting bug must not reach the user's files: the shell gets a throwaway HOME and folder.
  const out = execFileSync('sh', ['-c', `set -- ${rest}; printf '%s\\0' "$@"`], { encoding: 'utf8', cwd: sandboxHome, env: { PATH: '/usr/bin:/bin', HOME: sandboxHome } });
  return out.split('\0').slice(0, -1);
}

const STORE = '/tmp/my store; rm -rf ~';
const sandboxHome = mkdtempSync(join(tmpdir(), 'acmapi-shell-home-'));
const cases = HOSTILE_STRINGS.map((h) => [h.label, h.value] as const);

describe('finding 2: server strings in the CLI (hostile-strings corpus)', () => {
  it.each(cases)('finding 2: list shows a stored handle, domain and error with %s escaped, and quotes the retrieve command', (_label, value) => {
    const record: CertificateRecord = {
      name: 'shop',
      domains: [value],
      keyType: 'ec-p256',
      state: 'pending',
      live: undefined,
      application: { version: 'v1', status: 'pending', domains: [value], keyType: 'ec-p256', preparedAt: new Date(0), handleId: value, since: undefined, lastPolledAt: undefined, polls: 1, endpoint: undefined },
      lastRetired: undefined,
      lastError: { code: 'CA_DOMAIN_VERIFY', message: `The CA answered 107 for ${value}`, at: new Date(0) },
      dir: '/store/shop',
    };
    const lines = listLines([listEntry(record)], ` --out '${STORE.replaceAll("'", "'\\''")}'`);
    expectSafe(lines);
    const retrieve = lines.find((line) => line.includes('acmapi retrieve '));
    expect(retrieve).toBeDefined();
    expect(shellWords(retrieve ?? '')).toEqual([displayText(value), '--out', STORE]);
  });

  it.each(cases)('finding 2: a pending result with a handle of %s prints a safe line and a quoted command', (_label, value) => {
    const { output, text } = capture();
    printCertificateResult(output, { status: 'pending', name: 'shop', domains: [value], handleId: value, dir: '/store/shop', exitCode: 3 }, STORE);
    const lines = text().split('\n').slice(0, -1);
    expectSafe(lines);
    const whatToDo = lines.find((line) => line.startsWith('What to do:'));
    expect(shellWords(whatToDo ?? '')).toEqual([displayText(value), '--out', STORE]);
  });

  it.each(cases)('finding 2: an issued result whose subject and issuer hold %s is shown escaped', (_label, value) => {
    const { output, text } = capture();
    printCertificateResult(
      output,
      {
        status: 'issued',
        name: 'shop',
        domains: ['shop.example'],
        handleId: 'handle_1',
        dir: '/store/shop',
        files: {},
        exitCode: 0,
        certificate: { subject: `CN=${value}`, sans: [value], issuer: `O=${value}`, serialNumber: '01', notBefore: 'x', notAfter: 'y', fingerprintSha256: 'AA' },
      },
      '',
    );
    expectSafe(text().split('\n').slice(0, -1));
  });

  it.each(cases)('finding 2: show prints a handle and stored error with %s escaped', (_label, value) => {
    const show: ShowJson = {
      name: 'shop',
      dir: '/store/shop',
      state: 'pending',
      domains: [value],
      keyType: 'ec-p256',
      live: null,
      renewAt: null,
      renewalTimeChosen: false,
      application: { status: 'pending', handleId: value, preparedAt: 'x', polls: 1 },
      lastAttempt: null,
      failures: null,
      lastError: { code: 'CA_DOMAIN_VERIFY', message: value, at: 'x' },
      settings: null,
      exitCode: 0,
    };
    expectSafe(showLines(show));
  });

  it.each(cases)('finding 2: the advice for a pending application quotes a handle with %s in its retrieve command', (_label, value) => {
    const advice = adviceFor(new StoreError('STORE_PENDING_EXISTS', 'm', { certificate: 'shop', handleId: value })) ?? '';
    expectSafe([advice]);
    expect(shellWords(advice.replace(' (see acmapi list)', '  '))).toEqual([displayText(value)]);
  });
});
