import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub } from '../../test/helpers/fake-github.js';
import type { FakeGitHub } from '../../test/helpers/fake-github.js';
import { RefMovedError } from './git-data.js';
import { GitHubApiError, githubGitDataApi } from './github-git.js';

let github: FakeGitHub;
beforeEach(async () => {
  github = await startFakeGitHub('octo/site', 'release/2026', { 'README.md': '# site\n' });
});
afterEach(async () => {
  await github.close();
});

describe('githubGitDataApi', () => {
  it('makes a commit on a branch with a slash in its name, sending the token as GitHub expects', async () => {
    const api = githubGitDataApi({ repository: 'octo/site', token: 'ghs_unit', apiUrl: `${github.url}/` });
    try {
      const head = await api.getBranchHead('release/2026');
      const tree = await api.createTree(await api.getCommitTree(head), [{ path: 'certs/a.pem', mode: '100644', type: 'blob', sha: await api.createBlob(Buffer.from('A\n')) }]);
      const commit = await api.createCommit('add a', tree, [head]);
      await api.updateBranch('release/2026', commit);
      expect(github.refs.get('release/2026')).toBe(commit);
      expect(github.filesAt(commit).get('certs/a.pem')?.toString('utf8')).toBe('A\n');
      expect(github.requests.every((r) => r.authorization === 'token ghs_unit')).toBe(true);

      // Not a fast forward any more: the head moved.
      github.pushDirect('release/2026', { 'other.md': 'x\n' }, 'theirs');
      await expect(api.updateBranch('release/2026', commit)).rejects.toBeInstanceOf(RefMovedError);
    } finally {
      await api.close();
    }
  });

  it('fails with the HTTP status and GitHub\'s message', async () => {
    const api = githubGitDataApi({ repository: 'octo/site', token: 'ghs_unit', apiUrl: github.url });
    try {
      const error = await api.getBranchHead('gone').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GitHubApiError);
      expect(error).toMatchObject({ status: 404, message: 'GitHub answered HTTP 404 to GET git/ref: Not Found' });
    } finally {
      await api.close();
    }
  });

  describe('GitHub\'s refusals, told apart as its REST documentation does', () => {
    const commitOne = async (api: ReturnType<typeof githubGitDataApi>): Promise<void> => {
      const head = await api.getBranchHead('release/2026');
      const tree = await api.createTree(await api.getCommitTree(head), [{ path: 'a', mode: '100644', type: 'blob', sha: await api.createBlob(Buffer.from('A')) }]);
      await api.updateBranch('release/2026', await api.createCommit('a', tree, [head]));
    };

    it('a token without contents: write is a permission refusal with GitHub\'s message', async () => {
      github.contentsPermission = 'read';
      const api = githubGitDataApi({ repository: 'octo/site', token: 'ghs_unit', apiUrl: github.url });
      try {
        const error = await commitOne(api).catch((e: unknown) => e);
        expect(error).toMatchObject({ status: 403, refusal: 'permission', githubMessage: 'Resource not accessible by integration', documentationUrl: expect.stringMatching(/^https:\/\/docs\.github\.com\/rest\/git\//) as unknown });
      } finally {
        await api.close();
      }
    });

    it('a protected branch is a protected-branch refusal, not a moved head to retry', async () => {
      github.protectedBranches.add('release/2026');
      const api = githubGitDataApi({ repository: 'octo/site', token: 'ghs_unit', apiUrl: github.url });
      try {
        const error = await commitOne(api).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(GitHubApiError);
        expect(error).toMatchObject({ status: 422, refusal: 'protected-branch', githubMessage: 'Protected branch update failed for refs/heads/release/2026.' });
        expect(github.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
      } finally {
        await api.close();
      }
    });

    it('the primary rate limit is reported with its reset time, not waited out', async () => {
      const reset = Math.floor(Date.now() / 1000) + 1800;
      github.rateLimit = { limit: 1000, remaining: 1, reset };
      const api = githubGitDataApi({ repository: 'octo/site', token: 'ghs_unit', apiUrl: github.url });
      try {
        const error = await commitOne(api).catch((e: unknown) => e);
        expect(error).toMatchObject({ status: 403, refusal: 'rate-limit', githubMessage: expect.stringContaining('API rate limit exceeded') as unknown, retryAt: new Date(reset * 1000) });
      } finally {
        await api.close();
      }
    });

    it('a secondary rate limit with a short retry-after is waited out once; a long one is reported', async () => {
      github.secondaryLimit = { count: 1, retryAfter: 1 };
      const api = githubGitDataApi({ repository: 'octo/site', token: 'ghs_unit', apiUrl: github.url });
      try {
        const started = Date.now();
        await commitOne(api);
        expect(Date.now() - started).toBeGreaterThanOrEqual(950);
        // The first call (the branch head) refused, then made again; the five others once each.
        expect(github.requests.map((r) => r.method)).toStrictEqual(['GET', 'GET', 'GET', 'POST', 'POST', 'POST', 'PATCH']);
        expect(github.requests[0]?.path).toBe(github.requests[1]?.path);

        github.secondaryLimit = { count: 1, retryAfter: 600 };
        const error = await api.getBranchHead('release/2026').catch((e: unknown) => e);
        expect(error).toMatchObject({ status: 403, refusal: 'secondary-rate-limit', githubMessage: expect.stringContaining('secondary rate limit') as unknown });
        const waitS = ((error as GitHubApiError).retryAt?.getTime() ?? 0) / 1000 - Date.now() / 1000;
        expect(waitS).toBeGreaterThan(590);
        expect(waitS).toBeLessThanOrEqual(600);
      } finally {
        await api.close();
      }
    });
  });
});
