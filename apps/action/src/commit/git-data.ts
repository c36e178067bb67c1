/**
 * The GitHub git data API calls a commit needs (docs.github.com/rest/git), as an
 * interface so that the commit logic runs against any implementation.
 */

/** A tree entry for `POST /repos/{o}/{r}/git/trees`: a blob by sha, or `null` to delete the path. */
export interface TreeEntry {
  readonly path: string;
  readonly mode: '100644';
  readonly type: 'blob';
  readonly sha: string | null;
}

/** The git data endpoints, one method each. */
export interface GitDataApi {
  /** `GET /repos/{o}/{r}/git/ref/heads/{branch}` → the head commit's sha. */
  getBranchHead(branch: string): Promise<string>;
  /** `GET /repos/{o}/{r}/git/commits/{sha}` → the commit's tree sha. */
  getCommitTree(commitSha: string): Promise<string>;
  /** `POST /repos/{o}/{r}/git/blobs` (base64) → the blob's sha. */
  createBlob(content: Buffer): Promise<string>;
  /** `POST /repos/{o}/{r}/git/trees` with `base_tree` → the new tree's sha. */
  createTree(baseTree: string, entries: readonly TreeEntry[]): Promise<string>;
  /** `POST /repos/{o}/{r}/git/commits` (unsigned: GitHub signs it when made with GITHUB_TOKEN) → the commit's sha. */
  createCommit(message: string, treeSha: string, parents: readonly string[]): Promise<string>;
  /**
   * `PATCH /repos/{o}/{r}/git/refs/heads/{branch}` with `force: false`.
   * @throws {RefMovedError} when the branch head is no longer an ancestor (HTTP 422 "not a fast forward").
   */
  updateBranch(branch: string, commitSha: string): Promise<void>;
  /** Releases the connections. */
  close(): Promise<void>;
}

/** The branch moved between reading its head and updating it. */
export class RefMovedError extends Error {
  override name = 'RefMovedError';
}
