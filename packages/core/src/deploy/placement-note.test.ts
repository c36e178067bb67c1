/** The placement note: a run killed before it put the webroot back is undone by the next, and only while the signfile is still its own. */
import { createHash } from 'node:crypto';
import { chmod, chown, lstat, mkdtemp, readdir, readFile, readlink, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { undoLeftoverPlacement, writePlacementNote } from './placement-note.js';
import { readPrevious } from './previous-signfile.js';

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
  it("puts the user's file back over the leftover as it was (content, mode, owner, modification time), and drops the note (mode 0600 while it existed)", async () => {
    await writeFile(path, 'OLD-CONTENT', { mode: 0o640 });
    await chmod(path, 0o640);
    const root = process.getuid?.() === 0;
    // As root (CI here), an owner that is not this process's: it must come back too.
    if (root) await chown(path, 1234, 2345);
    await utimes(path, new Date('2025-01-02T03:04:05Z'), new Date('2025-01-02T03:04:05Z'));
    const before = await lstat(path);
    await killedRunOver(await readPrevious(path));
    expect((await lstat(`${path}.acmapi-placed`)).mode & 0o777).toBe(0o600);
    await undoLeftoverPlacement(path);
    expect(await readFile(path, 'utf8')).toBe('OLD-CONTENT');
    const after = await lstat(path);
    expect(after.mode & 0o7777).toBe(0o640);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect([after.uid, after.gid]).toEqual(root ? [1234, 2345] : [before.uid, before.gid]);
    expect(await readdir(dir)).toEqual(['signfile']);
  });

  it('puts a file back readable when the note kept no metadata (a note of an earlier version)', async () => {
    await writeFile(`${path}.acmapi-placed`, JSON.stringify({ placed: createHash('sha256').update(ours).digest('hex'), file: Buffer.from('OLD').toString('base64') }), { mode: 0o600 });
    await writeFile(path, ours);
    await undoLeftoverPlacement(path);
    expect(await readFile(path, 'utf8')).toBe('OLD');
    expect((await lstat(path)).mode & 0o777).toBe(0o644);
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
