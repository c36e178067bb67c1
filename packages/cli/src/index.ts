/**
 * @acmapi/cli: the `acmapi` command, and its flows for programmatic use.
 */
export { run, cliVersion } from './program.js';
export type { RunOptions } from './program.js';
export { EXIT_CODES, exitCodeFor } from './exit-codes.js';
export type { ExitCode } from './exit-codes.js';
export { issueToFolder } from './issue-flow.js';
export type { IssueToFolderOptions } from './issue-flow.js';
export { retrieveToFolder } from './retrieve-flow.js';
export type { RetrieveToFolderOptions } from './retrieve-flow.js';
export { runDemo } from './demo-flow.js';
export type { RunDemoOptions } from './demo-flow.js';
export { FILES } from './cert-folder.js';
export type { PendingRecord } from './cert-folder.js';
export type { ResultJson, CertificateJson } from './present.js';
export type { ErrorJson } from './describe-error.js';
export { parseDuration } from './duration.js';
export { Output } from './output.js';
