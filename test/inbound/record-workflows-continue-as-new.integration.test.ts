// The long-lived workflows continue as new before their history grows large. A low history limit makes them do
// it every few applies here, on the real Temporal server: nothing pending is lost across the hand-over, events
// already seen stay deduplicated, and counts carry on.
import { randomInt } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { pushStartOptions } from '../../src/outbound/notify';
import type { HubSpotWebhookEvent } from '../../src/sync/events';
import { inboundObjectWorkflowId, pushWorkflowId } from '../../src/workflow-safe/ids';
import { hubspotEventsSignal, inboundObjectWorkflow } from '../../workflows/inbound/inbound-object';
import { localChangesSignal, pushStatusQuery, pushWorkflow } from '../../workflows/outbound/push';
import { simContacts } from '../outbound/helpers';
import { startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';

jest.setTimeout(180_000);

const HISTORY_LIMIT = 40;

/** Runs of one workflow id, oldest first, with how each ended. */
async function runsOf(temporal: Client, workflowId: string): Promise<string[]> {
  const statuses: Array<{ start: number; status: string }> = [];
  for await (const run of temporal.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
    statuses.push({ start: run.startTime.getTime(), status: run.status.name });
  return statuses.sort((a, b) => a.start - b.start).map((r) => r.status);
}

describe('continue-as-new of the per-record and push workflows', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      env: { WEBHOOK_COALESCE_MS: '0', WORKFLOW_IDLE_TIMEOUT_MS: '2000', PUSH_BATCH_WINDOW_MS: '50' },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('the inbound workflow carries pending events, seen event ids and its apply count into each new run', async () => {
    const objectId = String(randomInt(900_000_000, 999_999_999));
    const workflowId = inboundObjectWorkflowId(stack.portalId, 'contacts', objectId);
    const row = () =>
      stack.runtime.prisma.contact.findUnique({
        where: { portalId_hubspotId: { portalId: stack.portalId, hubspotId: objectId } },
      });
    const at = Date.now();
    const change = (n: number, value: string): HubSpotWebhookEvent =>
      ({
        eventId: 1_000 + n,
        subscriptionId: 1,
        portalId: Number(stack.portalId),
        appId: 1,
        occurredAt: at + n,
        subscriptionType: 'contact.propertyChange',
        attemptNumber: 0,
        objectId: Number(objectId),
        propertyName: 'firstname',
        propertyValue: value,
        changeSource: 'CRM_UI',
      }) as HubSpotWebhookEvent;
    const config = stack.runtime.config;
    const signal = (events: HubSpotWebhookEvent[]) =>
      stack.temporal.workflow.signalWithStart(inboundObjectWorkflow, {
        workflowId,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        args: [
          {
            portalId: stack.portalId,
            objectType: 'contacts',
            objectId,
            coalesceMs: 0,
            idleTimeoutMs: 2_000,
            historyLimit: HISTORY_LIMIT,
          },
        ],
        signal: hubspotEventsSignal,
        signalArgs: [events],
      });

    // One apply per event, each waited for: the history passes the limit every few applies.
    const sent: HubSpotWebhookEvent[] = [];
    for (let n = 0; n < 12; n++) {
      sent.push(change(n, `v${n}`));
      await signal([sent[n]!]);
      await waitFor(`apply ${n}`, async () => (await row())?.firstName === `v${n}` || undefined, 20_000, 50);
    }
    // HubSpot redelivers events already applied (one from an earlier run): neither is applied again.
    await signal([sent[11]!, sent[3]!]);
    const result = await stack.temporal.workflow.getHandle(workflowId).result();
    expect(result).toEqual({ applies: 12 });
    expect((await row())?.firstName).toBe('v11');
    const runs = await runsOf(stack.temporal, workflowId);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.slice(0, -1).every((status) => status === 'CONTINUED_AS_NEW')).toBe(true);
    expect(runs.at(-1)).toBe('COMPLETED');

    // A burst sent without waiting crosses hand-overs mid-flight: the newest value still wins.
    const burst = Array.from({ length: 15 }, (_, i) => change(100 + i, `burst-${i}`));
    for (const event of burst) await signal([event]);
    await waitFor('the burst applied', async () => (await row())?.firstName === 'burst-14' || undefined, 30_000, 50);
  });

  it('the push workflow carries reported changes and its summary into each new run, and pushes everything once', async () => {
    const options = pushStartOptions(stack.runtime.config);
    const workflowId = pushWorkflowId(stack.portalId, 'contacts');
    const created = [];
    for (let i = 0; i < 10; i++) {
      created.push(
        await stack.runtime.prisma.contact.create({
          data: { portalId: stack.portalId, email: `can-${i}-${stack.portalId}@example.com`, firstName: `Can${i}` },
        }),
      );
    }
    const report = (localId: string) =>
      stack.temporal.workflow.signalWithStart(pushWorkflow, {
        workflowId,
        taskQueue: options.taskQueue,
        args: [
          {
            portalId: stack.portalId,
            objectType: 'contacts',
            hubspotTaskQueue: options.hubspotTaskQueue,
            batchWindowMs: 50,
            idleTimeoutMs: 5_000,
            historyLimit: HISTORY_LIMIT,
          },
        ],
        signal: localChangesSignal,
        signalArgs: [[{ localId }]],
      });
    for (const contact of created) {
      await report(contact.id);
      await waitFor(
        `push of ${contact.email}`,
        async () =>
          (await stack.runtime.prisma.contact.findUnique({ where: { id: contact.id } }))?.hubspotId ?? undefined,
        20_000,
        50,
      );
    }
    const status = await stack.temporal.workflow.getHandle(workflowId).query(pushStatusQuery);
    // The summary spans every run: ten reports, ten creations, nothing pending.
    expect(status).toMatchObject({ received: 10, created: 10, failed: 0, pending: 0 });
    const runs = await runsOf(stack.temporal, workflowId);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.slice(0, -1).every((s) => s === 'CONTINUED_AS_NEW')).toBe(true);

    const emails = (await simContacts(stack)).map((r) => r.properties.email).filter((e) => e?.startsWith('can-'));
    expect(emails.sort()).toEqual(created.map((c) => c.email).sort());
  });
});
