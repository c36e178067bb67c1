/** `acmapi issue`: apply for a certificate into the certificate store (or keep it when not yet due). */
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { KEY_TYPES, normalizeDomains } from '@acmapi/core';
import type { KeyType, PreflightMode, PreflightResult } from '@acmapi/core';
import { UsageError } from '../cli-errors.js';
import { addClientOptions, addCredentialOptions, credentialsFor, parsePort, parseRetries, runAction } from '../command-kit.js';
import type { CommandContext } from '../command-kit.js';
import { configCertificate, configPath, credentialDefaults, withConfigSignfile } from '../config-targets.js';
import type { CredentialFlags } from '../credentials.js';
import { parseTimeout, parseWait } from '../duration.js';
import { issueToFolder } from '../issue-flow.js';
import type { Output } from '../output.js';
import { pfxPassphrase } from '../pfx-export.js';
import { addSignfileOptions, parseSignfileFlags } from '../preflight-flags.js';
import type { SignfileFlags } from '../preflight-flags.js';
import { certificateLines, fileLines } from '../present.js';
import type { ResultJson, TargetFacts } from '../present.js';
import { loadProject } from '../project.js';
import { DEFAULT_STANDALONE_PORT, PREFLIGHT_MODES, withSignfile } from '../signfile-setup.js';
import { addPfxOptions, addProjectOptions, addRenewalOptions, parseDays, parseLockWait } from '../store-flags.js';
import type { StoreFlags } from '../store-flags.js';
import { clockFrom, crashHookFrom } from '../test-hooks.js';

interface IssueFlags extends CredentialFlags, SignfileFlags, StoreFlags {
  preflight: PreflightMode;
  webroot?: string;
  iis?: boolean;
  standalone?: boolean;
  port?: string;
  domain: string[];
  name?: string;
  keyType?: KeyType;
  csr?: string;
  key?: string;
  wait?: string;
  timeout?: string;
  retries?: string;
  force?: boolean;
  days?: string;
  json?: boolean;
}

/** Builds the `issue` command. */
export function issueCommand(ctx: CommandContext): Command {
  const command = new Command('issue')
    .summary('apply for a certificate into the store (nothing when it is not yet due)')
    .description(
      'apply for a certificate and keep it in the store: OUT/<name>/ holds privkey.pem (0600), csr.pem, cert.pem, chain.pem, fullchain.pem. A valid certificate not yet due is left alone (exit 0, "not yet due") unless --force; an application still pending is refused (exit 2) unless --force',
    )
    .argument('[certificate]', 'the name of a certificate of acmapi.json (instead of -d)')
    .option('-d, --domain <domain>', 'a domain to certify; repeat for up to 5 (the first is the CN)', collect, [])
    .option('--name <name>', 'with -d: the store name chosen at first issue (default: the stored certificate with the same domains, else the first domain)')
    .addOption(new Option('--key-type <type>', 'type of a new private key (default: acmapi.json, else the live certificate\'s, else ec-p256)').choices(KEY_TYPES))
    .option('--csr <file>', 'use this CSR (PEM) instead of generating a key and CSR (needs --key)')
    .option('--key <file>', 'the private key (PEM) of --csr; kept in the store as privkey.pem')
    .option('--wait <duration>', 'how long to poll when the CA answers pending, e.g. 5m, at most 30d (default 0: save the handle and exit 3); Ctrl-C ends the wait, the handle stays saved')
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
  addRenewalOptions(command);
  addProjectOptions(command);
  addPfxOptions(command);
  addSignfileOptions(command);
  addClientOptions(command);
  addCredentialOptions(command);
  return command.action(async (certificateName: string | undefined, flags: IssueFlags) => {
    const output = ctx.makeOutput(flags.json === true);
    let preflightResult: PreflightResult | undefined;
    let preflightNote: string | undefined;
    let outLabel = flags.out ?? '';
    let facts: TargetFacts = {};
    const learn = (known: TargetFacts): void => {
      facts = { ...facts, ...known };
    };
    await runAction(
      ctx,
      output,
      async () => {
        if (certificateName !== undefined && flags.domain.length > 0) {
          throw new UsageError('Give either a certificate name of acmapi.json or -d domains, not both.', { code: 'USAGE_DOMAINS', hint: 'acmapi issue NAME uses the domains acmapi.json lists for NAME.' });
        }
        if (certificateName === undefined && flags.domain.length === 0) {
          throw new UsageError('No domain given.', { code: 'USAGE_DOMAINS', hint: 'Name each domain with -d, e.g. acmapi issue -d example.com -d www.example.com, or name a certificate of acmapi.json.' });
        }
        if (certificateName !== undefined && flags.name !== undefined) {
          throw new UsageError('--name is for -d; a certificate of acmapi.json has its name already.', { code: 'USAGE_NAME', hint: 'Drop --name.' });
        }
        if (flags.key !== undefined && flags.csr === undefined && certificateName === undefined) {
          throw new UsageError('--key was given without --csr.', {
            code: 'USAGE_KEY_WITHOUT_CSR',
            hint: 'Pass --key only together with the --csr it belongs to; without --csr, acmapi generates both.',
          });
        }
        const waitMs = parseWait(flags.wait);
        const timeoutMs = parseTimeout(flags.timeout);
        const retries = parseRetries(flags.retries);
        const lockWaitMs = parseLockWait(flags.lockWait);
        if (flags.port !== undefined && flags.standalone !== true) {
          throw new UsageError('--port was given without --standalone.', { code: 'USAGE_PORT', hint: 'Add --standalone, or drop --port.' });
        }
        const standalonePort = flags.standalone === true ? (parsePort(flags.port, '--port') ?? DEFAULT_STANDALONE_PORT) : undefined;
        const now = clockFrom(ctx.env);
        const project = await loadProject(flags, ctx.env);
        outLabel = flags.out ?? project.storeDir;
        const entry = certificateName === undefined ? undefined : configCertificate(project, certificateName);
        const domains = entry?.domains ?? flags.domain;
        // The domain rules (spec §4) need nothing but the input: a bad domain is reported
        // before anything asks for credentials or touches the store.
        learn({ domains: normalizeDomains(domains) });
        const days = parseDays(flags.days) ?? project.config?.defaults.renewBeforeDays;
        const keyType = flags.keyType ?? (entry === undefined ? undefined : (entry.keyType ?? project.config?.defaults.keyType));
        const csrPath = flags.csr ?? configPath(project, entry?.csr);
        const settings = await parseSignfileFlags(withConfigSignfile(flags, project, ctx.env), ctx.env);
        const passphrase = await pfxPassphrase(flags, ctx.env);
        if (passphrase !== undefined) output.addSecret(passphrase);
        const credentials = await credentialsFor(flags, ctx, output, credentialDefaults(project));
        const signfileOptions = {
          domains,
          mode: flags.preflight,
          settings,
          webroot: flags.webroot === undefined ? undefined : resolve(flags.webroot),
          iis: flags.iis,
          standalonePort,
          output,
        };
        const result = await issueToFolder({
          domains,
          name: certificateName ?? flags.name,
          keyType,
          csrPath,
          keyPath: flags.key,
          outDir: project.storeDir,
          waitMs,
          force: flags.force === true,
          days,
          lockWaitMs,
          timeoutMs,
          retries,
          credentials,
          output,
          pfxPassphrase: passphrase,
          now,
          onStep: crashHookFrom(ctx.env),
          onTarget: learn,
          // The signfile is put in place and checked only when an application will be sent.
          aroundApplication: async (run) => {
            const done = await withSignfile(signfileOptions, run);
            preflightResult = done.preflight;
            preflightNote = done.note;
            return done.value;
          },
        });
        // Another run may have issued it while this one waited for the lock: then nothing was applied.
        if (result.status === 'not-due') return result;
        return {
          ...result,
          ...(preflightResult === undefined ? {} : { preflight: preflightResult }),
          ...(preflightNote === undefined ? {} : { preflightNote }),
        };
      },
      (result) => {
        printIssueResult(output, result, outLabel);
      },
      () => facts,
    );
  });
}

/** Human output of `issue`, `retrieve` and each certificate of `renew`. */
export function printIssueResult(output: Output, result: ResultJson, outDir: string): void {
  if (result.preflightNote !== undefined) output.say(result.preflightNote);
  const outFlag = outDir === '' ? '' : ` --out ${outDir}`;
  if (result.status === 'pending' && result.interrupted !== undefined) {
    const dir = result.dir ?? '?';
    const store = outDir === '' ? dirname(dir) : outDir;
    output.warn(
      `Interrupted while waiting; the application is pending with handle ${result.handleId ?? '?'}, saved in ${dir}: run \`acmapi retrieve ${result.handleId ?? '?'} --out ${store}\` (or \`acmapi renew --out ${store}\`) later.`,
    );
    return;
  }
  if (result.status === 'pending') {
    output.say(`The CA holds the application for ${(result.domains ?? []).join(', ')} for review (handle ${result.handleId ?? '?'}).`);
    output.say(`The private key, CSR and handle are saved in the store, ${result.dir ?? '?'}; the live files there are untouched.`);
    output.say(`What to do: later, run  acmapi retrieve ${result.handleId ?? '?'}${outFlag}  (or acmapi renew${outFlag})`);
    return;
  }
  if (result.status === 'not-due') {
    const when = result.renewAt === undefined ? '' : ` (${result.daysLeft ?? '?'} days left; due for renewal from ${result.renewAt})`;
    output.say(`Certificate "${result.name ?? '?'}" for ${(result.domains ?? []).join(', ')} is not yet due for renewal${when}; nothing to do.`);
    output.say(`Its files are in ${result.dir ?? '?'}. To renew anyway, add --force.`);
    return;
  }
  if (result.status !== 'issued') return;
  if (result.alreadyInstalled === true) {
    const left = result.daysLeft === undefined ? '' : ` (${result.daysLeft} days left)`;
    output.say(`The certificate of handle ${result.handleId ?? '?'} is already installed: "${result.name ?? '?'}" for ${(result.domains ?? []).join(', ')}${left}; nothing was asked of the CA.`);
    output.say('Files:');
    output.say(fileLines(result.files).join('\n'));
    return;
  }
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
