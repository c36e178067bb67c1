/**
 * `acmapi completion bash|zsh|fish`: prints the shell's completion script, generated from the
 * commands themselves (see `completion/completion-scripts.ts`). It builds every command to
 * read the tree, which only this command (and the man page's build) needs.
 */
import { Argument, Command } from 'commander';
import { loadCommandTree } from '../completion/command-tree.js';
import { COMPLETION_SHELLS, completionScript, type CompletionShell } from '../completion/completion-scripts.js';
import type { CommandContext } from './command-kit.js';

/** Builds the `completion` command. */
export function completionCommand(ctx: CommandContext): Command {
  return new Command('completion')
    .description('print the shell completion script for bash, zsh or fish (see the examples for where to put it)')
    .addArgument(new Argument('<shell>', 'the shell').choices(COMPLETION_SHELLS))
    .action(async (shell: CompletionShell) => {
      const tree = await loadCommandTree(ctx);
      ctx.makeOutput(false).say(completionScript(shell, tree).trimEnd());
    });
}
