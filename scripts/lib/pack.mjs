// The published packages, packed as npm would get them: `pnpm pack` (it rewrites workspace:*
// to the real versions), one tarball each. Shared by scripts/check-packages.mjs (publint,
// arethetypeswrong), the release dry run and test/packages.test.mjs.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The folders of the packages published to npm, in dependency order. */
export const PUBLISHED = ['packages/core', 'packages/sandbox', 'packages/cli'];

/** The pinned pnpm (package.json's packageManager), as a command and its leading arguments. */
export function pnpmCommand() {
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.trim() === version) return ['pnpm', []];
  return ['npx', ['-y', `pnpm@${version}`]];
}

/**
 * Packs every published package into `destination` (built dist/ as it is: build first).
 * @param {string} destination an existing folder
 * @returns {{ name: string, version: string, dir: string, tarball: string }[]}
 * @throws {Error} when pnpm pack fails, with its output
 */
export function packPackages(destination) {
  const [pnpm, pnpmArgs] = pnpmCommand();
  return PUBLISHED.map((folder) => {
    const dir = join(root, folder);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const result = spawnSync(pnpm, [...pnpmArgs, 'pack', '--pack-destination', destination], { cwd: dir, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`pnpm pack in ${folder} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
    const tarball = join(destination, `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`);
    return { name: manifest.name, version: manifest.version, dir, tarball, file: basename(tarball) };
  });
}

/** What every published tarball carries besides its code: how to use it, what changed, the licence. */
export const REQUIRED_FILES = ['package/README.md', 'package/CHANGELOG.md', 'package/LICENSE'];

/**
 * The paths inside a packed tarball (each under package/), as `tar` lists them.
 * @param {string} tarball a .tgz from packPackages
 * @returns {string[]}
 */
export function tarballFiles(tarball) {
  return execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
}
