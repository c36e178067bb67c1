/**
 * `acmapi delete NAME`: removes one certificate from the store — its state, every version
 * with its private key, the live links — through core's `CertificateStore.delete`, under the
 * certificate's lock. The CA is not told.
 *
 * On a terminal it asks first (on stderr, so that stdout stays the result's); without a
 * terminal it deletes only with `--yes`, so a script never blocks on a question nobody sees
 * and never deletes by accident (as `apt-get -y`, `certbot delete --non-interactive`).
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Command } from 'commander';
import type { CertificateRecord } from '@acmapi/core';
import { openStore } from '@acmapi/core/store';
import { localIo, STORE_ELSEWHERE, UsageError } from '../flags/cli-errors.js';
import { parseLockWait } from '../flags/durations.js';
import { loadProject } from '../flags/project.js';
import { storeFolderExists, storeNameAsTyped } from '../flags/store-name.js';
import { addProjectOptions } from '../flags/store-flags.js';
import type { StoreFlags } from '../flags/store-flags.js';
import { EXIT_CODES } from '../present/exit-codes.js';
import type { TargetFacts } from '../present/result-json.js';
import type { CommandContext } from './command-kit.js';
import { runAction } from './command-kit.js';

interface DeleteFlags extends StoreFlags {
  yes?: boolean;
  json?: boolean;
}

/** The `--json` result of `acmapi delete`. */
export interface DeleteJson {
  /** `deleted` (exit 0); `kept`: the question on the terminal was answered no (exit 2). */
  status: 'deleted' | 'kept';
  name: string;
  /** The certificate folder, which no longer exists after `deleted`. */
  dir: string;
  /** The domains of the certificate, when its state could be read. */
  domains?: string[];
  /** What it was: valid, due, expired, pending, failed, new. */
  state?: string;
  /** The handle of an application that was pending at the CA (it stays there; nothing fetches it now). */
  handleId?: string;
  exitCode: number;
}

/** Where the question is asked. */
export interface ConfirmIo {
  readonly input: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly output: NodeJS.WritableStream;
}

/** One line describing what will go, for the question. */
function whatGoes(name: string, dir: string, record: CertificateRecord | undefined): string {
  if (record === undefined) return `Delete certificate "${name}" (${dir}), whose state cannot be read, with every private key in it?`;
  const parts = [record.domains.join(', '), record.state];
  if (record.live !== undefined) parts.push(`valid until ${record.live.notAfter.toISOString()}`);
  if (record.application?.handleId !== undefined) parts.push(`application ${record.application.handleId} pending at the CA`);
  return `Delete certificate "${name}" (${parts.join('; ')}) from ${dir}, with every private key in it? This cannot be undone.`;
}

/**
 * Asks `question` and reads one line: `y` or `yes` (any case) confirms; anything else,
 * including an empty line or the end of input, keeps the certificate.
 */
export async function confirm(question: string, io: ConfirmIo): Promise<boolean> {
  const rl = createInterface({ input: io.input, output: io.output, terminal: false });
  try {
    const closed = new Promise<string>((resolve) => rl.once('close', () => { resolve(''); }));
    const answer = await Promise.race([rl.question(`${question} [y/N] `), closed]);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** Builds the `delete` command; `io` is the terminal the question goes to (default stdin/stderr). */
export function deleteCommand(ctx: CommandContext, io: ConfirmIo = { input: process.stdin, output: process.stderr }): Command {
  return addProjectOptions(new Command('delete'))
    .argument('<name>', "the certificate's store name (acmapi list shows them)")
    .summary('remove a certificate and its private keys from the store (asks on a terminal; --yes for scripts)')
    .description(
      'remove a certificate from the store: its state, every version with its private key, and the live files servers point at. The CA is not told: a pending application stays pending there. On a terminal it asks first; otherwise it needs --yes.',
    )
    .option('-y, --yes', 'delete without asking (needed when stdin is not a terminal)')
    .option('--json', 'print {"status":"deleted","name",...} on stdout')
    .action(async (name: string, flags: DeleteFlags) => {
      const output = ctx.makeOutput(flags.json === true);
      let target: TargetFacts = { name };
      await runAction<DeleteJson>(
        ctx,
        output,
        async () => {
          const lockWaitMs = parseLockWait(flags.lockWait);
          const project = await loadProject(flags, ctx.env);
          const stored = await storeNameAsTyped(name, storeFolderExists(project.storeDir));
          target = { name: stored, dir: join(project.storeDir, stored) };
          const store = await localIo('open the store', project.storeDir, () => openStore(project.storeDir), STORE_ELSEWHERE);
          // Core finds the certificate (STORE_NOT_FOUND otherwise) before asking, and asks before taking its lock.
          const result = await store.delete(stored, {
            waitMs: lockWaitMs,
            confirm: async (record) => {
              if (record !== undefined) target = { ...target, domains: record.domains };
              if (flags.yes === true) return true;
              if (io.input.isTTY !== true) {
                throw new UsageError('acmapi delete asks before it removes a certificate and its private keys, and stdin is not a terminal: nothing was deleted.', {
                  code: 'USAGE_CONFIRM',
                  hint: `Pass --yes to delete "${stored}" without asking (in scripts and cron).`,
                });
              }
              return confirm(whatGoes(stored, target.dir ?? '', record), io);
            },
          });
          const { record } = result;
          return {
            status: result.deleted ? 'deleted' : 'kept',
            name: result.name,
            dir: result.dir,
            ...(record === undefined ? {} : { domains: record.domains, state: record.state }),
            ...(record?.application?.handleId === undefined ? {} : { handleId: record.application.handleId }),
            exitCode: result.deleted ? EXIT_CODES.OK : EXIT_CODES.USAGE,
          };
        },
        (result) => {
          if (result.status === 'kept') output.say(`Nothing deleted: "${result.name}" is still in ${result.dir}.`);
          else output.say(`Deleted "${result.name}" from the store (${result.dir}).${result.handleId === undefined ? '' : ` Its application ${result.handleId} is still pending at the CA.`}`);
        },
        () => target,
      );
    });
}
