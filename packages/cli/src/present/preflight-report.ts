/**
 * The human rendering of a {@link PreflightResult} (spec §5): per domain a verdict
 * line, a table of address | scheme | result | detail, the warnings, and the
 * failure with what to do. Pure: returns lines, prints nothing.
 */
import type { DomainPreflight, PreflightHop, PreflightResult, SchemeOutcome } from '@acmapi/core/preflight';
import { displayText } from '@acmapi/core/text';
import { preflightFailureAdvice } from './advice.js';

/** Pads columns to their widest cell; the last column is not padded. */
export function formatTable(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

function shownAddress(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** `200`, or `301 → https://www.example.com/… 200` for a chain. */
function chainOf(outcome: SchemeOutcome): string {
  return outcome.hops
    .map((hop: PreflightHop, i) => {
      const status = hop.status === undefined ? (outcome.failure?.kind ?? 'no answer') : String(hop.status);
      return i === 0 ? status : `→ ${hop.url} ${status}`;
    })
    .join(' ');
}

/** The detail column of one scheme: status and redirect chain, content kind, CDN headers, TLS validity. */
export function schemeDetail(outcome: SchemeOutcome): string {
  const parts = [chainOf(outcome)];
  if (outcome.content !== undefined) parts.push(`content ${outcome.content.kind}`);
  else if (!outcome.ok && outcome.failure !== undefined && outcome.hops.at(-1)?.status !== undefined) parts.push(outcome.failure.kind);
  const last = outcome.hops.at(-1);
  const cdn = Object.entries(last?.cdnHeaders ?? {}).map(([name, value]) => `${name}: ${value}`);
  if (cdn.length > 0) parts.push(cdn.join(', '));
  const tls = outcome.hops.find((hop) => hop.tls !== undefined)?.tls;
  if (tls !== undefined) parts.push(tls.valid ? 'TLS certificate valid' : `TLS certificate invalid (${tls.error ?? 'unknown'})`);
  return parts.join('; ');
}

/** The verdict line of one domain. */
export function verdictLine(domain: DomainPreflight): string {
  const count = domain.addresses.length;
  const where = `${count} address${count === 1 ? '' : 'es'}${domain.addressSource === 'override' ? ' from --resolve' : ''}`;
  if (domain.ok) return `PASS ${domain.domain}: the signfile is served on every address (${where}).`;
  const kind = domain.failure?.kind;
  if (kind === 'caa-forbids' || kind === 'caa-critical-unknown-tag' || kind === 'caa-lookup-failed') {
    return `FAIL ${domain.domain}: CAA does not let the CA issue${kind === 'caa-lookup-failed' ? ' (the lookup failed)' : ''}.`;
  }
  if (kind === 'signfile-name-contains-token') return `FAIL ${domain.domain}: the signfile name contains its token.`;
  const failing = domain.addresses.filter((address) => !address.ok).length;
  return count === 0
    ? `FAIL ${domain.domain}: no address to check.`
    : `FAIL ${domain.domain}: ${failing} of ${where} do${failing === 1 ? 'es' : ''} not serve the signfile; the CA may pick any of them.`;
}

/** Every line of the human report. */
export function preflightReportLines(result: PreflightResult): string[] {
  const lines: string[] = [];
  for (const domain of result.domains) {
    if (lines.length > 0) lines.push('');
    lines.push(verdictLine(domain));
    // CAA's own sentence names the record (or lookup) that decided; a refusal is repeated under Why.
    if (domain.caa?.ok === true) lines.push(`  CAA: ${domain.caa.message}${domain.caa.iodef.length > 0 ? ` (iodef: ${domain.caa.iodef.map((iodef) => displayText(iodef)).join(', ')})` : ''}`);
    const rows: string[][] = [['address', 'scheme', 'result', 'detail']];
    for (const address of domain.addresses) {
      for (const outcome of address.schemes) {
        rows.push([shownAddress(address.address), outcome.scheme, outcome.ok ? 'ok' : 'FAIL', schemeDetail(outcome)]);
      }
    }
    if (rows.length > 1) lines.push(...formatTable(rows).map((line) => `  ${line}`));
    for (const warning of domain.warnings) lines.push(`  Warning: ${warning}`);
    if (domain.failure !== undefined) {
      lines.push(`  Why: ${domain.failure.message}`);
      lines.push(`  What to do: ${preflightFailureAdvice(domain.domain, domain.failure)}`);
    }
  }
  return lines;
}
