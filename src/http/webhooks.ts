import type { FastifyPluginAsync } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { publicRequestUri, verifyWebhookSignature } from '../hubspot/webhook-signature';
import type { Metrics } from '../metrics';
import { groupByObject, handOffToWorkflows } from '../temporal/inbound-handoff';
import { parseWebhookBatch } from './webhook-schema';

// POST /webhooks/hubspot: HubSpot's change events. 200 only once every record's workflow has accepted its
// events (then they are durable in Temporal); 503 otherwise, so HubSpot retries the batch — redelivery is
// harmless, the workflows deduplicate. Refusals (401/400) start nothing.

export interface WebhookRoutesOptions {
  config: Config;
  metrics: Metrics;
  temporal: Client;
  /** How long Temporal gets to accept a batch; HubSpot abandons a delivery after 5 s. */
  handoffDeadlineMs?: number;
  /** The clock the signature's 5-minute window is checked against (tests replay requests "later"). */
  now?: () => number;
}

/** 100 events of ~0.5 KB, with room for long text property values (HubSpot allows up to 64 KB each). */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

export const webhookRoutes: FastifyPluginAsync<WebhookRoutesOptions> = async (app, options) => {
  const { config, metrics, temporal } = options;
  const handoff = {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    coalesceMs: config.WEBHOOK_COALESCE_MS,
    idleTimeoutMs: config.WORKFLOW_IDLE_TIMEOUT_MS,
    ourAppId: config.HUBSPOT_APP_ID,
    deadlineMs: options.handoffDeadlineMs ?? 2_000,
  };

  // The signature covers the exact bytes HubSpot sent: keep them, parse JSON only after verifying.
  // This plugin is encapsulated, so the rest of the app keeps Fastify's JSON parser.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));

  app.post('/webhooks/hubspot', { bodyLimit: WEBHOOK_BODY_LIMIT }, async (request, reply) => {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const verdict = verifyWebhookSignature(
      { method: request.method, uri: publicRequestUri(config.HUBSPOT_WEBHOOK_URL, request.url), rawBody, headers: request.headers },
      { version: config.HUBSPOT_WEBHOOK_SIGNATURE_VERSION, clientSecret: config.HUBSPOT_CLIENT_SECRET, now: (options.now ?? Date.now)() },
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
    try {
      await handOffToWorkflows(temporal, groups, handoff);
    } catch (err) {
      metrics.webhooksReceived.inc({ outcome: 'unavailable' });
      request.log.error({ err: (err as Error).message, records: groups.length }, 'webhook not accepted by Temporal: asking HubSpot to retry');
      return reply.code(503).send({ status: 'error', message: 'events not accepted yet; retry later' });
    }
    metrics.webhooksReceived.inc({ outcome: 'accepted' });
    return reply.code(200).send({ status: 'ok', records: groups.length, ignored });
  });
};
