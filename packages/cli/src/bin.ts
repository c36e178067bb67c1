#!/usr/bin/env node
/**
 * The `acmapi` executable, built as CommonJS (dist/bin.cjs) so that `acmapi --version` and
 * `acmapi --help` are answered without starting Node's ES module loader: the version comes
 * from package.json, the help from the command table. Any other command line imports the
 * program (an ES module bundle), which loads only the command being run.
 */
import module from 'node:module';
import { helpWidthOf, programHelp } from './program-help.js';
import { cliVersion } from './version.js';

const args = process.argv.slice(2);
const only = args.length === 1 ? args[0] : undefined;
if (only === '--version' || only === '-V') {
  process.stdout.write(`${cliVersion()}\n`);
} else if (only === '--help' || only === '-h') {
  process.stdout.write(programHelp(helpWidthOf(process.stdout)));
} else {
  // Node 22.1 and later keep compiled code between runs (in the OS temp folder, never in
  // the package); older Node has no such function, so test for it rather than the version.
  (module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  // An error that escapes run() is a bug: the rejection ends the process with its stack, exit 1.
  void import('./program.js').then(async ({ run }) => {
    process.exitCode = await run(process.argv);
  });
}
