/** Reads the `acmapi.*` settings of a workspace folder into the plain {@link ProjectSettings}. */
import { isAbsolute, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { PreflightMode } from '@acmapi/core';
import { pollBackoffFromSettings, type PollBackoff } from '../pending/poller.js';
import type { ProjectSettings } from '../project/project-service.js';

/** The settings, with relative paths resolved against `folder`. */
export function readProjectSettings(folder: vscode.Uri): ProjectSettings {
  const configuration = vscode.workspace.getConfiguration('acmapi', folder);
  const caFile = configuration.get<string>('caFile', '').trim();
  const mode = configuration.get<string>('preflight.mode', 'warn');
  return {
    caFile: caFile === '' ? undefined : isAbsolute(caFile) ? caFile : resolve(folder.fsPath, caFile),
    preflightMode: (['warn', 'strict', 'off'].includes(mode) ? mode : 'warn') as PreflightMode,
    resolve: configuration.get<string[]>('preflight.resolve', []),
    httpPort: configuration.get<number>('preflight.httpPort', 80),
    httpsPort: configuration.get<number>('preflight.httpsPort', 443),
  };
}

/** The pending tracker's backoff (`acmapi.pending.firstPoll`, `acmapi.pending.maxPollInterval`): durations in core's one syntax. */
export function readPollBackoff(folder: vscode.Uri | undefined): PollBackoff {
  const configuration = vscode.workspace.getConfiguration('acmapi', folder);
  return pollBackoffFromSettings(configuration.get<string>('pending.firstPoll', '2m'), configuration.get<string>('pending.maxPollInterval', '1h'));
}
