/**
 * The Action: read the inputs, handle every certificate with `@acmapi/core`, then
 * store the results (commit or artifact), set the outputs, write the job summary, and
 * fail the step with a message that says what to do. Services come in as a parameter
 * (services.ts builds the real ones), so tests run it with typed fixtures.
 */
import { readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { AcmApiClientOptions } from '@acmapi/core';
import { describeFailure, processCertificate } from './certificate-flow.js';
import type { CertificateClient, FlowServices } from './certificate-flow.js';
import { CommitError, commitFiles } from './commit/commit-files.js';
import type { GitDataApi } from './commit/git-data.js';
import { InputError, parseInputs } from './inputs.js';
import type { ActionInputs, CertificateRequest } from './inputs.js';
import { mapLimit } from './map-limit.js';
import { maskSecret } from './masking.js';
import type { CertificateOutcome } from './outcome.js';
import { aggregateStatus } from './outcome.js';
import { assertNoPlaintextKey, OutputFolder } from './output-folder.js';
import { buildOutputs } from './outputs.js';
import type { OutputName } from './outputs.js';
import type { PreflightService } from './preflight-report.js';
import type { ProjectConfig } from './project-config.js';
import { buildSummary } from './summary.js';

/** The runner's side of `@actions/core` that the Action uses. */
export interface ActionCore {
  getInput(name: string): string;
  setOutput(name: OutputName, value: string): void;
  setSecret(value: string): void;
  setFailed(message: string): void;
  info(message: string): void;
  /** A warning annotation, with an optional title. */
  warning(message: string, title?: string): void;
  /** An error annotation, with an optional title. */
  error(message: string, title?: string): void;
  /** Appends Markdown to the job summary. */
  writeSummary(markdown: string): Promise<void>;
}

/** What the artifact upload is given. */
export interface UploadArtifactInput {
  readonly name: string;
  /** Absolute paths of the files. */
  readonly files: readonly string[];
  /** The folder the paths inside the artifact are relative to. */
  readonly rootDirectory: string;
  readonly retentionDays: number | undefined;
}

/** Uploads an artifact. */
export type UploadArtifactService = (input: UploadArtifactInput) => Promise<{ id?: number }>;

/** Everything {@link run} talks to. */
export interface ActionServices {
  readonly core: ActionCore;
  /** The environment (GITHUB_WORKSPACE, GITHUB_REPOSITORY, GITHUB_REF, RUNNER_TEMP, …). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly createClient: (options: AcmApiClientOptions) => CertificateClient & { close(): Promise<void> };
  /** Core's `preflight()`. */
  readonly preflight: PreflightService;
  readonly uploadArtifact: UploadArtifactService;
  readonly gitDataApi: (options: { repository: string; token: string }) => Promise<GitDataApi>;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
}

/** What {@link run} did. */
export interface RunResult {
  readonly status: CertificateOutcome['status'];
  readonly outcomes: readonly CertificateOutcome[];
}

const SECRET_INPUTS = ['auth-token', 'private-key', 'key-passphrase', 'github-token'] as const;

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

/** Reads acmapi.json when the config input names it; loaded on demand, since it brings the config schema (zod). */
async function projectConfig(getInput: (name: string) => string, workspace: string): Promise<ProjectConfig | undefined> {
  const configPath = getInput('config').trim();
  // With domains as well, parseInputs says to give only one of them.
  if (configPath === '' || getInput('domains').trim() !== '') return undefined;
  const { loadProjectConfig } = await import('./project-config.js');
  return loadProjectConfig(isAbsolute(configPath) ? configPath : join(workspace, configPath), workspace);
}

async function certificateRequests(inputs: ActionInputs, config: ProjectConfig | undefined): Promise<CertificateRequest[]> {
  if (config !== undefined) {
    const { selectCertificates } = await import('./project-config.js');
    return selectCertificates(config, inputs.certificates, inputs.keyType);
  }
  const name = inputs.name ?? inputs.domains[0] ?? '';
  return [{ name, domains: inputs.domains, keyType: inputs.keyType }];
}

async function caPem(inputs: ActionInputs, workspace: string): Promise<string | undefined> {
  if (inputs.caFile === undefined) return undefined;
  const file = isAbsolute(inputs.caFile) ? inputs.caFile : join(workspace, inputs.caFile);
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`The ca-file ${inputs.caFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, { cause: error });
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
    result = await commitFiles({ api, branch, message, changes });
  } catch (error) {
    if (error instanceof CommitError) throw error;
    const status = (error as { status?: unknown }).status;
    const why = typeof status === 'number' ? `GitHub answered HTTP ${status}` : describeFailure(error).message;
    throw new CommitError(
      `The commit to ${repository} branch ${branch} failed (${why}). Check that the branch exists and that github-token may write contents ("permissions: contents: write"); the certificates are still in ${folder.relative}.`,
      { cause: error },
    );
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
  for (const file of files) assertNoPlaintextKey(folder.repoPath(relative(root, file).split(sep).join('/')), await readFile(file));
  const result = await services.uploadArtifact({ name: inputs.artifactName, files, rootDirectory: root, retentionDays: inputs.retentionDays });
  services.core.info(`Uploaded the artifact ${inputs.artifactName} (${files.length} file(s)).`);
  if (result.id !== undefined) services.core.setOutput('artifact-id', String(result.id));
}

/**
 * Runs the Action. Never throws: failures end in `setFailed` with what to do, and
 * the `status` output `failed`.
 */
export async function run(services: ActionServices): Promise<RunResult> {
  const { core } = services;
  // Mask before anything else can print: parsing errors must not be the first to see a secret.
  for (const name of SECRET_INPUTS) maskSecret((v) => { core.setSecret(v); }, core.getInput(name));
  let outcomes: CertificateOutcome[] = [];
  try {
    const workspace = services.env['GITHUB_WORKSPACE'] ?? process.cwd();
    const getInput = (name: string): string => core.getInput(name);
    const config = await projectConfig(getInput, workspace);
    const inputs = parseInputs(getInput, config?.fallbacks);
    const requests = await certificateRequests(inputs, config);
    const ca = await caPem(inputs, workspace);
    const folder = new OutputFolder(workspace, inputs.path);
    const client = services.createClient({
      customerId: inputs.customerId,
      authToken: inputs.authToken,
      endpoint: inputs.endpoint,
      ...(ca === undefined ? {} : { ca }),
    });
    const flow: FlowServices = {
      client,
      preflight: services.preflight,
      log: { info: (m) => { core.info(m); }, warning: (m, t) => { core.warning(m, t); }, error: (m, t) => { core.error(m, t); } },
      mask: (secret) => { maskSecret((v) => { core.setSecret(v); }, secret); },
      folder,
      tempDir: services.env['RUNNER_TEMP'] ?? tmpdir(),
      now: services.now,
      sleep: services.sleep,
    };
    try {
      outcomes = await mapLimit(requests, inputs.concurrency, (request) => processCertificate(request, inputs, flow));
    } finally {
      await client.close();
    }
    // Store even when some failed: the others' certificates and pending handles must not be lost.
    if (inputs.output === 'commit') await commitChanges(inputs, folder, outcomes, services);
    if (inputs.output === 'artifact') await uploadFolder(inputs, folder, services);
    for (const [name, value] of Object.entries(buildOutputs(outcomes))) core.setOutput(name as OutputName, value);
    await core.writeSummary(buildSummary(outcomes));
    const failed = outcomes.filter((o) => o.status === 'failed');
    if (failed.length > 0) {
      core.setFailed(failed.map((o) => `${o.name}: ${o.detail}`).join('\n'));
    }
    return { status: aggregateStatus(outcomes), outcomes };
  } catch (error) {
    const { message } = describeFailure(error);
    core.setOutput('status', 'failed');
    if (outcomes.length > 0) await core.writeSummary(buildSummary(outcomes));
    core.setFailed(message);
    return { status: 'failed', outcomes };
  }
}
