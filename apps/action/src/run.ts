/**
 * The Action: mask the secrets, read the inputs, then hand over to run-certificates.ts
 * (loaded only once the inputs parse: a wrong input fails fast, before the lifecycle, the
 * CA client and their libraries load). Failures end in `setFailed` with a message that says
 * what to do. Services come in as a parameter (services.ts builds the real ones), so tests
 * run it with typed fixtures.
 */
import { isAbsolute, join } from 'node:path';
import type { AcmApiClient, AcmApiClientOptions } from '@acmapi/core';
import type { SignfileNetwork } from './certificate-run.js';
import type { GitDataApi } from './commit/git-data.js';
import { describeFailure } from './failure.js';
import { parseInputs } from './inputs.js';
import { maskSecret } from './masking.js';
import type { CertificateOutcome } from './outcome.js';
import type { OutputName } from './outputs.js';
import type { ProjectConfig } from './project-config.js';

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

/** Uploads an artifact: its id, and warnings for the log (e.g. a retention capped by the repository). */
export type UploadArtifactService = (input: UploadArtifactInput) => Promise<{ id?: number; warnings?: readonly string[] }>;

/** Everything {@link run} talks to. */
export interface ActionServices {
  readonly core: ActionCore;
  /** The environment (GITHUB_WORKSPACE, GITHUB_REPOSITORY, GITHUB_REF, RUNNER_TEMP, …). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Makes the CA client (core's `AcmApiClient`), one per certificate; the lifecycle closes it. */
  readonly createClient: (options: AcmApiClientOptions) => AcmApiClient | Promise<AcmApiClient>;
  /** How the signfile preflight reaches the domains; `{}`: DNS, ports 80 and 443, as the CA does. */
  readonly signfileNetwork: SignfileNetwork;
  readonly uploadArtifact: UploadArtifactService;
  /** The git data API of `repository` (`owner/repo`), for output commit. */
  readonly gitDataApi: (options: { repository: string; token: string }) => Promise<GitDataApi>;
  /** The clock of the published folder's timestamps and renewal decisions. */
  readonly now: () => Date;
}

/** What {@link run} did. */
export interface RunResult {
  readonly status: CertificateOutcome['status'];
  readonly outcomes: readonly CertificateOutcome[];
}

const SECRET_INPUTS = ['auth-token', 'private-key', 'key-passphrase', 'github-token'] as const;

/** Reads acmapi.json when the config input names it; loaded on demand, since it brings the config schema (zod). */
async function projectConfig(getInput: (name: string) => string, workspace: string): Promise<ProjectConfig | undefined> {
  const configPath = getInput('config').trim();
  // With domains as well, parseInputs says to give only one of them.
  if (configPath === '' || getInput('domains').trim() !== '') return undefined;
  const { loadProjectConfig } = await import('./project-config.js');
  return loadProjectConfig(isAbsolute(configPath) ? configPath : join(workspace, configPath), workspace);
}

/**
 * Runs the Action. Never throws: failures end in `setFailed` with what to do, and
 * the `status` output `failed`.
 */
export async function run(services: ActionServices): Promise<RunResult> {
  const { core } = services;
  // Mask before anything else can print: parsing errors must not be the first to see a secret.
  for (const name of SECRET_INPUTS) maskSecret((v) => { core.setSecret(v); }, core.getInput(name));
  try {
    const workspace = services.env['GITHUB_WORKSPACE'] ?? process.cwd();
    const getInput = (name: string): string => core.getInput(name);
    const config = await projectConfig(getInput, workspace);
    const inputs = parseInputs(getInput, config?.fallbacks);
    const { runCertificates } = await import('./run-certificates.js');
    return await runCertificates(inputs, config, services);
  } catch (error) {
    core.setOutput('status', 'failed');
    core.setFailed(describeFailure(error).message);
    return { status: 'failed', outcomes: [] };
  }
}
