/**
 * Adds a certificate to the text of `acmapi.json` (issue 12: Apply on new domains made a
 * certificate that existed only in the store). The edit keeps the file's own formatting and
 * everything else in it (jsonc-parser's `modify`, the editor's own JSON edit library). Pure.
 */
import { applyEdits, modify } from 'jsonc-parser';
import { CERTIFICATE_NAME_PATTERN } from '@acmapi/core/store';

/**
 * A store name for a new certificate of `domains`: its first domain (normalised domains are
 * valid names, spec §4), made unique among `taken` with `-2`, `-3`, …
 */
export function newCertificateName(domains: readonly string[], taken: readonly string[]): string {
  const first = domains[0] ?? 'certificate';
  const base = CERTIFICATE_NAME_PATTERN.test(first) ? first : 'certificate';
  let name = base;
  for (let suffix = 2; taken.includes(name); suffix++) name = `${base}-${suffix}`;
  return name;
}

/** `text` with `{ name, domains }` appended to its `certificates` (made when absent). */
export function addCertificate(text: string, certificate: { readonly name: string; readonly domains: readonly string[] }): string {
  const tabSize = /\n( +)"/.exec(text)?.[1]?.length ?? 2;
  const edits = modify(text, ['certificates', -1], { name: certificate.name, domains: [...certificate.domains] }, { formattingOptions: { insertSpaces: true, tabSize, eol: '\n' } });
  return applyEdits(text, edits);
}
