import { describe, expect, it } from 'vitest';
import { fromNodeCaa } from './caa-lookup.js';

describe('fromNodeCaa', () => {
  it('takes the tag from Node\'s { critical, TAG: value }, unknown tags too', () => {
    expect(fromNodeCaa({ critical: 0, issue: 'wosign.com' } as never)).toEqual({ flags: 0, tag: 'issue', value: 'wosign.com' });
    expect(fromNodeCaa({ critical: 128, tbs: 'x' } as never)).toEqual({ flags: 128, tag: 'tbs', value: 'x' });
  });

  it('skips the type: \'CAA\' Node may put before the tag (seen from resolveCaa inside a test runner)', () => {
    expect(fromNodeCaa({ critical: 0, type: 'CAA', issue: 'letsencrypt.org' } as never)).toEqual({ flags: 0, tag: 'issue', value: 'letsencrypt.org' });
  });
});
