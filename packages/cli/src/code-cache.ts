/**
 * Loads the bundled program (dist/programs/NAME.cjs, CommonJS) with a V8 code cache on Node
 * versions without `module.enableCompileCache` (before 22.1): compiling a 2 MB bundle and then,
 * function by function, what a command runs costs more CPU than an `acmapi issue` spends on
 * its own work. V8 can save the compiled code of a script (`vm.Script#createCachedData`) and
 * take it back at the next start (`cachedData`), which skips both. This is what
 * `module.enableCompileCache()` does on newer Node, and what the `v8-compile-cache` package
 * does for every `require` (it hooks `Module.prototype._compile`, global to the process; here
 * one file is loaded, so a small loader does it without touching Node's module system).
 *
 * The cache lives in the user's cache folder (`$XDG_CACHE_HOME/acmapi`, else
 * `~/.cache/acmapi`; `%LOCALAPPDATA%\acmapi` on Windows), one file per program (a command's,
 * by its place), build (by the content hash the build wrote into the executable, and the
 * file's size and time), Node version and architecture; a new build replaces the cache of the
 * old one at the same place, and caches of other places are pruned when old or many (see
 * `staleOthers`). The first run of a command writes its
 * cache when the command is done, so that it holds the code of every function the command ran
 * (a scheduled `acmapi renew` thus fills it at its first run); later runs read it. Nothing here
 * ever fails the command: an unreadable, unwritable or rejected cache (V8 checks its own
 * version, flags and the source length) means compiling as without one. A cache file is used
 * only when no other user could have written it or its folder (see `onlyMineCanWrite`).
 * `NODE_DISABLE_COMPILE_CACHE=1`, Node's switch for its own compile cache, turns it off.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
// node:os and node:vm are taken where used: bin.ts imports this module for `--version` too.
import type { Script } from 'node:vm';

/** The folder for acmapi's cache files, or undefined when there is no home to put it in. */
export function cacheDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'acmapi');
  if (platform === 'win32' && env['LOCALAPPDATA'] !== undefined && isAbsolute(env['LOCALAPPDATA'])) return join(env['LOCALAPPDATA'], 'acmapi');
  let home: string;
  try {
    home = process.getBuiltinModule('node:os').homedir();
  } catch {
    return undefined;
  }
  return home === '' ? undefined : join(home, '.cache', 'acmapi');
}

const PREFIX = 'code-cache-';

/** FNV-1a (32 bits, hex) of a string: tells the places of two installed copies apart in a file name. */
function placeHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * `require(file)` for one CommonJS file, compiled with the code cache described above.
 *
 * @param file absolute path of a program built by scripts/bundle-bin.mjs (all ASCII, its text
 * already inside the CommonJS wrapper function)
 * @param buildHash a hash of the file's content, fixed at build time (names the cache)
 * @param dir the cache folder (see `cacheDir`), or undefined for no cache
 * @param require the file's `require`: the caller's serves a bundle that requires only Node's
 * built-in modules (createRequire would cost node:module and what it loads)
 * @returns the file's `module.exports`
 */
export function requireWithCodeCache(file: string, buildHash: string, dir: string | undefined, require: NodeJS.Require): unknown {
  // The build checks that the file is all ASCII (scripts/bundle-bin.mjs), which latin1 reads
  // byte for byte, and without UTF-8's decoding.
  const source = readFileSync(file, 'latin1');
  const place = `${PREFIX}${placeHash(file)}-`;
  let thisBuild: string | undefined;
  let cacheFile: string | undefined;
  let cachedData: Buffer | undefined;
  if (dir !== undefined && folderIsUsable(dir)) {
    try {
      // Size and time too: a bundle edited in place after the build must not meet the old code.
      const { size, mtimeMs } = statSync(file);
      thisBuild = `${place}${buildHash}-${size}-${Math.trunc(mtimeMs)}-${process.version}-${process.arch}`;
      cacheFile = join(dir, `${thisBuild}.bin`);
      cachedData = readOwnFile(cacheFile);
    } catch {
      // No cache yet (or no access): compile, and try to write one at the end.
    }
  }
  // The build wrote the file inside the function Node's CommonJS loader would put around it
  // (scripts/bundle-bin.mjs, PROGRAM_HEAD): run as a script, its value is that function.
  const { Script: VmScript } = process.getBuiltinModule('node:vm');
  const script = new VmScript(source, {
    filename: file,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  if (cacheFile !== undefined && thisBuild !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    const [target, keep] = [cacheFile, thisBuild];
    // At the end rather than now: the cache then holds every function the command compiled.
    process.once('beforeExit', () => { writeCache(target, place, keep, script); });
  }
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string) => void;
  wrapper(module.exports, require, module, file, dirname(file));
  return module.exports;
}

/** Caches of other installed copies kept, at most (each is one program of one copy, 0.1–1 MB). */
const MAX_OTHER_CACHES = 32;
/** Days after which another copy's cache counts as left behind (a cache is written once per build). */
const OTHER_CACHE_MAX_AGE_DAYS = 30;

/**
 * The caches of other installed copies to delete: those not written for 30 days, and beyond
 * the 32 newest. Every install place (a temporary folder, `npx`, a versioned pnpm path)
 * leaves its caches here, and nothing else would ever remove a copy's once the copy is gone;
 * a copy still in use whose cache goes only compiles once more and writes it anew.
 */
function staleOthers(others: readonly { name: string; mtimeMs: number }[], now: number): string[] {
  const newestFirst = [...others].sort((a, b) => b.mtimeMs - a.mtimeMs);
  return newestFirst.filter((file, index) => index >= MAX_OTHER_CACHES || now - file.mtimeMs > OTHER_CACHE_MAX_AGE_DAYS * 86_400_000).map((file) => file.name);
}

/**
 * Whether only this user can have written `stats`' file or folder. A code cache is code that
 * V8 runs without checking it (beyond a checksum): one planted by another user, in a folder
 * they can write (a shared XDG_CACHE_HOME, say), would run as this user, root under cron.
 * Always true where there are no POSIX owners (Windows).
 */
function onlyMineCanWrite(stats: Stats): boolean {
  const uid = process.getuid?.();
  return uid === undefined || (stats.uid === uid && (stats.mode & 0o022) === 0);
}

/** Whether the cache folder is missing (the first write makes it, mode 0700) or passes `onlyMineCanWrite`. */
function folderIsUsable(dir: string): boolean {
  try {
    return onlyMineCanWrite(statSync(dir));
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** The cache file's bytes, when it passes `onlyMineCanWrite`; else throws. */
function readOwnFile(cacheFile: string): Buffer {
  const fd = openSync(cacheFile, 'r');
  try {
    if (!onlyMineCanWrite(fstatSync(fd))) throw new Error(`${cacheFile} can be written by others`);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes the cache file atomically (a reader sees no file or the whole one) and removes those
 * named by `place` but not by `thisBuild` (older builds here); never throws.
 */
function writeCache(cacheFile: string, place: string, thisBuild: string, script: Script): void {
  const dir = dirname(cacheFile);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    renameSync(temporary, cacheFile);
    // Older caches of the program at this place (another build, another Node) are dead weight
    // now; those of other installed copies are theirs, while they look alive (see pruneOthers).
    const others: { name: string; mtimeMs: number }[] = [];
    for (const name of readdirSync(dir)) {
      if (!name.startsWith(PREFIX) || name.endsWith('.tmp') || name.startsWith(thisBuild)) continue;
      if (name.startsWith(place)) unlinkSync(join(dir, name));
      else others.push({ name, mtimeMs: statSync(join(dir, name)).mtimeMs });
    }
    for (const name of staleOthers(others, Date.now())) unlinkSync(join(dir, name));
  } catch {
    // A cache is an optimisation: a read-only home or a full disk only means compiling next time.
  }
}
