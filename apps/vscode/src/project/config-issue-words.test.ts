import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isConfigError, type ConfigIssue, type ConfigIssueCode, type ConfigIssueParams } from '@acmapi/core';
import { CONFIG_ISSUE_CODES, validateConfig } from '@acmapi/core/config';
import { formatMessage, type Localize } from '../l10n/localize.js';
import { describeError } from './advice.js';
import { CONFIG_ISSUE_PHRASES, configIssueText, configProblemText } from './config-issue-words.js';

const zhBundle = JSON.parse(readFileSync(new URL('../../l10n/bundle.l10n.zh-cn.json', import.meta.url), 'utf8')) as Record<string, string>;
/** What vscode.l10n.t does in a zh-cn window: the bundle's text, else the English key. */
const zh: Localize = (message, ...args) => formatMessage(zhBundle[message] ?? message, ...args);
const en = formatMessage;
const CJK = /[\u4e00-\u9fff]/;

/** Core's issues for a file that breaks every rule core has words for. */
function coreIssues(): ConfigIssue[] {
  try {
    validateConfig({
      authToken: 'secret-value',
      endpoint: 'ftp://ca.example',
      customerId: 5,
      signfile: { name: 'a/b', path: '' },
      caaIdentities: ['not a name'],
      dnsServers: ['dns.example.com', '127.0.0.1:0'],
      defaults: { keyType: 'rsa-1024', renewBeforeDays: -1 },
      certificates: [
        { name: 'ok', domains: ['a.example.com'] },
        { name: 'ok', domains: ['b.example.com'] },
        { name: 'Bad/Name', domains: ['*.example.com', '10.0.0.1', ' ', 'nodot'] },
        { name: 'con', domains: [] },
        { name: 'x'.repeat(65), domains: ['a.example', 'b.example', 'c.example', 'd.example', 'e.example', 'f.example'] },
        7,
        { domains: ['a.example.com'] },
      ],
      extra: true,
    });
  } catch (error) {
    if (isConfigError(error)) return [...error.issues];
    throw error;
  }
  throw new Error('expected validateConfig to refuse the file');
}

/** One example of the facts of each code (the type makes the list complete). */
const SAMPLES: { readonly [Code in ConfigIssueCode]: ConfigIssueParams[Code] } = {
  token_in_file: { key: 'authToken' },
  duplicate_name: { name: 'site', firstIndex: 0 },
  unknown_property: { key: 'keytype' },
  certificate_name: { name: 'Site', rule: 'characters', maxLength: 64 },
  domain_refused: { rule: 'DOMAIN_WILDCARD', domain: '*.example.com' },
  dns_server: { server: 'dns.example.com', rule: 'not-an-address' },
  signfile_name: { name: 'a/b' },
  caa_identity: { identity: 'not a name' },
  invalid_type: { expected: 'string', received: 'number' },
  too_small: { origin: 'array', minimum: 1, inclusive: true },
  too_big: { origin: 'string', maximum: 10, inclusive: true },
  invalid_format: { format: 'url' },
  invalid_value: { values: ['ec-p256', 'rsa-2048'] },
  not_multiple_of: { divisor: 2 },
  invalid_union: {},
  invalid_key: {},
  invalid_element: {},
  custom: {},
};
const sample = (code: ConfigIssueCode): ConfigIssue => ({ path: 'x', code, params: SAMPLES[code], message: `core's English for ${code}` }) as ConfigIssue;

describe('config issue words', () => {
  it('have a phrase for every code core can emit; only "custom" (no facts) shows core\'s English', () => {
    expect(Object.keys(CONFIG_ISSUE_PHRASES).sort()).toEqual([...CONFIG_ISSUE_CODES].sort());
    for (const code of CONFIG_ISSUE_CODES) {
      const text = configIssueText(sample(code), zh);
      if (code === 'custom') expect(text).toBe("core's English for custom");
      else {
        expect(text, code).not.toContain("core's English");
        expect(text, code).toMatch(CJK);
      }
    }
  });

  it('phrase each issue core finds in English, with the facts and without zod\'s words', () => {
    const issues = coreIssues();
    const text = (path: string): string | undefined => {
      const issue = issues.find((entry) => entry.path === path);
      return issue === undefined ? undefined : configIssueText(issue, en);
    };
    expect(text('authToken')).toBe('The auth token must not be in acmapi.json (it would be committed): remove "authToken" and run "acmapi: Set Auth Token", which keeps it in VS Code\'s secret storage.');
    expect(text('extra')).toBe('Unknown property "extra": acmapi.json does not use it (check its spelling).');
    expect(text('certificates[1].name')).toBe('Certificate name "ok" is already used by certificates[0]; names must be unique.');
    expect(text('certificates[3].name')).toBe('Certificate name "con" is a device name reserved on Windows.');
    expect(text('certificates[4].name')).toBe(`Certificate name "${'x'.repeat(65)}" is longer than 64 characters.`);
    expect(text('certificates[2].domains[0]')).toBe('Domain "*.example.com" is a wildcard: the CA validates with a signfile, which cannot prove a wildcard. List each name instead.');
    expect(text('certificates[2].domains[1]')).toBe('Domain "10.0.0.1" is an IP address: certificates are issued for domain names only.');
    expect(text('certificates[3].domains')).toBe('A certificate needs at least one domain.');
    expect(text('certificates[4].domains')).toBe('6 domains listed; at most 5 fit in one certificate. Split them over several certificates.');
    expect(text('dnsServers[1]')).toBe('DNS server "127.0.0.1:0" has a bad port: use 1 to 65535.');
    expect(text('customerId')).toBe('Expected a text, found a number.');
    expect(text('certificates[6].name')).toBe('Required: a text.');
    expect(text('defaults.keyType')).toBe('Must be one of: rsa-2048, rsa-3072, rsa-4096, ec-p256, ec-p384.');
    expect(text('defaults.renewBeforeDays')).toBe('Must be more than 0.');
    expect(text('signfile.path')).toBe('Must not be empty.');
    expect(text('endpoint')).toBe('Not a valid URL: write an http or https address, e.g. https://acmapi.wosign.com/.');
    for (const issue of issues) expect(configIssueText(issue, en), issue.path).not.toMatch(/Invalid input|Too small|Invalid option/);
  });

  it('phrase every issue core finds in Simplified Chinese, with the glossary\'s terms and the facts', () => {
    const issues = coreIssues();
    expect(issues.length).toBeGreaterThan(15);
    for (const issue of issues) {
      const text = configIssueText(issue, zh);
      expect(text, issue.path).toMatch(CJK);
      expect(text, issue.path).not.toBe(issue.message);
    }
    const wildcard = issues.find((issue) => issue.path === 'certificates[2].domains[0]');
    expect(wildcard && configIssueText(wildcard, zh)).toBe('域名 "*.example.com" 是通配符：CA 通过 signfile 验证，无法证明对通配符域名的控制。请逐个列出域名。');
    const type = issues.find((issue) => issue.path === 'customerId');
    expect(type && configIssueText(type, zh)).toBe('应为文本，实际为数字。');
  });

  it('fall back to core\'s English for a code or a rule it does not know (a newer core)', () => {
    expect(configIssueText({ code: 'from_a_newer_core', params: {}, message: 'Core says so.' } as unknown as ConfigIssue, zh)).toBe('Core says so.');
    expect(configIssueText({ code: 'domain_refused', params: { rule: 'DOMAIN_NEW_RULE', domain: 'a' }, message: 'Core says so.' } as unknown as ConfigIssue, zh)).toBe('Core says so.');
    expect(configIssueText({ code: 'too_small', params: { origin: 'date', minimum: 1, inclusive: true }, message: 'Core says so.' }, zh)).toBe('Core says so.');
  });

  it('a problem\'s line: its path, then the words; a syntax error in words, with the parser\'s code', () => {
    expect(configProblemText({ path: 'certificates[0].domains[0]', message: 'x', issue: sample('domain_refused') }, zh)).toBe('certificates[0].domains[0]: 域名 "*.example.com" 是通配符：CA 通过 signfile 验证，无法证明对通配符域名的控制。请逐个列出域名。');
    expect(configProblemText({ path: '', message: 'x', issue: sample('invalid_type') }, en)).toBe('Expected a text, found a number.');
    expect(configProblemText({ path: '', message: 'JSON: PropertyNameExpected', syntax: 'PropertyNameExpected' }, en)).toBe('Not valid JSON: a property name in double quotes is expected (no trailing comma) (PropertyNameExpected).');
    expect(configProblemText({ path: '', message: 'JSON: CommaExpected', syntax: 'CommaExpected' }, zh)).toBe('不是有效的 JSON：此处应为逗号（CommaExpected）。');
    expect(configProblemText({ path: '', message: 'JSON: SomethingNew', syntax: 'SomethingNew' }, en)).toBe('Not valid JSON: SomethingNew (SomethingNew).');
  });

  it('describe an invalid acmapi.json (the view\'s tooltip, the log) in the same words, with the code', () => {
    let error: unknown;
    try {
      validateConfig({ certificates: [{ name: 'wild', domains: ['*.example.com'] }] });
    } catch (thrown) {
      error = thrown;
    }
    expect(describeError(error, zh)).toMatch(/^acmapi\.json 无效：certificates\[0\]\.domains\[0\]: 域名 "\*\.example\.com" 是通配符.*\[CONFIG_INVALID\]$/);
    expect(describeError(error, en)).toContain('acmapi.json is not valid: certificates[0].domains[0]: Domain "*.example.com" is a wildcard');
  });
});
