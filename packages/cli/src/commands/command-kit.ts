/**
 * What every command shares: its context (environment, output, exit code) and the wrapper
 * that turns a result or an error into output and an exit code.
 */
import { InterruptedError } from '../flags/cli-errors.js';
import { describeError, formatError } from '../present/describe-error.js';
import { exitCodeFor } from '../present/exit-code-for.js';
import { checkInstallComplete } from '../present/install-incomplete.js';
import type { Output } from '../present/output.js';
import type { ResultJson, TargetFacts } from '../present/result-json.js';

/** Where a command's action reports its exit code. */
export interface CommandContext {
  env: NodeJS.ProcessEnv;
  /** Makes the Output for the command, once its `--json` flag is known. */
  makeOutput: (json: boolean) => Output;
  /** Set by the action; `run()` returns it. */
  exitCode: number;
}

/**
 * Runs an action: prints its result (human via `printHuman`, or the JSON object) and
 * records the exit code; on error prints what happened and what to do, and the `--json`
 * error result carries what `errorFacts` knows of the certificate (name, domains, dir).
 */
export async function runAction<T extends { exitCode: number } = ResultJson>(
  ctx: CommandContext,
  output: Output,
  action: () => Promise<T>,
  printHuman: (result: T) => void,
  errorFacts: () => TargetFacts = () => ({}),
): Promise<void> {
  try {
    checkInstallComplete();
    const result = await action();
    printHuman(result);
    output.result(result);
    ctx.exitCode = result.exitCode;
  } catch (error) {
    const described = describeError(error);
    const exitCode = exitCodeFor(error);
    output.warn(formatError(described));
    // The certificate's name, domains and folder, as far as they were known when it failed.
    const interrupted = error instanceof InterruptedError ? { interrupted: error.signal } : {};
    output.result({ status: 'error', ...errorFacts(), exitCode, error: described, ...interrupted });
    ctx.exitCode = exitCode;
  }
}
