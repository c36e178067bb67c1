/**
 * `acmapi matrix`: the fleet of acmapi.json as the JSON a GitHub Actions `strategy.matrix`
 * takes (`fromJSON`), to fan a large fleet of certificates out over jobs: one entry per
 * certificate of `acmapi.json`.
 */
import { Command } from 'commander';
import { UsageError } from '../flags/cli-errors.js';
import { loadProject } from '../flags/project.js';
import { describeError, formatError } from '../present/describe-error.js';
import { exitCodeFor } from '../present/exit-code-for.js';
import { EXIT_CODES } from '../present/exit-codes.js';
import type { CommandContext } from './command-kit.js';

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
 * Builds the matrix of a fleet. Pure.
 *
 * @returns one entry per selected certificate, in config order.
 * @throws {UsageError} `USAGE_MATRIX` when a name in `names` is not in the config, when
 *   nothing is selected, or when more than {@link MAX_MATRIX_JOBS} entries would result.
 */
export function buildMatrix(config: FleetMatrixConfig, options: BuildMatrixOptions = {}): FleetMatrix {
  const known = new Set(config.certificates.map((c) => c.name));
  const unknown = (options.names ?? []).filter((name) => !known.has(name));
  if (unknown.length > 0) throw matrixError(`The config lists no certificate named ${unknown.map((n) => JSON.stringify(n)).join(', ')}.`);
  const wanted = options.names === undefined ? undefined : new Set(options.names);
  const include = config.certificates
    .filter((c) => wanted === undefined || wanted.has(c.name))
    .map((c) => ({ name: c.name, domains: c.domains.join(',') }));
  if (include.length === 0) throw matrixError('The matrix would be empty: the config selects no certificate.');
  if (include.length > MAX_MATRIX_JOBS) {
    throw matrixError(`The matrix would have ${include.length} jobs; GitHub Actions allows ${MAX_MATRIX_JOBS}. Split the fleet with names, or let one job handle several certificates (the Action's config input).`);
  }
  return { include };
}

function matrixError(message: string): UsageError {
  return new UsageError(message, { code: 'USAGE_MATRIX', hint: 'Check --certificates against the names in acmapi.json.' });
}

interface MatrixFlags {
  config?: string;
  certificates?: string;
}

/** Builds the `matrix` command. It prints {@link buildMatrix}'s `{ include: [{ name, domains }] }` (domains comma-separated). */
export function matrixCommand(ctx: CommandContext): Command {
  return new Command('matrix')
    .description('print {"include":[{"name","domains"}]} on one line for strategy.matrix (fromJSON) of a GitHub Actions workflow: one job per certificate of acmapi.json')
    .option('--config <file>', 'the project file (env ACMAPI_CONFIG; default ./acmapi.json)')
    .option('--certificates <names>', 'only these certificates, comma-separated, e.g. shop,blog')
    .action(async (flags: MatrixFlags) => {
      const output = ctx.makeOutput(false);
      try {
        const project = await loadProject({ config: flags.config }, ctx.env);
        if (project.config === undefined) {
          throw new UsageError('acmapi matrix needs a project file, and there is none.', { code: 'USAGE_CONFIG', hint: 'Run in the folder of acmapi.json, or pass --config FILE.' });
        }
        const names = flags.certificates?.split(',').map((name) => name.trim()).filter((name) => name !== '');
        const matrix = buildMatrix(project.config, { names });
        // One line, so that it can be captured into $GITHUB_OUTPUT as `matrix=…`.
        output.say(JSON.stringify(matrix));
        ctx.exitCode = EXIT_CODES.OK;
      } catch (error) {
        ctx.exitCode = exitCodeFor(error);
        output.warn(formatError(describeError(error)));
      }
    });
}
