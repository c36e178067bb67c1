#!/usr/bin/env node
// The Action's own distribution repository (by default acmapi/acmapi-action), assembled from
// this monorepo. GitHub's Marketplace lists an action only from a public repository that holds
// that single action, its metadata file at the root and no workflow files; this repository has
// workflows and more than the Action, so it can never be listed itself (`uses: acmapi/acmapi@v1`
// works all the same). The release workflow pushes the tree assembled here to the distribution
// repository, tags it vX.Y.Z and moves vX there too (see README "Releases").
//
// The tree, and nothing else:
//   action.yml         the root action.yml, with runs.main dist/index.js
//   dist/              the committed bundle (apps/action/dist), byte for byte
//   dist/package.json  {"type":"module"}: the bundle is an ES module; said, not guessed by Node
//   README.md          apps/action/README.md, links absolute, `uses:` naming that repository
//   LICENSE            the repository's licence
//   THIRD_PARTY_NOTICES.md  apps/action/THIRD_PARTY_NOTICES.md: the licences and notices of the
//                      packages the bundle holds (written by the Action's build, checked by check-dist)
//
//   node scripts/action-repository.mjs assemble OUTDIR [--repository OWNER/NAME]
//   node scripts/action-repository.mjs publish CLONE --tag vX.Y.Z [--major-tag vX] [--source-sha SHA] [--repository OWNER/NAME]
//     publish: replaces the work tree of CLONE (a clone of the distribution repository) with the
//     tree, commits it, creates the tag, moves the major tag, and pushes all three to CLONE's origin.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the Action is released for the Marketplace, unless the workflow names another (vars.ACTION_REPOSITORY). */
export const DEFAULT_ACTION_REPOSITORY = 'acmapi/acmapi-action';

/** The bundle's path in the root action.yml, and in the distribution repository. */
const MONOREPO_MAIN = 'apps/action/dist/index.js';
const DISTRIBUTION_MAIN = 'dist/index.js';
const OWNER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/;

/** An error with a stable code, for the workflow log and the tests. */
export class ActionRepositoryError extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.name = 'ActionRepositoryError';
    this.code = code;
  }
}

/**
 * This monorepo's GitHub address, from the root package.json's `repository`.
 * @param {string} root the monorepo's folder
 * @returns {string} e.g. https://github.com/acmapi/acmapi
 */
export function sourceRepositoryUrl(root = ROOT) {
  const { repository } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const url = typeof repository === 'string' ? repository : repository?.url;
  const match = /github\.com[/:]([^/]+\/[^/.]+?)(?:\.git)?$/.exec(String(url ?? ''));
  if (match === null) throw new ActionRepositoryError('SOURCE_REPOSITORY_UNKNOWN', `The root package.json's repository (${String(url)}) is not a GitHub repository.`);
  return `https://github.com/${match[1]}`;
}

/**
 * The distribution repository's action.yml: the root one with runs.main moved from
 * apps/action/dist/index.js to dist/index.js, and the monorepo's header comment replaced by one
 * that says where the file comes from. Inputs, outputs and branding are kept as written.
 * @param {string} text the root action.yml
 * @param {string} source the monorepo's address
 * @returns {string}
 * @throws {ActionRepositoryError} ACTION_MAIN_UNEXPECTED when runs.main is not the bundle
 */
export function distributionMetadata(text, source) {
  const main = new RegExp(`^(  main: )${MONOREPO_MAIN.replaceAll('.', '\\.')}$`, 'm');
  const parsed = load(text);
  if (parsed?.runs?.main !== MONOREPO_MAIN || !main.test(text)) {
    throw new ActionRepositoryError('ACTION_MAIN_UNEXPECTED', `The root action.yml's runs.main is ${JSON.stringify(parsed?.runs?.main)}, not ${MONOREPO_MAIN}.`);
  }
  const body = text.replace(/^(#.*\n)+/, '').replace(main, `$1${DISTRIBUTION_MAIN}`);
  return `# Generated from ${source}/blob/main/action.yml by scripts/action-repository.mjs at each release; change it there.\n${body}`;
}

/**
 * Makes every relative link of a Markdown text absolute (inline links and images, and
 * reference definitions); anchors (#…) and links with a scheme are kept.
 * @param {string} markdown
 * @param {string} base the URL relative links are resolved against, ending in /
 * @returns {string}
 */
export function absoluteLinks(markdown, base) {
  const absolute = (target) => (/^([a-z][a-z0-9+.-]*:|#)/i.test(target) ? target : new URL(target, base).href);
  return markdown
    .replace(/\]\(([^)\s]+)((?:\s+"[^"]*")?\))/g, (_, target, rest) => `](${absolute(target)}${rest}`)
    .replace(/^(\s{0,3}\[[^\]]+\]:\s+)(\S+)/gm, (_, head, target) => `${head}${absolute(target)}`);
}

/**
 * The distribution repository's README: the Action's, with absolute links into the monorepo,
 * `uses:` naming the distribution repository, and a first note saying where the source lives.
 * @param {string} readme apps/action/README.md
 * @param {{ source: string, repository: string }} where the monorepo's address; OWNER/NAME of the distribution repository
 * @returns {string}
 */
export function distributionReadme(readme, { source, repository }) {
  const sourceName = new URL(source).pathname.slice(1);
  const text = absoluteLinks(readme, `${source}/blob/main/apps/action/`).replaceAll(`uses: ${sourceName}@`, `uses: ${repository}@`);
  const note = `> This repository holds the released Action only, assembled at each release from [${sourceName}](${source}/tree/main/apps/action), where its source, issues and pull requests live. \`uses: ${repository}@v1\` and \`uses: ${sourceName}@v1\` run the same bundle.\n`;
  const heading = /^# .*\n/.exec(text);
  return heading === null ? `${note}\n${text}` : `${heading[0]}\n${note}${text.slice(heading[0].length)}`;
}

/**
 * Every file under a folder, as sorted paths relative to it (forward slashes).
 * @param {string} dir
 * @returns {string[]}
 */
export function listFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

/**
 * Writes the distribution repository's tree into `destination`.
 * @param {string} destination a folder that does not exist or is empty
 * @param {{ root?: string, repository?: string }} [options] root: the monorepo (default this one);
 *   repository: OWNER/NAME of the distribution repository (default acmapi/acmapi-action)
 * @returns {string[]} the files written, relative to destination
 * @throws {ActionRepositoryError} DESTINATION_NOT_EMPTY; ACTION_DIST_MISSING (build apps/action first, which also writes its THIRD_PARTY_NOTICES.md);
 *   ACTION_REPOSITORY_INVALID (not OWNER/NAME); ACTION_MAIN_UNEXPECTED
 */
export function assembleActionRepository(destination, { root = ROOT, repository = DEFAULT_ACTION_REPOSITORY } = {}) {
  if (!OWNER_NAME.test(repository)) throw new ActionRepositoryError('ACTION_REPOSITORY_INVALID', `${JSON.stringify(repository)} is not a GitHub repository name (OWNER/NAME).`);
  if (existsSync(destination) && readdirSync(destination).length > 0) {
    throw new ActionRepositoryError('DESTINATION_NOT_EMPTY', `${destination} is not empty; the tree is assembled into an empty or new folder.`);
  }
  const bundle = join(root, 'apps/action/dist');
  const notices = join(root, 'apps/action/THIRD_PARTY_NOTICES.md');
  for (const file of [join(bundle, 'index.js'), notices]) {
    if (!existsSync(file)) throw new ActionRepositoryError('ACTION_DIST_MISSING', `${file} is missing: build the Action first (pnpm --filter @acmapi/action build).`);
  }
  const source = sourceRepositoryUrl(root);
  mkdirSync(destination, { recursive: true });
  writeFileSync(join(destination, 'action.yml'), distributionMetadata(readFileSync(join(root, 'action.yml'), 'utf8'), source));
  cpSync(bundle, join(destination, 'dist'), { recursive: true });
  writeFileSync(join(destination, 'dist/package.json'), '{ "type": "module" }\n');
  writeFileSync(join(destination, 'README.md'), distributionReadme(readFileSync(join(root, 'apps/action/README.md'), 'utf8'), { source, repository }));
  cpSync(join(root, 'LICENSE'), join(destination, 'LICENSE'));
  cpSync(notices, join(destination, 'THIRD_PARTY_NOTICES.md'));
  return listFiles(destination);
}

/**
 * Replaces the work tree of a clone of the distribution repository with a freshly assembled
 * tree (files gone from the tree are deleted), commits it, tags it, moves the major tag, and
 * pushes the branch and both tags to the clone's origin (the major tag with --force: it moves).
 * @param {string} clone a clone of the distribution repository, on the branch to release on
 * @param {{ tag: string, majorTag?: string, sourceSha?: string, root?: string, repository?: string }} release
 * @returns {{ commit: string, files: string[] }}
 * @throws {ActionRepositoryError} TAG_INVALID; TAG_EXISTS (that version was released already); and assembleActionRepository's
 * @throws {Error} when git fails, with its output
 */
export function publishActionRepository(clone, { tag, majorTag, sourceSha, root = ROOT, repository = DEFAULT_ACTION_REPOSITORY }) {
  if (!/^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(tag) || (majorTag !== undefined && majorTag !== '' && !/^v\d+$/.test(majorTag))) {
    throw new ActionRepositoryError('TAG_INVALID', `Tags ${JSON.stringify(tag)} and ${JSON.stringify(majorTag)} are not vX.Y.Z and vX.`);
  }
  const git = (...args) => execFileSync('git', ['-C', clone, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  if (git('tag', '--list', tag) !== '') throw new ActionRepositoryError('TAG_EXISTS', `${tag} exists already in ${clone}.`);
  const tree = mkdtempSync(join(tmpdir(), 'acmapi-action-tree-'));
  try {
    const files = assembleActionRepository(join(tree, 'repository'), { root, repository });
    // The clone's index becomes exactly the assembled tree: additions, changes and deletions;
    // --force, so that no ignore rule of the machine (a global `dist/`) leaves the bundle out.
    const work = join(tree, 'repository');
    execFileSync('git', [`--git-dir=${git('rev-parse', '--absolute-git-dir')}`, `--work-tree=${work}`, 'add', '--all', '--force', '.'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    git('checkout', '--', '.');
    git('clean', '-fdq');
    const source = sourceRepositoryUrl(root);
    const from = sourceSha === undefined || sourceSha === '' ? source : `${source}/commit/${sourceSha}`;
    const identity = ['-c', 'user.name=github-actions[bot]', '-c', 'user.email=41898282+github-actions[bot]@users.noreply.github.com'];
    git(...identity, 'commit', '--allow-empty', '--quiet', '-m', `${tag}\n\nAssembled from ${from} by scripts/action-repository.mjs.`);
    git(...identity, 'tag', '-a', tag, '-m', tag);
    if (majorTag) git(...identity, 'tag', '-fa', majorTag, '-m', `${majorTag} -> ${tag}`, `${tag}^{}`);
    git('push', '--quiet', 'origin', 'HEAD', `refs/tags/${tag}`);
    if (majorTag) git('push', '--quiet', '--force', 'origin', `refs/tags/${majorTag}`);
    return { commit: git('rev-parse', 'HEAD'), files };
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

function option(args, name) {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, folder, ...rest] = process.argv.slice(2);
  const repository = option(rest, '--repository') || DEFAULT_ACTION_REPOSITORY;
  try {
    if (command === 'assemble' && folder !== undefined) {
      for (const file of assembleActionRepository(resolve(folder), { repository })) console.log(file);
    } else if (command === 'publish' && folder !== undefined && option(rest, '--tag') !== undefined) {
      const result = publishActionRepository(resolve(folder), { tag: option(rest, '--tag'), majorTag: option(rest, '--major-tag'), sourceSha: option(rest, '--source-sha'), repository });
      console.log(`${repository}: ${option(rest, '--tag')} at ${result.commit} (${result.files.length} files)`);
    } else {
      console.error('Usage: action-repository.mjs assemble OUTDIR [--repository OWNER/NAME]\n       action-repository.mjs publish CLONE --tag vX.Y.Z [--major-tag vX] [--source-sha SHA] [--repository OWNER/NAME]');
      process.exitCode = 2;
    }
  } catch (error) {
    console.error(error instanceof ActionRepositoryError ? `${error.code}: ${error.message}` : String(error?.stderr || error?.message || error));
    process.exitCode = 1;
  }
}
