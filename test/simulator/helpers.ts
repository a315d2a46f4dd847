// Talking to a running simulator over real HTTP, as HubSpot clients and other components' tests do.
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator';

export const TOKEN = 'sim-token-demo';

// Response bodies are checked with expect(), not by the type system: `any` keeps the assertions readable.
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = any>(
  sim: RunningSimulator,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = TOKEN,
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // left as text: the malformed-response fault sends invalid JSON on purpose
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export const admin = <T = any>(
  sim: RunningSimulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<HttpResult<T>> => call<T>(sim, method, `/__sim${path}`, body, null);

/* eslint-enable @typescript-eslint/no-explicit-any */

export function start(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({
    indexingLagMs: 0,
    portals: [{ portalId: '1000001', token: TOKEN, tier: 'unlimited' }],
    ...options,
  });
}
