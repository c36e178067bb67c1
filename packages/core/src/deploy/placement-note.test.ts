/** The placement note: a run killed before it put the webroot back is undone by the next, and only while the signfile is still its own. */
import { lstat, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { undoLeftoverPlacement, writePlacementNote } from './placement-note.js';

let dir: string;
let path: string;
const ours = new TextEncoder().encode('SF-TOKEN');

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'acmapi-note-'));
  path = join(dir, 'signfile');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What a killed run leaves: its note, then its signfile. */
async function killedRunOver(previous: Parameters<typeof writePlacementNote>[2]): Promise<void> {
  await writePlacementNote(path, ours, previous);
  await writeFile(path, ours);
}

describe('undoLeftoverPlacement', () => {
  it("puts the user's file back over the leftover, and drops the note (mode 0600 while it existed)", async () => {
    await killedRunOver({ kind: 'file', bytes: new TextEncoder().encode('OLD-CONTENT') });
    expect((await lstat(`${path}.acmapi-placed`)).mode & 0o777).toBe(0o600);
    await undoLeftoverPlacement(path);
    expect(await readFile(path, 'utf8')).toBe('OLD-CONTENT');
    expect(await readdir(dir)).toEqual(['signfile']);
  });

  it('removes the leftover when nothing was there, and puts a symbolic link back as the link', async () => {
    await killedRunOver(undefined);
    await undoLeftoverPlacement(path);
    expect(await readdir(dir)).toEqual([]);
    await killedRunOver({ kind: 'link', target: 'shared/signfile' });
    await undoLeftoverPlacement(path);
    expect(await readlink(path)).toBe('shared/signfile');
  });

  it('leaves a signfile changed since alone, and a note that is not one', async () => {
    await killedRunOver(undefined);
    await writeFile(path, 'CHANGED');
    await undoLeftoverPlacement(path);
    expect(await readFile(path, 'utf8')).toBe('CHANGED');
    await writeFile(`${path}.acmapi-placed`, 'not json');
    await undoLeftoverPlacement(path);
    expect(await readdir(dir)).toEqual(['signfile']);
  });
});
