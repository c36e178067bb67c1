/** `acmapi sandbox`: run the reference ACMAPI server (spec §6) in the foreground. */
import { Command } from 'commander';
import { formatSandboxBanner, loadSandboxConfig, startSandbox } from '@acmapi/sandbox';
import type { SandboxOptions } from '@acmapi/sandbox';
import { UsageError } from '../cli-errors.js';
import type { CommandContext } from '../command-kit.js';
import { describeError, formatError } from '../describe-error.js';
import { EXIT_CODES, exitCodeFor } from '../exit-codes.js';

interface SandboxFlags {
  port?: string;
  host?: string;
  config?: string;
  httpPort?: string;
  httpsPort?: string;
  showAdminToken?: boolean;
}

/**
 * Parses a port flag.
 *
 * @throws {UsageError} `USAGE_PORT` unless it is a whole number 0–65535.
 */
export function parsePort(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65_535) {
    throw new UsageError(`${flag} ${JSON.stringify(text)} is not a port.`, { code: 'USAGE_PORT', hint: `Give a whole number from 0 to 65535, e.g. ${flag} 8443.` });
  }
  return port;
}

/** Builds the `sandbox` command. */
export function sandboxCommand(ctx: CommandContext): Command {
  return new Command('sandbox')
    .description('run the ACMAPI reference server with a test CA in the foreground (Ctrl-C stops it)')
    .option('--port <n>', 'port to listen on (0: a free one)', '0')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--config <file>', 'JSON file of sandbox options (customers, validation, pending, refuse, faults, quirks)')
    .option('--http-port <n>', 'port the signfile check connects to for http:// URLs (instead of 80)')
    .option('--https-port <n>', 'port the signfile check connects to for https:// URLs (instead of 443)')
    .option('--show-admin-token', 'print the admin token (for POST /admin/approve and /admin/refuse)')
    .action(async (flags: SandboxFlags) => {
      const output = ctx.makeOutput(false);
      try {
        const port = parsePort(flags.port, '--port');
        const httpPort = parsePort(flags.httpPort, '--http-port');
        const httpsPort = parsePort(flags.httpsPort, '--https-port');
        const fromFile: SandboxOptions = flags.config === undefined ? {} : await loadSandboxConfig(flags.config);
        const validation = {
          ...fromFile.validation,
          ...(httpPort === undefined ? {} : { httpPort }),
          ...(httpsPort === undefined ? {} : { httpsPort }),
        };
        const sandbox = await startSandbox({
          ...fromFile,
          ...(port === undefined ? {} : { port }),
          ...(flags.host === undefined ? {} : { host: flags.host }),
          validation,
        });
        output.say(formatSandboxBanner(sandbox, { showAdminToken: flags.showAdminToken === true }));
        output.say('Press Ctrl-C to stop.');
        const signal = await new Promise<NodeJS.Signals>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        output.warn(`Received ${signal}; stopping the sandbox.`);
        await sandbox.close();
        ctx.exitCode = EXIT_CODES.OK;
      } catch (error) {
        output.warn(formatError(describeError(error)));
        ctx.exitCode = exitCodeFor(error);
      }
    });
}
