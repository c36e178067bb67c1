/**
 * @acmapi/cli: the `acmapi` command, and its runs for programmatic use.
 */
export { run, cliVersion } from './program.js';
export type { RunOptions } from './program.js';
export { EXIT_CODES } from './present/exit-codes.js';
export { exitCodeFor } from './present/exit-code-for.js';
export type { ExitCode } from './present/exit-codes.js';
export { issueToFolder } from './commands/issue.js';
export type { IssueToFolderOptions } from './commands/issue.js';
export { retrieveToFolder } from './commands/retrieve.js';
export type { RetrieveToFolderOptions } from './commands/retrieve.js';
export { runDemo } from './commands/demo.js';
export type { RunDemoOptions } from './commands/demo.js';
export { renewCertificates } from './commands/renew.js';
export type { RenewOptions } from './commands/renew.js';
export { runCertificate } from './commands/certificate-run.js';
export type { CertificateTarget, KeyAndCsr, RunCertificateOptions } from './commands/certificate-run.js';
export type { ListJson, ListEntryJson } from './present/list-view.js';
export type { ResultJson, CertificateJson, FileRole, RenewResultJson, RenewPlanJson } from './present/result-json.js';
export type { ErrorJson } from './present/describe-error.js';
/** The one duration syntax of acmapi (core's parser), as the duration flags take it. */
export { parseDuration } from '@acmapi/core';
export { Output } from './present/output.js';
