/**
 * The certificates folder in the workspace (`path` input), which records every file it
 * changes so that `output: commit` commits exactly those, and which refuses to hold a
 * plaintext private key: whatever lands here may be committed or uploaded.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { writeFileAtomic } from '@acmapi/core';
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

/** The output folder of one run. Paths given to it are relative to the folder, `/`-separated. */
export class OutputFolder {
  /** The workspace (repository root), absolute. */
  readonly workspace: string;
  /** The folder, relative to the workspace, `/`-separated. */
  readonly relative: string;
  readonly #changes = new Map<string, Buffer | null>();

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
   * Writes a file (atomically); records a change only when the content differs.
   * @throws {PlaintextKeyError} for a plaintext private key.
   */
  async write(file: string, content: string): Promise<void> {
    assertNoPlaintextKey(this.repoPath(file), content);
    if ((await this.read(file)) === content) return;
    const target = this.absolute(file);
    await mkdir(dirname(target), { recursive: true });
    await writeFileAtomic(target, content, { mode: 0o644 });
    this.#changes.set(this.repoPath(file), Buffer.from(content, 'utf8'));
  }

  /** Deletes a file when it exists, recording the deletion. */
  async remove(file: string): Promise<void> {
    if ((await this.read(file)) === undefined) return;
    await rm(this.absolute(file), { force: true });
    this.#changes.set(this.repoPath(file), null);
  }

  /** Every change so far, in path order. */
  changes(): FileChange[] {
    return [...this.#changes.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([path, content]) => ({ path, content }));
  }
}
