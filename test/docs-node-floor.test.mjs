// Every document that tells a reader which Node.js they need says what `engines` says
// (`^20.19.0 || >=22.12.0`, checked with those very versions in test/packages.test.mjs).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../scripts/lib/pack.mjs';

const STATEMENT = /Node(?:\.js)? (\d+\.\d+)(?:\.\d+)? (?:or|and) (?:newer|later)(?: on 20\.x, or (\d+\.\d+) and later)?/g;
const documents = execFileSync('git', ['ls-files', '*.md'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((path) => path !== '' && !path.endsWith('CHANGELOG.md') && !path.startsWith('.changeset/'));

describe('the Node.js floor in the docs', () => {
  it('the root engines is the floor the docs state', () => {
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node).toBe('^20.19.0 || >=22.12.0');
  });

  it('every statement of a floor names 20.19 on 20.x and 22.12 after it', () => {
    const statements = documents.flatMap((path) => [...readFileSync(join(root, path), 'utf8').replaceAll('\n', ' ').matchAll(STATEMENT)].map((match) => ({ path, text: match[0], floor: match[1], next: match[2] })));
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) expect({ ...statement, floor: '20.19', next: '22.12' }, statement.text).toEqual(statement);
  });
});
