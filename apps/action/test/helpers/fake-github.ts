/**
 * A loopback GitHub REST API for the git data endpoints the Action calls
 * (docs.github.com/rest/git: refs, commits, blobs, trees), backed by an in-memory
 * object store so that a test can read back exactly what was committed. Trees are
 * flat (full path → blob), which is all the endpoints' contract needs.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCommit {
  readonly tree: string;
  readonly parents: readonly string[];
  readonly message: string;
}

export interface FakeGitHub {
  /** Base URL for GITHUB_API_URL. */
  readonly url: string;
  /** Every request: method, path, and the Authorization header. */
  readonly requests: { method: string; path: string; authorization: string | undefined }[];
  readonly blobs: Map<string, Buffer>;
  readonly commits: Map<string, FakeCommit>;
  /** Branch → head sha. */
  readonly refs: Map<string, string>;
  /** The files (path → content) of a commit. */
  filesAt(commitSha: string): Map<string, Buffer>;
  /** Makes a commit on a branch directly (another pusher). */
  pushDirect(branch: string, files: Record<string, string>, message: string): string;
  /** Before the next PATCH of a ref, runs this once (e.g. to move the head). */
  beforeNextRefUpdate: (() => void) | undefined;
  /**
   * The token's `contents` permission, as a workflow's `permissions:` grants it: with `read`,
   * every write (POST, PATCH) is refused 403 "Resource not accessible by integration", as
   * GitHub refuses a GITHUB_TOKEN that lacks a permission. @default "write"
   */
  contentsPermission: 'read' | 'write';
  /** Branches under branch protection: a ref update is refused 422 "Protected branch update failed for refs/heads/…". */
  readonly protectedBranches: Set<string>;
  /**
   * The primary rate limit (docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api):
   * every answer carries `x-ratelimit-limit/remaining/used/reset/resource`; once `remaining`
   * is 0, calls are refused 403 "API rate limit exceeded …" until `reset` (epoch seconds).
   */
  rateLimit: { limit: number; remaining: number; reset: number };
  /** The next `count` calls are refused 403 "You have exceeded a secondary rate limit …", with `retry-after: retryAfter` when given. */
  secondaryLimit: { count: number; retryAfter?: number } | undefined;
  close(): Promise<void>;
}

function sha(kind: string, value: unknown): string {
  return createHash('sha1').update(kind).update(JSON.stringify(value)).digest('hex');
}

async function body(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return chunks.length === 0 ? {} : (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
}

function send(response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(value));
}

/** GitHub's error body: `message`, `documentation_url`, and `status` as a string. */
function refuse(response: ServerResponse, status: number, message: string, documentationUrl: string, headers: Record<string, string> = {}): void {
  send(response, status, { message, documentation_url: documentationUrl, status: String(status) }, headers);
}

/** Starts the fake for `owner/repo` with one branch holding `files`. */
export async function startFakeGitHub(repository: string, branch: string, files: Record<string, string> = {}): Promise<FakeGitHub> {
  const blobs = new Map<string, Buffer>();
  const trees = new Map<string, Map<string, string>>();
  const commits = new Map<string, FakeCommit>();
  const refs = new Map<string, string>();
  const requests: FakeGitHub['requests'] = [];

  const putBlob = (content: Buffer): string => {
    const id = createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
    blobs.set(id, content);
    return id;
  };
  const putTree = (entries: Map<string, string>): string => {
    const id = sha('tree', [...entries.entries()].sort());
    trees.set(id, entries);
    return id;
  };
  const putCommit = (commit: FakeCommit): string => {
    const id = sha('commit', [commit, commits.size]);
    commits.set(id, commit);
    return id;
  };
  const treeOf = (files: Record<string, string>, base = new Map<string, string>()): string => {
    const entries = new Map(base);
    for (const [path, content] of Object.entries(files)) entries.set(path, putBlob(Buffer.from(content)));
    return putTree(entries);
  };
  refs.set(branch, putCommit({ tree: treeOf(files), parents: [], message: 'initial' }));

  const isAncestor = (ancestor: string, of: string): boolean => {
    const queue = [of];
    while (queue.length > 0) {
      const next = queue.shift() ?? '';
      if (next === ancestor) return true;
      queue.push(...(commits.get(next)?.parents ?? []));
    }
    return false;
  };

  const prefix = `/repos/${repository}/git/`;
  const fake: FakeGitHub = {
    url: '',
    requests,
    blobs,
    commits,
    refs,
    beforeNextRefUpdate: undefined,
    contentsPermission: 'write',
    protectedBranches: new Set<string>(),
    rateLimit: { limit: 5000, remaining: 5000, reset: Math.floor(Date.now() / 1000) + 3600 },
    secondaryLimit: undefined,
    filesAt(commitSha) {
      const tree = trees.get(commits.get(commitSha)?.tree ?? '') ?? new Map<string, string>();
      return new Map([...tree.entries()].map(([path, blob]) => [path, blobs.get(blob) ?? Buffer.alloc(0)]));
    },
    pushDirect(onBranch, changed, message) {
      const head = refs.get(onBranch) ?? '';
      const base = trees.get(commits.get(head)?.tree ?? '') ?? new Map<string, string>();
      const id = putCommit({ tree: treeOf(changed, base), parents: [head], message });
      refs.set(onBranch, id);
      return id;
    },
    close: () => Promise.resolve(),
  };

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://x');
      requests.push({ method: request.method ?? '', path: url.pathname, authorization: request.headers.authorization });
      const limit = fake.rateLimit;
      if (limit.remaining > 0 && fake.secondaryLimit === undefined) limit.remaining--;
      const rateHeaders = {
        'x-ratelimit-limit': String(limit.limit),
        'x-ratelimit-remaining': String(limit.remaining),
        'x-ratelimit-used': String(limit.limit - limit.remaining),
        'x-ratelimit-reset': String(limit.reset),
        'x-ratelimit-resource': 'core',
      };
      const secondary = fake.secondaryLimit;
      if (secondary !== undefined && secondary.count > 0) {
        secondary.count--;
        if (secondary.count === 0) fake.secondaryLimit = undefined;
        refuse(response, 403, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.',
          'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
          { ...rateHeaders, ...(secondary.retryAfter === undefined ? {} : { 'retry-after': String(secondary.retryAfter) }) });
        return;
      }
      if (limit.remaining === 0) {
        refuse(response, 403, 'API rate limit exceeded for installation ID 1234567.', 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api', rateHeaders);
        return;
      }
      response.setHeaders(new Map(Object.entries(rateHeaders)));
      if (fake.contentsPermission === 'read' && request.method !== 'GET') {
        const what = url.pathname.split('/').at(-1) === 'blobs' ? 'blobs#create-a-blob' : 'refs#update-a-reference';
        refuse(response, 403, 'Resource not accessible by integration', `https://docs.github.com/rest/git/${what}`);
        return;
      }
      if (!url.pathname.startsWith(prefix)) { send(response, 404, { message: 'Not Found' }); return; }
      const rest = decodeURIComponent(url.pathname.slice(prefix.length));
      const input = await body(request);
      if (request.method === 'GET' && rest.startsWith('ref/heads/')) {
        const head = refs.get(decodeURIComponent(rest.slice('ref/heads/'.length)));
        if (head === undefined) { send(response, 404, { message: 'Not Found' }); return; }
        send(response, 200, { ref: `refs/${rest.slice(4)}`, object: { sha: head, type: 'commit' } }); return;
      }
      if (request.method === 'GET' && rest.startsWith('commits/')) {
        const id = rest.slice('commits/'.length);
        const commit = commits.get(id);
        if (commit === undefined) { send(response, 404, { message: 'Not Found' }); return; }
        send(response, 200, { sha: id, tree: { sha: commit.tree }, parents: commit.parents.map((p) => ({ sha: p })), message: commit.message }); return;
      }
      if (request.method === 'POST' && rest === 'blobs') {
        if (input['encoding'] !== 'base64' || typeof input['content'] !== 'string') { send(response, 422, { message: 'Invalid blob' }); return; }
        send(response, 201, { sha: putBlob(Buffer.from(input['content'], 'base64')) }); return;
      }
      if (request.method === 'POST' && rest === 'trees') {
        const base = trees.get(String(input['base_tree']));
        if (base === undefined) { send(response, 422, { message: 'base_tree not found' }); return; }
        const entries = new Map(base);
        for (const entry of input['tree'] as { path: string; sha: string | null; mode: string; type: string }[]) {
          if (entry.mode !== '100644' || entry.type !== 'blob') { send(response, 422, { message: 'unsupported entry' }); return; }
          if (entry.sha === null) {
            if (!entries.delete(entry.path)) { send(response, 422, { message: `path ${entry.path} not in base tree` }); return; }
          } else if (blobs.has(entry.sha)) entries.set(entry.path, entry.sha);
          else { send(response, 422, { message: 'blob not found' }); return; }
        }
        send(response, 201, { sha: putTree(entries) }); return;
      }
      if (request.method === 'POST' && rest === 'commits') {
        const parents = input['parents'] as string[];
        if (!trees.has(String(input['tree'])) || !parents.every((p) => commits.has(p))) { send(response, 422, { message: 'bad commit' }); return; }
        send(response, 201, { sha: putCommit({ tree: String(input['tree']), parents, message: String(input['message']) }) }); return;
      }
      if (request.method === 'PATCH' && rest.startsWith('refs/heads/')) {
        const hook = fake.beforeNextRefUpdate;
        fake.beforeNextRefUpdate = undefined;
        hook?.();
        const name = decodeURIComponent(rest.slice('refs/heads/'.length));
        const head = refs.get(name);
        const next = String(input['sha']);
        if (head === undefined) { send(response, 422, { message: 'Reference does not exist' }); return; }
        if (fake.protectedBranches.has(name)) {
          refuse(response, 422, `Protected branch update failed for refs/heads/${name}.`, 'https://docs.github.com/rest/git/refs#update-a-reference');
          return;
        }
        if (input['force'] !== false && input['force'] !== undefined) { send(response, 422, { message: 'force not expected' }); return; }
        if (!isAncestor(head, next)) { send(response, 422, { message: 'Update is not a fast forward' }); return; }
        refs.set(name, next);
        send(response, 200, { ref: `refs/heads/${name}`, object: { sha: next, type: 'commit' } }); return;
      }
      send(response, 404, { message: 'Not Found' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => { resolve(); }); }),
  });
}
