/** README.md's "Renew unattended" names the `renew --json` outcomes as the code does (core's `FleetOutcome`). */
import { readFileSync } from 'node:fs';
import type { FleetOutcome } from '@acmapi/core';
import { describe, expect, it } from 'vitest';

// Every outcome exactly once: `satisfies` fails the typecheck when core adds, drops or renames one.
const OUTCOMES = { renewed: true, 'not-due': true, pending: true, failed: true, 'skipped-by-backoff': true } satisfies Record<FleetOutcome, true>;

describe('README.md, Renew unattended', () => {
  it('lists the renew --json outcomes by their real names', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.split('\n## Renew unattended\n')[1]?.split('\n## ')[0] ?? '';
    const sentence = /`--json` says per certificate(.*?)\.(?= |$)/.exec(section.replace(/\s+/g, ' '))?.[1] ?? '';
    // Parentheses say more about one outcome (its fields), not another outcome.
    const named = [...sentence.replace(/\([^)]*\)/g, '').matchAll(/`([a-z-]+)`/g)].map((match) => match[1]);
    expect(named.sort()).toStrictEqual(Object.keys(OUTCOMES).sort());
  });
});
