/**
 * The REAL nginx as a test peer: a webroot served on a loopback port, with a
 * configuration of the test's own, so the signfile check is exercised against
 * the web server people actually run.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { findBinary } from './binaries.js';
import { freePort } from './free-port.js';
import { makeTempDir } from './temp-dir.js';

/** Options of {@link startNginx}. */
export interface StartNginxOptions {
  /** Folder served as the document root of the main server block. */
  webroot: string;
  /**
   * Loopback address of the main server block.
   * @default '127.0.0.1'
   */
  host?: string;
  /** Also listen on `[::1]` on the same port (for AAAA preflight tests). @default false */
  ipv6?: boolean;
  /**
   * Directives added inside the main `server { }` block, e.g.
   * `location = /old { return 301 http://example.test/new; }`.
   */
  serverConfig?: string;
  /**
   * Directives added inside `http { }`, e.g. extra `server { }` blocks. The
   * placeholders `{{prefix}}` (the nginx prefix folder) and `{{port}}` (the main
   * server block's port, e.g. for a name-based `server` on the same port) are replaced.
   */
  httpConfig?: string;
  /**
   * Run a master process with a worker, as nginx runs in production, so that `nginx -s reload`
   * (SIGHUP) works: in the single-process mode used otherwise, a reload breaks TLS listeners.
   * As root the worker runs as root too (the default user, nobody, could not read a 0700 temp
   * folder). @default false
   */
  masterProcess?: boolean;
  /**
   * How long to wait for nginx to answer, in milliseconds.
   * @default 10000
   */
  startTimeoutMs?: number;
}

/** A running nginx. */
export interface NginxServer {
  /** The port of the main server block. */
  port: number;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** nginx's prefix folder (config, logs, pid, temp files); removed by `stop()`. */
  prefix: string;
  /** Path of the access log. */
  accessLogPath: string;
  /** The access log so far (one request a line, nginx "combined" format). */
  readAccessLog: () => Promise<string>;
  /** Stops nginx and removes its prefix folder; safe to call twice. */
  stop: () => Promise<void>;
}

/** Builds the configuration file; pure, so a failure can quote it. */
function renderConfig(prefix: string, port: number, options: StartNginxOptions): string {
  const host = options.host ?? '127.0.0.1';
  // As root, the default worker user (nobody) could not read a 0700 temp webroot;
  // one process without workers serves a test just as well, unless it must reload.
  const processes = options.masterProcess === true ? `master_process on;${process.getuid?.() === 0 ? '\nuser root;' : ''}` : 'master_process off;';
  return `
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log info;
${processes}
worker_processes 1;
events { worker_connections 64; }
http {
  access_log ${prefix}/access.log;
  client_body_temp_path ${prefix}/tmp/body;
  proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi;
  uwsgi_temp_path ${prefix}/tmp/uwsgi;
  scgi_temp_path ${prefix}/tmp/scgi;
  default_type text/plain;
  server {
    listen ${host}:${port};
    ${options.ipv6 === true ? `listen [::1]:${port};` : ''}
    server_name _;
    root ${options.webroot};
    ${options.serverConfig ?? ''}
  }
  ${(options.httpConfig ?? '').replaceAll('{{prefix}}', prefix).replaceAll('{{port}}', String(port))}
}
`;
}

/** Resolves when a TCP connection to host:port succeeds. */
function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts `/usr/sbin/nginx -c CONF -p PREFIX -e ERRORLOG -g 'daemon off;'` as a
 * child process on a free loopback port, and waits until it accepts connections.
 * Retries with another port when the chosen one was taken meanwhile.
 *
 * @throws {MissingBinaryError} when nginx is not installed ("install it: apt-get install nginx").
 * @throws Error quoting nginx's error log when it exits or does not answer within `startTimeoutMs`.
 */
export async function startNginx(options: StartNginxOptions): Promise<NginxServer> {
  const nginx = findBinary('nginx', 'nginx', ['/usr/sbin/nginx']);
  const host = options.host ?? '127.0.0.1';
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = await makeTempDir('acmapi-nginx-');
    try {
      return await startOnce(nginx, dir.path, host, options, dir.cleanup);
    } catch (error) {
      lastError = error;
      await dir.cleanup();
      if (!(error instanceof Error && error.message.includes('Address already in use'))) throw error;
    }
  }
  throw lastError;
}

async function startOnce(
  nginx: string,
  prefix: string,
  host: string,
  options: StartNginxOptions,
  cleanup: () => Promise<void>,
): Promise<NginxServer> {
  const port = await freePort(host);
  await mkdir(join(prefix, 'tmp'));
  const confPath = join(prefix, 'nginx.conf');
  await writeFile(confPath, renderConfig(prefix, port, options));
  const errorLog = join(prefix, 'error.log');
  const child = spawn(nginx, ['-c', confPath, '-p', prefix, '-e', errorLog, '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });

  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  const describe = async (why: string): Promise<Error> => {
    const log = await readFile(errorLog, 'utf8').catch(() => '');
    return new Error(`nginx ${why}.\nstderr: ${stderr.trim()}\nerror.log:\n${log.trim()}`, { cause: spawnError });
  };
  for (;;) {
    if (spawnError !== undefined || child.exitCode !== null || child.signalCode !== null) {
      throw await describe('exited before answering');
    }
    if (await canConnect(host, port)) break;
    if (Date.now() > deadline) {
      await stopChild(child);
      throw await describe(`did not answer on ${host}:${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  const accessLogPath = join(prefix, 'access.log');
  let stopped: Promise<void> | undefined;
  return {
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    prefix,
    accessLogPath,
    readAccessLog: () => readFile(accessLogPath, 'utf8').catch(() => ''),
    stop: () => (stopped ??= stopChild(child).then(cleanup)),
  };
}
