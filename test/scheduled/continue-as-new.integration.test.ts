// Long runs continue as new without losing or repeating a page: the history limit is lowered so a few
// thousand records cross it several times.
import { startStack, type Stack } from '../support/stack';
import { associationSyncWorkflowId, incrementalSyncWorkflowId } from '../../src/workflow-safe/ids';
import type { BackfillProgress } from '../../workflows/scheduled/backfill';
import type { IncrementalSyncResult } from '../../workflows/scheduled/incremental-sync';
import type { PageCounts } from '../../src/sync/page-counts';
import { rowCount, watermark } from './helpers';

jest.setTimeout(180_000);

describe('continue-as-new', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      withApp: false,
      env: { HUBSPOT_REQUESTS_PER_10S: '2000', SYNC_WINDOW_OVERLAP_MS: '0' },
    });
    await stack.sim('POST', '/__sim/seed', { contacts: 1500, deals: 600, owners: 2, associations: false });
  });

  afterAll(async () => stack.close());

  const start = <T>(workflowType: string, workflowId: string, input: object) =>
    stack.temporal.workflow.start<(arg: object) => Promise<T>>(workflowType, {
      workflowId,
      taskQueue: stack.runtime.config.TEMPORAL_TASK_QUEUE,
      args: [input],
    });

  it('backfill: every record exactly once across runs, progress carried over', async () => {
    const handle = await start<BackfillProgress>('backfillWorkflow', `backfill:${stack.portalId}`, {
      portalId: stack.portalId,
      objectTypes: ['contacts', 'deals', 'owners'],
      hubspotTaskQueue: stack.runtime.config.TEMPORAL_HUBSPOT_TASK_QUEUE,
      historyLimit: 60,
    });
    const progress = await handle.result();
    expect(progress).toMatchObject({ done: 2102, estimatedTotal: 2102, complete: true });
    expect((await handle.describe()).runId).not.toBe(handle.firstExecutionRunId);
    expect(await rowCount(stack.runtime.prisma, 'contacts', stack.portalId)).toBe(1500);
    expect(await rowCount(stack.runtime.prisma, 'deals', stack.portalId)).toBe(600);
    const runs = await stack.runtime.prisma.syncRun.findMany({
      where: { portalId: stack.portalId, trigger: 'backfill' },
    });
    expect(runs.map((r) => [r.objectType, r.status, (r.counts as { inserted: number }).inserted]).sort()).toEqual([
      ['contacts', 'completed', 1500],
      ['deals', 'completed', 600],
      ['owners', 'completed', 2],
    ]);
  });

  it('incremental: a window paged across several runs of the child is applied whole, then the watermark moves', async () => {
    const since = (await watermark(stack.runtime.prisma, stack.portalId, 'contacts')) as number;
    const state = await stack.sim<{ objects: { contacts: Array<{ id: string }> } }>(
      'GET',
      '/__sim/state?types=contacts',
    );
    const ids = state.objects.contacts.slice(0, 1000).map((c) => c.id);
    await stack.sim('POST', '/__sim/last-modified', { objectType: 'contacts', ids: ids.slice(0, 500), at: since + 5 });
    await stack.sim('POST', '/__sim/last-modified', { objectType: 'contacts', ids: ids.slice(500), at: since + 6 });

    const workflowId = incrementalSyncWorkflowId(stack.portalId, 'continue-as-new');
    const handle = await start<IncrementalSyncResult>('incrementalSyncWorkflow', workflowId, {
      portalId: stack.portalId,
      trigger: 'manual',
      hubspotTaskQueue: stack.runtime.config.TEMPORAL_HUBSPOT_TASK_QUEUE,
      overlapMs: 0,
      objectTypes: ['contacts'],
      historyLimit: 20,
    });
    const result = await handle.result();
    expect(result.counts.contacts).toMatchObject({ fetched: 1000 });
    const child = `${workflowId}:contacts`;
    const run = await stack.runtime.prisma.syncRun.findFirst({ where: { workflowId: child } });
    expect(run?.status).toBe('completed');
    expect((await stack.temporal.workflow.getHandle(child).describe()).runId).not.toBe(run?.runId);
    expect(await watermark(stack.runtime.prisma, stack.portalId, 'contacts')).toBeGreaterThan(since);
  });

  it('association read: pairs read side by side across runs, every page once, a pair with an empty end costs its labels only', async () => {
    const state = await stack.sim<{ objects: Record<'contacts' | 'deals', Array<{ id: string }>> }>(
      'GET',
      '/__sim/state?types=contacts,deals',
    );
    // Contacts past the first 1,000 (the second page of the contacts→deals read) and before it.
    const pairs = [0, 1, 2, 1200, 1300, 1499].map((i, n) => [
      state.objects.contacts[i]!.id,
      state.objects.deals[n]!.id,
    ]);
    for (const [contact, deal] of pairs)
      await stack.sim('POST', '/__sim/associations', {
        fromType: 'contacts',
        fromId: contact,
        toType: 'deals',
        toId: deal,
      });
    await stack.sim('DELETE', '/__sim/counters');

    const workflowId = associationSyncWorkflowId(`continue-as-new:${stack.portalId}`);
    const handle = await start<PageCounts>('associationSyncWorkflow', workflowId, {
      portalId: stack.portalId,
      hubspotTaskQueue: stack.runtime.config.TEMPORAL_HUBSPOT_TASK_QUEUE,
      // No companies in this portal.
      pairs: [
        ['companies', 'contacts'],
        ['companies', 'deals'],
        ['contacts', 'deals'],
      ],
      historyLimit: 12,
    });
    const counts = await handle.result();
    expect(counts).toMatchObject({ fetched: pairs.length });
    expect((await handle.describe()).runId).not.toBe(handle.firstExecutionRunId);
    const v4 = Object.entries(
      (await stack.sim<{ byEndpoint: Record<string, number> }>('GET', '/__sim/counters')).byEndpoint,
    ).filter(([endpoint]) => endpoint.includes('/crm/v4/'));
    expect(Object.fromEntries(v4)).toEqual({
      'GET /crm/v4/associations/companies/contacts/labels': 1,
      'GET /crm/v4/associations/companies/deals/labels': 1,
      'GET /crm/v4/associations/contacts/deals/labels': 1,
      'POST /crm/v4/associations/contacts/deals/batch/read': 2,
    });
    const stored = await stack.runtime.prisma.association.findMany({
      where: { portalId: stack.portalId, fromType: 'contacts', toType: 'deals', archived: false },
      select: { fromId: true, toId: true },
    });
    expect(stored.map((a) => [a.fromId, a.toId]).sort()).toEqual([...pairs].sort());
  });
});
