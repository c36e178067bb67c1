/**
 * `acmapi completion bash|zsh|fish`, each script loaded into the real shell: bash through
 * `complete -p` and completion runs with COMP_WORDS; zsh through compinit, and its
 * completion function run with the completion system's builtins replaced by recorders;
 * fish through `complete -C`. Every command and option of the tree must be offered.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinary } from '@acmapi/test-utils';
import { allCommands, loadCommandTree, type CommandNode } from '../src/completion/command-tree.js';
import type { CommandContext } from '../src/commands/command-kit.js';
import { Output } from '../src/present/output.js';
import { CLI_BIN, runCli } from './cli-harness.js';

const exec = promisify(execFile);
const ctx: CommandContext = { env: {}, makeOutput: (json) => new Output({ json, stdout: process.stdout, stderr: process.stderr, env: {} }), exitCode: 0 };

let tree: CommandNode;
let home: string;
/** A PATH on which `acmapi` is the built CLI (a wrapper script), as after `npm i -g`. */
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  tree = await loadCommandTree(ctx);
  home = await mkdtemp(join(tmpdir(), 'acmapi-completion-'));
  await mkdir(join(home, 'bin'));
  await writeFile(join(home, 'bin', 'acmapi'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI_BIN)} "$@"\n`);
  await chmod(join(home, 'bin', 'acmapi'), 0o755);
  env = { PATH: `${join(home, 'bin')}:${process.env['PATH'] ?? ''}`, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local/share') };
  // Each script printed once by the built command; the completion runs below load these files.
  for (const shell of ['bash', 'zsh', 'fish']) {
    const { stdout } = await exec(join(home, 'bin', 'acmapi'), ['completion', shell], { env });
    await writeFile(join(home, `script.${shell}`), stdout);
  }
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

const longOptions = (node: CommandNode): string[] => node.options.flatMap((option) => (option.long === undefined ? [] : [option.long]));

describe('acmapi completion', () => {
  it('refuses a shell it does not know, with the usage exit code', async () => {
    const result = await runCli(['completion', 'powershell']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("value 'powershell' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.");
  });
});

describe('bash', () => {
  /** COMPREPLY after completing `line` (a trailing space: a new, empty word). */
  async function complete(line: string): Promise<string[]> {
    const script = [
      'source "$HOME/script.bash"',
      'read -ra COMP_WORDS <<< "$LINE"',
      '[[ "$LINE" == *" " ]] && COMP_WORDS+=("")',
      'COMP_CWORD=$((${#COMP_WORDS[@]} - 1))',
      '_acmapi_complete',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const { stdout } = await exec(findBinary('bash', 'bash'), ['-c', script], { env: { ...env, LINE: line }, cwd: home });
    return stdout.split('\n').filter((word) => word !== '');
  }

  it('registers the function for acmapi', async () => {
    const { stdout } = await exec(findBinary('bash', 'bash'), ['-c', 'source <(acmapi completion bash); complete -p acmapi'], { env });
    expect(stdout.trim()).toBe('complete -F _acmapi_complete acmapi');
  });

  it('offers every command, and every option of each command', async () => {
    expect(await complete('acmapi ')).toEqual([...tree.subcommands.map((node) => node.path.join(' ')), 'help']);
    for (const node of allCommands(tree).slice(1)) {
      const offered = await complete(`acmapi ${node.path.join(' ')} --`);
      expect(offered, node.path.join(' ')).toEqual(longOptions(node));
    }
  });

  it('completes subcommands, choices, files, and skips option values', async () => {
    expect(await complete('acmapi schedule ')).toEqual(['install', 'show', 'remove']);
    expect(await complete('acmapi schedule install --sys')).toEqual(['--systemd']);
    expect(await complete('acmapi issue --key-type ec')).toEqual(['ec-p256', 'ec-p384']);
    expect(await complete('acmapi issue --preflight ')).toEqual(['warn', 'strict', 'off']);
    // The value of -d is not taken for a command name: still the options of issue.
    expect(await complete('acmapi issue -d schedule --web')).toEqual(['--webroot']);
    expect(await complete('acmapi issue --out bi')).toEqual(['bin']);
    expect(await complete('acmapi isu')).toEqual([]);
  });
});

describe('zsh', () => {
  it('registers _acmapi for acmapi when sourced after compinit', async () => {
    const script = 'autoload -U compinit && compinit -u -d "$HOME/.zcompdump"; source <(acmapi completion zsh); print -r -- $_comps[acmapi]';
    const { stdout } = await exec(findBinary('zsh', 'zsh'), ['-f', '-c', script], { env, cwd: home });
    expect(stdout.trim()).toBe('_acmapi');
  });

  /** Runs `_acmapi` for `line` with compinit loaded and _describe/compadd/_files recording what they would offer. */
  async function complete(line: string): Promise<string[]> {
    const script = [
      'autoload -U compinit && compinit -u -d "$HOME/.zcompdump"',
      'source "$HOME/script.zsh"',
      '[[ $_comps[acmapi] == _acmapi ]] || { print -u2 "not registered: $_comps[acmapi]"; exit 3; }',
      // _describe's last argument names the array of NAME:DESCRIPTION items.
      '_describe() { local -a items; items=("${(@P)${@[-1]}}"); print -l -- "${(@)items%%:*}"; }',
      'compadd() { [[ $1 == -- ]] && shift; print -l -- "$@"; }',
      '_files() { print -- "<files$*>"; }',
      '_message() { print -- "<message>"; }',
      'words=(${=LINE}); [[ $LINE == *" " ]] && words+=("")',
      'CURRENT=${#words}',
      '_acmapi',
    ].join('\n');
    // A completion function returns 1 when it offered nothing, as zsh's own do.
    const { stdout } = await exec(findBinary('zsh', 'zsh'), ['-f', '-c', `${script}\nexit 0`], { env: { ...env, LINE: line }, cwd: home });
    return stdout.split('\n').filter((word) => word !== '');
  }

  it('offers every command, and every option of each command', async () => {
    expect(await complete('acmapi ')).toEqual([...tree.subcommands.map((node) => node.path.join(' ')), 'help']);
    for (const node of allCommands(tree).slice(1)) {
      const offered = await complete(`acmapi ${node.path.join(' ')} -`);
      expect(offered, node.path.join(' ')).toEqual(node.options.flatMap((option) => [option.short, option.long].filter((word) => word !== undefined)));
    }
  });

  it('completes subcommands, choices and files, and skips option values', async () => {
    expect(await complete('acmapi schedule ')).toEqual(['install', 'show', 'remove']);
    expect(await complete('acmapi issue --key-type ')).toEqual(['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384']);
    expect(await complete('acmapi issue --csr ')).toEqual(['<files>']);
    expect(await complete('acmapi issue --out ')).toEqual(['<files-/>']);
    expect(await complete('acmapi issue -d schedule --domain x ')).toEqual([]);
  });
});

describe('fish', () => {
  it('loads from `acmapi completion fish | source`', async () => {
    const { stdout } = await exec(findBinary('fish', 'fish'), ['--no-config', '-c', 'acmapi completion fish | source; complete -C "acmapi compl"'], { env, cwd: home });
    expect(stdout.split('\t')[0]).toBe('completion');
  });

  /** `complete -C LINE`: the candidates fish offers, without their descriptions. */
  async function complete(line: string): Promise<string[]> {
    const { stdout } = await exec(findBinary('fish', 'fish'), ['--no-config', '-c', 'source "$HOME/script.fish"; complete -C "$LINE"'], { env: { ...env, LINE: line }, cwd: home });
    return stdout
      .split('\n')
      .filter((row) => row !== '')
      .map((row) => row.split('\t')[0] ?? '');
  }

  it('offers every command, and every option of each command', async () => {
    expect((await complete('acmapi ')).sort()).toEqual([...tree.subcommands.map((node) => node.path.join(' ')), 'help'].sort());
    for (const node of allCommands(tree).slice(1)) {
      const offered = await complete(`acmapi ${node.path.join(' ')} --`);
      expect(offered.sort(), node.path.join(' ')).toEqual(longOptions(node).sort());
    }
  });

  it('completes subcommands, choices and files, and skips option values', async () => {
    expect((await complete('acmapi schedule ')).sort()).toEqual(['install', 'remove', 'show']);
    expect((await complete('acmapi issue --key-type ec')).sort()).toEqual(['ec-p256', 'ec-p384']);
    expect(await complete('acmapi issue -d schedule --webr')).toEqual(['--webroot']);
    expect(await complete('acmapi issue --out bi')).toEqual(['bin/']);
  });
});
