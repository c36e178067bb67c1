/**
 * `@acmapi/core/deploy`: putting the signfile where the CA fetches it (spec §1) — into a
 * webroot (with an IIS `web.config` when asked), or served by a small standalone server.
 * The lifecycle's signfile phase uses these; they are public for tools that place the
 * signfile themselves.
 */
export { deployWebroot } from './deploy-webroot.js';
export type { DeployWebrootOptions, DeployWebrootResult } from './deploy-webroot.js';
export { IIS_WEB_CONFIG, writeIisWebConfig } from './iis-web-config.js';
export type { IisWebConfigResult } from './iis-web-config.js';
export { SIGNFILE_PATH_PREFIX, serveSignfile } from './signfile-server.js';
export type { ServeSignfileOptions, ServeSignfileResult } from './signfile-server.js';
