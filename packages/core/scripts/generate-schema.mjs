// Writes schema/acmapi.schema.json from the zod schema of acmapi.json (src/config/config-schema.ts).
// Run after a build: `pnpm --filter @acmapi/core schema`. A test fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigJsonSchema } from '../dist/config/config-json-schema.js';

const target = fileURLToPath(new URL('../schema/acmapi.schema.json', import.meta.url));
writeFileSync(target, renderConfigJsonSchema());
console.log(`wrote ${target}`);
