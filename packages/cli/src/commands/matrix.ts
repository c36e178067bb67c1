/** `acmapi matrix`: the fleet of acmapi.json as JSON for a GitHub Actions `strategy.matrix`. */
import { Command } from 'commander';
import { buildMatrix } from '../fleet-matrix.js';
import { UsageError } from '../cli-errors.js';
import type { CommandContext } from '../command-kit.js';
import { describeError, formatError } from '../describe-error.js';
import { exitCodeFor } from '../exit-code-for.js';
import { EXIT_CODES } from '../exit-codes.js';
import { loadProject } from '../project.js';

interface MatrixFlags {
  config?: string;
  certificates?: string;
}

/** Builds the `matrix` command. It prints `buildMatrix`'s `{ include: [{ name, domains }] }` (domains comma-separated). */
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
        let matrix;
        try {
          matrix = buildMatrix(project.config, { names });
        } catch (error) {
          if (!(error instanceof RangeError)) throw error;
          throw new UsageError(error.message, { code: 'USAGE_MATRIX', hint: 'Check --certificates against the names in acmapi.json.' });
        }
        // One line, so that it can be captured into $GITHUB_OUTPUT as `matrix=…`.
        output.say(JSON.stringify(matrix));
        ctx.exitCode = EXIT_CODES.OK;
      } catch (error) {
        ctx.exitCode = exitCodeFor(error);
        output.warn(formatError(describeError(error)));
      }
    });
}
