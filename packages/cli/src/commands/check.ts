/** `acmapi check`: the signfile preflight alone (spec §5), without applying. */
import { Command } from 'commander';
import { signfileToken } from '@acmapi/core';
import { DEFAULT_ENDPOINT } from '@acmapi/core/config';
import { caaPolicyFor, preflight } from '@acmapi/core/preflight';
import type { PreflightResult } from '@acmapi/core/preflight';
import { UsageError } from '../flags/cli-errors.js';
import { keepHttpParserUnoptimized } from '../flags/client.js';
import { addSignfileOptions, parseSignfileFlags } from '../flags/signfile-flags.js';
import type { SignfileFlags } from '../flags/signfile-flags.js';
import { describeError, formatError } from '../present/describe-error.js';
import { exitCodeFor } from '../present/exit-code-for.js';
import { EXIT_CODES } from '../present/exit-codes.js';
import { preflightReportLines } from '../present/preflight-report.js';
import type { CommandContext } from './command-kit.js';

const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

interface CheckFlags extends SignfileFlags {
  domain: string[];
  json?: boolean;
}

/** The `--json` object of `check`: the {@link PreflightResult} plus the exit code. */
export type CheckResultJson = PreflightResult & { exitCode: number };

/** Builds the `check` command. */
export function checkCommand(ctx: CommandContext): Command {
  const command = new Command('check')
    .description('check that every address of each domain serves the signfile the way the CA fetches it (http and https, redirects by the CA\'s rules) and that CAA lets the CA issue, without applying; exit 0 only when every domain passes, 8 when one fails')
    .option('-d, --domain <domain>', 'a domain to check; repeat for several', (value: string, previous: string[]) => [...previous, value], [])
    .option('--json', 'print the preflight result as one JSON object on stdout');
  addSignfileOptions(command);
  return command.action(async (flags: CheckFlags) => {
    const output = ctx.makeOutput(flags.json === true);
    try {
      if (flags.domain.length === 0) {
        throw new UsageError('No domain given.', { code: 'USAGE_DOMAINS', hint: 'Name each domain with -d, e.g. acmapi check -d example.com --signfile ./signfile.' });
      }
      const settings = await parseSignfileFlags(flags, ctx.env);
      if (settings.signfile === undefined) {
        throw new UsageError('No signfile given.', { code: 'USAGE_SIGNFILE', hint: 'Pass the signfile the CA issued with --signfile FILE (or ACMAPI_SIGNFILE=FILE).' });
      }
      keepHttpParserUnoptimized();
      // check talks to no CA: CAA is weighed for the CA of ACMAPI_ENDPOINT (default endpoint otherwise).
      const caa = caaPolicyFor(nonEmpty(ctx.env['ACMAPI_ENDPOINT']) ?? DEFAULT_ENDPOINT, nonEmpty(ctx.env['ACMAPI_CUSTOMER_ID']) ?? '');
      const result = await preflight({
        domains: flags.domain,
        signfile: { name: settings.signfile.name, content: signfileToken(settings.signfile.content) },
        mode: 'strict',
        resolve: settings.resolve,
        ...(settings.httpPort === undefined ? {} : { httpPort: settings.httpPort }),
        ...(settings.httpsPort === undefined ? {} : { httpsPort: settings.httpsPort }),
        dnsServers: settings.dnsServers,
        caaIdentities: caa.identities,
        ...(caa.accountUri === undefined ? {} : { caaAccountUri: caa.accountUri }),
      });
      const exitCode = result.ok ? EXIT_CODES.OK : EXIT_CODES.PREFLIGHT_FAILED;
      output.say(preflightReportLines(result).join('\n'));
      const json: CheckResultJson = { ...result, exitCode };
      output.result(json);
      ctx.exitCode = exitCode;
    } catch (error) {
      const described = describeError(error);
      const exitCode = exitCodeFor(error);
      output.warn(formatError(described));
      output.result({ status: 'error', exitCode, error: described });
      ctx.exitCode = exitCode;
    }
  });
}
