/**
 * SEAM: reads the certificates of `acmapi.json` for the `config` input. It accepts the
 * fleet part of the schema only (`certificates: [{ name, domains, keyType? }]`) until
 * core's `readConfig`/`validateConfig` land; then this module becomes a call to them.
 */
import { readFile } from 'node:fs/promises';
import { isKeyType, normalizeDomains } from '@acmapi/core';
import type { KeyType } from '@acmapi/core';
import { InputError } from './inputs.js';
import type { CertificateRequest } from './inputs.js';

const NAME = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9_-])?$/;

/**
 * Parses the certificates of a config (pure).
 * @throws {InputError} naming the entry that is malformed.
 */
export function parseFleetConfig(json: unknown, where: string, defaultKeyType: KeyType): CertificateRequest[] {
  const list = (json as { certificates?: unknown } | null)?.certificates;
  if (!Array.isArray(list) || list.length === 0) {
    throw new InputError(`${where} has no "certificates" list; give [{ "name": "www", "domains": ["example.com"] }, ...].`);
  }
  const seen = new Set<string>();
  return list.map((entry: unknown, index) => {
    const e = entry as { name?: unknown; domains?: unknown; keyType?: unknown } | null;
    const name = e?.name;
    if (typeof name !== 'string' || !NAME.test(name) || name.includes('..')) {
      throw new InputError(`${where}: certificates[${index}].name must be lower-case letters, digits, ".", "_" or "-".`);
    }
    if (seen.has(name)) throw new InputError(`${where}: certificate name ${JSON.stringify(name)} appears twice.`);
    seen.add(name);
    if (!Array.isArray(e?.domains) || !e.domains.every((d): d is string => typeof d === 'string')) {
      throw new InputError(`${where}: certificates[${index}].domains must be a list of domain names.`);
    }
    const keyType = e.keyType ?? defaultKeyType;
    if (!isKeyType(keyType)) throw new InputError(`${where}: certificates[${index}].keyType ${JSON.stringify(keyType)} is not a key type.`);
    return { name, domains: normalizeDomains(e.domains), keyType };
  });
}

/**
 * Reads `acmapi.json` and picks the named certificates (all when `names` is empty).
 * @throws {InputError} when the file is missing or malformed, or a name is not in it.
 */
export async function readFleetConfig(file: string, names: readonly string[], defaultKeyType: KeyType): Promise<CertificateRequest[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`The config file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); check the config input.`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`The config file ${file} is not JSON.`, { cause: error });
  }
  const all = parseFleetConfig(json, file, defaultKeyType);
  if (names.length === 0) return all;
  return names.map((name) => {
    const found = all.find((c) => c.name === name);
    if (found === undefined) throw new InputError(`Input certificates names ${JSON.stringify(name)}, which ${file} does not list.`);
    return found;
  });
}
