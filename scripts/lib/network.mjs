// Network steps at test and setup time (pnpm install, code-server's npm install and
// postinstall, apt-get): retried with a doubling pause, run with the machine's own npm and
// TLS settings, and ended with one clear message when the last attempt fails.
//
// Why the settings are passed on explicitly: npm reads its global npmrc from
// `<prefix>/etc/npmrc`, and the prefix follows the Node binary that runs npm. npm run under
// another Node (Node 24 first on PATH for code-server) therefore silently loses a `cafile`,
// `registry` or proxy set in the machine's global npmrc, and a TLS-intercepting proxy then
// fails the download with SELF_SIGNED_CERT_IN_CHAIN (issue 14).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** npm settings that decide where and how npm downloads; passed on as npm_config_* variables. */
export const NPM_NETWORK_SETTINGS = ['globalconfig', 'userconfig', 'cafile', 'registry', 'proxy', 'https-proxy', 'noproxy', 'strict-ssl'];

/**
 * The machine npm's network settings as `npm_config_*` variables, read with one
 * `npm config list --json` under the given environment (the Node on its PATH is the machine's).
 * A setting already given as an npm_config_* variable is left to that variable. Values are
 * paths, URLs and flags: a proxy URL may carry credentials, so callers never print them.
 * @param {{ npm?: string, env?: NodeJS.ProcessEnv }} [options]
 * @returns {Record<string, string>} e.g. `{ npm_config_cafile: '/etc/ssl/certs/ca.pem', … }`
 */
export function machineNpmSettings({ npm = 'npm', env = process.env } = {}) {
  const probe = spawnSync(npm, ['config', 'list', '--json'], { encoding: 'utf8', env });
  if (probe.status !== 0) return {};
  /** @type {Record<string, unknown>} */
  let config;
  try {
    config = JSON.parse(probe.stdout);
  } catch {
    return {};
  }
  /** @type {Record<string, string>} */
  const settings = {};
  for (const key of NPM_NETWORK_SETTINGS) {
    const envKey = `npm_config_${key.replaceAll('-', '_')}`;
    if (env[envKey] !== undefined || env[envKey.toUpperCase()] !== undefined) continue;
    const value = config[key];
    if (value === null || value === undefined || value === '') continue;
    settings[envKey] = String(value);
  }
  return settings;
}

/**
 * The environment for a network step run by another Node or tool: `base` plus the machine's
 * npm settings, and NODE_EXTRA_CA_CERTS set to npm's `cafile` when it is not set already, so
 * that Node's own TLS (postinstall scripts download with it) trusts the same extra CA as npm.
 * @param {NodeJS.ProcessEnv} [base]
 * @param {Record<string, string>} [settings] the result of {@link machineNpmSettings}
 * @returns {NodeJS.ProcessEnv}
 */
export function networkEnv(base = process.env, settings = machineNpmSettings({ env: base })) {
  const env = { ...base, ...settings };
  const cafile = env.npm_config_cafile ?? env.NPM_CONFIG_CAFILE;
  if (cafile !== undefined && env.NODE_EXTRA_CA_CERTS === undefined && existsSync(cafile)) env.NODE_EXTRA_CA_CERTS = cafile;
  return env;
}

/** The last attempt of a network step failed. `message` says what to check; it never holds a setting's value. */
export class NetworkStepError extends Error {
  /**
   * @param {string} step what was run, e.g. "npm install code-server@4.139.1"
   * @param {number} attempts how many times it was tried
   * @param {string} last the last failure, e.g. "exit 1"
   */
  constructor(step, attempts, last) {
    super(
      `${step} failed ${attempts} times (last: ${last}). Check the network and the settings this step used: ` +
        'npm config get registry, https-proxy, proxy and cafile (behind a TLS-intercepting proxy, set cafile in your npmrc ' +
        'or NODE_EXTRA_CA_CERTS to its CA certificate), then run again.',
    );
    this.name = 'NetworkStepError';
    this.step = step;
    this.attempts = attempts;
    /** What the last attempt printed, when its output was piped. */
    this.output = '';
  }
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `command args` until it exits 0, at most `attempts` times, pausing `firstPauseMs`,
 * then twice that, and so on between attempts. Output goes where `options.stdio` says
 * (inherited by default).
 * @param {string} step what the user is told is being retried
 * @param {string} command
 * @param {readonly string[]} args
 * @param {import('node:child_process').SpawnSyncOptions} [options]
 * @param {{ attempts?: number, firstPauseMs?: number, log?: (line: string) => void }} [retry]
 *   attempts default 4, firstPauseMs default 5000 (so 5 s, 10 s, 20 s: a registry's or
 *   proxy's short outage passes), log default stderr
 * @returns {import('node:child_process').SpawnSyncReturns<string | Buffer>} the successful run
 * @throws {NetworkStepError} when every attempt failed; an Error when the command cannot start
 */
export function runWithRetries(step, command, args, options = {}, { attempts = 4, firstPauseMs = 5000, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  for (let attempt = 1; ; attempt++) {
    const result = spawnSync(command, args, { stdio: 'inherit', ...options });
    if (result.error) throw new Error(`${command} could not start: ${result.error.message}`, { cause: result.error });
    if (result.status === 0) return result;
    const last = result.signal ? `signal ${result.signal}` : `exit ${result.status}`;
    if (attempt >= attempts) {
      const error = new NetworkStepError(step, attempts, last);
      // With piped output the caller shows what the last attempt printed.
      error.output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
      throw error;
    }
    const pause = firstPauseMs * 2 ** (attempt - 1);
    log(`acmapi: ${step} failed (${last}); trying again in ${pause / 1000} s (attempt ${attempt + 1} of ${attempts})`);
    sleep(pause);
  }
}
