import { describe, expect, it } from 'vitest';
import { CaError, OptionsError } from '@acmapi/core/options';
import { describeFailure } from './failure.js';
import { InputError } from './inputs.js';

describe('describeFailure', () => {
  it('keeps core\'s facts and adds what to do in the Action\'s inputs, keyed by option or code', () => {
    expect(describeFailure(new OptionsError('A strict preflight needs the signfile.', { option: 'signfile' }))).toEqual({
      message: 'A strict preflight needs the signfile. Give the signfile input (its content) or signfile.path in acmapi.json, or use preflight: warn.',
      code: 'OPTIONS_INVALID',
    });
    expect(describeFailure(new OptionsError('Something else.')).message).toBe("Something else. Check the Action's inputs (action.yml lists them).");
  });

  it('says what to do in the Action\'s words, or with core\'s neutral hint where it has none', () => {
    const { message, code } = describeFailure(new CaError(108));
    expect(code).toBe('CA_HANDLE_REJECTED');
    expect(message).toContain('customer-id');
    const split = Object.assign(new OptionsError('The endpoint refused.'), { hint: 'Check the endpoint input.' });
    expect(describeFailure(split).message).toBe('The endpoint refused. Check the endpoint input.');
  });

  it('passes the Action\'s own errors as they are, and marks anything else as unexpected', () => {
    expect(describeFailure(new InputError('Input wait is wrong.'))).toEqual({ message: 'Input wait is wrong.', code: 'InputError' });
    expect(describeFailure(new TypeError('x is undefined')).message).toBe('x is undefined (unexpected; re-run with debug logging and report it if it persists)');
  });
});
