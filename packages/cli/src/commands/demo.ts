/** `acmapi demo`: issue a certificate from a local sandbox CA, end to end, and show how to verify it. */
import { Command } from 'commander';
import { runAction } from '../command-kit.js';
import type { CommandContext } from '../command-kit.js';
import { runDemo } from '../demo-flow.js';
import { printIssueResult } from './issue.js';

interface DemoFlags {
  out: string;
  json?: boolean;
}

/** Default output folder of `demo`. */
export const DEFAULT_DEMO_OUT_DIR = './acmapi-demo';

/** Builds the `demo` command. */
export function demoCommand(ctx: CommandContext): Command {
  return new Command('demo')
    .description('start a sandbox CA and a signfile web server on this machine, issue a certificate for demo.acmapi.test, and print how to verify it with openssl')
    .option('--out <dir>', 'output folder', DEFAULT_DEMO_OUT_DIR)
    .option('--json', 'print one JSON object on stdout; messages go to stderr')
    .action(async (flags: DemoFlags) => {
      const output = ctx.makeOutput(flags.json === true);
      await runAction(
        ctx,
        output,
        () => runDemo({ outDir: flags.out, output }),
        (result) => {
          printIssueResult(output, result, flags.out);
          if (result.verifyCommand !== undefined) {
            output.say('Verify it with openssl (the sandbox root is trusted by nothing else):');
            output.say(`  ${result.verifyCommand}`);
          }
        },
      );
    });
}
