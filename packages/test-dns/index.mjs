// A real DNS server for the suites (issue 13: "tests use a real DNS server on loopback from
// Debian's packages"). Knot DNS serves zone files this module writes; it gives true NXDOMAIN,
// CNAME chains answered in one response, AAAA-only names, CAA records, and SERVFAIL for a zone
// that fails to load (which is how `servfail()` works). Types: index.d.mts.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promises as dns } from 'node:dns';
import { freeUdpTcpPort, sleep, stopServer, systemBinaries } from './support.mjs';

export { startValidatingResolver } from './validating-resolver.mjs';

const KNOT_PACKAGE = 'knot';

/** knotd, knotc and keymgr (package `knot`), installed when missing and we are root; never a skip. */
const knotBinaries = () => {
  const [knotd, knotc, keymgr] = systemBinaries(KNOT_PACKAGE, ['knotd', 'knotc', 'keymgr']);
  return { knotd, knotc, keymgr };
};

const normalise = (name) => name.replace(/\.$/, '').toLowerCase();
const isAtOrUnder = (name, zone) => name === zone || name.endsWith(`.${zone}`);

/** A zone-file string: quoted, with `"` and `\` escaped (RFC 1035 §5.1). */
const quoted = (value) => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')}: exit ${code}: ${output}`))));
  });
}


/** @type {import('./index.d.mts').startDnsServer} */
export async function startDnsServer(options = {}) {
  const { knotd, knotc, keymgr } = knotBinaries();
  const zones = (options.zones ?? ['test']).map(normalise);
  const signed = new Set((options.signed ?? []).map(normalise));
  for (const zone of signed) if (!zones.includes(zone)) throw new Error(`@acmapi/test-dns: signed zone ${zone} is not one of the zones (${zones.join(', ')})`);
  const dir = await mkdtemp(join(tmpdir(), 'acmapi-dns-'));
  const socket = join(dir, 'knot.sock');
  const configFile = join(dir, 'knot.conf');
  /** @type {Map<string, import('./index.d.mts').RecordSet>} */
  const records = new Map();
  /** Names (zones of their own, with a zone file that does not load) answering SERVFAIL. */
  const failing = new Set();
  let serial = 1;
  let port = 0;
  let child;
  let log = '';

  const zoneOf = (name) =>
    [...zones, ...failing].filter((zone) => isAtOrUnder(name, zone)).sort((a, b) => b.length - a.length)[0];

  const writeConfig = async () => {
    const zoneLines = [
      ...zones
        .filter((zone) => !failing.has(zone))
        .map(
          (zone) =>
            `  - domain: ${zone}.\n    file: "${join(dir, `${zone}.zone`)}"` +
            (signed.has(zone) ? '\n    dnssec-signing: on\n    dnssec-policy: acmapi-fixture' : ''),
        ),
      // A zone whose file cannot be parsed is never loaded, and knotd answers SERVFAIL for it.
      ...[...failing].map((zone) => `  - domain: ${zone}.\n    file: "${join(dir, `servfail-${zone}.zone`)}"`),
    ];
    await writeFile(
      configFile,
      [
        'server:',
        `    rundir: "${dir}"`,
        `    listen: 127.0.0.1@${port}`,
        '    udp-workers: 1',
        '    tcp-workers: 1',
        '    background-workers: 1',
        'log:',
        '  - target: stderr',
        '    any: error',
        'database:',
        `    storage: "${dir}"`,
        'control:',
        `    listen: "${socket}"`,
        // knotd signs the `signed` zones itself (automatic DNSSEC signing): one ECDSA P-256
        // key (a CSK, so a single DS names it), made at the first load and kept in `dir`.
        'policy:',
        '  - id: acmapi-fixture',
        '    algorithm: ecdsap256sha256',
        '    single-type-signing: on',
        'template:',
        '  - id: default',
        `    storage: "${dir}"`,
        '    semantic-checks: off',
        '    zonefile-load: whole',
        '    journal-content: none',
        '    zonefile-sync: -1',
        'zone:',
        ...zoneLines,
        '',
      ].join('\n'),
    );
    for (const zone of failing) await writeFile(join(dir, `servfail-${zone}.zone`), 'this zone file ( never loads\n');
  };

  const zoneFile = (zone) => {
    const lines = ['$TTL 1', `${zone}. IN SOA ns.${zone}. hostmaster.${zone}. ${serial} 3600 600 86400 1`, `${zone}. IN NS ns.${zone}.`];
    for (const [name, set] of records) {
      if (zoneOf(name) !== zone) continue;
      const owner = `${name}.`;
      for (const a of set.A ?? []) lines.push(`${owner} IN A ${a}`);
      for (const aaaa of set.AAAA ?? []) lines.push(`${owner} IN AAAA ${aaaa}`);
      if (set.CNAME !== undefined) lines.push(`${owner} IN CNAME ${normalise(set.CNAME)}.`);
      for (const caa of set.CAA ?? []) lines.push(`${owner} IN CAA ${caa.flags} ${caa.tag} ${quoted(caa.value)}`);
    }
    return `${lines.join('\n')}\n`;
  };

  const resolver = () => {
    const r = new dns.Resolver({ timeout: 500, tries: 1 });
    r.setServers([`127.0.0.1:${port}`]);
    return r;
  };

  /** Waits until knotd serves `zone` with the current serial (a reload is asynchronous). */
  const waitForSerial = async (zone) => {
    const deadline = Date.now() + 10_000;
    let last;
    while (Date.now() < deadline) {
      try {
        const soa = await resolver().resolveSoa(zone);
        if (soa.serial >= serial) return;
        last = `serial ${soa.serial}, want ${serial}`;
      } catch (error) {
        last = error.code ?? String(error);
      }
      await sleep(25);
    }
    throw new Error(`@acmapi/test-dns: knotd did not serve zone ${zone} (${last}); log: ${log.slice(-1000)}`);
  };

  const waitForServfail = async (name) => {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      try {
        await resolver().resolveSoa(name);
      } catch (error) {
        if (error.code === 'ESERVFAIL') return;
      }
      await sleep(25);
    }
    throw new Error(`@acmapi/test-dns: ${name} does not answer SERVFAIL; log: ${log.slice(-1000)}`);
  };

  const writeZones = async () => {
    for (const zone of zones) if (!failing.has(zone)) await writeFile(join(dir, `${zone}.zone`), zoneFile(zone));
  };

  const reloadZone = async (zone) => {
    serial += 1;
    await writeZones();
    await run(knotc, ['-s', socket, '-b', 'zone-reload', `${zone}.`]);
    await waitForSerial(zone);
  };

  const start = async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      port = await freeUdpTcpPort();
      await writeConfig();
      await writeZones();
      log = '';
      child = spawn(knotd, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr.on('data', (chunk) => (log += chunk));
      const exited = new Promise((resolve) => child.once('exit', () => resolve('exited')));
      try {
        await Promise.race([
          Promise.all(zones.map((zone) => waitForSerial(zone))),
          exited.then(() => Promise.reject(new Error(`knotd exited: ${log.slice(-1000)}`))),
        ]);
        return;
      } catch (error) {
        child.kill('SIGTERM');
        // Another process took the port between our probe and knotd's bind: try another one.
        if (attempt === 4) throw error;
      }
    }
  };

  try {
    await start();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  const served = (name) => {
    const zone = zoneOf(name);
    if (zone === undefined) throw new Error(`@acmapi/test-dns: ${name} is in none of the served zones (${zones.join(', ')})`);
    return zone;
  };

  let closed = false;
  return {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    get address() {
      return `127.0.0.1:${port}`;
    },
    async set(name, recordSet) {
      const key = normalise(name);
      const zone = served(key);
      records.set(key, recordSet);
      if (!failing.has(zone)) await reloadZone(zone);
    },
    async remove(name) {
      const key = normalise(name);
      const zone = served(key);
      records.delete(key);
      if (!failing.has(zone)) await reloadZone(zone);
    },
    async ds(zone) {
      const key = normalise(zone);
      if (!signed.has(key)) throw new Error(`@acmapi/test-dns: ${key} is not a signed zone`);
      const output = await run(keymgr, ['-c', configFile, `${key}.`, 'ds']);
      // keymgr prints one DS per digest type; SHA-256 (type 2) is the one every validator knows.
      const line = output.split('\n').find((candidate) => / DS \d+ \d+ 2 [0-9a-f]+$/i.test(candidate.trim()));
      if (line === undefined) throw new Error(`@acmapi/test-dns: keymgr gave no SHA-256 DS for ${key}: ${output.slice(0, 500)}`);
      return line.trim();
    },
    async servfail(name) {
      const key = normalise(name);
      served(key);
      if (failing.has(key)) return;
      if (zones.includes(key)) {
        // knotd keeps serving a loaded zone whose new file fails; drop it from the
        // configuration first, then add it back with a file that never loads.
        zones.splice(zones.indexOf(key), 1);
        await writeConfig();
        await run(knotc, ['-s', socket, 'reload']);
        zones.push(key);
      }
      failing.add(key);
      await writeConfig();
      await run(knotc, ['-s', socket, 'reload']);
      await waitForServfail(key);
    },
    async close() {
      if (closed) return;
      closed = true;
      await stopServer(child, dir);
    },
  };
}

/** @type {import('./index.d.mts').startSilentDnsServer} */
export async function startSilentDnsServer() {
  // Listens on UDP and TCP and never answers: a resolver that times out.
  const port = await freeUdpTcpPort();
  const udp = createSocket('udp4');
  await new Promise((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, '127.0.0.1', resolve);
  });
  const held = new Set();
  const tcp = createServer((connection) => {
    held.add(connection);
    connection.on('error', () => {
      // A client that gives up resets the connection; nothing to do.
    });
    connection.once('close', () => held.delete(connection));
  });
  await new Promise((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(port, '127.0.0.1', resolve);
  });
  return {
    address: `127.0.0.1:${port}`,
    async close() {
      for (const connection of held) connection.destroy();
      await Promise.all([new Promise((resolve) => udp.close(resolve)), new Promise((resolve) => tcp.close(resolve))]);
    },
  };
}

function parseAddress(address) {
  const match = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(address);
  if (!match) throw new Error(`@acmapi/test-dns: not an ADDR[:PORT]: ${address}`);
  return { host: match[1] ?? match[2], port: Number(match[3] ?? 53) };
}

/** @type {import('./index.d.mts').startDelayingDnsProxy} */
export async function startDelayingDnsProxy({ upstream, delayMs }) {
  const target = parseAddress(upstream);
  const family = target.host.includes(':') ? 'udp6' : 'udp4';
  const port = await freeUdpTcpPort();
  const timers = new Set();
  const later = (fn) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, delayMs);
    timers.add(timer);
  };
  const upstreamSockets = new Set();
  const udp = createSocket('udp4');
  udp.on('message', (query, client) => {
    // One upstream socket per query, so answers go back to the client that asked.
    const out = createSocket(family);
    upstreamSockets.add(out);
    const done = () => {
      upstreamSockets.delete(out);
      try {
        out.close();
      } catch {
        // already closed
      }
    };
    out.on('error', done);
    out.once('message', (answer) => {
      done();
      later(() => udp.send(answer, client.port, client.address));
    });
    out.send(query, target.port, target.host);
    setTimeout(done, 10_000).unref();
  });
  await new Promise((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, '127.0.0.1', resolve);
  });
  const connections = new Set();
  const tcp = createServer((client) => {
    const server = createConnection({ host: target.host, port: target.port });
    connections.add(client).add(server);
    const end = () => {
      client.destroy();
      server.destroy();
      connections.delete(client);
      connections.delete(server);
    };
    client.on('error', end).on('close', end);
    server.on('error', end).on('close', end);
    client.on('data', (chunk) => server.write(chunk));
    server.on('data', (chunk) => later(() => client.writable && client.write(chunk)));
  });
  await new Promise((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(port, '127.0.0.1', resolve);
  });
  return {
    address: `127.0.0.1:${port}`,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of upstreamSockets) socket.close();
      for (const connection of connections) connection.destroy();
      await Promise.all([new Promise((resolve) => udp.close(resolve)), new Promise((resolve) => tcp.close(resolve))]);
    },
  };
}
