/** The human rendering of the results of `issue`, `retrieve`, `demo` and `renew`. Prints through {@link Output}. */
import { displayText, shellQuote } from '@acmapi/core/text';
import { dirname } from 'node:path';
import { formatError } from './describe-error.js';
import type { Output } from './output.js';
import type { CertificateJson, RenewPlanJson, RenewResultJson, ResultJson } from './result-json.js';

/** The certificate's facts: aligned "label  value" lines. */
export function certificateLines(c: CertificateJson): string[] {
  return [
    `  Subject:      ${displayText(c.subject)}`,
    `  SANs:         ${c.sans.map((san) => displayText(san)).join(', ')}`,
    `  Issuer:       ${displayText(c.issuer)}`,
    `  Valid:        ${c.notBefore} to ${c.notAfter}`,
    `  Serial:       ${c.serialNumber}`,
    `  SHA-256:      ${c.fingerprintSha256}`,
  ];
}

/** The files a result names, one per line. */
export function fileLines(files: ResultJson['files']): string[] {
  return Object.values(files ?? {}).map((path) => `  ${path}`);
}

/**
 * One certificate's result (`issue`, `retrieve`, `demo`, each certificate of `renew`).
 *
 * @param outDir - the store folder as the user named it (`--out`), for the commands it suggests; `''` for the default store.
 */
export function printCertificateResult(output: Output, result: ResultJson, outDir: string): void {
  if (result.preflightNote !== undefined) output.say(result.preflightNote);
  // The certificate is live, but installing it into its install targets or its deploy hook failed (exit 10).
  if (result.deploy?.error !== undefined) output.say(`${result.name ?? '?'}: deploying failed.\n${formatError(result.deploy.error)}`);
  const outFlag = outDir === '' ? '' : ` --out ${shellQuote(outDir)}`;
  const handle = result.handleId === undefined ? '?' : displayText(result.handleId);
  const handleArg = result.handleId === undefined ? 'HANDLE' : shellQuote(result.handleId);
  const domains = (result.domains ?? []).map((d) => displayText(d)).join(', ');
  if (result.status === 'pending' && result.interrupted !== undefined) {
    const dir = result.dir ?? '?';
    const store = outDir === '' ? dirname(dir) : outDir;
    output.warn(
      `Interrupted while waiting; the application is pending with handle ${handle}, saved in ${displayText(dir)}: run \`acmapi retrieve ${handleArg} --out ${shellQuote(store)}\` (or \`acmapi renew --out ${shellQuote(store)}\`) later.`,
    );
    return;
  }
  if (result.status === 'pending') {
    output.say(`The CA holds the application for ${domains} for review (handle ${handle}).`);
    output.say(`The private key, CSR and handle are saved in the store, ${result.dir ?? '?'}; the live files there are untouched.`);
    output.say(`What to do: later, run  acmapi retrieve ${handleArg}${outFlag}  (or acmapi renew${outFlag})`);
    return;
  }
  if (result.status === 'not-due') {
    const when = result.renewAt === undefined ? '' : ` (${result.daysLeft ?? '?'} days left; due for renewal from ${result.renewAt})`;
    output.say(`Certificate "${result.name ?? '?'}" for ${(result.domains ?? []).join(', ')} is not yet due for renewal${when}; nothing to do.`);
    output.say(`Its files are in ${result.dir ?? '?'}. To renew anyway, add --force.`);
    return;
  }
  if (result.status === 'skipped-by-backoff') {
    output.say(
      `Certificate "${result.name ?? '?'}" for ${(result.domains ?? []).join(', ')} failed ${result.failures ?? '?'} time(s) in a row (last: ${result.lastErrorCode ?? '?'}); not tried again before ${result.nextAttemptAt ?? '?'} (backoff). To try now, add --retry-now.`,
    );
    return;
  }
  if (result.status !== 'issued') return;
  if (result.alreadyInstalled === true) {
    const left = result.daysLeft === undefined ? '' : ` (${result.daysLeft} days left)`;
    output.say(`The certificate of handle ${handle} is already installed: "${result.name ?? '?'}" for ${domains}${left}; nothing was asked of the CA.`);
    output.say('Files:');
    output.say(fileLines(result.files).join('\n'));
    return;
  }
  output.say(`Issued a certificate for ${domains} (handle ${handle}).`);
  if (result.certificate !== undefined) {
    output.say(certificateLines(result.certificate).join('\n'));
  }
  output.say('Files:');
  output.say(fileLines(result.files).join('\n'));
}

function isPlan(entry: ResultJson | RenewPlanJson): entry is RenewPlanJson {
  return 'action' in entry;
}

const PLAN_WORDS: Record<RenewPlanJson['action'], string> = {
  skip: 'nothing to do',
  retrieve: 'would ask the CA for the pending application',
  resume: 'would send the interrupted application again with its saved key and CSR',
  apply: 'would apply with a new key',
  refuse: 'would refuse: an application is pending',
};

/**
 * `renew`'s result: per certificate its plan (`--dry-run`), its failure, or its result. With
 * `quiet` (cron), a certificate with nothing to report — not due, nothing installed, no
 * warning — prints nothing, so a run where nothing changed and nothing failed is silent.
 */
export function printRenewResult(output: Output, result: RenewResultJson, outDir: string, options: { quiet?: boolean } = {}): void {
  const quiet = options.quiet === true;
  if (result.certificates.length === 0 && !quiet) output.say('No certificates to renew.');
  for (const entry of result.certificates) {
    if (quiet && !isPlan(entry) && entry.status === 'not-due' && entry.exitCode === 0 && (entry.deploy?.written.length ?? 0) === 0 && entry.expiryWarning === undefined) continue;
    if (isPlan(entry)) {
      const extra = [entry.reason === 'not-due' ? 'not yet due' : entry.reason, entry.nextAttemptAt === undefined ? undefined : `next attempt ${entry.nextAttemptAt}`, entry.handleId === undefined ? undefined : `handle ${entry.handleId}`, entry.daysLeft === undefined ? undefined : `${entry.daysLeft} days left`].filter((x) => x !== undefined);
      output.say(`${entry.name}: ${PLAN_WORDS[entry.action]}${extra.length === 0 ? '' : ` (${extra.join('; ')})`}`);
    } else if (entry.status === 'error') {
      if (entry.error !== undefined) output.say(`${entry.name ?? '?'}: failed.\n${formatError(entry.error)}`);
    } else {
      printCertificateResult(output, entry, outDir);
    }
  }
  for (const error of result.reportErrors ?? []) output.say(`Reporting failed.\n${formatError(error)}`);
}
