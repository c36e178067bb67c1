/** Talks to the sandbox with plain undici requests (not @acmapi/core's client). */
import { Agent, request } from 'undici';
import type { Sandbox } from '../../src/index.js';

const agents = new WeakMap<Sandbox, Agent>();

function agentFor(sandbox: Sandbox): Agent {
  let agent = agents.get(sandbox);
  if (agent === undefined) {
    agent = new Agent({ connect: { ca: sandbox.caBundlePem } });
    agents.set(sandbox, agent);
  }
  return agent;
}

/** An HTTP answer, its body as text and, when it parses, as JSON. */
export interface HttpAnswer {
  readonly httpStatus: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly json: Record<string, unknown>;
}

/** Sends one HTTP request to the sandbox. `body` objects are sent as JSON; strings as they are. */
export async function call(
  sandbox: Sandbox,
  path: string,
  options: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const answer = await request(new URL(path, sandbox.url), {
    method: (options.method ?? (body === undefined ? 'GET' : 'POST')) as 'GET',
    dispatcher: agentFor(sandbox),
    headers: { 'content-type': 'application/json; charset=utf-8', ...options.headers },
    ...(body === undefined ? {} : { body }),
  });
  const text = await answer.body.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: the test looks at `text`
  }
  return { httpStatus: answer.statusCode, headers: answer.headers, text, json };
}

/** POSTs an API request to `/`. */
export function api(sandbox: Sandbox, body: unknown): Promise<HttpAnswer> {
  return call(sandbox, '/', { method: 'POST', body });
}

/** Closes the agent of a sandbox. */
export async function closeAgent(sandbox: Sandbox): Promise<void> {
  await agents.get(sandbox)?.close();
}
