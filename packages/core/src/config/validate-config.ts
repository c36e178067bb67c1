/**
 * Validation of the project file, as a pure function: every problem is reported at once,
 * each with its JSON path (`certificates[2].domains[0]: …`).
 */
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors/errors.js';
import { configSchema, type AcmApiConfig } from './config-schema.js';

const TOKEN_KEY = /^auth[_-]?token$/i;
const TOKEN_MESSAGE =
  'The auth token must not be in the project file (it would be committed): keep it in a secret store instead.';

/** Formats a path as JSON-path-like text: `certificates[2].domains[0]`; the empty string for the root. */
export function formatConfigPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else {
      const name = String(key);
      text += /^[A-Za-z_$][\w$]*$/.test(name) ? `${text === '' ? '' : '.'}${name}` : `[${JSON.stringify(name)}]`;
    }
  }
  return text;
}

/** Finds keys that look like an auth token, anywhere in the document. */
function tokenIssues(value: unknown, path: PropertyKey[] = []): ConfigIssue[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => tokenIssues(item, [...path, index]));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) =>
    TOKEN_KEY.test(key) ? [{ path: formatConfigPath([...path, key]), message: TOKEN_MESSAGE }] : tokenIssues(item, [...path, key]),
  );
}

/** Names used twice. Checked on the raw document so it is reported even when other parts are invalid. */
function duplicateNameIssues(json: unknown): ConfigIssue[] {
  if (json === null || typeof json !== 'object' || !('certificates' in json) || !Array.isArray(json.certificates)) return [];
  const seen = new Map<string, number>();
  const issues: ConfigIssue[] = [];
  (json.certificates as unknown[]).forEach((entry, index) => {
    const name: unknown = entry !== null && typeof entry === 'object' && 'name' in entry ? entry.name : undefined;
    if (typeof name !== 'string') return;
    const first = seen.get(name);
    if (first === undefined) seen.set(name, index);
    else {
      issues.push({
        path: formatConfigPath(['certificates', index, 'name']),
        message: `Certificate name "${name}" is already used by certificates[${first}]; names must be unique.`,
      });
    }
  });
  return issues;
}

function zodIssues(issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      // A token key already has its own message; the other unknown keys are listed one by one.
      return issue.keys
        .filter((key) => !TOKEN_KEY.test(key))
        .map((key) => ({ path: formatConfigPath([...issue.path, key]), message: `Unknown property "${key}".` }));
    }
    return [{ path: formatConfigPath(issue.path), message: issue.message }];
  });
}

/** Renders issues one per line, `path: message` (the root shows as `(root)`). */
export function formatConfigIssues(issues: readonly ConfigIssue[]): string {
  return issues.map((issue) => `${issue.path === '' ? '(root)' : issue.path}: ${issue.message}`).join('\n');
}

/**
 * Validates a parsed `acmapi.json` and applies its defaults. Pure: no file access.
 *
 * @param json - the parsed JSON document.
 * @returns the configuration with defaults applied and domains normalised (spec §4).
 * @throws {ConfigError} `CONFIG_INVALID` whose `issues` lists every problem with its JSON
 *   path (e.g. `certificates[2].domains[0]`; certificate names must be unique), and whose message lists them one per line.
 *   An `authToken`/`auth_token` property is always an error: tokens belong in a secret
 *   store (each front end names its own).
 */
export function validateConfig(json: unknown): AcmApiConfig {
  const result = configSchema.safeParse(json);
  const issues = [...tokenIssues(json), ...duplicateNameIssues(json), ...(result.success ? [] : zodIssues(result.error.issues))];
  if (issues.length > 0 || !result.success) {
    throw new ConfigError('CONFIG_INVALID', `The project file is not valid:\n${formatConfigIssues(issues)}`, {
      issues,
      hint: 'Fix each problem at its JSON path; the JSON Schema of the project file lets an editor show them as you type.',
    });
  }
  return result.data;
}
