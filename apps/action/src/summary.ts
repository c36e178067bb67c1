/** The job summary (`GITHUB_STEP_SUMMARY`): one table row per certificate. Pure. */
import { displayText } from '@acmapi/core/text';
import type { CertificateOutcome } from './outcome.js';

const STATUS_ICON: Readonly<Record<CertificateOutcome['status'], string>> = {
  issued: '✅ issued',
  pending: '⏳ pending',
  skipped: '⏭️ skipped',
  failed: '❌ failed',
};

/** Longest text of one cell, in characters: a CA's message is quoted, not reproduced. */
const CELL_MAX = 500;

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text (a CA's handle or message, a domain, a file name) for a Markdown table cell or
 * list item of the job summary, which GitHub renders as GitHub Flavored Markdown with HTML:
 * control characters escaped and the length capped by core's `displayText`; `& < > " '` as
 * HTML entities, so no tag or entity of the text is rendered; and Markdown's active
 * punctuation (`\ | * _ ` ~ [ ]`) backslash-escaped (CommonMark §2.4), so no emphasis,
 * code, link, image or extra table column is made of it.
 */
export function cell(text: string): string {
  return displayText(text, { maxLength: CELL_MAX })
    .replaceAll(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c)
    .replaceAll(/[\\|*_`~[\]]/g, (c) => `\\${c}`);
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
