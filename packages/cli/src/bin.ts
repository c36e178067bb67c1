#!/usr/bin/env node
/**
 * The `acmapi` executable, built as CommonJS (dist/bin.cjs) so that `acmapi --version` and
 * `acmapi --help` are answered without starting Node's ES module loader: the version comes
 * from package.json, the help from the command table. Any other command line loads the
 * program built for the command it names (dist/programs/NAME.cjs, a CommonJS bundle with that
 * command alone; none.cjs when it names none) with a code cache (see code-cache.ts).
 */
import { basename, dirname, join } from 'node:path';
import { cacheDir, requireWithCodeCache } from './code-cache.js';
import { commandToLoad } from './command-table.js';
import { INSTALL_INCOMPLETE_HINT } from './present/install-incomplete.js';
import { helpWidthOf, programHelp } from './program-help.js';
import type * as Program from './program.js';
import { cliVersion } from './version.js';

/** Each program's content hash (SHA-256, hex) by its name (a command's, or `none`), written in by scripts/bundle-bin.mjs. */
declare const __ACMAPI_PROGRAM_HASHES__: Readonly<Record<string, string>>;

/**
 * The folder of bin.cjs (dist/): `__dirname`, unless Node runs it by the path of a symbolic
 * link to it (npm's `node_modules/.bin/acmapi` under `node --preserve-symlinks-main`), where
 * the programs and package.json are not: then the folder the link leads to. No system call in
 * the usual case.
 */
const binDir = basename(__filename) === 'bin.cjs' ? __dirname : dirname(process.getBuiltinModule('node:fs').realpathSync(__filename));

/** Loads the program: through Node's compile cache where Node has one (22.1 and later), else through ours. */
function loadProgram(): typeof Program {
  // flags/client.ts sets --liftoff-only before a command's first connection. V8 accepts a code
  // cache only under the flags it was made with, and ours is made at the end of a run: set the
  // flag before compiling too, or every cache made by a command that connects is rejected.
  process.getBuiltinModule('node:v8').setFlagsFromString('--liftoff-only');
  const name = commandToLoad(process.argv.slice(2))?.name ?? 'none';
  const file = join(binDir, 'programs', `${name}.cjs`);
  // The version, not the function: node:module costs five more built-in modules (its ES
  // module loader among them) that nothing else here needs.
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 1)) {
    // Node's own cache (in the OS temp folder, never in the package) covers require().
    (process.getBuiltinModule('node:module') as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  } else if (process.env['NODE_DISABLE_COMPILE_CACHE'] === undefined) {
    return requireWithCodeCache(file, __ACMAPI_PROGRAM_HASHES__[name] ?? 'unknown', cacheDir(process.env), require) as typeof Program;
  }
  // bin.ts runs as CommonJS (dist/bin.cjs): its own require loads the program.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program is a CommonJS file chosen at run time
  return require(file) as typeof Program;
}

/** Swallows the errors of writing to a pipe whose reader has closed; rethrows any other. */
function ignoreClosedReader(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
}

const args = process.argv.slice(2);
const only = args.length === 1 ? args[0] : undefined;
if (only === '--version' || only === '-V') {
  process.stdout.write(`${cliVersion(process.getBuiltinModule('node:url').pathToFileURL(join(binDir, 'bin.cjs')).href)}\n`);
} else if (only === '--help' || only === '-h') {
  process.stdout.write(programHelp(helpWidthOf(process.stdout)));
} else {
  // A reader that goes away early (`acmapi issue --help | head -1`) must not end a command
  // halfway with "Unhandled 'error' event … EPIPE": the rest of its output is dropped and
  // the command finishes its work (an issuance half done would leave files to clean up).
  for (const stream of [process.stdout, process.stderr]) stream.on('error', ignoreClosedReader);
  let program: typeof Program | undefined;
  try {
    program = loadProgram();
  } catch (error) {
    // The program's own file gone (an installation cut short): say so, as the program says of its lazy files.
    const missing = error as NodeJS.ErrnoException;
    if ((missing.code !== 'ENOENT' && missing.code !== 'MODULE_NOT_FOUND') || !missing.message.includes(join(binDir, 'programs'))) throw error;
    process.stderr.write(`Error: acmapi's installation is incomplete: a file of ${join(binDir, 'programs')} is missing.\nWhat to do: ${INSTALL_INCOMPLETE_HINT}\n`);
    process.exitCode = 7;
  }
  // An error that escapes run() is a bug: the rejection ends the process with its stack, exit 1.
  void program?.run(process.argv).then((code) => {
    process.exitCode = code;
  });
}
