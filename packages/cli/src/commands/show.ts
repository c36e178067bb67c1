/**
 * `acmapi show NAME`: one certificate of the store with what it remembers (core's
 * `CertificateSettings`: domains, key type and key policy, signfile and its placement,
 * PKCS#12, install targets, hooks) and its state: the live certificate, its renewal time, the
 * application in progress, the last attempt, and failures with the backoff's next attempt.
 * Reads `state.json` only; nothing is written, no CA is contacted. Never prints a secret:
 * the settings hold only paths and names.
 */
import { Command } from 'commander';
import type { CertificateRecord, CertificateSettings } from '@acmapi/core';
import { CertificateStore } from '@acmapi/core/store';
import { listCertificates } from '@acmapi/core/store-list';
import { displayText } from '@acmapi/core/text';
import { UsageError } from '../flags/cli-errors.js';
import { clockFrom } from '../flags/clock.js';
import { loadProject } from '../flags/project.js';
import { storeFolderExists, storeNameAsTyped } from '../flags/store-name.js';
import { damagedError } from '../present/result-json.js';
import type { ProjectFlags } from '../flags/project.js';
import { addRenewBeforeOption, parseDays } from '../flags/store-flags.js';
import { EXIT_CODES } from '../present/exit-codes.js';
import type { Output } from '../present/output.js';
import type { CommandContext } from './command-kit.js';
import { runAction } from './command-kit.js';

/** The one JSON object of `acmapi show NAME --json`. Dates are ISO 8601 (UTC). */
export interface ShowJson {
  name: string;
  dir: string;
  /** `valid`, `due`, `expired`, `pending`, `failed` or `new`. */
  state: CertificateRecord['state'];
  domains: string[];
  keyType: string;
  /** The live certificate, `null` when none is. */
  live: { version: string; notBefore: string; notAfter: string; daysLeft: number; fingerprintSha256: string; serialNumber: string; due: boolean } | null;
  /** When the live certificate is due for renewal (the chosen renewal time, or `--renew-before-days`); `null` when none is live. */
  renewAt: string | null;
  /** Whether `renewAt` is the renewal time chosen for the certificate (`false`: the days rule, or a store from before renewal times). */
  renewalTimeChosen: boolean;
  /** The application in progress. */
  application: { status: 'prepared' | 'pending'; handleId: string | null; preparedAt: string; polls: number } | null;
  lastAttempt: { at: string; result: string; code?: string } | null;
  failures: { count: number; firstAt: string; lastAt: string; nextAttemptAt: string; code: string } | null;
  lastError: { code: string; message: string; at: string } | null;
  /** What the certificate remembers; `null` for a certificate issued before settings were remembered. */
  settings: CertificateSettings | null;
  exitCode: number;
}

/** The `--json` object of one record. Pure. */
export function showJson(record: CertificateRecord): ShowJson {
  const { live, application, failures, lastAttempt, lastError } = record;
  return {
    name: record.name,
    dir: record.dir,
    state: record.state,
    domains: record.domains,
    keyType: record.keyType,
    live:
      live === undefined
        ? null
        : {
            version: live.version,
            notBefore: live.notBefore.toISOString(),
            notAfter: live.notAfter.toISOString(),
            daysLeft: live.renewal.daysLeft,
            fingerprintSha256: live.fingerprintSha256,
            serialNumber: live.serialNumber,
            due: live.renewal.due,
          },
    renewAt: live === undefined ? null : live.renewal.renewAt.toISOString(),
    renewalTimeChosen: record.renewalAt !== undefined && live?.renewal.renewAt.getTime() === record.renewalAt.getTime(),
    application: application === undefined ? null : { status: application.status, handleId: application.handleId ?? null, preparedAt: application.preparedAt.toISOString(), polls: application.polls },
    lastAttempt: lastAttempt === undefined ? null : { at: lastAttempt.at.toISOString(), result: lastAttempt.result, ...(lastAttempt.code === undefined ? {} : { code: lastAttempt.code }) },
    failures:
      failures === undefined
        ? null
        : { count: failures.count, firstAt: failures.firstAt.toISOString(), lastAt: failures.lastAt.toISOString(), nextAttemptAt: failures.nextAttemptAt.toISOString(), code: failures.code },
    lastError: lastError === undefined ? null : { code: lastError.code, message: lastError.message, at: lastError.at.toISOString() },
    settings: record.settings ?? null,
    exitCode: EXIT_CODES.OK,
  };
}

function placementLine(settings: CertificateSettings): string {
  const placement = settings.signfile?.placement ?? { kind: 'none' as const };
  if (placement.kind === 'webroot') return `webroot ${placement.dir}${placement.iis ? ' (IIS web.config)' : ''}`;
  if (placement.kind === 'standalone') return `standalone server on port ${placement.port}`;
  return 'none (the site serves the signfile itself)';
}

/** The human lines of one certificate. Pure. */
export function showLines(show: ShowJson): string[] {
  const lines = [`Certificate "${show.name}" in ${show.dir}`, `  State:          ${show.state}`, `  Domains:        ${show.domains.map((d) => displayText(d)).join(', ')}`, `  Key type:       ${show.keyType}`];
  if (show.live !== null) {
    lines.push(`  Not after:      ${show.live.notAfter} (${show.live.daysLeft} days left)`, `  SHA-256:        ${show.live.fingerprintSha256}`);
  }
  if (show.renewAt !== null) lines.push(`  Renewal time:   ${show.renewAt}${show.renewalTimeChosen ? ' (chosen for this certificate)' : ' (by the days rule)'}`);
  if (show.application !== null) {
    lines.push(`  Application:    ${show.application.status}${show.application.handleId === null ? '' : ` with handle ${displayText(show.application.handleId)}`}, ${show.application.polls} poll(s)`);
  }
  if (show.lastAttempt !== null) lines.push(`  Last attempt:   ${show.lastAttempt.at} ${show.lastAttempt.result}${show.lastAttempt.code === undefined ? '' : ` (${show.lastAttempt.code})`}`);
  if (show.failures !== null) {
    lines.push(`  Failures:       ${show.failures.count} in a row since ${show.failures.firstAt} (last ${show.failures.code}); renew tries again from ${show.failures.nextAttemptAt}`);
  }
  if (show.lastError !== null) lines.push(`  Last error:     ${displayText(show.lastError.code)}: ${displayText(show.lastError.message, { maxLength: 1000 })}`);
  const settings = show.settings;
  if (settings === null) {
    lines.push('Remembered settings: none yet (the next issue or renew records them).');
    return lines;
  }
  lines.push('Remembered settings (renew uses them; flags given to renew override them):');
  lines.push(`  Key policy:     ${settings.reuseKey === true ? 'keep the live private key (--reuse-key)' : 'a new private key on every renewal'}${settings.keyType === undefined ? '' : `, key type ${settings.keyType}`}`);
  lines.push(`  Signfile:       ${settings.signfile?.path ?? 'none'}${settings.signfile?.name === undefined ? '' : ` (name ${settings.signfile.name})`}`);
  lines.push(`  Placement:      ${placementLine(settings)}`);
  if (settings.signfile?.preflight !== undefined) lines.push(`  Preflight:      ${settings.signfile.preflight}`);
  if (settings.pkcs12 !== undefined) {
    lines.push(`  PKCS#12:        passphrase from ${settings.pkcs12.passphraseFile === undefined ? `env ${settings.pkcs12.passphraseEnv ?? 'ACMAPI_PFX_PASSPHRASE'}` : `file ${settings.pkcs12.passphraseFile}`}`);
  }
  if (settings.renewBeforeDays !== undefined) lines.push(`  Renew before:   ${settings.renewBeforeDays} days left`);
  // The mode in octal as chmod takes it, the hook timeout in seconds; paths and commands as remembered.
  for (const [field, value] of Object.entries(settings.install ?? {})) lines.push(`  Install ${field}: ${field === 'mode' && typeof value === 'number' ? value.toString(8).padStart(3, '0') : String(value)}`);
  for (const [field, value] of Object.entries(settings.hooks ?? {})) lines.push(field === 'timeoutMs' && typeof value === 'number' ? `  Hook timeout:   ${value / 1000} s` : `  Hook ${field}: ${String(value)}`);
  return lines;
}

interface ShowFlags extends ProjectFlags {
  days?: string;
  renewBeforeDays?: string;
  json?: boolean;
}

function print(output: Output, show: ShowJson): void {
  output.say(showLines(show).join('\n'));
}

/** Builds the `show` command. */
export function showCommand(ctx: CommandContext): Command {
  return addRenewBeforeOption(new Command('show'))
    .summary('show one certificate: its remembered settings, state, renewal time, failures and next attempt')
    .description(
      'show one certificate of the store: what it remembers of how it was obtained (domains, key type and key policy, signfile and its placement, PKCS#12, install targets, hooks) and its state, renewal time, last attempt, and failures with the next attempt of renew. Reads only; never prints a secret',
    )
    .argument('<certificate>', 'the store name, as acmapi list shows it')
    .option('--config <file>', 'the project file (env ACMAPI_CONFIG; default ./acmapi.json when it exists)')
    .option('--out <dir>', 'the certificate store folder (default: defaults.storeDir of acmapi.json, else ./certs)')
    .option('--json', 'print one JSON object on stdout')
    .action(async (name: string, flags: ShowFlags) => {
      const output = ctx.makeOutput(flags.json === true);
      await runAction<ShowJson>(
        ctx,
        output,
        async () => {
          const now = clockFrom(ctx.env);
          const project = await loadProject(flags, ctx.env);
          const days = parseDays(flags) ?? project.config?.defaults.renewBeforeDays;
          const store = new CertificateStore(project.storeDir, { now });
          // Not through localIo: a StoreError (bad name, damaged state.json) keeps its own exit code.
          const stored = await storeNameAsTyped(name, storeFolderExists(project.storeDir));
          const record = await store.get(stored, days === undefined ? {} : { days });
          // A folder that lost its state.json beside its files: damaged, as `list` shows it, not unknown.
          const listed = record === undefined ? (await listCertificates(project.storeDir).catch(() => [])).find((entry) => entry.name === stored) : undefined;
          if (listed?.damaged !== undefined) throw damagedError({ ...listed, damaged: listed.damaged });
          if (record === undefined) {
            throw new UsageError(`The store ${project.storeDir} has no certificate named ${JSON.stringify(name)}.`, {
              code: 'USAGE_CERTIFICATE_UNKNOWN',
              hint: 'acmapi list shows the names; pass --out with the store of acmapi issue.',
            });
          }
          return showJson(record);
        },
        (show) => {
          // --json prints only the JSON object on stdout, as list --json does.
          if (flags.json !== true) print(output, show);
        },
      );
    });
}
