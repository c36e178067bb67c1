/**
 * `acmapi retrieve HANDLE`: find the certificate whose pending application has the handle (by
 * scanning the store, or `--name`, or `--dir`), and let core's lifecycle ask the CA for it
 * with the key and CSR saved when it was sent; the certificate is installed only after
 * checks against them.
 */
import { basename, dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { certificatePaths, listCertificates, openStore } from '@acmapi/core/store';
import { localIo, STORE_ELSEWHERE, UsageError } from '../flags/cli-errors.js';
import { addClientOptions, parseRetries } from '../flags/client.js';
import type { ClientFlags } from '../flags/client.js';
import { clockFrom } from '../flags/clock.js';
import { credentialDefaults } from '../flags/config-targets.js';
import { addCredentialOptions, credentialsFor } from '../flags/credentials.js';
import type { CredentialFlags, Credentials } from '../flags/credentials.js';
import { DEFAULT_LOCK_WAIT_MS, parseLockWait, parseTimeout } from '../flags/durations.js';
import { addPfxOptions, pfxPassphrase, runPfxPassphrase } from '../flags/pfx.js';
import { loadProject } from '../flags/project.js';
import { addProjectOptions } from '../flags/store-flags.js';
import type { StoreFlags } from '../flags/store-flags.js';
import { checkNameFlag } from '../flags/store-name.js';
import type { Output } from '../present/output.js';
import { printCertificateResult } from '../present/print-result.js';
import type { ResultJson, TargetFacts } from '../present/result-json.js';
import { runPresented } from './certificate-run.js';
import type { CommandContext } from './command-kit.js';
import { runAction } from './command-kit.js';

/** Options of {@link retrieveToFolder}. */
export interface RetrieveToFolderOptions extends ClientFlags {
  handleId: string;
  /** The store folder (`--out`, or acmapi.json's). */
  outDir: string;
  /** The certificate's store name, when known (`--name`). */
  name?: string | undefined;
  /** The certificate folder itself (`--dir`): `STORE/<name>`. */
  dir?: string | undefined;
  credentials: Credentials | (() => Promise<Credentials>);
  output: Output;
  /** `--pfx` given: its passphrase; else the certificate's remembered one, as for `renew`. */
  pfxPassphrase?: string | undefined;
  /** Where a remembered passphrase variable is read. @default process.env */
  env?: NodeJS.ProcessEnv | undefined;
  /** @default 10_000 */
  lockWaitMs?: number | undefined;
  /** The store's clock. @default the system's */
  now?: (() => Date) | undefined;
  /** Told the certificate's name, folder and domains as soon as they are known (for the `--json` result of an error). */
  onTarget?: ((target: TargetFacts) => void) | undefined;
}

function notFound(handleId: string, where: string): UsageError {
  return new UsageError(`No pending application with handle ${JSON.stringify(handleId)} in ${where}.`, {
    code: 'USAGE_PENDING_NOT_FOUND',
    hint: 'acmapi retrieve looks in the certificate store where acmapi issue saved the key, CSR and handle: pass --out with the same folder as for issue (or run where its acmapi.json is), --name with the certificate\'s name, or --dir with its folder.',
  });
}

/**
 * Retrieves a pending application's certificate into its store folder.
 *
 * @returns `issued` (exit 0) or `pending` again (exit 3); `issued` with `alreadyInstalled: true`
 *   (exit 0, nothing asked of the CA) when the live certificate is already the one of `handleId`.
 * @throws {UsageError} `USAGE_PENDING_NOT_FOUND` when no certificate of the store waits for that handle;
 *   {StoreError} `STORE_LOCKED`; the CA and certificate errors of the client; {LocalIoError}.
 */
export async function retrieveToFolder(options: RetrieveToFolderOptions): Promise<ResultJson> {
  const storeDir = options.dir === undefined ? resolve(options.outDir) : dirname(resolve(options.dir));
  let name = options.dir === undefined ? options.name : basename(resolve(options.dir));
  const where = options.dir ?? (name === undefined ? storeDir : resolve(storeDir, name));
  if (name === undefined) {
    const records = await localIo('read the store', storeDir, () => listCertificates(storeDir), STORE_ELSEWHERE);
    name = records.find((record) => record.application?.handleId === options.handleId)?.name;
    // Run again after it succeeded: the handle's certificate is live, nothing to ask.
    name ??= records.find((record) => record.live?.handleId === options.handleId)?.name;
    if (name === undefined) throw notFound(options.handleId, `the store ${storeDir}`);
  }
  options.onTarget?.({ name, dir: certificatePaths(storeDir, name).dir });
  const store = await localIo('open the store', storeDir, () => openStore(storeDir, options.now === undefined ? {} : { now: options.now }), STORE_ELSEWHERE);
  const known = await store.get(name);
  if (known === undefined) throw notFound(options.handleId, where);
  options.onTarget?.({ name, dir: known.dir, domains: known.domains });
  // What the certificate remembers (PKCS#12 output, install targets, hooks) applies as in renew.
  const { settings } = known;
  const pfx = await runPfxPassphrase(options.pfxPassphrase, settings, options.env ?? process.env);
  if (pfx !== undefined) options.output.addSecret(pfx);
  const given = options.credentials;
  const run = await runPresented(
    {
      store,
      lockWaitMs: options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
      credentials: typeof given === 'function' ? given : () => Promise.resolve(given),
      output: options.output,
      pfxPassphrase: pfx,
      timeoutMs: options.timeoutMs,
      retries: options.retries,
    },
    { name, command: 'retrieve', handleId: options.handleId, settings },
  );
  if (run.result.status === 'not-found') throw notFound(options.handleId, where);
  return run.json();
}

interface RetrieveFlags extends CredentialFlags, StoreFlags {
  name?: string;
  dir?: string;
  timeout?: string;
  retries?: string;
  json?: boolean;
}

/** Builds the `retrieve` command. */
export function retrieveCommand(ctx: CommandContext): Command {
  const command = new Command('retrieve')
    .description('fetch the certificate of a pending application; checks it against the saved CSR and private key, then makes it live')
    .argument('<handle>', 'the handle printed by acmapi issue (acmapi list shows it too)')
    .option('--name <name>', 'the certificate\'s store name (default: the certificate of the store whose pending application has HANDLE)')
    .option('--dir <dir>', 'the certificate folder itself, OUT/<name>')
    .option('--json', 'print one JSON object on stdout; messages go to stderr');
  addProjectOptions(command);
  addPfxOptions(command);
  addClientOptions(command);
  addCredentialOptions(command);
  return command.action(async (handle: string, flags: RetrieveFlags) => {
    const output = ctx.makeOutput(flags.json === true);
    let outLabel = flags.out ?? '';
    let facts: TargetFacts = {};
    await runAction(
      ctx,
      output,
      async () => {
        const timeoutMs = parseTimeout(flags.timeout);
        const retries = parseRetries(flags.retries);
        const lockWaitMs = parseLockWait(flags.lockWait);
        const name = flags.name === undefined ? undefined : checkNameFlag(flags.name);
        const project = await loadProject(flags, ctx.env);
        outLabel = flags.out ?? project.storeDir;
        const passphrase = await pfxPassphrase(flags, ctx.env);
        if (passphrase !== undefined) output.addSecret(passphrase);
        const credentials = await credentialsFor(flags, ctx.env, output, credentialDefaults(project));
        return retrieveToFolder({
          handleId: handle.trim(),
          outDir: project.storeDir,
          name,
          dir: flags.dir === undefined ? undefined : resolve(flags.dir),
          timeoutMs,
          retries,
          credentials,
          output,
          pfxPassphrase: passphrase,
          env: ctx.env,
          lockWaitMs,
          now: clockFrom(ctx.env),
          onTarget: (known) => {
            facts = { ...facts, ...known };
          },
        });
      },
      (result) => {
        printCertificateResult(output, result, outLabel);
      },
      () => facts,
    );
  });
}
