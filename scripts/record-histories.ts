// Records one event history of every workflow type hubsync runs (workflows/index.ts), by running each against
// the real stack: the Temporal dev server, PostgreSQL and the HubSpot simulator over HTTP, with the worker's own
// activities. The histories land in test/workflows/histories/, where the replay test
// (test/workflows/replay.integration.test.ts) replays them against the current workflow code.
//
//   TEMPORAL_PORT=7305 DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hubsync_x npx tsx scripts/record-histories.ts
//
// (after `bash scripts/db-migrate.sh` and `bash scripts/temporal-server.sh start` with the same environment).
// When to re-record, and when a change needs patched() instead: test/workflows/histories/README.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { retentionInput } from '../src/scheduled/retention-schedule';
import { startManualSync } from '../src/scheduled/start-sync';
import { startOutboxRelay } from '../src/outbound/start-outbox-relay';
import { pushStartOptions } from '../src/outbound/notify';
import { notifyAssociationChanges } from '../src/outbound/notify-associations';
import {
  associationPushWorkflowId,
  associationSyncWorkflowId,
  backfillWorkflowId,
  customObjectSyncWorkflowId,
  inboundObjectWorkflowId,
  objectSyncWorkflowId,
  outboxRelayWorkflowId,
  pushWorkflowId,
} from '../src/workflow-safe/ids';
import { retentionWorkflow } from '../workflows/scheduled/retention';
import { historyToJSON } from '../test/support/history-json';
import { startStack, type Stack } from '../test/support/stack';
import { waitFor } from '../test/support/wait';

const OUT = join(__dirname, '..', 'test', 'workflows', 'histories');

async function save(client: Client, name: string, workflowId: string, runId?: string): Promise<void> {
  const handle = client.workflow.getHandle(workflowId, runId);
  const history = await handle.fetchHistory();
  const file = join(OUT, `${name}.json`);
  // Pretty-printed so a re-recording shows as a readable diff.
  writeFileSync(file, `${JSON.stringify(historyToJSON(history), null, 1)}\n`);
  console.log(`recorded ${name} (${history.events?.length ?? 0} events) from ${workflowId}`);
}

async function closed(client: Client, workflowId: string, runId?: string): Promise<void> {
  await waitFor(
    `${workflowId} to close`,
    async () => (await client.workflow.getHandle(workflowId, runId).describe()).status.name !== 'RUNNING',
    120_000,
  );
}

async function inbound(stack: Stack): Promise<void> {
  const { temporal: client, portalId } = stack;
  // A contact created in HubSpot (creation webhook → full fetch → apply), then edited (propertyChange → apply).
  const contact = await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', {
    properties: { firstname: 'Grace', lastname: 'Hopper', email: `grace-${portalId}@example.com` },
  });
  const id = inboundObjectWorkflowId(portalId, 'contacts', contact.id);
  await waitFor('the creation applied', () =>
    stack.runtime.prisma
      .$queryRawUnsafe<unknown[]>(
        `SELECT 1 FROM contacts WHERE portal_id = $1 AND hubspot_id = $2`,
        portalId,
        contact.id,
      )
      .then((rows) => rows.length > 0),
  );
  await stack.sim('PATCH', `/__sim/objects/contacts/${contact.id}`, { properties: { jobtitle: 'Rear Admiral' } });
  await closed(client, id);
  await save(client, 'inbound-object', id);
}

async function inboundRefused(stack: Stack): Promise<void> {
  const { temporal: client, portalId } = stack;
  // HubSpot refuses the full read of a new contact once (401): the history of a fetch that failed for good.
  await stack.sim('POST', '/__sim/faults', {
    rules: [{ type: 'error', status: 401, match: 'POST /crm/v3/objects/contacts/batch/read', times: 1 }],
  });
  const contact = await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', {
    properties: { firstname: 'Ada', lastname: 'Lovelace', email: `ada-${portalId}@example.com` },
  });
  const id = inboundObjectWorkflowId(portalId, 'contacts', contact.id);
  await waitFor('the read refused', async () => {
    const history = await client.workflow.getHandle(id).fetchHistory();
    return (history.events ?? []).some((e) => e.activityTaskFailedEventAttributes);
  });
  await stack.sim('DELETE', '/__sim/faults');
  await closed(client, id);
  await save(client, 'inbound-object-fetch-refused', id);
}

async function syncs(stack: Stack): Promise<void> {
  const { temporal: client, portalId, runtime } = stack;
  const { config } = runtime;
  // A custom object type with a record associated with a contact, for the backfill's custom-object child.
  const car = await stack.sim<{ objectTypeId: string }>('POST', '/__sim/schemas', {
    name: 'car',
    labels: { singular: 'Car', plural: 'Cars' },
    properties: [{ name: 'vin', label: 'VIN', type: 'string', fieldType: 'text' }],
    associatedObjects: ['CONTACT'],
  });
  const beetle = await stack.sim<{ id: string }>('POST', `/__sim/objects/${car.objectTypeId}`, {
    properties: { vin: 'VIN-1' },
  });
  const ann = await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', {
    properties: { email: 'ann@histories.example' },
  });
  await stack.sim('POST', '/__sim/associations', {
    fromType: car.objectTypeId,
    fromId: beetle.id,
    toType: 'contacts',
    toId: ann.id,
  });
  // The portal's first run hands every type to the backfill; the second is incremental, with the link check.
  const first = await startManualSync(client, portalId, config);
  await first.result();
  await save(client, 'incremental-sync-first-run', first.workflowId);
  await save(client, 'backfill', backfillWorkflowId(portalId));
  await save(client, 'association-sync', associationSyncWorkflowId(backfillWorkflowId(portalId)));
  await save(client, 'custom-object-sync', customObjectSyncWorkflowId(backfillWorkflowId(portalId)));
  const second = await startManualSync(client, portalId, { ...config, LINK_CHECK_INTERVAL_MS: 0 }, ['contacts']);
  await second.result();
  await save(client, 'incremental-sync', second.workflowId);
  await save(client, 'object-sync', objectSyncWorkflowId(second.workflowId, 'contacts'));
}

async function outbound(stack: Stack): Promise<void> {
  const { temporal: client, portalId, runtime } = stack;
  const db = runtime.prisma;
  // A company the platform creates with an outbox row in the same transaction: relay → push workflow → HubSpot.
  const [row] = await db.$queryRawUnsafe<Array<{ id: string }>>(
    `INSERT INTO companies (portal_id, name, domain) VALUES ($1, 'Recorded Co', $2) RETURNING id::text AS id`,
    portalId,
    `recorded-${portalId}.example`,
  );
  if (!row) throw new Error('the company insert returned nothing');
  await db.$executeRawUnsafe(
    `INSERT INTO outbox (portal_id, object_type, local_id) VALUES ($1, 'companies', $2::uuid)`,
    portalId,
    row.id,
  );
  const relayId = await startOutboxRelay(client, pushStartOptions(runtime.config), portalId, {
    activityRunMs: 1_000,
    pollIntervalMs: 100,
  });
  await waitFor('the company pushed', () =>
    db
      .$queryRawUnsafe<unknown[]>(`SELECT 1 FROM companies WHERE id = $1::uuid AND hubspot_id IS NOT NULL`, row.id)
      .then((rows) => rows.length > 0),
  );
  // The relay runs forever: stop it once a few of its activities completed.
  await waitFor('three relay runs', async () => {
    const history = await client.workflow.getHandle(relayId).fetchHistory();
    return (history.events ?? []).filter((e) => e.activityTaskCompletedEventAttributes).length >= 3;
  });
  await client.workflow.getHandle(relayId).terminate('history recorded');
  await save(client, 'outbox-relay', outboxRelayWorkflowId(portalId));
  const pushId = pushWorkflowId(portalId, 'companies');
  await closed(client, pushId);
  await save(client, 'push', pushId);

  // The platform associates that company with a contact the backfill loaded: the association push workflow.
  const [contact] = await db.$queryRawUnsafe<Array<{ id: string }>>(
    `SELECT id::text AS id FROM contacts WHERE portal_id = $1 AND hubspot_id IS NOT NULL ORDER BY hubspot_id LIMIT 1`,
    portalId,
  );
  if (!contact) throw new Error('no loaded contact to associate');
  await notifyAssociationChanges(
    client,
    [
      {
        fromType: 'companies',
        fromId: row.id,
        toType: 'contacts',
        toId: contact.id,
        label: null,
        remove: false,
        reportedAt: Date.now(),
      },
    ],
    pushStartOptions(runtime.config),
  );
  const associationPushId = associationPushWorkflowId(portalId);
  await closed(client, associationPushId);
  await save(client, 'association-push', associationPushId);
}

async function retention(stack: Stack): Promise<void> {
  const { temporal: client, runtime } = stack;
  const handle = await client.workflow.start(retentionWorkflow, {
    workflowId: `record-retention-${stack.portalId}`,
    taskQueue: runtime.config.TEMPORAL_TASK_QUEUE,
    args: [retentionInput(runtime.config)],
  });
  await handle.result();
  await save(client, 'retention', handle.workflowId);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const stack = await startStack({
    env: { WORKFLOW_IDLE_TIMEOUT_MS: '3000', WEBHOOK_COALESCE_MS: '200', PUSH_BATCH_WINDOW_MS: '200' },
    simulator: { seed: { seedValue: 7, all: 3, associations: true } },
  });
  try {
    await syncs(stack);
    await inbound(stack);
    await inboundRefused(stack);
    await outbound(stack);
    await retention(stack);
  } finally {
    await stack.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
