import { describe, expect, it } from 'vitest';
import { CommitError, commitFiles } from './commit-files.js';
import type { GitDataApi, TreeEntry } from './git-data.js';
import { RefMovedError } from './git-data.js';

/** An in-memory git data API whose head moves `moves` times when the ref is updated. */
function memoryApi(moves: number) {
  let head = 'c0';
  let remaining = moves;
  const log: string[] = [];
  const trees: { base: string; entries: readonly TreeEntry[] }[] = [];
  const api: GitDataApi = {
    getBranchHead: (branch) => {
      log.push(`head ${branch}`);
      return Promise.resolve(head);
    },
    getCommitTree: (sha) => Promise.resolve(`tree-of-${sha}`),
    createBlob: (content) => Promise.resolve(`blob-${content.toString('utf8')}`),
    createTree: (base, entries) => {
      trees.push({ base, entries });
      return Promise.resolve(`tree${trees.length}`);
    },
    createCommit: (message, tree, parents) => Promise.resolve(`commit(${tree}<-${parents.join(',')})`),
    updateBranch: (branch, sha) => {
      if (remaining > 0) {
        remaining--;
        head = `other${moves - remaining}`;
        return Promise.reject(new RefMovedError('moved'));
      }
      head = sha;
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
  return { api, log, trees, head: () => head };
}

describe('commitFiles', () => {
  it('makes one commit of every change (deletions as null shas) on the head', async () => {
    const m = memoryApi(0);
    const result = await commitFiles({ api: m.api, branch: 'main', message: 'm', changes: [{ path: 'a/cert.pem', content: Buffer.from('C') }, { path: 'a/state.json', content: null }] });
    expect(result).toEqual({ sha: 'commit(tree1<-c0)', parent: 'c0', retries: 0 });
    expect(m.trees).toEqual([{ base: 'tree-of-c0', entries: [{ path: 'a/cert.pem', mode: '100644', type: 'blob', sha: 'blob-C' }, { path: 'a/state.json', mode: '100644', type: 'blob', sha: null }] }]);
  });

  it('rebuilds the tree on the moved head instead of forcing', async () => {
    const m = memoryApi(2);
    const result = await commitFiles({ api: m.api, branch: 'main', message: 'm', changes: [{ path: 'x', content: Buffer.from('X') }] });
    expect(result.parent).toBe('other2');
    expect(result.retries).toBe(2);
    expect(m.trees.map((t) => t.base)).toEqual(['tree-of-c0', 'tree-of-other1', 'tree-of-other2']);
    expect(m.head()).toBe(result.sha);
  });

  it('gives up with what to do when the head keeps moving', async () => {
    const m = memoryApi(10);
    await expect(commitFiles({ api: m.api, branch: 'main', message: 'm', changes: [{ path: 'x', content: Buffer.from('X') }], maxAttempts: 3 })).rejects.toThrow(CommitError);
  });
});
