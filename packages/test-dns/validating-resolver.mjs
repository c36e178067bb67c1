// A validating resolver for the DNSSEC suites (BR 3.2.2.8: from 2026-03-15 a CA's CAA lookups
// are DNSSEC-validated). Unbound (Debian package `unbound`, the validator Let's Encrypt's
// Boulder uses) on loopback forwards every query to one upstream server (the Knot fixture)
// and validates with the given trust anchors only: a zone under an anchor is secure or bogus
// (SERVFAIL), any other zone is insecure and answered as is. Types: index.d.mts.
import { spawn } from 'node:child_process';
import { promises as dns } from 'node:dns';
import { chmod, copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeUdpTcpPort, sleep, stopServer, systemBinaries } from './support.mjs';

/** `ADDR[:PORT]` → unbound's `ADDR@PORT`. */
function forwardAddress(upstream) {
  const match = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(upstream);
  if (!match) throw new Error(`@acmapi/test-dns: not an ADDR[:PORT]: ${upstream}`);
  return `${match[1] ?? match[2]}@${match[3] ?? 53}`;
}

/** One zone-file line, with the quotes that unbound.conf needs (anchors come from keymgr, never from a peer). */
function quotedAnchor(anchor) {
  if (!/^[A-Za-z0-9._-]+\.? +(?:\d+ +)?(?:IN +)?(?:DS|DNSKEY) +[0-9A-Za-z +/=]+$/.test(anchor.trim())) {
    throw new Error(`@acmapi/test-dns: not a DS or DNSKEY record: ${anchor}`);
  }
  return `"${anchor.trim()}"`;
}

function config({ dir, port, upstream, trustAnchors }) {
  return [
    'server:',
    `    interface: 127.0.0.1@${port}`,
    `    port: ${port}`,
    '    do-daemonize: no',
    '    chroot: ""',
    '    username: ""',
    `    directory: "${dir}"`,
    '    pidfile: ""',
    '    use-syslog: no',
    '    logfile: ""',
    '    verbosity: 1',
    // Say why an answer is bogus: in the log, and to the client as an RFC 8914 Extended DNS Error.
    '    val-log-level: 2',
    '    ede: yes',
    '    do-ip6: no',
    // The upstream is on loopback, which unbound does not ask by default.
    '    do-not-query-localhost: no',
    '    num-threads: 1',
    '    outgoing-range: 64',
    '    so-reuseport: no',
    '    module-config: "validator iterator"',
    // RFC 6761's `test.` is a blocked local zone in unbound by default; the fixtures serve it.
    '    local-zone: "test." nodefault',
    // Tests change records and zones between queries: cache nothing for longer than a moment.
    '    cache-max-ttl: 1',
    '    cache-max-negative-ttl: 1',
    '    val-bogus-ttl: 1',
    '    qname-minimisation: no',
    ...trustAnchors.map((anchor) => `    trust-anchor: ${quotedAnchor(anchor)}`),
    'remote-control:',
    '    control-enable: no',
    'forward-zone:',
    '    name: "."',
    `    forward-addr: ${forwardAddress(upstream)}`,
    '',
  ].join('\n');
}

/** Resolves once unbound answers a query at all (any RCODE); rejects if it exits first. */
async function waitUntilAnswering(address, exited, log) {
  const deadline = Date.now() + 10_000;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const resolver = new dns.Resolver({ timeout: 300, tries: 1 });
    resolver.setServers([address]);
    const asked = resolver.resolveSoa('.').then(
      () => 'answered',
      (error) => {
        // Not listening yet (refused) or not answering yet (timeout); any RCODE is an answer.
        if (error.code !== 'ECONNREFUSED' && error.code !== 'ETIMEOUT') return 'answered';
        last = error.code;
        return 'waiting';
      },
    );
    const outcome = await Promise.race([asked, exited]);
    if (outcome === 'exited') throw new Error(`unbound exited: ${log().slice(-1000)}`);
    if (outcome === 'answered') return;
    await sleep(25);
  }
  throw new Error(`@acmapi/test-dns: unbound does not answer on ${address} (${last}); log: ${log().slice(-1000)}`);
}

/**
 * The unbound to run: a copy in `dir`. Debian's and Ubuntu's package installs an AppArmor
 * profile that attaches to /usr/sbin/unbound by path and lets it read its configuration only
 * under /etc/unbound, so on a host that enforces it (GitHub's Ubuntu runners) the system
 * binary could not read this fixture's configuration from a temp folder. The copy runs as
 * the test's own user with no more rights than the test has. Where the temp folder cannot
 * hold executables (mounted noexec) the system binary is used.
 */
async function runnableCopy(unbound, dir) {
  const copy = join(dir, 'unbound');
  try {
    await copyFile(unbound, copy);
    await chmod(copy, 0o755);
    return copy;
  } catch {
    return unbound;
  }
}

/** @type {import('./index.d.mts').startValidatingResolver} */
export async function startValidatingResolver({ upstream, trustAnchors }) {
  const [installed] = systemBinaries('unbound', ['unbound']);
  const dir = await mkdtemp(join(tmpdir(), 'acmapi-unbound-'));
  let unbound = await runnableCopy(installed, dir);
  const configFile = join(dir, 'unbound.conf');
  let output = '';
  let child;
  let port = 0;
  try {
    for (let attempt = 0; ; attempt += 1) {
      port = await freeUdpTcpPort();
      await writeFile(configFile, config({ dir, port, upstream, trustAnchors }));
      output = '';
      child = spawn(unbound, ['-d', '-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      const exited = new Promise((resolve) => {
        child.once('exit', () => resolve('exited'));
        child.once('error', (error) => {
          // A copy in a noexec temp folder cannot run (EACCES): the next attempt runs the system binary.
          output += `spawn ${unbound}: ${error.message}\n`;
          unbound = installed;
          resolve('exited');
        });
      });
      try {
        await waitUntilAnswering(`127.0.0.1:${port}`, exited, () => output);
        break;
      } catch (error) {
        child.kill('SIGKILL');
        // Another process took the port between our probe and unbound's bind: try another one.
        if (attempt === 4) throw error;
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  let closed = false;
  return {
    address: `127.0.0.1:${port}`,
    get log() {
      return output;
    },
    async close() {
      if (closed) return;
      closed = true;
      await stopServer(child, dir);
    },
  };
}
