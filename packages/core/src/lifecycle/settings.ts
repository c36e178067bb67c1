/**
 * What a certificate remembers about how it was obtained (issue 10: "every certificate
 * remembers how it was obtained"), kept in its `state.json` as `settings` so that an
 * unattended `renew` does what the first `issue` did: the same domains, key type and key
 * policy, the same signfile placed the same way, the same PKCS#12 output, install targets
 * and hooks. certbot keeps the same per-certificate facts in `renewal/NAME.conf`.
 *
 * Only WHERE secrets are is remembered (a passphrase file's path, an environment variable's
 * name), never a secret itself: `state.json` is not a secret store.
 */
import { fileTooLargeDetail as tooLarge, MAX_PASSPHRASE_FILE_BYTES, readLocalFile, readLocalTextFile } from '../store/read-bounded.js';
import { resolve } from 'node:path';
import type { InstallTargets } from '../deploy/install-targets.js';
import { OptionsError } from '../errors/errors.js';
import type { KeyType } from '../pki/key-types.js';
import type { PreflightMode, ResolveOverride } from '../preflight/types.js';
import type { SignfilePhaseOptions, SignfilePlacement } from './signfile-phase.js';

/** How the signfile is put where the CA fetches it (spec §1), as remembered. */
export type SignfilePlacementSetting =
  /** Not at all: the site serves the signfile already. */
  | { kind: 'none' }
  /** Written into `dir/.well-known/pki-validation/` (absolute `dir`), with a `web.config` for IIS when `iis`. */
  | { kind: 'webroot'; dir: string; iis: boolean }
  /** Served by acmapi's own HTTP server on `port`. */
  | { kind: 'standalone'; port: number };

/** Files the live certificate is copied to after each install (defined with the code that writes them). */
export type { InstallTargets };

/** Shell command lines run with `/bin/sh -c` around a renewal (certbot's hook names). */
export interface HookCommands {
  pre?: string | undefined;
  post?: string | undefined;
  /** Runs once per certificate that went live. */
  deploy?: string | undefined;
  /** Runs when a renewal failed, or a certificate in its warning period was not renewed. */
  failure?: string | undefined;
  /** @default 120_000 */
  timeoutMs?: number | undefined;
}

/** The remembered signfile: its file and how it is placed. */
export interface SignfileSetting {
  /** The file holding the signfile the CA issued (absolute); read at each application. */
  path?: string | undefined;
  /** Its file name under `/.well-known/pki-validation/`. @default `signfile` */
  name?: string | undefined;
  placement: SignfilePlacementSetting;
  /** @default 'warn' */
  preflight?: PreflightMode | undefined;
}

/** Where the PKCS#12 passphrase is: a file's path or an environment variable's name — never the passphrase. */
export interface Pkcs12Setting {
  passphraseFile?: string | undefined;
  passphraseEnv?: string | undefined;
}

/** What one certificate remembers (see the module comment). */
export interface CertificateSettings {
  /** The domains (spec §4). */
  domains: string[];
  /** @default the live certificate's, else `ec-p256` */
  keyType?: KeyType | undefined;
  /** Keep the live private key on renewal (a new CSR from it). @default false: a new key on every renewal */
  reuseKey?: boolean | undefined;
  signfile?: SignfileSetting | undefined;
  pkcs12?: Pkcs12Setting | undefined;
  install?: InstallTargets | undefined;
  hooks?: HookCommands | undefined;
  /** Renew when fewer than this many days are left, instead of the chosen renewal time. */
  renewBeforeDays?: number | undefined;
}

/** The signfile's name when none is remembered (spec §1); config-schema's DEFAULT_SIGNFILE_NAME, not imported because that module loads zod. */
const DEFAULT_SIGNFILE_NAME = 'signfile';

/**
 * The nested settings merged field by field by {@link mergeSettings}. `pkcs12` is not: it
 * names one place (a file or a variable), and a new place replaces the old one whole.
 */
const NESTED = ['signfile', 'install', 'hooks'] as const;

function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}

/**
 * The settings of a run: `given` (flags, or the project file) over `stored` (the certificate's
 * remembered settings), field by field; the nested objects `signfile`, `install` and `hooks`
 * also field by field (`pkcs12` is replaced whole), so `--webroot` alone keeps the remembered signfile path. A field
 * `given` as `undefined` keeps the stored one. Pure; neither argument is changed.
 *
 * @returns the merged settings; `domains` is `[]` when neither has any.
 */
export function mergeSettings(stored: CertificateSettings | undefined, given: Partial<CertificateSettings>): CertificateSettings {
  const merged: Record<string, unknown> = { domains: [], ...definedFields(stored ?? {}), ...definedFields(given) };
  for (const key of NESTED) {
    const old = stored?.[key];
    const now = given[key];
    if (old !== undefined && now !== undefined) merged[key] = { ...definedFields(old), ...definedFields(now) };
  }
  const result = merged as unknown as CertificateSettings;
  return { ...result, domains: [...result.domains] };
}

/**
 * Settings as a front end gives them for one run: like {@link CertificateSettings}, but every
 * field optional, the signfile's `placement` too (a signfile path given without a placement
 * keeps the remembered placement, else places nothing).
 */
export type GivenSettings = Omit<Partial<CertificateSettings>, 'signfile'> & { signfile?: Partial<SignfileSetting> | undefined };

/** What fills a key type that neither the given nor the remembered settings name (see {@link settingsForRun}). */
export interface SettingsFallbacks {
  /** The live certificate's key type: a renewal keeps it (a change would mean a new application). */
  readonly liveKeyType?: KeyType | undefined;
  /** The project's default key type (acmapi.json `defaults.keyType`), for a certificate with none of the above. */
  readonly defaultKeyType?: KeyType | undefined;
}

/**
 * The settings of a run, the one rule for every front end: `given` over `stored` field by
 * field ({@link mergeSettings}); a signfile without a placement places nothing
 * (`{ kind: 'none' }`); the key type is the given one, else the remembered one, else the live
 * certificate's, else the project's default. So a project file that says nothing of the
 * placement, the key policy or the PKCS#12 output keeps what the certificate remembers. Pure.
 */
export function settingsForRun(stored: CertificateSettings | undefined, given: GivenSettings, fallbacks: SettingsFallbacks = {}): CertificateSettings {
  // mergeSettings merges `signfile` field by field, so a given one without a placement is fine here; the placement is completed below.
  const merged = mergeSettings(stored, given as Partial<CertificateSettings>);
  const signfile = merged.signfile as Partial<SignfileSetting> | undefined;
  const keyType = merged.keyType ?? fallbacks.liveKeyType ?? fallbacks.defaultKeyType;
  return {
    ...merged,
    ...(signfile !== undefined && signfile.placement === undefined ? { signfile: { ...signfile, placement: { kind: 'none' } } } : {}),
    ...(keyType === undefined ? {} : { keyType }),
  };
}

/** The parts of a project file (`acmapi.json`, see `config-schema.ts`) that {@link settingsFromConfig} reads. */
export interface ProjectSettingsSource {
  /** The folder of the project file: its relative paths are relative to it. */
  readonly dir: string;
  readonly signfile: { readonly name: string; readonly path?: string | undefined };
}

/**
 * What a project file gives of one certificate's settings: its domains and key type (when its
 * entry names them) and the signfile's file and name. It names no placement, key policy,
 * PKCS#12 output, install target or hook: those stay as remembered (see {@link settingsForRun}).
 * `defaults.keyType` is a fallback, not given (see {@link SettingsFallbacks}). Pure.
 *
 * @param entry - the certificate's entry of `certificates`, or `undefined` for one only the store has.
 */
export function settingsFromConfig(project: ProjectSettingsSource, entry: { readonly domains: readonly string[]; readonly keyType?: KeyType | undefined } | undefined): GivenSettings {
  const { path, name } = project.signfile;
  return {
    ...(entry === undefined ? {} : { domains: [...entry.domains] }),
    ...(entry?.keyType === undefined ? {} : { keyType: entry.keyType }),
    ...(path === undefined ? {} : { signfile: { path: resolve(project.dir, path), name } }),
  };
}

/** The PKCS#12 passphrase's default environment variable, when a setting names neither a file nor a variable. */
export const DEFAULT_PKCS12_PASSPHRASE_ENV = 'ACMAPI_PFX_PASSPHRASE';

/**
 * The passphrase of a remembered PKCS#12 output, read at each run from where the setting says:
 * its file (one trailing newline removed), else its environment variable (default
 * {@link DEFAULT_PKCS12_PASSPHRASE_ENV}).
 *
 * @returns `undefined` when no PKCS#12 output is remembered.
 * @throws {OptionsError} `OPTIONS_INVALID` (option `pkcs12`) when the file cannot be read (read
 *   error as `cause`) or the place holds no passphrase; the message names the place, never a value.
 */
export async function readPkcs12Passphrase(setting: Pkcs12Setting | undefined, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (setting === undefined) return undefined;
  const file = setting.passphraseFile;
  let passphrase: string | undefined;
  if (file === undefined) {
    passphrase = env[setting.passphraseEnv ?? DEFAULT_PKCS12_PASSPHRASE_ENV];
  } else {
    try {
      passphrase = (await readLocalTextFile(file, { maxBytes: MAX_PASSPHRASE_FILE_BYTES })).replace(/\r?\n$/, '');
    } catch (error) {
      throw new OptionsError(`The PKCS#12 passphrase file ${file} cannot be read${tooLarge(error)}.`, { option: 'pkcs12', cause: error, hint: 'Put the passphrase back in that file (mode 0600), or name another place.' });
    }
  }
  if (passphrase === undefined || passphrase === '') {
    const place = file ?? `the environment variable ${setting.passphraseEnv ?? DEFAULT_PKCS12_PASSPHRASE_ENV}`;
    throw new OptionsError(`The certificate keeps a PKCS#12 file, but ${place} holds no passphrase now.`, { option: 'pkcs12', hint: 'Put the passphrase back there, or name another place.' });
  }
  return passphrase;
}

/** Whether two settings say the same (so a run need not write them again). */
export function sameSettings(a: CertificateSettings | undefined, b: CertificateSettings | undefined): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) =>
    field !== null && typeof field === 'object' && !Array.isArray(field)
      ? Object.fromEntries(Object.entries(field as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : field,
  );
}

/** What {@link signfilePhaseFromSettings} adds that is not remembered: the preflight's overrides of DNS and ports. */
export interface SignfilePhaseExtras {
  readonly resolve?: readonly ResolveOverride[] | undefined;
  readonly httpPort?: number | undefined;
  readonly httpsPort?: number | undefined;
  /** DNS servers the preflight asks (`--dns-server`, acmapi.json `dnsServers`). */
  readonly dnsServers?: readonly string[] | undefined;
  /** The CA's CAA identities (acmapi.json `caaIdentities`). */
  readonly caaIdentities?: readonly string[] | undefined;
  /** The preflight mode when the settings name none. @default 'warn' */
  readonly defaultPreflight?: PreflightMode | undefined;
}

/** The lifecycle's placement of a remembered one. */
export function signfilePlacement(setting: SignfilePlacementSetting | undefined): SignfilePlacement | undefined {
  if (setting === undefined || setting.kind === 'none') return undefined;
  return setting.kind === 'webroot' ? { kind: 'webroot', dir: setting.dir, iis: setting.iis } : { kind: 'standalone', port: setting.port };
}

/**
 * The lifecycle's signfile phase ({@link SignfilePhaseOptions}) of remembered settings: reads
 * the signfile's file (its exact bytes) and maps the placement. Shared by the CLI and the
 * extension so that both place the signfile alike.
 *
 * @throws {OptionsError} `OPTIONS_INVALID` (option `signfile`) when the file cannot be read,
 *   with the read error as `cause`.
 */
export async function signfilePhaseFromSettings(settings: Pick<CertificateSettings, 'signfile'>, extras: SignfilePhaseExtras = {}): Promise<SignfilePhaseOptions> {
  const setting = settings.signfile;
  let content: Uint8Array | undefined;
  if (setting?.path !== undefined) {
    const path = setting.path;
    try {
      content = new Uint8Array(await readLocalFile(path));
    } catch (error) {
      throw new OptionsError(`The signfile ${path} cannot be read${tooLarge(error)}.`, { option: 'signfile', cause: error });
    }
  }
  return {
    signfile: content === undefined ? undefined : { name: setting?.name ?? DEFAULT_SIGNFILE_NAME, content },
    placement: signfilePlacement(setting?.placement),
    preflight: setting?.preflight ?? extras.defaultPreflight ?? 'warn',
    ...(extras.resolve === undefined ? {} : { resolve: extras.resolve }),
    ...(extras.httpPort === undefined ? {} : { httpPort: extras.httpPort }),
    ...(extras.httpsPort === undefined ? {} : { httpsPort: extras.httpsPort }),
    ...(extras.dnsServers === undefined || extras.dnsServers.length === 0 ? {} : { dnsServers: extras.dnsServers }),
    ...(extras.caaIdentities === undefined ? {} : { caaIdentities: extras.caaIdentities }),
  };
}

/**
 * The settings without the values a caller cleared: an empty string in `install` (a path or
 * the owner) or in `hooks` (a command) means "forget the remembered one" — `mergeSettings`
 * keeps a stored value when the given one is `undefined`, so clearing needs a value of its
 * own, and an empty path or command has no other meaning. A `signfile` without a placement
 * gets `{ kind: 'none' }`. Pure.
 */
export function dropClearedSettings(settings: CertificateSettings): CertificateSettings {
  const clean = <T extends object>(value: T | undefined): T | undefined => {
    if (value === undefined) return undefined;
    const kept = Object.fromEntries(Object.entries(value).filter(([, field]) => field !== '' && field !== undefined)) as T;
    return Object.keys(kept).length === 0 ? undefined : kept;
  };
  const { install, hooks, ...rest } = settings;
  const keptInstall = clean(install);
  const keptHooks = clean(hooks);
  const signfile = rest.signfile !== undefined && (rest.signfile as Partial<SignfileSetting>).placement === undefined ? { ...rest.signfile, placement: { kind: 'none' } as const } : rest.signfile;
  return {
    ...rest,
    ...(signfile === undefined ? {} : { signfile }),
    ...(keptInstall === undefined ? {} : { install: keptInstall }),
    ...(keptHooks === undefined ? {} : { hooks: keptHooks }),
  };
}
