// The glossary (l10n/GLOSSARY.md) is the rule for the Chinese terms: its checked rows are
// enforced here on both Chinese bundles, so a new string cannot bring back 主题 for "subject".
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

interface Term {
  readonly english: string[];
  readonly chinese: string;
  readonly never: string[];
}

async function checkedTerms(): Promise<Term[]> {
  const text = await readFile(new URL('../../l10n/GLOSSARY.md', import.meta.url), 'utf8');
  const terms: Term[] = [];
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    // | English | 中文 | never | checked | note |
    if (cells.length < 6 || cells[4] !== 'yes') continue;
    const english = (cells[1] ?? '').replace(/\s*\(.*\)$/, '').split(',').map((word) => word.trim()).filter((word) => word !== '');
    terms.push({ english, chinese: cells[2] ?? '', never: (cells[3] ?? '').split(',').map((word) => word.trim()).filter((word) => word !== '') });
  }
  return terms;
}

async function pairs(): Promise<[string, string][]> {
  const read = async (path: string): Promise<Record<string, string>> => JSON.parse(await readFile(new URL(`../../${path}`, import.meta.url), 'utf8')) as Record<string, string>;
  const [bundleEn, bundleZh, nlsEn, nlsZh] = await Promise.all([read('l10n/bundle.l10n.json'), read('l10n/bundle.l10n.zh-cn.json'), read('package.nls.json'), read('package.nls.zh-cn.json')]);
  return [
    ...Object.entries(bundleZh).map(([key, zh]): [string, string] => [bundleEn[key] ?? key, zh]),
    ...Object.entries(nlsZh).map(([key, zh]): [string, string] => [nlsEn[key] ?? key, zh]),
  ];
}

describe('Chinese glossary', () => {
  it('has the PKI terms a native reader expects: 主体, 颁发者, 使用者可选名称', async () => {
    const terms = await checkedTerms();
    expect(terms.map((term) => `${term.english[0] ?? ''}=${term.chinese}`)).toEqual(expect.arrayContaining(['subject=主体', 'issuer=颁发者', 'Subject Alternative Name=使用者可选名称']));
  });

  it('every Chinese string uses the glossary\'s term where the English has it, and never the wrong word', async () => {
    const terms = await checkedTerms();
    const all = await pairs();
    expect(all.length).toBeGreaterThan(100);
    const wrong: string[] = [];
    for (const [english, chinese] of all) {
      for (const term of terms) {
        for (const word of term.never) if (chinese.includes(word)) wrong.push(`${chinese}: "${word}" instead of ${term.chinese}`);
        // "subject" inside "Subject Alternative Name(s)" is the SAN's term, not the subject's.
        // Setting and file names (acmapi.pending.firstPoll) are names, not words to translate.
        const words = english.replace(/\b\w+(\.\w+)+\b/g, '');
        const text = term.english[0] === 'subject' ? words.replace(/Subject Alternative Names?/gi, '') : words;
        const has = term.english.some((word) => new RegExp(`\\b${word}\\b`, 'i').test(text));
        if (has && !chinese.includes(term.chinese)) wrong.push(`${english} → ${chinese}: expected ${term.chinese}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
