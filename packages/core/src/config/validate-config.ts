/**
 * Validation of the project file, as a pure function: every problem is reported at once,
 * each with its JSON path (`certificates[2].domains[0]: …`).
 */
import type { z } from 'zod';
import type { ConfigIssueCode, ConfigIssueFacts, ConfigIssueParams, JsonTypeName } from '../errors/config-issue.js';
import { ConfigError, type ConfigIssue } from '../errors/errors.js';
import { CAA_IDENTITY_PATTERN, CONFIG_ISSUE_PARAM, SIGNFILE_NAME_PATTERN, configSchema, type AcmApiConfig } from './config-schema.js';

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

/** One issue; typed by its code so that its params match. */
function issueOf<Code extends ConfigIssueCode>(path: readonly PropertyKey[], code: Code, params: ConfigIssueParams[Code], message: string): ConfigIssue {
  return { path: formatConfigPath(path), code, params, message } as ConfigIssue;
}

/** The value at `path` in the raw document; `undefined` when a step is missing. */
function valueAt(json: unknown, path: readonly PropertyKey[]): unknown {
  let value = json;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function jsonTypeOf(value: unknown): JsonTypeName {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' ? type : 'object';
}

/** Finds keys that look like an auth token, anywhere in the document. */
function tokenIssues(json: unknown): ConfigIssue[] {
  // A walk with its own stack, not recursion: a file of under 1 MiB can nest arrays 500,000
  // deep, which JSON.parse takes and a recursive walk would meet as a stack overflow. Each
  // step links to its parent, so a path is built only for a key that is reported; steps are
  // pushed in reverse, so issues come out in document order.
  interface Step {
    /** A token key found (reported when popped), or a value to look into. */
    readonly token: boolean;
    readonly value: unknown;
    readonly key: PropertyKey | undefined;
    readonly parent: Step | undefined;
  }
  const pathOf = (step: Step): PropertyKey[] => {
    const path: PropertyKey[] = [];
    for (let at: Step | undefined = step; at?.key !== undefined; at = at.parent) path.unshift(at.key);
    return path;
  };
  const issues: ConfigIssue[] = [];
  const stack: Step[] = [{ token: false, value: json, key: undefined, parent: undefined }];
  for (let step = stack.pop(); step !== undefined; step = stack.pop()) {
    if (step.token) {
      issues.push(issueOf(pathOf(step), 'token_in_file', { key: String(step.key) }, TOKEN_MESSAGE));
      continue;
    }
    const { value } = step;
    if (value === null || typeof value !== 'object') continue;
    const entries: [PropertyKey, unknown][] = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
    for (const [key, item] of entries.reverse()) {
      stack.push({ token: typeof key === 'string' && TOKEN_KEY.test(key), value: item, key, parent: step });
    }
  }
  return issues;
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
      issues.push(
        issueOf(['certificates', index, 'name'], 'duplicate_name', { name, firstIndex: first }, `Certificate name "${name}" is already used by certificates[${first}]; names must be unique.`),
      );
    }
  });
  return issues;
}

/** A certificate's domain list: `certificates[N].domains`. */
function isDomainList(path: readonly PropertyKey[]): boolean {
  return path.length === 3 && path[0] === 'certificates' && typeof path[1] === 'number' && path[2] === 'domains';
}

/** Classifies one zod issue: core's own kinds by their marks, zod's kinds passed through with their facts. */
function classify(issue: z.core.$ZodIssue, json: unknown): ConfigIssue {
  const { path, message } = issue;
  switch (issue.code) {
    case 'custom': {
      const mark = issue.params?.[CONFIG_ISSUE_PARAM] as ConfigIssueFacts | undefined;
      return mark === undefined ? issueOf(path, 'custom', {}, message) : ({ path: formatConfigPath(path), code: mark.code, params: mark.params, message } as ConfigIssue);
    }
    case 'invalid_type':
      return issueOf(path, 'invalid_type', { expected: issue.expected, received: jsonTypeOf(valueAt(json, path)) }, message);
    case 'too_small':
      if (isDomainList(path) && issue.origin === 'array') return issueOf(path, 'domain_refused', { rule: 'DOMAIN_NONE' }, message);
      return issueOf(path, 'too_small', { origin: issue.origin, minimum: Number(issue.minimum), inclusive: issue.inclusive ?? true }, message);
    case 'too_big': {
      const value = valueAt(json, path);
      if (isDomainList(path) && Array.isArray(value)) {
        return issueOf(path, 'domain_refused', { rule: 'DOMAIN_TOO_MANY', limit: Number(issue.maximum), count: value.length }, message);
      }
      return issueOf(path, 'too_big', { origin: issue.origin, maximum: Number(issue.maximum), inclusive: issue.inclusive ?? true }, message);
    }
    case 'invalid_format': {
      const value = valueAt(json, path);
      const text = typeof value === 'string' ? value : '';
      if (issue.format === 'regex' && issue.pattern === String(SIGNFILE_NAME_PATTERN)) return issueOf(path, 'signfile_name', { name: text }, message);
      if (issue.format === 'regex' && issue.pattern === String(CAA_IDENTITY_PATTERN)) return issueOf(path, 'caa_identity', { identity: text }, message);
      return issueOf(path, 'invalid_format', { format: issue.format }, message);
    }
    case 'invalid_value':
      return issueOf(path, 'invalid_value', { values: issue.values.map(String) }, message);
    case 'not_multiple_of':
      return issueOf(path, 'not_multiple_of', { divisor: issue.divisor }, message);
    case 'unrecognized_keys':
      // Split one per key by zodIssues; this is the whole-object fallback.
      return issueOf(path, 'unknown_property', { key: issue.keys.join(', ') }, message);
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
      return issueOf(path, issue.code, {}, message);
  }
}

function zodIssues(issues: readonly z.core.$ZodIssue[], json: unknown): ConfigIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      // A token key already has its own message; the other unknown keys are listed one by one.
      return issue.keys.filter((key) => !TOKEN_KEY.test(key)).map((key) => issueOf([...issue.path, key], 'unknown_property', { key }, `Unknown property "${key}".`));
    }
    return [classify(issue, json)];
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
 *   path (e.g. `certificates[2].domains[0]`; certificate names must be unique), its stable
 *   `code` and `params` (the facts a front end words in its own language: see
 *   `ConfigIssueParams`) and core's English `message`; the error's message lists them one per line.
 *   An `authToken`/`auth_token` property is always an error: tokens belong in a secret
 *   store (each front end names its own).
 */
export function validateConfig(json: unknown): AcmApiConfig {
  const result = configSchema.safeParse(json);
  const issues = [...tokenIssues(json), ...duplicateNameIssues(json), ...(result.success ? [] : zodIssues(result.error.issues, json))];
  if (issues.length > 0 || !result.success) {
    throw new ConfigError('CONFIG_INVALID', `The project file is not valid:\n${formatConfigIssues(issues)}`, {
      issues,
      hint: 'Fix each problem at its JSON path; the JSON Schema of the project file lets an editor show them as you type.',
    });
  }
  return result.data;
}
