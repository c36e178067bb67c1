/**
 * The words of core's signfile preflight (spec §5) for the runner: one problem per
 * failing domain, naming the address and scheme that fail and why, for annotations and
 * the job summary. Pure.
 */
import type { PreflightFailureKind, PreflightResult, PreflightScheme } from '@acmapi/core/preflight';
import { preflightFailureAdvice } from './advice.js';

/** One domain that fails the preflight, from its {@link PreflightResult} entry. */
export interface PreflightProblem {
  readonly domain: string;
  /** The address that fails (the first failing one); absent when DNS failed. */
  readonly address?: string;
  /** The scheme whose failure is reported (the first failing one of that address). */
  readonly scheme?: PreflightScheme;
  readonly kind: PreflightFailureKind;
  /** Core's sentence naming the domain, address, URL and what went wrong. */
  readonly message: string;
  /** What to do about it, in the Action's words. */
  readonly hint: string;
}

/** The failing domains of a result, in the order checked (empty when every domain passed). */
export function preflightProblems(result: PreflightResult): PreflightProblem[] {
  return result.domains
    .filter((domain) => !domain.ok)
    .map((domain) => {
      // The same address and scheme core's verdict reports: the first failing address, its first failed scheme.
      const failing = domain.addresses.find((address) => !address.ok);
      const scheme = failing?.schemes.find((outcome) => outcome.failure !== undefined)?.scheme;
      const address = failing?.address ?? domain.failure?.address;
      return {
        domain: domain.domain,
        ...(address === undefined ? {} : { address }),
        ...(scheme === undefined ? {} : { scheme }),
        kind: domain.failure?.kind ?? 'dns-no-address',
        message: domain.failure?.message ?? `${domain.domain} fails the signfile preflight.`,
        hint: domain.failure === undefined ? '' : preflightFailureAdvice(domain.failure),
      };
    });
}

/** The annotation of one problem: a title naming domain, address and scheme; the message and its hint. */
export function preflightAnnotation(problem: PreflightProblem): { title: string; message: string } {
  const address = problem.address === undefined ? '' : ` at ${problem.address.includes(':') ? `[${problem.address}]` : problem.address}`;
  const scheme = problem.scheme === undefined ? '' : ` over ${problem.scheme}`;
  return {
    title: `Signfile preflight failed for ${problem.domain}${address}${scheme}`,
    message: `${problem.message} ${problem.hint}`.trimEnd(),
  };
}
