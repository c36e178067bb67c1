/**
 * The project behind the view: `acmapi.json`, its certificate store, its signfile, and the
 * ACMAPI endpoint it names. A thin front end over core's one lifecycle, `runCertificate` (the
 * same run as the CLI's and the Action's): the store is its repository, acmapi.json's `csr`
 * and `key` its key source, the signfile and the `acmapi.preflight.*` settings its signfile
 * phase (run under the certificate's lock, before any key is written), and its events go to
 * the log and to the caller. Like the CLI's `renew`, every run uses and records the
 * certificate's remembered settings (core's `settingsForRun`): acmapi.json gives the domains,
 * the key type and the signfile's file; what it does not say (the signfile's placement, the key
 * policy, the PKCS#12 output, install targets, hooks) stays as the certificate remembers it.
 * This file only gathers input and maps results. Free of `vscode`: settings, the auth token
 * and the log are passed in.
 */
import { dirname, join, resolve } from 'node:path';
import {
  AcmApiClient,
  isCaError,
  isOptionsError,
  keySourceFromConfig,
  readConfig,
  runCertificate,
  type AcmApiConfig,
  type CertificateRecord,
  type CertificateSettings,
  type KeySource,
  type KeyType,
  type LifecycleEvent,
  type LifecycleListener,
  type PreflightMode,
  type PreflightResult,
  type SignfilePhaseOptions,
} from '@acmapi/core';
import { readPkcs12Passphrase, settingsForRun, settingsFromConfig, signfilePhaseFromSettings } from '@acmapi/core/settings';
import { caaPolicyFor, parseResolveOverride, preflight } from '@acmapi/core/preflight';
import { certificatePaths, MAX_CA_FILE_BYTES, openStore, readLocalTextFile, type CertificateStore } from '@acmapi/core/store';
import type { Localize } from '../l10n/localize.js';
import type { PendingItem, PollOutcome } from '../pending/poller.js';
import { ExtensionError } from './extension-error.js';
import { logLifecycleEvent } from './lifecycle-log.js';
import type { Logger } from './logger.js';

/** Settings of the extension that shape how the project is reached (VS Code settings `acmapi.*`). */
export interface ProjectSettings {
  /** Absolute path of a PEM file of extra CA certificates for the endpoint (`acmapi.caFile`). */
  readonly caFile: string | undefined;
  /**
   * The signfile preflight before an application (spec §5): `warn` applies anyway, `strict`
   * sends nothing when it fails, `off` skips it (`acmapi.preflight.mode`).
   * @default 'warn'
   */
  readonly preflightMode: PreflightMode;
  /** `DOMAIN:ADDRESS[,ADDRESS]` overrides of DNS for the preflight (`acmapi.preflight.resolve`). */
  readonly resolve: readonly string[];
  /** Port dialled for http URLs (`acmapi.preflight.httpPort`). @default 80 */
  readonly httpPort: number;
  /** Port dialled for https URLs (`acmapi.preflight.httpsPort`). @default 443 */
  readonly httpsPort: number;
}

/** What {@link ProjectService} needs from its host. */
export interface ProjectServiceOptions {
  readonly configFile: string;
  /**
   * The configuration already checked from the file's text (`checkConfigText`: core's
   * validation, possibly without certificate entries that have problems); read and validated
   * from `configFile` when absent.
   */
  readonly config?: AcmApiConfig | undefined;
  readonly settings: ProjectSettings;
  /** The auth token from the secret storage, or `undefined` when none was set. */
  readonly authToken: () => Promise<string | undefined>;
  readonly log: Logger;
  readonly t: Localize;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** Where a remembered PKCS#12 passphrase variable is read (core's `readPkcs12Passphrase`). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** A private key and its CSR made elsewhere (the CSR wizard) to apply with, PEM. Never logged. */
export interface KeyAndCsr {
  readonly privateKeyPem: string;
  readonly csrPem: string;
}

/** What to apply for. */
export interface ApplyRequest {
  /** The certificate's store name. */
  readonly name: string;
  readonly domains: readonly string[];
  /**
   * The key type of a generated key. @default the entry's `keyType` in acmapi.json, else
   * `defaults.keyType`. Ignored when the key comes from a CSR or a key file.
   */
  readonly keyType?: KeyType | undefined;
  /** `issue` refuses over a pending application; `renew` retrieves it (see core's `planApplication`). */
  readonly command: 'issue' | 'renew';
  /** Apply anew even when not due or while an application is pending. @default false */
  readonly force?: boolean;
  /** Try a failing certificate now, inside its backoff ("Try now"); keeps a pending application. @default false */
  readonly ignoreBackoff?: boolean;
  /** Apply with this key and CSR instead of acmapi.json's `csr`/`key` or a generated key. */
  readonly keyAndCsr?: KeyAndCsr | undefined;
  readonly signal?: AbortSignal | undefined;
  /**
   * Receives core's lifecycle events after they are logged, e.g. `preflight-finished` (with a
   * failing result in mode `warn` the application is sent anyway) and `applying`.
   */
  readonly onEvent?: LifecycleListener | undefined;
}

/** What an application led to. */
export type ApplyOutcome =
  | { readonly status: 'issued'; readonly handleId: string; readonly notAfter: Date }
  | { readonly status: 'pending'; readonly handleId: string }
  | { readonly status: 'refused'; readonly message: string }
  /** Not due yet: nothing was sent. */
  | { readonly status: 'skipped'; readonly daysLeft: number; readonly renewAt: Date }
  /**
   * `renew` of a certificate that failed `failures` times in a row (last error `code`), before
   * its next attempt (core's backoff): nothing was sent. `ignoreBackoff` tries at once.
   */
  | { readonly status: 'skipped-by-backoff'; readonly failures: number; readonly code: string; readonly nextAttemptAt: Date }
  /** An application is pending already: nothing was sent. */
  | { readonly status: 'already-pending'; readonly handleId: string };

/** The project file, validated, and the folders it implies. */
export interface LoadedProject {
  readonly config: AcmApiConfig;
  readonly configFile: string;
  /** Relative paths of `acmapi.json` are relative to this folder. */
  readonly dir: string;
  /** `defaults.storeDir` resolved. */
  readonly storeDir: string;
}

/** Reads and validates `acmapi.json`. @throws {ConfigError} `CONFIG_*` from core's `readConfig`. */
export async function loadProject(configFile: string): Promise<LoadedProject> {
  const { config, file, dir } = await readConfig(configFile);
  return { config, configFile: file, dir, storeDir: resolve(dir, config.defaults.storeDir) };
}

/** See the module comment. */
export class ProjectService {
  readonly project: LoadedProject;
  readonly #options: ProjectServiceOptions;
  #store: CertificateStore | undefined;

  private constructor(project: LoadedProject, options: ProjectServiceOptions) {
    this.project = project;
    this.#options = options;
  }

  /** Loads the project file. @throws {ConfigError} `CONFIG_*` */
  static async open(options: ProjectServiceOptions): Promise<ProjectService> {
    if (options.config === undefined) return new ProjectService(await loadProject(options.configFile), options);
    const dir = dirname(resolve(options.configFile));
    return new ProjectService({ config: options.config, configFile: resolve(options.configFile), dir, storeDir: resolve(dir, options.config.defaults.storeDir) }, options);
  }

  /** The settings the service was opened with. */
  get settings(): ProjectSettings {
    return this.#options.settings;
  }

  /** The certificate store (created on first use, mode 0700). */
  async store(): Promise<CertificateStore> {
    this.#store ??= await openStore(this.project.storeDir, this.#options.now === undefined ? {} : { now: this.#options.now });
    return this.#store;
  }

  /** Every certificate the store holds. Reads `state.json` files only. */
  async records(): Promise<CertificateRecord[]> {
    const days = this.project.config.defaults.renewBeforeDays;
    return (await this.store()).list(days === undefined ? {} : { days });
  }

  /** The pending applications, for the poller. */
  async pendingItems(): Promise<PendingItem[]> {
    return (await this.records()).flatMap((record) =>
      record.application?.status === 'pending' && record.application.handleId !== undefined
        ? [{ certificateName: record.name, handleId: record.application.handleId }]
        : [],
    );
  }

  /**
   * The signfile's content, or why there is none: `signfile.path` of `acmapi.json` names the
   * file the CA issued.
   */
  async signfile(): Promise<{ name: string; content: string } | { reason: string }> {
    const { t } = this.#options;
    const path = this.project.config.signfile.path;
    if (path === undefined) return { reason: t('acmapi.json names no signfile.path, so the signfile cannot be checked.') };
    const file = resolve(this.project.dir, path);
    try {
      return { name: this.project.config.signfile.name, content: await readLocalTextFile(file) };
    } catch (error) {
      // A missing file is the common first-run case: say what to do, not ENOENT.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { reason: t('The signfile {0} does not exist: save the signfile the CA issued there, or fix "signfile.path" in acmapi.json.', file) };
      return { reason: t('The signfile {0} cannot be read: {1}', file, (error as Error).message) };
    }
  }

  /**
   * Runs the signfile preflight (spec §5) for `domains` with the settings' mode, DNS
   * overrides and ports.
   *
   * @returns the result, or the reason it could not run.
   * @throws {OptionsError} for a malformed `acmapi.preflight.resolve` entry.
   */
  async preflight(domains: readonly string[], signal?: AbortSignal): Promise<PreflightResult | { reason: string }> {
    const signfile = await this.signfile();
    if ('reason' in signfile) return signfile;
    const { settings } = this.#options;
    const { config } = this.project;
    // CAA as the lifecycle weighs it: acmapi.json's caaIdentities, else the endpoint's CA (core's rule).
    const caa = caaPolicyFor(config.endpoint, config.customerId ?? '', config.caaIdentities);
    return preflight({
      domains,
      signfile,
      mode: settings.preflightMode === 'off' ? 'warn' : settings.preflightMode,
      resolve: settings.resolve.map(parseResolveOverride),
      httpPort: settings.httpPort,
      httpsPort: settings.httpsPort,
      ...(config.dnsServers === undefined || config.dnsServers.length === 0 ? {} : { dnsServers: config.dnsServers }),
      caaIdentities: caa.identities,
      ...(caa.accountUri === undefined ? {} : { caaAccountUri: caa.accountUri }),
      ...(signal === undefined ? {} : { signal }),
    });
  }

  /**
   * Applies for a certificate through core's `runCertificate`: under the certificate's lock
   * it plans (`planApplication`), runs the signfile phase (placed as the certificate
   * remembers, the preflight in `acmapi.preflight.mode`), takes the key and CSR (the
   * request's, acmapi.json's `csr`/`key`, the live key when the certificate remembers
   * `reuseKey`, or a generated key), saves them BEFORE sending, applies, then installs or
   * records pending. The run's settings (see the module comment) are remembered. The client
   * is made only when the CA is contacted.
   *
   * @throws {ExtensionError} `AUTH_TOKEN_MISSING`, `CUSTOMER_ID_MISSING`, `CA_FILE_UNREADABLE`.
   * @throws {ConfigError} `CONFIG_UNREADABLE` when acmapi.json's `csr` or `key` cannot be read.
   * @throws {OptionsError} for a malformed `acmapi.preflight.resolve` entry; (option `signfile`)
   *   a remembered placement whose signfile cannot be read, or mode `strict` without a readable
   *   signfile.
   * @throws {CsrError} e.g. `KEY_REQUIRED` for a CSR without its private key; nothing written.
   * @throws {PreflightError} `PREFLIGHT_FAILED` in mode `strict`; nothing written, nothing sent.
   * @throws every other error of core's `runCertificate` (recorded in the store first; CA 109 is
   *   returned as `refused`), e.g. `StoreError` `STORE_LOCKED`.
   */
  async apply(request: ApplyRequest): Promise<ApplyOutcome> {
    const { config } = this.project;
    const configured = config.certificates.find((certificate) => certificate.name === request.name);
    const keySource: KeySource =
      request.keyAndCsr === undefined
        ? await keySourceFromConfig(configured ?? {}, this.project.dir)
        : { kind: 'csr', csrPem: request.keyAndCsr.csrPem, privateKeyPem: request.keyAndCsr.privateKeyPem };
    // A given key or CSR decides its own key type; the plan then leaves the key type alone.
    const own = keySource.kind !== 'generate';
    const store = await this.store();
    // Read without the lock, only to build the run's settings; the run reads the record again under it.
    const record = await store.get(request.name);
    const keyType = own ? undefined : (request.keyType ?? configured?.keyType);
    const settings = settingsForRun(
      record?.settings,
      { ...settingsFromConfig({ dir: this.project.dir, signfile: config.signfile }, configured), domains: [...request.domains], ...(keyType === undefined ? {} : { keyType }) },
      own ? {} : { liveKeyType: record?.live?.keyType, defaultKeyType: config.defaults.keyType },
    );
    const signfile = await this.#signfilePhase(settings);
    const pkcs12 = await this.#pkcs12(request.name, settings);
    // Read BEFORE the run takes the certificate's lock: a secret-storage read can wait on the
    // OS keychain or on a window being reloaded, and the lock must never wait with it (issue 12).
    const authToken = await this.#options.authToken();
    const result = await this.#refusedAsOutcome(() =>
      runCertificate({
        repository: store,
        name: request.name,
        command: request.command,
        domains: request.domains,
        settings,
        keyType: own ? undefined : settings.keyType,
        // A generated key is core's default; leaving it unset lets core keep the live key when `reuseKey` is remembered.
        keySource: own ? keySource : undefined,
        force: request.force ?? false,
        ignoreBackoff: request.ignoreBackoff ?? false,
        renewBeforeDays: settings.renewBeforeDays ?? config.defaults.renewBeforeDays,
        client: () => this.#client(authToken),
        signal: request.signal,
        signfile,
        pkcs12,
        now: this.#options.now,
        onEvent: this.#listener(request.onEvent),
      }),
    );
    switch (result.status) {
      case 'refused':
        return result;
      case 'pending':
        return { status: 'pending', handleId: result.handleId };
      case 'issued':
        return { status: 'issued', handleId: result.handleId, notAfter: result.leaf.notAfter };
      case 'not-due': {
        const renewal = result.record.live?.renewal;
        if (renewal === undefined) throw new Error(`${request.name}: not due without a live certificate`);
        return { status: 'skipped', daysLeft: renewal.daysLeft, renewAt: renewal.renewAt };
      }
      case 'already-pending':
        return { status: 'already-pending', handleId: result.handleId };
      case 'skipped-by-backoff':
        return { status: 'skipped-by-backoff', failures: result.failures, code: result.code, nextAttemptAt: result.nextAttemptAt };
      case 'already-installed':
      case 'not-found':
        throw new Error(`${request.name}: unexpected result ${result.status} of an application`);
    }
  }

  /**
   * Asks the CA once for a pending application and records the answer (the poller's
   * `retrieve`), through core's `runCertificate` with `command: 'retrieve'` and the
   * certificate's remembered settings, so a certificate that arrives is deployed as `renew`
   * would deploy it (e.g. its PKCS#12 file).
   *
   * @throws like {@link apply}, except that CA 109 is returned as `refused`.
   */
  async retrieve(item: PendingItem, signal?: AbortSignal): Promise<PollOutcome> {
    const { t } = this.#options;
    const store = await this.store();
    const settings = (await store.get(item.certificateName))?.settings;
    const pkcs12 = await this.#pkcs12(item.certificateName, settings);
    // Before the lock, as in apply: no lock is ever held across a secret-storage read.
    const authToken = await this.#options.authToken();
    const result = await this.#refusedAsOutcome(() =>
      runCertificate({
        repository: store,
        name: item.certificateName,
        command: 'retrieve',
        handleId: item.handleId,
        settings,
        pkcs12,
        client: () => this.#client(authToken),
        signal,
        lockWaitMs: 2_000,
        now: this.#options.now,
        onEvent: this.#listener(undefined),
      }),
    );
    switch (result.status) {
      case 'refused':
        return result;
      case 'pending':
        return { status: 'pending' };
      case 'issued':
        return { status: 'issued', notAfter: result.leaf.notAfter };
      case 'already-installed':
      case 'not-found':
      case 'not-due':
      case 'skipped-by-backoff':
      case 'already-pending': {
        // Installed or retired meanwhile (e.g. by `acmapi retrieve` in a terminal).
        const record = 'record' in result ? result.record : undefined;
        if (record?.live !== undefined) return { status: 'issued', notAfter: record.live.notAfter };
        return { status: 'refused', message: t('The application {0} is no longer pending in the store.', item.handleId) };
      }
    }
  }

  /** The live certificate's PEM files, or `undefined` before the first issue. */
  async liveCertificate(name: string): Promise<{ certPem: string; chainPem: string; dir: string } | undefined> {
    const record = await (await this.store()).get(name);
    if (record?.live === undefined) return undefined;
    const dir = certificatePaths(this.project.storeDir, name).version(record.live.version);
    const [certPem, chainPem] = await Promise.all([readLocalTextFile(join(dir, 'cert.pem')), readLocalTextFile(join(dir, 'chain.pem'))]);
    return { certPem, chainPem, dir: record.dir };
  }

  /**
   * The signfile phase of an application, from the run's settings: the signfile is placed as
   * the certificate remembers (none: the site serves it already); the preflight runs in the
   * extension's `acmapi.preflight.mode` (a setting of this workstation, not remembered). Without
   * a placement and without a readable signfile the lifecycle skips a `warn` preflight (event
   * `preflight-skipped`) and refuses a `strict` one.
   *
   * @throws {OptionsError} for a malformed `acmapi.preflight.resolve` entry; (option
   *   `signfile`) a remembered placement whose signfile cannot be read.
   */
  async #signfilePhase(settings: CertificateSettings): Promise<SignfilePhaseOptions> {
    const { settings: host, log } = this.#options;
    const mode = host.preflightMode;
    const { dnsServers, caaIdentities } = this.project.config;
    const extras = {
      resolve: host.resolve.map(parseResolveOverride),
      httpPort: host.httpPort,
      httpsPort: host.httpsPort,
      // acmapi.json's DNS servers and CAA identities, as the CLI passes them (the lifecycle adds the account URI).
      ...(dnsServers === undefined || dnsServers.length === 0 ? {} : { dnsServers }),
      ...(caaIdentities === undefined ? {} : { caaIdentities }),
    };
    const placed = settings.signfile !== undefined && settings.signfile.placement.kind !== 'none';
    if (!placed && mode === 'off') return { preflight: 'off' };
    if (settings.signfile?.path === undefined) {
      if (!placed) log.warn(`signfile check: ${this.#options.t('acmapi.json names no signfile.path, so the signfile cannot be checked.')}`);
      return { signfile: undefined, preflight: mode, ...extras };
    }
    try {
      return await signfilePhaseFromSettings({ signfile: { ...settings.signfile, preflight: mode } }, extras);
    } catch (error) {
      // Only a preflight needs it here: the lifecycle says so (skipped in `warn`, refused in `strict`).
      if (placed || !isOptionsError(error)) throw error;
      log.warn(`signfile check: ${error.message}`);
      return { signfile: undefined, preflight: mode, ...extras };
    }
  }

  /**
   * The PKCS#12 output the certificate remembers, with its passphrase read from where it is
   * kept (core's `readPkcs12Passphrase`). When that place holds none for VS Code (e.g. a variable
   * set only in cron's environment), the run goes on without the file and the log says so:
   * the next `acmapi renew` writes it.
   */
  async #pkcs12(name: string, settings: CertificateSettings | undefined): Promise<{ passphrase: string } | undefined> {
    try {
      const passphrase = await readPkcs12Passphrase(settings?.pkcs12, this.#options.env ?? process.env);
      return passphrase === undefined ? undefined : { passphrase };
    } catch (error) {
      if (!isOptionsError(error)) throw error;
      this.#options.log.warn(`${name}: the PKCS#12 file is not updated by this run: ${error.message}`);
      return undefined;
    }
  }

  /** Core's events: into the log, then to `next`. */
  #listener(next: LifecycleListener | undefined): LifecycleListener {
    const { log } = this.#options;
    return (event: LifecycleEvent) => {
      logLifecycleEvent(log, event);
      next?.(event);
    };
  }

  /** Runs `run`; a CA refusal (109, already recorded by core) becomes the `refused` outcome. */
  async #refusedAsOutcome<T>(run: () => Promise<T>): Promise<T | { status: 'refused'; message: string }> {
    try {
      return await run();
    } catch (error) {
      // Core's `failed` event has logged it.
      if (isCaError(error) && error.status === 109) return { status: 'refused', message: error.message };
      throw error;
    }
  }

  /** The client of a run, with the auth token read before the run (see {@link apply}). Called under the certificate's lock: no user-interface or secret-storage call here. */
  async #client(authToken: string | undefined): Promise<AcmApiClient> {
    const { t, settings, log } = this.#options;
    const customerId = this.project.config.customerId;
    if (customerId === undefined) {
      throw new ExtensionError('CUSTOMER_ID_MISSING', t('acmapi.json has no customerId.'), t('Add the customer id the CA issued to your platform as "customerId" in acmapi.json.'));
    }
    if (authToken === undefined || authToken.trim() === '') {
      throw new ExtensionError('AUTH_TOKEN_MISSING', t('No auth token is set for this project.'), t('Run "acmapi: Set Auth Token"; it is kept in VS Code\'s secret storage.'));
    }
    let ca: string | undefined;
    if (settings.caFile !== undefined) {
      try {
        ca = await readLocalTextFile(settings.caFile, { maxBytes: MAX_CA_FILE_BYTES });
      } catch (error) {
        throw new ExtensionError('CA_FILE_UNREADABLE', t('The CA file {0} cannot be read.', settings.caFile), t('Fix the setting acmapi.caFile.'), { cause: error });
      }
    }
    return new AcmApiClient({
      customerId,
      authToken,
      endpoint: this.project.config.endpoint,
      ...(ca === undefined ? {} : { ca }),
      onRetry: (event) => {
        log.warn(`CA busy or unreachable (${event.error.code}); retry ${event.retry} in ${Math.round(event.delayMs / 1000)} s`);
      },
    });
  }
}
