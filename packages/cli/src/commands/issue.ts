/** `acmapi issue`: apply for a certificate and write it (or its pending handle) to a folder. */
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { KEY_TYPES } from '@acmapi/core';
import type { KeyType, PreflightMode } from '@acmapi/core';
import { UsageError } from '../cli-errors.js';
import { addClientOptions, addCredentialOptions, credentialsFor, parsePort, parseRetries, runAction } from '../command-kit.js';
import type { CommandContext } from '../command-kit.js';
import type { CredentialFlags } from '../credentials.js';
import { parseDuration } from '../duration.js';
import { issueToFolder } from '../issue-flow.js';
import { addSignfileOptions, parseSignfileFlags } from '../preflight-flags.js';
import type { SignfileFlags } from '../preflight-flags.js';
import { DEFAULT_STANDALONE_PORT, PREFLIGHT_MODES, withSignfile } from '../signfile-setup.js';
import type { Output } from '../output.js';
import { certificateLines, fileLines } from '../present.js';
import type { ResultJson } from '../present.js';

interface IssueFlags extends CredentialFlags, SignfileFlags {
  preflight: PreflightMode;
  webroot?: string;
  iis?: boolean;
  standalone?: boolean;
  port?: string;
  domain: string[];
  keyType?: KeyType;
  csr?: string;
  key?: string;
  out: string;
  wait?: string;
  timeout?: string;
  retries?: string;
  json?: boolean;
}

/** Default output folder of `issue`. */
export const DEFAULT_OUT_DIR = './certs';

/** Builds the `issue` command. */
export function issueCommand(ctx: CommandContext): Command {
  const command = new Command('issue')
    .description('apply for a certificate and write privkey.pem, csr.pem, cert.pem, chain.pem, fullchain.pem to OUT/<first domain>/')
    .option('-d, --domain <domain>', 'a domain to certify; repeat for up to 5 (the first is the folder name and CN)', collect, [])
    .addOption(new Option('--key-type <type>', 'type of the generated private key').choices(KEY_TYPES).default('ec-p256'))
    .option('--csr <file>', 'use this CSR (PEM) instead of generating a key and CSR')
    .option('--key <file>', 'the private key (PEM) of --csr; written as privkey.pem')
    .option('--out <dir>', 'output folder', DEFAULT_OUT_DIR)
    .option('--wait <duration>', 'how long to poll when the CA answers pending, e.g. 5m (default 0: save the handle and exit 3)')
    .option('--json', 'print one JSON object on stdout; messages go to stderr')
    .addOption(
      new Option('--preflight <mode>', 'check the signfile on every address first: warn (report, apply anyway), strict (do not apply when a domain fails, exit 8), off')
        .choices(PREFLIGHT_MODES)
        .default('warn'),
    )
    .option('--webroot <dir>', 'write the signfile into DIR/.well-known/pki-validation/ for the time of the application (needs --signfile)')
    .option('--iis', 'with --webroot: also write a web.config there so IIS serves the extensionless signfile')
    .option('--standalone', `serve the signfile with a built-in web server for the time of the application (needs --signfile; port ${DEFAULT_STANDALONE_PORT} unless --port)`)
    .option('--port <n>', 'with --standalone: the port to listen on');
  addSignfileOptions(command);
  addClientOptions(command);
  addCredentialOptions(command);
  return command.action(async (flags: IssueFlags) => {
    const output = ctx.makeOutput(flags.json === true);
    await runAction(
      ctx,
      output,
      async () => {
        if (flags.domain.length === 0) {
          throw new UsageError('No domain given.', { code: 'USAGE_DOMAINS', hint: 'Name each domain with -d, e.g. acmapi issue -d example.com -d www.example.com.' });
        }
        if (flags.key !== undefined && flags.csr === undefined) {
          throw new UsageError('--key was given without --csr.', {
            code: 'USAGE_KEY_WITHOUT_CSR',
            hint: 'Pass --key only together with the --csr it belongs to; without --csr, acmapi generates both.',
          });
        }
        const waitMs = flags.wait === undefined ? 0 : parseDuration(flags.wait, '--wait');
        const timeoutMs = flags.timeout === undefined ? undefined : parseDuration(flags.timeout, '--timeout');
        if (timeoutMs === 0) throw new UsageError('--timeout 0 would fail every call.', { code: 'USAGE_DURATION', hint: 'Give a positive duration like --timeout 2m.' });
        const retries = parseRetries(flags.retries);
        if (flags.port !== undefined && flags.standalone !== true) {
          throw new UsageError('--port was given without --standalone.', { code: 'USAGE_PORT', hint: 'Add --standalone, or drop --port.' });
        }
        const standalonePort = flags.standalone === true ? (parsePort(flags.port, '--port') ?? DEFAULT_STANDALONE_PORT) : undefined;
        const settings = await parseSignfileFlags(flags, ctx.env);
        const credentials = await credentialsFor(flags, ctx, output);
        const done = await withSignfile(
          {
            domains: flags.domain,
            mode: flags.preflight,
            settings,
            webroot: flags.webroot === undefined ? undefined : resolve(flags.webroot),
            iis: flags.iis,
            standalonePort,
            output,
          },
          () =>
            issueToFolder({
              domains: flags.domain,
              keyType: flags.keyType,
              csrPath: flags.csr,
              keyPath: flags.key,
              outDir: resolve(flags.out),
              waitMs,
              timeoutMs,
              retries,
              credentials,
              output,
            }),
        );
        return {
          ...done.value,
          ...(done.preflight === undefined ? {} : { preflight: done.preflight }),
          ...(done.note === undefined ? {} : { preflightNote: done.note }),
        };
      },
      (result) => {
        printIssueResult(output, result, flags.out);
      },
    );
  });
}

/** Human output of `issue` and `retrieve`. */
export function printIssueResult(output: Output, result: ResultJson, outDir: string): void {
  if (result.preflightNote !== undefined) output.say(result.preflightNote);
  if (result.status === 'pending') {
    output.say(`The CA holds the application for ${(result.domains ?? []).join(', ')} for review (handle ${result.handleId ?? '?'}).`);
    output.say(`The private key, CSR and handle are saved in ${result.dir ?? '?'}.`);
    output.say(`What to do: later, run  acmapi retrieve ${result.handleId ?? '?'} --out ${outDir}`);
    return;
  }
  if (result.status !== 'issued') return;
  output.say(`Issued a certificate for ${(result.domains ?? []).join(', ')} (handle ${result.handleId ?? '?'}).`);
  if (result.certificate !== undefined) {
    output.say(certificateLines(result.certificate).join('\n'));
  }
  output.say('Files:');
  output.say(fileLines(result.files).join('\n'));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
