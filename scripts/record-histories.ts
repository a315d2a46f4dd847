// Records one event history of every workflow type hubsync runs (workflows/index.ts), by running each against
// the real stack: the Temporal dev server, PostgreSQL and the HubSpot simulator over HTTP, with the worker's own
// activities. The histories land in test/workflows/histories/, where the replay test
// (test/workflows/replay.integration.test.ts) replays them against the current workflow code. A history already
// committed is kept, never rewritten (scripts/histories/recording.ts): new paths get new names.
//
//   TEMPORAL_PORT=7305 DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hubsync_x npx tsx scripts/record-histories.ts
//
// (after `bash scripts/db-migrate.sh` and `bash scripts/temporal-server.sh start` with the same environment).
// When to re-record, and when a change needs patched() instead: test/workflows/histories/README.md.
import { mkdirSync } from 'node:fs';
import type { CustomObjectTypeId } from '../src/sync/custom-objects';
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
  objectSyncWorkflowId,
  outboxRelayWorkflowId,
  pushWorkflowId,
} from '../src/workflow-safe/ids';
import { retentionWorkflow } from '../workflows/scheduled/retention';
import { startStack, type Stack } from '../test/support/stack';
import { waitFor } from '../test/support/wait';
import { inbound, inboundCustomObject, inboundParked, inboundRefused } from './histories/inbound';
import { closed, OUT, save } from './histories/recording';

/** The portal's syncs; returns the custom object type it defined (for the custom-object record scenarios). */
async function syncs(stack: Stack): Promise<CustomObjectTypeId> {
  const { temporal: client, portalId, runtime } = stack;
  const { config } = runtime;
  // A custom object type with a record associated with a contact, for the backfill's custom-object child.
  const car = await stack.sim<{ objectTypeId: CustomObjectTypeId }>('POST', '/__sim/schemas', {
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
  return car.objectTypeId;
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
    const carType = await syncs(stack);
    await inbound(stack);
    await inboundRefused(stack);
    await inboundParked(stack);
    await inboundCustomObject(stack, carType);
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
