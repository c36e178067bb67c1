/**
 * `@acmapi/core/config`: reading and validating the project file `acmapi.json`, its defaults,
 * and the codes of its issues (`CONFIG_ISSUE_CODES`, one per {@link ConfigIssue}). `readConfig`
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
export { DEFAULT_ENDPOINT, DEFAULT_SIGNFILE_NAME, DEFAULT_STORE_DIR } from './config-defaults.js';
export { CONFIG_ISSUE_CODES } from '../errors/config-issue.js';
export type { ConfigIssue, ConfigIssueCode, ConfigIssueParams } from '../errors/config-issue.js';
