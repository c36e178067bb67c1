import { execFileSync } from 'node:child_process';
import { HOSTILE_STRINGS, unsafeForDisplay } from '@acmapi/test-utils';
import { describe, expect, it } from 'vitest';
import { DISPLAY_TEXT_MAX, displayText, escapeUnprintable, escapeUnprintableJson, shellQuote } from './display-text.js';

describe('displayText', () => {
  it.each(HOSTILE_STRINGS.map((h) => [h.label, h.value] as const))('finding 2: %s is shown as one safe, capped line', (_label, value) => {
    const shown = displayText(value);
    expect(unsafeForDisplay(shown)).toBeUndefined();
    expect(shown.split('\n')).toHaveLength(1);
  });

  it('finding 2: escapes ESC, BEL, CR/LF and bidi controls visibly and keeps ordinary text', () => {
    expect(displayText('a\u001b[2Jb\u0007\r\n\u202e\\ z')).toBe('a\\u{1b}[2Jb\\u{7}\\r\\n\\u{202e}\\\\ z');
    expect(displayText('bücher.example 例え.テスト')).toBe('bücher.example 例え.テスト');
  });

  it('finding 2: a 900 KB string is cut after the cap and says how much was left out', () => {
    const shown = displayText('A'.repeat(900_000));
    expect(shown).toBe(`${'A'.repeat(DISPLAY_TEXT_MAX)}… (${900_000 - DISPLAY_TEXT_MAX} more characters)`);
    expect(displayText('abcdef', { maxLength: 3 })).toBe('abc… (3 more characters)');
    // The cap counts what is printed: escapes cannot stretch a line past it.
    expect(displayText('\u001b'.repeat(100), { maxLength: 20 })).toBe(`${'\\u{1b}'.repeat(3)}… (97 more characters)`);
  });
});

describe('shellQuote', () => {
  it('leaves plain words alone and quotes everything else', () => {
    expect(shellQuote('handle_01')).toBe('handle_01');
    expect(shellQuote('/etc/acmapi')).toBe('/etc/acmapi');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('-rf')).toBe("'-rf'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });

  // An independent peer: a real POSIX shell reads the quoted word back as exactly one argument.
  it.each(HOSTILE_STRINGS.filter((h) => h.value.length > 0).map((h) => [h.label, h.value] as const))(
    'finding 2: %s survives a round trip through sh as one literal argument',
    (_label, value) => {
      const quoted = shellQuote(value);
      expect(quoted.split('\n')).toHaveLength(1);
      const out = execFileSync('sh', ['-c', `printf '%s' ${quoted}`], { encoding: 'utf8' });
      // What the shell sees is the displayed (escaped) text, literally: nothing expanded or run.
      expect(out).toBe(displayText(value));
    },
  );
});

describe('escapeUnprintable and escapeUnprintableJson (the printers\' last line of defence)', () => {
  it('escape every control, bidi and invisible character but LF; keep backslashes and length', () => {
    expect(escapeUnprintable('C:\\certs\\a\u001b[2J\r\nnext\u202e\u0085')).toBe('C:\\certs\\a\\u{1b}[2J\\u{d}\nnext\\u{202e}\\u{85}');
    expect(escapeUnprintable('x'.repeat(5000))).toHaveLength(5000);
  });

  it.each(HOSTILE_STRINGS.map((h) => [h.label, h.value] as const))('leave no raw unsafe character of %s, and JSON that parses back to the same value', (_label, value) => {
    for (const line of escapeUnprintable(value).split('\n')) expect(unsafeForDisplay(line.replace(/^::/, ''), Infinity)).toBeUndefined();
    const json = escapeUnprintableJson(JSON.stringify({ message: value }, null, 2));
    for (const line of json.split('\n')) expect(unsafeForDisplay(line, Infinity)).toBeUndefined();
    expect(JSON.parse(json)).toEqual({ message: value });
  });
});
