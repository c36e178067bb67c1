/** The job summary (`GITHUB_STEP_SUMMARY`): one table row per certificate. Pure. */
import type { CertificateOutcome } from './outcome.js';

const STATUS_ICON: Readonly<Record<CertificateOutcome['status'], string>> = {
  issued: '✅ issued',
  pending: '⏳ pending',
  skipped: '⏭️ skipped',
  failed: '❌ failed',
};

/** Escapes text for a Markdown table cell. */
export function cell(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replaceAll(/\r?\n/g, ' ');
}

/**
 * Builds the summary Markdown: a heading, the table, the failures' details, and a table
 * of the domains that failed the signfile preflight (domain, address, scheme, reason).
 */
export function buildSummary(outcomes: readonly CertificateOutcome[]): string {
  const lines = [
    '## acmapi certificates',
    '',
    '| certificate | domains | status | expiry | fingerprint (SHA-256) | handle |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const o of outcomes) {
    const expiry = o.notAfter === undefined ? '' : o.notAfter.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const row = [o.name, o.domains.join(', '), STATUS_ICON[o.status], expiry, o.fingerprint ?? '', o.handleId ?? ''];
    lines.push(`| ${row.map((c) => cell(c)).join(' | ')} |`);
  }
  const failed = outcomes.filter((o) => o.status === 'failed' || o.status === 'pending');
  if (failed.length > 0) {
    lines.push('');
    for (const o of failed) lines.push(`- **${cell(o.name)}** (${o.status}): ${cell(o.detail)}`);
  }
  const preflight = outcomes.flatMap((o) => (o.preflightFailures ?? []).map((problem) => ({ name: o.name, problem })));
  if (preflight.length > 0) {
    lines.push('', '### Signfile preflight failures', '', '| certificate | domain | address | scheme | reason | what to do |', '| --- | --- | --- | --- | --- | --- |');
    for (const { name, problem } of preflight) {
      const row = [name, problem.domain, problem.address ?? '', problem.scheme ?? '', `${problem.kind}: ${problem.message}`, problem.hint];
      lines.push(`| ${row.map((c) => cell(c)).join(' | ')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
