/**
 * The CSR wizard's steps and their validation, free of `vscode`: the edge
 * (`src/vscode/csr-wizard-ui.ts`) shows each step as a quick input with a step counter and a
 * Back button and asks these functions whether the value may go on. Pure.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { DEFAULT_KEY_TYPE, KEY_TYPES, MAX_DOMAINS, isAcmApiError, normalizeDomain, type CsrSubject, type KeyType } from '@acmapi/core';
import type { Localize } from '../l10n/localize.js';

/** The steps, in order. */
export const CSR_WIZARD_STEPS = ['domains', 'keyType', 'subject', 'outputFolder'] as const;
/** One step of {@link CSR_WIZARD_STEPS}. */
export type CsrWizardStep = (typeof CSR_WIZARD_STEPS)[number];

/** What the wizard collected; each step fills its field. */
export interface CsrWizardResult {
  /** Normalised (spec §4), distinct, 1 to {@link MAX_DOMAINS}. */
  readonly domains: string[];
  readonly keyType: KeyType;
  /** Subject fields besides the CN; `undefined` when skipped. */
  readonly subject: CsrSubject | undefined;
  /** Absolute folder the private key and the CSR are written to. */
  readonly outputFolder: string;
}

/** A step's verdict: the parsed value, or a message saying what to fix. */
export type StepValidation<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** The file names the wizard writes in its output folder. */
export const CSR_WIZARD_FILES = { privateKey: 'privkey.pem', csr: 'csr.pem' } as const;

/**
 * The quick input's title for `step`. VS Code adds the step counter ("(2/4)") from the quick
 * input's `step` and `totalSteps`, see {@link stepNumber}.
 */
export function stepTitle(step: CsrWizardStep, t: Localize): string {
  const names: Record<CsrWizardStep, string> = {
    domains: t('domains'),
    keyType: t('key type'),
    subject: t('subject (optional)'),
    outputFolder: t('output folder'),
  };
  return t('Create CSR: {0}', names[step]);
}

/** The step's number for the counter, from 1. */
export function stepNumber(step: CsrWizardStep): number {
  return CSR_WIZARD_STEPS.indexOf(step) + 1;
}

function domainProblem(input: string, error: unknown, t: Localize): string {
  const code = isAcmApiError(error) ? error.code : '';
  switch (code) {
    case 'DOMAIN_WILDCARD':
      return t('{0} is a wildcard: the signfile check cannot prove a wildcard (spec §4). List each name instead.', input);
    case 'DOMAIN_IP_ADDRESS':
      return t('{0} is an IP address: certificates name domains only.', input);
    default:
      return t('{0} is not a valid domain name: at least two labels of letters, digits and inner hyphens.', input);
  }
}

/**
 * Step 1: domains separated by commas, spaces or new lines, normalised as spec §4 says
 * (trimmed, lower-cased, trailing dot removed, IDN to A-labels), duplicates removed.
 *
 * @returns the domains, or what is wrong: none given, a wildcard, an IP address, an invalid
 *   name, or more than {@link MAX_DOMAINS} distinct names.
 */
export function validateDomainsInput(text: string, t: Localize): StepValidation<string[]> {
  const parts = text.split(/[\s,;]+/).filter((part) => part !== '');
  if (parts.length === 0) return { ok: false, message: t('Enter at least one domain, e.g. example.com, www.example.com') };
  const domains: string[] = [];
  for (const part of parts) {
    let domain: string;
    try {
      domain = normalizeDomain(part);
    } catch (error) {
      return { ok: false, message: domainProblem(part, error, t) };
    }
    if (!domains.includes(domain)) domains.push(domain);
  }
  if (domains.length > MAX_DOMAINS) {
    return { ok: false, message: t('{0} domains given; at most {1} fit in one certificate.', domains.length, MAX_DOMAINS) };
  }
  return { ok: true, value: domains };
}

/** Step 2: the key types offered, the default first. */
export function keyTypeChoices(t: Localize): { keyType: KeyType; label: string; description: string }[] {
  const describe: Record<KeyType, string> = {
    'ec-p256': t('ECDSA P-256: small and fast; recommended'),
    'ec-p384': t('ECDSA P-384'),
    'rsa-2048': t('RSA 2048 bits: for old clients'),
    'rsa-3072': t('RSA 3072 bits'),
    'rsa-4096': t('RSA 4096 bits: slow to generate'),
  };
  const ordered = [DEFAULT_KEY_TYPE, ...KEY_TYPES.filter((keyType) => keyType !== DEFAULT_KEY_TYPE)];
  return ordered.map((keyType) => ({ keyType, label: keyType, description: describe[keyType] }));
}

const SUBJECT_KEYS: Readonly<Record<string, keyof CsrSubject>> = {
  o: 'organization',
  ou: 'organizationalUnit',
  c: 'country',
  st: 'state',
  l: 'locality',
  e: 'emailAddress',
  emailaddress: 'emailAddress',
};

/**
 * Step 3 (optional): subject fields besides the CN as `KEY=value` pairs separated by commas,
 * e.g. `O=Example Ltd, C=CN, ST=Beijing`. Keys: O, OU, C, ST, L, emailAddress (E). Empty
 * skips the step. Rules as core's `createCsr` (RFC 5280 upper bounds).
 */
export function parseSubjectInput(text: string, t: Localize): StepValidation<CsrSubject | undefined> {
  if (text.trim() === '') return { ok: true, value: undefined };
  const subject: CsrSubject = {};
  for (const pair of text.split(',')) {
    if (pair.trim() === '') continue;
    const equals = pair.indexOf('=');
    if (equals <= 0) return { ok: false, message: t('{0} is not KEY=value; use O, OU, C, ST, L or emailAddress.', pair.trim()) };
    const key = pair.slice(0, equals).trim();
    const value = pair.slice(equals + 1).trim();
    const field = SUBJECT_KEYS[key.toLowerCase()];
    if (field === undefined) return { ok: false, message: t('Unknown subject field {0}; use O, OU, C, ST, L or emailAddress.', key) };
    if (subject[field] !== undefined) return { ok: false, message: t('Subject field {0} is given twice.', key) };
    if (value === '' || value.length > 64) return { ok: false, message: t('Subject field {0} must be 1 to 64 characters.', key) };
    if (field === 'country' && !/^[A-Z]{2}$/.test(value)) return { ok: false, message: t('C must be two capital letters (ISO 3166-1), e.g. CN.') };
    if (field === 'emailAddress' && !/^[\x21-\x7e]+@[\x21-\x7e]+$/.test(value)) return { ok: false, message: t('emailAddress must be a plain ASCII address like ops@example.com.') };
    subject[field] = value;
  }
  return { ok: true, value: Object.keys(subject).length === 0 ? undefined : subject };
}

/** Step 4's suggested folder, relative to the workspace: `csr/<first domain>`. */
export function defaultOutputFolder(domains: readonly string[]): string {
  return `csr/${domains[0] ?? 'certificate'}`;
}

/**
 * Step 4: the folder for `privkey.pem` and `csr.pem`, relative to `workspaceDir` and inside
 * it. An absolute folder or one that climbs out (`../outside`) is refused: the wizard's
 * folder gets a `.gitignore` for its key and is checked with git before the key is written,
 * which only holds for folders of the workspace.
 *
 * @returns the absolute folder.
 */
export function validateOutputFolder(text: string, workspaceDir: string, t: Localize): StepValidation<string> {
  const folder = text.trim();
  if (folder === '') return { ok: false, message: t('Enter a folder for the private key and the CSR.') };
  if (folder.includes('\0')) return { ok: false, message: t('The folder name contains a NUL character.') };
  if (isAbsolute(folder) || /^[a-zA-Z]:/.test(folder)) return { ok: false, message: t('Give a folder inside the workspace, relative to it (e.g. {0}), not an absolute path.', 'csr/example.com') };
  const absolute = resolve(workspaceDir, folder);
  const inside = relative(resolve(workspaceDir), absolute);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    return { ok: false, message: t('{0} is not inside the workspace: give a sub-folder such as {1}.', folder, 'csr/example.com') };
  }
  return { ok: true, value: absolute };
}

/**
 * What the domains step shows once its input is valid: the domains exactly as they will be
 * requested when normalisation (spec §4: lower case, no trailing dot, IDN to punycode
 * A-labels, duplicates removed) changed what was typed; `undefined` when nothing changed.
 */
export function normalisationNote(text: string, domains: readonly string[], t: Localize): string | undefined {
  const typed = text.split(/[\s,;]+/).filter((part) => part !== '');
  const same = typed.length === domains.length && typed.every((part, index) => part === domains[index]);
  return same ? undefined : t('Will be requested as: {0}', domains.join(', '));
}
