#!/usr/bin/env node
/**
 * The `acmapi` executable, built as CommonJS (dist/bin.cjs) so that `acmapi --version` and
 * `acmapi --help` are answered without starting Node's ES module loader: the version comes
 * from package.json, the help from the command table. Any other command line loads the
 * program built for the command it names (dist/programs/NAME.cjs, a CommonJS bundle with that
 * command alone; none.cjs when it names none) with a code cache (see code-cache.ts).
 */
import module from 'node:module';
import { join } from 'node:path';
import { cacheDir, requireWithCodeCache } from './code-cache.js';
import { commandToLoad } from './command-table.js';
import { helpWidthOf, programHelp } from './program-help.js';
import type * as Program from './program.js';
import { cliVersion } from './version.js';

/** Each program's content hash (SHA-256, hex) by its name (a command's, or `none`), written in by scripts/bundle-bin.mjs. */
declare const __ACMAPI_PROGRAM_HASHES__: Readonly<Record<string, string>>;

/** Loads the program: through Node's compile cache where Node has one (22.1 and later), else through ours. */
function loadProgram(): typeof Program {
  // flags/client.ts sets --liftoff-only before a command's first connection. V8 accepts a code
  // cache only under the flags it was made with, and ours is made at the end of a run: set the
  // flag before compiling too, or every cache made by a command that connects is rejected.
  process.getBuiltinModule('node:v8').setFlagsFromString('--liftoff-only');
  const name = commandToLoad(process.argv.slice(2))?.name ?? 'none';
  const file = join(__dirname, 'programs', `${name}.cjs`);
  // Test for the function rather than the Node version.
  const enableCompileCache = (module as { enableCompileCache?: () => unknown }).enableCompileCache;
  if (enableCompileCache !== undefined || process.env['NODE_DISABLE_COMPILE_CACHE'] !== undefined) {
    // Node's own cache (in the OS temp folder, never in the package) covers require().
    enableCompileCache?.();
    return module.createRequire(file)(file) as typeof Program;
  }
  return requireWithCodeCache(file, __ACMAPI_PROGRAM_HASHES__[name] ?? 'unknown', cacheDir(process.env)) as typeof Program;
}

const args = process.argv.slice(2);
const only = args.length === 1 ? args[0] : undefined;
if (only === '--version' || only === '-V') {
  process.stdout.write(`${cliVersion()}\n`);
} else if (only === '--help' || only === '-h') {
  process.stdout.write(programHelp(helpWidthOf(process.stdout)));
} else {
  // An error that escapes run() is a bug: the rejection ends the process with its stack, exit 1.
  void loadProgram()
    .run(process.argv)
    .then((code) => {
      process.exitCode = code;
    });
}
