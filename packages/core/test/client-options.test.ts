import { inspect } from 'node:util';
import { Agent } from 'undici';
import { describe, expect, it } from 'vitest';
import { AcmApiClient } from '../src/client/client.js';
import { ACMAPI_CLIENT_DEFAULTS, resolveClientOptions, systemClock } from '../src/client/client-options.js';
import type { AcmApiClientOptions } from '../src/client/client-options.js';
import { OptionsError } from '../src/errors/errors.js';

const TOKEN = 'tok_options_SECRET_7';
const base: AcmApiClientOptions = { customerId: 'c1', authToken: TOKEN };

function optionsError(options: unknown): OptionsError {
  try {
    resolveClientOptions(options as AcmApiClientOptions);
  } catch (error) {
    if (error instanceof OptionsError) return error;
    throw error;
  }
  throw new Error('resolveClientOptions did not throw');
}

describe('resolveClientOptions', () => {
  it('applies every default from ACMAPI_CLIENT_DEFAULTS', () => {
    const resolved = resolveClientOptions(base);
    expect(resolved).toMatchObject({
      customerId: 'c1',
      connectTimeoutMs: 10_000,
      headersTimeoutMs: 120_000,
      bodyTimeoutMs: 60_000,
      deadlineMs: 600_000,
      maxBodyBytes: 1_048_576,
      retries: 3,
      minRetryDelayMs: 1000,
      maxRetryDelayMs: 30_000,
      ca: undefined,
      trustDefaultRoots: true,
      dispatcher: undefined,
      clock: systemClock,
    });
    expect(resolved.endpoint.href).toBe(ACMAPI_CLIENT_DEFAULTS.endpoint);
    expect(resolved.endpoint.href).toBe('https://acmapi.wosign.com/');
  });

  it('trims the customer id and the token (the source pads them)', () => {
    const resolved = resolveClientOptions({ customerId: ' customer_XXXXX01 ', authToken: ` ${TOKEN}\n` });
    expect([resolved.customerId, resolved.authToken]).toStrictEqual(['customer_XXXXX01', TOKEN]);
  });

  it('accepts one CA or several', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(resolveClientOptions({ ...base, ca: pem }).ca).toStrictEqual([pem]);
    expect(resolveClientOptions({ ...base, ca: [pem, pem] }).ca).toHaveLength(2);
    expect(resolveClientOptions({ ...base, ca: pem, trustDefaultRoots: false })).toMatchObject({ ca: [pem], trustDefaultRoots: false });
  });

  it.each([
    [{ customerId: 'c1' }, /authToken is required/],
    [{ ...base, customerId: '  ' }, /customerId is empty/],
    [{ ...base, endpoint: 'acmapi.example' }, /not a URL/],
    [{ ...base, endpoint: 'ftp://acmapi.example/' }, /http: or https:/],
    [{ ...base, ca: 'not a certificate' }, /ca\[0\] is not a PEM certificate/],
    [{ ...base, ca: [] }, /empty list/],
    [{ ...base, headersTimeoutMs: 0 }, /headersTimeoutMs must be an integer from 1/],
    [{ ...base, deadlineMs: 1.5 }, /deadlineMs must be an integer/],
    [{ ...base, connectTimeoutMs: '1000' }, /connectTimeoutMs must be an integer.*got string/],
    [{ ...base, retries: -1 }, /retries must be an integer from 0 to 100/],
    [{ ...base, minRetryDelayMs: 5000, maxRetryDelayMs: 100 }, /maxRetryDelayMs \(100\) is less than minRetryDelayMs \(5000\)/],
    [{ ...base, authtoken: 'x' }, /Unknown option authtoken/],
    [{ ...base, dispatcher: {} }, /dispatcher must be an undici Dispatcher/],
    [{ ...base, dispatcher: new Agent(), ca: '-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----' }, /configure the dispatcher the client builds, and a dispatcher was given too/],
    [{ ...base, clock: { now: (): number => 0 } }, /clock must have now\(\) and sleep/],
    [{ ...base, trustDefaultRoots: false }, /trustDefaultRoots is false but no ca is given/],
    [{ ...base, trustDefaultRoots: 'no' }, /trustDefaultRoots must be true or false/],
    [{ ...base, dispatcher: new Agent(), trustDefaultRoots: true }, /configure the dispatcher the client builds, and a dispatcher was given too/],
  ])('rejects %o precisely', (options, message) => {
    const error = optionsError(options);
    expect(error.code).toBe('OPTIONS_INVALID');
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(TOKEN);
  });

  it('never echoes a token given in the wrong type', () => {
    const error = optionsError({ customerId: 'c1', authToken: [TOKEN] });
    expect(error.message).not.toContain(TOKEN);
    expect(inspect(error)).not.toContain(TOKEN);
  });
});

describe('AcmApiClient construction', () => {
  it('throws OptionsError before any I/O and hides the token from inspect', async () => {
    expect(() => new AcmApiClient({ ...base, retries: 1000 })).toThrow(OptionsError);
    const client = new AcmApiClient(base);
    try {
      expect(inspect(client, { showHidden: true, depth: 5 })).not.toContain(TOKEN);
      expect(JSON.stringify(client)).not.toContain(TOKEN);
      expect(client.endpoint.href).toBe('https://acmapi.wosign.com/');
    } finally {
      await client.close();
    }
  });
});
