/** Issue 12: errors speak the extension's language, with the concrete values, in the user's language. */
import { readFileSync } from 'node:fs';
import { CaError } from '@acmapi/core';
import { describe, expect, it } from 'vitest';
import { formatMessage, type Localize } from '../l10n/localize.js';
import { describeError } from './advice.js';

const zhBundle = JSON.parse(readFileSync(new URL('../../l10n/bundle.l10n.zh-cn.json', import.meta.url), 'utf8')) as Record<string, string>;
const zh: Localize = (message, ...args) => formatMessage(zhBundle[message] ?? message, ...args);

describe('describeError in the extension\'s words', () => {
  it('107 names the URL the CA fetched, with the signfile name of acmapi.json, and no placeholder', () => {
    const text = describeError(new CaError(107, 'www.example.test'), formatMessage, { signfileName: 'acmapi-sf' });
    expect(text).toContain('http://www.example.test/.well-known/pki-validation/acmapi-sf');
    expect(text).toContain('"acmapi: Check Signfile"');
    expect(text).not.toMatch(/\bDOMAIN\b|<signfile name>|--[a-z]/);
    expect(text.endsWith('[CA_DOMAIN_VERIFY_FAILED]')).toBe(true);
  });

  it('102 speaks of the command, not of flags or variables', () => {
    const text = describeError(new CaError(102), formatMessage);
    expect(text).toBe('The CA answered 102: auth token not accepted. Run "acmapi: Set Auth Token" and enter the token the CA issued with this customer id. [CA_AUTH_TOKEN_REJECTED]');
  });

  it('in Simplified Chinese the whole sentence is Chinese: no English words but the code and the URL', () => {
    const text = describeError(new CaError(107, 'www.example.test'), zh, { signfileName: 'acmapi-sf' });
    // Kept in Latin letters by the glossary: the URL, the domain, the code, and the terms signfile and acmapi.
    const rest = text.replace('http://www.example.test/.well-known/pki-validation/acmapi-sf', '').replace('[CA_DOMAIN_VERIFY_FAILED]', '').replace(/www\.example\.test/g, '').replace(/signfile|acmapi/g, '');
    expect(rest).toMatch(/[\u4e00-\u9fff]/);
    expect(rest).not.toMatch(/[A-Za-z]{3,}/);
  });
});
