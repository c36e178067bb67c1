/** `acmapi sandbox`: run the reference ACMAPI server (spec §6) in the foreground. */
import { Command } from 'commander';
import { formatSandboxBanner, loadSandboxConfig, startSandbox } from '@acmapi/sandbox';
import type { SandboxOptions } from '@acmapi/sandbox';
import { parsePort } from '../flags/port.js';
import { UsageError } from '../flags/cli-errors.js';
import { parseResolveFlags } from '../flags/signfile-flags.js';
import { describeError, formatError } from '../present/describe-error.js';
import { exitCodeFor } from '../present/exit-code-for.js';
import { EXIT_CODES } from '../present/exit-codes.js';
import type { CommandContext } from './command-kit.js';

interface SandboxFlags {
  port?: string;
  host?: string;
  config?: string;
  httpPort?: string;
  httpsPort?: string;
  resolve: string[];
  dnsServer: string[];
  requireDnssec?: boolean;
  caaIdentity: string[];
  perspectives?: string;
  showAdminToken?: boolean;
}

/** Builds the `sandbox` command. */
export function sandboxCommand(ctx: CommandContext): Command {
  return new Command('sandbox')
    .description('run the ACMAPI reference server with a test CA in the foreground (Ctrl-C stops it)')
    // No commander defaults: a default would always be "given" and override the file's port and host.
    .option('--port <n>', 'port to listen on (0: a free one; default: the config file\'s "port", else a free one)')
    .option('--host <address>', 'address to listen on (default: the config file\'s "host", else 127.0.0.1)')
    .option('--config <file>', 'JSON file of sandbox options (port, host, customers, validation, pending, refuse, faults, quirks); flags given win over it')
    .option('--http-port <n>', 'port the signfile check connects to for http:// URLs (instead of 80)')
    .option('--https-port <n>', 'port the signfile check connects to for https:// URLs (instead of 443)')
    .option(
      '--resolve <domain:addr[,addr…]>',
      'addresses the signfile check connects to for DOMAIN (a name or *.name), as curl --resolve without the port; repeatable',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option(
      '--dns-server <addr[:port]>',
      'DNS server for every A, AAAA, CNAME and CAA lookup of the CA (like Pebble\'s -dnsserver; [v6]:port for IPv6); repeatable; turns CAA checking on',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option(
      '--require-dnssec',
      'accept only DNSSEC-validated CAA answers (the AD bit) from the first --dns-server, which must be a validating resolver such as unbound (BR 3.2.2.8)',
    )
    .option(
      '--caa-identity <domain>',
      'issuer domain name CAA records must name (default: sandbox.acmapi.test); repeatable',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('--perspectives <n>', 'remote validation perspectives from 127.0.0.10… (BR 3.2.2.9; default 5, 0 for none)')
    .option('--show-admin-token', 'print the admin token (for POST /admin/approve and /admin/refuse)')
    .action(async (flags: SandboxFlags) => {
      const output = ctx.makeOutput(false);
      try {
        const port = parsePort(flags.port, '--port');
        const httpPort = parsePort(flags.httpPort, '--http-port');
        const httpsPort = parsePort(flags.httpsPort, '--https-port');
        const resolve = sandboxResolveMap(flags.resolve);
        const fromFile: SandboxOptions = flags.config === undefined ? {} : await loadSandboxConfig(flags.config);
        const validation = {
          ...fromFile.validation,
          ...(resolve === undefined ? {} : { resolve: { ...fromFile.validation?.resolve, ...resolve } }),
          ...(httpPort === undefined ? {} : { httpPort }),
          ...(httpsPort === undefined ? {} : { httpsPort }),
          // The sandbox's own option check validates the addresses and names the flag's field.
          ...(flags.dnsServer.length === 0 ? {} : { dnsServers: flags.dnsServer }),
          ...(flags.requireDnssec === true ? { requireDnssec: true } : {}),
        };
        const perspectives = flags.perspectives === undefined ? undefined : parseCount(flags.perspectives, '--perspectives');
        const sandbox = await startSandbox({
          ...fromFile,
          ...(port === undefined ? {} : { port }),
          ...(flags.host === undefined ? {} : { host: flags.host }),
          ...(flags.caaIdentity.length === 0 ? {} : { caaIdentities: flags.caaIdentity }),
          ...(perspectives === undefined ? {} : { perspectives }),
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

/**
 * A whole number from 0 to 64 given to a flag.
 * @throws {UsageError} `USAGE` naming the flag.
 */
function parseCount(value: string, flag: string): number {
  if (!/^\d{1,2}$/.test(value.trim()) || Number(value) > 64) {
    throw new UsageError(`${flag} ${JSON.stringify(value)} is not a count.`, { hint: `Give a whole number from 0 to 64, e.g. ${flag} 5.` });
  }
  return Number(value);
}

/**
 * Turns `--resolve` flags into the sandbox's `validation.resolve` map (domain
 * pattern → addresses); `*.name` patterns are allowed here, as in the config file.
 * A pattern given twice gets the addresses of both.
 *
 * @throws {UsageError} `USAGE_RESOLVE` for an entry core's parser refuses.
 */
export function sandboxResolveMap(values: readonly string[]): Record<string, string[]> | undefined {
  if (values.length === 0) return undefined;
  const map: Record<string, string[]> = {};
  for (const value of values) {
    // Core's parser takes domains only; a leading "*." is checked on the rest and put back.
    const wildcard = value.startsWith('*.');
    const parsed = parseResolveFlags([wildcard ? value.slice(2) : value])[0];
    if (parsed === undefined) continue;
    const key = wildcard ? `*.${parsed.domain}` : parsed.domain;
    map[key] = [...new Set([...(map[key] ?? []), ...parsed.addresses])];
  }
  return map;
}
