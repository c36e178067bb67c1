import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { LocalIoError, STORE_ELSEWHERE } from './cli-errors.js';
import { keySourceFor } from './key-flags.js';
import { pfxPassphrase } from './pfx.js';
import { parseSignfileFlags } from './signfile-flags.js';

const project = { config: undefined, configFile: '/nonexistent/acmapi.json', configDir: '/nonexistent', storeDir: '/nonexistent/certs' };

async function failure(promise: Promise<unknown>): Promise<LocalIoError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(LocalIoError);
  return error as LocalIoError;
}

describe('reads of files named by flags are capped', () => {
  it('finding 12: --signfile /dev/zero fails with EFBIG naming the file and the cap', async () => {
    const error = await failure(parseSignfileFlags({ signfile: '/dev/zero', resolve: [] }, {}));
    expect(error.errno).toBe('EFBIG');
    expect(error.message).toContain('/dev/zero');
    expect(error.message).toContain('1 MiB');
    expect(error.hint).toMatch(/device|pipe/);
  });

  it('finding 12: ACMAPI_SIGNFILE, --csr, --key and --pfx-passphrase-file are capped too', async () => {
    expect((await failure(parseSignfileFlags({ resolve: [] }, { ACMAPI_SIGNFILE: '/dev/zero' }))).errno).toBe('EFBIG');
    expect((await failure(keySourceFor({ csr: '/dev/zero' }, undefined, project))).errno).toBe('EFBIG');
    expect((await failure(keySourceFor({ key: '/dev/zero' }, undefined, project))).errno).toBe('EFBIG');
    const passphrase = await failure(pfxPassphrase({ pfx: true, pfxPassphraseFile: '/dev/zero' }, {}));
    expect(passphrase.errno).toBe('EFBIG');
    expect(passphrase.message).toContain('64 KiB');
  });
});

describe('a file named by a flag that cannot be read', () => {
  it('a folder given for --signfile, --key or --csr: says to name the file itself, and never points at --out (which is about the store)', async () => {
    const folder = tmpdir();
    for (const error of [
      await failure(parseSignfileFlags({ signfile: folder, resolve: [] }, {})),
      await failure(keySourceFor({ key: folder, csr: folder }, undefined, project)),
      await failure(keySourceFor({ csr: folder }, undefined, project)),
    ]) {
      expect(error.errno).toBe('EISDIR');
      expect(error.hint).toBe('It is a folder: name the file itself.');
    }
  });

  it('the store: a failure there still offers another folder with --out', () => {
    const denied = Object.assign(new Error('denied'), { code: 'EACCES' });
    expect(new LocalIoError('read the store', '/srv/certs', denied, STORE_ELSEWHERE).hint).toBe('Check the permissions of the file and its folder, or choose another folder with --out.');
    expect(new LocalIoError('read the signfile', '/srv/signfile', denied).hint).toBe('Check the permissions of the file and its folder.');
  });
});
