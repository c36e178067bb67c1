/** `acmapi renew`: renew every certificate that is due, pick up pending applications. */
import { Command, Option } from 'commander';
import { KEY_TYPES } from '@acmapi/core';
import type { KeyType, PreflightMode } from '@acmapi/core';
import { UsageError } from '../cli-errors.js';
import { addClientOptions, addCredentialOptions, lazyCredentials, parseRetries, runAction } from '../command-kit.js';
import type { CommandContext } from '../command-kit.js';
import { credentialDefaults, withConfigSignfile } from '../config-targets.js';
import type { CredentialFlags } from '../credentials.js';
import { formatError } from '../describe-error.js';
import { parseTimeout, parseWait } from '../duration.js';
import { pfxPassphrase } from '../pfx-export.js';
import { addSignfileOptions, parseSignfileFlags } from '../preflight-flags.js';
import type { SignfileFlags } from '../preflight-flags.js';
import type { ResultJson } from '../present.js';
import { loadProject } from '../project.js';
import { DEFAULT_RENEW_CONCURRENCY, renewCertificates } from '../renew-flow.js';
import type { RenewPlanJson, RenewResultJson } from '../renew-flow.js';
import { PREFLIGHT_MODES, withSignfile } from '../signfile-setup.js';
import { addPfxOptions, addProjectOptions, addRenewalOptions, parseDays, parseLockWait } from '../store-flags.js';
import type { StoreFlags } from '../store-flags.js';
import { clockFrom, crashHookFrom } from '../test-hooks.js';
import { printIssueResult } from './issue.js';
import type { Output } from '../output.js';

interface RenewFlags extends CredentialFlags, SignfileFlags, StoreFlags {
  all?: boolean;
  dryRun?: boolean;
  concurrency?: string;
  keyType?: KeyType;
  preflight: PreflightMode;
  wait?: string;
  timeout?: string;
  retries?: string;
  force?: boolean;
  days?: string;
  json?: boolean;
}

/** Builds the `renew` command. */
export function renewCommand(ctx: CommandContext): Command {
  const command = new Command('renew')
    .summary('renew what is due, retrieve pending applications (for cron)')
    .description(
      'renew the certificates that are due (less than a third of the lifetime left, or --days N), retrieve pending applications and resend interrupted ones; certificates not yet due are left alone. Exit 0 when all are fine, 3 when one is still pending, else the exit code of the first that failed',
    )
    .argument('[certificates...]', 'store names (acmapi.json names with a project file); none: all')
    .option('--all', 'every certificate (of acmapi.json, else of the store); the default when no name is given')
    .option('--dry-run', 'only say what would be done for each certificate; contacts no CA and changes nothing')
    .option('--concurrency <n>', `how many certificates at once (default ${DEFAULT_RENEW_CONCURRENCY})`)
    .addOption(new Option('--key-type <type>', 'type of new private keys (default: acmapi.json, else each certificate\'s own)').choices(KEY_TYPES))
    .option('--wait <duration>', 'how long to poll an application the CA answers pending, e.g. 5m, at most 30d (default 0)')
    .addOption(new Option('--preflight <mode>', 'signfile preflight before each new application: warn, strict (skip that certificate, exit 8), off').choices(PREFLIGHT_MODES).default('warn'))
    .option('--json', 'print one JSON object on stdout; messages go to stderr');
  addRenewalOptions(command);
  addProjectOptions(command);
  addPfxOptions(command);
  addSignfileOptions(command);
  addClientOptions(command);
  addCredentialOptions(command);
  return command.action(async (names: string[], flags: RenewFlags) => {
    const output = ctx.makeOutput(flags.json === true);
    let outLabel = flags.out ?? '';
    await runAction<RenewResultJson>(
      ctx,
      output,
      async () => {
        if (flags.all === true && names.length > 0) {
          throw new UsageError('Give certificate names or --all, not both.', { code: 'USAGE_NAME', hint: 'acmapi renew --all renews every certificate that is due.' });
        }
        const concurrency = parseConcurrency(flags.concurrency);
        const waitMs = parseWait(flags.wait);
        const timeoutMs = parseTimeout(flags.timeout);
        const retries = parseRetries(flags.retries);
        const lockWaitMs = parseLockWait(flags.lockWait);
        const now = clockFrom(ctx.env);
        const project = await loadProject(flags, ctx.env);
        outLabel = flags.out ?? project.storeDir;
        const days = parseDays(flags.days) ?? project.config?.defaults.renewBeforeDays;
        const settings = await parseSignfileFlags(withConfigSignfile(flags, project, ctx.env), ctx.env);
        const passphrase = await pfxPassphrase(flags, ctx.env);
        if (passphrase !== undefined) output.addSecret(passphrase);
        for (const token of [flags.authToken, ctx.env['ACMAPI_AUTH_TOKEN']]) {
          if (token !== undefined) output.addSecret(token.trim());
        }
        return renewCertificates({
          project,
          names,
          dryRun: flags.dryRun === true,
          force: flags.force === true,
          days,
          keyType: flags.keyType,
          concurrency,
          waitMs,
          lockWaitMs,
          timeoutMs,
          retries,
          credentials: lazyCredentials(flags, ctx, output, credentialDefaults(project)),
          output,
          pfxPassphrase: passphrase,
          now,
          onStep: crashHookFrom(ctx.env),
          aroundApply: async (apply, domains) => (await withSignfile({ domains, mode: settings.signfile === undefined ? 'off' : flags.preflight, settings, output }, apply)).value,
        });
      },
      (result) => {
        printRenewResult(output, result, outLabel);
      },
    );
  });
}

function parseConcurrency(text: string | undefined): number {
  if (text === undefined) return DEFAULT_RENEW_CONCURRENCY;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > 64) {
    throw new UsageError(`--concurrency ${JSON.stringify(text)} is not a whole number from 1 to 64.`, { code: 'USAGE_CONCURRENCY', hint: 'Give e.g. --concurrency 4.' });
  }
  return Number(text);
}

function isPlan(entry: ResultJson | RenewPlanJson): entry is RenewPlanJson {
  return 'action' in entry;
}

const PLAN_WORDS: Record<RenewPlanJson['action'], string> = {
  skip: 'not yet due, nothing to do',
  retrieve: 'would ask the CA for the pending application',
  resume: 'would send the interrupted application again with its saved key and CSR',
  apply: 'would apply with a new key',
  refuse: 'would refuse: an application is pending',
};

function printRenewResult(output: Output, result: RenewResultJson, outDir: string): void {
  if (result.certificates.length === 0) output.say('No certificates to renew.');
  for (const entry of result.certificates) {
    if (isPlan(entry)) {
      const extra = [entry.reason, entry.handleId === undefined ? undefined : `handle ${entry.handleId}`, entry.daysLeft === undefined ? undefined : `${entry.daysLeft} days left`].filter((x) => x !== undefined);
      output.say(`${entry.name}: ${PLAN_WORDS[entry.action]}${extra.length === 0 ? '' : ` (${extra.join('; ')})`}`);
    } else if (entry.status === 'error') {
      if (entry.error !== undefined) output.say(`${entry.name ?? '?'}: failed.\n${formatError(entry.error)}`);
    } else {
      printIssueResult(output, entry, outDir);
    }
  }
}
