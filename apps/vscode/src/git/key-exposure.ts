/**
 * Would git offer a private key for commit? Asked before the extension writes a key (the CSR
 * wizard's folder, the store on Apply): git itself answers (`git rev-parse`, `git ls-files`,
 * `git check-ignore`), so the user's own `.gitignore` files, `info/exclude` and global
 * excludes all count exactly as Source Control will count them. No `vscode` import.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';

/** git's verdict on one path that a private key would be written to. */
export type KeyExposure =
  /** The folder is in no git work tree (or git is not installed): nothing to warn about. */
  | { readonly kind: 'no-repository' }
  /** In a work tree, and git ignores the path: Source Control will not offer it. */
  | { readonly kind: 'ignored'; readonly repository: string }
  /** In a work tree and not ignored: `git add .` and Source Control offer the key. */
  | { readonly kind: 'exposed'; readonly repository: string }
  /** git already tracks a file at that path: overwriting it puts the new key into the next commit. */
  | { readonly kind: 'tracked'; readonly repository: string };

/** Runs git in `cwd`; resolves with its exit code and output (a missing git resolves with code `undefined`). */
export type RunGit = (args: readonly string[], cwd: string) => Promise<{ code: number | undefined; stdout: string }>;

/** git as a child process, at most 10 s per call. */
export const runGit: RunGit = (args, cwd) =>
  new Promise((resolve) => {
    execFile('git', [...args], { cwd, timeout: 10_000, windowsHide: true }, (error, stdout) => {
      if (error === null) resolve({ code: 0, stdout });
      // ENOENT: no git on PATH; a number: git's own exit status.
      else resolve({ code: typeof error.code === 'number' ? error.code : undefined, stdout });
    });
  });

async function nearestExistingFolder(path: string): Promise<string> {
  for (let folder = dirname(path); ; folder = dirname(folder)) {
    const found = await stat(folder).then((info) => info.isDirectory(), () => false);
    if (found || dirname(folder) === folder) return folder;
  }
}

/**
 * What git would do with a file written at `path` (absolute; it and its folders need not
 * exist yet).
 */
export async function keyExposure(path: string, git: RunGit = runGit): Promise<KeyExposure> {
  const cwd = await nearestExistingFolder(path);
  const top = await git(['rev-parse', '--show-toplevel'], cwd);
  if (top.code !== 0) return { kind: 'no-repository' };
  const repository = top.stdout.trim();
  // git prints paths with forward slashes; a relative path with them works on every platform.
  const inRepository = relative(repository, path).split(sep).join('/');
  if (inRepository.startsWith('../')) return { kind: 'no-repository' };
  const tracked = await git(['ls-files', '--error-unmatch', '--', inRepository], repository);
  if (tracked.code === 0) return { kind: 'tracked', repository };
  // --no-index: the verdict of the rules alone (the path is not tracked, checked above).
  const ignored = await git(['check-ignore', '-q', '--no-index', '--', inRepository], repository);
  return ignored.code === 0 ? { kind: 'ignored', repository } : { kind: 'exposed', repository };
}
