/**
 * One commit holding every changed file, made through the git data API (so that with
 * GITHUB_TOKEN GitHub signs it as verified), fast-forward only. When the branch head
 * moves meanwhile, the tree is rebuilt on the new head and committed again: both
 * sides are kept, nothing is force-pushed.
 */
import type { GitDataApi, TreeEntry } from './git-data.js';
import { RefMovedError } from './git-data.js';

/** A file change: new content, or `null` to delete the path. Paths are repository-relative, `/`-separated. */
export interface FileChange {
  readonly path: string;
  readonly content: Buffer | null;
}

/** Options of {@link commitFiles}. */
export interface CommitFilesOptions {
  readonly api: GitDataApi;
  readonly branch: string;
  readonly message: string;
  readonly changes: readonly FileChange[];
  /** Attempts when the head keeps moving. @default 5 */
  readonly maxAttempts?: number;
}

/** What {@link commitFiles} did. */
export interface CommitFilesResult {
  /** The new commit's sha. */
  readonly sha: string;
  /** The head it was made on (after any moves). */
  readonly parent: string;
  /** How many times the head had moved. */
  readonly retries: number;
}

/** The commit could not be made: the message says why and what to do. */
export class CommitError extends Error {
  override name = 'CommitError';
}

/**
 * Commits `changes` to `branch` in one commit.
 * @throws {CommitError} when the head moved on every attempt; API errors as thrown by `api`.
 */
export async function commitFiles(options: CommitFilesOptions): Promise<CommitFilesResult> {
  const { api, branch, message, changes } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  // Blobs do not depend on the head: create them once, reuse them on every attempt.
  const entries: TreeEntry[] = [];
  for (const change of changes) {
    entries.push({ path: change.path, mode: '100644', type: 'blob', sha: change.content === null ? null : await api.createBlob(change.content) });
  }
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const head = await api.getBranchHead(branch);
    const baseTree = await api.getCommitTree(head);
    const tree = await api.createTree(baseTree, entries);
    const sha = await api.createCommit(message, tree, [head]);
    try {
      await api.updateBranch(branch, sha);
      return { sha, parent: head, retries: attempt };
    } catch (error) {
      if (!(error instanceof RefMovedError)) throw error;
    }
  }
  throw new CommitError(`Branch ${branch} kept moving during ${maxAttempts} attempts to commit the certificates; run the workflow again (a concurrency group avoids this).`);
}
