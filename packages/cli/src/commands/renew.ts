/**
 * `acmapi renew`: every certificate that is due (or has a pending or prepared application),
 * with bounded concurrency, each through core's lifecycle (`certificate-run.ts`). With
 * acmapi.json the certificates are its `certificates`; without, the certificates of the store,
 * each with the domains and key type it has.
 */
import { join } from 'node:path';
import { Command, Option } from 'commander';
import pLimit from 'p-limit';
import { KEY_TYPES, planApplication } from '@acmapi/core';
import type { KeyType, PreflightMode, SignfilePhaseOptions } from '@acmapi/core';
import { CertificateStore, listCertificates } from '@acmapi/core/store';
import { localIo, UsageError } from '../flags/cli-errors.js';
import { addClientOptions, parseRetries } from '../flags/client.js';
import type { ClientFlags } from '../flags/client.js';
import { clockFrom } from '../flags/clock.js';
import { configCertificate, credentialDefaults, withConfigSignfile } from '../flags/config-targets.js';
import { addCredentialOptions, lazyCredentials } from '../flags/credentials.js';
import type { CredentialFlags, Credentials } from '../flags/credentials.js';
import { parseLockWait, parseTimeout, parseWait } from '../flags/durations.js';
import { keySourceFor } from '../flags/key-flags.js';
import { addPfxOptions, pfxPassphrase } from '../flags/pfx.js';
import { loadProject } from '../flags/project.js';
import type { Project } from '../flags/project.js';
import { addSignfileOptions, parseSignfileFlags, PREFLIGHT_MODES, signfilePhase } from '../flags/signfile-flags.js';
import type { SignfileFlags } from '../flags/signfile-flags.js';
import { addProjectOptions, addRenewalOptions, parseDays } from '../flags/store-flags.js';
import type { StoreFlags } from '../flags/store-flags.js';
import { describeError } from '../present/describe-error.js';
import { exitCodeFor } from '../present/exit-code-for.js';
import { EXIT_CODES } from '../present/exit-codes.js';
import type { Output } from '../present/output.js';
import { printRenewResult } from '../present/print-result.js';
import type { RenewPlanJson, RenewResultJson, ResultJson } from '../present/result-json.js';
import { runCertificate, withStore } from './certificate-run.js';
import type { CertificateTarget } from './certificate-run.js';
import type { CommandContext } from './command-kit.js';
import { runAction } from './command-kit.js';

export type { RenewPlanJson, RenewResultJson } from '../present/result-json.js';

/** How many certificates `renew` works on at once, by default. */
export const DEFAULT_RENEW_CONCURRENCY = 4;

/** Options of {@link renewCertificates}. */
export interface RenewOptions extends ClientFlags {
  project: Project;
  /** Names to renew; empty: all (`--all`). */
  names: readonly string[];
  dryRun: boolean;
  force: boolean;
  days: number | undefined;
  /** Key type asked for on the command line; overrides acmapi.json. */
  keyType: KeyType | undefined;
  concurrency: number;
  waitMs: number;
  lockWaitMs: number;
  credentials: () => Promise<Credentials>;
  output: Output;
  pfxPassphrase: string | undefined;
  /** The signfile phase (preflight) around each sending of an application. */
  signfile?: SignfilePhaseOptions | undefined;
  now: () => Date;
}

/** One certificate to renew; its key source is read only when it is worked on. */
interface RenewTarget extends Omit<CertificateTarget, 'keySource'> {
  /** The acmapi.json entry's `csr`/`key`, when it has them. */
  keySource?: () => Promise<CertificateTarget['keySource']>;
}

/** The certificates to work on, sorted by name. @throws {UsageError} `USAGE_CERTIFICATE_UNKNOWN` for a name neither acmapi.json nor the store has. */
async function targets(options: RenewOptions): Promise<RenewTarget[]> {
  // By name, as `list` shows them and as the README promises for the results.
  return (await unsortedTargets(options)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function unsortedTargets(options: RenewOptions): Promise<RenewTarget[]> {
  const { project } = options;
  if (project.config !== undefined) {
    const wanted = options.names.length === 0 ? project.config.certificates.map((c) => c.name) : options.names;
    return wanted.map((name) => {
      const entry = configCertificate(project, name);
      const own = entry.csr !== undefined || entry.key !== undefined;
      return {
        name,
        domains: entry.domains,
        // A key of the user's has its own type.
        keyType: own ? undefined : (options.keyType ?? entry.keyType ?? project.config?.defaults.keyType),
        ...(own ? { keySource: () => keySourceFor({}, entry, project) } : {}),
      };
    });
  }
  const records = await localIo('read the store', project.storeDir, () => listCertificates(project.storeDir));
  const byName = new Map(records.map((record) => [record.name, record]));
  const unknown = options.names.filter((name) => !byName.has(name));
  if (unknown.length > 0) {
    throw new UsageError(`The store ${project.storeDir} has no certificate named ${unknown.map((n) => JSON.stringify(n)).join(', ')}.`, {
      code: 'USAGE_CERTIFICATE_UNKNOWN',
      hint: 'acmapi list shows the names; pass --out with the store of acmapi issue.',
    });
  }
  const chosen = options.names.length === 0 ? records : options.names.map((name) => byName.get(name)).filter((r) => r !== undefined);
  // A record without domains has a damaged state.json: renewing it would guess; list shows it as failed.
  return chosen.filter((record) => record.domains.length > 0).map((record) => ({ name: record.name, domains: record.domains, keyType: options.keyType }));
}

/** What `--dry-run` says for one certificate: core's plan from its record, read without the lock. */
async function planOne(store: CertificateStore, target: RenewTarget, options: RenewOptions): Promise<RenewPlanJson> {
  const record = await store.get(target.name, options.days === undefined ? {} : { days: options.days });
  const plan = planApplication(record, {
    command: 'renew',
    force: options.force,
    domains: target.domains,
    ...(target.keyType === undefined ? {} : { keyType: target.keyType }),
  });
  return {
    name: target.name,
    domains: target.domains,
    action: plan.action,
    ...(plan.action === 'apply' ? { reason: plan.reason } : {}),
    ...(plan.action === 'retrieve' || plan.action === 'refuse' ? { handleId: plan.handleId } : {}),
    ...(record?.live === undefined ? {} : { daysLeft: record.live.renewal.daysLeft }),
  };
}

/**
 * Renews what is due. Every certificate is attempted; one failing does not stop the others.
 *
 * @returns the `--json` object (see {@link RenewResultJson}).
 * @throws {UsageError} for unknown names; {ConfigError}; {LocalIoError} when the store cannot be opened.
 */
export async function renewCertificates(options: RenewOptions): Promise<RenewResultJson> {
  const list = await targets(options);
  const limit = pLimit(Math.max(1, options.concurrency));
  if (options.dryRun) {
    // Reads only: the store is not even created.
    const store = new CertificateStore(options.project.storeDir, { now: options.now });
    const plans = await Promise.all(list.map((target) => limit(() => planOne(store, target, options))));
    return { status: 'ok', dryRun: true, certificates: plans, exitCode: EXIT_CODES.OK };
  }
  const results = await withStore(options.project.storeDir, options.now, (store) =>
    Promise.all(
      list.map((target) =>
        limit(async (): Promise<ResultJson> => {
          try {
            return await runCertificate({
              store,
              command: 'renew',
              target: { name: target.name, domains: target.domains, keyType: target.keyType, keySource: await target.keySource?.() },
              force: options.force,
              days: options.days,
              waitMs: options.waitMs,
              lockWaitMs: options.lockWaitMs,
              credentials: options.credentials,
              output: options.output,
              pfxPassphrase: options.pfxPassphrase,
              signfile: options.signfile,
              timeoutMs: options.timeoutMs,
              retries: options.retries,
            });
          } catch (error) {
            return { status: 'error', name: target.name, domains: target.domains, dir: join(store.dir, target.name), exitCode: exitCodeFor(error), error: describeError(error) };
          }
        }),
      ),
    ),
  );
  const failed = results.find((result) => result.status === 'error');
  const pending = results.some((result) => result.status === 'pending');
  // A wait ended by Ctrl-C/SIGTERM ends the run with that signal's code (130/143).
  const interrupted = results.find((result) => result.interrupted !== undefined);
  return {
    status: failed !== undefined ? 'error' : pending ? 'pending' : 'ok',
    dryRun: false,
    certificates: results,
    exitCode: interrupted?.exitCode ?? failed?.exitCode ?? (pending ? EXIT_CODES.PENDING : EXIT_CODES.OK),
  };
}

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
  renewBeforeDays?: string;
  json?: boolean;
}

function parseConcurrency(text: string | undefined): number {
  if (text === undefined) return DEFAULT_RENEW_CONCURRENCY;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > 64) {
    throw new UsageError(`--concurrency ${JSON.stringify(text)} is not a whole number from 1 to 64.`, { code: 'USAGE_CONCURRENCY', hint: 'Give e.g. --concurrency 4.' });
  }
  return Number(text);
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
    .addOption(new Option('--preflight <mode>', 'signfile preflight before each new application: warn, strict (that certificate fails with exit 8, nothing written), off').choices(PREFLIGHT_MODES).default('warn'))
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
        const days = parseDays(flags) ?? project.config?.defaults.renewBeforeDays;
        const settings = await parseSignfileFlags(withConfigSignfile(flags, project, ctx.env), ctx.env);
        // From cron, `warn` without a signfile stays quiet: no preflight, and no note per certificate.
        const preflight = flags.preflight === 'warn' && settings.signfile === undefined ? 'off' : flags.preflight;
        const signfile = signfilePhase({ preflight }, settings);
        const passphrase = await pfxPassphrase(flags, ctx.env);
        if (passphrase !== undefined) output.addSecret(passphrase);
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
          credentials: lazyCredentials(flags, ctx.env, output, credentialDefaults(project)),
          output,
          pfxPassphrase: passphrase,
          signfile,
          now,
        });
      },
      (result) => {
        printRenewResult(output, result, outLabel);
      },
    );
  });
}
