/**
 * Reading the project file: the thin I/O around `validateConfig` (`@acmapi/core/config`).
 */
import { stat } from 'node:fs/promises';
import { readLocalTextFile } from '../store/read-bounded.js';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '../errors/errors.js';
import type { AcmApiConfig } from './config-schema.js';

/** The project file's name. */
export const CONFIG_FILE_NAME = 'acmapi.json';

/** What {@link readConfig} returns. */
export interface ReadConfigResult {
  /** The validated configuration, defaults applied. */
  config: AcmApiConfig;
  /** Absolute path of the file read. */
  file: string;
  /** Its folder: relative paths in the file (`defaults.storeDir`, `csr`, `signfile.path`) are relative to it. */
  dir: string;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Reads and validates a project file.
 *
 * @param pathOrDir - the file, or a folder holding `acmapi.json`.
 * @throws {ConfigError} `CONFIG_NOT_FOUND` when the file does not exist; `CONFIG_UNREADABLE`
 *   when it cannot be read or is not JSON; `CONFIG_INVALID` (see `validateConfig` in `@acmapi/core/config`).
 */
export async function readConfig(pathOrDir: string): Promise<ReadConfigResult> {
  const absolute = resolve(pathOrDir);
  const file = (await isDirectory(absolute)) ? join(absolute, CONFIG_FILE_NAME) : absolute;
  let text: string;
  try {
    text = await readLocalTextFile(file);
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code;
    const code = errno === 'ENOENT' ? 'CONFIG_NOT_FOUND' : 'CONFIG_UNREADABLE';
    throw new ConfigError(code, `Cannot read the project file ${file}: ${(error as Error).message}`, {
      cause: error,
      file,
      hint:
        code === 'CONFIG_NOT_FOUND'
          ? 'Create the project file, or give the path of an existing one.'
          : errno === 'EFBIG'
            ? 'Give the path of the project file itself (a JSON file), not a device or a pipe.'
            : 'Check the permissions of the file.',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError('CONFIG_UNREADABLE', `The project file ${file} is not JSON: ${(error as Error).message}`, {
      cause: error,
      file,
      hint: 'Fix the JSON syntax at the place named.',
    });
  }
  // The schema (and zod) load here, with the first project file read: a program that reads
  // none, or imports only this module's other exports, never loads them.
  const { validateConfig } = await import('./validate-config.js');
  try {
    return { config: validateConfig(json), file, dir: dirname(file) };
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new ConfigError(error.code, error.message.replace('The project file', `The project file ${file}`), {
        issues: error.issues,
        file,
        hint: error.hint,
      });
    }
    throw error;
  }
}

/**
 * Finds the nearest `acmapi.json`: in `cwd`, then in each parent folder up to the root.
 *
 * @returns the file's absolute path, or `undefined` when there is none.
 */
export async function findConfig(cwd: string): Promise<string | undefined> {
  let dir = resolve(cwd);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    try {
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // Not here: look in the parent.
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
