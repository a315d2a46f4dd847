// Admin routes for HubSpot accounts: add one while running (benchmarks and the demo add many), list them with what
// each has spent of its budgets. Every account has its own records, owners, limits and webhook stream.
import { asObject, type Reply, validation } from './http-util';
import { TIERS, type RateLimiter, type Tier } from './rate-limit';
import type { Router } from './router';
import { seedPortal, type SeedOptions } from './seed';
import type { PortalRuntime, SimState } from './state';

function limiterView(l: RateLimiter): Record<string, unknown> {
  return {
    tier: l.settings.tier,
    requestsPer10s: Number.isFinite(l.settings.requestsPer10s) ? l.settings.requestsPer10s : null,
    searchPerSecond: l.settings.searchPerSecond,
    admitted: l.admitted,
    peakPer10s: l.peakPer10s,
    refused: { ...l.refused },
  };
}

export function portalView(sim: SimState, p: PortalRuntime): Record<string, unknown> {
  const install = sim.oauth.installs.get(p.portalId);
  return {
    portalId: p.portalId,
    privateApp: p.token !== undefined,
    installed: install !== undefined,
    scopes: install?.scopes ?? [],
    records: p.store.recordCount(),
    owners: p.store.owners.length,
    privateAppLimits: limiterView(p.limiter),
    publicAppLimits: limiterView(p.appLimiter),
  };
}

export function registerAdminPortalRoutes(router: Router): void {
  const ok = (body: unknown, status = 200): Reply => ({ status, body });
  router.add('GET', '/__sim/portals', (ctx) =>
    ok({ portals: [...ctx.sim.portals.values()].map((p) => portalView(ctx.sim, p)) }),
  );
  router.add('POST', '/__sim/portals', (ctx) => {
    const b = asObject(ctx.json());
    const portalId = typeof b.portalId === 'number' ? String(b.portalId) : b.portalId;
    if (typeof portalId !== 'string' || !/^\d{1,12}$/.test(portalId)) throw validation('portalId must be digits');
    if (b.token !== undefined && (typeof b.token !== 'string' || b.token === ''))
      throw validation('token must be a non-empty string');
    if (b.tier !== undefined && !(String(b.tier) in TIERS))
      throw validation(`tier must be one of ${Object.keys(TIERS).join(', ')}`);
    for (const k of ['requestsPer10s', 'dailyLimit'])
      if (b[k] !== undefined && !(typeof b[k] === 'number' && (b[k] as number) > 0))
        throw validation(`${k} must be a positive number`);
    let runtime: PortalRuntime;
    try {
      runtime = ctx.sim.addPortal({
        portalId,
        token: b.token as string | undefined,
        tier: b.tier as Tier | undefined,
        requestsPer10s: b.requestsPer10s as number | undefined,
        dailyLimit: b.dailyLimit as number | undefined,
        timeZone: typeof b.timeZone === 'string' ? b.timeZone : undefined,
      });
    } catch (err) {
      throw validation((err as Error).message);
    }
    const seeded =
      b.seed === undefined ? undefined : seedPortal(runtime.store, asObject(b.seed, 'seed') as SeedOptions);
    return ok({ ...portalView(ctx.sim, runtime), seeded: seeded?.counts }, 201);
  });
}
