/**
 * The certificates view as data: every certificate of `acmapi.json` (and any other the store
 * holds) → its pending handle and its domains with their signfile status. Pure: built from the
 * project file, the store's records and the preflight results, so it is tested without VS Code.
 */
import { displayText } from '@acmapi/core/text';
import type { CertificateRecord, KeyType } from '@acmapi/core';
import type { Localize } from '../l10n/localize.js';
import { failurePhrase, signfileFailurePhrase } from '../project/human-words.js';
import { clockTime, minutesText } from '../pending/pending-summary.js';
import type { ScheduledPoll } from '../pending/poller.js';
import { formatTime, renewalLines, settingsLines } from './remembered-settings.js';
import type { SignfileStatus } from './signfile-status.js';
import type { NodeIcon, TreeNode } from './tree-node.js';

const DAY_MS = 86_400_000;

/** A certificate as `acmapi.json` lists it. */
export interface ConfiguredCertificate {
  readonly name: string;
  readonly domains: readonly string[];
  readonly keyType?: KeyType | undefined;
}

/** What {@link buildTreeModel} needs. */
export interface TreeModelInput {
  /** The certificates of `acmapi.json`, in file order. */
  readonly certificates: readonly ConfiguredCertificate[];
  /** The store's records (any order); those not in `certificates` are listed after them. */
  readonly records: readonly CertificateRecord[];
  /** Signfile status per normalised domain; a domain not in the map is `unchecked`. */
  readonly signfile: ReadonlyMap<string, SignfileStatus>;
  /** The time the view is built at: days left are counted from it. */
  readonly now: Date;
  readonly t: Localize;
  /** The pending tracker's schedule (when each application is asked for next); absent: not tracked yet. */
  readonly schedule?: readonly ScheduledPoll[];
}

function iconOf(id: string, color?: string): NodeIcon {
  return color === undefined ? { id } : { id, color };
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

interface StateView {
  readonly description: string;
  readonly icon: NodeIcon;
  readonly lines: string[];
}

function describeState(record: CertificateRecord | undefined, now: Date, t: Localize): StateView {
  const lines: string[] = [];
  const live = record?.live;
  let expiry: string | undefined;
  let expiryIcon: NodeIcon | undefined;
  if (live !== undefined) {
    const daysLeft = Math.floor((live.notAfter.getTime() - now.getTime()) / DAY_MS);
    lines.push(t('Expires {0} ({1} days left)', isoDay(live.notAfter), daysLeft));
    if (live.notAfter.getTime() <= now.getTime()) {
      expiry = t('expired {0}', isoDay(live.notAfter));
      expiryIcon = iconOf('error', 'errorForeground');
    } else if (live.renewal.due) {
      expiry = t('{0} days left, renewal due', daysLeft);
      expiryIcon = iconOf('warning', 'problemsWarningIcon.foreground');
      lines.push(t('Renewal is due: run Renew.'));
    } else {
      expiry = t('{0} days left', daysLeft);
      expiryIcon = iconOf('verified-filled', 'charts.green');
      lines.push(t('Renewal due from {0}', isoDay(live.renewal.renewAt)));
    }
    lines.push(t('Issuer: {0}', displayText(live.issuer)));
  }
  if (record?.application?.status === 'pending') {
    lines.push(t('Pending at the CA, handle {0}', displayText(record.application.handleId ?? '?')));
    const description = expiry === undefined ? t('pending at the CA') : t('{0}; renewal pending at the CA', expiry);
    return { description, icon: iconOf('watch', 'charts.yellow'), lines };
  }
  if (record?.lastError !== undefined) {
    lines.push(t('Last error: {0} {1}', displayText(record.lastError.code), displayText(record.lastError.message, { maxLength: 1000 })));
    if (expiry === undefined) {
      // Renew waits out core's backoff: say until when, so a failing certificate never looks forgotten.
      const failures = record.failures;
      // Words in the row; the code itself stays in the tooltip's "Last error" line.
      const phrase = failurePhrase(record.lastError.code, t);
      const description = failures === undefined ? t('failed: {0}', phrase) : t('failed: {0}, next attempt {1}', phrase, formatTime(failures.nextAttemptAt));
      return { description, icon: iconOf('error', 'errorForeground'), lines };
    }
  }
  if (expiry !== undefined && expiryIcon !== undefined) return { description: expiry, icon: expiryIcon, lines };
  if (record?.application?.status === 'prepared') {
    lines.push(t('An application was prepared but no answer was recorded: Renew sends it again.'));
  }
  return { description: t('not issued'), icon: iconOf('circle-large-outline'), lines };
}

function domainNode(certificate: string, domain: string, status: SignfileStatus, t: Localize): TreeNode {
  const base = { id: `${certificate}/domain/${domain}`, kind: 'domain' as const, label: domain, certificateName: certificate, domain, children: [] };
  switch (status.state) {
    case 'ok':
      return {
        ...base,
        description: status.warnings.length === 0 ? t('signfile OK') : t('signfile OK, {0} warning(s)', status.warnings.length),
        tooltip: [t('The signfile is served on every address of {0}.', domain), ...status.warnings].join('\n'),
        icon: status.warnings.length === 0 ? iconOf('pass-filled', 'testing.iconPassed') : iconOf('pass', 'problemsWarningIcon.foreground'),
        contextValue: 'acmapi.domain.ok',
      };
    case 'failed':
      return {
        ...base,
        description: t('signfile failing: {0}', signfileFailurePhrase(status.kind, t)),
        tooltip: [status.message, status.hint, `(${status.kind})`].filter((line) => line !== '').join('\n'),
        icon: iconOf('error', 'testing.iconFailed'),
        contextValue: 'acmapi.domain.failed',
      };
    case 'checking':
      return { ...base, description: t('checking signfile…'), tooltip: t('Checking the signfile of {0}…', domain), icon: iconOf('loading~spin'), contextValue: 'acmapi.domain.checking' };
    case 'unavailable':
      return { ...base, description: t('signfile not checked'), tooltip: status.reason, icon: iconOf('circle-slash'), contextValue: 'acmapi.domain.unavailable' };
    case 'unchecked':
      return { ...base, description: t('signfile not checked'), tooltip: t('Run Check Signfile to fetch the signfile of {0} as the CA will.', domain), icon: iconOf('question'), contextValue: 'acmapi.domain.unchecked' };
  }
}

function certificateNode(name: string, domains: readonly string[], keyType: KeyType | undefined, record: CertificateRecord | undefined, input: TreeModelInput, inConfig: boolean): TreeNode {
  const { t } = input;
  const view = describeState(record, input.now, t);
  const children: TreeNode[] = [];
  const application = record?.application;
  if (application?.status === 'pending' && application.handleId !== undefined) {
    const since = application.since === undefined ? '' : isoDay(application.since);
    const handleId = application.handleId;
    const scheduled = input.schedule?.find((entry) => entry.item.certificateName === name && entry.item.handleId === handleId);
    const asked = application.polls === 0 ? t('since {0}', since) : t('since {0}, asked {1} times', since, application.polls);
    const next =
      scheduled === undefined ? undefined : scheduled.nextCheckAt === undefined ? t('asking the CA now') : t('next check {0}', clockTime(scheduled.nextCheckAt, input.now));
    children.push({
      id: `${name}/pending/${application.handleId}`,
      kind: 'pending',
      label: t('Pending: {0}', displayText(application.handleId)),
      description: next === undefined ? asked : `${asked}; ${next}`,
      tooltip: [
        t('The CA has not signed this application yet; the handle is polled in the background.'),
        ...(scheduled === undefined ? [] : [t('Poll interval now: {0} (settings acmapi.pending.firstPoll and acmapi.pending.maxPollInterval).', minutesText(scheduled.intervalMinutes, t))]),
      ].join('\n'),
      icon: iconOf('watch'),
      contextValue: 'acmapi.pending',
      certificateName: name,
      handleId: application.handleId,
      children: [],
    });
  }
  for (const domain of domains) children.push(domainNode(name, domain, input.signfile.get(domain) ?? { state: 'unchecked' }, t));
  const tooltip = [
    name,
    t('Domains: {0}', domains.join(', ')),
    t('Key type: {0}', record?.live?.keyType ?? keyType ?? record?.keyType ?? 'ec-p256'),
    ...view.lines,
    ...(record === undefined ? [] : [...renewalLines(record, t), ...settingsLines(record.settings, t)]),
    ...(inConfig ? [] : [t('In the store only: not listed in acmapi.json.')]),
  ].join('\n');
  const state = record?.state ?? 'new';
  return {
    id: name,
    kind: 'certificate',
    label: name,
    description: view.description,
    tooltip,
    icon: view.icon,
    contextValue: `acmapi.certificate.${state}${inConfig ? '' : '.storeOnly'}`,
    certificateName: name,
    children,
  };
}

/**
 * Builds the view's nodes: one per certificate of `acmapi.json` in file order, then one per
 * certificate found only in the store (sorted by name).
 */
export function buildTreeModel(input: TreeModelInput): TreeNode[] {
  const records = new Map(input.records.map((record) => [record.name, record]));
  const nodes = input.certificates.map((certificate) =>
    certificateNode(certificate.name, certificate.domains, certificate.keyType, records.get(certificate.name), input, true),
  );
  const configured = new Set(input.certificates.map((certificate) => certificate.name));
  const storeOnly = input.records.filter((record) => !configured.has(record.name)).sort((a, b) => a.name.localeCompare(b.name));
  for (const record of storeOnly) nodes.push(certificateNode(record.name, record.domains, record.keyType, record, input, false));
  return nodes;
}

/** How many certificates wait for the CA (the status bar's count). */
export function countPending(records: readonly CertificateRecord[]): number {
  return records.filter((record) => record.application?.status === 'pending' && record.application.handleId !== undefined).length;
}
