#!/usr/bin/env node
/**
 * The `acmapi` executable. `acmapi --version` is answered from package.json and
 * `acmapi --help` from the command table, without loading commander; any other command
 * line loads the program, which loads only the command being run.
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
  const { run } = await import('./program.js');
  process.exitCode = await run(process.argv);
}
