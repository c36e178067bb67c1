/**
 * `acmapi issue`: apply for a certificate into the certificate store (or keep it when not yet
 * due). Parses the flags (and the acmapi.json entry), chooses the store name, and runs the
 * certificate through core's lifecycle (`certificate-run.ts`); `issueToFolder` is the same
 * run for programmatic use and for `acmapi demo`.
 */
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { KEY_TYPES, normalizeDomains } from '@acmapi/core';
import type { CertificateSettings, KeySource, KeyType, SignfilePhaseOptions } from '@acmapi/core';
import { listCertificates } from '@acmapi/core/store';
import { localIo, STORE_ELSEWHERE, UsageError } from '../flags/cli-errors.js';
import { addClientOptions, parseRetries } from '../flags/client.js';
import type { ClientFlags } from '../flags/client.js';
import { clockFrom } from '../flags/clock.js';
import { configCertificate, credentialDefaults, withConfigSignfile } from '../flags/config-targets.js';
import { addCredentialOptions, credentialsFor } from '../flags/credentials.js';
import type { CredentialFlags, Credentials } from '../flags/credentials.js';
import { DEFAULT_LOCK_WAIT_MS, parseLockWait, parseTimeout, parseWait } from '../flags/durations.js';
import { keySourceFor } from '../flags/key-flags.js';
import type { KeyFlags } from '../flags/key-flags.js';
import { addPfxOptions, pfxPassphrase } from '../flags/pfx.js';
import { loadProject } from '../flags/project.js';
import { addSettingsOptions, settingsFromFlags } from '../flags/settings-flags.js';
import type { SettingsFlags } from '../flags/settings-flags.js';
import { addSignfileOptions, parseSignfileFlags } from '../flags/signfile-flags.js';
import type { SignfileFlags, SignfileSettings } from '../flags/signfile-flags.js';
import { addProjectOptions, addRenewalOptions, parseDays } from '../flags/store-flags.js';
import type { StoreFlags } from '../flags/store-flags.js';
import { storeNameFor } from '../flags/store-name.js';
import type { Output } from '../present/output.js';
import { printCertificateResult } from '../present/print-result.js';
import type { ResultJson, TargetFacts } from '../present/result-json.js';
import { runCertificate, runPresentedFleet, withStore } from './certificate-run.js';
import { EXIT_CODES } from '../present/exit-codes.js';
import type { CommandContext } from './command-kit.js';
import { runAction } from './command-kit.js';

/** Options of {@link issueToFolder}. */
export interface IssueToFolderOptions extends ClientFlags {
  /** Domains as the user typed them (or as acmapi.json lists them); normalised here (spec §4). */
  domains: readonly string[];
  /**
   * The store name: an acmapi.json certificate's `name`, or `--name`.
   * @default the stored certificate with the same domains, else the first domain (see `store-name.ts`)
   */
  name?: string | undefined;
  /** Key type of a generated key; `undefined` keeps the live certificate's (new keys: `defaultKeyType`). */
  keyType?: KeyType | undefined;
  /** acmapi.json's `defaults.keyType`: used only when nothing else names a key type; never remembered. @default `ec-p256` */
  defaultKeyType?: KeyType | undefined;
  /** Where a new application's key and CSR come from (`--csr`/`--key`, acmapi.json). @default a generated key */
  keySource?: KeySource | undefined;
  /** The store folder; the certificate lives in `outDir/<name>/`. */
  outDir: string;
  /** How long to poll a pending application, in milliseconds; 0 = not at all. */
  waitMs: number;
  /** Apply even when the certificate is valid and not due, or over a pending application. @default false */
  force?: boolean | undefined;
  /** Due when fewer than this many days are left. @default a third of the lifetime */
  days?: number | undefined;
  /** How long to wait for another process holding the certificate, milliseconds. @default 10_000 */
  lockWaitMs?: number | undefined;
  /** The credentials, or a function giving them when the CA is first contacted. */
  credentials: Credentials | (() => Promise<Credentials>);
  output: Output;
  /** `--pfx`: keep a PKCS#12 file with this passphrase beside the live files. */
  pfxPassphrase?: string | undefined;
  /**
   * The signfile phase (placement, preflight) around the sending of an application.
   * @default the one of the certificate's settings (see `settings`), else no placement, preflight `warn`
   */
  signfile?: SignfilePhaseOptions | undefined;
  /**
   * What the certificate should remember (flags given), over what it remembers: the result is
   * remembered, and gives the signfile phase and the PKCS#12 passphrase where `signfile` and
   * `pfxPassphrase` are not given. `undefined`: nothing is read or remembered.
   */
  settings?: Partial<CertificateSettings> | undefined;
  /** The preflight's overrides (`--resolve`, ports) for a signfile phase made from the settings. */
  signfileExtras?: SignfileSettings | undefined;
  /** Where a remembered passphrase variable is read. @default process.env */
  env?: NodeJS.ProcessEnv | undefined;
  /** The store's clock. @default the system's */
  now?: (() => Date) | undefined;
  /** Told the certificate's name, domains and folder as soon as they are known (for the `--json` result of an error). */
  onTarget?: ((target: TargetFacts) => void) | undefined;
}

/**
 * Issues (or keeps, when not yet due) the certificate for `domains` in the store at `outDir`.
 *
 * @returns the `--json` result: `issued` (exit 0), `not-due` (exit 0) or `pending` (exit 3).
 * @throws {DomainError}/{CsrError} before any call when the request cannot succeed (`KEY_REQUIRED`:
 *   a CSR without its private key); {PreflightError} with a strict preflight (nothing written);
 *   {StoreError} `STORE_PENDING_EXISTS` when an application is pending (without `force`),
 *   `STORE_LOCKED`; the CA and certificate errors of the client; {LocalIoError}.
 */
export async function issueToFolder(options: IssueToFolderOptions): Promise<ResultJson> {
  const domains = normalizeDomains(options.domains);
  options.onTarget?.({ domains });
  const storeDir = resolve(options.outDir);
  // Read without writing anything (a missing store folder lists as empty).
  const records = await localIo('read the store', storeDir, () =>
    listCertificates(storeDir, { ...(options.now === undefined ? {} : { now: options.now() }), ...(options.days === undefined ? {} : { days: options.days }) }),
    STORE_ELSEWHERE,
  );
  const name = storeNameFor(records, domains, options.name);
  options.onTarget?.({ name, domains, dir: join(storeDir, name) });
  const given = options.credentials;
  const keyType = options.keySource === undefined ? options.keyType : undefined;
  const defaultKeyType = options.keySource === undefined ? options.defaultKeyType : undefined;
  const credentials = typeof given === 'function' ? given : () => Promise.resolve(given);
  if (options.settings !== undefined) {
    // With settings, through core's runFleet (one certificate): the pre and post hooks run
    // around it as around a renew run, the deploy and failure hooks inside it.
    const settings = options.settings;
    const run = await withStore(storeDir, options.now, (store) =>
      runPresentedFleet({
        store,
        command: 'issue',
        targets: [{ name, domains, defaultKeyType, settings: { ...settings, domains, ...(keyType === undefined ? {} : { keyType }) }, ...(options.keySource === undefined ? {} : { keySource: options.keySource }) }],
        credentials,
        output: options.output,
        timeoutMs: options.timeoutMs,
        retries: options.retries,
        now: options.now,
        concurrency: 1,
        force: options.force ?? false,
        days: options.days,
        waitMs: options.waitMs,
        lockWaitMs: options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
        env: options.env ?? process.env,
        signfile: options.signfile,
        signfileExtras: options.signfileExtras,
        defaultPreflight: () => 'warn',
        pfxPassphrase: options.pfxPassphrase,
      }),
    );
    const [result] = run.results;
    // What the run threw is this command's error (exit code, advice, --json error).
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrown exactly as the lifecycle threw it (core's typed errors)
    if (result === undefined || result.status === 'error') throw run.errors[0] ?? new Error('The run of the certificate gave no result.');
    const hookFailed = run.hooks.some((hook) => !hook.ok) || run.reportErrors.length > 0;
    return hookFailed && result.exitCode === EXIT_CODES.OK ? { ...result, exitCode: EXIT_CODES.DEPLOY_FAILED } : result;
  }
  // Without settings (the demo, library callers): one lifecycle run, nothing remembered.
  return withStore(storeDir, options.now, (store) =>
    runCertificate({
      store,
      command: 'issue',
      // A key of the user's has its own type.
      target: { name, domains, keyType, defaultKeyType, keySource: options.keySource },
      force: options.force ?? false,
      days: options.days,
      now: options.now,
      waitMs: options.waitMs,
      lockWaitMs: options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
      credentials,
      output: options.output,
      pfxPassphrase: options.pfxPassphrase,
      signfile: options.signfile,
      timeoutMs: options.timeoutMs,
      retries: options.retries,
    }),
  );
}

interface IssueFlags extends CredentialFlags, SignfileFlags, StoreFlags, KeyFlags, SettingsFlags {
  domain: string[];
  name?: string;
  keyType?: KeyType;
  wait?: string;
  timeout?: string;
  retries?: string;
  force?: boolean;
  days?: string;
  renewBeforeDays?: string;
  json?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The usage errors of `issue`'s own arguments. @throws {UsageError} `USAGE_DOMAINS`, `USAGE_NAME` */
function checkTarget(certificateName: string | undefined, flags: IssueFlags): void {
  if (certificateName !== undefined && flags.domain.length > 0) {
    throw new UsageError('Give either a certificate name of acmapi.json or -d domains, not both.', { code: 'USAGE_DOMAINS', hint: 'acmapi issue NAME uses the domains acmapi.json lists for NAME.' });
  }
  if (certificateName === undefined && flags.domain.length === 0) {
    throw new UsageError('No domain given.', { code: 'USAGE_DOMAINS', hint: 'Name each domain with -d, e.g. acmapi issue -d example.com -d www.example.com, or name a certificate of acmapi.json.' });
  }
  if (certificateName !== undefined && flags.name !== undefined) {
    throw new UsageError('--name is for -d; a certificate of acmapi.json has its name already.', { code: 'USAGE_NAME', hint: 'Drop --name.' });
  }
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
    .option('--csr <file>', 'use this CSR (PEM) instead of generating a key and CSR (needs its private key: --key)')
    .option('--key <file>', 'your private key (PEM), kept in the store as privkey.pem: the key of --csr, or alone the key acmapi makes the CSR with')
    .option('--wait <duration>', 'how long to poll when the CA answers pending, e.g. 5m, at most 30d (default 0: save the handle and exit 3); Ctrl-C ends the wait, the handle stays saved')
    .option('--json', 'print one JSON object on stdout; messages go to stderr');
  addSettingsOptions(command, 'check the signfile on every address first: warn (report, apply anyway), strict (do not apply when a domain fails, exit 8), off');
  addRenewalOptions(command);
  addProjectOptions(command);
  addPfxOptions(command);
  addSignfileOptions(command);
  addClientOptions(command);
  addCredentialOptions(command);
  return command.action(async (certificateName: string | undefined, flags: IssueFlags) => {
    const output = ctx.makeOutput(flags.json === true);
    let outLabel = flags.out ?? '';
    let facts: TargetFacts = {};
    const learn = (known: TargetFacts): void => {
      facts = { ...facts, ...known };
    };
    await runAction(
      ctx,
      output,
      async () => {
        checkTarget(certificateName, flags);
        const waitMs = parseWait(flags.wait);
        const timeoutMs = parseTimeout(flags.timeout);
        const retries = parseRetries(flags.retries);
        const lockWaitMs = parseLockWait(flags.lockWait);
        const now = clockFrom(ctx.env);
        const project = await loadProject(flags, ctx.env);
        outLabel = flags.out ?? project.storeDir;
        const entry = certificateName === undefined ? undefined : configCertificate(project, certificateName);
        const domains = entry?.domains ?? flags.domain;
        // The domain rules (spec §4) need nothing but the input: a bad domain is reported
        // before anything asks for credentials or touches the store.
        learn({ domains: normalizeDomains(domains) });
        const flagDays = parseDays(flags);
        const days = flagDays ?? project.config?.defaults.renewBeforeDays;
        const keyType = flags.keyType ?? entry?.keyType;
        // A fallback, as core's settingsForRun has it: after the remembered and the live key type.
        const defaultKeyType = entry === undefined ? undefined : project.config?.defaults.keyType;
        const withConfig = withConfigSignfile(flags, project, ctx.env);
        const parsed = await parseSignfileFlags(withConfig, ctx.env);
        const given = settingsFromFlags(flags, parsed, withConfig.signfileName, flagDays);
        const keySource = await keySourceFor(flags, entry, project);
        const passphrase = await pfxPassphrase(flags, ctx.env);
        if (passphrase !== undefined) output.addSecret(passphrase);
        const credentials = await credentialsFor(flags, ctx.env, output, credentialDefaults(project));
        return issueToFolder({
          domains,
          name: certificateName ?? flags.name,
          keyType,
          defaultKeyType,
          keySource,
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
          settings: given,
          signfileExtras: parsed,
          env: ctx.env,
          now,
          onTarget: learn,
        });
      },
      (result) => {
        printCertificateResult(output, result, outLabel);
      },
      () => facts,
    );
  });
}
