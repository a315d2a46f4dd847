// The request pipeline for HubSpot's surface: auth, injected faults, rate limits, the route, corruption, metrics.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleAdmin } from './admin';
import { htmlReply, migrationReply, serverErrorReply } from './edge-errors';
import { corrupt, dropRecords } from './faults';
import { AUTH_MESSAGE, HubSpotError, parseJson, readBody, type Reply } from './http-util';
import { rateLimitBody, type PolicyName } from './rate-limit';
import { type Ctx, endpointKey, Router } from './router';
import { registerAssociationRoutes } from './routes/associations';
import { registerBatchRoutes } from './routes/batch';
import { registerMetaRoutes } from './routes/meta';
import { registerObjectRoutes } from './routes/objects';
import { registerSchemaRoutes } from './routes/schemas';
import { handleOAuth, isOAuthPath, oauthEndpoint } from './routes/oauth';
import { objectTypeFromSegment } from './schema';
import type { SimState } from './state';

const MAX_BODY = 10 * 1024 * 1024;

export function buildRouter(): Router {
  const router = new Router();
  registerBatchRoutes(router);
  registerObjectRoutes(router);
  registerAssociationRoutes(router);
  registerMetaRoutes(router);
  registerSchemaRoutes(router);
  return router;
}

const resolveType = (s: string): string | undefined => objectTypeFromSegment(s)?.name;

export function createHandler(sim: SimState, adminToken?: string): (req: IncomingMessage, res: ServerResponse) => void {
  const router = buildRouter();
  return (req, res) => {
    handle(sim, router, adminToken, req, res).catch((err: unknown) => {
      if (!res.headersSent)
        send(res, { status: 500, body: new HubSpotError(500, 'INTERNAL_ERROR', (err as Error).message).toBody() });
    });
  };
}

async function handle(
  sim: SimState,
  router: Router,
  adminToken: string | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const started = performance.now();
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  let raw = '';
  try {
    raw = method === 'GET' || method === 'HEAD' ? '' : await readBody(req, MAX_BODY);
  } catch (err) {
    if (err instanceof HubSpotError) send(res, { status: err.status, body: err.toBody() });
    return;
  }

  if (path.startsWith('/__sim')) {
    send(res, await handleAdmin(sim, method, path, query, raw, req.headers.authorization, adminToken));
    return;
  }

  // HubSpot answers an over-long URL with 414 before looking at anything else (error-handling guide, "414").
  if (url.length > sim.maxUrlLength) {
    send(res, htmlReply(414));
    sim.metrics.count(`${method} ${path.slice(0, 200)}`, 414);
    return;
  }

  if (isOAuthPath(path)) {
    const endpoint = oauthEndpoint(method, path, raw);
    // Only fault rules that name an /oauth path reach these endpoints: a CRM-wide rule leaves token calls alone.
    const faults = sim.faults.forRequest(method, path, true);
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
    if (faults.drop) {
      sim.metrics.count(endpoint, 0);
      req.socket.destroy();
      return;
    }
    const { reply, portalId } =
      faults.status?.type === 'error'
        ? { reply: serverErrorReply(faults.status.status ?? 500, faults.status.body), portalId: null }
        : handleOAuth(sim, method, path, query, raw, req.headers['content-type']);
    send(res, reply);
    sim.metrics.count(endpoint, reply.status);
    // Logged without the body: it holds the client secret, codes and refresh tokens.
    sim.metrics.record({
      portalId,
      method,
      path,
      query: '',
      endpoint,
      status: reply.status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    });
    return;
  }

  const matched = router.match(method, path);
  const endpoint =
    matched && 'route' in matched
      ? endpointKey(method, matched.route, matched.params, resolveType)
      : `${method} ${path}`;
  const finish = (reply: Reply, portalId: string | null): void => {
    send(res, reply);
    sim.metrics.count(endpoint, reply.status);
    sim.metrics.record({
      portalId,
      method,
      path,
      query: query.toString(),
      endpoint,
      status: reply.status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      rawBody: raw,
    });
  };

  const auth = req.headers.authorization;
  const token = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
  const privatePortal = token ? sim.byToken.get(token) : undefined;
  const oauthToken = token && !privatePortal ? sim.oauth.authenticate(token) : undefined;
  if (oauthToken === 'expired') {
    // Thread-sourced body (FIDELITY.md): HubSpot names how long ago the token expired, in whole minutes.
    const minutes = Math.floor(sim.oauth.expiredAgoMs(token as string) / 60_000);
    const body = new HubSpotError(
      401,
      'EXPIRED_AUTHENTICATION',
      `The OAuth token used to make this call expired ${minutes} minute(s) ago.`,
    ).toBody();
    finish({ status: 401, body }, null);
    return;
  }
  const portal = privatePortal ?? (oauthToken ? sim.portals.get(oauthToken.portalId) : undefined);
  if (!portal) {
    finish({ status: 401, body: new HubSpotError(401, 'INVALID_AUTHENTICATION', AUTH_MESSAGE).toBody() }, null);
    return;
  }
  // A public app's calls spend the app's budget in that account, a private app's the account's own.
  const limiter = privatePortal ? portal.limiter : portal.appLimiter;

  const faults = sim.faults.forRequest(method, path);
  if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
  if (faults.drop) {
    sim.metrics.count(endpoint, 0);
    req.socket.destroy();
    return;
  }
  if (faults.status) {
    const f = faults.status;
    if (f.type === 'rateLimit') {
      const policy = f.policyName ?? 'TEN_SECONDLY_ROLLING';
      const headers = policy === 'SECONDLY' ? {} : limiter.peekHeaders();
      if (policy !== 'SECONDLY') headers['X-HubSpot-RateLimit-Remaining'] = '0';
      if (f.retryAfterSeconds !== undefined || sim.retryAfterHeader)
        headers['Retry-After'] = String(f.retryAfterSeconds ?? (policy === 'SECONDLY' ? 1 : 10));
      sim.metrics.countRateLimited(policy);
      finish({ status: 429, body: rateLimitBody(policy, randomUUID()), headers }, portal.portalId);
    } else if (f.type === 'locked') {
      finish(
        {
          status: 423,
          body: new HubSpotError(
            423,
            'LOCKED',
            'The resource is locked by another request. Please retry in at least 2 seconds.',
          ).toBody(),
        },
        portal.portalId,
      );
    } else if (f.type === 'migration') {
      finish(migrationReply(f.retryAfterSeconds ?? 3600), portal.portalId);
    } else {
      finish(serverErrorReply(f.status ?? 500, f.body), portal.portalId);
    }
    return;
  }

  if (!matched || !('route' in matched)) {
    const status = matched ? 405 : 404;
    finish(
      {
        status,
        body: new HubSpotError(
          status,
          status === 404 ? 'OBJECT_NOT_FOUND' : 'VALIDATION_ERROR',
          status === 404 ? `Unable to find a route for ${method} ${path}` : `Method ${method} not allowed`,
        ).toBody(),
      },
      portal.portalId,
    );
    return;
  }

  const decision = limiter.check(matched.route.search);
  if (!decision.ok) {
    const headers = { ...decision.headers };
    if (sim.retryAfterHeader) headers['Retry-After'] = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
    sim.metrics.countRateLimited(decision.policy as PolicyName);
    finish({ status: 429, body: rateLimitBody(decision.policy, randomUUID()), headers }, portal.portalId);
    return;
  }

  let parsed: unknown;
  let parsedOnce = false;
  const ctx: Ctx = {
    sim,
    portal,
    method,
    path,
    query,
    raw,
    params: matched.params,
    json: () => {
      if (!parsedOnce) {
        parsed = parseJson(raw);
        parsedOnce = true;
      }
      return parsed;
    },
  };
  let reply: Reply;
  try {
    reply = await matched.route.handler(ctx);
  } catch (err) {
    if (!(err instanceof HubSpotError)) throw err;
    reply = { status: err.status, body: err.toBody() };
  }
  reply.headers = { ...decision.headers, ...reply.headers };
  if (faults.dropRecords) dropRecords(reply, faults.dropRecords);
  if (faults.malformed && reply.body !== undefined) {
    const out = corrupt(reply.body, faults.malformed);
    if (out.raw !== undefined) reply.raw = out.raw;
  }
  finish(reply, portal.portalId);
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent) return;
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.raw !== undefined) {
    res.writeHead(reply.status, {
      ...headers,
      'Content-Type': `${reply.contentType ?? 'application/json'};charset=utf-8`,
    });
    res.end(reply.raw);
    return;
  }
  if (reply.body === undefined || reply.status === 204) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const body = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...headers,
    'Content-Type': 'application/json;charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}
