/**
 * The commands of `acmapi`, as a table: enough to list them in `acmapi --help` and to
 * route a command line, without importing any command's module (`command-loaders.ts` does
 * that). A command's module, and what it pulls in (the client, X.509, HTTP, the sandbox), is
 * loaded only when that command runs or shows its own help, so `acmapi --help` costs about
 * what `node -e 0` does.
 *
 * `command-table.test.ts` checks each row against the command its loader builds, so the
 * table cannot drift from the commands.
 */

/** One row of {@link COMMANDS}. */
export interface CommandEntry {
  /** The command's name, as typed: `acmapi NAME`. */
  readonly name: string;
  /** How `acmapi --help` lists it: the name, `[options]` and its arguments, as commander writes them. */
  readonly term: string;
  /** Its line in `acmapi --help`: the command's summary (else its description). */
  readonly summary: string;
}

/** Every command, in the order `acmapi --help` lists them. */
export const COMMANDS = [
  {
    name: 'issue',
    term: 'issue [options] [certificate]',
    summary: 'apply for a certificate into the store (nothing when it is not yet due)',
  },
  {
    name: 'renew',
    term: 'renew [options] [certificates...]',
    summary: 'renew what is due, retrieve pending applications (for cron)',
  },
  {
    name: 'retrieve',
    term: 'retrieve [options] <handle>',
    summary: 'fetch the certificate of a pending application; checks it against the saved CSR and private key, then makes it live',
  },
  {
    name: 'schedule',
    term: 'schedule',
    summary: 'run renew twice a day from a systemd timer or cron: schedule install, show, remove',
  },
  {
    name: 'list',
    term: 'list [options]',
    summary: 'show every certificate of the store: state, days left, handle, last error',
  },
  {
    name: 'show',
    term: 'show [options] <certificate>',
    summary: 'show one certificate: its remembered settings, state, renewal time, failures and next attempt',
  },
  {
    name: 'delete',
    term: 'delete [options] <name>',
    summary: 'remove a certificate and its private keys from the store (asks on a terminal; --yes for scripts)',
  },
  {
    name: 'check',
    term: 'check [options]',
    summary:
      "check that every address of each domain serves the signfile the way the CA fetches it (http and https, redirects by the CA's rules) and that CAA lets the CA issue, without applying; exit 0 only when every domain passes, 8 when one fails",
  },
  {
    name: 'matrix',
    term: 'matrix [options]',
    summary:
      'print {"include":[{"name","domains"}]} on one line for strategy.matrix (fromJSON) of a GitHub Actions workflow: one job per certificate of acmapi.json',
  },
  {
    name: 'sandbox',
    term: 'sandbox [options]',
    summary: 'run the ACMAPI reference server with a test CA in the foreground (Ctrl-C stops it)',
  },
  {
    name: 'demo',
    term: 'demo [options]',
    summary:
      'start a sandbox CA and a signfile web server on this machine, issue a certificate for demo.acmapi.test, and print how to verify it with openssl',
  },
  {
    name: 'completion',
    term: 'completion <shell>',
    summary: 'print the shell completion script for bash, zsh or fish (see the examples for where to put it)',
  },
] as const satisfies readonly CommandEntry[];

/** The name of a command of {@link COMMANDS}. */
export type CommandName = (typeof COMMANDS)[number]['name'];

/**
 * The row of the command a command line runs, or whose help it asks for, the way
 * commander routes it: the first operand (`acmapi issue …`, also after `--`), or the
 * operand after `help` (`acmapi help issue`). `undefined` when the line names no known
 * command (`acmapi --help`, `acmapi`, a typo: commander then answers from the table).
 *
 * The program itself has no option that takes a value (only `-V` and `-h`), so every
 * other word that starts with `-` is skipped.
 *
 * @param args - the arguments after the script, as in `process.argv.slice(2)`.
 */
export function commandToLoad(args: readonly string[]): (typeof COMMANDS)[number] | undefined {
  const operands: string[] = [];
  for (let i = 0; i < args.length && operands.length < 2; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      operands.push(...args.slice(i + 1, i + 3));
      break;
    }
    if (!arg.startsWith('-')) operands.push(arg);
  }
  const name = operands[0] === 'help' ? operands[1] : operands[0];
  return COMMANDS.find((entry) => entry.name === name);
}
