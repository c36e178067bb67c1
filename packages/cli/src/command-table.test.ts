import { Help } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from './commands/command-kit.js';
import { COMMAND_LOADERS } from './command-loaders.js';
import { COMMANDS, commandToLoad } from './command-table.js';
import { Output } from './present/output.js';

const ctx: CommandContext = {
  env: {},
  makeOutput: (json) => new Output({ json, stdout: process.stdout, stderr: process.stderr, env: {} }),
  exitCode: 0,
};

describe('COMMANDS', () => {
  it.each(COMMANDS.map((entry) => [entry.name, entry] as const))('the row of %s matches the command its module builds', async (_name, entry) => {
    const command = await COMMAND_LOADERS[entry.name](ctx);
    expect(command.name()).toBe(entry.name);
    expect(new Help().subcommandTerm(command)).toBe(entry.term);
    expect(command.summary() || command.description()).toBe(entry.summary);
  });

  it('names each command once', () => {
    const names = COMMANDS.map((entry) => entry.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('commandToLoad', () => {
  it.each([
    [['issue', '-d', 'example.com'], 'issue'],
    [['list', '--json'], 'list'],
    [['renew', '--help'], 'renew'],
    [['help', 'retrieve'], 'retrieve'],
    [['--', 'check', '-d', 'example.com'], 'check'],
  ])('%j runs or shows the help of %s', (args, name) => {
    expect(commandToLoad(args)?.name).toBe(name);
  });

  it.each([[[]], [['--help']], [['-V']], [['help']], [['isue']], [['--json']]])('%j loads no command', (args) => {
    expect(commandToLoad(args)).toBeUndefined();
  });
});
