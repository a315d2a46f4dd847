// The retention workflow prunes what the bookkeeping tables are done with, in bounded batches, and keeps the
// rest: live dedupe rows, undispatched outbox rows, running runs, open failures, inbox batches still to hand off.
import { randomUUID } from 'node:crypto';
import { portalStatus } from '../../src/cli/status';
import { parseConfig } from '../../src/config';
import { RETENTION_TABLES } from '../../src/workflow-safe/retention-tables';
import { ensureRetentionSchedule, RETENTION_SCHEDULE_ID, retentionInput } from '../../src/scheduled/retention-schedule';
import { startStack, type Stack } from '../support/stack';

jest.setTimeout(120_000);

const DAY = 24 * 60 * 60 * 1000;

describe('retention', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ withApp: false });
  });
  afterAll(async () => stack?.close());

  it('never keeps dedupe rows for less than HubSpot 24-hour retry horizon', () => {
    expect(() => parseConfig({ RETENTION_PROCESSED_EVENTS_MS: String(DAY - 1) })).toThrow(
      /RETENTION_PROCESSED_EVENTS_MS: must be at least 86400000/,
    );
  });

  it('prunes old finished bookkeeping rows in bounded batches and keeps everything still needed', async () => {
    const db = stack.runtime.prisma;
    const portalId = stack.portalId;
    const ago = (ms: number) => new Date(Date.now() - ms);
    const localId = randomUUID();
    const old = 40 * DAY;
    // Five old dedupe rows (pruned, two batches of 2 and one of 1), one 23 h old (kept: retry horizon).
    await db.processedWebhookEvent.createMany({
      data: [...Array(5).keys()]
        .map((i) => ({
          portalId,
          dedupeKey: `old-${i}`,
          objectType: 'contacts',
          objectId: String(i),
          occurredAt: ago(old),
          processedAt: ago(old),
        }))
        .concat({
          portalId,
          dedupeKey: 'recent',
          objectType: 'contacts',
          objectId: '9',
          occurredAt: ago(23 * 60 * 60 * 1000),
          processedAt: ago(23 * 60 * 60 * 1000),
        }),
    });
    await db.outboxEntry.createMany({
      data: [
        { portalId, objectType: 'contacts', localId, createdAt: ago(old), dispatchedAt: ago(old) },
        { portalId, objectType: 'contacts', localId, createdAt: ago(old) }, // never dispatched: kept
      ],
    });
    await db.syncRun.createMany({
      data: [
        {
          portalId,
          direction: 'inbound',
          trigger: 'schedule',
          status: 'completed',
          startedAt: ago(old),
          finishedAt: ago(old),
        },
        { portalId, direction: 'inbound', trigger: 'schedule', status: 'running', startedAt: ago(old) },
      ],
    });
    const failure = {
      portalId,
      objectType: 'contacts',
      direction: 'outbound',
      operation: 'update',
      category: 'X',
      message: 'm',
    };
    await db.syncFailure.createMany({
      data: [
        { ...failure, createdAt: ago(old), resolvedAt: ago(old) },
        { ...failure, createdAt: ago(old) }, // unresolved: kept
      ],
    });
    const conflict = {
      portalId,
      objectType: 'contacts',
      localId,
      property: 'email',
      policy: 'newest',
      winner: 'hubspot',
    };
    await db.syncConflict.createMany({ data: [{ ...conflict, createdAt: ago(old) }, { ...conflict }] });
    const inbox = await db.webhookInboxEntry.create({
      data: { leaseUntil: ago(old), receivedAt: ago(old), deadLetteredAt: ago(old), records: [] },
    });

    // Parked events: one past the horizon and one redriven yesterday (both pruned), one waiting since yesterday (kept).
    const parked = { portalId, objectType: 'contacts', objectId: '7', events: [], lastError: 'e' };
    await db.inboundParkedEvent.createMany({
      data: [
        { ...parked, parkKey: `${portalId}:old`, parkedAt: ago(old) },
        { ...parked, parkKey: `${portalId}:redriven`, parkedAt: ago(DAY), redrivenAt: ago(DAY) },
        { ...parked, parkKey: `${portalId}:waiting`, parkedAt: ago(DAY) },
      ],
    });

    const input = { ...retentionInput(stack.runtime.config), batchSize: 2 };
    const deleted = await stack.temporal.workflow.execute('retentionWorkflow', {
      taskQueue: stack.runtime.config.TEMPORAL_TASK_QUEUE,
      workflowId: `retention-test-${randomUUID()}`,
      args: [input],
    });
    expect((deleted as Record<string, number>).processed_webhook_events).toBeGreaterThanOrEqual(5);

    const where = { portalId };
    expect((await db.processedWebhookEvent.findMany({ where })).map((r) => r.dedupeKey)).toEqual(['recent']);
    expect((await db.outboxEntry.findMany({ where })).map((r) => r.dispatchedAt)).toEqual([null]);
    expect((await db.syncRun.findMany({ where })).map((r) => r.status)).toEqual(['running']);
    expect((await db.syncFailure.findMany({ where })).map((r) => r.resolvedAt)).toEqual([null]);
    expect(await db.syncConflict.count({ where })).toBe(1);
    expect(await db.webhookInboxEntry.count({ where: { id: inbox.id } })).toBe(0);
    expect((await db.inboundParkedEvent.findMany({ where })).map((r) => r.parkKey)).toEqual([`${portalId}:waiting`]);

    const status = await portalStatus(db, portalId);
    expect(Object.keys(status.bookkeeping).sort()).toEqual([...RETENTION_TABLES].sort());
    expect(status.bookkeeping.outbox).toBeGreaterThanOrEqual(1);
    expect(status.parked).toEqual({ records: 1, events: 0 });
  });

  it('the schedule is created at start and follows the config', async () => {
    const config = { ...stack.runtime.config, RETENTION_INTERVAL_MS: 3 * 60 * 60 * 1000 };
    await ensureRetentionSchedule(stack.temporal, config);
    const handle = stack.temporal.schedule.getHandle(RETENTION_SCHEDULE_ID);
    const described = await handle.describe();
    expect(described.spec.intervals?.[0]?.every).toBe(3 * 60 * 60 * 1000);
    expect(described.action.type === 'startWorkflow' && described.action.workflowType).toBe('retentionWorkflow');
    await handle.delete();
  });
});
