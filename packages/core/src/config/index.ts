/**
 * `@acmapi/core/config`: reading and validating the project file `acmapi.json`. `readConfig`
 * and `findConfig` are the root entry's too; `validateConfig` and `formatConfigIssues` are
 * only here, because they load the schema and zod: re-exported by the root, a bundler would
 * evaluate them with any import of it. A front end that reads a project file only sometimes
 * imports this subpath dynamically (a dynamic import of the root would bring all of it).
 *
 * @module @acmapi/core/config
 */
export { CONFIG_FILE_NAME, findConfig, readConfig } from './read-config.js';
export type { ReadConfigResult } from './read-config.js';
export { formatConfigIssues, validateConfig } from './validate-config.js';
