/**
 * The git data API (docs.github.com/rest/git) over undici's fetch: six calls, with the
 * runner's proxy settings (`HTTPS_PROXY`, `NO_PROXY`) as `@actions/http-client` honours
 * them, and without Octokit, whose REST route table and second undici outweigh the rest of
 * the Action. Edge module, loaded only for output commit.
 */
import { EnvHttpProxyAgent, fetch } from 'undici';
import type { GitDataApi, TreeEntry } from './git-data.js';
import { classifyRefusal, GitHubApiError, RefMovedError } from './git-data.js';

export { GitHubApiError } from './git-data.js';

/** Where to commit. */
export interface GitHubGitOptions {
  /** `owner/repo`. */
  readonly repository: string;
  /** The token (`github-token`); sent as `Authorization: token …`, never printed. */
  readonly token: string;
  /** The REST API's base URL (`GITHUB_API_URL`). @default "https://api.github.com" */
  readonly apiUrl?: string | undefined;
}

/** Rate-limit waits up to this long are waited out (once per call); longer ones are reported. */
export const MAX_RATE_LIMIT_WAIT_MS = 20_000;

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
      let documentationUrl: string | undefined;
      try {
        const said = JSON.parse(text) as { message?: unknown; documentation_url?: unknown };
        if (typeof said.message === 'string') message = said.message.slice(0, 300);
        if (typeof said.documentation_url === 'string' && said.documentation_url.startsWith('https://docs.github.com/')) documentationUrl = said.documentation_url.slice(0, 300);
      } catch {
        // Not JSON: the status says enough.
      }
      const { refusal, retryAt } = classifyRefusal({ status: response.status, headers: response.headers, message }, new Date());
      throw new GitHubApiError(`GitHub answered HTTP ${response.status} to ${method} git/${path.split('/')[0] ?? ''}${message === '' ? '' : `: ${message.slice(0, 200)}`}`, {
        status: response.status, refusal, githubMessage: message, documentationUrl, retryAt,
      });
    }
    return JSON.parse(text) as T;
  };
  // GitHub asks clients to wait out a rate limit, not to hammer it: a short wait is waited
  // once (a secondary limit often says "retry-after: 1"); a long one is reported to the user.
  const callWaitingOut = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    try {
      return await call<T>(method, path, body);
    } catch (error) {
      if (!(error instanceof GitHubApiError) || error.retryAt === undefined) throw error;
      const waitMs = error.retryAt.getTime() - Date.now();
      if (waitMs > MAX_RATE_LIMIT_WAIT_MS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, waitMs)));
      return call<T>(method, path, body);
    }
  };
  return {
    async getBranchHead(branch) {
      return (await callWaitingOut<{ object: { sha: string } }>('GET', `ref/heads/${refPath(branch)}`)).object.sha;
    },
    async getCommitTree(commitSha) {
      return (await callWaitingOut<{ tree: { sha: string } }>('GET', `commits/${encodeURIComponent(commitSha)}`)).tree.sha;
    },
    async createBlob(content) {
      return (await callWaitingOut<{ sha: string }>('POST', 'blobs', { content: content.toString('base64'), encoding: 'base64' })).sha;
    },
    async createTree(baseTree, entries: readonly TreeEntry[]) {
      return (await callWaitingOut<{ sha: string }>('POST', 'trees', { base_tree: baseTree, tree: entries })).sha;
    },
    async createCommit(message, treeSha, parents) {
      return (await callWaitingOut<{ sha: string }>('POST', 'commits', { message, tree: treeSha, parents })).sha;
    },
    async updateBranch(branch, commitSha) {
      try {
        await callWaitingOut('PATCH', `refs/heads/${refPath(branch)}`, { sha: commitSha, force: false });
      } catch (error) {
        // GitHub answers 422 "Update is not a fast forward" when the head moved; a protected
        // branch is a 422 too ("Protected branch update failed …"), which no retry can pass.
        if (error instanceof GitHubApiError && error.status === 422 && error.refusal === 'other') {
          throw new RefMovedError(`Branch ${branch} moved.`, { cause: error });
        }
        throw error;
      }
    },
    close: () => dispatcher.close(),
  };
}
