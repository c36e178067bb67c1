/**
 * `acmapi list`: every certificate of the store with its domains, days left and state.
 *
 * Deliberately light: it imports only the store's listing (`@acmapi/core/store-list`, which
 * reads each `state.json` and parses no certificate), not the client, so that listing a fleet
 * of 1,000 certificates costs about what reading their certificates would (`pnpm bench`).
 */
import { shellQuote } from '@acmapi/core/text';
import { Command } from 'commander';
import { listCertificates } from '@acmapi/core/store-list';
import { clockFrom } from '../flags/clock.js';
import { loadProject } from '../flags/project.js';
import type { ProjectFlags } from '../flags/project.js';
import { addRenewBeforeOption, parseDays } from '../flags/store-flags.js';
import { EXIT_CODES } from '../present/exit-codes.js';
import { configOnlyEntries, listEntry, listLines } from '../present/list-view.js';
import type { ListJson } from '../present/list-view.js';
import type { CommandContext } from './command-kit.js';

interface ListFlags extends ProjectFlags {
  days?: string;
  renewBeforeDays?: string;
  json?: boolean;
}

/** Builds the `list` command. */
export function listCommand(ctx: CommandContext): Command {
  return addRenewBeforeOption(new Command('list'))
    .summary('show every certificate of the store: state, days left, handle, last error')
    .description('show every certificate of the store: name, state (valid, due, expired, pending with its handle, failed with its last error, new), days left, domains')
    .option('--config <file>', 'the project file (env ACMAPI_CONFIG; default ./acmapi.json when it exists); its certificates not yet issued are listed as new')
    .option('--out <dir>', 'the certificate store folder (default: defaults.storeDir of acmapi.json, else ./certs)')
    .option('--json', 'print {"certificates": [...]} on stdout')
    .action(async (flags: ListFlags) => {
      const output = ctx.makeOutput(flags.json === true);
      try {
        const now = clockFrom(ctx.env)();
        const project = await loadProject(flags, ctx.env);
        const days = parseDays(flags) ?? project.config?.defaults.renewBeforeDays;
        const records = await listCertificates(project.storeDir, { now, ...(days === undefined ? {} : { days }) });
        const entries = records.map((record) => listEntry(record));
        if (project.config !== undefined) entries.push(...configOnlyEntries(project.config.certificates, new Set(records.map((r) => r.name))));
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const result: ListJson = { certificates: entries };
        if (flags.json === true) output.result(result);
        else output.say(listLines(entries, storeFlags(flags)).join('\n'));
        ctx.exitCode = EXIT_CODES.OK;
      } catch (error) {
        // The error machinery imports the whole client: loaded only when something failed.
        const [{ describeError, formatError }, { exitCodeFor }] = await Promise.all([import('../present/describe-error.js'), import('../present/exit-code-for.js')]);
        const described = describeError(error);
        ctx.exitCode = exitCodeFor(error);
        output.warn(formatError(described));
        output.result({ status: 'error', exitCode: ctx.exitCode, error: described });
      }
    });
}

/** The flags `retrieve`/`renew` need to find this store again (none for the default one). */
function storeFlags(flags: ListFlags): string {
  return `${flags.config === undefined ? '' : ` --config ${shellQuote(flags.config)}`}${flags.out === undefined ? '' : ` --out ${shellQuote(flags.out)}`}`;
}
