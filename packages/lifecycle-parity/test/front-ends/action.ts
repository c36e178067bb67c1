/**
 * The GitHub Action as the runner runs it: `run(services)` of apps/action/src/run.ts with the
 * runner's side recorded (inputs in, log, annotations, outputs and summary out) and its real
 * CA client. `output: none` leaves the published folder in the workspace between runs, as a
 * runner's checkout would have it after a commit; `key-passphrase` makes the Action keep
 * generated keys (encrypted). The record is read with the Action's own
 * `PublishedFolderRepository` over that folder.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createCaClient } from '../../../../apps/action/src/ca-client.js';
import { OutputFolder } from '../../../../apps/action/src/output-folder.js';
import type { OutputName } from '../../../../apps/action/src/outputs.js';
import { PublishedFolderRepository } from '../../../../apps/action/src/published-folder/index.js';
import { run } from '../../../../apps/action/src/run.js';
import type { ActionCore, ActionServices } from '../../../../apps/action/src/run.js';
import type { FrontEnd, FrontEndSetup, Outcome, RunStep } from '../parity.js';
import { readFacts } from '../parity.js';

/** The passphrase that encrypts the keys the Action keeps (a secret like the token: masked). */
export const KEY_PASSPHRASE = 'parity-key-passphrase-7d41';
/** The Action's default `path`. */
const FOLDER = 'certificates';

/** The runner's side of `@actions/core`, recorded. */
class RecordingCore implements ActionCore {
  readonly #inputs: Readonly<Record<string, string>>;
  readonly printed: string[];
  readonly failures: string[] = [];

  constructor(inputs: Readonly<Record<string, string>>, printed: string[]) {
    this.#inputs = inputs;
    this.printed = printed;
  }
  getInput(name: string): string {
    return this.#inputs[name] ?? '';
  }
  setOutput(name: OutputName, value: string): void {
    this.printed.push(`output ${name}=${value}`);
  }
  setSecret(): void {
    // The log is checked unmasked: the Action must not print a secret in the first place.
  }
  setFailed(message: string): void {
    this.failures.push(message);
    this.printed.push(message);
  }
  info(message: string): void {
    this.printed.push(message);
  }
  warning(message: string, title?: string): void {
    this.printed.push(`${title ?? ''} ${message}`);
  }
  error(message: string, title?: string): void {
    this.printed.push(`${title ?? ''} ${message}`);
  }
  writeSummary(markdown: string): Promise<void> {
    this.printed.push(markdown);
    return Promise.resolve();
  }
}

export const actionFrontEnd: FrontEnd = {
  name: 'action',
  async start(setup: FrontEndSetup) {
    const workspace = join(setup.dir, 'workspace');
    const runnerTemp = join(setup.dir, 'runner-temp');
    await mkdir(workspace, { recursive: true });
    await mkdir(runnerTemp, { recursive: true });
    const printed: string[] = [];
    const services = (core: ActionCore): ActionServices => ({
      core,
      env: { GITHUB_WORKSPACE: workspace, RUNNER_TEMP: runnerTemp, GITHUB_REPOSITORY: 'octo/site', GITHUB_REF: 'refs/heads/main' },
      createClient: createCaClient,
      signfileNetwork: {},
      uploadArtifact: () => Promise.reject(new Error('output none uploads nothing')),
      gitDataApi: () => Promise.reject(new Error('output none commits nothing')),
      now: () => new Date(),
    });
    return {
      filesDir: join(workspace, FOLDER),
      output: () => printed,
      record: () =>
        readFacts(
          new PublishedFolderRepository({
            folder: new OutputFolder(workspace, FOLDER),
            keyPassphrase: KEY_PASSPHRASE,
            jobKeyDir: join(setup.dir, 'reader-keys'),
            maskSecret: () => undefined,
          }),
          setup.name,
        ),
      // The Action has one command: every run renews (applies when new or due, retrieves a pending application).
      async run(step: RunStep): Promise<Outcome> {
        const core = new RecordingCore(
          {
            endpoint: setup.sandbox.url,
            'customer-id': step.customer.customerId,
            'auth-token': step.customer.authToken,
            'ca-file': setup.caFile,
            domains: setup.domains.join('\n'),
            name: setup.name,
            preflight: 'off',
            output: 'none',
            path: FOLDER,
            wait: '0',
            'key-passphrase': KEY_PASSPHRASE,
          },
          printed,
        );
        const result = await run(services(core));
        const [only, ...others] = result.outcomes;
        if (only === undefined || others.length > 0) throw new Error(`the Action reported ${result.outcomes.length} outcomes: ${core.failures.join('; ')}`);
        switch (only.status) {
          case 'issued':
            return { outcome: 'issued' };
          case 'pending':
            return { outcome: 'pending' };
          case 'failed':
            return { outcome: 'failed', code: only.errorCode ?? 'NO_CODE' };
          case 'skipped':
            return { outcome: 'other', what: only.status };
        }
      },
    };
  },
};
