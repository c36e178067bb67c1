import { AcmApiError, CaError, CsrError, OptionsError, StoreError } from '@acmapi/core';
import { describe, expect, it } from 'vitest';
import { adviceFor } from './advice.js';
import { describeError } from './describe-error.js';

describe('advice per error code, in the command line\'s words', () => {
  it('names the flag to use', () => {
    expect(adviceFor(new CsrError('KEY_REQUIRED', 'A CSR was given without its private key.'))).toContain('--key FILE');
    expect(adviceFor(new OptionsError('A strict preflight needs the signfile.', { option: 'signfile' }))).toContain('--signfile FILE');
    expect(adviceFor(new OptionsError('x', { option: 'waitMs' }))).toMatch(/^Check --wait/);
    expect(adviceFor(new CaError(101))).toContain('--customer-id or ACMAPI_CUSTOMER_ID');
    expect(adviceFor(new StoreError('STORE_LOCKED', 'x'))).toContain('--lock-wait');
    expect(adviceFor(new StoreError('STORE_IO', 'x'))).toContain('--out');
  });

  it('speaks the CLI\'s words for a known code, falls back to a new code\'s neutral hint, else to nothing', () => {
    expect(adviceFor(new CaError(109))).toContain('acmapi list');
    expect(adviceFor(Object.assign(new AcmApiError('SOMETHING_NEW', 'x'), { hint: 'Do the new thing.' }))).toBe('Do the new thing.');
    expect(adviceFor(new AcmApiError('SOMETHING_NEW', 'x'))).toBeUndefined();
  });

  it('keeps the CA\'s facts in the --json error', () => {
    expect(describeError(new CaError(107, 'www.example.com'))).toMatchObject({ code: 'CA_DOMAIN_VERIFY_FAILED', status: 107, domain: 'www.example.com' });
    const described = describeError(new CsrError('KEY_REQUIRED', 'A CSR was given without its private key.'));
    expect(described).toMatchObject({ code: 'KEY_REQUIRED', message: 'A CSR was given without its private key.' });
    expect(described.hint).toContain('--key');
  });
});

describe('failed file operations', () => {
  function errnoError(code: string, syscall: string, path: string): NodeJS.ErrnoException {
    return Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path });
  }

  it('finding 11: a read-only file system, a full disk and a refused permission each get their own advice, naming the file', () => {
    const readOnly = describeError(errnoError('EROFS', 'open', '/srv/certs/shop/.lock'));
    expect(readOnly).toMatchObject({ code: 'LOCAL_IO', message: 'Could not open /srv/certs/shop/.lock (EROFS).' });
    expect(readOnly.hint).toMatch(/read-only/);
    expect(readOnly.hint).not.toMatch(/exists/);
    expect(describeError(errnoError('ENOSPC', 'write', '/srv/certs/shop/state.json')).hint).toMatch(/full/);
    expect(describeError(errnoError('EACCES', 'mkdir', '/srv/certs/new')).hint).toMatch(/permissions/);
    expect(describeError(errnoError('ENOENT', 'open', '/nope')).hint).toMatch(/exists/);
  });
});
