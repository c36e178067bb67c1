/**
 * CHANGELOGs come from changesets: `changeset version`, run in a scratch copy of the
 * workspace's manifests and .changeset folder (never in the repository: no real version
 * bump), gives every versioned package (all but .changeset/config.json's `ignore`) a
 * CHANGELOG.md whose newest section is its new version and holds its changesets' summaries.
 */
import { execFile } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

interface Manifest {
  name: string;
  version: string;
}
interface ChangesetConfig {
  ignore: string[];
}

/** The workspace's package folders, relative to the root (pnpm-workspace.yaml: packages/*, apps/*, examples). */
async function packageDirs(): Promise<string[]> {
  const workspace = await readFile(join(repoRoot, 'pnpm-workspace.yaml'), 'utf8');
  const globs = [...workspace.matchAll(/^ {2}- (\S+)$/gm)].map(([, glob]) => glob ?? '');
  const dirs: string[] = [];
  for (const glob of globs) {
    if (glob.endsWith('/*')) {
      const base = glob.slice(0, -2);
      for (const name of await readdir(join(repoRoot, base))) if (existsSync(join(repoRoot, base, name, 'package.json'))) dirs.push(join(base, name));
    } else if (existsSync(join(repoRoot, glob, 'package.json'))) {
      dirs.push(glob);
    }
  }
  return dirs;
}

/** The package names a changeset file's front matter bumps. */
function bumpedBy(changeset: string): string[] {
  const front = /^---\n([^]*?)\n---/.exec(changeset)?.[1] ?? '';
  return [...front.matchAll(/^["']?([^"':]+)["']?\s*:\s*(major|minor|patch)\s*$/gm)].map(([, name]) => name ?? '');
}

describe('CHANGELOGs from changesets', () => {
  let scratch: string;
  let dirs: string[];
  const before = new Map<string, Manifest>();
  const changesets = new Map<string, string>();

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'acmapi-changesets-'));
    dirs = await packageDirs();
    await copyFile(join(repoRoot, 'package.json'), join(scratch, 'package.json'));
    await copyFile(join(repoRoot, 'pnpm-workspace.yaml'), join(scratch, 'pnpm-workspace.yaml'));
    await cp(join(repoRoot, '.changeset'), join(scratch, '.changeset'), { recursive: true });
    for (const file of await readdir(join(repoRoot, '.changeset'))) {
      if (file.endsWith('.md') && file !== 'README.md') changesets.set(file, await readFile(join(repoRoot, '.changeset', file), 'utf8'));
    }
    for (const dir of dirs) {
      await mkdir(join(scratch, dir), { recursive: true });
      await copyFile(join(repoRoot, dir, 'package.json'), join(scratch, dir, 'package.json'));
      if (existsSync(join(repoRoot, dir, 'CHANGELOG.md'))) await copyFile(join(repoRoot, dir, 'CHANGELOG.md'), join(scratch, dir, 'CHANGELOG.md'));
      before.set(dir, JSON.parse(await readFile(join(repoRoot, dir, 'package.json'), 'utf8')) as Manifest);
    }
    const bin = join(repoRoot, 'node_modules', '@changesets', 'cli', 'bin.js');
    await run(process.execPath, [bin, 'version'], { cwd: scratch, env: { ...process.env, CI: '1' } });
  }, 120_000);

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('has changesets to version (else this test proves nothing)', () => {
    expect(changesets.size).toBeGreaterThan(0);
  });

  it('gives every versioned package a CHANGELOG.md headed by its new version, with its changesets in it', async () => {
    const config = JSON.parse(await readFile(join(repoRoot, '.changeset', 'config.json'), 'utf8')) as ChangesetConfig;
    const versioned = dirs.filter((dir) => !config.ignore.includes(before.get(dir)?.name ?? ''));
    expect(versioned.length).toBeGreaterThanOrEqual(5);
    let summariesFound = 0;
    for (const dir of versioned) {
      const name = before.get(dir)?.name ?? dir;
      const after = JSON.parse(await readFile(join(scratch, dir, 'package.json'), 'utf8')) as Manifest;
      expect(after.version, `${name} was not versioned`).not.toBe(before.get(dir)?.version);
      const changelog = await readFile(join(scratch, dir, 'CHANGELOG.md'), 'utf8');
      const newest = /^## (\S+)$/m.exec(changelog)?.[1];
      expect(newest, `${name}: newest CHANGELOG section`).toBe(after.version);
      // Each changeset naming this package has its summary's first line under the new version.
      const section = changelog.slice(changelog.indexOf(`## ${after.version}`)).split(/^## (?!#)/m)[1] ?? '';
      for (const [file, text] of changesets) {
        if (!bumpedBy(text).includes(name)) continue;
        const summary = text.replace(/^---\n[^]*?\n---\n+/, '').split('\n')[0]?.trim() ?? '';
        expect(section, `${name}: summary of ${file}`).toContain(summary);
        summariesFound += 1;
      }
    }
    expect(summariesFound).toBeGreaterThanOrEqual(changesets.size);
  });

  it('leaves ignored packages alone, and the repository untouched', async () => {
    const config = JSON.parse(await readFile(join(repoRoot, '.changeset', 'config.json'), 'utf8')) as ChangesetConfig;
    for (const dir of dirs.filter((d) => config.ignore.includes(before.get(d)?.name ?? ''))) {
      const after = JSON.parse(await readFile(join(scratch, dir, 'package.json'), 'utf8')) as Manifest;
      expect(after.version).toBe(before.get(dir)?.version);
      expect(existsSync(join(scratch, dir, 'CHANGELOG.md'))).toBe(existsSync(join(repoRoot, dir, 'CHANGELOG.md')));
    }
    for (const file of changesets.keys()) {
      expect(existsSync(join(scratch, '.changeset', file)), `${file} consumed in the scratch copy`).toBe(false);
      expect(existsSync(join(repoRoot, '.changeset', file)), `${file} still in the repository`).toBe(true);
    }
  });
});
