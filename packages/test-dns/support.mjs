// What the fixtures share: finding (or installing) Debian tools, and a loopback port free
// for both UDP and TCP (DNS servers listen on both).
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { accessSync, constants } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stops a server process (SIGTERM, then SIGKILL after 5 s) and removes its working folder.
 * @param {import('node:child_process').ChildProcess} child
 * @param {string} dir - the server's temp folder (config, zones, socket)
 */
export async function stopServer(child, dir) {
  const exited = new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', resolve);
  });
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5000).then(() => child.kill('SIGKILL'))]);
  await rm(dir, { recursive: true, force: true });
}

function findExecutable(name) {
  const dirs = ['/usr/sbin', '/usr/local/sbin', ...(process.env.PATH ?? '').split(delimiter).filter(Boolean)];
  for (const dir of dirs) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // next folder
    }
  }
  return undefined;
}

/**
 * The paths of `names`, all from the Debian package `pkg`: installed with apt-get when one is
 * missing and we are root (as scripts/bootstrap.mjs does), otherwise an error that says what
 * to install. Never a skip.
 */
export function systemBinaries(pkg, names) {
  const find = () => names.map(findExecutable);
  let found = find();
  if (found.every(Boolean)) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && findExecutable('apt-get')) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () => spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { env, encoding: 'utf8' });
    let result = install();
    if (result.status !== 0) {
      spawnSync('apt-get', ['update', '-qq'], { env, stdio: 'ignore' });
      result = install();
    }
    found = find();
    if (found.every(Boolean)) return found;
    throw new Error(`@acmapi/test-dns: apt-get install ${pkg} failed (exit ${result.status}): ${result.stderr.slice(-500)}`);
  }
  throw new Error(
    `@acmapi/test-dns: the DNS tests need ${names.join(', ')} (Debian package ${pkg}) and ${names.filter((_name, i) => !found[i]).join(', ')} was not found in /usr/sbin or PATH; install it: apt-get install ${pkg}`,
  );
}

/** A port free for both UDP and TCP on 127.0.0.1. */
export async function freeUdpTcpPort() {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const udp = createSocket('udp4');
    const port = await new Promise((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, '127.0.0.1', () => resolve(udp.address().port));
    });
    const tcpFree = await new Promise((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    await new Promise((resolve) => udp.close(resolve));
    if (tcpFree) return port;
  }
  throw new Error('@acmapi/test-dns: no port free for both UDP and TCP on 127.0.0.1');
}
