/**
 * The project a command works in: the optional project file `acmapi.json` (shared with the
 * GitHub Action and the VS Code extension) and the certificate store folder.
 *
 * Where the project file comes from, first match wins: `--config FILE`, `ACMAPI_CONFIG`,
 * `./acmapi.json` in the current folder (parents are not searched, so a file higher up never
 * changes what a command does by surprise). Where the store is: `--out DIR`, else
 * `defaults.storeDir` of the project file (relative to the file), else `./certs`.
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AcmApiConfig } from '@acmapi/core';

/** The store folder when neither `--out` nor a project file names one. */
export const DEFAULT_OUT_DIR = './certs';

/** The flags that choose the project. */
export interface ProjectFlags {
  config?: string | undefined;
  out?: string | undefined;
}

/** The project of a run. */
export interface Project {
  /** The validated project file, when there is one. */
  config: AcmApiConfig | undefined;
  /** Its absolute path. */
  configFile: string | undefined;
  /** Its folder: relative paths in it are relative to this. */
  configDir: string | undefined;
  /** The certificate store folder (absolute). */
  storeDir: string;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Which project file applies, or `undefined` (see the module comment). */
export async function projectFilePath(flags: ProjectFlags, env: NodeJS.ProcessEnv, cwd: string): Promise<string | undefined> {
  const named = flags.config ?? (env['ACMAPI_CONFIG'] === '' ? undefined : env['ACMAPI_CONFIG']);
  if (named !== undefined) return resolve(cwd, named);
  const here = join(cwd, 'acmapi.json');
  return (await isFile(here)) ? here : undefined;
}

/**
 * Reads the project file (if any) and decides the store folder.
 *
 * @throws {ConfigError} `CONFIG_NOT_FOUND` (a named file is missing), `CONFIG_UNREADABLE`, `CONFIG_INVALID`.
 */
export async function loadProject(flags: ProjectFlags, env: NodeJS.ProcessEnv, cwd = process.cwd()): Promise<Project> {
  const file = await projectFilePath(flags, env, cwd);
  if (file === undefined) {
    return { config: undefined, configFile: undefined, configDir: undefined, storeDir: resolve(cwd, flags.out ?? DEFAULT_OUT_DIR) };
  }
  // Loaded only when a project file is in play (it brings zod): `acmapi list --out DIR` and
  // `acmapi issue -d …` stay light. A subpath, not the root entry: a dynamic import of the
  // root would make a bundle load every module of core with it.
  const { readConfig } = await import('@acmapi/core/config');
  const { config, dir } = await readConfig(file);
  return {
    config,
    configFile: file,
    configDir: dir,
    storeDir: flags.out === undefined ? resolve(dir, config.defaults.storeDir) : resolve(cwd, flags.out),
  };
}
