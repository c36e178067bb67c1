/** The step's outputs (`GITHUB_OUTPUT`), from the certificates' outcomes. Pure. */
import { aggregateStatus } from './outcome.js';
import type { CertificateOutcome } from './outcome.js';

/** The outputs `action.yml` declares. */
export type OutputName =
  | 'status'
  | 'handle-id'
  | 'certificate-path'
  | 'fullchain-path'
  | 'not-after'
  | 'fingerprint'
  | 'serial'
  | 'private-key-path'
  | 'results'
  | 'commit-sha'
  | 'artifact-id';

/**
 * The outputs of a run. The per-certificate outputs are set when the run handled one
 * certificate; `results` (JSON) always lists every certificate.
 */
export function buildOutputs(outcomes: readonly CertificateOutcome[]): Partial<Record<OutputName, string>> {
  const outputs: Partial<Record<OutputName, string>> = {
    status: aggregateStatus(outcomes),
    results: JSON.stringify(
      outcomes.map((o) => ({
        name: o.name,
        domains: o.domains,
        status: o.status,
        handleId: o.handleId ?? null,
        notAfter: o.notAfter?.toISOString() ?? null,
        fingerprint: o.fingerprint ?? null,
        serial: o.serial ?? null,
        certificatePath: o.certificatePath ?? null,
        fullchainPath: o.fullchainPath ?? null,
      })),
    ),
  };
  const only = outcomes.length === 1 ? outcomes[0] : undefined;
  if (only !== undefined) {
    if (only.handleId !== undefined) outputs['handle-id'] = only.handleId;
    if (only.certificatePath !== undefined) outputs['certificate-path'] = only.certificatePath;
    if (only.fullchainPath !== undefined) outputs['fullchain-path'] = only.fullchainPath;
    if (only.notAfter !== undefined) outputs['not-after'] = only.notAfter.toISOString();
    if (only.fingerprint !== undefined) outputs.fingerprint = only.fingerprint;
    if (only.serial !== undefined) outputs.serial = only.serial;
    if (only.privateKeyPath !== undefined) outputs['private-key-path'] = only.privateKeyPath;
  }
  return outputs;
}
