/**
 * The VS Code extension without VS Code: its `ProjectService` (apps/vscode/src/project) over an
 * `acmapi.json` written before each run (the customer id is the project's, so it changes with
 * the customer), the auth token as the secret storage would hand it over, the log recorded.
 * The first run is the Apply command (`apply({ command: 'issue' })`); a later run over a
 * pending application is the pending tracker's "Retrieve now" (`PendingPoller.pollNow` calling
 * `service.retrieve`), any other later run is Renew (`apply({ command: 'renew' })`). The
 * record is read from core's filesystem store at `defaults.storeDir`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openStore } from '@acmapi/core/store';
import { formatMessage } from '../../../../apps/vscode/src/l10n/localize.js';
import { PendingPoller } from '../../../../apps/vscode/src/pending/poller.js';
import type { PollOutcome } from '../../../../apps/vscode/src/pending/poller.js';
import { describeError } from '../../../../apps/vscode/src/project/advice.js';
import type { Logger } from '../../../../apps/vscode/src/project/logger.js';
import { ProjectService } from '../../../../apps/vscode/src/project/project-service.js';
import type { ApplyOutcome } from '../../../../apps/vscode/src/project/project-service.js';
import type { FrontEnd, FrontEndSetup, Outcome, RunStep } from '../parity.js';
import { errorCode, readFacts } from '../parity.js';

/**
 * The extension's outcomes in the shared words. `refused` is, by the service's contract, the
 * CA's 109 (recorded by core, returned instead of thrown); the record's `lastErrorCode` shows
 * the code core recorded independently.
 */
function outcomeOf(result: ApplyOutcome | PollOutcome): Outcome {
  switch (result.status) {
    case 'issued':
      return { outcome: 'issued' };
    case 'pending':
      return { outcome: 'pending' };
    case 'refused':
      return { outcome: 'failed', code: 'CA_REFUSED' };
    case 'skipped':
    case 'skipped-by-backoff':
    case 'already-pending':
      return { outcome: 'other', what: result.status };
  }
}

/** The pending tracker's "Retrieve now" for certificate `name`: its one outcome, or the error it reported. */
async function retrieveNow(service: ProjectService, name: string): Promise<PollOutcome | { error: unknown }> {
  const answers: (PollOutcome | { error: unknown })[] = [];
  const poller = new PendingPoller({
    list: () => service.pendingItems(),
    retrieve: (item, signal) => service.retrieve(item, signal),
    onOutcome: (_item, outcome) => answers.push(outcome),
    onError: (_item, error) => answers.push({ error }),
  });
  try {
    await poller.pollNow(name);
  } finally {
    poller.dispose();
  }
  const [only, ...others] = answers;
  if (only === undefined || others.length > 0) throw new Error(`the pending tracker answered ${answers.length} times for ${name}`);
  return only;
}

export const vscodeFrontEnd: FrontEnd = {
  name: 'vscode',
  start(setup: FrontEndSetup) {
    const configFile = join(setup.dir, 'acmapi.json');
    const storeDir = join(setup.dir, 'certs');
    const printed: string[] = [];
    const log: Logger = {
      trace: (message) => printed.push(message),
      debug: (message) => printed.push(message),
      info: (message) => printed.push(message),
      warn: (message) => printed.push(message),
      error: (message) => printed.push(String(message)),
    };
    /** What the extension shows for a failure (its notification): also checked for secrets. */
    const failed = (error: unknown): Outcome => {
      printed.push(describeError(error, formatMessage));
      return { outcome: 'failed', code: errorCode(error) };
    };
    return Promise.resolve({
      filesDir: setup.dir,
      output: () => printed,
      record: async () => readFacts(await openStore(storeDir), setup.name),
      async run(step: RunStep): Promise<Outcome> {
        await writeFile(
          configFile,
          JSON.stringify({
            endpoint: setup.sandbox.url,
            customerId: step.customer.customerId,
            defaults: { storeDir: 'certs' },
            certificates: [{ name: setup.name, domains: setup.domains }],
          }),
        );
        const service = await ProjectService.open({
          configFile,
          settings: { caFile: setup.caFile, preflightMode: 'off', resolve: [], httpPort: 80, httpsPort: 443 },
          authToken: () => Promise.resolve(step.customer.authToken),
          log,
          t: formatMessage,
        });
        const pending = (await service.pendingItems()).some((item) => item.certificateName === setup.name);
        if (step.command === 'renew' && pending) {
          const answer = await retrieveNow(service, setup.name);
          return 'error' in answer ? failed(answer.error) : outcomeOf(answer);
        }
        try {
          // As the CLI's `--retry-now`: a person's rerun at once, not held by the backoff ("Try now").
          return outcomeOf(await service.apply({ name: setup.name, domains: setup.domains, command: step.command, ignoreBackoff: true }));
        } catch (error) {
          return failed(error);
        }
      },
    });
  },
};
