/**
 * The man page `acmapi(1)`, in roff with the man macros (groff_man(7)), generated from the
 * command tree (`command-tree.ts`) at build time (scripts/build-man.mjs writes
 * dist/man/acmapi.1). Pure: the same tree gives the same page.
 */
import { allCommands, type CommandNode, type OptionNode } from './command-tree.js';

/** What the page says besides the tree. */
export interface ManPageOptions {
  /** The package version, in the page's footer. */
  readonly version: string;
}

/**
 * Text as roff input: backslashes escaped, `-` as a real minus (`\-`, so options can be
 * searched and copied), every character outside ASCII as a `\[uXXXX]` escape (groff reads
 * input as Latin-1 by default), and a line that starts with `.` or `'` kept from being read
 * as a request.
 */
export function roffText(text: string): string {
  // Code point by code point (not grapheme): roff escapes name one code point each.
  const escaped = text
    .replaceAll('\\', '\\e')
    .replaceAll('-', '\\-')
    .replace(/[^\t\n -~]/gu, (char) => `\\[u${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`);
  return escaped
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}

/** `-d, --domain <domain>` as bold names and an italic value. */
function optionTag(option: OptionNode): string {
  const names = [option.short, option.long].filter((name): name is string => name !== undefined).map((name) => `\\fB${roffText(name)}\\fR`);
  const value = /\s([<[].*)$/.exec(option.flags)?.[1];
  return `${names.join(', ')}${value === undefined ? '' : ` \\fI${roffText(value)}\\fR`}`;
}

function section(node: CommandNode): string[] {
  const name = ['acmapi', ...node.path].join(' ');
  const lines = [`.SS "${roffText(`${name} [options]${node.usage === '' ? '' : ` ${node.usage}`}`).replaceAll('"', '""')}"`, roffText(node.description)];
  if (node.subcommands.length > 0) {
    lines.push('.PP', `Subcommands: ${node.subcommands.map((sub) => `\\fB${roffText(sub.path.at(-1) ?? '')}\\fR`).join(', ')}.`);
  }
  for (const option of node.options) lines.push('.TP', optionTag(option), roffText(option.description));
  if (node.examples.length > 0) {
    lines.push('.PP', 'Examples:', '.PP', '.RS 4', '.EX', ...node.examples.map(roffText), '.EE', '.RE');
  }
  return lines;
}

/** The page, ending with a newline. */
export function manPage(tree: CommandNode, options: ManPageOptions): string {
  const commands = allCommands(tree).slice(1);
  const exitCodes = /Exit codes: ([^]*)$/.exec(tree.description)?.[1]?.replace(/\.$/, '') ?? '';
  const lines = [
    `.\\" Generated from acmapi's commands by scripts/build-man.mjs; do not edit.`,
    `.TH ACMAPI 1 "" "acmapi ${roffText(options.version)}" "User Commands"`,
    '.SH NAME',
    `acmapi \\- get TLS certificates from a CA's ACMAPI and keep them in a crash\\-safe store`,
    '.SH SYNOPSIS',
    '.B acmapi',
    '.RI [ options ] " command " [ arguments ]',
    '.SH DESCRIPTION',
    roffText(tree.description.replace(/\s*Exit codes: [^]*$/, '')),
    '.PP',
    'Run \\fBacmapi\\fR \\fIcommand\\fR \\fB\\-\\-help\\fR for the options of one command; they are all listed below.',
    '.SH OPTIONS',
    ...tree.options.flatMap((option) => ['.TP', optionTag(option), roffText(option.description)]),
    '.SH COMMANDS',
    ...commands.flatMap(section),
    '.SH EXIT STATUS',
    ...exitCodes.split(', ').flatMap((item) => {
      const [code = '', ...words] = item.split(' ');
      return ['.TP', `\\fB${roffText(code)}\\fR`, roffText(words.join(' '))];
    }),
    '.SH EXAMPLES',
    '.EX',
    ...tree.examples.map(roffText),
    '.EE',
    '.SH SEE ALSO',
    '\\fBopenssl\\fR(1), \\fBsystemd.timer\\fR(5), \\fBcron\\fR(8)',
  ];
  return `${lines.join('\n')}\n`;
}
