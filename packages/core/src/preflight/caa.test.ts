import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caaClimb, evaluateCaa, parseCaaIssueValue } from './caa.js';
import type { CaaLookup, CaaPolicy, CaaRecord } from './caa.js';

const policy: CaaPolicy = { identities: ['wosign.com'], accountUri: 'https://ca.test/customer/42', validationMethod: 'acmapi-file' };
const issue = (value: string, flags = 0): CaaRecord => ({ flags, tag: 'issue', value });
const at = (domain: string, ...records: CaaRecord[]): CaaLookup => ({ domain, records });
const climb = (domain: string, sets: Record<string, CaaRecord[]>): CaaLookup[] => caaClimb(domain).map((name) => at(name, ...(sets[name] ?? [])));

describe('caaClimb', () => {
  it('lists the name and each parent up to the top-level domain (RFC 8659 §3)', () => {
    expect(caaClimb('a.b.example.com')).toEqual(['a.b.example.com', 'b.example.com', 'example.com', 'com']);
    expect(caaClimb('com')).toEqual(['com']);
  });
});

describe('parseCaaIssueValue (RFC 8659 §4.2)', () => {
  it('reads the issuer and the parameters, case-insensitive issuer and keys', () => {
    const parsed = parseCaaIssueValue(' WoSign.com ; accounturi=https://ca.test/customer/42 ; validationMethods=acmapi-file,http-01');
    expect(parsed?.issuer).toBe('wosign.com');
    expect([...(parsed?.parameters ?? [])]).toEqual([
      ['accounturi', 'https://ca.test/customer/42'],
      ['validationmethods', 'acmapi-file,http-01'],
    ]);
  });
  it('";" is an empty issuer (no CA may issue); a trailing ";" is allowed', () => {
    expect(parseCaaIssueValue(';')?.issuer).toBe('');
    expect(parseCaaIssueValue('ca.test;')?.issuer).toBe('ca.test');
  });
  it('refuses what breaks the grammar', () => {
    expect(parseCaaIssueValue('not a domain')).toBeUndefined();
    expect(parseCaaIssueValue('ca.test; novalue')).toBeUndefined();
    expect(parseCaaIssueValue('ca.test; key=has space')).toBeUndefined();
    expect(parseCaaIssueValue('-bad-.test')).toBeUndefined();
  });
});

describe('evaluateCaa', () => {
  it('no CAA anywhere: any CA may issue', () => {
    expect(evaluateCaa('www.example.com', climb('www.example.com', {}), policy)).toMatchObject({ ok: true, reason: 'no-caa' });
  });

  it('the first non-empty set decides, even when a parent allows the CA', () => {
    const decision = evaluateCaa('www.example.com', climb('www.example.com', { 'www.example.com': [issue('letsencrypt.org')], 'example.com': [issue('wosign.com')] }), policy);
    expect(decision).toMatchObject({ ok: false, reason: 'caa-forbids', refusal: 'not-listed', at: 'www.example.com' });
    expect(decision.message).toBe('CAA at www.example.com allows only letsencrypt.org, not wosign.com.');
  });

  it('climbs past empty sets and names the record that allowed', () => {
    const record = issue('wosign.com');
    const decision = evaluateCaa('a.b.example.com', climb('a.b.example.com', { 'example.com': [record, issue('letsencrypt.org')] }), policy);
    expect(decision).toMatchObject({ ok: true, reason: 'allowed', at: 'example.com', record });
  });

  it('issue ";" forbids every CA', () => {
    expect(evaluateCaa('example.com', climb('example.com', { 'example.com': [issue(';')] }), policy)).toMatchObject({ ok: false, refusal: 'not-listed' });
  });

  it('a set with only iodef (no issue tag) allows, and iodef is reported', () => {
    const decision = evaluateCaa('example.com', climb('example.com', { 'example.com': [{ flags: 0, tag: 'iodef', value: 'mailto:security@example.com' }] }), policy);
    expect(decision).toMatchObject({ ok: true, reason: 'no-issue-tag', iodef: ['mailto:security@example.com'] });
  });

  it('an unknown critical tag forbids even when issue names the CA; an unknown non-critical tag does not', () => {
    const critical = { flags: 128, tag: 'tbs', value: 'x' };
    expect(evaluateCaa('example.com', climb('example.com', { 'example.com': [issue('wosign.com'), critical] }), policy)).toMatchObject({
      ok: false,
      reason: 'caa-critical-unknown-tag',
      record: critical,
    });
    expect(evaluateCaa('example.com', climb('example.com', { 'example.com': [issue('wosign.com'), { ...critical, flags: 0 }] }), policy).ok).toBe(true);
    // A known tag with the critical flag is understood, so it does not block.
    expect(evaluateCaa('example.com', climb('example.com', { 'example.com': [issue('wosign.com', 128)] }), policy).ok).toBe(true);
  });

  it('issuewild is weighed for a wildcard only', () => {
    const sets = { 'example.com': [issue('wosign.com'), { flags: 0, tag: 'issuewild', value: ';' }] };
    expect(evaluateCaa('example.com', climb('example.com', sets), policy).ok).toBe(true);
    expect(evaluateCaa('*.example.com', climb('example.com', sets), policy)).toMatchObject({ ok: false, refusal: 'not-listed' });
  });

  it('RFC 8657 accounturi must be this account', () => {
    const mine = climb('example.com', { 'example.com': [issue('wosign.com; accounturi=https://ca.test/customer/42')] });
    const other = climb('example.com', { 'example.com': [issue('wosign.com; accounturi=https://ca.test/customer/7')] });
    expect(evaluateCaa('example.com', mine, policy).ok).toBe(true);
    expect(evaluateCaa('example.com', other, policy)).toMatchObject({ ok: false, refusal: 'accounturi-mismatch' });
    expect(evaluateCaa('example.com', mine, { identities: ['wosign.com'] })).toMatchObject({ ok: false, refusal: 'accounturi-mismatch' });
  });

  it('RFC 8657 validationmethods must list the method used', () => {
    const listed = climb('example.com', { 'example.com': [issue('wosign.com; validationmethods=http-01,acmapi-file')] });
    const notListed = climb('example.com', { 'example.com': [issue('wosign.com; validationmethods=dns-01')] });
    expect(evaluateCaa('example.com', listed, policy).ok).toBe(true);
    expect(evaluateCaa('example.com', notListed, policy)).toMatchObject({ ok: false, refusal: 'validationmethods-mismatch' });
  });

  it('one allowing record among refusing ones is enough', () => {
    const sets = climb('example.com', { 'example.com': [issue('wosign.com; accounturi=https://other'), issue('wosign.com')] });
    expect(evaluateCaa('example.com', sets, policy)).toMatchObject({ ok: true, reason: 'allowed' });
  });

  it('a failed lookup before the relevant set refuses; after it, it does not matter', () => {
    const failedParent: CaaLookup[] = [at('www.example.com'), { domain: 'example.com', failed: 'dns-servfail', code: 'ESERVFAIL' }, at('com')];
    expect(evaluateCaa('www.example.com', failedParent, policy)).toMatchObject({ ok: false, reason: 'caa-lookup-failed', at: 'example.com', failure: 'dns-servfail' });
    const decidedFirst: CaaLookup[] = [at('www.example.com', issue('wosign.com')), { domain: 'example.com', failed: 'dns-timeout', code: 'ETIMEOUT' }];
    expect(evaluateCaa('www.example.com', decidedFirst, policy).ok).toBe(true);
  });

  it('the CNAME chain is named in the message', () => {
    const decision = evaluateCaa('www.example.com', [{ domain: 'www.example.com', records: [issue('letsencrypt.org')], via: ['cdn.example.net'] }], policy);
    expect(decision.message).toBe('CAA at www.example.com (via CNAME cdn.example.net) allows only letsencrypt.org, not wosign.com.');
  });

  it('server strings in the message are escaped', () => {
    const decision = evaluateCaa('example.com', [at('example.com', { flags: 128, tag: 'x', value: 'a\u001b[31mred' })], policy);
    expect(decision.message).not.toContain('\u001b');
    const viaHostile = evaluateCaa('example.com', [{ domain: 'example.com', records: [issue('other.test')], via: ['x\u001b]0;title\u0007.test'] }], policy);
    expect(viaHostile.message).not.toContain('\u001b');
    expect(viaHostile.message).not.toContain('\u0007');
  });
});

describe('evaluateCaa properties', () => {
  const label = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
  const issuer = fc.oneof(fc.constant('wosign.com'), fc.constant('letsencrypt.org'), fc.constant('digicert.com'), fc.constant(''));
  const record: fc.Arbitrary<CaaRecord> = fc.oneof(
    issuer.map((value) => issue(value === '' ? ';' : value)),
    fc.record({ flags: fc.constantFrom(0, 128), tag: fc.constantFrom('iodef', 'tbs', 'issuewild'), value: fc.constantFrom('x', 'wosign.com', ';') }),
  );
  const domain = fc.array(label, { minLength: 2, maxLength: 4 }).map((labels) => labels.join('.'));
  const lookups = domain.chain((name) =>
    fc.tuple(fc.constant(name), fc.tuple(...caaClimb(name).map((level) => fc.array(record, { maxLength: 3 }).map((records) => at(level, ...records))))),
  );

  it('only the first non-empty set matters: changing any set above it changes nothing', () => {
    fc.assert(
      fc.property(lookups, fc.array(record, { maxLength: 3 }), ([name, sets], replacement) => {
        const first = sets.findIndex((set) => 'records' in set && set.records.length > 0);
        fc.pre(first >= 0 && first < sets.length - 1);
        const changed = sets.map((set, index) => (index > first ? at(set.domain, ...replacement) : set));
        expect(evaluateCaa(name, changed, policy)).toEqual(evaluateCaa(name, sets, policy));
      }),
    );
  });

  it('adding a plain issue record for the CA allows, unless a critical unknown tag is in the set', () => {
    fc.assert(
      fc.property(lookups, ([name, sets]) => {
        const first = Math.max(0, sets.findIndex((set) => 'records' in set && set.records.length > 0));
        const target = sets[first];
        if (target === undefined || !('records' in target)) return;
        const withOurs = sets.map((set, index) => (index === first && 'records' in set ? at(set.domain, ...set.records, issue('WoSign.com')) : set));
        const blocked = target.records.some((r) => r.flags === 128 && r.tag === 'tbs');
        expect(evaluateCaa(name, withOurs, policy).ok).toBe(!blocked);
      }),
    );
  });

  it('with no issue record naming the CA, a set with issue records always refuses', () => {
    fc.assert(
      fc.property(domain, fc.array(issuer.filter((value) => value !== 'wosign.com'), { minLength: 1, maxLength: 3 }), (name, issuers) => {
        const decision = evaluateCaa(name, [at(name, ...issuers.map((value) => issue(value === '' ? ';' : value)))], policy);
        expect(decision).toMatchObject({ ok: false, reason: 'caa-forbids', refusal: 'not-listed' });
      }),
    );
  });
});
