/**
 * SEAM: the signfile preflight (spec §5) the Action runs before applying. Until core's
 * `preflight()` lands, this is a plain HTTP check of each domain's signfile URL; then it
 * becomes a call to core's preflight, mapping its failures to {@link PreflightProblem}.
 */

/** One domain that fails the preflight. */
export interface PreflightProblem {
  readonly domain: string;
  /** What failed and what to do, one sentence. */
  readonly message: string;
}

/** What the preflight checks. */
export interface PreflightInput {
  readonly domains: readonly string[];
  readonly signfile: { readonly name: string; readonly content: string };
}

/** Runs the preflight; resolves to the problems found (empty: every domain serves the signfile). */
export type PreflightService = (input: PreflightInput) => Promise<PreflightProblem[]>;

/** The HTTP preflight: `GET http://DOMAIN/.well-known/pki-validation/NAME` must contain the token. */
export const httpPreflight: PreflightService = async ({ domains, signfile }) => {
  const problems: PreflightProblem[] = [];
  for (const domain of domains) {
    const url = `http://${domain}/.well-known/pki-validation/${encodeURIComponent(signfile.name)}`;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000), redirect: 'follow' });
      const body = await response.text();
      if (response.status !== 200) problems.push({ domain, message: `${url} answered HTTP ${response.status}; publish the signfile there.` });
      else if (!body.includes(signfile.content.trim())) problems.push({ domain, message: `${url} does not contain the signfile's token; publish the signfile unchanged.` });
    } catch (error) {
      const why = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      problems.push({ domain, message: `${url} could not be fetched (${why}); check DNS and that a web server answers on port 80.` });
    }
  }
  return problems;
};
