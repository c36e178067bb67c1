/**
 * `acmapi --help` without commander: the program's help written from the command table in
 * commander's layout, so that this most common first command costs about what `node -e 0`
 * does (commander alone takes about 20 ms to load on a small machine). `program.ts` gives
 * commander the same description and table; `program-help.test.ts` checks that both write
 * the same text, at several terminal widths.
 */
import { COMMANDS } from './command-table.js';
import { examplesHelpText } from './help-examples.js';

/** What `acmapi --help` says the program does. */
export const PROGRAM_DESCRIPTION =
  "Get TLS certificates from a CA's ACMAPI (spec: WoSign ACMAPI 2015) and keep them in a crash-safe store. Exit codes: 0 ok, 2 usage, 3 pending, 4 rejected, 5 CA unavailable, 6 check failed, 7 local I/O, 8 preflight failed, 9 locked, 1 unexpected.";

/** The program's own options, as commander lists them. */
const OPTIONS: readonly (readonly [string, string])[] = [
  ['-V, --version', 'output the version number'],
  ['-h, --help', 'display help for command'],
];

/** commander's implicit `help` command, listed last. */
const HELP_COMMAND = ['help [command]', 'display help for command'] as const;

/** Below this many columns commander leaves a text unwrapped. */
const MIN_WIDTH_TO_WRAP = 40;

/** The width help is wrapped to on `stream`, as commander decides it: a terminal's columns, else 80. */
export function helpWidthOf(stream: { readonly isTTY?: boolean; readonly columns?: number }): number {
  return (stream.isTTY === true ? stream.columns : undefined) ?? 80;
}

/** The text of `acmapi --help` for a terminal `width` columns wide, ending with a newline. */
export function programHelp(width: number): string {
  const commands = [...COMMANDS.map((entry) => [entry.term, entry.summary] as const), HELP_COMMAND];
  const termWidth = Math.max(...[...OPTIONS, ...commands].map(([term]) => term.length));
  const item = ([term, description]: readonly [string, string]): string => formatItem(term, description, termWidth, width);
  return [
    'Usage: acmapi [options] [command]',
    '',
    wrap(PROGRAM_DESCRIPTION, width),
    '',
    'Options:',
    ...OPTIONS.map(item),
    '',
    'Commands:',
    ...commands.map(item),
    examplesHelpText(''),
    '',
  ].join('\n');
}

/** One line of a list: the term padded to `termWidth`, the description wrapped beside it (commander's `formatItem`). */
function formatItem(term: string, description: string, termWidth: number, width: number): string {
  const remaining = width - termWidth - 4;
  const text = remaining < MIN_WIDTH_TO_WRAP ? description : wrap(description, remaining).replaceAll('\n', `\n${' '.repeat(termWidth + 2)}`);
  return `  ${term.padEnd(termWidth)}  ${text.replaceAll('\n', '\n  ')}`;
}

/** Wraps one line of text at spaces to `width` columns (commander's `boxWrap`). */
function wrap(text: string, width: number): string {
  if (width < MIN_WIDTH_TO_WRAP) return text;
  const [first = '', ...chunks] = text.match(/\s*\S+/g) ?? [];
  const lines: string[] = [];
  let line = first;
  for (const chunk of chunks) {
    if (line.length + chunk.length <= width) {
      line += chunk;
    } else {
      lines.push(line);
      line = chunk.trimStart();
    }
  }
  lines.push(line);
  return lines.join('\n');
}
