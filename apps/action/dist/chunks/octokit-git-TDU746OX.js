import { createRequire as __acmapiCreateRequire } from 'node:module';
const require = __acmapiCreateRequire(import.meta.url);
import {
  RefMovedError
} from "./chunk-OYORGL5A.js";
import {
  getOctokit
} from "./chunk-3L5GWNPU.js";
import "./chunk-FSEZOY63.js";
import "./chunk-TH4UIC23.js";

// src/commit/octokit-git.ts
function isStatus(error, status) {
  return typeof error === "object" && error !== null && error.status === status;
}
function octokitGitDataApi(options) {
  const [owner = "", repo = ""] = options.repository.split("/");
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
      const { data } = await git.createBlob({ owner, repo, content: content.toString("base64"), encoding: "base64" });
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
        if (isStatus(error, 422)) throw new RefMovedError(`Branch ${branch} moved.`, { cause: error });
        throw error;
      }
    }
  };
}
export {
  octokitGitDataApi
};
