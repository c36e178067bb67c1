/**
 * The problems of `acmapi.json` in the extension's words and the user's language (issue 12:
 * the Problems panel showed core's English, zod's included, in a Chinese window). Core gives
 * each issue a stable `code` and its facts (`params`); this module phrases them through `t`
 * (the l10n bundles, terms of l10n/GLOSSARY.md). Core's English `message` is used only for a
 * code this module does not know (a newer core) and for `custom`, which has no facts. Pure.
 */
import type { CertificateNameRule, ConfigIssue, ConfigIssueCode, ConfigIssueParams, DnsServerRule, DomainErrorCode, JsonTypeName } from '@acmapi/core';
import type { Localize } from '../l10n/localize.js';

/** A text from the file, quoted so that spaces and invisible characters show. */
const quote = (text: string): string => JSON.stringify(text);

const NAME_RULES: Readonly<Record<CertificateNameRule, (name: string, maxLength: number, t: Localize) => string>> = {
  empty: (_name, _max, t) => t('The certificate name is empty.'),
  'too-long': (name, max, t) => t('Certificate name {0} is longer than {1} characters.', quote(name), max),
  characters: (name, _max, t) =>
    t('Certificate name {0} may use only lower-case letters, digits, ".", "_" and "-"; it starts with a letter or digit, does not end with "." and has no "..".', quote(name)),
  'windows-reserved': (name, _max, t) => t('Certificate name {0} is a device name reserved on Windows.', quote(name)),
};

const DOMAIN_RULES: Readonly<Record<DomainErrorCode, (params: ConfigIssueParams['domain_refused'], t: Localize) => string>> = {
  DOMAIN_EMPTY: (_params, t) => t('A domain is empty.'),
  DOMAIN_INVALID: (params, t) => t('Domain {0} is not a valid host name: at least two labels of letters, digits and inner hyphens, like "example.com".', quote(params.domain ?? '')),
  DOMAIN_WILDCARD: (params, t) => t('Domain {0} is a wildcard: the CA validates with a signfile, which cannot prove a wildcard. List each name instead.', quote(params.domain ?? '')),
  DOMAIN_IP_ADDRESS: (params, t) => t('Domain {0} is an IP address: certificates are issued for domain names only.', quote(params.domain ?? '')),
  DOMAIN_NONE: (_params, t) => t('A certificate needs at least one domain.'),
  DOMAIN_TOO_MANY: (params, t) => t('{0} domains listed; at most {1} fit in one certificate. Split them over several certificates.', params.count ?? '?', params.limit ?? 5),
};

const DNS_RULES: Readonly<Record<DnsServerRule, (server: string, t: Localize) => string>> = {
  'not-an-address': (server, t) => t('DNS server {0} is not an IP address: write ADDR[:PORT], e.g. 127.0.0.1:5353 or [::1]:53.', quote(server)),
  'bad-port': (server, t) => t('DNS server {0} has a bad port: use 1 to 65535.', quote(server)),
};

/** zod's type names (`expected`) and the JSON types found, as words. */
function typeWord(type: string, t: Localize): string {
  const words: Readonly<Record<string, () => string>> = {
    string: () => t('a text'),
    number: () => t('a number'),
    int: () => t('a whole number'),
    boolean: () => t('true or false'),
    array: () => t('a list'),
    object: () => t('an object'),
    null: () => t('null'),
  } satisfies Partial<Record<JsonTypeName | 'int', () => string>>;
  return words[type]?.() ?? type;
}

function tooSmall({ origin, minimum, inclusive }: ConfigIssueParams['too_small'], t: Localize): string | undefined {
  if (origin === 'string') return minimum <= 1 ? t('Must not be empty.') : t('Must have at least {0} characters.', minimum);
  if (origin === 'array') return t('Must list at least {0} item(s).', minimum);
  if (origin === 'number' || origin === 'int') return inclusive ? t('Must be {0} or more.', minimum) : t('Must be more than {0}.', minimum);
  return undefined;
}

function tooBig({ origin, maximum, inclusive }: ConfigIssueParams['too_big'], t: Localize): string | undefined {
  if (origin === 'string') return t('Must have at most {0} characters.', maximum);
  if (origin === 'array') return t('Must list at most {0} item(s).', maximum);
  if (origin === 'number' || origin === 'int') return inclusive ? t('Must be {0} or less.', maximum) : t('Must be less than {0}.', maximum);
  return undefined;
}

/** The entry of `table` for `key`, or `undefined` for a key a newer core added (its English then shows). */
function known<Value>(table: Readonly<Partial<Record<string, Value>>>, key: string): Value | undefined {
  return table[key];
}

type Phrase<Code extends ConfigIssueCode> = (params: ConfigIssueParams[Code], t: Localize) => string | undefined;

/** One phrase per code; `undefined` from a phrase means "no words for these facts": core's message is shown. */
export const CONFIG_ISSUE_PHRASES: { readonly [Code in ConfigIssueCode]: Phrase<Code> } = {
  token_in_file: ({ key }, t) =>
    t('The auth token must not be in acmapi.json (it would be committed): remove {0} and run "acmapi: Set Auth Token", which keeps it in VS Code\'s secret storage.', quote(key)),
  duplicate_name: ({ name, firstIndex }, t) => t('Certificate name {0} is already used by certificates[{1}]; names must be unique.', quote(name), firstIndex),
  unknown_property: ({ key }, t) => t('Unknown property {0}: acmapi.json does not use it (check its spelling).', quote(key)),
  certificate_name: ({ name, rule, maxLength }, t) => known(NAME_RULES, rule)?.(name, maxLength, t),
  domain_refused: (params, t) => known(DOMAIN_RULES, params.rule)?.(params, t),
  dns_server: ({ server, rule }, t) => known(DNS_RULES, rule)?.(server, t),
  signfile_name: ({ name }, t) => t('Signfile name {0} must be a plain file name (letters, digits, ".", "_", "-").', quote(name)),
  caa_identity: ({ identity }, t) => t('CAA identity {0} is not a domain name; write the CA\'s issuer domain, e.g. wosign.com.', quote(identity)),
  invalid_type: ({ expected, received }, t) =>
    received === 'missing' ? t('Required: {0}.', typeWord(expected, t)) : t('Expected {0}, found {1}.', typeWord(expected, t), typeWord(received, t)),
  too_small: tooSmall,
  too_big: tooBig,
  invalid_format: ({ format }, t) => (format === 'url' ? t('Not a valid URL: write an http or https address, e.g. https://acmapi.wosign.com/.') : t('Not in the expected format ({0}).', format)),
  invalid_value: ({ values }, t) => t('Must be one of: {0}.', values.join(', ')),
  not_multiple_of: ({ divisor }, t) => t('Must be a multiple of {0}.', divisor),
  invalid_union: (_params, t) => t('This value is not valid here.'),
  invalid_key: (_params, t) => t('This value is not valid here.'),
  invalid_element: (_params, t) => t('This value is not valid here.'),
  // A refinement core does not classify: its English is all there is.
  custom: () => undefined,
};

/**
 * One problem of `acmapi.json` in the user's language, without its path (the Problems panel
 * places it), e.g. `Domain "*.example.com" is a wildcard: …`.
 *
 * @param issue - one of `ConfigError.issues` (core's `validateConfig`).
 * @returns the phrase for `issue.code` with its params; core's `message` for a code (or a rule) this extension has no words for.
 */
export function configIssueText(issue: Pick<ConfigIssue, 'code' | 'params' | 'message'>, t: Localize): string {
  const phrase = known<(params: ConfigIssue['params'], t: Localize) => string | undefined>(CONFIG_ISSUE_PHRASES as Readonly<Record<string, Phrase<ConfigIssueCode>>>, issue.code);
  return phrase?.(issue.params, t) ?? issue.message;
}

/** The JSON parser's syntax errors (jsonc-parser's `printParseErrorCode` names). */
const JSON_SYNTAX: Readonly<Partial<Record<string, (t: Localize) => string>>> = {
  InvalidSymbol: (t) => t('an unexpected character'),
  InvalidNumberFormat: (t) => t('a malformed number'),
  PropertyNameExpected: (t) => t('a property name in double quotes is expected (no trailing comma)'),
  ValueExpected: (t) => t('a value is expected (no trailing comma)'),
  ColonExpected: (t) => t('a colon is expected'),
  CommaExpected: (t) => t('a comma is expected'),
  CloseBraceExpected: (t) => t('a closing brace is expected'),
  CloseBracketExpected: (t) => t('a closing bracket is expected'),
  EndOfFileExpected: (t) => t('nothing may follow the end of the document'),
  InvalidCommentToken: (t) => t('comments are not allowed'),
  UnexpectedEndOfComment: (t) => t('comments are not allowed'),
  UnexpectedEndOfString: (t) => t('a string is not closed'),
  UnexpectedEndOfNumber: (t) => t('a number is cut off'),
  InvalidUnicode: (t) => t('an invalid \\u escape'),
  InvalidEscapeCharacter: (t) => t('an invalid escape character'),
  InvalidCharacter: (t) => t('a control character that must be escaped'),
};

/**
 * A problem's line for the Problems panel: `path: phrase` (the whole file's problems without
 * a path); a syntax error (no `issue`) in words too, with the parser's code name.
 */
export function configProblemText(
  problem: { readonly path: string; readonly message: string; readonly issue?: Pick<ConfigIssue, 'code' | 'params' | 'message'> | undefined; readonly syntax?: string | undefined },
  t: Localize,
): string {
  if (problem.issue === undefined) {
    if (problem.syntax === undefined) return problem.message;
    return t('Not valid JSON: {0} ({1}).', known(JSON_SYNTAX, problem.syntax)?.(t) ?? problem.syntax, problem.syntax);
  }
  const text = configIssueText(problem.issue, t);
  return problem.path === '' ? text : `${problem.path}: ${text}`;
}
