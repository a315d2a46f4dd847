import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config';
import { publicRequestUri, verifyWebhookSignature } from '../hubspot/webhook-signature';
import type { Metrics } from '../metrics';
import { groupByObject } from './handoff';
import type { WebhookDispatcher } from './webhook-dispatcher';
import { parseWebhookBatch } from './webhook-schema';

// POST /webhooks/hubspot: HubSpot's change events. 200 once the verified batch is committed to the webhook
// inbox, from which the dispatcher hands every record's events to its workflow; 503 while Temporal is known to
// be down or PostgreSQL does not take the batch, so HubSpot retries it — redelivery is harmless, the workflows
// deduplicate. Refusals (401/400) store and start nothing.

export interface WebhookRoutesOptions {
  config: Config;
  metrics: Metrics;
  dispatcher: WebhookDispatcher;
  /** The clock the signature's 5-minute window is checked against (tests replay requests "later"). */
  now?: () => number;
}

/** 100 events of ~0.5 KB, with room for long text property values (HubSpot allows up to 64 KB each). */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

export const webhookRoutes: FastifyPluginAsync<WebhookRoutesOptions> = async (app, options) => {
  const { config, metrics, dispatcher } = options;

  // The signature covers the exact bytes HubSpot sent: keep them, parse JSON only after verifying.
  // This plugin is encapsulated, so the rest of the app keeps Fastify's JSON parser.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) =>
    done(null, body),
  );

  app.post('/webhooks/hubspot', { bodyLimit: WEBHOOK_BODY_LIMIT }, async (request, reply) => {
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
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      metrics.webhooksReceived.inc({ outcome: 'invalid' });
      return reply.code(400).send({ status: 'error', message: 'body is not valid JSON' });
    }
    const parsed = parseWebhookBatch(body);
    if (!parsed.ok) {
      metrics.webhooksReceived.inc({ outcome: 'invalid' });
      request.log.warn({ problem: parsed.message }, 'webhook refused: schema');
      return reply.code(400).send({ status: 'error', message: parsed.message });
    }

    const { groups, ignored } = groupByObject(parsed.events);
    for (const group of groups) metrics.webhookEvents.inc({ object_type: group.objectType }, group.events.length);
    if (ignored > 0) metrics.webhookEvents.inc({ object_type: 'unsynced' }, ignored);
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
      try {
        await dispatcher.accept(groups);
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
    metrics.webhooksReceived.inc({ outcome: 'accepted' });
    return reply.code(200).send({ status: 'ok', records: groups.length, ignored });
  });
};
