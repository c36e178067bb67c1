/**
 * The command line as data: every command, subcommand and option of `acmapi`, read from the
 * commander commands themselves. Shell completion (`completion-scripts.ts`) and the man page
 * (`man-page.ts`) are generated from this one tree, so neither can drift from the parser.
 */
import type { Command, Option } from 'commander';
import { COMMAND_LOADERS } from '../command-loaders.js';
import { COMMANDS } from '../command-table.js';
import type { CommandContext } from '../commands/command-kit.js';
import { HELP_EXAMPLES } from '../help-examples.js';
import { PROGRAM_DESCRIPTION } from '../program-help.js';

/** How an option's value is completed. */
export type ValueKind =
  /** No value: a switch. */
  | { readonly kind: 'none' }
  /** A path to a file (`<file>`). */
  | { readonly kind: 'file' }
  /** A path to a folder (`<dir>`). */
  | { readonly kind: 'dir' }
  /** One of a fixed list (commander's `choices`). */
  | { readonly kind: 'choices'; readonly choices: readonly string[] }
  /** Anything else: typed by the user. */
  | { readonly kind: 'text' };

/** One option of a command, as commander declares it. */
export interface OptionNode {
  /** `-d`, when it has a short form. */
  readonly short: string | undefined;
  /** `--domain`, when it has a long form. */
  readonly long: string | undefined;
  /** The flags as written in `--help`, e.g. `-d, --domain <domain>`. */
  readonly flags: string;
  readonly description: string;
  readonly value: ValueKind;
}

/** One command (the program itself at the root). */
export interface CommandNode {
  /** The words that run it after `acmapi`, e.g. `['schedule', 'install']`; empty at the root. */
  readonly path: readonly string[];
  /** Its one-line summary (for `acmapi --help` and completion menus). */
  readonly summary: string;
  /** Its full description. */
  readonly description: string;
  /** Its arguments as commander writes them, e.g. `[certificate]`, `<handle>`. */
  readonly usage: string;
  /** Its options, hidden ones left out, `-h, --help` included. */
  readonly options: readonly OptionNode[];
  readonly subcommands: readonly CommandNode[];
  /** Example command lines for its help (see `help-examples.ts`). */
  readonly examples: readonly string[];
}

const HELP_OPTION: OptionNode = { short: '-h', long: '--help', flags: '-h, --help', description: 'display help for command', value: { kind: 'none' } };

function valueKind(option: Option): ValueKind {
  if (!option.required && !option.optional) return { kind: 'none' };
  if (option.argChoices !== undefined && option.argChoices.length > 0) return { kind: 'choices', choices: [...option.argChoices] };
  const name = /<([^>]+)>|\[([^\]]+)\]/.exec(option.flags);
  const placeholder = name?.[1] ?? name?.[2] ?? '';
  if (placeholder === 'file') return { kind: 'file' };
  if (placeholder === 'dir') return { kind: 'dir' };
  return { kind: 'text' };
}

/** The node of a commander command and its subcommands (pure: reads the objects only). */
export function describeCommand(command: Command, parentPath: readonly string[] = []): CommandNode {
  const path = [...parentPath, command.name()];
  const options = command.options
    .filter((option) => !option.hidden)
    .map((option): OptionNode => ({ short: option.short, long: option.long, flags: option.flags, description: option.description, value: valueKind(option) }));
  const args = command.registeredArguments.map((arg) => {
    const name = `${arg.name()}${arg.variadic ? '...' : ''}`;
    return arg.required ? `<${name}>` : `[${name}]`;
  });
  return {
    path,
    summary: command.summary() || command.description(),
    description: command.description(),
    usage: args.join(' '),
    options: [...options, HELP_OPTION],
    subcommands: command.commands.map((sub) => describeCommand(sub, path)),
    examples: HELP_EXAMPLES[path.join(' ')] ?? [],
  };
}

/**
 * The whole tree: every command of the table, each built from its module (so this loads all
 * of them; only `acmapi completion` and the man page's build do).
 */
export async function loadCommandTree(ctx: CommandContext): Promise<CommandNode> {
  const commands: CommandNode[] = [];
  for (const entry of COMMANDS) commands.push(describeCommand(await COMMAND_LOADERS[entry.name](ctx)));
  return {
    path: [],
    summary: PROGRAM_DESCRIPTION,
    description: PROGRAM_DESCRIPTION,
    usage: '[options] [command]',
    options: [
      { short: '-V', long: '--version', flags: '-V, --version', description: 'output the version number', value: { kind: 'none' } },
      HELP_OPTION,
    ],
    subcommands: commands,
    examples: HELP_EXAMPLES[''] ?? [],
  };
}

/** Every node of the tree, depth first, the root first. */
export function allCommands(node: CommandNode): CommandNode[] {
  return [node, ...node.subcommands.flatMap(allCommands)];
}
