import { describe, expect, it } from 'vitest';
import { errorAnswer, formatAnswer } from './api-answer.js';

const plain = { paddedKeys: false, statusAsString: false };

describe('formatAnswer', () => {
  it('writes strictly valid JSON with the types of spec §3 by default', () => {
    expect(formatAnswer({ result: 'pending', status: 1, handle_id: 'handle_1' }, plain)).toBe(
      '{"result":"pending","status":1,"handle_id":"handle_1"}',
    );
    expect(formatAnswer(errorAnswer(107, 'a.test'), plain)).toBe('{"result":"error","status":107,"other_msg":"a.test"}');
    expect(formatAnswer(errorAnswer(101), plain)).toBe('{"result":"error","status":101}');
  });

  it('reproduces the source examples\' padding and string status', () => {
    expect(formatAnswer({ result: 'pending', status: 1, handle_id: 'h' }, { paddedKeys: true, statusAsString: true })).toBe(
      '{"result ":" pending","status ":" 1","handle_id ":" h"}',
    );
    expect(formatAnswer(errorAnswer(102), { paddedKeys: false, statusAsString: true })).toBe('{"result":"error","status":"102"}');
  });
});
