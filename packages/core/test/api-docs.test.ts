/**
 * The API reference: TypeDoc builds it from the doc comments of every public entry point
 * (typedoc.json), and a warning (a broken {@link}, a public type that names an internal one)
 * fails the build. Also checks that typedoc.json documents exactly the entry points
 * package.json exports, so a new subpath cannot ship undocumented.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const coreDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface TypedocOptions {
  entryPoints: string[];
}
interface PackageJson {
  exports: Record<string, string | { types: string; default: string }>;
}

/** typedoc.json has comments: read it as TypeDoc does, with TypeScript's config reader. */
async function typedocOptions(): Promise<TypedocOptions> {
  const text = await readFile(join(coreDir, 'typedoc.json'), 'utf8');
  const parsed = ts.parseConfigFileTextToJson('typedoc.json', text);
  if (parsed.error !== undefined) throw new Error(ts.flattenDiagnosticMessageText(parsed.error.messageText, '\n'));
  return parsed.config as TypedocOptions;
}

/** The source file of each exported subpath that has types: `./store` → `src/store/index.ts`. */
async function exportedEntryPoints(): Promise<Map<string, string>> {
  const pkg = JSON.parse(await readFile(join(coreDir, 'package.json'), 'utf8')) as PackageJson;
  const entries = new Map<string, string>();
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') continue; // package.json, the JSON Schema
    entries.set(subpath, target.types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts'));
  }
  return entries;
}

describe('API reference (TypeDoc)', () => {
  let out: string;
  let result: { stdout: string; stderr: string; exitCode: number };

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'acmapi-api-docs-'));
    try {
      const { stdout, stderr } = await run(join(coreDir, 'node_modules/.bin/typedoc'), ['--out', out], { cwd: coreDir, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
      result = { stdout, stderr, exitCode: 0 };
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string; code?: number };
      result = { stdout: failed.stdout ?? '', stderr: failed.stderr ?? String(error), exitCode: failed.code ?? -1 };
    }
  }, 240_000);

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('builds with no warning and no error', () => {
    const log = `${result.stdout}${result.stderr}`;
    expect(log).not.toMatch(/\[(warning|error)\]/);
    expect(result.exitCode, log).toBe(0);
  });

  it('documents exactly the entry points package.json exports', async () => {
    const exported = await exportedEntryPoints();
    const documented = (await typedocOptions()).entryPoints;
    expect([...documented].sort()).toEqual([...exported.values()].sort());
  });

  it('has one module page per entry point, named as users import it', async () => {
    const exported = await exportedEntryPoints();
    const pages = await readdir(join(out, 'modules'));
    for (const subpath of exported.keys()) {
      const name = `@acmapi/core${subpath.slice(1)}`;
      // TypeDoc's file name for a module: every character outside [a-z0-9-] becomes '_'.
      const page = `${name.replace(/[^a-zA-Z0-9-]/g, '_')}.html`;
      expect(pages, name).toContain(page);
      const html = await readFile(join(out, 'modules', page), 'utf8');
      expect(html).toContain(name);
    }
  });

  it("shows runCertificate's options and result, and the store's openStore, from their doc comments", async () => {
    const run = await readFile(join(out, 'functions', '_acmapi_core.runCertificate.html'), 'utf8');
    expect(run).toContain('RunCertificateOptions');
    expect(run).toContain('RunCertificateResult');
    const openStore = await readFile(join(out, 'functions', '_acmapi_core_store.openStore.html'), 'utf8');
    expect(openStore).toContain('CertificateStore');
  });
});

describe('the root entry stays narrow', () => {
  // Issue 9: what a library user needs (client, domain rules, keys and CSRs, certificate
  // checks, errors and guards, the lifecycle, config) at the root; a front end's extras in
  // subpaths. Types are not counted: they cost nothing at run time.
  const ROOT_RUNTIME_EXPORTS_MAX = 80;

  it(`has at most ${ROOT_RUNTIME_EXPORTS_MAX} runtime exports`, async () => {
    const root = await import('../src/index.js');
    const names = Object.keys(root);
    expect(names.length, names.join(', ')).toBeLessThanOrEqual(ROOT_RUNTIME_EXPORTS_MAX);
  });

  it('keeps the store internals and the front ends\' plumbing out of the root, in their subpaths', async () => {
    const root: Record<string, unknown> = await import('../src/index.js');
    const subpaths: Record<string, Record<string, unknown>> = {
      store: await import('../src/store/index.js'),
      settings: await import('../src/settings.js'),
      config: await import('../src/config/index.js'),
      text: await import('../src/text/display-text.js'),
    };
    const expected: Record<string, string[]> = {
      store: ['composeCertificateRecord', 'writeFileAtomic', 'openStore'],
      settings: ['settingsForRun', 'mergeSettings', 'dropClearedSettings', 'readPkcs12Passphrase', 'signfilePhaseFromSettings'],
      config: ['DEFAULT_ENDPOINT', 'DEFAULT_SIGNFILE_NAME', 'DEFAULT_STORE_DIR', 'CONFIG_FILE_NAME', 'CONFIG_ISSUE_CODES'],
      text: ['displayText', 'shellQuote', 'DISPLAY_TEXT_MAX'],
    };
    for (const [subpath, names] of Object.entries(expected)) {
      for (const name of names) {
        expect(subpaths[subpath]?.[name], `${name} in @acmapi/core/${subpath}`).toBeDefined();
        expect(root[name], `${name} not at the root`).toBeUndefined();
      }
    }
    // The state file's internals: every change goes through the store's locked handle.
    for (const internal of ['writeStoreState', 'readStoreState', 'parseStoreState', 'toCertificateRecord']) {
      expect(root[internal], internal).toBeUndefined();
      expect(subpaths['store']?.[internal], internal).toBeUndefined();
    }
  });
});
