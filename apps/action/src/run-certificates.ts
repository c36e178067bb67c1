/**
 * Everything after the inputs (loaded by run.ts once they parse, so that a wrong input fails
 * before this code loads): make the certificates' requests, run each through core's lifecycle
 * over the published folder, then store the results (commit or artifact), set the outputs,
 * write the job summary, and fail the step when a certificate failed.
 */
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, sep } from 'node:path';
import { normalizeDomains } from '@acmapi/core';
import { fileTooLargeDetail, MAX_CA_FILE_BYTES, readLocalFile, readLocalTextFile } from '@acmapi/core/store';
import { displayText } from '@acmapi/core/text';
import { runOneCertificate } from './certificate-run.js';
import { CommitError, commitFiles } from './commit/commit-files.js';
import { GitHubApiError } from './commit/git-data.js';
import { describeFailure } from './failure.js';
import { InputError } from './inputs.js';
import type { ActionInputs, CertificateRequest } from './inputs.js';
import type { ActionLog } from './lifecycle-log.js';
import { runnerLog } from './log-text.js';
import { mapLimit } from './map-limit.js';
import { maskSecret } from './masking.js';
import type { CertificateOutcome } from './outcome.js';
import { aggregateStatus } from './outcome.js';
import { assertFolderInsideWorkspace, assertNoPlaintextKey, OutputFolder } from './output-folder.js';
import { buildOutputs } from './outputs.js';
import type { OutputName } from './outputs.js';
import type { ProjectConfig } from './project-config.js';
import { PublishedFolderRepository } from './published-folder/index.js';
import type { ActionServices, RunResult } from './run.js';
import { buildSummary } from './summary.js';

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function currentBranch(inputs: ActionInputs, env: ActionServices['env']): string {
  if (inputs.branch !== undefined) return inputs.branch;
  const head = env['GITHUB_HEAD_REF'];
  if (head !== undefined && head !== '') return head;
  const ref = env['GITHUB_REF'] ?? '';
  if (ref.startsWith('refs/heads/')) return ref.slice('refs/heads/'.length);
  throw new InputError(`output commit needs a branch: GITHUB_REF is ${JSON.stringify(ref)}, not a branch; give the branch input.`);
}

/**
 * The certificates to handle, their domains normalised (spec §4).
 * @throws {DomainError} for domains that break spec §4; {InputError} from the config's selection.
 */
async function certificateRequests(inputs: ActionInputs, config: ProjectConfig | undefined): Promise<CertificateRequest[]> {
  if (config !== undefined) {
    const { selectCertificates } = await import('./project-config.js');
    return selectCertificates(config, inputs.certificates, inputs.keyType).map((request) => ({ ...request, domains: normalizeDomains(request.domains) }));
  }
  const domains = normalizeDomains(inputs.domains);
  return [{ name: inputs.name ?? domains[0] ?? '', domains, keyType: inputs.keyType }];
}

async function caPem(inputs: ActionInputs, workspace: string): Promise<string | undefined> {
  if (inputs.caFile === undefined) return undefined;
  const file = isAbsolute(inputs.caFile) ? inputs.caFile : join(workspace, inputs.caFile);
  try {
    return await readLocalTextFile(file, { maxBytes: MAX_CA_FILE_BYTES });
  } catch (error) {
    throw new InputError(`The ca-file ${inputs.caFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}${fileTooLargeDetail(error)}).`, { cause: error });
  }
}

/** The keys the user gives, which are used but never stored: the private-key input, and the config's `key` files. */
function givenPrivateKeys(inputs: ActionInputs, requests: readonly CertificateRequest[]): string[] {
  const keys = new Set<string>();
  if (inputs.privateKey !== undefined) keys.add(inputs.privateKey);
  for (const { keySource } of requests) {
    if ((keySource?.kind === 'key' || keySource?.kind === 'csr') && keySource.privateKeyPem !== undefined) keys.add(keySource.privateKeyPem);
  }
  return [...keys];
}

/** The CSRs the user gives (the csr input, the config's `csr` files): their keys are with the user. */
function givenCsrs(inputs: ActionInputs, requests: readonly CertificateRequest[]): string[] {
  const csrs = new Set<string>();
  if (inputs.csr !== undefined) csrs.add(inputs.csr);
  for (const { keySource } of requests) if (keySource?.kind === 'csr') csrs.add(keySource.csrPem);
  return [...csrs];
}

/** When GitHub says to try again, for people: an ISO time in UTC and how far off it is. */
function waitUntil(at: Date): string {
  const seconds = Math.max(1, Math.ceil((at.getTime() - Date.now()) / 1000));
  const inWords = seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
  return `${at.toISOString().replace(/\.\d{3}Z$/, 'Z')}, in ${inWords}`;
}

/** Why the commit failed and what to do, in the Action's words, quoting GitHub's own reason (escaped: it is network data). */
function commitRefusal(error: unknown, branch: string): string {
  if (!(error instanceof GitHubApiError)) {
    const status = (error as { status?: unknown }).status;
    const why = typeof status === 'number' ? `GitHub answered HTTP ${status}` : describeFailure(error).message;
    return `${why}. Check that the branch exists and that github-token may write contents ("permissions: contents: write")`;
  }
  const said = `GitHub answered HTTP ${error.status}${error.githubMessage === '' ? '' : `: "${displayText(error.githubMessage)}"`}`;
  const docs = error.documentationUrl === undefined ? '' : ` (${displayText(error.documentationUrl, { maxLength: 300 })})`;
  switch (error.refusal) {
    case 'permission':
      return `${said}. The token in github-token may not write the repository's contents: add "permissions: contents: write" to the job (or the workflow) that runs the Action, or, in the repository's Settings > Actions > General, set "Workflow permissions" to "Read and write"${docs}`;
    case 'protected-branch':
      return `${said}. Branch ${branch} is protected (branch protection or a ruleset), and the Action's token may not push to it: allow GitHub Actions to bypass the rule, give github-token a token that may, or set the branch input to an unprotected branch and merge it by pull request${docs}`;
    case 'rate-limit':
      return `${said}. The token's GitHub API rate limit is used up: run the workflow again after ${error.retryAt === undefined ? 'the limit resets (within an hour)' : waitUntil(error.retryAt)} (x-ratelimit-reset)${docs}`;
    case 'secondary-rate-limit':
      return `${said}. GitHub's secondary rate limit (too many requests at once) stopped the commit: run the workflow again after ${error.retryAt === undefined ? 'a minute or more' : waitUntil(error.retryAt)}, and avoid many workflows committing at the same time (a concurrency group)${docs}`;
    case 'not-found':
      return `${said}. Check that branch ${branch} exists and that github-token can see the repository`;
    case 'other':
      return `${said}. Check that the branch exists and that github-token may write contents ("permissions: contents: write")${docs}`;
  }
}

async function commitChanges(inputs: ActionInputs, folder: OutputFolder, outcomes: readonly CertificateOutcome[], services: ActionServices): Promise<void> {
  const changes = folder.changes();
  if (changes.length === 0) {
    services.core.info('Nothing changed in the certificates folder: no commit.');
    return;
  }
  for (const change of changes) if (change.content !== null) assertNoPlaintextKey(change.path, change.content);
  const repository = services.env['GITHUB_REPOSITORY'] ?? '';
  if (!/^[^/\s]+\/[^/\s]+$/.test(repository)) throw new InputError('output commit needs GITHUB_REPOSITORY (owner/repo), which the runner sets.');
  const branch = currentBranch(inputs, services.env);
  const names = outcomes.filter((o) => o.status === 'issued' || o.status === 'pending').map((o) => o.name);
  const message = inputs.commitMessage.replaceAll('{names}', names.length > 0 ? names.join(', ') : 'state');
  let result;
  try {
    const api = await services.gitDataApi({ repository, token: inputs.githubToken ?? '' });
    try {
      result = await commitFiles({ api, branch, message, changes });
    } finally {
      await api.close();
    }
  } catch (error) {
    if (error instanceof CommitError) throw error;
    throw new CommitError(`The commit to ${repository} branch ${branch} failed (${commitRefusal(error, branch)}); the certificates are still in ${folder.relative}.`, { cause: error });
  }
  services.core.info(`Committed ${changes.length} file(s) to ${branch} as ${result.sha}${result.retries > 0 ? ` (the branch had moved ${result.retries} time(s); rebuilt on its new head)` : ''}.`);
  services.core.setOutput('commit-sha', result.sha);
}

async function uploadFolder(inputs: ActionInputs, folder: OutputFolder, services: ActionServices): Promise<void> {
  const root = folder.absolute('.');
  const files = await listFiles(root);
  if (files.length === 0) {
    services.core.info(`The certificates folder ${folder.relative} is empty: no artifact.`);
    return;
  }
  for (const file of files) assertNoPlaintextKey(folder.repoPath(relative(root, file).split(sep).join('/')), await readLocalFile(file));
  const result = await services.uploadArtifact({ name: inputs.artifactName, files, rootDirectory: root, retentionDays: inputs.retentionDays });
  for (const warning of result.warnings ?? []) services.core.warning(warning);
  services.core.info(`Uploaded the artifact ${inputs.artifactName} (${files.length} file(s)).`);
  if (result.id !== undefined) services.core.setOutput('artifact-id', String(result.id));
}

/**
 * Handles every certificate and stores, reports and outputs the results.
 * @throws what fails before any certificate is handled (domains, ca-file, the config's selection);
 *   later failures end in `setFailed` here, with the summary of the outcomes so far.
 */
export async function runCertificates(inputs: ActionInputs, config: ProjectConfig | undefined, services: ActionServices): Promise<RunResult> {
  const { core } = services;
  const workspace = services.env['GITHUB_WORKSPACE'] ?? process.cwd();
  const requests = await certificateRequests(inputs, config);
  const ca = await caPem(inputs, workspace);
  await assertFolderInsideWorkspace(workspace, inputs.path);
  const folder = new OutputFolder(workspace, inputs.path);
  const mask = (secret: string): void => {
    maskSecret((value) => {
      core.setSecret(value);
    }, secret);
  };
  const given = givenPrivateKeys(inputs, requests);
  for (const key of given) mask(key);
  const repository = new PublishedFolderRepository({
    folder,
    keyPassphrase: inputs.keyPassphrase,
    givenPrivateKeys: given,
    givenCsrs: givenCsrs(inputs, requests),
    jobKeyDir: join(services.env['RUNNER_TEMP'] ?? tmpdir(), 'acmapi'),
    maskSecret: mask,
    now: services.now,
  });
  const log: ActionLog = runnerLog(core);
  const clientOptions = { customerId: inputs.customerId, authToken: inputs.authToken, endpoint: inputs.endpoint, ...(ca === undefined ? {} : { ca }) };
  const context = {
    inputs,
    repository,
    folder,
    log,
    client: async () => services.createClient(clientOptions),
    signfileNetwork: { ...config?.preflight, ...services.signfileNetwork },
  };
  let outcomes: CertificateOutcome[] = [];
  try {
    outcomes = await mapLimit(requests, inputs.concurrency, (request) => runOneCertificate(request, context));
    // Store even when some failed: the others' certificates and pending handles must not be lost.
    if (inputs.output === 'commit') await commitChanges(inputs, folder, outcomes, services);
    if (inputs.output === 'artifact') await uploadFolder(inputs, folder, services);
    for (const [name, value] of Object.entries(buildOutputs(outcomes))) core.setOutput(name as OutputName, value);
    await core.writeSummary(buildSummary(outcomes));
    const failed = outcomes.filter((o) => o.status === 'failed');
    if (failed.length > 0) core.setFailed(failed.map((o) => `${o.name}: ${o.detail}`).join('\n'));
    return { status: aggregateStatus(outcomes), outcomes };
  } catch (error) {
    core.setOutput('status', 'failed');
    if (outcomes.length > 0) await core.writeSummary(buildSummary(outcomes));
    core.setFailed(describeFailure(error).message);
    return { status: 'failed', outcomes };
  }
}
