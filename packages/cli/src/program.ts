/**
 * The `acmapi` program: commander wiring and the exit code. `run()` never calls
 * `process.exit`, so it is testable and lets output flush.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { CommandContext } from './commands/command-kit.js';
import { EXIT_CODES } from './present/exit-codes.js';
import { Output } from './present/output.js';

/** Where `run()` reads and writes; the process's by default. */
export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

/** The package version, for `--version`. */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

/**
 * The commands. `list` alone is loaded without the others: they import the whole client
 * (X.509, HTTP, the sandbox), which would cost `acmapi list` over a fleet most of its time.
 */
async function loadCommands(ctx: CommandContext, argv: readonly string[]): Promise<Command[]> {
  if (argv[2] === 'list') return [(await import('./commands/list.js')).listCommand(ctx)];
  const [check, demo, issue, list, matrix, renew, retrieve, sandbox] = await Promise.all([
    import('./commands/check.js'),
    import('./commands/demo.js'),
    import('./commands/issue.js'),
    import('./commands/list.js'),
    import('./commands/matrix.js'),
    import('./commands/renew.js'),
    import('./commands/retrieve.js'),
    import('./commands/sandbox.js'),
  ]);
  return [
    issue.issueCommand(ctx),
    renew.renewCommand(ctx),
    retrieve.retrieveCommand(ctx),
    list.listCommand(ctx),
    check.checkCommand(ctx),
    matrix.matrixCommand(ctx),
    sandbox.sandboxCommand(ctx),
    demo.demoCommand(ctx),
  ];
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
    .description('Get TLS certificates from a CA\'s ACMAPI (spec: WoSign ACMAPI 2015) and keep them in a crash-safe store. Exit codes: 0 ok, 2 usage, 3 pending, 4 rejected, 5 CA unavailable, 6 check failed, 7 local I/O, 8 preflight failed, 9 locked, 1 unexpected.')
    .version(cliVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => stdout.write(text),
      writeErr: (text) => stderr.write(text),
    })
    .exitOverride();
  for (const command of await loadCommands(ctx, argv)) program.addCommand(command);
  // Subcommands inherit neither exitOverride nor output settings; set them on each.
  for (const command of program.commands) {
    command.exitOverride().configureOutput({ writeOut: (text) => stdout.write(text), writeErr: (text) => stderr.write(text) }).showHelpAfterError('(run with --help for usage)');
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
          error: { code: 'USAGE', message: error.message.replace(/^error: /, ''), hint: 'Run acmapi --help, or acmapi COMMAND --help.' },
        });
      }
      return EXIT_CODES.USAGE;
    }
    throw error;
  }
  return ctx.exitCode;
}
