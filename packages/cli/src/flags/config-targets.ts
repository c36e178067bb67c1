/** What acmapi.json says about one certificate, for `issue NAME` and `renew`. */
import { resolve } from 'node:path';
import type { CertificateConfig } from '@acmapi/core';
import { UsageError } from './cli-errors.js';
import type { CredentialDefaults } from './credentials.js';
import type { SignfileFlags } from './signfile-flags.js';
import type { Project } from './project.js';

/**
 * The certificate `name` of the project file.
 *
 * @throws {UsageError} `USAGE_CONFIG` when there is no project file; `USAGE_CERTIFICATE_UNKNOWN`
 *   when it lists no such certificate (the message lists the names it has).
 */
export function configCertificate(project: Project, name: string): CertificateConfig {
  if (project.config === undefined) {
    throw new UsageError(`A certificate name (${JSON.stringify(name)}) needs a project file, and there is none.`, {
      code: 'USAGE_CONFIG',
      hint: 'Run in the folder of acmapi.json, pass --config FILE, or name domains with -d instead.',
    });
  }
  const entry = project.config.certificates.find((certificate) => certificate.name === name);
  if (entry === undefined) {
    const known = project.config.certificates.map((certificate) => certificate.name);
    throw new UsageError(`${project.configFile ?? 'acmapi.json'} lists no certificate named ${JSON.stringify(name)}.`, {
      code: 'USAGE_CERTIFICATE_UNKNOWN',
      hint: known.length === 0 ? 'Add it to "certificates" in acmapi.json.' : `Known names: ${known.join(', ')}.`,
    });
  }
  return entry;
}

/** A path of the project file, resolved against its folder. */
export function configPath(project: Project, path: string | undefined): string | undefined {
  return path === undefined ? undefined : resolve(project.configDir ?? '.', path);
}

/** The project file's endpoint and customer id, below flags and environment. */
export function credentialDefaults(project: Project): CredentialDefaults {
  return project.config === undefined ? {} : { endpoint: project.config.endpoint, ...(project.config.customerId === undefined ? {} : { customerId: project.config.customerId }) };
}

/**
 * Fills `--signfile`/`--signfile-name` from the project file when neither flag nor
 * `ACMAPI_SIGNFILE` gives them, and passes on its `dnsServers` (below `--dns-server` and
 * `ACMAPI_DNS_SERVER`) and `caaIdentities`.
 */
export function withConfigSignfile<T extends SignfileFlags>(flags: T, project: Project, env: NodeJS.ProcessEnv): T {
  const config = project.config;
  const signfile = config?.signfile;
  if (config === undefined || signfile === undefined) return flags;
  const fromEnv = env['ACMAPI_SIGNFILE'] !== undefined && env['ACMAPI_SIGNFILE'] !== '';
  const path = configPath(project, signfile.path);
  return {
    ...flags,
    ...(flags.signfile === undefined && !fromEnv && path !== undefined ? { signfile: path } : {}),
    ...(flags.signfileName === undefined ? { signfileName: signfile.name } : {}),
    ...(config.dnsServers === undefined ? {} : { configDnsServers: config.dnsServers }),
    ...(config.caaIdentities === undefined ? {} : { caaIdentities: config.caaIdentities }),
  };
}
