// A small path router: fixed segments and :params, matched per method; fast enough not to matter.
import type { Reply } from './http-util';
import type { PortalRuntime, SimState } from './state';

export interface Ctx {
  sim: SimState;
  portal: PortalRuntime;
  method: string;
  path: string;
  query: URLSearchParams;
  raw: string;
  params: Record<string, string>;
  json(): unknown;
}

export type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

interface Route {
  method: string;
  parts: string[];
  handler: Handler;
  search: boolean;
}

export class Router {
  private routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler, opts: { search?: boolean } = {}): void {
    this.routes.push({ method, parts: pattern.split('/').filter(Boolean), handler, search: opts.search ?? false });
  }

  match(
    method: string,
    path: string,
  ): { route: Route; params: Record<string, string> } | { allowed: false } | undefined {
    const segs = path.split('/').filter(Boolean);
    let pathMatched = false;
    for (const route of this.routes) {
      if (route.parts.length !== segs.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segs.length; i++) {
        const part = route.parts[i] as string;
        const seg = segs[i] as string;
        if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(seg);
        else if (part !== seg) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      if (route.method !== method) {
        pathMatched = true;
        continue;
      }
      return { route, params };
    }
    return pathMatched ? { allowed: false } : undefined;
  }
}

/** The counter key: the route pattern with object types resolved and ids as {id}. */
export function endpointKey(
  method: string,
  route: { parts: string[] },
  params: Record<string, string>,
  resolveType: (s: string) => string | undefined,
): string {
  const path = route.parts
    .map((p) => {
      if (!p.startsWith(':')) return p;
      const name = p.slice(1);
      if (name === 'type' || name === 'from' || name === 'to') return resolveType(params[name] ?? '') ?? params[name];
      return `{${name}}`;
    })
    .join('/');
  return `${method} /${path}`;
}
