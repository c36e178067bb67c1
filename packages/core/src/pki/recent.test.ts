import { describe, expect, it } from 'vitest';
import { Recent } from './recent.js';

describe('Recent', () => {
  it('keeps the newest entries up to its size, forgetting the oldest first', () => {
    const recent = new Recent<number>(2);
    recent.set('a', 1);
    recent.set('b', 2);
    recent.set('a', 3); // a is now the newest
    recent.set('c', 4);
    expect([recent.get('a'), recent.get('b'), recent.get('c')]).toStrictEqual([3, undefined, 4]);
  });
});
