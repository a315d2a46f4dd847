import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { RequestInfo } from './hubspot';

export type InstallationSource = () => Promise<Array<{ portalId: string; state: string }>>;

export type WatermarkSource = () => Promise<Array<{ portalId: string; objectType: string; watermark: Date }>>;

/** hubsync's Prometheus metrics; one instance per process, exposed at /metrics by the API server and
 * by the worker's listener (WORKER_METRICS_PORT, src/http/metrics-server.ts). */
export function createMetrics() {
  let watermarks: WatermarkSource | undefined;
  let installations: InstallationSource | undefined;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hubsync_process_' });
  const metrics = {
    registry,
    webhooksReceived: new Counter({
      name: 'hubsync_webhook_requests_total',
      help: 'Webhook requests accepted',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    webhookEvents: new Counter({
      name: 'hubsync_webhook_events_total',
      help: 'Webhook events accepted, by object type',
      labelNames: ['object_type'],
      registers: [registry],
    }),
    webhookEventsRefused: new Counter({
      name: 'hubsync_webhook_events_refused_total',
      help: 'Webhook events refused one by one (kept in webhook_dead_letters), by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    webhookHandoffs: new Counter({
      name: 'hubsync_webhook_handoffs_total',
      help: 'Stored webhook batches handed to Temporal, or kept for a retry',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    webhookHandoffsPending: new Gauge({
      name: 'hubsync_webhook_handoffs_pending',
      help: 'Stored webhook batches this server is handing to Temporal',
      registers: [registry],
    }),
    webhookInboxBatches: new Gauge({
      name: 'hubsync_webhook_inbox_batches',
      help: 'Webhook batches acknowledged to HubSpot but not yet handed to Temporal',
      registers: [registry],
    }),
    webhookInboxOldestSeconds: new Gauge({
      name: 'hubsync_webhook_inbox_oldest_seconds',
      help: 'Age of the oldest webhook batch waiting in the inbox',
      registers: [registry],
    }),
    webhookInboxDeadLettered: new Gauge({
      name: 'hubsync_webhook_inbox_dead_lettered',
      help: 'Webhook inbox batches Temporal refused WEBHOOK_INBOX_MAX_ATTEMPTS times, set aside',
      registers: [registry],
    }),
    eventsApplied: new Counter({
      name: 'hubsync_events_applied_total',
      help: 'HubSpot changes applied to the platform database',
      labelNames: ['object_type', 'source', 'result'],
      registers: [registry],
    }),
    recordsPushed: new Counter({
      name: 'hubsync_records_pushed_total',
      help: 'Platform records written to HubSpot',
      labelNames: ['object_type', 'result'],
      registers: [registry],
    }),
    hubspotCalls: new Counter({
      name: 'hubsync_hubspot_requests_total',
      help: 'HubSpot API requests',
      labelNames: ['method', 'endpoint', 'status'],
      registers: [registry],
    }),
    hubspotRateLimited: new Counter({
      name: 'hubsync_hubspot_rate_limited_total',
      help: 'HubSpot 429 answers by policy',
      labelNames: ['policy'],
      registers: [registry],
    }),
    massArchiveRefused: new Counter({
      name: 'hubsync_mass_archive_refused_total',
      help: 'Link-check pages whose archives the mass-archive guard refused (nothing archived; see hubsync status)',
      labelNames: ['object_type'],
      registers: [registry],
    }),
    inboundEventsParked: new Counter({
      name: 'hubsync_inbound_events_parked_total',
      help: 'Webhook events a record workflow still held when its rounds ran out, kept in inbound_parked_events (see hubsync parked)',
      labelNames: ['object_type'],
      registers: [registry],
    }),
    syncLagSeconds: new Gauge({
      name: 'hubsync_sync_lag_seconds',
      help: 'Age of the incremental sync watermark',
      labelNames: ['portal_id', 'object_type'],
      registers: [registry],
      // Measured at scrape time from the watermarks (shared by every process), so the lag keeps growing
      // when syncs stop advancing it, which is what an alert needs to see.
      async collect() {
        if (!watermarks) return;
        const now = Date.now();
        for (const w of await watermarks().catch(() => []))
          this.set(
            { portal_id: w.portalId, object_type: w.objectType },
            Math.max(0, (now - w.watermark.getTime()) / 1000),
          );
      },
    }),
    tokenRefreshes: new Counter({
      name: 'hubsync_token_refreshes_total',
      help: 'OAuth access-token refreshes of public-app installations: refreshed, refused (installation broken), failed (HubSpot unavailable)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    installations: new Gauge({
      name: 'hubsync_installations',
      help: 'Public-app installations by state (1 per portal): active, paused, broken, uninstalled',
      labelNames: ['portal_id', 'state'],
      registers: [registry],
      async collect() {
        if (!installations) return;
        this.reset();
        for (const i of await installations().catch(() => [])) this.set({ portal_id: i.portalId, state: i.state }, 1);
      },
    }),
    /** Where the installations gauge reads the table at scrape time (public-app mode). */
    measureInstallationsFrom(source: InstallationSource): void {
      installations = source;
    },
    /** Where the sync lag gauge reads watermarks at scrape time (the runtime passes the sync_cursors table). */
    measureSyncLagFrom(source: WatermarkSource): void {
      watermarks = source;
    },
    /** Feed for the HubSpot client's onRequest hook. */
    recordHubSpotRequest(info: RequestInfo): void {
      metrics.hubspotCalls.inc({ method: info.method, endpoint: info.endpoint, status: String(info.status) });
      if (info.status === 429) metrics.hubspotRateLimited.inc({ policy: info.policy ?? 'UNKNOWN' });
    },
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
