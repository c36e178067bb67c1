/**
 * The `config` input: core's `readConfig` (one schema for acmapi.json, errors with their
 * JSON paths) turned into the certificates to handle and the values that stand in for
 * empty inputs. `run` imports this module only when `config` is given: it brings zod.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { keySourceFromConfig, readConfig, signfileToken } from '@acmapi/core';
import { fileTooLargeDetail, readLocalTextFile } from '@acmapi/core/store';
import type { AcmApiConfig, KeySource, KeyType } from '@acmapi/core';
import { InputError } from './inputs.js';
import type { CertificateRequest, InputFallbacks } from './inputs.js';
import type { SignfileNetwork } from './certificate-run.js';

/** One certificate of the config, its key files read. */
export interface ConfigCertificate {
  readonly name: string;
  readonly domains: readonly string[];
  readonly keyType?: KeyType;
  /** Its `csr` and `key` files, as core reads them for every front end (`keySourceFromConfig`). */
  readonly keySource: KeySource;
}

/** What {@link loadProjectConfig} read. */
export interface ProjectConfig {
  /** The file, relative to the workspace (for messages). */
  readonly file: string;
  readonly certificates: readonly ConfigCertificate[];
  /** The config's values for empty inputs. */
  readonly fallbacks: InputFallbacks;
  /** acmapi.json's `dnsServers` and `caaIdentities`, for the preflight (the lifecycle adds the CA's account URI). */
  readonly preflight: Pick<SignfileNetwork, 'dnsServers' | 'caaIdentities'>;
}

function workspacePath(workspace: string, absolute: string): string {
  const path = relative(workspace, absolute);
  return isAbsolute(path) ? path : path.split(sep).join('/');
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readLocalTextFile(file);
  } catch (error) {
    throw new InputError(`${what} ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}${fileTooLargeDetail(error)}); fix the path in acmapi.json.`, { cause: error });
  }
}

/** The config's values for empty inputs (pure). */
export function configFallbacks(config: AcmApiConfig): InputFallbacks {
  return {
    endpoint: config.endpoint,
    ...(config.customerId === undefined ? {} : { customerId: config.customerId }),
    keyType: config.defaults.keyType,
    ...(config.defaults.renewBeforeDays === undefined ? {} : { renewBeforeDays: config.defaults.renewBeforeDays }),
    signfileName: config.signfile.name,
  };
}

/**
 * Reads and validates `acmapi.json`, and the signfile and CSR files it names.
 *
 * @param file - the config's absolute path.
 * @throws {ConfigError} `CONFIG_NOT_FOUND`, `CONFIG_UNREADABLE` (also for a `csr` or `key` file
 *   that cannot be read), or `CONFIG_INVALID` listing every problem with its JSON path.
 * @throws {InputError} when the signfile cannot be read or is empty.
 */
export async function loadProjectConfig(file: string, workspace: string): Promise<ProjectConfig> {
  const { config, dir } = await readConfig(file);
  const fallbacks: { -readonly [K in keyof InputFallbacks]: InputFallbacks[K] } = configFallbacks(config);
  if (config.signfile.path !== undefined) {
    // As every front end reads it: the file's text without a byte-order mark or surrounding white space is the token.
    const token = signfileToken(await readText(resolve(dir, config.signfile.path), 'The signfile (signfile.path)'));
    if (token === '') throw new InputError(`The signfile ${config.signfile.path} named by acmapi.json is empty.`);
    fallbacks.signfile = token;
  }
  const certificates: ConfigCertificate[] = [];
  for (const entry of config.certificates) {
    certificates.push({
      name: entry.name,
      domains: entry.domains,
      ...(entry.keyType === undefined ? {} : { keyType: entry.keyType }),
      keySource: await keySourceFromConfig(entry, dir),
    });
  }
  const preflight = {
    ...(config.dnsServers === undefined || config.dnsServers.length === 0 ? {} : { dnsServers: config.dnsServers }),
    ...(config.caaIdentities === undefined ? {} : { caaIdentities: config.caaIdentities }),
  };
  return { file: workspacePath(workspace, file), certificates, fallbacks, preflight };
}

/**
 * Picks the certificates named by the `certificates` input (all when `names` is empty),
 * an entry's key type winning over `keyType` (the key-type input or the config default). Pure.
 * @throws {InputError} when the config lists no certificate, or not a name asked for.
 */
export function selectCertificates(config: ProjectConfig, names: readonly string[], keyType: KeyType | undefined): CertificateRequest[] {
  if (config.certificates.length === 0) {
    throw new InputError(`${config.file} lists no certificates; add { "name": "www", "domains": ["example.com"] } to its "certificates".`);
  }
  const chosen = names.length === 0 ? config.certificates : names.map((name) => {
    const found = config.certificates.find((c) => c.name === name);
    if (found === undefined) throw new InputError(`Input certificates names ${JSON.stringify(name)}, which ${config.file} does not list.`);
    return found;
  });
  return chosen.map((c) => ({ name: c.name, domains: c.domains, keyType: c.keyType ?? keyType, keySource: c.keySource }));
}
