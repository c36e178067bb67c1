/**
 * The certificates folder in the workspace (`path` input), which records every file it
 * changes so that `output: commit` commits exactly those, and which refuses to hold a
 * plaintext private key: whatever lands here may be committed or uploaded.
 */
import { mkdir, realpath, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, posix, relative, sep } from 'node:path';
import { readLocalTextFile, writeFileAtomic } from '@acmapi/core/store';
import type { FileChange } from './commit/commit-files.js';

const PLAINTEXT_KEY = /-----BEGIN (?:RSA |EC |DSA |OPENSSH )?PRIVATE KEY-----/;

/** A plaintext private key was about to be written, committed or uploaded. */
export class PlaintextKeyError extends Error {
  override name = 'PlaintextKeyError';
}

/**
 * Throws when `content` holds an unencrypted private key PEM.
 * @throws {PlaintextKeyError} naming the path, never the content.
 */
export function assertNoPlaintextKey(path: string, content: Buffer | string): void {
  const text = typeof content === 'string' ? content : content.toString('latin1');
  if (PLAINTEXT_KEY.test(text)) {
    throw new PlaintextKeyError(`Refusing to store ${path}: it holds a plaintext private key, which must never be committed or uploaded.`);
  }
}

/** The `path` input names a folder that is not a plain folder of the workspace. */
export class OutputFolderError extends Error {
  override name = 'OutputFolderError';
}

/** Whether a `/`- or `\\`-separated path has a `.git` component (any case: case-insensitive file systems). */
function hasGitComponent(path: string): boolean {
  return path.split(/[\\/]/).some((part) => part.toLowerCase() === '.git');
}

/**
 * Checks that the folder `relativePath` (the `path` input) of `workspace` lies inside the
 * workspace once every symbolic link on the way is followed, and not inside `.git`:
 * whatever the Action writes there is then committed or uploaded, and a link planted in the
 * repository (`certificates -> /home/runner/.ssh`, `certificates -> .git/hooks`) would have
 * it write, and commit, files elsewhere. A folder that does not exist yet is judged by its
 * deepest existing ancestor.
 *
 * @throws {OutputFolderError} naming the `path` input, where it leads, and what to do.
 */
export async function assertFolderInsideWorkspace(workspace: string, relativePath: string): Promise<void> {
  const named = JSON.stringify(relativePath);
  if (hasGitComponent(relativePath)) {
    throw new OutputFolderError(`Input path ${named} is inside .git: the Action writes only ordinary folders of the repository. Choose another folder (default: certificates).`);
  }
  const realWorkspace = await realpath(workspace);
  const parts = posix.normalize(relativePath.replaceAll('\\', '/')).split('/').filter((part) => part !== '' && part !== '.');
  // The deepest part of the path that exists, with its links followed; the rest is created later as plain folders.
  let existing = realWorkspace;
  for (let i = parts.length; i >= 0; i--) {
    try {
      existing = await realpath(join(workspace, ...parts.slice(0, i)));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || i === 0) throw error;
    }
  }
  const inside = relative(realWorkspace, existing);
  if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new OutputFolderError(`Input path ${named} leads out of the workspace through a symbolic link (to ${existing}): the Action writes only folders inside the repository. Remove the link or choose another folder.`);
  }
  if (hasGitComponent(inside)) {
    throw new OutputFolderError(`Input path ${named} leads into .git through a symbolic link: the Action writes only ordinary folders of the repository. Remove the link or choose another folder.`);
  }
}

/** Options of {@link OutputFolder.write}. */
export interface WriteOptions {
  /**
   * The change is bookkeeping only (e.g. a poll count): it is written, but committed only
   * together with a substantive change of the same file, so that a run that only looked
   * makes no commit (a commit may start other workflows).
   * @default false
   */
  readonly bookkeeping?: boolean;
}

/** The output folder of one run. Paths given to it are relative to the folder, `/`-separated. */
export class OutputFolder {
  /** The workspace (repository root), absolute. */
  readonly workspace: string;
  /** The folder, relative to the workspace, `/`-separated. */
  readonly relative: string;
  /** Content of each touched file before this run touched it (`null`: absent), by repository path. */
  readonly #original = new Map<string, string | null>();
  /** Content now, by repository path. */
  readonly #current = new Map<string, string | null>();
  /** Files with a change that is not bookkeeping only. */
  readonly #substantive = new Set<string>();

  constructor(workspace: string, relative: string) {
    this.workspace = workspace;
    this.relative = posix.normalize(relative.replaceAll('\\', '/')).replace(/\/+$/, '');
  }

  /** The repository-relative path of a file of the folder. */
  repoPath(file: string): string {
    return posix.join(this.relative, file);
  }

  /** The absolute path of a file of the folder. */
  absolute(file: string): string {
    return join(this.workspace, ...this.repoPath(file).split('/'));
  }

  /** Reads a file of the folder, `undefined` when it does not exist. */
  async read(file: string): Promise<string | undefined> {
    try {
      return await readLocalTextFile(this.absolute(file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /**
   * Writes a file (atomically) when its content differs.
   * @throws {PlaintextKeyError} for a plaintext private key.
   */
  async write(file: string, content: string, options: WriteOptions = {}): Promise<void> {
    assertNoPlaintextKey(this.repoPath(file), content);
    const before = await this.read(file);
    if (before === content) return;
    const target = this.absolute(file);
    await mkdir(dirname(target), { recursive: true });
    await writeFileAtomic(target, content, { mode: 0o644 });
    this.#record(file, before, content, options.bookkeeping === true);
  }

  /** Deletes a file when it exists. */
  async remove(file: string): Promise<void> {
    const before = await this.read(file);
    if (before === undefined) return;
    await rm(this.absolute(file), { force: true });
    this.#record(file, before, null, false);
  }

  #record(file: string, before: string | undefined, after: string | null, bookkeeping: boolean): void {
    const path = this.repoPath(file);
    if (!this.#original.has(path)) this.#original.set(path, before ?? null);
    this.#current.set(path, after);
    if (!bookkeeping) this.#substantive.add(path);
  }

  /**
   * What this run changed, in path order: files whose content now differs from before the
   * run (a file written and removed again is no change), bookkeeping-only changes left out.
   */
  changes(): FileChange[] {
    return [...this.#current.entries()]
      .filter(([path, content]) => this.#substantive.has(path) && content !== this.#original.get(path))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([path, content]) => ({ path, content: content === null ? null : Buffer.from(content, 'utf8') }));
  }
}
