// Events are parked, never dropped: a per-record workflow whose reads HubSpot refuses through every one of its
// bounded rounds parks the events it holds in inbound_parked_events before it fails, `hubsync parked` lists
// them, and `hubsync parked --redrive` hands them back to the record's workflow, which applies them. On the
// real Temporal server (all INBOUND_MAX_ROUNDS rounds run; only their pause is shortened), PostgreSQL and the
// simulator over HTTP.
import { WorkflowFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { HubSpotWebhookEvent } from '../../src/sync/events';
import { inboundObjectWorkflowId } from '../../src/workflow-safe/ids';
import { INBOUND_MAX_ROUNDS } from '../../src/workflow-safe/limits';
import { PARK_EXHAUSTED } from '../../src/workflow-safe/patches';
import { hubspotEventsSignal, inboundObjectWorkflow } from '../../workflows/inbound/inbound-object';
import { runHubsync, stackEnv } from '../cli/spawn-cli';
import { startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';
import { creationThenEdit } from './helpers';

jest.setTimeout(240_000);

describe('a record whose rounds run out', () => {
  let stack: Stack;
  beforeAll(async () => {
    // Rounds come faster than a lone record's reads normally do: keep them from counting as a bulk stream, whose
    // batches wait up to RECORD_FETCH_MAX_WAIT_MS to fill.
    stack = await startStack({ withApp: false, env: { RECORD_FETCH_BULK_ASKS: '1000' } });
  });
  afterAll(async () => stack?.close());

  it('parks its events, lists them, and applies them when redriven', async () => {
    const db = stack.runtime.prisma;
    const contact = await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', {
      properties: { firstname: 'Dorothy', lastname: 'Vaughan', email: `dv-${stack.portalId}@example.com` },
    });
    // Every round's read refused for good (400: non-retryable, so each refusal ends a round at once).
    await stack.sim('POST', '/__sim/faults', {
      rules: [
        { type: 'error', status: 400, match: 'POST /crm/v3/objects/contacts/batch/read', times: INBOUND_MAX_ROUNDS },
      ],
    });
    const [creation, edit] = creationThenEdit(stack.portalId, contact.id, 'Supervisor');
    const workflowId = inboundObjectWorkflowId(stack.portalId, 'contacts', contact.id);
    const handle = await stack.temporal.workflow.signalWithStart(inboundObjectWorkflow, {
      workflowId,
      taskQueue: stack.runtime.config.TEMPORAL_TASK_QUEUE,
      args: [
        {
          portalId: stack.portalId,
          objectType: 'contacts',
          objectId: contact.id,
          coalesceMs: 0,
          idleTimeoutMs: 1_000,
          roundPauseMs: 10,
        },
      ],
      signal: hubspotEventsSignal,
      signalArgs: [[creation, edit]],
    });

    const failure = await handle.result().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(String((failure as WorkflowFailedError).cause?.message)).toMatch(
      new RegExp(`^${INBOUND_MAX_ROUNDS} rounds failed, 2 events parked`),
    );
    const history = await handle.fetchHistory();
    const failedReads = (history.events ?? []).filter((e) => e.activityTaskFailedEventAttributes).length;
    expect(failedReads).toBe(INBOUND_MAX_ROUNDS);

    const rows = await db.inboundParkedEvent.findMany({ where: { portalId: stack.portalId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ objectType: 'contacts', objectId: contact.id, redrivenAt: null });
    expect(rows[0]?.events).toEqual([creation, edit]);
    expect(rows[0]?.lastError).toMatch(/400/);
    expect(rows[0]?.lastError).not.toContain(stack.runtime.config.HUBSPOT_ACCESS_TOKEN);

    // The patched path replays against the current code (the committed histories hold one too).
    const patches = (history.events ?? []).flatMap((e) =>
      e.markerRecordedEventAttributes ? [bytesIn(e.markerRecordedEventAttributes.details).join(' ')] : [],
    );
    expect(patches).toHaveLength(2); // inbound-keep-events-on-failure at the first failed round, then this one
    expect(patches[1]).toContain(PARK_EXHAUSTED);
    await Worker.runReplayHistory(
      { workflowsPath: require.resolve('../../workflows'), replayName: 'parked-events-replay' },
      history,
      workflowId,
    );

    const env = stackEnv(stack);
    const listed = await runHubsync(env, 'parked', '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.out)).toMatchObject([{ objectType: 'contacts', objectId: contact.id, eventCount: 2 }]);
    const status = await runHubsync(env, 'status', '--check');
    expect(status.code).toBe(1);
    expect(status.out).toContain('parked webhook events: 2 of 1 records');

    const redrive = await runHubsync(env, 'parked', '--redrive');
    expect(redrive).toMatchObject({ code: 0, out: 'redriven 1 parked rows\n' });
    await waitFor('the redriven events applied', async () => {
      const row = await db.contact.findUnique({
        where: { portalId_hubspotId: { portalId: stack.portalId, hubspotId: contact.id } },
      });
      return row?.jobTitle === 'Supervisor' && row.firstName === 'Dorothy';
    });
    expect(await db.inboundParkedEvent.count({ where: { portalId: stack.portalId, redrivenAt: null } })).toBe(0);
    expect((await runHubsync(env, 'parked')).out).toBe('no parked webhook events\n');
  });

  it("parks a custom object record's events the same way, and redrive stores the record", async () => {
    const db = stack.runtime.prisma;
    const car = await stack.sim<{ objectTypeId: `2-${string}` }>('POST', '/__sim/schemas', {
      name: 'car',
      labels: { singular: 'Car', plural: 'Cars' },
      properties: [{ name: 'vin', label: 'VIN', type: 'string', fieldType: 'text' }],
      associatedObjects: ['CONTACT'],
    });
    const record = await stack.sim<{ id: string }>('POST', `/__sim/objects/${car.objectTypeId}`, {
      properties: { vin: 'VIN-42' },
    });
    await stack.sim('POST', '/__sim/faults', {
      rules: [
        {
          type: 'error',
          status: 400,
          match: `POST /crm/v3/objects/${car.objectTypeId}/batch/read`,
          times: INBOUND_MAX_ROUNDS,
        },
      ],
    });
    const edit = {
      eventId: 3,
      subscriptionId: 1,
      portalId: Number(stack.portalId),
      appId: 1,
      occurredAt: Date.now(),
      subscriptionType: 'object.propertyChange',
      objectTypeId: car.objectTypeId,
      attemptNumber: 0,
      objectId: Number(record.id),
      propertyName: 'vin',
      propertyValue: 'VIN-42',
      changeSource: 'CRM_UI',
    } as HubSpotWebhookEvent;
    const handle = await stack.temporal.workflow.signalWithStart(inboundObjectWorkflow, {
      workflowId: inboundObjectWorkflowId(stack.portalId, car.objectTypeId, record.id),
      taskQueue: stack.runtime.config.TEMPORAL_TASK_QUEUE,
      args: [
        {
          portalId: stack.portalId,
          objectType: car.objectTypeId,
          objectId: record.id,
          coalesceMs: 0,
          idleTimeoutMs: 1_000,
          roundPauseMs: 10,
        },
      ],
      signal: hubspotEventsSignal,
      signalArgs: [[edit]],
    });
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const rows = await db.inboundParkedEvent.findMany({ where: { portalId: stack.portalId, redrivenAt: null } });
    expect(rows.map((r) => [r.objectType, r.objectId, r.events])).toEqual([[car.objectTypeId, record.id, [edit]]]);

    expect(await runHubsync(stackEnv(stack), 'parked', '--redrive')).toMatchObject({ code: 0 });
    await waitFor('the redriven record stored', async () => {
      const stored = await db.customObjectRecord.findFirst({
        where: { portalId: stack.portalId, objectTypeId: car.objectTypeId, hubspotId: record.id },
      });
      return (stored?.properties as Record<string, unknown> | undefined)?.vin === 'VIN-42';
    });
  });
});

/** The text of every byte array inside a marker's details (the patch id is a JSON payload there). */
function bytesIn(value: unknown): string[] {
  if (value instanceof Uint8Array) return [Buffer.from(value).toString('utf8')];
  if (value && typeof value === 'object') return Object.values(value).flatMap(bytesIn);
  return [];
}
