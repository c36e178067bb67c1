// The third-party notices of a bundle: every package whose code an esbuild bundle holds, once,
// with its version, its licence (SPDX, from its package.json) and the full text of the licence
// file it ships. MIT, ISC, BSD and Apache-2.0 each ask that the copyright and permission notice
// travel with every copy; esbuild's legal comments hold only the few `/*!` or `@license`
// comments it finds, so the bundles of the CLI (packages/cli/scripts/bundle-bin.mjs), the
// Action (apps/action/scripts/build.mjs) and the VS Code extension (apps/vscode/scripts/build.mjs)
// each write this file from their esbuild metafiles (`metafile: true`).
//
// A package is found from a metafile input's path: the folder after its last `node_modules/`
// (`name` or `@scope/name`). Inputs outside node_modules are this repository's own code
// (Apache-2.0, LICENSE), and inputs in a plugin's namespace (`ns:path`) are code a build script
// wrote; neither is listed. A licence outside ALLOWED_LICENCES fails the build.
import { readFileSync, readdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/** The licences a bundled package may have (SPDX expressions, as package.json states them). */
export const ALLOWED_LICENCES = new Set(['MIT', 'ISC', 'BSD-2-Clause', 'BSD-3-Clause', 'Apache-2.0', '0BSD', 'BlueOak-1.0.0']);

/** Dual-licensed packages, and the permissive licence we take each under (the other is not used). */
const CHOSEN_LICENCE = new Map([['(BSD-3-Clause OR GPL-2.0)', 'BSD-3-Clause']]);

/** A licence file's name: LICENSE, LICENCE or COPYING, with any extension or suffix (LICENSE.md, LICENSE-MIT). */
const LICENCE_FILE = /^(licen[cs]e|copying)([.-].*)?$/i;

/** An error with a stable code, for the build's output. */
export class NoticesError extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.name = 'NoticesError';
    this.code = code;
  }
}

/**
 * The folders of the third-party packages an esbuild metafile's inputs come from.
 * @param {{ inputs: Record<string, unknown> }} metafile esbuild's metafile (`metafile: true`)
 * @param {string} absWorkingDir the build's absWorkingDir (inputs are relative to it)
 * @returns {string[]} absolute package folders, sorted, each once
 */
export function packageFolders(metafile, absWorkingDir) {
  const folders = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    // A plugin's namespace ("acmapi:lazy-assert"), not a file; a Windows drive letter is one letter.
    if (/^[a-z][a-z0-9-]+:/i.test(input)) continue;
    const path = (isAbsolute(input) ? input : resolve(absWorkingDir, input)).split('\\').join('/');
    const at = path.lastIndexOf('/node_modules/');
    if (at === -1) continue;
    const rest = path.slice(at + '/node_modules/'.length).split('/');
    const name = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    folders.add(`${path.slice(0, at)}/node_modules/${name}`);
  }
  return [...folders].sort();
}

/**
 * One package's entry: name, version, licence as stated and as taken, and its licence file's text.
 * @param {string} folder the package's folder
 * @returns {{ name: string, version: string, licence: string, takenAs: string, licenceFile?: string, text?: string }}
 */
export function packageNotice(folder) {
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
  // Old packages state `licenses: [{ type }]` or `license: { type }` rather than an SPDX string.
  const stated = manifest.license ?? manifest.licenses;
  const licence =
    typeof stated === 'string' ? stated : Array.isArray(stated) ? stated.map((entry) => entry?.type).join(' OR ') : typeof stated?.type === 'string' ? stated.type : 'UNSTATED';
  const file = readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isFile() && LICENCE_FILE.test(entry.name))
    .map((entry) => entry.name)
    .sort()[0];
  return {
    name: String(manifest.name),
    version: String(manifest.version),
    licence,
    takenAs: CHOSEN_LICENCE.get(licence) ?? licence,
    ...(file === undefined ? {} : { licenceFile: file, text: readFileSync(join(folder, file), 'utf8').replace(/\r\n?/g, '\n').trimEnd() }),
  };
}

/**
 * The notices of every third-party package the given builds bundle, one entry per name@version.
 * @param {{ metafile: { inputs: Record<string, unknown> }, absWorkingDir: string }[]} builds
 * @returns {ReturnType<typeof packageNotice>[]} sorted by name, then version
 * @throws {NoticesError} LICENCE_NOT_ALLOWED, naming each package and the licence found
 */
export function collectNotices(builds) {
  const folders = new Set(builds.flatMap(({ metafile, absWorkingDir }) => packageFolders(metafile, absWorkingDir)));
  const byId = new Map();
  for (const folder of folders) {
    const notice = packageNotice(folder);
    byId.set(`${notice.name}@${notice.version}`, notice);
  }
  const notices = [...byId.values()].sort((a, b) => a.name.localeCompare(b.name, 'en') || a.version.localeCompare(b.version, 'en'));
  const refused = notices.filter((notice) => !ALLOWED_LICENCES.has(notice.takenAs));
  if (refused.length > 0) {
    throw new NoticesError(
      'LICENCE_NOT_ALLOWED',
      `Bundled packages with a licence outside the allow-list (${[...ALLOWED_LICENCES].join(', ')}): ${refused.map((n) => `${n.name}@${n.version} (${JSON.stringify(n.licence)})`).join('; ')}.`,
    );
  }
  return notices;
}

/** A Markdown code fence longer than any run of backticks in `text`. */
function fenceFor(text) {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/**
 * The notices file's Markdown.
 * @param {string} product what the notices are for, e.g. "the acmapi command (@acmapi/cli)"
 * @param {ReturnType<typeof collectNotices>} notices
 * @returns {string}
 */
export function noticesMarkdown(product, notices) {
  const lines = [
    '# Third-party notices',
    '',
    `${product} is licensed under Apache-2.0 (LICENSE). Its bundled code includes the following packages, each under its own licence, whose notices follow. Generated at build time by scripts/third-party-notices.mjs from what the bundle holds.`,
    '',
  ];
  for (const notice of notices) {
    lines.push(`## ${notice.name} ${notice.version}`, '');
    lines.push(`License: ${notice.licence}${notice.takenAs === notice.licence ? '' : ` (used under ${notice.takenAs})`}`, '');
    if (notice.text === undefined) {
      lines.push('The package ships no LICENSE, LICENCE or COPYING file; its package.json states the licence above.', '');
    } else {
      const fence = fenceFor(notice.text);
      lines.push(`From its ${notice.licenceFile}:`, '', `${fence}text`, notice.text, fence, '');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/**
 * Collects the notices of the builds and returns the file's text; prints what was found.
 * @param {string} product see noticesMarkdown
 * @param {Parameters<typeof collectNotices>[0]} builds
 * @returns {string}
 * @throws {NoticesError} see collectNotices
 */
export function thirdPartyNotices(product, builds) {
  const notices = collectNotices(builds);
  const missing = notices.filter((notice) => notice.text === undefined).map((notice) => `${notice.name}@${notice.version}`);
  console.log(`third-party notices: ${notices.length} packages (${[...new Set(notices.map((n) => n.takenAs))].sort().join(', ')})${missing.length > 0 ? `; no licence file in ${missing.join(', ')}` : ''}`);
  return noticesMarkdown(product, notices);
}
