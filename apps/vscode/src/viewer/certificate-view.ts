/**
 * The certificate view: a PKI file (`.pem`, `.crt`, `.cer`, `.csr`, `.der`) as described by
 * core's `describePkiFile`, rendered as the HTML of a readonly webview. Pure and free of
 * `vscode`: the edge (`src/vscode/certificate-editor.ts`) passes the description, the words and
 * a nonce, and handles the messages the page posts (`copy`, `addToConfig`, `openText`, `details`).
 *
 * Every string from the file is hostile (a certificate is made by whoever made it): shown
 * through core's `displayText` and HTML-escaped. The page loads nothing: its CSP allows only
 * its own inline style and script, by nonce. Labels and values sit in a CSS grid, so columns
 * line up whatever the label's script and width (Chinese labels are about twice as wide as
 * Latin ones per character).
 */
import { displayText } from '@acmapi/core/text';
import type { CertificateDescription, CsrDescription, PkiFileDescription } from '@acmapi/core';
import type { Localize } from '../l10n/localize.js';

const DAY_MS = 86_400_000;
/** Below this many days left the banner warns (about a sixth of a 90-day certificate, rounded up). */
export const EXPIRY_WARNING_DAYS = 30;

/** Whether the file's certificate is one that acmapi.json lists, and what the page may offer. */
export type Management =
  /** A certificate of the store: `name` is its store name (offers "Show Certificate Details"). */
  | { readonly kind: 'store'; readonly name: string }
  /** acmapi.json lists a certificate with the same domains (its name). */
  | { readonly kind: 'configured'; readonly name: string }
  /** Not in acmapi.json: the page offers to add it with these domains. */
  | { readonly kind: 'outside'; readonly domains: readonly string[] }
  /** No project, or nothing to manage (a CA certificate, a CSR, a key). */
  | { readonly kind: 'none' };

/** What {@link renderCertificateView} needs. */
export interface CertificateViewInput {
  readonly description: PkiFileDescription;
  /** The file's name, for the title. */
  readonly fileName: string;
  readonly management: Management;
  readonly now: Date;
  readonly t: Localize;
  /** A fresh random nonce for the CSP (base64 or hex). */
  readonly nonce: string;
  /** `<html lang>`: `vscode.env.language`. */
  readonly language: string;
}

/** The expiry state of a certificate at `now`. */
export interface ExpiryBanner {
  readonly level: 'error' | 'warning' | 'ok';
  readonly text: string;
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A hostile value: control characters escaped and length capped (core's displayText), then HTML-escaped. */
function value(text: string, maxLength = 2000): string {
  return escapeHtml(displayText(text, { maxLength }));
}

/** The banner of a certificate's validity at `now`: expired, not yet valid, expiring soon, or valid. */
export function expiryBanner(certificate: Pick<CertificateDescription, 'notBefore' | 'notAfter'>, now: Date, t: Localize): ExpiryBanner {
  const left = certificate.notAfter.getTime() - now.getTime();
  if (left < 0) return { level: 'error', text: t('Expired on {0} ({1} days ago).', isoDay(certificate.notAfter), Math.ceil(-left / DAY_MS)) };
  if (certificate.notBefore.getTime() > now.getTime()) return { level: 'warning', text: t('Not valid yet: valid from {0}.', certificate.notBefore.toISOString()) };
  const days = Math.floor(left / DAY_MS);
  if (days < EXPIRY_WARNING_DAYS) return { level: 'warning', text: t('Expires in {0} days, on {1}.', days, isoDay(certificate.notAfter)) };
  return { level: 'ok', text: t('Valid for {0} more days, until {1}.', days, isoDay(certificate.notAfter)) };
}

function row(label: string, html: string): string {
  return `<dt>${escapeHtml(label)}</dt><dd>${html}</dd>`;
}

function copyable(text: string, t: Localize): string {
  const shown = value(text);
  return `<span class="mono">${shown}</span> <button class="copy" data-copy="${shown}" title="${escapeHtml(t('Copy'))}">${escapeHtml(t('Copy'))}</button>`;
}

function list(items: readonly string[], t: Localize): string {
  return items.length === 0 ? `<span class="dim">${escapeHtml(t('(none)'))}</span>` : `<ul>${items.map((item) => `<li>${value(item)}</li>`).join('')}</ul>`;
}

function certificateRows(certificate: CertificateDescription, t: Localize): string {
  return [
    row(t('Subject'), value(certificate.subject)),
    row(t('Subject Alternative Names (SAN)'), list(certificate.sans, t)),
    row(t('Issuer'), value(certificate.issuer)),
    row(t('Serial number'), copyable(certificate.serialNumber, t)),
    row(t('Valid from'), value(certificate.notBefore.toISOString())),
    row(t('Valid until'), value(certificate.notAfter.toISOString())),
    row(t('Public key'), `${value(certificate.publicKey)}${certificate.keyType === undefined ? ` <span class="dim">${escapeHtml(t('(not a key type the CA accepts)'))}</span>` : ''}`),
    row(t('SHA-256 fingerprint'), copyable(certificate.fingerprintSha256, t)),
    row(t('SHA-1 fingerprint'), copyable(certificate.fingerprintSha1, t)),
    row(t('Kind'), escapeHtml(certificate.isCa ? (certificate.selfSigned ? t('root CA certificate (self-signed)') : t('intermediate CA certificate')) : certificate.selfSigned ? t('self-signed certificate') : t('end-entity certificate'))),
  ].join('');
}

function csrRows(csr: CsrDescription, t: Localize): string {
  return [
    row(t('Subject'), csr.subject === '' ? `<span class="dim">${escapeHtml(t('(empty)'))}</span>` : value(csr.subject)),
    row(t('Subject Alternative Names (SAN)'), list(csr.sans, t)),
    row(t('Public key'), `${value(csr.publicKey)}${csr.keyType === undefined ? ` <span class="warn">${escapeHtml(t('(not a key type the CA accepts: it would answer 104)'))}</span>` : ''}`),
    row(t('Signature'), escapeHtml(csr.signatureValid ? t('verifies with the CSR\'s own key') : t('does NOT verify: the CA would answer 104'))),
    row(t('SHA-256 fingerprint'), copyable(csr.fingerprintSha256, t)),
  ].join('');
}

function managementBanner(management: Management, t: Localize): string {
  switch (management.kind) {
    case 'store':
      return `<div class="banner info"><span>${escapeHtml(t('Certificate {0} of the acmapi store.', displayText(management.name)))}</span> <button data-action="details">${escapeHtml(t('Show Certificate Details'))}</button></div>`;
    case 'configured':
      return `<div class="banner info"><span>${escapeHtml(t('acmapi.json lists these domains as certificate {0}.', displayText(management.name)))}</span></div>`;
    case 'outside':
      return `<div class="banner outside" id="outside"><span>${escapeHtml(t('acmapi.json does not list this certificate ({0}).', management.domains.map((domain) => displayText(domain)).join(', ')))}</span> <button data-action="addToConfig">${escapeHtml(t('Add to acmapi.json'))}</button></div>`;
    case 'none':
      return '';
  }
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 20px 20px; line-height: 1.5; }
h1 { font-size: 1.3em; font-weight: 600; margin: 16px 0 8px; }
h2 { font-size: 1.1em; font-weight: 600; margin: 20px 0 6px; border-bottom: 1px solid var(--vscode-panel-border, #8884); padding-bottom: 2px; }
dl.fields { display: grid; grid-template-columns: max-content minmax(0, 1fr); column-gap: 20px; row-gap: 4px; margin: 0; }
dt { font-weight: 600; white-space: nowrap; }
dd { margin: 0; overflow-wrap: anywhere; }
ul { margin: 0; padding-left: 18px; }
.mono { font-family: var(--vscode-editor-font-family); }
.dim { opacity: 0.7; }
.warn { color: var(--vscode-editorWarning-foreground); }
.banner { padding: 8px 12px; margin: 10px 0; border-radius: 3px; border-left: 4px solid; display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
.banner.ok { border-color: var(--vscode-testing-iconPassed, #3c3); background: var(--vscode-editorWidget-background); }
.banner.warning { border-color: var(--vscode-editorWarning-foreground, #cc3); background: var(--vscode-inputValidation-warningBackground, #cc32); }
.banner.error { border-color: var(--vscode-editorError-foreground, #c33); background: var(--vscode-inputValidation-errorBackground, #c332); }
.banner.info, .banner.outside { border-color: var(--vscode-focusBorder, #38f); background: var(--vscode-editorWidget-background); }
button { font: inherit; color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); border: none; padding: 1px 8px; border-radius: 2px; cursor: pointer; }
button:hover { background: var(--vscode-button-secondaryHoverBackground); }
.banner button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); }
`;

// Posts the buttons' actions to the extension; shows "Copied" once the extension confirms.
const SCRIPT = `
const vscode = acquireVsCodeApi();
document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('button') : null;
  if (button === null) return;
  if (button.dataset.copy !== undefined) vscode.postMessage({ type: 'copy', value: button.dataset.copy, id: button.id });
  else if (button.dataset.action !== undefined) vscode.postMessage({ type: button.dataset.action });
});
window.addEventListener('message', (event) => {
  const message = event.data;
  if (message && message.type === 'copied') {
    const button = document.getElementById(message.id);
    if (button) { button.textContent = message.label; button.classList.add('done'); }
  }
  if (message && message.type === 'added') {
    const banner = document.getElementById('outside');
    if (banner) banner.textContent = message.label;
  }
});
`;

/** The whole page. */
export function renderCertificateView(input: CertificateViewInput): string {
  const { description, t, now, nonce } = input;
  const sections: string[] = [];
  const [leaf, ...chain] = description.certificates;
  if (leaf !== undefined) {
    const banner = expiryBanner(leaf, now, t);
    sections.push(`<div class="banner ${banner.level}" role="status" id="expiry">${escapeHtml(banner.text)}</div>`);
    sections.push(managementBanner(input.management, t));
    sections.push(`<h2>${escapeHtml(chain.length === 0 ? t('Certificate') : t('Certificate (leaf)'))}</h2><dl class="fields">${certificateRows(leaf, t)}</dl>`);
    if (chain.length > 0) {
      sections.push(`<h2>${escapeHtml(t('Chain'))}</h2>`);
      if (description.chainProblem !== undefined) sections.push(`<div class="banner error">${escapeHtml(t('The chain does not link: {0}', displayText(description.chainProblem, { maxLength: 500 })))}</div>`);
      chain.forEach((certificate, index) => {
        sections.push(`<h2>${escapeHtml(t('Chain certificate {0} of {1}', index + 1, chain.length))}</h2><dl class="fields">${certificateRows(certificate, t)}</dl>`);
      });
    }
  }
  description.csrs.forEach((csr, index) => {
    sections.push(`<div class="banner info">${escapeHtml(t('A certificate request (CSR): what is sent to the CA, not a certificate.'))}</div>`);
    sections.push(`<h2>${escapeHtml(description.csrs.length === 1 ? t('Certificate request (CSR)') : t('Certificate request (CSR) {0}', index + 1))}</h2><dl class="fields">${csrRows(csr, t)}</dl>`);
  });
  if (description.privateKeys > 0) {
    sections.push(
      `<div class="banner warning"><span>${escapeHtml(t('This file holds {0} private key(s). Private keys are not shown here.', description.privateKeys))}</span> <button data-action="openText">${escapeHtml(t('Open as Text'))}</button></div>`,
    );
  }
  for (const problem of description.problems) sections.push(`<div class="banner error">${value(problem, 500)}</div>`);
  if (leaf === undefined && description.csrs.length === 0 && description.privateKeys === 0) {
    sections.push(`<p><button data-action="openText">${escapeHtml(t('Open as Text'))}</button></p>`);
  }
  // Each copy button gets an id, so the "Copied" confirmation finds it.
  let copyId = 0;
  const body = sections.join('\n').replace(/<button class="copy"/g, () => `<button class="copy" id="copy-${++copyId}"`);
  return `<!DOCTYPE html>
<html lang="${escapeHtml(input.language)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${value(input.fileName)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<h1>${value(input.fileName)}</h1>
${body}
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}

/**
 * Whether a certificate with `sans` is one of acmapi.json's certificates: one whose domains
 * are the same set (core's normalisation applied by the caller).
 */
export function configuredFor(sans: readonly string[], certificates: readonly { readonly name: string; readonly domains: readonly string[] }[]): string | undefined {
  const wanted = new Set(sans);
  return certificates.find((certificate) => certificate.domains.length === wanted.size && certificate.domains.every((domain) => wanted.has(domain)))?.name;
}

/** A store name for a certificate added from a file: its first domain, a wildcard's `*` spelled out. */
export function certificateNameFor(domains: readonly string[], taken: ReadonlySet<string>): string {
  const base = (domains[0] ?? 'certificate').replace(/^\*\./, 'wildcard.').replace(/[^a-z0-9._-]/gi, '-');
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  return name;
}
