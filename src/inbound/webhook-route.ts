import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config';
import { publicRequestUri, verifyWebhookSignature } from '../hubspot/webhook-signature';
import type { Metrics } from '../metrics';
import { EVENT_TEXT_LIMIT, type DeadLetter } from '../store/webhook-dead-letters';
import { groupByObject } from './handoff';
import type { WebhookDispatcher } from './webhook-dispatcher';
import { parseWebhookBatch, webhookBatchSchema, type RefusedEvent } from './webhook-schema';
import { z } from 'zod';
import { documentedOnly, openApiSchema } from '../http/openapi';

// POST /webhooks/hubspot: HubSpot's change events. The request is judged as a whole (signature, size, a JSON
// array of events: otherwise 401/413/400, storing and starting nothing), then each event alone: the valid ones
// are committed to the webhook inbox, from which the dispatcher hands every record's events to its workflow;
// the refused ones (a type hubsync does not sync, a missing field, an id beyond 2^53, a portal not served
// here) go to the dead-letter table in the same commit, and the answer is 200. 503 while Temporal is known to
// be down or PostgreSQL does not take the batch, so HubSpot retries it — redelivery is harmless, the workflows
// deduplicate.

export interface WebhookRoutesOptions {
  config: Config;
  metrics: Metrics;
  dispatcher: WebhookDispatcher;
  /** The clock the signature's 5-minute window is checked against (tests replay requests "later"). */
  now?: () => number;
  /**
   * The portals whose events are taken (public-app mode: the active and paused installations, re-read every
   * INSTALLATIONS_CACHE_MS); others' events are refused one by one as unknown_portal, counted, never fetched.
   */
  servedPortals?: () => Promise<Set<string>>;
}

/**
 * 100 events each carrying a 64 KB property value (HubSpot's longest text value) is 6.4 MB of values; JSON
 * escaping can double a value's bytes, so 16 MB, beyond which a request is not HubSpot's.
 */
export const WEBHOOK_BODY_LIMIT = 16 * 1024 * 1024;

/** JSON is UTF-8 (RFC 8259): bytes that are not are an unparseable request, never replaced by U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export const webhookRoutes: FastifyPluginAsync<WebhookRoutesOptions> = async (app, options) => {
  const { config, metrics, dispatcher } = options;
  const servedPortals = options.servedPortals ?? (() => Promise.resolve(new Set([config.HUBSPOT_PORTAL_ID])));

  // The signature covers the exact bytes HubSpot sent: keep them, parse JSON only after verifying.
  // This plugin is encapsulated, so the rest of the app keeps Fastify's JSON parser.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) =>
    done(null, body),
  );

  const answer = z.object({
    status: z.string(),
    records: z.number().int().optional(),
    refused: z.number().int().optional(),
    message: z.string().optional(),
  });
  app.post(
    '/webhooks/hubspot',
    {
      bodyLimit: WEBHOOK_BODY_LIMIT,
      ...documentedOnly({
        summary: "HubSpot's webhook events, signed (X-HubSpot-Signature-v3 / v2 / v1); 200 once stored",
        headers: {
          type: 'object',
          properties: {
            'x-hubspot-signature-v3': { type: 'string' },
            'x-hubspot-request-timestamp': { type: 'string' },
            'x-hubspot-signature': { type: 'string' },
            'x-hubspot-signature-version': { type: 'string' },
          },
        },
        body: openApiSchema(webhookBatchSchema),
        response: Object.fromEntries([200, 400, 401, 413, 503].map((code) => [code, openApiSchema(answer)])),
      }),
    },
    async (request, reply) => {
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const verdict = verifyWebhookSignature(
        {
          method: request.method,
          uri: publicRequestUri(config.HUBSPOT_WEBHOOK_URL, request.url),
          rawBody,
          headers: request.headers,
        },
        {
          version: config.HUBSPOT_WEBHOOK_SIGNATURE_VERSION,
          clientSecret: config.HUBSPOT_CLIENT_SECRET,
          now: (options.now ?? Date.now)(),
        },
      );
      if (!verdict.valid) {
        metrics.webhooksReceived.inc({ outcome: 'unauthorized' });
        request.log.warn({ reason: verdict.reason }, 'webhook refused: signature');
        return reply.code(401).send({ status: 'error', message: `webhook signature rejected: ${verdict.reason}` });
      }

      let body: unknown;
      try {
        body = JSON.parse(UTF8.decode(rawBody));
      } catch {
        metrics.webhooksReceived.inc({ outcome: 'invalid' });
        return reply.code(400).send({ status: 'error', message: 'body is not valid UTF-8 JSON' });
      }
      let served: Set<string>;
      try {
        served = await servedPortals();
      } catch (err) {
        metrics.webhooksReceived.inc({ outcome: 'unavailable' });
        request.log.error({ err: (err as Error).message }, 'webhook not accepted: installations not readable');
        return reply
          .code(503)
          .send({ status: 'error', message: 'events not accepted: storage is unavailable; retry later' });
      }
      const parsed = parseWebhookBatch(body, { servedPortals: served });
      if (!parsed.ok) {
        metrics.webhooksReceived.inc({ outcome: 'invalid' });
        request.log.warn({ problem: parsed.message }, 'webhook refused: schema');
        return reply.code(400).send({ status: 'error', message: parsed.message });
      }

      const { groups } = groupByObject(parsed.events);
      const deadLetters = parsed.refused.map(toDeadLetter);
      if (groups.length > 0) {
        if (!(await dispatcher.temporalAvailable())) {
          metrics.webhooksReceived.inc({ outcome: 'unavailable' });
          request.log.warn(
            { records: groups.length },
            'webhook not accepted: Temporal unavailable, asking HubSpot to retry',
          );
          return reply
            .code(503)
            .send({ status: 'error', message: 'events not accepted: Temporal is unavailable; retry later' });
        }
      }
      if (groups.length > 0 || deadLetters.length > 0) {
        try {
          await dispatcher.accept(groups, deadLetters);
        } catch (err) {
          metrics.webhooksReceived.inc({ outcome: 'unavailable' });
          request.log.error(
            { err: (err as Error).message, records: groups.length },
            'webhook not accepted: the inbox did not store it, asking HubSpot to retry',
          );
          return reply
            .code(503)
            .send({ status: 'error', message: 'events not accepted: storage is unavailable; retry later' });
        }
      }
      for (const group of groups) metrics.webhookEvents.inc({ object_type: group.objectType }, group.events.length);
      for (const refusal of parsed.refused) metrics.webhookEventsRefused.inc({ reason: refusal.reason });
      if (parsed.refused.length > 0)
        request.log.info(
          { refused: parsed.refused.map((r) => ({ reason: r.reason, message: r.message })).slice(0, 10) },
          'webhook events refused one by one and kept as dead letters',
        );
      metrics.webhooksReceived.inc({ outcome: 'accepted' });
      const records = new Set(groups.map((g) => `${g.objectType}:${g.objectId}`)).size;
      return reply.code(200).send({ status: 'ok', records, refused: parsed.refused.length });
    },
  );
};

function idText(value: unknown): string | undefined {
  return typeof value === 'number' || typeof value === 'string' ? String(value) : undefined;
}

function eventText(event: unknown): string {
  try {
    return JSON.stringify(event).slice(0, EVENT_TEXT_LIMIT);
  } catch {
    return '(not serialisable: nested too deeply)';
  }
}

function toDeadLetter(refusal: RefusedEvent): DeadLetter {
  const raw = (typeof refusal.event === 'object' && refusal.event !== null ? refusal.event : {}) as Record<
    string,
    unknown
  >;
  const subscriptionType = typeof raw.subscriptionType === 'string' ? raw.subscriptionType.slice(0, 200) : undefined;
  const portalId = idText(raw.portalId);
  const eventId = idText(raw.eventId);
  const objectId = idText(raw.objectId ?? raw.fromObjectId);
  return {
    reason: refusal.reason,
    message: refusal.message,
    event: eventText(refusal.event),
    ...(portalId ? { portalId } : {}),
    ...(subscriptionType ? { subscriptionType } : {}),
    ...(eventId ? { eventId } : {}),
    ...(objectId ? { objectId } : {}),
  };
}
