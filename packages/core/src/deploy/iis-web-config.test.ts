import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTempDir } from '@acmapi/test-utils';
import { IIS_WEB_CONFIG, writeIisWebConfig } from './iis-web-config.js';

describe('writeIisWebConfig', () => {
  it('maps extensionless files to text/plain, removing an inherited mapping first', () => {
    const remove = IIS_WEB_CONFIG.indexOf('<remove fileExtension="." />');
    const add = IIS_WEB_CONFIG.indexOf('<mimeMap fileExtension="." mimeType="text/plain" />');
    expect(remove).toBeGreaterThan(IIS_WEB_CONFIG.indexOf('<staticContent>'));
    expect(add).toBeGreaterThan(remove);
    expect(IIS_WEB_CONFIG.indexOf('</staticContent>')).toBeGreaterThan(add);
  });

  it('writes the file, and removes it only while it is still ours', async () => {
    await withTempDir(async (dir) => {
      const first = await writeIisWebConfig(dir);
      expect(first.created).toBe(true);
      expect(await readFile(join(dir, 'web.config'), 'utf8')).toBe(IIS_WEB_CONFIG);
      // An identical one (a crashed earlier run's) is reused, and left in place.
      const again = await writeIisWebConfig(dir);
      expect(again.created).toBe(false);
      await writeFile(first.path, '<configuration><!-- edited --></configuration>');
      await first.remove();
      expect(await readFile(first.path, 'utf8')).toContain('edited');
    });
  });

  it('never overwrites a foreign web.config', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'web.config'), '<configuration/>');
      await expect(writeIisWebConfig(dir)).rejects.toMatchObject({ code: 'DEPLOY_WEB_CONFIG_EXISTS' });
      expect(await readFile(join(dir, 'web.config'), 'utf8')).toBe('<configuration/>');
    });
  });
});
