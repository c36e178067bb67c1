import * as actionsCore from '@actions/core';
import { isKeyType } from '@acmapi/core';
import { HOSTILE_STRINGS, unsafeForDisplay } from '@acmapi/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LifecyclePresenter } from './lifecycle-log.js';
import { runnerLog } from './log-text.js';
import type { CertificateOutcome } from './outcome.js';
import { formatState, parseState, STATE_VERSION, type PublishedState } from './published-folder/published-state.js';
import { buildSummary } from './summary.js';

const cases = HOSTILE_STRINGS.map((h) => [h.label, h.value] as const);

/**
 * What the runner reads from stdout while `write` runs, through the real `@actions/core`
 * (the same path as services.ts): the lines, split as the runner splits them.
 */
function runnerStdout(write: () => void): string[] {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try {
    write();
  } finally {
    spy.mockRestore();
  }
  return out.split(/\r?\n|\r/).filter((line) => line !== '');
}

const sink = {
  info: (message: string) => {
    actionsCore.info(message);
  },
  warning: (message: string, title?: string) => {
    actionsCore.warning(message, title === undefined ? {} : { title });
  },
  error: (message: string, title?: string) => {
    actionsCore.error(message, title === undefined ? {} : { title });
  },
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('finding 3: server strings in the runner log and the job summary (hostile-strings corpus)', () => {
  it.each(cases)('finding 3: a handle with %s forges no workflow command and no raw control in the log', (_label, value) => {
    const lines = runnerStdout(() => {
      const presenter = new LifecyclePresenter({ name: 'www', log: runnerLog(sink), renewBeforeDays: undefined });
      presenter.onEvent({ type: 'retrieving', certificate: 'www', handleId: value });
      presenter.onEvent({ type: 'pending', certificate: 'www', handleId: value, waitMs: 1000 });
      presenter.onEvent({ type: 'endpoint-changed', certificate: 'www', recorded: value, current: 'https://ca.example/api', action: 'retrieve' });
      runnerLog(sink).error(`www: the CA answered 107 for ${value}`, `Domain verification failed (107): ${value}`);
    });
    // Exactly the two annotations asked for are commands (the runner parses `::` only at the start
    // of a line); every other line is plain log text.
    expect(lines.filter((line) => line.startsWith('::')).map((line) => line.slice(0, line.includes(' ') ? line.indexOf(' ') : 8))).toEqual(['::warning', '::error']);
    for (const line of lines) {
      expect(unsafeForDisplay(line.startsWith('::') ? line.slice(2) : line, 20_000), JSON.stringify(line.slice(0, 120))).toBeUndefined();
    }
  });

  it.each(cases)('finding 3: the job summary escapes %s as HTML and Markdown, one table row per certificate', (_label, value) => {
    const outcome: CertificateOutcome = { name: 'www', domains: [value], status: 'pending', detail: `pending with handle ${value}`, handleId: value };
    const lines = buildSummary([outcome]).split('\n');
    const rows = lines.filter((line) => line.startsWith('| www '));
    expect(rows).toHaveLength(1);
    // Six cells: seven unescaped pipes.
    expect((rows[0] ?? '').match(/(?<!\\)\|/g)).toHaveLength(7);
    for (const line of lines) {
      expect(unsafeForDisplay(line, 5000), JSON.stringify(line.slice(0, 120))).toBeUndefined();
      expect(line).not.toMatch(/<(?!\/?(?:details|summary)>)[a-z/]/i);
      expect(line).not.toMatch(/(?<!\\)\[[^\]]*(?<!\\)\]\(/);
    }
  });

  it.each(cases)('finding 3: the committed state file holds %s escaped, one JSON value per line, and reads back', (_label, value) => {
    const state: PublishedState = {
      version: STATE_VERSION,
      lastError: { code: 'PROTOCOL_BAD_SHAPE', message: `The answer is not ACMAPI: ${value}`, at: '2030-01-01T00:00:00.000Z' },
      lastRetired: { status: 'refused', domains: ['www.example'], keyType: 'ec-p256', retiredAt: '2030-01-01T00:00:00.000Z', reason: `CA_REFUSED: ${value}` },
    };
    const text = formatState(state);
    for (const line of text.split('\n')) expect(unsafeForDisplay(line, 2_000_000), JSON.stringify(line.slice(0, 120))).toBeUndefined();
    const csrKeyType = (): never => {
      throw new Error('no CSR in a version 2 state');
    };
    expect(parseState(text, { where: 'state.json', isKeyType, csrKeyType })).toEqual(state);
  });
});

