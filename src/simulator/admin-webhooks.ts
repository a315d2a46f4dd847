// Admin routes for webhook subscriptions and delivery status.
import { asObject, intParam, type Reply, validation } from './http-util';
import type { Router } from './router';
import type { WebhookSubscriptionOptions } from './webhooks';

export function registerAdminWebhookRoutes(router: Router): void {
  const ok = (body: unknown): Reply => ({ status: 200, body });
  router.add('GET', '/__sim/webhooks/config', (ctx) => ok(ctx.sim.webhooks.publicConfig()));
  router.add('POST', '/__sim/webhooks/config', (ctx) => {
    const body = asObject(ctx.json());
    if (
      body.subscriptionFormat !== undefined &&
      body.subscriptionFormat !== 'legacy' &&
      body.subscriptionFormat !== 'generic'
    )
      throw validation('subscriptionFormat must be legacy or generic');
    const every = body.foreignEventsEvery;
    if (every !== undefined && !(Number.isInteger(every) && (every as number) >= 0))
      throw validation('foreignEventsEvery must be a non-negative integer');
    ctx.sim.webhooks.configure(body as WebhookSubscriptionOptions);
    return ok(ctx.sim.webhooks.publicConfig());
  });
  router.add('GET', '/__sim/webhooks/status', (ctx) => ok(ctx.sim.webhooks.status()));
  router.add('GET', '/__sim/webhooks/deliveries', (ctx) =>
    ok({
      deliveries: ctx.sim.webhooks.deliveryLog(
        intParam(ctx.query.get('limit'), 100, 'limit'),
        ctx.query.get('portalId') ?? undefined,
      ),
    }),
  );
  router.add('GET', '/__sim/webhooks/events', (ctx) =>
    ok({
      events: ctx.sim.webhooks.events(
        intParam(ctx.query.get('limit'), 1000, 'limit'),
        ctx.query.get('portalId') ?? undefined,
      ),
    }),
  );
  router.add('POST', '/__sim/webhooks/inject', (ctx) => {
    const events = asObject(ctx.json()).events;
    if (!Array.isArray(events) || events.some((e) => !e || typeof e !== 'object' || Array.isArray(e)))
      throw validation('events must be an array of objects');
    const typed = events as Array<Record<string, unknown>>;
    if (typed.some((e) => typeof e.subscriptionType !== 'string'))
      throw validation('every injected event needs a subscriptionType');
    return ok({ queued: ctx.sim.webhooks.inject(ctx.portal.portalId, typed) });
  });
  router.add('POST', '/__sim/webhooks/drain', async (ctx) => {
    const body = asObject(ctx.json());
    const drained = await ctx.sim.webhooks.drain(typeof body.timeoutMs === 'number' ? body.timeoutMs : 10_000);
    return ok({ drained, ...ctx.sim.webhooks.status() });
  });
}
