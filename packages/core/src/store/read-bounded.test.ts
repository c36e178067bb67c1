import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTempDir } from '@acmapi/test-utils';
import { readConfig } from '../config/read-config.js';
import { signfilePhaseFromSettings, readPkcs12Passphrase } from '../lifecycle/settings.js';
import { checkSignfilePhase } from '../lifecycle/signfile-phase.js';
import { fileTooLargeDetail, LocalFileEncodingError, LocalFileTooLargeError, MAX_LOCAL_FILE_BYTES, MAX_PASSPHRASE_FILE_BYTES, readLocalFile, readLocalTextFile } from './read-bounded.js';

describe('readLocalFile', () => {
  it('finding 12: an endless file (/dev/zero) ends in EFBIG naming the file and the cap, not in unbounded memory', async () => {
    const error: unknown = await readLocalFile('/dev/zero', { maxBytes: 4096 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LocalFileTooLargeError);
    expect(error).toMatchObject({ code: 'EFBIG', path: '/dev/zero', maxBytes: 4096 });
    expect((error as Error).message).toContain('/dev/zero');
    expect((error as Error).message).toContain('4 KiB');
    await expect(readLocalFile('/dev/zero')).rejects.toMatchObject({ code: 'EFBIG', maxBytes: MAX_LOCAL_FILE_BYTES });
  });

  it('finding 12: a file of exactly the cap is read whole; one byte more is refused', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'f');
      await writeFile(file, 'x'.repeat(100_000));
      expect((await readLocalTextFile(file, { maxBytes: 100_000 })).length).toBe(100_000);
      await expect(readLocalFile(file, { maxBytes: 99_999 })).rejects.toMatchObject({ code: 'EFBIG' });
      await expect(readLocalFile(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    });
  });

  it('finding 12: the project file, the signfile and the passphrase file are capped', async () => {
    await expect(readConfig('/dev/zero')).rejects.toMatchObject({ name: 'ConfigError', code: 'CONFIG_UNREADABLE', file: '/dev/zero', message: expect.stringContaining('1 MiB') as string });
    await expect(signfilePhaseFromSettings({ signfile: { path: '/dev/zero', placement: { kind: 'none' } } })).rejects.toMatchObject({ name: 'OptionsError', message: expect.stringContaining('1 MiB') as string });
    await expect(readPkcs12Passphrase({ passphraseFile: '/dev/zero' }, {})).rejects.toMatchObject({
      name: 'OptionsError',
      message: expect.stringContaining(`${MAX_PASSPHRASE_FILE_BYTES / 1024} KiB`) as string,
    });
  });
});

describe('readLocalTextFile and files written by Windows tools', () => {
  it('drops a UTF-8 byte-order mark and keeps CRLF; the project file with both parses', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'acmapi.json');
      const json = JSON.stringify({ endpoint: 'https://ca.example/', certificates: [{ name: 'a', domains: ['a.example'] }] }, null, 2).replace(/\n/g, '\r\n');
      await writeFile(file, `\uFEFF${json}\r\n`);
      expect(await readLocalTextFile(file)).toBe(`${json}\r\n`);
      expect((await readConfig(file)).config.certificates[0]?.name).toBe('a');
    });
  });

  it.each([
    ['UTF-16LE', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{}', 'utf16le')])],
    ['UTF-16BE', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('{}', 'utf16le').swap16()])],
  ])('refuses %s (EILSEQ), naming the file and how to save it as UTF-8', async (encoding, bytes) => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'acmapi.json');
      await writeFile(file, bytes);
      const error: unknown = await readLocalTextFile(file).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(LocalFileEncodingError);
      expect(error).toMatchObject({ code: 'EILSEQ', path: file, encoding });
      expect(fileTooLargeDetail(error)).toContain('save it as UTF-8');
      await expect(readConfig(file)).rejects.toMatchObject({ code: 'CONFIG_UNREADABLE' });
    });
  });

  it('a UTF-16 signfile is refused (its served bytes would differ from the token); one with a BOM and CRLF is not', () => {
    const utf16 = new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('token\r\n', 'utf16le')]));
    expect(() => {
      checkSignfilePhase({ signfile: { name: 'signfile', content: utf16 }, preflight: 'warn' });
    }).toThrow(/saved as UTF-16LE: served as is, its content would differ/);
    expect(() => {
      checkSignfilePhase({ signfile: { name: 'signfile', content: new Uint8Array(Buffer.from('\uFEFFtoken\r\n')) }, preflight: 'warn' });
    }).not.toThrow();
  });
});

