/**
 * `acmapi renew`: every certificate that is due, or new, failed, refused, interrupted or
 * pending, with bounded concurrency, each through core's lifecycle (`certificate-run.ts`) with
 * the settings it remembers (flags given here override them and are remembered). A failing
 * certificate inside its backoff window is reported `skipped-by-backoff`. With acmapi.json the
 * certificates are its `certificates`; without, every certificate of the store.
 */
import { resolve as resolvePath } from 'node:path';
import { Command, Option } from 'commander';
import pLimit from 'p-limit';
import { KEY_TYPES, planApplication } from '@acmapi/core';
import type { CertificateSettings, KeyType, SignfilePhaseOptions } from '@acmapi/core';
import { CertificateStore, listCertificates } from '@acmapi/core/store';
import type { CertificateRecord } from '@acmapi/core/store';
import { localIo, STORE_ELSEWHERE, UsageError } from '../flags/cli-errors.js';
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
import { addSettingsOptions, settingsFromFlags } from '../flags/settings-flags.js';
import { storeNameAsTyped } from '../flags/store-name.js';
import type { SettingsFlags } from '../flags/settings-flags.js';
import { addSignfileOptions, parseSignfileFlags } from '../flags/signfile-flags.js';
import type { SignfileFlags, SignfileSettings } from '../flags/signfile-flags.js';
import { addProjectOptions, addRenewalOptions, parseDays } from '../flags/store-flags.js';
import type { StoreFlags } from '../flags/store-flags.js';
import { EXIT_CODES } from '../present/exit-codes.js';
import type { Output } from '../present/output.js';
import { printRenewResult } from '../present/print-result.js';
import { damagedResult } from '../present/result-json.js';
import type { RenewPlanJson, RenewResultJson } from '../present/result-json.js';
import { runPresentedFleet, withStore } from './certificate-run.js';
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
  /** `--retry-now`: failing certificates are tried inside their backoff (pending applications are kept). */
  retryNow?: boolean | undefined;
  days: number | undefined;
  /** Key type asked for on the command line; overrides acmapi.json. */
  keyType: KeyType | undefined;
  concurrency: number;
  waitMs: number;
  lockWaitMs: number;
  credentials: () => Promise<Credentials>;
  output: Output;
  /** `--pfx` given: its passphrase; else each certificate's remembered one. */
  pfxPassphrase: string | undefined;
  /** The signfile phase around each sending of an application. @default each certificate's, from its settings */
  signfile?: SignfilePhaseOptions | undefined;
  /** What the flags give of the settings (see `settings-flags.ts`); over each certificate's remembered ones. @default {} */
  settings?: Partial<CertificateSettings> | undefined;
  /** `--signfile` and the preflight's overrides (`--resolve`, ports). */
  signfileExtras?: SignfileSettings | undefined;
  /** Where a remembered passphrase variable is read, and the environment hooks inherit. @default process.env */
  env?: NodeJS.ProcessEnv | undefined;
  now: () => Date;
  /** `--metrics-file`: the Prometheus textfile written after the run. */
  metricsFile?: string | undefined;
  /** `--notify-url` or env `ACMAPI_NOTIFY_URL`: where failures and expiry warnings are posted (a secret: never printed). */
  notifyUrl?: string | undefined;
}


/** One certificate to renew; its key source is read only when it is worked on. */
interface RenewTarget extends Omit<CertificateTarget, 'keySource'> {
  /** The acmapi.json entry's `csr`/`key`, when it has them. */
  keySource?: () => Promise<CertificateTarget['keySource']>;
}

/** A record the store lists as damaged: `renew --dry-run` reports it instead of planning it. */
type DamagedRecord = CertificateRecord & { damaged: NonNullable<CertificateRecord['damaged']> };

/** What `renew` works on: every certificate chosen; the healthy ones and the store's damaged records apart, for `--dry-run`. */
interface RenewTargets {
  all: RenewTarget[];
  targets: RenewTarget[];
  damaged: DamagedRecord[];
}

function isDamaged(record: CertificateRecord): record is DamagedRecord {
  return record.damaged !== undefined;
}

function byName(a: { name?: string | undefined }, b: { name?: string | undefined }): number {
  const [x, y] = [a.name ?? '', b.name ?? ''];
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The certificates to work on, sorted by name (as `list` shows them and as the README promises
 * for the results). The store's damaged ones are never skipped silently: core reports them.
 *
 * @throws {UsageError} `USAGE_CERTIFICATE_UNKNOWN` for a name neither acmapi.json nor the store has.
 */
async function targets(options: RenewOptions): Promise<RenewTargets> {
  const records = await localIo('read the store', options.project.storeDir, () => listCertificates(options.project.storeDir), STORE_ELSEWHERE);
  const damagedByName = new Map(records.filter(isDamaged).map((record) => [record.name, record]));
  const stored = new Set(records.map((record) => record.name));
  // Without acmapi.json the names are the store's: a domain typed as issued (bücher.example) names its certificate.
  const names = options.project.config !== undefined ? options.names : await Promise.all(options.names.map((name) => storeNameAsTyped(name, (candidate) => stored.has(candidate))));
  const chosen = unsortedTargets({ ...options, names }, records);
  return {
    all: [...chosen].sort(byName),
    targets: chosen.filter((target) => !damagedByName.has(target.name)).sort(byName),
    damaged: chosen.flatMap((target) => damagedByName.get(target.name) ?? []).sort(byName),
  };
}

function unsortedTargets(options: RenewOptions, records: readonly CertificateRecord[]): RenewTarget[] {
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
        keyType: own ? undefined : (options.keyType ?? entry.keyType),
        // A fallback, as core's settingsForRun has it: after the remembered and the live key type.
        defaultKeyType: own ? undefined : project.config?.defaults.keyType,
        ...(own ? { keySource: () => keySourceFor({}, entry, project) } : {}),
      };
    });
  }
  const recordsByName = new Map(records.map((record) => [record.name, record]));
  const unknown = options.names.filter((name) => !recordsByName.has(name));
  if (unknown.length > 0) {
    throw new UsageError(`The store ${project.storeDir} has no certificate named ${unknown.map((n) => JSON.stringify(n)).join(', ')}.`, {
      code: 'USAGE_CERTIFICATE_UNKNOWN',
      hint: 'acmapi list shows the names; pass --out with the store of acmapi issue.',
    });
  }
  const chosen = options.names.length === 0 ? records : options.names.map((name) => recordsByName.get(name)).filter((r) => r !== undefined);
  // Every state is renewed, a failed first application too: its domains come from its settings
  // or its refused application (core's record). A damaged record has none and is kept, for core
  // to report (`--dry-run`: `targets`); any other without domains would make renewing guess.
  return chosen
    .filter((record) => isDamaged(record) || (record.settings?.domains.length ?? 0) > 0 || record.domains.length > 0)
    .map((record) => ({ name: record.name, domains: record.settings !== undefined && record.settings.domains.length > 0 ? record.settings.domains : record.domains, keyType: options.keyType }));
}

/** What `--dry-run` says for one certificate: core's plan from its record, read without the lock. */
async function planOne(store: CertificateStore, target: RenewTarget, options: RenewOptions): Promise<RenewPlanJson> {
  const stored = await store.get(target.name);
  const days = options.settings?.renewBeforeDays ?? stored?.settings?.renewBeforeDays ?? options.days;
  const record = days === undefined ? stored : await store.get(target.name, { days });
  const plan = planApplication(record, {
    command: 'renew',
    force: options.force,
    ignoreBackoff: options.retryNow === true,
    domains: target.domains,
    now: options.now(),
    ...(target.keyType === undefined ? {} : { keyType: target.keyType }),
  });
  return {
    name: target.name,
    domains: target.domains,
    action: plan.action,
    ...(plan.action === 'apply' || plan.action === 'skip' ? { reason: plan.reason } : {}),
    ...(plan.action === 'skip' && plan.reason === 'backoff' ? { nextAttemptAt: plan.nextAttemptAt.toISOString() } : {}),
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
  const { all, targets: list, damaged } = await targets(options);
  const limit = pLimit(Math.max(1, options.concurrency));
  if (options.dryRun) {
    // One damaged record must not hide the others' plans: it fails the run (exit 7).
    const damagedResults = damaged.map((record) => damagedResult(record));
    // Reads only: the store is not even created.
    const store = new CertificateStore(options.project.storeDir, { now: options.now });
    const plans = await Promise.all(list.map((target) => limit(() => planOne(store, target, options))));
    const certificates = [...plans, ...damagedResults].sort(byName);
    const firstDamaged = damagedResults[0];
    return firstDamaged === undefined
      ? { status: 'ok', dryRun: true, certificates, exitCode: EXIT_CODES.OK }
      : { status: 'error', dryRun: true, certificates, exitCode: firstDamaged.exitCode };
  }
  // A damaged certificate goes to core's fleet too, which reports it STORE_CORRUPT without
  // working on it (exit 7 once the others ran), counted in the metrics file and notified.
  const { results, hooks: runHooks, reportErrors } = await withStore(options.project.storeDir, options.now, (store) =>
    runPresentedFleet({
      store,
      command: 'renew',
      targets: all.map((target) => ({
        name: target.name,
        domains: target.domains,
        settings: { ...options.settings, domains: target.domains, ...(target.keyType === undefined ? {} : { keyType: target.keyType }) },
        ...(target.keySource === undefined ? {} : { keySource: target.keySource }),
        defaultKeyType: target.defaultKeyType,
      })),
      credentials: options.credentials,
      output: options.output,
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      now: options.now,
      concurrency: Math.max(1, options.concurrency),
      force: options.force,
      ignoreBackoff: options.retryNow === true,
      days: options.days,
      waitMs: options.waitMs,
      lockWaitMs: options.lockWaitMs,
      metricsFile: options.metricsFile,
      notifyUrl: options.notifyUrl,
      env: options.env ?? process.env,
      signfile: options.signfile,
      signfileExtras: options.signfileExtras,
      // From cron, no signfile means no preflight, and no note per certificate.
      defaultPreflight: (settings) => (settings.signfile?.path === undefined ? 'off' : 'warn'),
      pfxPassphrase: options.pfxPassphrase,
    }),
  );
  // A certificate skipped by its backoff is still failing: the run says so in its exit code.
  const failed = results.find((result) => result.status === 'error' || result.status === 'skipped-by-backoff' || result.outcome === 'failed');
  // A pre or post hook, the metrics file or a notification that failed: exit 10 when nothing else did.
  const deployFailed = runHooks.some((hook) => !hook.ok) || reportErrors.length > 0;
  const pending = results.some((result) => result.status === 'pending');
  // A wait ended by Ctrl-C/SIGTERM ends the run with that signal's code (130/143).
  const interrupted = results.find((result) => result.interrupted !== undefined);
  return {
    status: failed !== undefined || deployFailed ? 'error' : pending ? 'pending' : 'ok',
    dryRun: false,
    certificates: results,
    exitCode: interrupted?.exitCode ?? failed?.exitCode ?? (deployFailed ? EXIT_CODES.DEPLOY_FAILED : pending ? EXIT_CODES.PENDING : EXIT_CODES.OK),
    ...(runHooks.length === 0 ? {} : { hooks: runHooks }),
    ...(reportErrors.length === 0 ? {} : { reportErrors }),
  };
}

interface RenewFlags extends CredentialFlags, SignfileFlags, StoreFlags, SettingsFlags {
  all?: boolean;
  dryRun?: boolean;
  concurrency?: string;
  keyType?: KeyType;
  wait?: string;
  timeout?: string;
  retries?: string;
  force?: boolean;
  retryNow?: boolean;
  days?: string;
  renewBeforeDays?: string;
  json?: boolean;
  quiet?: boolean;
  metricsFile?: string;
  notifyUrl?: string;
}

/** The environment variable `renew` reads the notification URL from when `--notify-url` is not given. */
export const NOTIFY_URL_ENV = 'ACMAPI_NOTIFY_URL';

/**
 * Checks `--notify-url`: an absolute http(s) URL. Its path is a secret (webhook URLs carry
 * their token there), so no message repeats it.
 *
 * @param source what the message names: the flag, or the environment variable it came from.
 * @throws {UsageError} `USAGE_NOTIFY_URL` otherwise.
 */
export function parseNotifyUrl(text: string | undefined, source = '--notify-url'): string | undefined {
  if (text === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`${source} is not an http:// or https:// URL.`, { code: 'USAGE_NOTIFY_URL', hint: 'Give the webhook URL, e.g. https://hooks.example.com/…' });
  }
  return url.href;
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
      'renew the certificates that are due (at their renewal time, or --renew-before-days N), apply again for new, failed and refused ones, retrieve pending applications and resend interrupted ones, each with the settings it remembers (placement flags given here override them and are remembered); certificates not yet due are left alone, failing ones wait out their backoff (1 h, 6 h, 24 h; --retry-now tries them at once). Exit 0 when all are fine, 3 when one is still pending, else the exit code of the first that failed (5 for one waiting out its backoff, 10 when installing into its install targets or a hook failed — the certificate stays live). Install targets are written after each new certificate (and on a run with nothing due when one is missing or differs), then the deploy hook runs; nothing due: no file changed, no hook',
    )
    .argument('[certificates...]', 'store names (acmapi.json names with a project file); none: all')
    .option('--all', 'every certificate (of acmapi.json, else of the store); the default when no name is given')
    .option('--retry-now', 'try failing certificates now instead of waiting out their backoff (a person after fixing the cause; unlike --force it keeps pending applications and renews nothing that is not due)')
    .option('--dry-run', 'only say what would be done for each certificate; contacts no CA and changes nothing')
    .option('--concurrency <n>', `how many certificates at once (default ${DEFAULT_RENEW_CONCURRENCY})`)
    .addOption(new Option('--key-type <type>', 'type of new private keys (default: acmapi.json, else each certificate\'s own)').choices(KEY_TYPES))
    .option('--wait <duration>', 'how long to poll an application the CA answers pending, e.g. 5m, at most 30d (default 0)')
    .option('--json', 'print one JSON object on stdout; messages go to stderr')
    .option('--quiet', 'for cron: print nothing unless a certificate changed (went live, installed, pending) or something failed')
    .option('--metrics-file <file>', 'after the run, write a Prometheus textfile here for node_exporter (not-after, renewal time, last attempt and result per certificate), atomically')
    .option(
      '--notify-url <url>',
      `POST a JSON notification (Slack-compatible "text") here for each failure and each expiry warning; never printed (webhook paths are secrets). Prefer env ${NOTIFY_URL_ENV}: a flag shows in ps and in a schedule's files (acmapi schedule: put it in the --environment-file)`,
    );
  addSettingsOptions(command, 'signfile preflight before each new application: warn, strict (that certificate fails with exit 8, nothing written), off');
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
        const flagDays = parseDays(flags);
        const days = flagDays ?? project.config?.defaults.renewBeforeDays;
        const withConfig = withConfigSignfile(flags, project, ctx.env);
        const parsed = await parseSignfileFlags(withConfig, ctx.env);
        const given = settingsFromFlags(flags, parsed, withConfig.signfileName, flagDays);
        const passphrase = await pfxPassphrase(flags, ctx.env);
        if (passphrase !== undefined) output.addSecret(passphrase);
        // The flag wins over the environment, as for the credentials; an empty variable is unset.
        const envNotifyUrl = ctx.env[NOTIFY_URL_ENV] === '' ? undefined : ctx.env[NOTIFY_URL_ENV];
        const notifyUrl = flags.notifyUrl === undefined ? parseNotifyUrl(envNotifyUrl, NOTIFY_URL_ENV) : parseNotifyUrl(flags.notifyUrl);
        // The URL's path and query are a secret: redacted wherever a message might carry them.
        if (notifyUrl !== undefined) {
          const url = new URL(notifyUrl);
          if (url.pathname.length > 1) output.addSecret(url.pathname);
          if (url.search !== '') output.addSecret(url.search);
          output.addSecret(notifyUrl);
        }
        return renewCertificates({
          project,
          names,
          dryRun: flags.dryRun === true,
          force: flags.force === true,
          retryNow: flags.retryNow === true,
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
          settings: given,
          signfileExtras: parsed,
          env: ctx.env,
          now,
          metricsFile: flags.metricsFile === undefined ? undefined : resolvePath(flags.metricsFile),
          notifyUrl,
        });
      },
      (result) => {
        printRenewResult(output, result, outLabel, { quiet: flags.quiet === true });
      },
    );
  });
}
