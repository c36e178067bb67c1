import { describe, expect, it } from 'vitest';
import { decideCaa, parseIssueValue, SANDBOX_VALIDATION_METHOD } from './caa-policy.js';

const requester = {
  identities: ['sandbox.acmapi.test'],
  accountUri: 'https://sandbox.acmapi.test/customer/c1',
  method: SANDBOX_VALIDATION_METHOD,
};
const issue = (value: string, flags = 0) => ({ flags, tag: 'issue', value });

describe('parseIssueValue (RFC 8659 §4.2)', () => {
  it('splits the issuer and parameters, ignoring white space and case of keys', () => {
    const parsed = parseIssueValue(' Sandbox.ACMAPI.test. ; AccountURI=https://x/1 ;validationmethods= acmapi-file,http-01 ');
    expect(parsed.issuer).toBe('sandbox.acmapi.test');
    expect(parsed.parameters.get('accounturi')).toBe('https://x/1');
    expect(parsed.parameters.get('validationmethods')).toBe('acmapi-file,http-01');
  });

  it('reads ";" as no issuer at all', () => {
    expect(parseIssueValue(';').issuer).toBe('');
  });
});

describe('decideCaa', () => {
  it('allows with no records and with a set that has no issue property', () => {
    expect(decideCaa([], false, requester)).toMatchObject({ allowed: true, reason: 'no-caa' });
    expect(decideCaa([{ flags: 0, tag: 'iodef', value: 'mailto:sec@example.test' }], false, requester)).toEqual({
      allowed: true,
      reason: 'no-issue-property',
      iodef: ['mailto:sec@example.test'],
    });
  });

  it('allows when an issue record names this CA, in any letter case, and forbids when none does', () => {
    expect(decideCaa([issue('other.test'), issue('SANDBOX.acmapi.test')], false, requester)).toMatchObject({
      allowed: true,
      reason: 'allowed',
      record: issue('SANDBOX.acmapi.test'),
    });
    expect(decideCaa([issue('letsencrypt.org')], false, requester)).toMatchObject({
      allowed: false,
      reason: 'not-authorized',
      record: issue('letsencrypt.org'),
    });
    expect(decideCaa([issue(';')], false, requester)).toMatchObject({ allowed: false, reason: 'not-authorized' });
  });

  it('refuses a critical record with an unknown tag even when issue allows, and ignores an unknown tag without the flag', () => {
    const unknownCritical = { flags: 128, tag: 'tbs', value: 'x' };
    expect(decideCaa([issue('sandbox.acmapi.test'), unknownCritical], false, requester)).toMatchObject({
      allowed: false,
      reason: 'critical-unknown-tag',
      record: unknownCritical,
    });
    expect(decideCaa([issue('sandbox.acmapi.test'), { flags: 0, tag: 'tbs', value: 'x' }], false, requester)).toMatchObject({ allowed: true });
    // A known tag with the critical flag is fine.
    expect(decideCaa([issue('sandbox.acmapi.test', 128)], false, requester)).toMatchObject({ allowed: true });
  });

  it('uses issuewild for a wildcard when present, else issue; a plain name ignores issuewild', () => {
    const set = [issue('other.test'), { flags: 0, tag: 'issuewild', value: 'sandbox.acmapi.test' }];
    expect(decideCaa(set, true, requester)).toMatchObject({ allowed: true });
    expect(decideCaa(set, false, requester)).toMatchObject({ allowed: false, reason: 'not-authorized' });
    expect(decideCaa([issue('sandbox.acmapi.test')], true, requester)).toMatchObject({ allowed: true });
  });

  it('enforces accounturi (RFC 8657 §3)', () => {
    expect(decideCaa([issue('sandbox.acmapi.test; accounturi=https://sandbox.acmapi.test/customer/c1')], false, requester)).toMatchObject({ allowed: true });
    expect(decideCaa([issue('sandbox.acmapi.test; accounturi=https://sandbox.acmapi.test/customer/c2')], false, requester)).toMatchObject({
      allowed: false,
      reason: 'account-mismatch',
    });
  });

  it('enforces validationmethods (RFC 8657 §4)', () => {
    expect(decideCaa([issue('sandbox.acmapi.test; validationmethods=dns-01, acmapi-file')], false, requester)).toMatchObject({ allowed: true });
    expect(decideCaa([issue('sandbox.acmapi.test; validationmethods=dns-01')], false, requester)).toMatchObject({
      allowed: false,
      reason: 'method-mismatch',
    });
  });

  it('allows when any one record names this CA with matching parameters', () => {
    const set = [issue('sandbox.acmapi.test; accounturi=https://other/1'), issue('sandbox.acmapi.test; accounturi=https://sandbox.acmapi.test/customer/c1')];
    expect(decideCaa(set, false, requester)).toMatchObject({ allowed: true, record: set[1] });
  });
});
