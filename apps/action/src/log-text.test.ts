import { describe, expect, it } from 'vitest';
import { annotationText, logLine, MAX_LOG_TEXT } from './log-text.js';

describe('text for the runner\'s log', () => {
  it('escapes line breaks in a log line, so that text from a server never starts a line the runner reads as a command', () => {
    const hostile = 'handle-1\n::set-output name=status::issued\r\n::add-mask::x';
    const line = logLine(`www: pending, handle ${hostile}.`);
    expect(line).not.toMatch(/[\r\n]/);
    expect(line).toBe('www: pending, handle handle-1\\n::set-output name=status::issued\\r\\n::add-mask::x.');
  });

  it('keeps line feeds in annotations (the runner encodes them) but escapes terminal controls', () => {
    expect(annotationText('first\nsecond \u001b[31mred\u0007 \u009b')).toBe('first\nsecond \\u{1b}[31mred\\u{7} \\u{9b}');
  });

  it('caps the length', () => {
    const long = logLine('x'.repeat(MAX_LOG_TEXT + 10));
    expect(long).toBe(`${'x'.repeat(MAX_LOG_TEXT)}… (10 more characters)`);
  });
});
