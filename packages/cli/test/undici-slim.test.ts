/**
 * scripts/undici-slim.cjs, which the `acmapi` bundle uses in place of undici's root module:
 * each export must be the very object undici's root exports (nothing reimplemented), and
 * dispatchers must have request() as with the root module.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileFunction } from 'node:vm';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

describe('the slim undici entry of the bundle', () => {
  it('exports undici\'s own objects, and gives every dispatcher request()', async () => {
    const undiciIndex = createRequire(resolve(here, '../../core/package.json')).resolve('undici');
    const requireUndici = createRequire(undiciIndex);
    const full = requireUndici(undiciIndex) as Record<string, unknown>;
    const slim = { exports: {} as Record<string, unknown> };
    // Evaluated as the bundle does: its require() is one of a file in undici's folder.
    const evaluate = compileFunction(await readFile(resolve(here, '../scripts/undici-slim.cjs'), 'utf8'), ['require', 'module', 'exports']) as (
      require: NodeJS.Require,
      module: { exports: Record<string, unknown> },
      exports: Record<string, unknown>,
    ) => void;
    evaluate(requireUndici, slim, slim.exports);
    const { interceptors, ...rest } = slim.exports;
    expect(Object.keys(rest).length).toBeGreaterThan(3);
    for (const [name, value] of Object.entries(rest)) expect(value, name).toBe(full[name]);
    expect(interceptors).toStrictEqual({ redirect: (full['interceptors'] as Record<string, unknown>)['redirect'] });
    const Agent = slim.exports['Agent'] as new () => { request?: unknown; close(): Promise<void> };
    const agent = new Agent();
    expect(typeof agent.request).toBe('function');
    await agent.close();
  });
});
