import { describe, expect, it } from 'vitest';
import { InterimAnswerFilter } from './interim-answers.js';

function feed(filter: InterimAnswerFilter, text: string, step: number): string {
  let out = '';
  for (let i = 0; i < text.length; i += step) out += filter.push(Buffer.from(text.slice(i, i + step), 'latin1')).toString('latin1');
  return out;
}

const FINAL = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}';

describe('InterimAnswerFilter', () => {
  it.each([1, 2, 7, 1000])('finding 15: drops 100/102/103 answers before the final one, in chunks of %i bytes', (step) => {
    const interim = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n';
    expect(feed(new InterimAnswerFilter(), interim + FINAL, step)).toBe(FINAL);
  });

  it('passes a final answer, a 101 and anything not a status line untouched', () => {
    for (const text of [FINAL, 'HTTP/1.1 101 Switching Protocols\r\n\r\n', 'HTTP/1.1 1000 x\r\n\r\n', 'garbage\r\n\r\n', 'HTTP/2 100\r\n\r\n']) {
      expect(feed(new InterimAnswerFilter(), text, 3)).toBe(text);
    }
  });

  it('leaves the body alone, even when it looks like an interim answer, until a new request is sent', () => {
    const filter = new InterimAnswerFilter();
    expect(feed(filter, FINAL, 5)).toBe(FINAL);
    expect(feed(filter, 'HTTP/1.1 100 Continue\r\n\r\n', 5)).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    filter.expectResponse();
    expect(feed(filter, `HTTP/1.1 100 Continue\r\n\r\n${FINAL}`, 5)).toBe(FINAL);
  });

  it('hands an overlong interim head to the parser rather than holding it forever', () => {
    const long = `HTTP/1.1 100 Continue\r\nx: ${'a'.repeat(70 * 1024)}`;
    expect(feed(new InterimAnswerFilter(), long, 4096).length).toBeGreaterThan(64 * 1024);
  });
});
