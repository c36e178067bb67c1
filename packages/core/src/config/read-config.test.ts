import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTempDir } from '@acmapi/test-utils';
import { findConfig, readConfig } from './read-config.js';

describe('readConfig and findConfig', () => {
  it('finds acmapi.json in a parent folder and reads it from a folder or a file path', async () => {
    await withTempDir(async (dir) => {
      const deep = join(dir, 'a', 'b');
      await mkdir(deep, { recursive: true });
      await writeFile(join(dir, 'acmapi.json'), JSON.stringify({ certificates: [{ name: 'www', domains: ['example.com'] }] }));
      const found = await findConfig(deep);
      expect(found).toBe(join(dir, 'acmapi.json'));
      const fromDir = await readConfig(dir);
      expect(fromDir.file).toBe(join(dir, 'acmapi.json'));
      expect(fromDir.dir).toBe(dir);
      expect(fromDir.config.certificates[0]?.name).toBe('www');
      expect((await readConfig(found ?? '')).config).toEqual(fromDir.config);
    });
  });

  it('says which file is missing, not JSON, or invalid', async () => {
    await withTempDir(async (dir) => {
      await expect(readConfig(dir)).rejects.toMatchObject({ code: 'CONFIG_NOT_FOUND' });
      await writeFile(join(dir, 'acmapi.json'), '{ "certificates": [ }');
      await expect(readConfig(dir)).rejects.toMatchObject({ code: 'CONFIG_UNREADABLE', file: join(dir, 'acmapi.json') });
      await writeFile(join(dir, 'acmapi.json'), JSON.stringify({ certificates: [{ name: 'x', domains: ['*.example.com'] }] }));
      const error = await readConfig(dir).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'CONFIG_INVALID', issues: [{ path: 'certificates[0].domains[0]' }] });
      expect((error as Error).message).toContain(join(dir, 'acmapi.json'));
    });
  });
});
