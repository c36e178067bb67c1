/**
 * The `acmapi` program: commander wiring and the exit code. `run()` never calls
 * `process.exit`, so it is testable and lets output flush.
 *
 * Only the command being run is loaded (see `command-table.ts`); the others stand in the
 * program as placeholders that carry their name and summary for `acmapi --help`.
 */
import { displayText } from '@acmapi/core/text';
import { Command, CommanderError, Help } from 'commander';
import type { CommandContext } from './commands/command-kit.js';
import { COMMAND_LOADERS } from './command-loaders.js';
import { COMMANDS, commandToLoad } from './command-table.js';
import type { CommandEntry } from './command-table.js';
import { examplesHelpText } from './help-examples.js';
import { EXIT_CODES } from './present/exit-codes.js';
import { Output } from './present/output.js';
import { helpWidthOf, PROGRAM_DESCRIPTION } from './program-help.js';
import { cliVersion } from './version.js';

export { cliVersion } from './version.js';

/** Where `run()` reads and writes; the process's by default. */
export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

/**
 * The commands of a run: the one `argv` runs (or asks help for) built from its module,
 * every other one a placeholder that only lists itself in `acmapi --help`.
 */
async function loadCommands(ctx: CommandContext, argv: readonly string[]): Promise<Command[]> {
  const chosen = commandToLoad(argv.slice(2));
  const commands: Command[] = [];
  for (const entry of COMMANDS) commands.push(entry === chosen ? await COMMAND_LOADERS[entry.name](ctx) : placeholder(entry));
  return commands;
}

/** A command that is listed but not loaded; `commandToLoad` routes every run away from it. */
function placeholder(entry: CommandEntry): Command {
  return new Command(entry.name).summary(entry.summary).action(() => {
    throw new Error(`internal error: the command ${entry.name} was run without being loaded`);
  });
}

/**
 * Commander's error line (`error: unknown option '…'`) quotes the command line's words back
 * as they came: escaped like a server string, so that a word holding ESC, CR or a bidi
 * control cannot act on the terminal or forge a line (found by the flags fuzz suite). Its
 * one line break of its own, before "(Did you mean …?)", stays a line break.
 */
function outputError(text: string, write: (text: string) => void): void {
  const line = displayText(text.replace(/\n$/, ''), { maxLength: 500 }).replaceAll('\\n(Did you mean ', '\n(Did you mean ');
  write(`${line}\n`);
}

/** How `acmapi --help` lists a command: by its row of the table, loaded or not (`help` itself as commander does). */
function subcommandTerm(command: Command): string {
  return COMMANDS.find((entry) => entry.name === command.name())?.term ?? new Help().subcommandTerm(command);
}

/** A command's words after `acmapi`: `schedule install`. */
function commandPath(command: Command): string {
  const words: string[] = [];
  for (let at: Command = command; at.parent !== null; at = at.parent) words.unshift(at.name());
  return words.join(' ');
}

/**
 * Runs the command line `argv` (as in `process.argv`: node, script, args…).
 *
 * @returns the exit code (see `present/exit-codes.ts`).
 */
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const ctx: CommandContext = {
    env: options.env ?? process.env,
    makeOutput: (json) => new Output({ json, stdout, stderr, env: options.env ?? process.env }),
    exitCode: EXIT_CODES.OK,
  };
  const program = new Command('acmapi')
    .description(PROGRAM_DESCRIPTION)
    .version(cliVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', examplesHelpText(''))
    .configureHelp({ subcommandTerm })
    .configureOutput({
      writeOut: (text) => stdout.write(text),
      writeErr: (text) => stderr.write(text),
      outputError,
      getOutHelpWidth: () => helpWidthOf(stdout),
      getErrHelpWidth: () => helpWidthOf(stderr),
    })
    .exitOverride();
  for (const command of await loadCommands(ctx, argv)) program.addCommand(command);
  // Subcommands inherit neither exitOverride nor output settings; set them on each, nested
  // ones too (`acmapi schedule install`).
  const nested = (commands: readonly Command[]): Command[] => commands.flatMap((command) => [command, ...nested(command.commands)]);
  for (const command of nested(program.commands)) {
    command
      .exitOverride()
      .configureOutput({ writeOut: (text) => stdout.write(text), writeErr: (text) => stderr.write(text), outputError, getOutHelpWidth: () => helpWidthOf(stdout), getErrHelpWidth: () => helpWidthOf(stderr) })
      .showHelpAfterError('(run with --help for usage)');
    const examples = examplesHelpText(commandPath(command));
    if (examples !== '') command.addHelpText('after', examples);
  }
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code)) return EXIT_CODES.OK;
      // Commander has printed the message on stderr; in --json mode stdout still gets its one object.
      if (argv.includes('--json')) {
        ctx.makeOutput(true).result({
          status: 'error',
          exitCode: EXIT_CODES.USAGE,
          error: { code: 'USAGE', message: displayText(error.message.replace(/^error: /, ''), { maxLength: 500 }), hint: 'Run acmapi --help, or acmapi COMMAND --help.' },
        });
      }
      return EXIT_CODES.USAGE;
    }
    throw error;
  }
  return ctx.exitCode;
}
