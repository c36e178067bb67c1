/**
 * How each command of `command-table.ts` is loaded: its module, imported when the command
 * runs (or shows its own help), and built. Apart from the table so that `acmapi --help`,
 * which needs only the table, does not even see these imports.
 */
import type { Command } from 'commander';
import type { CommandContext } from './commands/command-kit.js';
import type { CommandName } from './command-table.js';

/** Imports a command's module and builds the command; one for every name of the table. */
export const COMMAND_LOADERS: Readonly<Record<CommandName, (ctx: CommandContext) => Promise<Command>>> = {
  issue: async (ctx) => (await import('./commands/issue.js')).issueCommand(ctx),
  renew: async (ctx) => (await import('./commands/renew.js')).renewCommand(ctx),
  retrieve: async (ctx) => (await import('./commands/retrieve.js')).retrieveCommand(ctx),
  schedule: async (ctx) => (await import('./commands/schedule.js')).scheduleCommand(ctx),
  list: async (ctx) => (await import('./commands/list.js')).listCommand(ctx),
  show: async (ctx) => (await import('./commands/show.js')).showCommand(ctx),
  delete: async (ctx) => (await import('./commands/delete.js')).deleteCommand(ctx),
  check: async (ctx) => (await import('./commands/check.js')).checkCommand(ctx),
  matrix: async (ctx) => (await import('./commands/matrix.js')).matrixCommand(ctx),
  sandbox: async (ctx) => (await import('./commands/sandbox.js')).sandboxCommand(ctx),
  demo: async (ctx) => (await import('./commands/demo.js')).demoCommand(ctx),
  completion: async (ctx) => (await import('./commands/completion.js')).completionCommand(ctx),
};
