/**
 * A note beside the signfile (`NAME.acmapi-placed`, mode 0600 so that a web server running as
 * another user cannot serve it), written before a run creates or replaces the signfile and
 * removed once the run has put the folder back. A run killed in between (SIGKILL, power loss)
 * leaves it behind: the next run, holding the webroot's lock, finds the signfile still holding
 * the bytes that run placed, and undoes the placement (the user's file back, or ours removed)
 * instead of taking the leftover for the user's permanent signfile.
 */
import { createHash } from 'node:crypto';
import { readFile, unlink } from 'node:fs/promises';
import { writeFileAtomic } from '../store/write-atomic.js';
import { restorePrevious, type PreviousFileMeta, type PreviousSignfile } from './previous-signfile.js';

/** What was at the signfile's path before the placement. */
export type PlacedOver = PreviousSignfile | undefined;

const notePath = (path: string): string => `${path}.acmapi-placed`;
const digest = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Notes that the bytes `placed` are about to be written at `path` over `previous`. */
export async function writePlacementNote(path: string, placed: Uint8Array, previous: PlacedOver): Promise<void> {
  const before = previous === undefined ? {} : previous.kind === 'file' ? { file: Buffer.from(previous.bytes).toString('base64'), meta: previous.meta } : { link: previous.target };
  await writeFileAtomic(notePath(path), JSON.stringify({ placed: digest(placed), ...before }), { mode: 0o600 });
}

/** Removes the note of a placement that was undone. */
export async function removePlacementNote(path: string): Promise<void> {
  await unlink(notePath(path)).catch(() => undefined);
}

/** The metadata the note kept; a note without it (or with a part missing) gives a readable file of this process's user. */
function metaOf(value: unknown): PreviousFileMeta {
  const meta = (typeof value === 'object' && value !== null ? value : {}) as Partial<Record<keyof PreviousFileMeta, unknown>>;
  const number = (field: unknown, fallback: number): number => (typeof field === 'number' && Number.isInteger(field) && field >= 0 ? field : fallback);
  const now = Date.now();
  return {
    mode: number(meta.mode, 0o644) & 0o7777,
    uid: number(meta.uid, process.getuid?.() ?? 0),
    gid: number(meta.gid, process.getgid?.() ?? 0),
    atimeMs: typeof meta.atimeMs === 'number' && Number.isFinite(meta.atimeMs) ? meta.atimeMs : now,
    mtimeMs: typeof meta.mtimeMs === 'number' && Number.isFinite(meta.mtimeMs) ? meta.mtimeMs : now,
  };
}

/**
 * Undoes the placement of a run that died before putting things back: only while the signfile
 * still holds the bytes it placed (else someone changed it since, and it stays). Call under the
 * webroot's lock. A note that cannot be read as one is dropped.
 */
export async function undoLeftoverPlacement(path: string): Promise<void> {
  const text = await readFile(notePath(path), 'utf8').catch(() => undefined);
  if (text === undefined) return;
  let note: { placed?: unknown; file?: unknown; meta?: unknown; link?: unknown } = {};
  try {
    note = JSON.parse(text) as typeof note;
  } catch {
    // Not our note's shape: dropped below, and the signfile is left as it is.
  }
  const current = await readFile(path).catch(() => undefined);
  if (current !== undefined && typeof note.placed === 'string' && digest(current) === note.placed) {
    if (typeof note.file === 'string') await restorePrevious(path, { kind: 'file', bytes: Buffer.from(note.file, 'base64'), meta: metaOf(note.meta) });
    else if (typeof note.link === 'string') await restorePrevious(path, { kind: 'link', target: note.link });
    else await unlink(path);
  }
  await removePlacementNote(path);
}
