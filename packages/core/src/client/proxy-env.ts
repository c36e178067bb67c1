/**
 * Which proxy a call to a URL goes through, decided from the environment as undici's
 * `EnvHttpProxyAgent` decides it (undici 7, `lib/dispatcher/env-http-proxy-agent.js`):
 * `https_proxy`/`HTTPS_PROXY` for https: URLs, else `http_proxy`/`HTTP_PROXY` (lower case
 * first); `no_proxy`/`NO_PROXY` lists hosts (`host`, `.host`, `*.host`, `host:port`; `*` is
 * every host) to reach directly, each also matching its subdomains. undici routes the call;
 * this only names the proxy in an error, so that a user behind a TLS-inspecting proxy learns
 * which certificate to trust.
 */

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };

/**
 * The proxy a call to `url` goes through under `env`, as its origin (no credentials, no
 * path), or `undefined` when it goes direct. A proxy value that is not a URL is returned as
 * given less anything before an `@` (credentials).
 */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): string | undefined {
  const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);
  const http = nonEmpty(env['http_proxy'] ?? env['HTTP_PROXY']);
  const https = nonEmpty(env['https_proxy'] ?? env['HTTPS_PROXY']);
  const proxy = url.protocol === 'https:' ? https ?? http : http;
  if (proxy === undefined) return undefined;
  const noProxy = env['no_proxy'] ?? env['NO_PROXY'] ?? '';
  if (noProxy === '*') return undefined;
  // url.host keeps the brackets of an IPv6 address; the port is cut off as undici does.
  const hostname = url.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number.parseInt(url.port, 10) || (DEFAULT_PORTS[url.protocol] ?? 0);
  for (const entry of noProxy.split(/[,\s]/)) {
    if (entry === '') continue;
    const parsed = /^(.+):(\d+)$/.exec(entry);
    const entryHost = (parsed?.[1] ?? entry).replace(/^\*?\./, '').toLowerCase();
    const entryPort = parsed?.[2] === undefined ? 0 : Number.parseInt(parsed[2], 10);
    if (entryPort !== 0 && entryPort !== port) continue;
    if (hostname === entryHost || hostname.endsWith(`.${entryHost}`)) return undefined;
  }
  try {
    return new URL(proxy).origin;
  } catch {
    return proxy.slice(proxy.lastIndexOf('@') + 1);
  }
}
