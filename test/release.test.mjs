// The release, rehearsed without publishing anything: the tag plan (scripts/release-plan.mjs),
// `changeset version` in a scratch clone of this commit, the Action's distribution repository
// assembled from that clone and pushed to a local one (scripts/action-repository.mjs),
// `npm publish --dry-run` of each packed package, and the release workflow's shape.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networkEnv } from '../scripts/lib/network.mjs';
import { PUBLISHED, packPackages, root } from '../scripts/lib/pack.mjs';
import { assembleActionRepository } from '../scripts/action-repository.mjs';
import { formatPlan, planRelease } from '../scripts/release-plan.mjs';

const read = (dir, folder) => JSON.parse(readFileSync(join(dir, folder, 'package.json'), 'utf8'));
/** [major, minor, patch] of X.Y.Z */
const parts = (version) => version.split(/[.-]/).slice(0, 3).map(Number);
const greater = (a, b) => {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return false;
};

let temp;
beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), 'acmapi-release-'));
});
afterAll(() => {
  if (temp) rmSync(temp, { recursive: true, force: true });
});

describe('the tag plan (scripts/release-plan.mjs)', () => {
  it('a first release creates vX.Y.Z and vX', () => {
    const plan = planRelease({ version: '1.2.3', existingTags: [] });
    expect(plan.release).toBe(true);
    expect(plan.tags).toEqual([
      { name: 'v1.2.3', action: 'create', target: 'HEAD' },
      { name: 'v1', action: 'create', target: 'v1.2.3' },
    ]);
  });

  it('a later release of the same major moves vX', () => {
    const plan = planRelease({ version: '1.3.0', existingTags: ['v1', 'v1.2.3', '@acmapi/core@1.2.3'] });
    expect(plan.tags).toEqual([
      { name: 'v1.3.0', action: 'create', target: 'HEAD' },
      { name: 'v1', action: 'move', target: 'v1.3.0' },
    ]);
    expect(formatPlan(plan)).toBe('create v1.3.0\nmove   v1 -> v1.3.0');
  });

  it('a new major starts its own moving tag and leaves the old one', () => {
    const plan = planRelease({ version: '2.0.0', existingTags: ['v1', 'v1.3.0'] });
    expect(plan.tags.map((tag) => `${tag.action} ${tag.name}`)).toEqual(['create v2.0.0', 'create v2']);
  });

  it('a prerelease gets its own tag and does not move vX', () => {
    const plan = planRelease({ version: '2.0.0-rc.1', existingTags: ['v1'] });
    expect(plan.tags).toEqual([{ name: 'v2.0.0-rc.1', action: 'create', target: 'HEAD' }]);
  });

  it('nothing to release when vX.Y.Z exists', () => {
    const plan = planRelease({ version: '1.3.0', existingTags: ['v1', 'v1.3.0'] });
    expect(plan.release).toBe(false);
    expect(plan.tags).toEqual([]);
    expect(formatPlan(plan)).toBe('No release: v1.3.0 exists already.');
  });

  it('refuses a version that is not semver', () => {
    expect(() => planRelease({ version: '1.2', existingTags: [] })).toThrow(/not a semantic version/);
    expect(() => planRelease({ version: 'v1.2.3', existingTags: [] })).toThrow(/not a semantic version/);
  });

  it('prints the plan for this checkout from apps/action’s version and the npm packages’ versions', () => {
    const out = execFileSync(process.execPath, [join(root, 'scripts/release-plan.mjs')], { cwd: root, encoding: 'utf8' });
    const version = read(root, 'apps/action').version;
    const tags = execFileSync('git', ['tag', '--list'], { cwd: root, encoding: 'utf8' }).split('\n');
    if (tags.includes(`v${version}`)) expect(out).toContain(`No release: v${version} exists already.`);
    else expect(out).toContain(`create v${version}`);
    for (const folder of PUBLISHED) expect(out).toContain(`npm    ${read(root, folder).name}@${read(root, folder).version}`);
  });
});

describe('changeset version in a scratch clone', () => {
  let scratch;
  let pending;
  beforeAll(() => {
    scratch = join(temp, 'scratch');
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', root, scratch]);
    // The clone shares this checkout's installed tools (changesets and its changelog module).
    symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'), 'dir');
    pending = readdirSync(join(scratch, '.changeset')).filter((name) => name.endsWith('.md') && name !== 'README.md');
    const result = spawnSync(process.execPath, [join(root, 'node_modules/@changesets/cli/bin.js'), 'version'], { cwd: scratch, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`changeset version failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  }, 120_000);

  it('there were changesets to version (else this rehearses nothing)', () => {
    expect(pending.length).toBeGreaterThan(0);
  });

  it('raises the published packages’ versions together (linked) and writes their CHANGELOG.md', () => {
    const versions = PUBLISHED.map((folder) => read(scratch, folder).version);
    for (const [index, folder] of PUBLISHED.entries()) {
      expect(greater(versions[index], read(root, folder).version), `${folder}: ${versions[index]}`).toBe(true);
      const changelog = readFileSync(join(scratch, folder, 'CHANGELOG.md'), 'utf8');
      expect(changelog).toContain(`## ${versions[index]}`);
    }
    expect(new Set(versions).size).toBe(1);
    // The CLI depends on the new core, not on workspace:* rewritten away.
    expect(read(scratch, 'packages/cli').dependencies['@acmapi/core']).toBe('workspace:*');
  });

  it('versions the Action too (the repository’s release version) and the tag plan follows it', () => {
    const action = read(scratch, 'apps/action').version;
    expect(greater(action, read(root, 'apps/action').version)).toBe(true);
    const out = execFileSync(process.execPath, [join(scratch, 'scripts/release-plan.mjs')], { cwd: scratch, encoding: 'utf8' });
    expect(out.split('\n')[0]).toBe(`create v${action}`);
  });

  it('consumes the changesets, and leaves this checkout alone', () => {
    expect(readdirSync(join(scratch, '.changeset')).filter((name) => name.endsWith('.md') && name !== 'README.md')).toEqual([]);
    expect(existsSync(join(root, '.changeset', pending[0]))).toBe(true);
    expect(execFileSync('git', ['status', '--porcelain', '--', '.changeset', 'packages/core/package.json'], { cwd: root, encoding: 'utf8' })).toBe('');
  });
  // The release workflow's last step, rehearsed: the tree assembled from the versioned clone is
  // committed to the Action's distribution repository (here a local bare repository created as
  // on GitHub, with a first commit), tagged vX.Y.Z, vX moved, and pushed.
  describe('the Action’s distribution repository, released from the versioned clone', () => {
    let remote;
    let plan;
    const git = (cwd, ...args) => execFileSync('git', ['-c', 'user.name=rehearsal', '-c', 'user.email=rehearsal@example.test', ...args], { cwd, encoding: 'utf8' }).trim();
    const publish = (clone, tag, majorTag) =>
      spawnSync(process.execPath, [join(scratch, 'scripts/action-repository.mjs'), 'publish', clone, '--repository', 'acmapi/acmapi-action', '--tag', tag, '--major-tag', majorTag, '--source-sha', git(scratch, 'rev-parse', 'HEAD')], { cwd: scratch, encoding: 'utf8' });
    const treeAt = (ref) => git(remote, 'ls-tree', '-r', '--name-only', ref).split('\n');
    const commitOf = (ref) => git(remote, 'rev-parse', `${ref}^{commit}`);

    beforeAll(() => {
      remote = join(temp, 'acmapi-action.git');
      execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', remote]);
      const seed = join(temp, 'seed');
      execFileSync('git', ['clone', '--quiet', remote, seed]);
      mkdirSync(join(seed, '.github/workflows'), { recursive: true });
      writeFileSync(join(seed, 'README.md'), '# acmapi-action\n');
      writeFileSync(join(seed, '.github/workflows/left-over.yml'), 'on: push\n');
      git(seed, 'add', '--all');
      git(seed, 'commit', '--quiet', '-m', 'first commit');
      git(seed, 'push', '--quiet', 'origin', 'HEAD:main');
      plan = JSON.parse(execFileSync(process.execPath, [join(scratch, 'scripts/release-plan.mjs'), '--json'], { cwd: scratch, encoding: 'utf8' }));
    });

    it('holds exactly the assembled tree at vX.Y.Z, with vX and main on the same commit', () => {
      const [tag, major] = plan.tags;
      expect(plan.release).toBe(true);
      expect(major.target).toBe(tag.name);
      const clone = join(temp, 'action-clone-1');
      execFileSync('git', ['clone', '--quiet', remote, clone]);
      // An ignore rule of the machine (like a global `dist/`) must not leave the bundle out.
      writeFileSync(join(clone, '.git/info/exclude'), 'dist/\n');
      const result = publish(clone, tag.name, major.name);
      expect(result.status, result.stderr).toBe(0);
      const expected = assembleActionRepository(join(temp, 'expected-tree'), { root: scratch });
      expect(treeAt(tag.name)).toEqual(expected);
      expect(treeAt(tag.name)).not.toContain('.github/workflows/left-over.yml');
      expect(load(git(remote, 'show', `${tag.name}:action.yml`)).runs).toEqual({ using: 'node24', main: 'dist/index.js' });
      expect(commitOf(major.name)).toBe(commitOf(tag.name));
      expect(commitOf('main')).toBe(commitOf(tag.name));
      expect(git(remote, 'log', '-1', '--format=%B', tag.name)).toContain(`Assembled from https://github.com/acmapi/acmapi/commit/${git(scratch, 'rev-parse', 'HEAD')}`);
    });

    it('a later release moves vX and leaves the earlier tag; a version released already is refused', () => {
      const [tag, major] = plan.tags;
      const [major_, minor, patch] = plan.version.split(/[.-]/).map(Number);
      const next = `v${major_}.${minor}.${patch + 1}`;
      const first = commitOf(tag.name);
      const clone = join(temp, 'action-clone-2');
      execFileSync('git', ['clone', '--quiet', remote, clone]);
      expect(publish(clone, next, major.name).status).toBe(0);
      expect(commitOf(tag.name)).toBe(first);
      expect(commitOf(major.name)).toBe(commitOf(next));
      expect(commitOf(next)).not.toBe(first);
      const again = publish(clone, next, major.name);
      expect(again.status).toBe(1);
      expect(again.stderr).toMatch(/^TAG_EXISTS: /);
      expect(commitOf(major.name)).toBe(commitOf(next));
    });
  });
});

describe('npm publish --dry-run of each package', () => {
  it('would publish each tarball as public, with its name and version', () => {
    const dir = join(temp, 'tarballs');
    mkdirSync(dir);
    const env = { ...networkEnv(process.env), npm_config_loglevel: 'notice' };
    for (const pack of packPackages(dir)) {
      const result = spawnSync('npm', ['publish', pack.tarball, '--dry-run', '--access', 'public'], { cwd: dir, encoding: 'utf8', env });
      expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
      expect(`${result.stdout}${result.stderr}`).toContain(`+ ${pack.name}@${pack.version}`);
      expect(`${result.stderr}`).toContain('public access (dry-run)');
    }
  }, 300_000);
});

describe('the release workflow (.github/workflows/release.yml)', () => {
  const workflow = load(readFileSync(join(root, '.github/workflows/release.yml'), 'utf8'));
  const steps = workflow.jobs.release.steps;
  const text = JSON.stringify(steps);

  it('may sign npm provenance and write tags and releases', () => {
    expect(workflow.permissions).toMatchObject({ 'id-token': 'write', contents: 'write' });
  });

  it('versions and publishes with changesets, with provenance', () => {
    const changesets = steps.find((step) => String(step.uses).startsWith('changesets/action@'));
    expect(changesets.with).toMatchObject({ version: 'pnpm changeset version', publish: 'pnpm changeset publish' });
    expect(changesets.env.NPM_CONFIG_PROVENANCE).toBe('true');
  });

  it('tags from the plan, moves vX, and attaches the .vsix', () => {
    expect(text).toContain('node scripts/release-plan.mjs --github-output');
    expect(text).toContain('git push --force origin \\"refs/tags/$MAJOR_TAG\\"');
    expect(text).toContain('gh release create \\"$TAG\\" apps/vscode/dist/acmapi-vscode.vsix');
    // The .vsix is what `pnpm run package` of the extension writes.
    expect(read(root, 'apps/vscode').scripts.package).toContain('--out dist/acmapi-vscode.vsix');
  });

  it('releases the Action from its distribution repository, named by a variable, with a token of that repository', () => {
    const checkout = steps.find((step) => String(step.uses).startsWith('actions/checkout@') && step.with?.repository !== undefined);
    expect(checkout.with).toMatchObject({ repository: '${{ vars.ACTION_REPOSITORY }}', token: '${{ secrets.ACTION_REPOSITORY_TOKEN }}', path: '.action-repository', 'fetch-depth': 0 });
    const release = steps[steps.indexOf(checkout) + 1];
    expect(release.run).toContain('node scripts/action-repository.mjs publish .action-repository --repository "$ACTION_REPOSITORY" --tag "$TAG" --major-tag "$MAJOR_TAG"');
    expect(release.run).toContain('gh release create "$TAG" --repo "$ACTION_REPOSITORY"');
    for (const step of [checkout, release]) expect(step.if).toBe("steps.plan.outputs.release == 'true' && vars.ACTION_REPOSITORY != ''");
  });
});
