// A caller of the simulator's own admin API (`/__sim/...`), for the scripts and tests that drive it.

/** Calls the simulator at `baseUrl`; a non-2xx answer fails with its status and the start of its body. */
export function simulatorAdmin(baseUrl: string) {
  return async function sim<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`simulator ${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}
