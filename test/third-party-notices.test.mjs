// The third-party notices each published bundle carries (scripts/third-party-notices.mjs): the
// CLI's dist/THIRD_PARTY_NOTICES.md, the Action's THIRD_PARTY_NOTICES.md (at its distribution
// repository's root) and the VS Code extension's dist/THIRD_PARTY_NOTICES.md (in the .vsix).
// Each bundle is built again into a temporary folder with its esbuild metafile, and every
// package the metafile's inputs come from, found here by another route (the nearest
// package.json with a name, walking up from each input), must have its section: name, version,
// licence, and its licence file's full text.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from '../scripts/lib/pack.mjs';
import { collectNotices, noticesMarkdown } from '../scripts/third-party-notices.mjs';

const run = promisify(execFile);

/** The bundles, how each is built into a folder with its metafile, and the notices it ships. */
const BUNDLES = {
  cli: {
    dir: join(root, 'packages/cli'),
    build: (out, meta) => ['scripts/bundle-bin.mjs', '--outdir', out, '--metafile', meta],
    notices: (out) => join(out, 'THIRD_PARTY_NOTICES.md'),
    shipped: join(root, 'packages/cli/dist/THIRD_PARTY_NOTICES.md'),
  },
  action: {
    dir: join(root, 'apps/action'),
    build: (out, meta) => ['scripts/build.mjs', join(out, 'dist'), '--metafile', meta, '--notices', join(out, 'THIRD_PARTY_NOTICES.md')],
    notices: (out) => join(out, 'THIRD_PARTY_NOTICES.md'),
    shipped: join(root, 'apps/action/THIRD_PARTY_NOTICES.md'),
  },
  vscode: {
    dir: join(root, 'apps/vscode'),
    build: (out, meta) => ['scripts/build.mjs', out, '--metafile', meta],
    notices: (out) => join(out, 'THIRD_PARTY_NOTICES.md'),
    shipped: join(root, 'apps/vscode/dist/THIRD_PARTY_NOTICES.md'),
  },
};

/** The name and folder of the package a file belongs to: the nearest package.json that has a name. */
function owningPackage(file) {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name } = JSON.parse(readFileSync(manifest, 'utf8'));
    if (typeof name === 'string') return { name, dir };
  }
  throw new Error(`${file} belongs to no package`);
}

/** The sections of a notices file, by their heading ("name version"). */
function sections(text) {
  return new Map(
    text
      .split(/^## /m)
      .slice(1)
      .map((section) => [section.slice(0, section.indexOf('\n')), section]),
  );
}

/**
 * What a notices file lacks for a bundle's metafile: each third-party package (not @acmapi/*,
 * not the bundle's own package) without its section, licence or licence text; and sections of
 * packages the bundle does not hold.
 */
function problems(notices, metafile, absWorkingDir) {
  const found = sections(notices);
  const expected = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    if (/^[a-z][a-z0-9-]+:/.test(input)) continue;
    const { name, dir } = owningPackage(resolve(absWorkingDir, input));
    if (name.startsWith('@acmapi/') || name === 'acmapi-vscode') continue;
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expected.set(`${name} ${manifest.version}`, { dir, manifest });
  }
  const missing = [];
  for (const [heading, { dir, manifest }] of expected) {
    const section = found.get(heading);
    if (section === undefined) {
      missing.push(`${heading}: no section`);
      continue;
    }
    if (!section.includes(`\nLicense: ${manifest.license}`)) missing.push(`${heading}: not its licence ${manifest.license}`);
    const licenceFiles = readdirSync(dir).filter((file) => /^(licen[cs]e|copying)/i.test(file));
    if (licenceFiles.length === 0) {
      if (!section.includes('ships no LICENSE')) missing.push(`${heading}: ships no licence file, and the section does not say so`);
    } else if (!licenceFiles.some((file) => section.includes(readFileSync(join(dir, file), 'utf8').replace(/\r\n?/g, '\n').trim()))) {
      missing.push(`${heading}: not the text of its ${licenceFiles.join(' or ')}`);
    }
  }
  for (const heading of found.keys()) if (!expected.has(heading)) missing.push(`${heading}: not in the bundle`);
  return missing.sort();
}

let temp;
const built = {};
beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), 'acmapi-notices-'));
  await Promise.all(
    Object.entries(BUNDLES).map(async ([name, bundle]) => {
      const out = join(temp, name);
      const meta = join(temp, `${name}.meta.json`);
      await run(process.execPath, bundle.build(out, meta), { cwd: bundle.dir });
      built[name] = { metafile: JSON.parse(readFileSync(meta, 'utf8')), notices: readFileSync(bundle.notices(out), 'utf8') };
    }),
  );
});
afterAll(() => {
  if (temp) rmSync(temp, { recursive: true, force: true });
});

describe.each(Object.keys(BUNDLES))('the %s bundle', (name) => {
  it('lists every package its metafile holds, with its licence and licence text, and no other', () => {
    const { metafile, notices } = built[name];
    expect(Object.keys(metafile.inputs).some((input) => input.includes('/node_modules/'))).toBe(true);
    expect(problems(notices, metafile, BUNDLES[name].dir)).toEqual([]);
  });

  it('ships the notices of what it holds (the built or committed file is that build’s)', () => {
    expect(readFileSync(BUNDLES[name].shipped, 'utf8')).toBe(built[name].notices);
  });

  it('the check fails for notices that miss a package', () => {
    const { metafile, notices } = built[name];
    const [, first] = notices.split(/^## /m);
    const heading = first.slice(0, first.indexOf('\n'));
    expect(problems(notices.replace(`## ${first}`, ''), metafile, BUNDLES[name].dir)).toEqual([`${heading}: no section`]);
  });
});

describe('collectNotices', () => {
  let modules;
  const pkg = (name, manifest, files = {}) => {
    mkdirSync(join(modules, name), { recursive: true });
    writeFileSync(join(modules, name, 'package.json'), JSON.stringify({ name, version: '1.0.0', ...manifest }));
    for (const [file, text] of Object.entries(files)) writeFileSync(join(modules, name, file), text);
    return `node_modules/${name}/index.js`;
  };
  const metafileOf = (...inputs) => ({ metafile: { inputs: Object.fromEntries(inputs.map((input) => [input, {}])) }, absWorkingDir: join(modules, '..') });
  beforeAll(() => {
    modules = join(temp, 'fixture', 'node_modules');
  });

  it('fails the build for a licence outside the allow-list, naming the package and what it states', () => {
    const gpl = pkg('copyleft-thing', { license: 'GPL-3.0-only' }, { LICENSE: 'GNU GENERAL PUBLIC LICENSE' });
    const mit = pkg('fine-thing', { license: 'MIT' }, { LICENSE: 'MIT License' });
    expect(() => collectNotices([metafileOf(gpl, mit)])).toThrow(
      expect.objectContaining({ code: 'LICENCE_NOT_ALLOWED', message: expect.stringContaining('copyleft-thing@1.0.0 ("GPL-3.0-only")') }),
    );
    expect(() => collectNotices([metafileOf(pkg('unstated-thing', {}))])).toThrow(expect.objectContaining({ message: expect.stringContaining('unstated-thing@1.0.0 ("UNSTATED")') }));
  });

  it('takes node-forge’s dual licence as BSD-3-Clause, reads LICENCE/COPYING variants, and says when a package ships none', () => {
    const forge = pkg('forge-like', { license: '(BSD-3-Clause OR GPL-2.0)' }, { 'LICENSE.md': 'BSD text\r\nsecond line\n' });
    const bare = pkg('@scope/bare', { license: 'ISC' });
    const old = pkg('old-style', { licenses: [{ type: 'MIT' }] }, { 'COPYING': 'old text' });
    const notices = collectNotices([metafileOf(forge, bare, old, `${bare.replace('index.js', 'lib/deep/file.js')}`, 'acmapi:generated-by-a-plugin')]);
    expect(notices.map((n) => [n.name, n.licence, n.takenAs, n.text])).toEqual([
      ['@scope/bare', 'ISC', 'ISC', undefined],
      ['forge-like', '(BSD-3-Clause OR GPL-2.0)', 'BSD-3-Clause', 'BSD text\nsecond line'],
      ['old-style', 'MIT', 'MIT', 'old text'],
    ]);
    const text = noticesMarkdown('A product', notices);
    expect(text).toContain('## forge-like 1.0.0\n\nLicense: (BSD-3-Clause OR GPL-2.0) (used under BSD-3-Clause)\n\nFrom its LICENSE.md:\n\n```text\nBSD text\nsecond line\n```\n');
    expect(text).toContain('## @scope/bare 1.0.0\n\nLicense: ISC\n\nThe package ships no LICENSE');
  });
});
