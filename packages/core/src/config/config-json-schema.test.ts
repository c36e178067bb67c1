import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA_ID } from './config-schema.js';
import { buildConfigJsonSchema, renderConfigJsonSchema } from './config-json-schema.js';

const committed = fileURLToPath(new URL('../../schema/acmapi.schema.json', import.meta.url));

describe('the committed JSON Schema of acmapi.json', () => {
  it('is what the zod schema generates (run `pnpm --filter @acmapi/core schema` when this fails)', () => {
    expect(readFileSync(committed, 'utf8')).toBe(renderConfigJsonSchema());
  });

  it('has its $id and title, allows "$schema", and carries descriptions and defaults for editors', () => {
    const schema = buildConfigJsonSchema() as {
      $id: string;
      title: string;
      additionalProperties: boolean;
      properties: Record<string, { description?: string; default?: unknown; properties?: Record<string, { default?: unknown }> }>;
    };
    expect(schema.$id).toBe(CONFIG_SCHEMA_ID);
    expect(schema.title).toBe('acmapi project file');
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(['$schema', 'endpoint', 'customerId', 'signfile', 'caaIdentities', 'dnsServers', 'defaults', 'certificates']);
    expect(schema.properties['endpoint']?.default).toBe('https://acmapi.wosign.com/');
    expect(schema.properties['defaults']?.properties?.['keyType']?.default).toBe('ec-p256');
    expect(schema.properties['customerId']?.description).toContain('ACMAPI_AUTH_TOKEN');
    expect(JSON.stringify(schema)).not.toContain('authToken');
  });
});
