/**
 * `acmapi.json` as the editor shows it (issue 12, first run): every problem at its place in the
 * file (for the Problems panel), and the certificates that are valid even when one entry is
 * not, so one bad entry no longer replaces the whole view with one error row. Validity is
 * core's rule (`validateConfig`, the same the CLI and the Action use); this module only
 * places core's issues in the text and leaves the offending certificate entries out. Pure.
 */
import { findNodeAtLocation, parse, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { isConfigError, type AcmApiConfig, type ConfigIssue } from '@acmapi/core';
import { validateConfig } from '@acmapi/core/config';

/** A zero-based line and character (UTF-16 code units), as editors count. */
export interface TextPosition {
  readonly line: number;
  readonly character: number;
}

/** One problem of the file, where it is. */
export interface ConfigProblem {
  /** Core's JSON path (`certificates[1].domains[0]`); empty for the whole file or a syntax error. */
  readonly path: string;
  /** Core's English message (or the JSON parser's for a syntax error); the panel words `issue` itself (config-issue-words). */
  readonly message: string;
  /** Core's issue (code and facts); `undefined` for a syntax error. */
  readonly issue?: ConfigIssue | undefined;
  /** For a syntax error: the JSON parser's code name (`CommaExpected`, …, see `printParseErrorCode`). */
  readonly syntax?: string | undefined;
  readonly start: TextPosition;
  readonly end: TextPosition;
}

/** The verdict on the file's text. */
export interface ConfigCheck {
  /** The configuration without the entries left out; `undefined` when the file as a whole is unusable. */
  readonly config: AcmApiConfig | undefined;
  /** Every problem core found (all of them, also those of entries left out). */
  readonly problems: readonly ConfigProblem[];
  /** Indexes in `certificates` of the entries left out because of their problems, with their names when readable. */
  readonly skipped: readonly { readonly index: number; readonly name: string | undefined }[];
}

function positionAt(text: string, offset: number): TextPosition {
  let line = 0;
  let lineStart = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) {
    line += 1;
    lineStart = index + 1;
  }
  return { line, character: offset - lineStart };
}

/** Core's path text (see `formatConfigPath`) as segments: `a.b[2]["x y"]` → `['a', 'b', 2, 'x y']`. */
export function parseConfigPath(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  for (const match of path.matchAll(/\.?([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[3] !== undefined) segments.push(JSON.parse(match[3]) as string);
  }
  return segments;
}

/** The node to underline for `segments`: the property's key when it exists, else the nearest existing parent. */
function nodeFor(root: Node, segments: readonly (string | number)[]): Node {
  for (let length = segments.length; length >= 0; length--) {
    const node = findNodeAtLocation(root, segments.slice(0, length));
    if (node === undefined) continue;
    // An unknown or wrong property: its key is where the eye goes.
    const key = node.parent?.type === 'property' && length === segments.length ? node.parent.children?.[0] : undefined;
    return key ?? node;
  }
  return root;
}

function rangeOf(text: string, offset: number, length: number): { start: TextPosition; end: TextPosition } {
  return { start: positionAt(text, offset), end: positionAt(text, offset + Math.max(length, 1)) };
}

/**
 * Checks the text of `acmapi.json` with core's rules and places each problem.
 *
 * @returns the usable configuration (all of it, or all but the certificate entries with
 *   problems), every problem with its range, and the entries left out.
 */
export function checkConfigText(text: string): ConfigCheck {
  const syntax: ParseError[] = [];
  // Core reads strict JSON: comments and trailing commas are errors here too.
  const json: unknown = parse(text, syntax, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (syntax.length > 0) {
    return {
      config: undefined,
      skipped: [],
      problems: syntax.map((error) => ({ path: '', message: `JSON: ${printParseErrorCode(error.error)}`, syntax: printParseErrorCode(error.error), ...rangeOf(text, error.offset, error.length) })),
    };
  }
  const root = parseTree(text);
  let issues: readonly ConfigIssue[];
  try {
    return { config: validateConfig(json), problems: [], skipped: [] };
  } catch (error) {
    if (!isConfigError(error)) throw error;
    issues = error.issues;
  }
  const problems = issues.map((issue) => {
    const node = root === undefined ? undefined : nodeFor(root, parseConfigPath(issue.path));
    return { path: issue.path, message: issue.message, issue, ...(node === undefined ? rangeOf(text, 0, 1) : rangeOf(text, node.offset, node.length)) };
  });
  // Leave out the certificate entries with problems when nothing else has one.
  const entries = issues.map((issue) => /^certificates\[(\d+)\]/.exec(issue.path)?.[1]);
  const certificates = (json as { certificates?: unknown } | null)?.certificates;
  if (entries.some((entry) => entry === undefined) || !Array.isArray(certificates)) return { config: undefined, problems, skipped: [] };
  const bad = new Set(entries.map(Number));
  const kept = certificates.filter((_entry, index) => !bad.has(index));
  if (kept.length === 0) return { config: undefined, problems, skipped: [] };
  try {
    const config = validateConfig({ ...(json as Record<string, unknown>), certificates: kept });
    const skipped = [...bad].sort((a, b) => a - b).map((index) => {
      const name = (certificates[index] as { name?: unknown } | null)?.name;
      return { index, name: typeof name === 'string' ? name : undefined };
    });
    return { config, problems, skipped };
  } catch {
    return { config: undefined, problems, skipped: [] };
  }
}
