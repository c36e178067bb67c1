/**
 * The git data API (docs.github.com/rest/git) over undici's fetch: six calls, with the
 * runner's proxy settings (`HTTPS_PROXY`, `NO_PROXY`) as `@actions/http-client` honours
 * them, and without Octokit, whose REST route table and second undici outweigh the rest of
 * the Action. Edge module, loaded only for output commit.
 */
import { EnvHttpProxyAgent, fetch } from 'undici';
import type { GitDataApi, TreeEntry } from './git-data.js';
import { RefMovedError } from './git-data.js';

/** Where to commit. */
export interface GitHubGitOptions {
  /** `owner/repo`. */
  readonly repository: string;
  /** The token (`github-token`); sent as `Authorization: token …`, never printed. */
  readonly token: string;
  /** The REST API's base URL (`GITHUB_API_URL`). @default "https://api.github.com" */
  readonly apiUrl?: string | undefined;
}

/** GitHub answered a git data call with an error status. */
export class GitHubApiError extends Error {
  override name = 'GitHubApiError';
  /** The HTTP status. */
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

/** A branch name as a path below `refs/heads/`: each segment encoded, the slashes kept. */
function refPath(branch: string): string {
  return branch.split('/').map(encodeURIComponent).join('/');
}

/** Builds a {@link GitDataApi} for one repository; `close()` releases its connections. */
export function githubGitDataApi(options: GitHubGitOptions): GitDataApi {
  const [owner = '', repo = ''] = options.repository.split('/');
  const base = `${(options.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '')}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/git/`;
  const dispatcher = new EnvHttpProxyAgent();
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(base + path, {
      method,
      dispatcher,
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `token ${options.token}`,
        'user-agent': 'acmapi-action',
        'x-github-api-version': '2022-11-28',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) {
      let message = '';
      try {
        const said = (JSON.parse(text) as { message?: unknown }).message;
        if (typeof said === 'string') message = said;
      } catch {
        // Not JSON: the status says enough.
      }
      throw new GitHubApiError(`GitHub answered HTTP ${response.status} to ${method} git/${path.split('/')[0] ?? ''}${message === '' ? '' : `: ${message.slice(0, 200)}`}`, response.status);
    }
    return JSON.parse(text) as T;
  };
  return {
    async getBranchHead(branch) {
      return (await call<{ object: { sha: string } }>('GET', `ref/heads/${refPath(branch)}`)).object.sha;
    },
    async getCommitTree(commitSha) {
      return (await call<{ tree: { sha: string } }>('GET', `commits/${encodeURIComponent(commitSha)}`)).tree.sha;
    },
    async createBlob(content) {
      return (await call<{ sha: string }>('POST', 'blobs', { content: content.toString('base64'), encoding: 'base64' })).sha;
    },
    async createTree(baseTree, entries: readonly TreeEntry[]) {
      return (await call<{ sha: string }>('POST', 'trees', { base_tree: baseTree, tree: entries })).sha;
    },
    async createCommit(message, treeSha, parents) {
      return (await call<{ sha: string }>('POST', 'commits', { message, tree: treeSha, parents })).sha;
    },
    async updateBranch(branch, commitSha) {
      try {
        await call('PATCH', `refs/heads/${refPath(branch)}`, { sha: commitSha, force: false });
      } catch (error) {
        // GitHub answers 422 "Update is not a fast forward" when the head moved.
        if (error instanceof GitHubApiError && error.status === 422) throw new RefMovedError(`Branch ${branch} moved.`, { cause: error });
        throw error;
      }
    },
    close: () => dispatcher.close(),
  };
}
