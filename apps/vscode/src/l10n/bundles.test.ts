import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Every runtime message: the English text of each `t('…')` call in src/ (the bundles' keys). */
async function collectMessages(): Promise<string[]> {
  const src = fileURLToPath(new URL('../', import.meta.url));
  const messages = new Set<string>();
  for (const entry of await readdir(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    const text = await readFile(join(entry.parentPath, entry.name), 'utf8');
    for (const match of text.matchAll(/\bt\(\s*'((?:[^'\\]|\\.)*)'/g)) messages.add((match[1] ?? '').replace(/\\(.)/g, '$1'));
  }
  return [...messages].sort();
}

const read = async (path: string): Promise<Record<string, string>> =>
  JSON.parse(await readFile(new URL(`../../${path}`, import.meta.url), 'utf8')) as Record<string, string>;

const placeholders = (text: string): string[] => [...text.matchAll(/\{\d+\}/g)].map((match) => match[0]).sort();

describe('l10n bundles', () => {
  it('translate every runtime message into Simplified Chinese, with the same placeholders', async () => {
    const messages = await collectMessages();
    const zh = await read('l10n/bundle.l10n.zh-cn.json');
    expect(messages.length).toBeGreaterThan(50);
    expect(messages.filter((message) => zh[message] === undefined)).toEqual([]);
    expect(Object.keys(zh).filter((key) => !messages.includes(key))).toEqual([]);
    for (const message of messages) expect(placeholders(zh[message] ?? ''), message).toEqual(placeholders(message));
  });

  it('translate every %key% of package.json', async () => {
    const manifest = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
    const keys = [...new Set([...manifest.matchAll(/"%([^%"]+)%"/g)].map((match) => match[1] ?? ''))];
    const en = await read('package.nls.json');
    const zh = await read('package.nls.zh-cn.json');
    expect(keys.length).toBeGreaterThan(10);
    expect(keys.filter((key) => en[key] === undefined)).toEqual([]);
    expect(keys.filter((key) => zh[key] === undefined)).toEqual([]);
  });
});
