/**
 * A site for signfile checks (spec §5), served by a real nginx on loopback: one webroot that
 * serves the signfile at `/.well-known/pki-validation/NAME` for every name, and a name-based
 * server block for `missingDomain` whose webroot lacks it (the CA's fetch answers 404 → 107).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startNginx, type NginxServer } from './nginx.js';

/** Options of {@link startSignfileSite}. */
export interface SignfileSiteOptions {
  /** A folder of the test's to hold the two webroots. */
  readonly dir: string;
  /** The signfile served (written with one trailing newline, as editors save it). */
  readonly signfile: { readonly name: string; readonly content: string };
  /** The domain whose server block serves no signfile. */
  readonly missingDomain: string;
}

/** Starts the site; stop it with the returned nginx's `stop()`. */
export async function startSignfileSite(options: SignfileSiteOptions): Promise<NginxServer> {
  const webroot = join(options.dir, 'webroot');
  const emptyRoot = join(options.dir, 'empty-webroot');
  await mkdir(join(webroot, '.well-known', 'pki-validation'), { recursive: true });
  await mkdir(emptyRoot, { recursive: true });
  await writeFile(join(webroot, '.well-known', 'pki-validation', options.signfile.name), `${options.signfile.content}\n`);
  return startNginx({
    webroot,
    httpConfig: `server { listen 127.0.0.1:{{port}}; server_name ${options.missingDomain}; root ${emptyRoot}; }`,
  });
}
