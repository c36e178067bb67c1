/**
 * Examples in every command's `--help`, and the man page built from the same command tree:
 * each example names only options its command has; groff renders the page without a
 * warning (`-ww`), `man -l` reads it, and it lists every command and option.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { findBinary } from '@acmapi/test-utils';
import { allCommands, loadCommandTree, type CommandNode } from '../src/completion/command-tree.js';
import type { CommandContext } from '../src/commands/command-kit.js';
import { HELP_EXAMPLES } from '../src/help-examples.js';
import { Output } from '../src/present/output.js';
import { runCli } from './cli-harness.js';

const exec = promisify(execFile);
const MAN_PAGE = fileURLToPath(new URL('../dist/man/acmapi.1', import.meta.url));
const ctx: CommandContext = { env: {}, makeOutput: (json) => new Output({ json, stdout: process.stdout, stderr: process.stderr, env: {} }), exitCode: 0 };

let tree: CommandNode;
beforeAll(async () => {
  tree = await loadCommandTree(ctx);
});

/** The option words of an example command line, up to a bare `--` (after it: another command's). */
function optionWordsOf(example: string): string[] {
  const words = example.split(/\s+/);
  const end = words.indexOf('--');
  return (end === -1 ? words : words.slice(0, end)).filter((word) => /^--?[a-zA-Z]/.test(word)).map((word) => word.replace(/=.*$/, ''));
}

describe('examples in --help', () => {
  it('every command and subcommand has examples that run it and use only its options', () => {
    const nodes = allCommands(tree);
    for (const node of nodes) {
      const name = ['acmapi', ...node.path].join(' ');
      expect(node.examples.length, `${name} has no examples`).toBeGreaterThan(0);
      for (const example of node.examples) {
        expect(example, `an example of ${name}`).toContain(node.path.length === 0 ? 'acmapi ' : name);
        // The command it runs: the longest command path the words after `acmapi` start with.
        const words = example.slice(example.indexOf('acmapi ')).split(/\s+/).slice(1);
        const target = nodes.filter((other) => other.path.every((word, i) => words[i] === word)).sort((a, b) => b.path.length - a.path.length)[0] ?? tree;
        const known = new Set(target.options.flatMap((option) => [option.short, option.long]));
        for (const word of optionWordsOf(words.slice(target.path.length).join(' '))) expect(known, `${word} in "${example}"`).toContain(word);
      }
    }
  });

  it('names no command that does not exist', () => {
    const paths = new Set(allCommands(tree).map((node) => node.path.join(' ')));
    for (const key of Object.keys(HELP_EXAMPLES)) expect(paths, key).toContain(key);
  });

  it('shows them after each command’s help, and after the program’s', async () => {
    for (const node of allCommands(tree)) {
      const result = await runCli([...node.path, '--help']);
      expect(result.code, node.path.join(' ')).toBe(0);
      const examples = result.stdout.slice(result.stdout.indexOf('\nExamples:\n'));
      expect(examples, node.path.join(' ')).toBe(`\nExamples:\n${node.examples.map((line) => `  $ ${line}`).join('\n')}\n`);
    }
  });
});

describe('man page (dist/man/acmapi.1)', () => {
  it('renders with groff -man -Tutf8 -ww without a warning', async () => {
    const { stdout, stderr } = await exec(findBinary('groff', 'groff-base'), ['-man', '-Tutf8', '-ww', MAN_PAGE]);
    expect(stderr).toBe('');
    expect(stdout).toContain('ACMAPI(1)');
  });

  it('is read by man -l, and lists every command, option and example', async () => {
    const { stdout } = await exec(findBinary('man', 'man-db'), ['-l', MAN_PAGE], { env: { ...process.env, MANPAGER: 'cat', PAGER: 'cat', MANWIDTH: '200', MAN_KEEP_FORMATTING: '' } });
    // Bold and underline are overstrikes (X\bX, _\bX) when man writes to a pipe.
    // eslint-disable-next-line no-control-regex -- removing the backspaces of overstrikes is the point
    const text = stdout.replace(/.\x08/g, '');
    expect(text).toMatch(/^NAME\n\s+acmapi - get TLS certificates/m);
    for (const node of allCommands(tree).slice(1)) {
      expect(text).toContain(`acmapi ${node.path.join(' ')} [options]`);
      for (const option of node.options) if (option.long !== undefined) expect(text, `${node.path.join(' ')} ${option.long}`).toContain(option.long);
      for (const example of node.examples) expect(text).toContain(example);
    }
    expect(text).toMatch(/^EXIT STATUS\n\s+0\s+ok$/m);
  });

  it('is the page of this build: its version is the package’s', async () => {
    const page = await readFile(MAN_PAGE, 'utf8');
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(page).toContain(`.TH ACMAPI 1 "" "acmapi ${pkg.version.replaceAll('-', '\\-')}"`);
  });
});
