/**
 * The `--iis` fix: IIS serves no static file without an extension by default
 * (it answers 404), and the signfile has none. A `web.config` in the
 * `pki-validation` folder maps extensionless files to `text/plain`.
 *
 * Why this XML: IIS 7+ names "no extension" `fileExtension="."` in
 * `<staticContent>`; adding a `<mimeMap>` that already exists at a higher level
 * (server or site) is a configuration error (HTTP 500.19, "Cannot add duplicate
 * collection entry"), so the inherited mapping is removed first with
 * `<remove fileExtension="." />`. The file applies to this folder only.
 */
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DeployError } from '../errors/errors.js';
import { writeFileAtomic } from '../store/write-atomic.js';

/** The web.config that {@link writeIisWebConfig} writes. */
export const IIS_WEB_CONFIG = `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by acmapi (--iis) for the signfile check; removed after issuance. -->
<configuration>
  <system.webServer>
    <staticContent>
      <remove fileExtension="." />
      <mimeMap fileExtension="." mimeType="text/plain" />
    </staticContent>
  </system.webServer>
</configuration>
`;

/** A written web.config. */
export interface IisWebConfigResult {
  readonly path: string;
  /** Whether this call created it (false: an identical one was already there, and is left in place). */
  readonly created: boolean;
  /** Removes the file if this call created it and its content is still ours. */
  remove(): Promise<void>;
}

/**
 * Writes {@link IIS_WEB_CONFIG} as `DIR/web.config`, atomically.
 *
 * @param dir - the `.well-known/pki-validation` folder (must exist).
 * @throws {DeployError} `DEPLOY_WEB_CONFIG_EXISTS` when a different web.config is
 *   already there (it is never overwritten: it may be the site's own).
 */
export async function writeIisWebConfig(dir: string): Promise<IisWebConfigResult> {
  const path = join(dir, 'web.config');
  const existing = await readFile(path, 'utf8').catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing !== undefined) {
    if (existing === IIS_WEB_CONFIG) return { path, created: false, remove: () => Promise.resolve() };
    throw new DeployError(
      'DEPLOY_WEB_CONFIG_EXISTS',
      `${path} already exists and is not the one written for the signfile; it is left as it is.`,
      { path, hint: 'Add <remove fileExtension="." /> and <mimeMap fileExtension="." mimeType="text/plain" /> to its <staticContent> yourself, or remove it.' },
    );
  }
  await writeFileAtomic(path, IIS_WEB_CONFIG);
  return {
    path,
    created: true,
    remove: async () => {
      const now = await readFile(path, 'utf8').catch(() => undefined);
      if (now === IIS_WEB_CONFIG) await unlink(path).catch(() => undefined);
    },
  };
}
