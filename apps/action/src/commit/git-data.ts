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

/**
 * Why GitHub refused a call, as its REST documentation tells them apart
 * (docs.github.com/rest/using-the-rest-api/troubleshooting-the-rest-api,
 * …/rate-limits-for-the-rest-api, …/protected-branches):
 * - `permission`: 403 "Resource not accessible by integration" — the token lacks a permission;
 * - `protected-branch`: 422/403 "Protected branch update failed …", "Repository rule violations
 *   found …", "Required status check … is expected", or a "protected branch hook declined";
 * - `rate-limit`: the primary limit, 403/429 with `x-ratelimit-remaining: 0` (until `x-ratelimit-reset`);
 * - `secondary-rate-limit`: 403/429 whose message names a secondary rate limit, or that has `retry-after`;
 * - `not-found`: 404 (a repository or branch the token cannot see is a 404 too);
 * - `other`: anything else.
 */
export type GitHubRefusal = 'permission' | 'protected-branch' | 'rate-limit' | 'secondary-rate-limit' | 'not-found' | 'other';

/** GitHub answered a git data call with an error status: the facts, for the caller's words. */
export class GitHubApiError extends Error {
  override name = 'GitHubApiError';
  /** The HTTP status. */
  readonly status: number;
  /** What kind of refusal it is. */
  readonly refusal: GitHubRefusal;
  /** GitHub's own `message`, as sent (data from the network: escape it before showing it), at most 300 characters; empty when there was none. */
  readonly githubMessage: string;
  /** GitHub's `documentation_url`, when it sent one starting with `https://docs.github.com/`. */
  readonly documentationUrl: string | undefined;
  /** When the call may be made again, from `retry-after` (seconds) or `x-ratelimit-reset` (epoch seconds); rate limits only. */
  readonly retryAt: Date | undefined;
  constructor(message: string, facts: { status: number; refusal: GitHubRefusal; githubMessage: string; documentationUrl?: string | undefined; retryAt?: Date | undefined }) {
    super(message);
    this.status = facts.status;
    this.refusal = facts.refusal;
    this.githubMessage = facts.githubMessage;
    this.documentationUrl = facts.documentationUrl;
    this.retryAt = facts.retryAt;
  }
}

/** A refusal's answer as {@link classifyRefusal} reads it. */
export interface RefusalAnswer {
  readonly status: number;
  /** Response headers, lower-case names. */
  readonly headers: { get(name: string): string | null };
  /** GitHub's `message`, or empty. */
  readonly message: string;
}

const PROTECTED_BRANCH = /protected branch|rule violations? found|required status check|review is required|changes must be made through a pull request/i;

/**
 * Classifies a refusal and says when to try again (pure). `now` is the time the answer arrived.
 * Rules from GitHub's documentation: the primary limit sets `x-ratelimit-remaining: 0`; for a
 * secondary limit wait `retry-after` seconds when given, else until `x-ratelimit-reset` when
 * the remaining count is 0, else at least one minute.
 */
export function classifyRefusal(answer: RefusalAnswer, now: Date): { refusal: GitHubRefusal; retryAt: Date | undefined } {
  const { status, headers, message } = answer;
  const remaining = headers.get('x-ratelimit-remaining');
  const resetSeconds = Number(headers.get('x-ratelimit-reset') ?? Number.NaN);
  const retryAfter = Number(headers.get('retry-after') ?? Number.NaN);
  const resetAt = Number.isFinite(resetSeconds) && resetSeconds > 0 ? new Date(resetSeconds * 1000) : undefined;
  const afterRetry = Number.isFinite(retryAfter) && retryAfter >= 0 ? new Date(now.getTime() + retryAfter * 1000) : undefined;
  if (status === 403 || status === 429) {
    if (/secondary rate limit/i.test(message) || afterRetry !== undefined) {
      return { refusal: 'secondary-rate-limit', retryAt: afterRetry ?? (remaining === '0' ? resetAt : undefined) ?? new Date(now.getTime() + 60_000) };
    }
    if (remaining === '0' || /rate limit/i.test(message)) return { refusal: 'rate-limit', retryAt: resetAt ?? new Date(now.getTime() + 60_000) };
  }
  if ((status === 403 || status === 422) && PROTECTED_BRANCH.test(message)) return { refusal: 'protected-branch', retryAt: undefined };
  if (status === 403 && /not accessible by integration|permission/i.test(message)) return { refusal: 'permission', retryAt: undefined };
  if (status === 404) return { refusal: 'not-found', retryAt: undefined };
  return { refusal: 'other', retryAt: undefined };
}
