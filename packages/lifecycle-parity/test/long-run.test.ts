/**
 * Issue 10, second acceptance line: five certificates kept for two simulated years by `renew`
 * every 12 hours, through a 3-day CA outage and a 1-day web server misconfiguration.
 *
 * In process, with one injected clock shared by the store, core's fleet run, the client and the
 * CA: the sandbox (its certificates dated by that clock) over HTTPS, its signfile check fetching
 * from a real loopback HTTP server that serves each domain's webroot from disk, where the
 * remembered `webroot` placement puts the signfile. The failure and deploy hooks are real
 * `/bin/sh` commands appending the event JSON they get on stdin to a file. After every run:
 * every certificate is valid, renewed only once due and before 80 % of its lifetime, each
 * failure fired its hook, and the metrics file (parsed with parse-prometheus-text-format,
 * checked with `promtool check metrics` at a few runs) says what the store says.
 *
 * It lives here, not in packages/core, because it needs the sandbox, and the sandbox depends on
 * core (a devDependency back would make the build graph a cycle).
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { AcmApiClient, runFleet, type CertificateRecord, type CertificateSettings } from '@acmapi/core';
import { openStore, type CertificateStore } from '@acmapi/core/store';
import { startSandbox, type Sandbox } from '@acmapi/sandbox';
import { findBinary, makeTempDir, type TempDir } from '@acmapi/test-utils';
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const TICK_MS = 12 * HOUR_MS;
const YEARS_MS = 2 * 365 * DAY_MS;
const SIGNFILE = { name: 'signfile', content: 'acmapi-long-run-signfile-77e1' };
const NAMES = ['alpha', 'bravo', 'charlie', 'delta', 'echo'] as const;
const domainOf = (name: string): string => `${name}.longrun.test`;

/**
 * A web server on loopback serving `<root>/<host>/<path>` from disk, as a virtual-host setup
 * does; while `misconfigured`, every host is served from an empty folder instead (a config
 * pushed with the wrong root), so the CA's fetch of the signfile gets 404 and answers 107.
 */
interface WebServer {
  readonly port: number;
  misconfigured: boolean;
  close(): Promise<void>;
}

async function startWebServer(root: string, emptyRoot: string): Promise<WebServer> {
  const state = { misconfigured: false };
  const server: Server = createServer((request, response) => {
    const host = (request.headers.host ?? '').replace(/:\d+$/, '');
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    const file = join(state.misconfigured ? emptyRoot : join(root, host), path);
    readFile(file).then(
      (body) => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end(body);
      },
      () => {
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('not found\n');
      },
    );
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    get misconfigured() {
      return state.misconfigured;
    },
    set misconfigured(value: boolean) {
      state.misconfigured = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** Runs `promtool check metrics` on a file: parse errors and lint problems both fail it. */
function promtoolCheck(path: string): Promise<{ status: number | null; output: string }> {
  const child = spawn(findBinary('promtool', 'prometheus'), ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return readFile(path).then(
    (text) =>
      new Promise((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (status) => {
          resolve({ status, output });
        });
        child.stdin.end(text);
      }),
  );
}

/** The hook event a hook appended (one JSON document a line: the hook deletes the event's own line feeds). */
interface HookLine {
  kind: string;
  certificate?: string;
  error?: { code: string; message: string };
  reason?: string;
  notAfter?: string;
}

async function readLines(path: string): Promise<HookLine[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as HookLine);
}

/** An expiry warning (certificate within its warning period, not renewed) rather than a failed attempt. */
const isWarning = (line: HookLine): boolean => line.reason === 'expiry-warning' || line.error === undefined;

/** `{ certificate → value }` of family `name` (restricted to samples with `result="…"` when given). */
function samples(families: ParsedFamily[], name: string, result?: string): Map<string, number> {
  const family = families.find((f) => f.name === name);
  const map = new Map<string, number>();
  for (const metric of family?.metrics ?? []) {
    if (result !== undefined && metric.labels?.['result'] !== result) continue;
    map.set(metric.labels?.['certificate'] ?? '', Number(metric.value));
  }
  return map;
}

/** The stable `code` of a fleet result's error (a typed error of core), if any. */
function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** A date as the metrics file writes it, in Unix seconds, compared to the millisecond. */
const seconds = (date: Date | undefined): number | undefined => (date === undefined ? undefined : date.getTime() / 1000);

/** The metrics file's name of the result of a fleet outcome. */
function metricsResult(outcome: string): string {
  return outcome === 'renewed' ? 'issued' : outcome;
}

let temp: TempDir;
let web: WebServer;
let sandbox: Sandbox;
let store: CertificateStore;
let now: Date;

beforeAll(async () => {
  temp = await makeTempDir('acmapi-long-run-');
  const sites = join(temp.path, 'sites');
  const empty = join(temp.path, 'wrong-root');
  await mkdir(empty, { recursive: true });
  for (const name of NAMES) await mkdir(join(sites, domainOf(name)), { recursive: true });
  web = await startWebServer(sites, empty);
  // The simulation starts at the hour after the real now: the CA's own certificates (and the
  // sandbox's HTTPS certificate, which TLS checks against the real clock) are made then.
  now = new Date(Math.ceil(Date.now() / HOUR_MS) * HOUR_MS);
  sandbox = await startSandbox({
    now: () => now,
    validityDays: 90,
    customers: [{ customerId: 'long-run', authToken: 'long-run-token-secret', signfile: SIGNFILE }],
    validation: { resolve: { '*.longrun.test': ['127.0.0.1'] }, httpPort: web.port },
  });
  store = await openStore(join(temp.path, 'store'), { now: () => now });
});

afterAll(async () => {
  await sandbox.close();
  await web.close();
  await temp.cleanup();
});

describe('a fleet kept for two simulated years (issue 10 acceptance)', () => {
  it('renews every certificate in time through a 3-day CA outage and a 1-day misconfiguration; hooks and metrics follow', async () => {
    const started = performance.now();
    const signfilePath = join(temp.path, 'signfile.txt');
    await writeFile(signfilePath, `${SIGNFILE.content}\n`);
    const metricsFile = join(temp.path, 'metrics', 'acmapi.prom');
    await mkdir(join(temp.path, 'metrics'));
    const hooksDir = join(temp.path, 'hooks');
    await mkdir(hooksDir);
    const failureLog = (name: string): string => join(hooksDir, `${name}.failure.jsonl`);
    const deployLog = (name: string): string => join(hooksDir, `${name}.deploy.jsonl`);
    // The event JSON arrives on stdin; its own line feeds (if pretty-printed) are dropped so that each event is one line.
    const appendEvent = (file: string): string => `{ tr -d '\\n'; echo; } >> '${file}'`;
    const settingsOf = (name: string): CertificateSettings => ({
      domains: [domainOf(name)],
      signfile: { path: signfilePath, placement: { kind: 'webroot', dir: join(temp.path, 'sites', domainOf(name)), iis: false }, preflight: 'off' },
      hooks: { failure: appendEvent(failureLog(name)), deploy: appendEvent(deployLog(name)) },
    });
    const client = (): AcmApiClient =>
      new AcmApiClient({
        customerId: 'long-run',
        authToken: 'long-run-token-secret',
        endpoint: sandbox.url,
        ca: sandbox.caBundlePem,
        // The client checks certificate dates with this clock; retries wait no real time.
        clock: { now: () => now.getTime(), sleep: () => Promise.resolve() },
        retries: 1,
      });

    const hookCounts = new Map<string, { failure: number; deploy: number }>(NAMES.map((name) => [name, { failure: 0, deploy: 0 }]));
    /** The hook lines each certificate's hooks appended since the last call. */
    const newHookLines = async (name: string): Promise<{ failure: HookLine[]; deploy: HookLine[] }> => {
      const seen = hookCounts.get(name) ?? { failure: 0, deploy: 0 };
      const failure = await readLines(failureLog(name));
      const deploy = await readLines(deployLog(name));
      hookCounts.set(name, { failure: failure.length, deploy: deploy.length });
      return { failure: failure.slice(seen.failure), deploy: deploy.slice(seen.deploy) };
    };

    const records = async (): Promise<Map<string, CertificateRecord>> => {
      const map = new Map<string, CertificateRecord>();
      for (const name of NAMES) {
        const record = await store.get(name);
        if (record === undefined) throw new Error(`${name} has no record at ${now.toISOString()}`);
        map.set(name, record);
      }
      return map;
    };

    /** The metrics file, parsed, must say what the store says and what this run did. */
    const checkMetrics = async (outcomes: Map<string, string>, after: Map<string, CertificateRecord>): Promise<void> => {
      const families = parsePrometheusTextFormat(await readFile(metricsFile, 'utf8'));
      const at = `at ${now.toISOString()}`;
      expect(samples(families, 'acmapi_last_run_timestamp_seconds').get(''), at).toBe(seconds(now));
      const notAfter = samples(families, 'acmapi_certificate_not_after_timestamp_seconds');
      const renewal = samples(families, 'acmapi_certificate_renewal_timestamp_seconds');
      const failures = samples(families, 'acmapi_certificate_failures');
      for (const name of NAMES) {
        const record = after.get(name);
        expect(notAfter.get(name), `${name} not-after ${at}`).toBe(seconds(record?.live?.notAfter));
        expect(renewal.get(name), `${name} renewal time ${at}`).toBe(seconds(record?.renewalAt));
        expect(failures.get(name) ?? 0, `${name} failures ${at}`).toBe(record?.failures?.count ?? 0);
        const result = metricsResult(outcomes.get(name) ?? '');
        expect(samples(families, 'acmapi_certificate_last_attempt_result', result).get(name), `${name} last result ${result} ${at}`).toBe(1);
        const set = families
          .find((f) => f.name === 'acmapi_certificate_last_attempt_result')
          ?.metrics.filter((m) => m.labels?.['certificate'] === name && Number(m.value) === 1);
        expect(set?.length, `${name} has one result series set ${at}`).toBe(1);
        if (outcomes.get(name) === 'renewed' || outcomes.get(name) === 'failed') {
          expect(samples(families, 'acmapi_certificate_last_attempt_timestamp_seconds').get(name), `${name} last attempt ${at}`).toBe(seconds(now));
        }
      }
    };

    // Day 0: issue the five with their settings (placement, hooks), remembered for every renewal after.
    const first = await runFleet({
      repository: store,
      command: 'issue',
      targets: NAMES.map((name) => ({ name, settings: settingsOf(name) })),
      client,
      now: () => now,
      metricsFile,
    });
    expect(first.certificates.map((c) => [c.name, c.outcome, codeOf(c.error)])).toEqual(NAMES.map((name) => [name, 'renewed', undefined]));
    let before = await records();
    for (const name of NAMES) {
      expect(before.get(name)?.state).toBe('valid');
      expect((await newHookLines(name)).deploy).toHaveLength(1);
    }
    expect((await promtoolCheck(metricsFile)).status).toBe(0);

    const startTime = now.getTime();
    const end = startTime + YEARS_MS;
    const disruption = { outageUntil: 0, misconfiguredUntil: 0, outages: 0, misconfigurations: 0 };
    const failuresBy = { outage: 0, misconfiguration: 0 };
    const renewals = new Map<string, number>(NAMES.map((name) => [name, 0]));
    const worstFraction = { value: 0 };
    let promtoolRuns = 0;
    let fleetMs = 0;

    for (let tick = 1; now.getTime() + TICK_MS <= end; tick++) {
      now = new Date(now.getTime() + TICK_MS);
      const t = now.getTime();
      // End disruptions that are over; the web server and the CA come back between runs.
      if (disruption.outageUntil !== 0 && t >= disruption.outageUntil) {
        sandbox.setOutage(false);
        disruption.outageUntil = 0;
      }
      if (disruption.misconfiguredUntil !== 0 && t >= disruption.misconfiguredUntil) {
        web.misconfigured = false;
        disruption.misconfiguredUntil = 0;
      }
      const outage = disruption.outageUntil !== 0;
      const misconfigured = disruption.misconfiguredUntil !== 0;
      const applies = sandbox.requests.filter((r) => r.kind === 'apply').length;

      const f0 = performance.now();
      const run = await runFleet({ repository: store, command: 'renew', targets: NAMES.map((name) => ({ name })), client, now: () => now, metricsFile, concurrency: NAMES.length });

      fleetMs += performance.now() - f0;
      const after = await records();
      const outcomes = new Map<string, string>(run.certificates.map((c) => [c.name, c.outcome]));
      expect([...outcomes.keys()].sort()).toEqual([...NAMES]);
      for (const certificate of run.certificates) {
        const { name } = certificate;
        const at = `${name} at ${now.toISOString()} (run ${tick})`;
        const was = before.get(name);
        const is = after.get(name);
        const hooks = await newHookLines(name);
        const wasLive = was?.live;
        const isLive = is?.live;
        if (wasLive === undefined || isLive === undefined) throw new Error(`${at}: no live certificate`);
        // Always valid: never expired, never a certificate from the future.
        expect(isLive.notAfter.getTime(), `${at}: expired`).toBeGreaterThan(t);
        expect(isLive.notBefore.getTime(), at).toBeLessThanOrEqual(t);
        switch (certificate.outcome) {
          case 'renewed': {
            expect(isLive.fingerprintSha256, at).not.toBe(wasLive.fingerprintSha256);
            // Renewed only once due, and before 80 % of the old certificate's lifetime.
            expect(was?.renewalAt?.getTime() ?? Infinity, `${at}: renewed before its renewal time`).toBeLessThanOrEqual(t);
            const fraction = (t - wasLive.notBefore.getTime()) / (wasLive.notAfter.getTime() - wasLive.notBefore.getTime());
            worstFraction.value = Math.max(worstFraction.value, fraction);
            expect(fraction, `${at}: renewed late`).toBeLessThan(0.8);
            expect(hooks.deploy.map((h) => [h.kind, h.certificate]), `${at}: one deploy hook`).toEqual([['deploy', name]]);
            expect(hooks.failure, at).toEqual([]);
            expect(is?.failures, at).toBeUndefined();
            renewals.set(name, (renewals.get(name) ?? 0) + 1);
            break;
          }
          case 'not-due':
            expect(isLive.fingerprintSha256, at).toBe(wasLive.fingerprintSha256);
            expect(was?.renewalAt?.getTime() ?? 0, `${at}: due but not renewed`).toBeGreaterThan(t);
            expect(hooks.deploy, at).toEqual([]);
            expect(hooks.failure, at).toEqual([]);
            break;
          case 'failed': {
            // Only a disruption makes a renewal fail, and each failure fires the failure hook once, with its code.
            const code = codeOf(certificate.error);
            expect(outage || misconfigured, `${at}: failed with nothing broken (${code ?? '?'})`).toBe(true);
            expect(code, at).toBe(outage ? 'TRANSPORT_FAILED' : 'CA_DOMAIN_VERIFY_FAILED');
            if (outage) failuresBy.outage++;
            else failuresBy.misconfiguration++;
            const withError = hooks.failure.filter((h) => !isWarning(h));
            expect(withError.map((h) => [h.kind, h.certificate, h.error?.code]), `${at}: one failure hook`).toEqual([['failure', name, code]]);
            expect(is?.failures?.count, at).toBe((was?.failures?.count ?? 0) + 1);
            expect(isLive.fingerprintSha256, at).toBe(wasLive.fingerprintSha256);
            expect(hooks.deploy, at).toEqual([]);
            break;
          }
          case 'skipped-by-backoff':
            expect(was?.failures?.nextAttemptAt.getTime() ?? 0, at).toBeGreaterThan(t);
            expect(hooks.deploy, at).toEqual([]);
            expect(hooks.failure.filter((h) => !isWarning(h)), `${at}: a skipped run is no new failure`).toEqual([]);
            break;
          default:
            throw new Error(`${at}: unexpected outcome ${certificate.outcome}`);
        }
        // An expiry warning only for a certificate that was not renewed.
        for (const warning of hooks.failure.filter(isWarning)) {
          expect([warning.kind, warning.certificate, certificate.outcome === 'renewed'], at).toEqual(['failure', name, false]);
        }
      }
      // Nothing is sent for a certificate that is not due or waits out its backoff.
      const attempted = run.certificates.filter((c) => c.outcome === 'renewed' || c.outcome === 'failed').length;
      expect(sandbox.requests.filter((r) => r.kind === 'apply').length - applies, `applications at run ${tick}`).toBe(outage ? 0 : attempted);

      await checkMetrics(outcomes, after);
      const check = outage || misconfigured || tick % 365 === 0;
      if (check && promtoolRuns < 6) {
        promtoolRuns++;
        const result = await promtoolCheck(metricsFile);
        expect(result, result.output).toEqual({ status: 0, output: '' });
      }

      // Start each disruption once, when some certificate is due at the next run, so that it really hits renewals.
      const dueNext = NAMES.some((name) => (after.get(name)?.renewalAt?.getTime() ?? Infinity) <= t + TICK_MS);
      if (dueNext && disruption.outages === 0 && t >= startTime + 200 * DAY_MS) {
        sandbox.setOutage('http-503');
        disruption.outageUntil = t + 3 * DAY_MS;
        disruption.outages++;
      } else if (dueNext && disruption.misconfigurations === 0 && disruption.outageUntil === 0 && t >= startTime + 400 * DAY_MS) {
        web.misconfigured = true;
        disruption.misconfiguredUntil = t + DAY_MS;
        disruption.misconfigurations++;
      }
      before = after;
    }

    // The disruptions happened and hit renewals; every certificate was renewed about every 60 days.
    expect(disruption).toMatchObject({ outages: 1, misconfigurations: 1 });
    expect(failuresBy.outage).toBeGreaterThan(0);
    expect(failuresBy.misconfiguration).toBeGreaterThan(0);
    expect(sandbox.outageRejections).toBeGreaterThan(0);
    for (const name of NAMES) expect(renewals.get(name), name).toBeGreaterThanOrEqual(11);
    expect(worstFraction.value).toBeLessThan(0.8);
    console.info(`fleet ${Math.round(fleetMs)} ms; long run: ${Math.round((performance.now() - started) / 1000)} s for ${Math.round(YEARS_MS / TICK_MS)} runs`);
  }, 180_000);
});
