#!/usr/bin/env node
// The release's git tags, computed from the versions changesets wrote (the release workflow
// runs it after `changeset version` has been merged; the tests run it here):
//   vX.Y.Z  the release of the repository (the Action, the .vsix), from apps/action's version
//   vX      moved to vX.Y.Z, so that `uses: OWNER/REPO@v1` takes every compatible release;
//           not moved by a prerelease (X.Y.Z-rc.1), which users must ask for by its own tag
// The npm packages get their own `@acmapi/core@X.Y.Z` tags from `changeset publish`.
//
//   node scripts/release-plan.mjs                 prints the plan
//   node scripts/release-plan.mjs --json          the plan as JSON
//   node scripts/release-plan.mjs --github-output also appends release=, version=, tag=, major-tag= to $GITHUB_OUTPUT
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * @typedef {{ name: string, action: 'create' | 'move', target: string }} PlannedTag
 * @typedef {{ version: string, release: boolean, tags: PlannedTag[], packages: { name: string, version: string }[], reason?: string }} ReleasePlan
 */

/**
 * The tags of a release (pure).
 * @param {{ version: string, existingTags: readonly string[], packages?: readonly { name: string, version: string }[] }} input
 *   version: the repository's release version (apps/action's, semver); existingTags: `git tag --list`
 * @returns {ReleasePlan} release false (no tags) when vX.Y.Z exists already: nothing new to release
 * @throws {Error} when the version is not semver
 */
export function planRelease({ version, existingTags, packages = [] }) {
  const match = SEMVER.exec(version);
  if (match === null) throw new Error(`"${version}" is not a semantic version (X.Y.Z).`);
  const tag = `v${version}`;
  if (existingTags.includes(tag)) return { version, release: false, tags: [], packages: [...packages], reason: `${tag} exists already` };
  /** @type {PlannedTag[]} */
  const tags = [{ name: tag, action: 'create', target: 'HEAD' }];
  const prerelease = match[4] !== undefined;
  if (!prerelease) tags.push({ name: `v${match[1]}`, action: existingTags.includes(`v${match[1]}`) ? 'move' : 'create', target: tag });
  return { version, release: true, tags, packages: [...packages] };
}

/**
 * @param {ReleasePlan} plan
 * @returns {string} one line per tag, then the npm packages
 */
export function formatPlan(plan) {
  const lines = [];
  if (!plan.release) lines.push(`No release: ${plan.reason ?? 'nothing to tag'}.`);
  for (const tag of plan.tags) lines.push(tag.action === 'move' ? `move   ${tag.name} -> ${tag.target}` : `create ${tag.name}${tag.target === 'HEAD' ? '' : ` -> ${tag.target}`}`);
  for (const pkg of plan.packages) lines.push(`npm    ${pkg.name}@${pkg.version}`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const read = (folder) => JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8'));
  const existingTags = execFileSync('git', ['tag', '--list'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
  const packages = ['packages/core', 'packages/sandbox', 'packages/cli'].map((folder) => ({ name: read(folder).name, version: read(folder).version }));
  const plan = planRelease({ version: read('apps/action').version, existingTags, packages });
  console.log(process.argv.includes('--json') ? JSON.stringify(plan, null, 2) : formatPlan(plan));
  if (process.argv.includes('--github-output')) {
    const file = process.env.GITHUB_OUTPUT;
    if (file === undefined) throw new Error('--github-output needs GITHUB_OUTPUT (set by GitHub Actions).');
    const major = plan.tags.find((tag) => tag.target !== 'HEAD');
    appendFileSync(file, `release=${plan.release}\nversion=${plan.version}\ntag=v${plan.version}\nmajor-tag=${major?.name ?? ''}\n`);
  }
}
