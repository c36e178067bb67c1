/** `acmapi retrieve HANDLE`: fetch the certificate of a pending application into its folder. */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { addClientOptions, addCredentialOptions, credentialsFor, parseRetries, runAction } from '../command-kit.js';
import type { CommandContext } from '../command-kit.js';
import type { CredentialFlags } from '../credentials.js';
import { parseDuration } from '../duration.js';
import { retrieveToFolder } from '../retrieve-flow.js';
import { DEFAULT_OUT_DIR, printIssueResult } from './issue.js';

interface RetrieveFlags extends CredentialFlags {
  out: string;
  dir?: string;
  timeout?: string;
  retries?: string;
  json?: boolean;
}

/** Builds the `retrieve` command. */
export function retrieveCommand(ctx: CommandContext): Command {
  const command = new Command('retrieve')
    .description('fetch the certificate of a pending application; checks it against the saved CSR and private key, then writes it')
    .argument('<handle>', 'the handle printed (and saved in pending.json) by acmapi issue')
    .option('--out <dir>', 'the output folder given to acmapi issue; its subfolders are searched for pending.json', DEFAULT_OUT_DIR)
    .option('--dir <dir>', 'the certificate folder itself (holding pending.json, csr.pem, privkey.pem)')
    .option('--json', 'print one JSON object on stdout; messages go to stderr');
  addClientOptions(command);
  addCredentialOptions(command);
  return command.action(async (handle: string, flags: RetrieveFlags) => {
    const output = ctx.makeOutput(flags.json === true);
    await runAction(
      ctx,
      output,
      async () => {
        const timeoutMs = flags.timeout === undefined ? undefined : parseDuration(flags.timeout, '--timeout');
        const retries = parseRetries(flags.retries);
        const credentials = await credentialsFor(flags, ctx, output);
        return retrieveToFolder({ handleId: handle.trim(), outDir: resolve(flags.out), dir: flags.dir === undefined ? undefined : resolve(flags.dir), timeoutMs, retries, credentials, output });
      },
      (result) => {
        printIssueResult(output, result, flags.out);
      },
    );
  });
}
