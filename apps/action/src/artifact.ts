/**
 * Uploads the certificates folder as a workflow artifact over GitHub's artifact service v2,
 * the protocol of `@actions/artifact` 2+ and `actions/upload-artifact@v4`:
 *
 * 1. the backend ids of the run and the job, from the `Actions.Results:RUN:JOB` scope of
 *    the runtime token (`ACTIONS_RUNTIME_TOKEN`, a JWT);
 * 2. `CreateArtifact` (Twirp JSON at `ACTIONS_RESULTS_URL`, service
 *    `github.actions.results.api.v1.ArtifactService`, proto field names) → a signed blob URL;
 * 3. the zip written to that URL with Azure Blob's Put Blob (a few kilobytes: one request);
 * 4. `FinalizeArtifact` with its size and SHA-256 → the artifact id.
 *
 * Written here rather than bundling `@actions/artifact`, which brings Azure's storage SDK and
 * a second undici (1.5 MiB minified, more than the whole Action may weigh); the zip is made
 * with fflate. Requests go through undici with the runner's proxy settings (`HTTPS_PROXY`,
 * `NO_PROXY`), as `@actions/http-client` does. Edge module, loaded only for output artifact.
 */
import { createHash } from 'node:crypto';
import { relative, sep } from 'node:path';
import { readLocalFile } from '@acmapi/core/store';
import { zipSync } from 'fflate';
import type { Zippable } from 'fflate';
import { EnvHttpProxyAgent, fetch } from 'undici';
import type { UploadArtifactInput } from './run.js';

/** The Twirp service of artifacts. */
const SERVICE = 'github.actions.results.api.v1.ArtifactService';
/** The artifact format version `@actions/artifact` 6 creates. */
const ARTIFACT_VERSION = 7;
/** Azure Blob REST version of the upload (any since 2019-12-12 takes a Put Blob this size). */
const BLOB_API_VERSION = '2024-11-04';
/** Attempts of a request the service answers with 429 or 5xx, or that fails before an answer. */
const ATTEMPTS = 5;
/** Delay before the first retry; then 1.5 times longer each time (as `@actions/artifact`). */
const FIRST_RETRY_MS = 3000;
const RETRYABLE = new Set([429, 500, 502, 503, 504]);
/** Characters the artifact service refuses in a name (as `@actions/artifact` checks them). */
const FORBIDDEN_IN_NAME = /["\\:<>|*?\r\n/]/;

/** The artifact could not be uploaded; the message says what to do. */
export class ArtifactError extends Error {
  override name = 'ArtifactError';
}

/** What {@link uploadArtifact} needs besides the files. */
export interface ArtifactUploadOptions {
  /** The runner's environment: ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL, GITHUB_RETENTION_DAYS. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Waits between attempts. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/**
 * The run's and the job's backend ids from the runtime token's `scp` claim
 * (`… Actions.Results:RUN:JOB …`). The token's signature is the service's to check.
 * @throws {ArtifactError} when the token is not such a JWT.
 */
export function backendIds(runtimeToken: string): { workflowRunBackendId: string; workflowJobRunBackendId: string } {
  const invalid = new ArtifactError('ACTIONS_RUNTIME_TOKEN is not a runtime token with an Actions.Results scope; output artifact works only in a GitHub Actions job.');
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(runtimeToken.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  const scope = typeof claims === 'object' && claims !== null ? (claims as { scp?: unknown }).scp : undefined;
  if (typeof scope !== 'string') throw invalid;
  for (const entry of scope.split(' ')) {
    const parts = entry.split(':');
    if (parts[0] !== 'Actions.Results') continue;
    const [, run, job] = parts;
    if (parts.length !== 3 || run === undefined || job === undefined || run === '' || job === '') throw invalid;
    return { workflowRunBackendId: run, workflowJobRunBackendId: job };
  }
  throw invalid;
}

/**
 * When the artifact expires (RFC 3339, as protobuf's JSON Timestamp), or `undefined` for the
 * repository's default; capped at the repository's maximum (`GITHUB_RETENTION_DAYS`).
 */
export function expiresAt(retentionDays: number | undefined, maxRetentionDays: string | undefined, now: Date): { expiresAt: string | undefined; capped: boolean } {
  if (retentionDays === undefined) return { expiresAt: undefined, capped: false };
  const max = maxRetentionDays === undefined ? Number.NaN : Number.parseInt(maxRetentionDays, 10);
  const capped = Number.isInteger(max) && max > 0 && max < retentionDays;
  const days = capped ? max : retentionDays;
  const at = new Date(now.getTime());
  at.setUTCDate(at.getUTCDate() + days);
  return { expiresAt: at.toISOString().replace('.000Z', 'Z'), capped };
}

/** The files as one zip, named by their paths relative to `rootDirectory` (`/`-separated). */
export async function zipFolder(files: readonly string[], rootDirectory: string): Promise<Uint8Array> {
  const entries: Zippable = {};
  for (const file of files) {
    const name = relative(rootDirectory, file).split(sep).join('/');
    if (name === '' || name.startsWith('../')) throw new ArtifactError(`${file} is not inside ${rootDirectory}.`);
    entries[name] = [await readLocalFile(file), { level: 6 }];
  }
  return zipSync(entries);
}

function delayBefore(attempt: number): number {
  return FIRST_RETRY_MS * 1.5 ** (attempt - 1);
}

/**
 * Uploads `files` as artifact `name` (see the module comment).
 * @returns the artifact's id.
 * @throws {ArtifactError} without the runner's artifact settings, for a name the service
 *   refuses, or when the service keeps failing (the message has its status, never a URL or token).
 */
export async function uploadArtifact(input: UploadArtifactInput, options: ArtifactUploadOptions): Promise<{ id?: number; warnings: string[] }> {
  const { env } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const token = env['ACTIONS_RUNTIME_TOKEN'] ?? '';
  const resultsUrl = env['ACTIONS_RESULTS_URL'] ?? '';
  if (token === '' || resultsUrl === '') {
    throw new ArtifactError('output artifact needs ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL, which the runner gives a JavaScript action; use output commit or none elsewhere.');
  }
  if (FORBIDDEN_IN_NAME.test(input.name)) {
    throw new ArtifactError(`The artifact-name ${JSON.stringify(input.name)} holds a character artifacts cannot have (" : < > | * ? \\ / or a line break).`);
  }
  const ids = backendIds(token);
  const zip = await zipFolder(input.files, input.rootDirectory);
  const warnings: string[] = [];
  const expiry = expiresAt(input.retentionDays, env['GITHUB_RETENTION_DAYS'], (options.now ?? (() => new Date()))());
  if (expiry.capped) warnings.push(`retention-days ${input.retentionDays} is more than the repository allows; the artifact is kept for ${env['GITHUB_RETENTION_DAYS']} days.`);
  const dispatcher = new EnvHttpProxyAgent();
  try {
    /** One request with the retries of `@actions/artifact`; `what` names it in errors. */
    const send = async (what: string, url: string, init: { method: string; headers: Record<string, string>; body: string | Uint8Array }): Promise<string> => {
      let reason = '';
      for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        if (attempt > 1) await sleep(delayBefore(attempt - 1));
        try {
          const response = await fetch(url, { ...init, dispatcher });
          const text = await response.text();
          if (response.ok) return text;
          reason = `HTTP ${response.status}`;
          if (!RETRYABLE.has(response.status)) break;
        } catch (error) {
          reason = (error as Error).message;
        }
      }
      throw new ArtifactError(`The artifact service failed to ${what} (${reason}); run the job again.`);
    };
    const twirp = async (method: string, body: Record<string, unknown>): Promise<Record<string, unknown>> => {
      const text = await send(method, new URL(`/twirp/${SERVICE}/${method}`, resultsUrl).href, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer: unknown = JSON.parse(text);
      if (typeof answer !== 'object' || answer === null || (answer as { ok?: unknown }).ok !== true) {
        throw new ArtifactError(`The artifact service did not accept ${method}; run the job again.`);
      }
      return answer as Record<string, unknown>;
    };
    const owner = { workflow_run_backend_id: ids.workflowRunBackendId, workflow_job_run_backend_id: ids.workflowJobRunBackendId, name: input.name };
    const created = await twirp('CreateArtifact', {
      ...owner,
      version: ARTIFACT_VERSION,
      mime_type: 'application/zip',
      ...(expiry.expiresAt === undefined ? {} : { expires_at: expiry.expiresAt }),
    });
    const uploadUrl = created['signed_upload_url'];
    if (typeof uploadUrl !== 'string' || !/^https?:\/\//.test(uploadUrl)) throw new ArtifactError('The artifact service gave no upload URL; run the job again.');
    await send('store the zip', uploadUrl, {
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob', 'x-ms-blob-content-type': 'application/zip', 'x-ms-version': BLOB_API_VERSION, 'content-type': 'application/zip' },
      body: zip,
    });
    const finalized = await twirp('FinalizeArtifact', { ...owner, size: String(zip.byteLength), hash: `sha256:${createHash('sha256').update(zip).digest('hex')}` });
    const id = Number(finalized['artifact_id']);
    return { ...(Number.isSafeInteger(id) ? { id } : {}), warnings };
  } finally {
    await dispatcher.close();
  }
}
