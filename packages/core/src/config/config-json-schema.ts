/**
 * The JSON Schema of `acmapi.json`, generated from {@link configSchema}; committed as
 * `schema/acmapi.schema.json` for editors (`"$schema": "./node_modules/@acmapi/core/schema/acmapi.schema.json"`).
 * A test fails when the committed file differs from what this returns; regenerate with
 * `pnpm --filter @acmapi/core schema`.
 */
import * as z from 'zod';
import { CONFIG_SCHEMA_ID, configSchema } from './config-schema.js';

/** Builds the JSON Schema (draft 2020-12) of the project file as it is written (input side: defaults are optional). */
export function buildConfigJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, $id: CONFIG_SCHEMA_ID, title: 'acmapi project file', ...rest };
}

/** The committed file's text: the schema as JSON, two-space indented, with a final newline. */
export function renderConfigJsonSchema(): string {
  return `${JSON.stringify(buildConfigJsonSchema(), null, 2)}\n`;
}
