// The hourly sync end to end: simulator over HTTP, real Temporal worker, real PostgreSQL. The first run is
// started through the portal's schedule and backfills; later runs pick up exactly what changed since.
import type { WorkflowHandle } from '@temporalio/client';
import { startStack, type Stack } from '../support/stack';
import {
  deleteSyncSchedule,
  describeSyncSchedule,
  ensureSyncSchedule,
  pauseSyncSchedule,
  resumeSyncSchedule,
  triggerSyncSchedule,
} from '../../src/scheduled/schedules';
import { startManualSync } from '../../src/scheduled/start-sync';
import { OBJECT_TYPES } from '../../src/sync/object-types';
import { backfillWorkflowId } from '../../src/workflow-safe/ids';
import { BACKFILL_PRIORITY, SYNC_PRIORITY } from '../../src/workflow-safe/priorities';
import type { IncrementalSyncResult, incrementalSyncWorkflow } from '../../workflows/scheduled/incremental-sync';
import { CRM_TYPES, rewritten, rowCount, rowVersions, scheduledRun, waitFor, watermark } from './helpers';

jest.setTimeout(240_000);

const OLD = { modifiedFrom: '2024-01-01T00:00:00.000Z', modifiedTo: '2024-06-01T00:00:00.000Z' };

describe('incremental sync', () => {
  let stack: Stack;
  const prisma = () => stack.runtime.prisma;

  beforeAll(async () => {
    stack = await startStack({
      withApp: false, // no webhooks: only the sync may change the tables
      env: { SYNC_WINDOW_OVERLAP_MS: '1000', HUBSPOT_REQUESTS_PER_10S: '2000' },
    });
    await stack.sim('POST', '/__sim/seed', {
      contacts: 2000,
      companies: 200,
      deals: 200,
      tickets: 100,
      tasks: 100,
      owners: 5,
      associations: false,
      ...OLD,
    });
  });

  afterAll(async () => {
    await deleteSyncSchedule(stack.temporal, stack.portalId).catch(() => undefined);
    await stack.close();
  });

  const manualRun = async (): Promise<IncrementalSyncResult> => {
    const handle: WorkflowHandle<typeof incrementalSyncWorkflow> = await startManualSync(
      stack.temporal,
      stack.portalId,
      stack.runtime.config,
    );
    return handle.result();
  };

  it('is scheduled per portal, and the first run, triggered through the schedule, backfills every type', async () => {
    const { config } = stack.runtime;
    const paused = (want: boolean) =>
      waitFor(`schedule paused=${want}`, async () =>
        (await describeSyncSchedule(stack.temporal, stack.portalId)).state.paused === want ? true : undefined,
      );
    expect(await ensureSyncSchedule(stack.temporal, stack.portalId, { ...config, SYNC_INTERVAL_MS: 7_200_000 })).toBe(
      'created',
    );
    expect(await ensureSyncSchedule(stack.temporal, stack.portalId, config)).toBe('updated');
    expect((await describeSyncSchedule(stack.temporal, stack.portalId)).spec.intervals?.[0]?.every).toBe(
      config.SYNC_INTERVAL_MS,
    );
    await pauseSyncSchedule(stack.temporal, stack.portalId);
    await paused(true);
    // Ensuring again (a worker restart) must not undo an operator's pause.
    expect(await ensureSyncSchedule(stack.temporal, stack.portalId, config)).toBe('unchanged');
    await paused(true);
    await resumeSyncSchedule(stack.temporal, stack.portalId);
    await paused(false);
    const description = await describeSyncSchedule(stack.temporal, stack.portalId);
    expect(description.action.priority).toMatchObject({ priorityKey: SYNC_PRIORITY, fairnessKey: stack.portalId });
    expect(description.policies.overlap).toBe('SKIP');
    expect(description.policies.catchupWindow).toBe(config.SYNC_INTERVAL_MS);

    await triggerSyncSchedule(stack.temporal, stack.portalId);
    const workflowId = await scheduledRun(stack.temporal, stack.portalId, 1);
    const result = (await stack.temporal.workflow.getHandle(workflowId).result()) as IncrementalSyncResult;
    expect(result.failed).toEqual({});
    expect([...result.backfilled].sort()).toEqual([...OBJECT_TYPES].sort());

    const state = await stack.sim<{ objects: Record<string, unknown[]>; owners: unknown[] }>(
      'GET',
      '/__sim/state?includeArchived=false',
    );
    for (const type of CRM_TYPES)
      expect(await rowCount(prisma(), type, stack.portalId)).toBe(state.objects[type]?.length);
    expect(await rowCount(prisma(), 'owners', stack.portalId)).toBe(state.owners.length);

    const run = await prisma().syncRun.findFirst({ where: { workflowId, portalId: stack.portalId, objectType: null } });
    expect(run).toMatchObject({ trigger: 'schedule', direction: 'inbound', status: 'completed' });
    const backfillRuns = await prisma().syncRun.findMany({ where: { portalId: stack.portalId, trigger: 'backfill' } });
    expect(backfillRuns).toHaveLength(OBJECT_TYPES.length);
    expect(backfillRuns.every((r) => r.status === 'completed')).toBe(true);
    // The run has the sync's priority, the backfill it started the backfill's (both: the portal as fairness key).
    const priorityOf = async (id: string) => {
      const p = (await stack.temporal.workflow.getHandle(id).describe()).raw.workflowExecutionInfo?.priority;
      return { priorityKey: p?.priorityKey, fairnessKey: p?.fairnessKey };
    };
    expect(await priorityOf(workflowId)).toEqual({ priorityKey: SYNC_PRIORITY, fairnessKey: stack.portalId });
    expect(await priorityOf(backfillWorkflowId(stack.portalId))).toEqual({
      priorityKey: BACKFILL_PRIORITY,
      fairnessKey: stack.portalId,
    });
  });

  it('picks up exactly the records changed since the last run: 25,000 changes, 12,000 sharing one timestamp', async () => {
    const since = (await watermark(prisma(), stack.portalId, 'contacts')) as number;
    expect(since).not.toBeNull();
    // 25,000 new contacts modified after the watermark: 12,000 at one identical millisecond (a bulk import).
    const until = Date.now() - 1_100; // outside the next window's 1 s overlap, so the run after this sees nothing
    expect(until).toBeGreaterThan(since + 10);
    await stack.sim('POST', '/__sim/seed', {
      seedValue: 2,
      contacts: 25_000,
      owners: 0,
      associations: false,
      modifiedFrom: since + 1,
      modifiedTo: until,
      bulkIdentical: { objectType: 'contacts', count: 12_000, at: since + Math.floor((until - since) / 2) },
    });
    // A few existing records edited by a HubSpot user, and some archived (archiving leaves last-modified alone).
    const contacts = await prisma().contact.findMany({
      where: { portalId: stack.portalId },
      select: { hubspotId: true },
      orderBy: { hubspotId: 'asc' },
      take: 40,
    });
    const edited = contacts.slice(0, 20).map((c) => c.hubspotId as string);
    const archived = contacts.slice(20, 27).map((c) => c.hubspotId as string);
    for (const id of edited)
      await stack.sim('PATCH', `/__sim/objects/contacts/${id}`, { properties: { firstname: `Edited ${id}` } });
    for (const id of archived) await stack.sim('DELETE', `/__sim/objects/contacts/${id}`);
    const [company] = await prisma().company.findMany({ where: { portalId: stack.portalId }, take: 1 });
    await stack.sim('DELETE', `/__sim/objects/companies/${company?.hubspotId ?? ''}`);

    const before = await rowVersions(prisma(), 'contacts', stack.portalId);
    const result = await manualRun();
    expect(result.failed).toEqual({});
    expect(result.counts.contacts).toMatchObject({
      fetched: 25_020,
      inserted: 25_000,
      updated: 20,
      archived: 7,
      archivedListed: 7,
    });
    expect(result.counts.companies).toMatchObject({ fetched: 0, inserted: 0, updated: 0, archived: 1 });
    for (const type of ['deals', 'tasks', 'tickets'] as const)
      expect(result.counts[type]).toMatchObject({ fetched: 0, inserted: 0, updated: 0, archived: 0 });

    const after = await rowVersions(prisma(), 'contacts', stack.portalId);
    expect(after.size).toBe(27_000);
    expect(
      rewritten(before, after)
        .filter((id) => before.has(id))
        .sort(),
    ).toEqual([...edited, ...archived].sort());
    const editedRows = await prisma().contact.findMany({
      where: { portalId: stack.portalId, hubspotId: { in: edited } },
    });
    expect(editedRows.every((row) => row.firstName === `Edited ${row.hubspotId}`)).toBe(true);
    expect(await rowCount(prisma(), 'contacts', stack.portalId, 'archived')).toBe(7);
    expect(await rowCount(prisma(), 'companies', stack.portalId, 'archived')).toBe(1);
    const state = await stack.sim<{ objects: { contacts: Array<{ id: string }> } }>(
      'GET',
      '/__sim/state?types=contacts&includeArchived=true',
    );
    expect(new Set(after.keys())).toEqual(new Set(state.objects.contacts.map((c) => c.id)));
  });

  it('writes nothing when nothing changed', async () => {
    const before = new Map<string, Map<string, number>>();
    for (const type of [...CRM_TYPES, 'owners'] as const)
      before.set(type, await rowVersions(prisma(), type, stack.portalId));
    const watermarkBefore = await watermark(prisma(), stack.portalId, 'deals');

    const result = await manualRun();
    expect(result.failed).toEqual({});
    for (const counts of Object.values(result.counts))
      expect(counts).toMatchObject({ inserted: 0, updated: 0, archived: 0 });
    for (const type of [...CRM_TYPES, 'owners'] as const) {
      expect(
        rewritten(before.get(type) as Map<string, number>, await rowVersions(prisma(), type, stack.portalId)),
      ).toEqual([]);
    }
    expect(await watermark(prisma(), stack.portalId, 'deals')).toBeGreaterThan(watermarkBefore as number);
    const runs = await prisma().syncRun.findMany({
      where: { portalId: stack.portalId, trigger: 'manual', objectType: 'deals' },
      orderBy: { startedAt: 'asc' },
    });
    expect(runs.at(-1)).toMatchObject({
      status: 'completed',
      counts: expect.objectContaining({ inserted: 0, updated: 0 }),
    });
  });
});
