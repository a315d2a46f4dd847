// /metrics moves with real traffic: webhooks accepted and refused, events applied, records pushed, HubSpot calls
// by endpoint and status, 429s by policy, and the sync lag measured from the watermarks at scrape time. The
// same registry is served by the worker's own listener (src/http/metrics-server.ts), scraped here too.
import { createHmac } from 'node:crypto';
import { startMetricsServer, type MetricsServer } from '../../src/http/metrics-server';
import { startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';

jest.setTimeout(120_000);

/** The value of one sample in Prometheus text format (0 when absent), labels matched exactly. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '')
      .split(/,(?=[a-z_]+=)/)
      .filter(Boolean)
      .sort()
      .join(',');
    if (have === wanted) return Number(match[3]);
  }
  return 0;
}

describe('metrics', () => {
  let stack: Stack;
  let worker: MetricsServer;
  const scrape = async (url = `${stack.appUrl}/metrics`) => (await fetch(url)).text();

  beforeAll(async () => {
    stack = await startStack({ env: { PUSH_BATCH_WINDOW_MS: '50' } });
    worker = await startMetricsServer(stack.runtime.metrics, 0, '127.0.0.1');
  });

  afterAll(async () => {
    await worker.close();
    await stack.close();
  });

  it('counts webhooks, applied events, pushes, HubSpot calls and 429s as traffic flows', async () => {
    const before = await scrape();
    const count = (text: string, name: string, labels: Record<string, string>) => sample(text, name, labels);

    // A forged webhook is refused and counted.
    const forged = await fetch(`${stack.appUrl}/webhooks/hubspot`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hubspot-signature-v3': createHmac('sha256', 'not-the-secret').update('x').digest('base64'),
        'x-hubspot-request-timestamp': String(Date.now()),
      },
      body: '[]',
    });
    expect(forged.status).toBe(401);

    // A HubSpot user creates a contact: signed webhook → inbound workflow → fetch from HubSpot → applied.
    const created = await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', {
      properties: { email: `m-${stack.portalId}@metrics.example`, firstname: 'Metric' },
    });
    await waitFor(
      'contact applied',
      async () =>
        (await stack.runtime.prisma.contact.findFirst({
          where: { portalId: stack.portalId, hubspotId: created.id },
        })) ?? undefined,
    );

    // The platform adds a contact; HubSpot answers the first upsert with a 429, the push retries and lands.
    await stack.sim('POST', '/__sim/faults', {
      rules: [{ type: 'rateLimit', match: 'POST /crm/v3/objects/contacts/batch/upsert', times: 1 }],
    });
    const local = await stack.runtime.prisma.contact.create({
      data: { portalId: stack.portalId, email: `p-${stack.portalId}@metrics.example`, firstName: 'Pushed' },
    });
    const posted = await fetch(`${stack.appUrl}/platform/changes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.runtime.config.PLATFORM_API_KEY}` },
      body: JSON.stringify({ changes: [{ objectType: 'contacts', localId: local.id }] }),
    });
    expect(posted.status).toBe(202);
    await waitFor(
      'push landed',
      async () =>
        (await stack.runtime.prisma.contact.findUniqueOrThrow({ where: { id: local.id } })).hubspotId ?? undefined,
    );

    const after = await waitFor('pushed counter', async () => {
      const text = await scrape();
      return count(text, 'hubsync_records_pushed_total', { object_type: 'contacts', result: 'created' }) > 0
        ? text
        : undefined;
    });
    const moved = (name: string, labels: Record<string, string>) =>
      count(after, name, labels) - count(before, name, labels);
    expect(moved('hubsync_webhook_requests_total', { outcome: 'unauthorized' })).toBe(1);
    expect(moved('hubsync_webhook_requests_total', { outcome: 'accepted' })).toBeGreaterThanOrEqual(1);
    expect(moved('hubsync_webhook_events_total', { object_type: 'contacts' })).toBeGreaterThanOrEqual(1);
    expect(
      moved('hubsync_events_applied_total', { object_type: 'contacts', source: 'webhook', result: 'inserted' }),
    ).toBeGreaterThanOrEqual(1);
    expect(moved('hubsync_records_pushed_total', { object_type: 'contacts', result: 'created' })).toBe(1);
    expect(
      moved('hubsync_hubspot_requests_total', {
        method: 'POST',
        endpoint: '/crm/v3/objects/{type}/batch/upsert',
        status: '200',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      moved('hubsync_hubspot_requests_total', {
        method: 'POST',
        endpoint: '/crm/v3/objects/{type}/batch/upsert',
        status: '429',
      }),
    ).toBe(1);
    expect(moved('hubsync_hubspot_rate_limited_total', { policy: 'TEN_SECONDLY_ROLLING' })).toBe(1);

    // The worker's listener serves the same registry.
    const fromWorker = await scrape(worker.url);
    expect(count(fromWorker, 'hubsync_records_pushed_total', { object_type: 'contacts', result: 'created' })).toBe(
      count(after, 'hubsync_records_pushed_total', { object_type: 'contacts', result: 'created' }),
    );
    expect((await fetch(worker.url.replace('/metrics', '/other'))).status).toBe(404);
  });

  it('reports sync lag per object type from the watermark, growing while it stands still', async () => {
    const watermark = new Date(Date.now() - 120_000);
    await stack.runtime.prisma.syncCursor.upsert({
      where: { portalId_objectType: { portalId: stack.portalId, objectType: 'deals' } },
      create: { portalId: stack.portalId, objectType: 'deals', watermark },
      update: { watermark },
    });
    const lag = sample(await scrape(), 'hubsync_sync_lag_seconds', { portal_id: stack.portalId, object_type: 'deals' });
    expect(lag).toBeGreaterThanOrEqual(120);
    expect(lag).toBeLessThan(600);
  });
});
