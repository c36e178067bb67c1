/**
 * The fuzz suites' settings (issue 11, "make the trial repeatable"): every property runs
 * seeded, so a failure reproduces from the seed fast-check prints with it.
 *
 * - `FUZZ_SEED`: the seed (an integer). Unset: a fixed one, so CI runs the same cases each time.
 * - `FUZZ_PATH`: the path fast-check prints next to the seed; with the seed it replays the
 *   shrunk counterexample at once.
 * - `FUZZ_RUNS`: cases per property. Unset: the suite's bounded CI number (a few thousand).
 *   `pnpm fuzz` sets it for the long run.
 *
 * Reproduce: `FUZZ_SEED=<seed> FUZZ_PATH=<path> npx vitest run <the test file>`.
 */

/** The seed used when `FUZZ_SEED` is unset. */
export const DEFAULT_FUZZ_SEED = 20_261_202;

/** What `fc.assert` takes from the environment: `{ seed, numRuns, path? }`. */
export interface FuzzSettings {
  readonly seed: number;
  readonly numRuns: number;
  readonly path?: string;
}

function integerFrom(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new Error(`${name} must be an integer, got ${JSON.stringify(value)}`);
  return parsed;
}

/**
 * The settings of one property from `FUZZ_SEED`, `FUZZ_RUNS` and `FUZZ_PATH`.
 *
 * @param ciRuns - cases when `FUZZ_RUNS` is unset (the bounded CI run).
 * @param share - this property's share of `FUZZ_RUNS` (a suite whose cases cost more takes a
 *   smaller one), at least one case. @default 1
 * @param env - the environment. @default process.env
 * @throws Error when a variable is set but not an integer (a typo must not run 0 cases).
 */
export function fuzzSettings(ciRuns: number, share = 1, env: NodeJS.ProcessEnv = process.env): FuzzSettings {
  const seed = integerFrom('FUZZ_SEED', env['FUZZ_SEED'], DEFAULT_FUZZ_SEED);
  const runs = env['FUZZ_RUNS'] === undefined ? ciRuns : Math.max(1, Math.round(integerFrom('FUZZ_RUNS', env['FUZZ_RUNS'], ciRuns) * share));
  const path = env['FUZZ_PATH'];
  return path === undefined || path === '' ? { seed, numRuns: runs } : { seed, numRuns: runs, path };
}

/**
 * A vitest timeout for a property of `numRuns` cases that each take up to `msPerCase`
 * (never below two minutes, so a slow shared CI machine does not fail a passing run).
 */
export function fuzzTimeout(settings: FuzzSettings, msPerCase: number): number {
  return Math.max(120_000, Math.ceil(settings.numRuns * msPerCase));
}
