#!/usr/bin/env node
/**
 * The `acmapi` executable. `acmapi --version` is answered from package.json alone; any
 * other command line loads the program, which loads only the command being run.
 */
import module from 'node:module';
import { cliVersion } from './version.js';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${cliVersion()}\n`);
} else {
  // Node 22.1 and later keep compiled code between runs (in the OS temp folder, never in
  // the package); older Node has no such function, so test for it rather than the version.
  (module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  const { run } = await import('./program.js');
  process.exitCode = await run(process.argv);
}
