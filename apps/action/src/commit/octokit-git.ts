/** The git data API over `@actions/github`'s Octokit (edge module: the only one importing it). */
import { getOctokit } from '@actions/github';
import type { GitDataApi } from './git-data.js';
import { RefMovedError } from './git-data.js';

/** Where to commit: `owner/repo` and the token. */
export interface OctokitGitOptions {
  readonly repository: string;
  readonly token: string;
}

function isStatus(error: unknown, status: number): boolean {
  return typeof error === 'object' && error !== null && (error as { status?: unknown }).status === status;
}

/** Builds a {@link GitDataApi} for one repository (the API URL comes from GITHUB_API_URL). */
export function octokitGitDataApi(options: OctokitGitOptions): GitDataApi {
  const [owner = '', repo = ''] = options.repository.split('/');
  const git = getOctokit(options.token).rest.git;
  return {
    async getBranchHead(branch) {
      const { data } = await git.getRef({ owner, repo, ref: `heads/${branch}` });
      return data.object.sha;
    },
    async getCommitTree(commitSha) {
      const { data } = await git.getCommit({ owner, repo, commit_sha: commitSha });
      return data.tree.sha;
    },
    async createBlob(content) {
      const { data } = await git.createBlob({ owner, repo, content: content.toString('base64'), encoding: 'base64' });
      return data.sha;
    },
    async createTree(baseTree, entries) {
      const { data } = await git.createTree({ owner, repo, base_tree: baseTree, tree: entries.map((e) => ({ ...e })) });
      return data.sha;
    },
    async createCommit(message, treeSha, parents) {
      const { data } = await git.createCommit({ owner, repo, message, tree: treeSha, parents: [...parents] });
      return data.sha;
    },
    async updateBranch(branch, commitSha) {
      try {
        await git.updateRef({ owner, repo, ref: `heads/${branch}`, sha: commitSha, force: false });
      } catch (error) {
        // GitHub answers 422 "Update is not a fast forward" when the head moved.
        if (isStatus(error, 422)) throw new RefMovedError(`Branch ${branch} moved.`, { cause: error });
        throw error;
      }
    },
  };
}
