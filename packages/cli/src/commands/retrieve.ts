/** `acmapi retrieve HANDLE`: fetch the certificate of a pending application into its store folder. */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { addClientOptions, addCredentialOptions, credentialsFor, parseRetries, runAction } from '../command-kit.js';
import type { CommandContext } from '../command-kit.js';
import { credentialDefaults } from '../config-targets.js';
import type { CredentialFlags } from '../credentials.js';
import { parseTimeout } from '../duration.js';
import { pfxPassphrase } from '../pfx-export.js';
import type { TargetFacts } from '../present.js';
import { loadProject } from '../project.js';
import { retrieveToFolder } from '../retrieve-flow.js';
import { addPfxOptions, addProjectOptions, parseLockWait } from '../store-flags.js';
import type { StoreFlags } from '../store-flags.js';
import { checkNameFlag } from '../store-name.js';
import { clockFrom, crashHookFrom } from '../test-hooks.js';
import { printIssueResult } from './issue.js';

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
        const credentials = await credentialsFor(flags, ctx, output, credentialDefaults(project));
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
          lockWaitMs,
          now: clockFrom(ctx.env),
          onStep: crashHookFrom(ctx.env),
          onTarget: (known) => {
            facts = { ...facts, ...known };
          },
        });
      },
      (result) => {
        printIssueResult(output, result, outLabel);
      },
      () => facts,
    );
  });
}
