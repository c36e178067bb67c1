import { describe, expect, it } from 'vitest';
import { CaError, OptionsError } from '@acmapi/core/options';
import { describeFailure } from './failure.js';
import { InputError } from './inputs.js';

describe('describeFailure', () => {
  it('keeps core\'s facts and adds what to do in the Action\'s inputs, keyed by field or code', () => {
    expect(describeFailure(new OptionsError('A strict preflight needs the signfile.', { field: 'signfile' }))).toEqual({
      message: 'A strict preflight needs the signfile. Give the signfile input (its content) or signfile.path in acmapi.json, or use preflight: warn.',
      code: 'OPTIONS_INVALID',
    });
    expect(describeFailure(new OptionsError('Something else.')).message).toBe('Something else.');
  });

  it('adds a hint core gives apart from its message, once', () => {
    const error = new CaError(108);
    const { message, code } = describeFailure(error);
    expect(code).toBe('CA_HANDLE_REJECTED');
    expect(message.split(error.hint).length).toBe(2);
    const split = Object.assign(new OptionsError('The endpoint refused.'), { hint: 'Check the endpoint input.' });
    expect(describeFailure(split).message).toBe('The endpoint refused. Check the endpoint input.');
  });

  it('passes the Action\'s own errors as they are, and marks anything else as unexpected', () => {
    expect(describeFailure(new InputError('Input wait is wrong.'))).toEqual({ message: 'Input wait is wrong.', code: 'InputError' });
    expect(describeFailure(new TypeError('x is undefined')).message).toBe('x is undefined (unexpected; re-run with debug logging and report it if it persists)');
  });
});
