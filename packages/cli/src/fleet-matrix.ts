/**
 * The JSON a workflow's `strategy.matrix` takes to fan a large fleet of certificates
 * out over jobs (`acmapi matrix`): one entry per certificate of `acmapi.json`. Pure.
 */

/** The part of a config this needs: each certificate's store name and domains. */
export interface FleetMatrixConfig {
  readonly certificates: readonly { readonly name: string; readonly domains: readonly string[] }[];
}

/** Options of {@link buildMatrix}. */
export interface BuildMatrixOptions {
  /** Only these certificate names, in config order; all when absent. @default undefined */
  readonly names?: readonly string[] | undefined;
}

/** One matrix entry: `matrix.name` and `matrix.domains` (comma-separated, as the Action's `domains` input takes them). */
export interface FleetMatrixEntry {
  readonly name: string;
  readonly domains: string;
}

/** `{ include: [...] }`, what `fromJSON(...)` gives `strategy.matrix`. */
export interface FleetMatrix {
  readonly include: FleetMatrixEntry[];
}

/** GitHub Actions refuses a matrix of more than 256 jobs. */
export const MAX_MATRIX_JOBS = 256;

/**
 * Builds the matrix of a fleet.
 *
 * @returns one entry per selected certificate, in config order.
 * @throws {RangeError} when a name in `names` is not in the config, when nothing is
 *   selected, or when more than {@link MAX_MATRIX_JOBS} entries would result.
 */
export function buildMatrix(config: FleetMatrixConfig, options: BuildMatrixOptions = {}): FleetMatrix {
  const known = new Set(config.certificates.map((c) => c.name));
  const unknown = (options.names ?? []).filter((name) => !known.has(name));
  if (unknown.length > 0) throw new RangeError(`The config lists no certificate named ${unknown.map((n) => JSON.stringify(n)).join(', ')}.`);
  const wanted = options.names === undefined ? undefined : new Set(options.names);
  const include = config.certificates
    .filter((c) => wanted === undefined || wanted.has(c.name))
    .map((c) => ({ name: c.name, domains: c.domains.join(',') }));
  if (include.length === 0) throw new RangeError('The matrix would be empty: the config selects no certificate.');
  if (include.length > MAX_MATRIX_JOBS) {
    throw new RangeError(`The matrix would have ${include.length} jobs; GitHub Actions allows ${MAX_MATRIX_JOBS}. Split the fleet with names, or let one job handle several certificates (the Action's config input).`);
  }
  return { include };
}
