import { execFile } from 'node:child_process';
import { mkdir, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureKeyGitignore } from '@acmapi/core/store';
import { makeTempDir, type TempDir } from '@acmapi/test-utils';
import { keyExposure } from './key-exposure.js';

const git = promisify(execFile);
let temp: TempDir;
let repo: string;

beforeEach(async () => {
  temp = await makeTempDir('acmapi-key-exposure-');
  repo = join(await realpath(temp.path), 'repo');
  await mkdir(repo);
  await git('git', ['init', '-q'], { cwd: repo });
});

afterEach(async () => {
  await temp.cleanup();
});

describe('keyExposure (git answers)', () => {
  it('a key in a new folder of a repository is exposed; after the key .gitignore it is ignored', async () => {
    const key = join(repo, 'csr', 'example.test', 'privkey.pem');
    expect(await keyExposure(key)).toEqual({ kind: 'exposed', repository: repo });
    await mkdir(join(repo, 'csr', 'example.test'), { recursive: true });
    expect(await ensureKeyGitignore(join(repo, 'csr', 'example.test'))).toBe(true);
    expect(await keyExposure(key)).toEqual({ kind: 'ignored', repository: repo });
  });

  it('a key file git already tracks stays exposed whatever .gitignore says', async () => {
    await writeFile(join(repo, 'privkey.pem'), 'old');
    await git('git', ['add', 'privkey.pem'], { cwd: repo });
    await ensureKeyGitignore(repo);
    expect(await keyExposure(join(repo, 'privkey.pem'))).toEqual({ kind: 'tracked', repository: repo });
  });

  it('a user\'s negation rule wins over nothing: git\'s own reading counts', async () => {
    await writeFile(join(repo, '.gitignore'), '*.pem\n!keys/privkey.pem\n');
    expect((await keyExposure(join(repo, 'a', 'privkey.pem'))).kind).toBe('ignored');
    expect((await keyExposure(join(repo, 'keys', 'privkey.pem'))).kind).toBe('exposed');
  });

  it('outside any repository, or without git, there is nothing to warn about', async () => {
    expect(await keyExposure(join(await realpath(temp.path), 'outside', 'privkey.pem'))).toEqual({ kind: 'no-repository' });
    expect(await keyExposure(join(repo, 'privkey.pem'), () => Promise.resolve({ code: undefined, stdout: '' }))).toEqual({ kind: 'no-repository' });
  });
});
