/**
 * `acmapi renew`: every certificate that is due (or has a pending or prepared application),
 * with bounded concurrency. With acmapi.json the certificates are its `certificates`; without,
 * the certificates of the store, each with the domains and key type it has.
 */
import { listCertificates, openStore, planApplication } from '@acmapi/core';
import type { CertificateStore, KeyType, StoreStepHook } from '@acmapi/core';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { localIo, UsageError } from './cli-errors.js';
import { runCertificate } from './certificate-run.js';
import type { CertificateTarget } from './certificate-run.js';
import type { ClientFlags } from './client-factory.js';
import { configCertificate } from './config-targets.js';
import type { Credentials } from './credentials.js';
import { describeError } from './describe-error.js';
import type { ErrorJson } from './describe-error.js';
import { exitCodeFor } from './exit-code-for.js';
import { EXIT_CODES } from './exit-codes.js';
import type { Output } from './output.js';
import type { ResultJson } from './present.js';
import type { Project } from './project.js';

/** How many certificates `renew` works on at once, by default. */
export const DEFAULT_RENEW_CONCURRENCY = 4;

/** One certificate of `renew --dry-run`: what would be done. */
export interface RenewPlanJson {
  name: string;
  domains: string[];
  /** `skip` (not due), `retrieve` (pending), `resume` (prepared), `apply` (new key). */
  action: 'skip' | 'retrieve' | 'resume' | 'apply' | 'refuse';
  /** Why, for `apply`: `new`, `due`, `expired`, `forced`, `domains-changed`, `key-type-changed`. */
  reason?: string;
  handleId?: string;
  daysLeft?: number;
}

/** The one JSON object of `acmapi renew --json`. */
export interface RenewResultJson {
  /** `ok`: nothing failed and nothing is pending; else the worst outcome. */
  status: 'ok' | 'pending' | 'error';
  dryRun: boolean;
  /** Per certificate, sorted by name: the result of `issue` (`issued`, `not-due`, `pending`, `error` with `error`), or with `--dry-run` the plan. */
  certificates: (ResultJson | RenewPlanJson)[];
  /** 0 ok; 3 when one is still pending; else the exit code of the first failed certificate (by name); 130/143 when a wait was interrupted. */
  exitCode: number;
  error?: ErrorJson;
}

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
  aroundApply?: (<T>(apply: () => Promise<T>, domains: string[]) => Promise<T>) | undefined;
  now: () => Date;
  onStep?: StoreStepHook | undefined;
}

/** The certificates to work on. @throws {UsageError} `USAGE_CERTIFICATE_UNKNOWN` for a name neither acmapi.json nor the store has. */
async function targets(options: RenewOptions): Promise<CertificateTarget[]> {
  // By name, as `list` shows them and as the README promises for the results.
  return (await unsortedTargets(options)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function unsortedTargets(options: RenewOptions): Promise<CertificateTarget[]> {
  const { project } = options;
  if (project.config !== undefined) {
    const wanted = options.names.length === 0 ? project.config.certificates.map((c) => c.name) : options.names;
    return wanted.map((name) => {
      const entry = configCertificate(project, name);
      return { name, domains: entry.domains, keyType: options.keyType ?? entry.keyType ?? project.config?.defaults.keyType };
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
  return chosen
    .filter((record) => record.domains.length > 0)
    .map((record) => ({ name: record.name, domains: record.domains, keyType: options.keyType }));
}

async function planOne(store: CertificateStore, target: CertificateTarget, options: RenewOptions): Promise<RenewPlanJson> {
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
  const store = await localIo('open the store', options.project.storeDir, () =>
    openStore(options.project.storeDir, { now: options.now, ...(options.onStep === undefined ? {} : { onStep: options.onStep }) }),
  );
  const limit = pLimit(Math.max(1, options.concurrency));
  if (options.dryRun) {
    const plans = await Promise.all(list.map((target) => limit(() => planOne(store, target, options))));
    return { status: 'ok', dryRun: true, certificates: plans, exitCode: EXIT_CODES.OK };
  }
  const results = await Promise.all(
    list.map((target) =>
      limit(async (): Promise<ResultJson> => {
        try {
          return await runCertificate({
            store,
            command: 'renew',
            target,
            force: options.force,
            days: options.days,
            waitMs: options.waitMs,
            lockWaitMs: options.lockWaitMs,
            credentials: options.credentials,
            output: options.output,
            pfxPassphrase: options.pfxPassphrase,
            aroundApply: options.aroundApply,
            onStep: options.onStep,
            timeoutMs: options.timeoutMs,
            retries: options.retries,
          });
        } catch (error) {
          return { status: 'error', name: target.name, domains: target.domains, dir: join(store.dir, target.name), exitCode: exitCodeFor(error), error: describeError(error) };
        }
      }),
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
