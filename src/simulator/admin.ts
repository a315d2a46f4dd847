// The simulator's own control surface under /__sim: data, users' changes, configuration, faults, counters,
// webhooks. Not HubSpot's API: no HubSpot auth, no rate limits, not counted.
import { asObject, HubSpotError, intParam, notFound, parseJson, type Reply, validation } from './http-util';
import type { Actor } from './mutations';
import { renderFull } from './render';
import { TIERS, type Tier } from './rate-limit';
import { type Ctx, Router } from './router';
import { objectTypeFromSegment, OBJECT_TYPES, type ObjectTypeName } from './schema';
import { seedPortal, type SeedOptions } from './seed';
import { limitSettings, type PortalRuntime, type SimState } from './state';
import type { SimRecord, TypeStore } from './store';
import { registerAdminOAuthRoutes } from './admin-oauth';
import { registerAdminPortalRoutes } from './admin-portals';
import { registerAdminWebhookRoutes } from './admin-webhooks';
import { createSchema } from './routes/schemas';

const router = new Router();

export async function handleAdmin(
  sim: SimState,
  method: string,
  path: string,
  query: URLSearchParams,
  raw: string,
  authorization: string | undefined,
  adminToken: string | undefined,
): Promise<Reply> {
  try {
    if (adminToken && authorization !== `Bearer ${adminToken}`)
      throw new HubSpotError(401, 'INVALID_AUTHENTICATION', 'admin token required');
    const portalId = query.get('portalId');
    const portal = portalId ? sim.portals.get(portalId) : sim.defaultPortal();
    if (!portal) throw notFound(`unknown portal ${portalId}`);
    const matched = router.match(method, path);
    if (!matched || !('route' in matched)) throw notFound(`no admin route ${method} ${path}`);
    let parsed: unknown;
    const ctx: Ctx = {
      sim,
      portal,
      method,
      path,
      query,
      raw,
      params: matched.params,
      json: () => (parsed ??= parseJson(raw)),
    };
    return await matched.route.handler(ctx);
  } catch (err) {
    if (err instanceof HubSpotError) return { status: err.status, body: err.toBody() };
    throw err;
  }
}

const ok = (body: unknown = { ok: true }, status = 200): Reply => ({ status, body });

function adminType(ctx: Ctx): TypeStore {
  const info = objectTypeFromSegment(ctx.params.type ?? '');
  if (!info) throw validation(`unknown object type ${ctx.params.type}`);
  return ctx.portal.store.of(info.name);
}

function record(ts: TypeStore, id: string | undefined): SimRecord {
  const rec = ts.resolve(id ?? '');
  if (!rec) throw notFound(`no ${ts.type} ${id}`);
  return rec;
}

/** A simulated HubSpot user (or another source the test names). */
function userActor(ctx: Ctx, body: Record<string, unknown>): Actor {
  const owner = ctx.portal.store.owners[0];
  // null is passed through: HubSpot sends null changeSource/sourceId when it has no source to name.
  return {
    changeSource:
      body.changeSource === null ? null : typeof body.changeSource === 'string' ? body.changeSource : 'CRM_UI',
    sourceId:
      body.sourceId === null
        ? null
        : typeof body.sourceId === 'string'
          ? body.sourceId
          : `userId:${owner?.userId ?? 9000000}`,
  };
}

/** Admin writes skip HubSpot's validation of property names so tests can create any shape they need. */
function stringProps(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asObject(raw ?? {}, 'properties')))
    out[k] = v === null || v === undefined ? '' : String(v);
  return out;
}

function toMs(v: unknown): number {
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? (/^\d+$/.test(v) ? Number(v) : Date.parse(v)) : NaN;
  if (Number.isNaN(ms)) throw validation(`invalid timestamp ${String(v)}`);
  return ms;
}

function configOf(sim: SimState, p: PortalRuntime): Record<string, unknown> {
  const s = p.limiter.settings;
  return {
    portalId: p.portalId,
    tier: s.tier,
    requestsPer10s: Number.isFinite(s.requestsPer10s) ? s.requestsPer10s : null,
    dailyLimit: s.dailyLimit,
    timeZone: s.timeZone,
    searchPerSecond: s.searchPerSecond,
    indexingLagMs: p.store.indexingLagMs,
    retryAfterHeader: sim.retryAfterHeader,
    upsertLockPerSecond: p.upsertLockPerSecond,
    maxUrlLength: sim.maxUrlLength,
    appRequestsPer10s: p.appLimiter.settings.requestsPer10s,
    appSearchPerSecond: p.appLimiter.settings.searchPerSecond,
  };
}

router.add('GET', '/__sim/health', (ctx) =>
  ok({
    ok: true,
    portals: [...ctx.sim.portals.keys()],
    records: ctx.portal.store.recordCount(),
    rssBytes: process.memoryUsage().rss,
  }),
);
router.add('POST', '/__sim/reset', (ctx) => {
  ctx.sim.reset();
  return ok();
});
router.add('GET', '/__sim/config', (ctx) => ok(configOf(ctx.sim, ctx.portal)));
router.add('POST', '/__sim/config', (ctx) => {
  const b = asObject(ctx.json());
  const p = ctx.portal;
  if (b.tier !== undefined) {
    if (!(String(b.tier) in TIERS)) throw validation(`tier must be one of ${Object.keys(TIERS).join(', ')}`);
    p.limiter.settings = {
      ...limitSettings(b.tier as Tier, undefined, undefined, p.limiter.settings.timeZone),
      searchPerSecond: p.limiter.settings.searchPerSecond,
    };
  }
  const s = p.limiter.settings;
  if (b.requestsPer10s !== undefined)
    s.requestsPer10s = b.requestsPer10s === null ? TIERS[s.tier].per10s : Number(b.requestsPer10s);
  if (b.dailyLimit !== undefined) s.dailyLimit = b.dailyLimit === null ? null : Number(b.dailyLimit);
  if (typeof b.timeZone === 'string') s.timeZone = b.timeZone;
  if (b.searchPerSecond !== undefined) s.searchPerSecond = Number(b.searchPerSecond);
  if (b.indexingLagMs !== undefined) {
    p.store.indexingLagMs = Number(b.indexingLagMs);
    if (p.store.indexingLagMs <= 0) p.store.flushAllIndexing();
  }
  if (b.retryAfterHeader !== undefined) ctx.sim.retryAfterHeader = b.retryAfterHeader === true;
  if (b.upsertLockPerSecond !== undefined)
    p.upsertLockPerSecond = b.upsertLockPerSecond === null ? null : Number(b.upsertLockPerSecond);
  // The public app's budget in this account (HubSpot's is 110 per 10 s and 5 searches a second).
  if (b.appRequestsPer10s !== undefined)
    p.appLimiter.settings.requestsPer10s =
      b.appRequestsPer10s === null ? TIERS['public-app'].per10s : Number(b.appRequestsPer10s);
  if (b.appSearchPerSecond !== undefined) p.appLimiter.settings.searchPerSecond = Number(b.appSearchPerSecond);
  if (b.maxUrlLength !== undefined) {
    const n = Number(b.maxUrlLength);
    if (!Number.isInteger(n) || n < 100) throw validation('maxUrlLength must be an integer of at least 100');
    ctx.sim.maxUrlLength = n;
  }
  return ok(configOf(ctx.sim, p));
});
router.add('POST', '/__sim/rate-limits/reset', (ctx) => {
  const all = ctx.query.get('all') === 'true';
  for (const p of all ? ctx.sim.portals.values() : [ctx.portal]) {
    p.limiter.reset();
    p.appLimiter.reset();
  }
  return ok();
});

router.add('POST', '/__sim/seed', (ctx) => ok(seedPortal(ctx.portal.store, asObject(ctx.json()) as SeedOptions)));
router.add('GET', '/__sim/state', (ctx) => {
  const store = ctx.portal.store;
  const types = (ctx.query.get('types')?.split(',').filter(Boolean) ?? Object.keys(OBJECT_TYPES))
    .map((t) => objectTypeFromSegment(t)?.name)
    .filter((t): t is ObjectTypeName => !!t);
  const includeArchived = ctx.query.get('includeArchived') !== 'false';
  const objects: Record<string, unknown[]> = {};
  for (const t of types)
    objects[t] = [...store.of(t).byId.values()].filter((r) => includeArchived || !r.archived).map((r) => renderFull(r));
  const associations = store.associations.all().map((e) => ({
    fromType: e.fromType,
    fromId: String(e.fromId),
    toType: e.toType,
    toId: String(e.toId),
    typeIds: e.typeIds,
  }));
  return ok({
    portalId: store.portalId,
    objects,
    associations,
    owners: store.owners,
    users: store.owners.map((o) => ({ id: String(o.userId), email: o.email })),
  });
});

// A custom object schema, as the schemas API creates one (a user defining it in HubSpot's settings).
router.add('POST', '/__sim/schemas', createSchema);

// A change in the account's user settings: an owner's teams, or the user deactivated (the owner is archived).
router.add('PATCH', '/__sim/owners/:id', (ctx) => {
  const owner = ctx.portal.store.owners.find((o) => o.id === ctx.params.id);
  if (!owner) throw notFound(`Owner ${ctx.params.id} not found`);
  const body = asObject(ctx.json());
  if (body.archived !== undefined) owner.archived = body.archived === true;
  if (body.teams !== undefined) {
    if (!Array.isArray(body.teams)) throw validation('teams must be an array');
    owner.teams = body.teams.map((raw) => {
      const t = asObject(raw);
      return { id: String(t.id), name: String(t.name), primary: t.primary === true };
    });
  }
  owner.updatedAt = Date.now();
  return ok(owner);
});

router.add('GET', '/__sim/objects/:type/:id', (ctx) => {
  const ts = adminType(ctx);
  const id = Number(ctx.params.id);
  const alias = ts.aliases.get(id);
  return ok(renderFull(record(ts, ctx.params.id), alias));
});
router.add('POST', '/__sim/objects/:type', (ctx) => {
  const ts = adminType(ctx);
  const body = asObject(ctx.json());
  return ok(renderFull(ctx.portal.mutator.create(ts.type, stringProps(body.properties), userActor(ctx, body))), 201);
});
router.add('PATCH', '/__sim/objects/:type/:id', (ctx) => {
  const ts = adminType(ctx);
  const body = asObject(ctx.json());
  const rec = record(ts, ctx.params.id);
  ctx.portal.mutator.update(rec, stringProps(body.properties), userActor(ctx, body));
  return ok(renderFull(rec));
});
router.add('DELETE', '/__sim/objects/:type/:id', (ctx) => {
  const ts = adminType(ctx);
  ctx.portal.mutator.archive(record(ts, ctx.params.id), userActor(ctx, {}));
  return ok();
});
router.add('POST', '/__sim/objects/:type/:id/restore', (ctx) => {
  const ts = adminType(ctx);
  const rec = record(ts, ctx.params.id);
  ctx.portal.mutator.restore(rec, userActor(ctx, asObject(ctx.json())));
  return ok(renderFull(rec));
});
router.add('POST', '/__sim/objects/:type/merge', (ctx) => {
  const ts = adminType(ctx);
  const body = asObject(ctx.json());
  const survivor = ctx.portal.mutator.merge(
    record(ts, String(body.primaryObjectId)),
    record(ts, String(body.objectIdToMerge)),
    userActor(ctx, body),
  );
  return ok(renderFull(survivor));
});
router.add('POST', '/__sim/objects/:type/:id/gdpr-delete', (ctx) => {
  const ts = adminType(ctx);
  if (ts.type !== 'contacts') throw validation('GDPR delete is only available for contacts');
  ctx.portal.mutator.gdprDelete(record(ts, ctx.params.id), userActor(ctx, asObject(ctx.json())));
  return ok();
});
router.add('POST', '/__sim/associations', (ctx) => {
  const b = asObject(ctx.json());
  const from = objectTypeFromSegment(String(b.fromType ?? ''));
  const to = objectTypeFromSegment(String(b.toType ?? ''));
  if (!from || !to) throw validation('fromType and toType are required');
  const a = record(ctx.portal.store.of(from.name), String(b.fromId));
  const c = record(ctx.portal.store.of(to.name), String(b.toId));
  return ok({
    ok: true,
    // `labelTypeId`: a user gives the association that custom label (from → to) in HubSpot's UI.
    changed: ctx.portal.mutator.associate(
      a,
      c,
      b.remove === true,
      b.primary === true,
      userActor(ctx, b),
      Date.now(),
      b.labelTypeId === undefined ? undefined : Number(b.labelTypeId),
    ),
  });
});
router.add('POST', '/__sim/objects/:type/:id/last-modified', (ctx) => {
  const ts = adminType(ctx);
  const rec = record(ts, ctx.params.id);
  ctx.portal.store.touch(rec, toMs(asObject(ctx.json()).at), true);
  return ok(renderFull(rec));
});
router.add('POST', '/__sim/last-modified', (ctx) => {
  const b = asObject(ctx.json());
  const info = objectTypeFromSegment(String(b.objectType ?? ''));
  if (!info || !Array.isArray(b.ids)) throw validation('objectType and ids are required');
  const ts = ctx.portal.store.of(info.name);
  const at = toMs(b.at);
  for (const id of b.ids) ctx.portal.store.touch(record(ts, String(id)), at, true);
  return ok({ updated: b.ids.length });
});

router.add('POST', '/__sim/faults', (ctx) => ok({ rules: ctx.sim.faults.add(asObject(ctx.json()).rules) }));
router.add('GET', '/__sim/faults', (ctx) => ok({ rules: ctx.sim.faults.list() }));
router.add('DELETE', '/__sim/faults', (ctx) => {
  ctx.sim.faults.clear();
  return ok();
});

router.add('GET', '/__sim/counters', (ctx) => ok(ctx.sim.metrics.snapshot()));
const resetCounters = (ctx: Ctx): Reply => {
  ctx.sim.metrics.resetCounters();
  return ok();
};
router.add('DELETE', '/__sim/counters', resetCounters);
router.add('POST', '/__sim/counters/reset', resetCounters);
router.add('GET', '/__sim/requests', (ctx) =>
  ok({ requests: ctx.sim.metrics.requests(intParam(ctx.query.get('limit'), 100, 'limit')) }),
);
router.add('DELETE', '/__sim/requests', (ctx) => {
  ctx.sim.metrics.clearRequests();
  return ok();
});

registerAdminWebhookRoutes(router);
registerAdminOAuthRoutes(router);
registerAdminPortalRoutes(router);
