/**
 * The certificates folder in the workspace (`path` input), which records every file it
 * changes so that `output: commit` commits exactly those, and which refuses to hold a
 * plaintext private key: whatever lands here may be committed or uploaded.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { writeFileAtomic } from '@acmapi/core/store';
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
      return await readFile(this.absolute(file), 'utf8');
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
