/**
 * The endpoint in the form an application records it: no credentials a URL may carry.
 * No I/O and no HTTP library, so that the store can use it.
 */
/**
 * The endpoint as it is recorded with an application (the store's `state.json`, the Action's
 * published state): scheme, host, port and path, as messages show them.
 * Never the user name, password, query or fragment, where some gateways take credentials
 * (`https://user:TOKEN@host/`, `?token=…`): those stay in the caller's configuration, which
 * supplies them again on every run (issue 11, finding 14). A recorded text that is not a URL
 * (a hand-edited state) is returned as `undefined`.
 *
 * @param endpoint - the endpoint as a URL, or a recorded text (an older record may hold credentials).
 */
export function recordableEndpoint(endpoint: URL): string;
export function recordableEndpoint(endpoint: string): string | undefined;
export function recordableEndpoint(endpoint: URL | string): string | undefined {
  if (endpoint instanceof URL) return `${endpoint.origin}${endpoint.pathname}`;
  try {
    return recordableEndpoint(new URL(endpoint));
  } catch {
    return undefined;
  }
}
