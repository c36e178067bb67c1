import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { helpWidthOf, programHelp } from './program-help.js';
import { run } from './program.js';

/** A terminal `columns` wide that keeps what is written to it. */
function terminal(columns: number): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream: Object.assign(stream, { isTTY: true, columns }) as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
}

describe('programHelp', () => {
  it.each([30, 60, 80, 100, 132, 250])('writes what commander writes for the same program at %i columns', async (columns) => {
    const out = terminal(columns);
    const err = terminal(columns);
    expect(await run(['node', 'acmapi', '--help'], { stdout: out.stream, stderr: err.stream, env: {} })).toBe(0);
    expect(out.text()).toBe(programHelp(columns));
  });

  it('lists every command with its summary', () => {
    const text = programHelp(1000);
    expect(text).toMatch(/^ {2}issue \[options\] \[certificate\] +apply for a certificate into the store \(nothing when it is not yet due\)$/m);
    expect(text).toMatch(/^ {2}demo \[options\] +start a sandbox CA/m);
    expect(text).toMatch(/^ {2}help \[command\] +display help for command$/m);
  });
});

describe('helpWidthOf', () => {
  it('is a terminal\'s width, else 80', () => {
    expect(helpWidthOf({ isTTY: true, columns: 120 })).toBe(120);
    expect(helpWidthOf({ isTTY: false, columns: 120 })).toBe(80);
    expect(helpWidthOf({})).toBe(80);
  });
});
