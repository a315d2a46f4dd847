// Admin routes for the app's OAuth: what is installed, the consent page's next answers, uninstalls by an account's
// admin, access-token expiry on demand, and the app's OAuth settings. Token values are never listed.
import { asObject, notFound, type Reply, validation } from './http-util';
import type { OAuthOptions } from './oauth';
import type { Router } from './router';

export function registerAdminOAuthRoutes(router: Router): void {
  const ok = (body: unknown): Reply => ({ status: 200, body });
  const portalOf = (sim: { portals: Map<string, unknown> }, raw: unknown): string => {
    const id = typeof raw === 'number' ? String(raw) : raw;
    if (typeof id !== 'string' || id === '') throw validation('portalId is required');
    if (!sim.portals.has(id)) throw notFound(`unknown portal ${id}`);
    return id;
  };

  router.add('GET', '/__sim/oauth', (ctx) => ok(ctx.sim.oauth.summary()));
  router.add('POST', '/__sim/oauth/config', (ctx) => {
    const b = asObject(ctx.json());
    const out: OAuthOptions = {};
    if (b.clientId !== undefined) {
      if (typeof b.clientId !== 'string' || b.clientId === '') throw validation('clientId must be a non-empty string');
      out.clientId = b.clientId;
    }
    if (b.redirectUris !== undefined) {
      if (
        b.redirectUris !== null &&
        !(Array.isArray(b.redirectUris) && b.redirectUris.every((u) => typeof u === 'string'))
      )
        throw validation('redirectUris must be null or an array of URLs');
      out.redirectUris = b.redirectUris as string[] | null;
    }
    for (const k of ['accessTokenTtlSeconds', 'authCodeTtlSeconds'] as const)
      if (b[k] !== undefined) {
        if (!(typeof b[k] === 'number' && Number.isInteger(b[k]) && (b[k] as number) > 0))
          throw validation(`${k} must be a positive integer`);
        out[k] = b[k] as number;
      }
    if (b.autoApprove !== undefined) {
      if (typeof b.autoApprove !== 'boolean') throw validation('autoApprove must be a boolean');
      out.autoApprove = b.autoApprove;
    }
    ctx.sim.oauth.configure(out);
    return ok(ctx.sim.oauth.summary());
  });
  router.add('POST', '/__sim/oauth/next-install', (ctx) => {
    const b = asObject(ctx.json());
    const portalId = portalOf(ctx.sim, b.portalId);
    if (b.decision !== undefined && b.decision !== 'approve' && b.decision !== 'deny')
      throw validation('decision must be approve or deny');
    try {
      ctx.sim.oauth.queueInstall(portalId, b.decision !== 'deny');
    } catch (err) {
      throw validation((err as Error).message);
    }
    return ok({ queued: ctx.sim.oauth.queuedInstalls() });
  });
  router.add('POST', '/__sim/oauth/uninstall', (ctx) => {
    const portalId = portalOf(ctx.sim, asObject(ctx.json()).portalId);
    return ok({ portalId, ...ctx.sim.oauth.uninstall(portalId) });
  });
  router.add('POST', '/__sim/oauth/expire-tokens', (ctx) => {
    const b = asObject(ctx.json());
    const portalId = b.portalId === undefined ? null : portalOf(ctx.sim, b.portalId);
    return ok({ expired: ctx.sim.oauth.expireAccessTokens(portalId) });
  });
}
