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
});
