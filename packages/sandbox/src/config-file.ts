/**
 * The sandbox's configuration file (`acmapi sandbox --config FILE`): JSON of the
 * shape of {@link SandboxOptions} (`random` may only be an integer seed there).
 * `parseSandboxConfig` is pure; `loadSandboxConfig` only reads the file.
 */
import { OptionsError } from '@acmapi/core';
import { fileTooLargeDetail, readLocalTextFile } from '@acmapi/core/store';
import type { SandboxOptions } from './options.js';
import { resolveSandboxOptions } from './resolve-options.js';

/**
 * Parses and validates a configuration: JSON text, or an already parsed value.
 * Validation is that of `resolveSandboxOptions`, with paths rooted at `$`.
 *
 * @returns the options as written (defaults not merged), ready for `startSandbox`.
 * @throws {OptionsError} `OPTIONS_INVALID`: not JSON (with the parser's position),
 *   or a field's JSON path and what is wrong with it, e.g. `$.customers[0].allowedIps[1]`.
 */
export function parseSandboxConfig(json: unknown): SandboxOptions {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json) as unknown;
    } catch (error) {
      throw new OptionsError(`Sandbox configuration is not valid JSON: ${(error as Error).message}.`, { cause: error });
    }
  }
  if (typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)['random'] === 'function') {
    throw new OptionsError('Invalid sandbox option $.random: expected an integer seed.');
  }
  resolveSandboxOptions(value, '$');
  return value as SandboxOptions;
}

/**
 * Reads and validates a configuration file (UTF-8 JSON).
 *
 * @throws {OptionsError} `OPTIONS_INVALID` when the file cannot be read (the message
 *   names the path) or when {@link parseSandboxConfig} rejects it.
 */
export async function loadSandboxConfig(path: string): Promise<SandboxOptions> {
  let text: string;
  try {
    text = await readLocalTextFile(path);
  } catch (error) {
    throw new OptionsError(`Cannot read sandbox configuration ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}${fileTooLargeDetail(error)}.`, {
      cause: error,
    });
  }
  try {
    return parseSandboxConfig(text);
  } catch (error) {
    if (error instanceof OptionsError) throw new OptionsError(`${path}: ${error.message}`, { cause: error });
    throw error;
  }
}
