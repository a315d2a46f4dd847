// Writes HubSpot refuses: a read-only property (400 READ_ONLY_VALUE, or its per-input error in a 207) is
// reported for its record, naming the property, while the rest of the batch lands in the same call; a task
// without a due date (HubSpot requires hs_timestamp to create one) is reported before anything is sent, and
// pushed once the platform gives it one.
import { resetPortalRateLimiters } from '../../src/hubspot';
import { writeUpdates, writeUpserts } from '../../src/outbound/hubspot-writes';
import { type SimHandle, clientFor, startSim } from '../hubspot/sim-admin';
import { startStack, type Stack } from '../support/stack';
import { reportChanges, waitFor } from './helpers';

jest.setTimeout(120_000);

describe('refused writes: client batches', () => {
  let sim: SimHandle;

  beforeAll(async () => {
    sim = await startSim();
    resetPortalRateLimiters();
  });
  afterAll(async () => sim?.close());

  it('a read-only property refuses only its input of a batch update (one 207) or an email upsert (isolated)', async () => {
    const client = clientFor(sim);
    const created = await client.batchCreate(
      'contacts',
      ['a', 'b', 'c'].map((n) => ({ properties: { email: `${n}@refused.example` } })),
    );
    const [a, b, c] = created.results.map((r) => r.id);

    const updated = await writeUpdates(client, 'contacts', [
      { localId: 'l-a', hubspotId: a!, properties: { firstname: 'A' } },
      { localId: 'l-b', hubspotId: b!, properties: { firstname: 'B', hs_email_domain: 'elsewhere.example' } },
      { localId: 'l-c', hubspotId: c!, properties: { firstname: 'C' } },
    ]);
    expect(updated.writeCalls).toBe(1);
    expect(updated.succeeded.map((s) => s.localId).sort()).toEqual(['l-a', 'l-c']);
    expect(updated.rejected).toEqual([
      expect.objectContaining({ localId: 'l-b', hubspotId: b, operation: 'update', property: 'hs_email_domain' }),
    ]);

    const upserted = await writeUpserts(client, 'contacts', [
      { localId: 'l-d', key: { idProperty: 'email', id: 'd@refused.example' }, properties: { firstname: 'D' } },
      {
        localId: 'l-e',
        key: { idProperty: 'email', id: 'e@refused.example' },
        properties: { firstname: 'E', hs_email_domain: 'elsewhere.example' },
      },
    ]);
    // Upserts keyed by email are all-or-nothing in HubSpot: the 400 names the property, so one more call sends
    // the clean input and one the suspect, which HubSpot then refuses alone.
    expect(upserted.writeCalls).toBe(3);
    expect(upserted.succeeded.map((s) => s.localId)).toEqual(['l-d']);
    expect(upserted.rejected).toEqual([
      expect.objectContaining({ localId: 'l-e', operation: 'upsert', property: 'hs_email_domain' }),
    ]);

    // What HubSpot holds afterwards: the accepted writes, and nothing of the refused records.
    const read = await client.batchRead('contacts', [a!, b!, c!], { properties: ['firstname', 'hs_email_domain'] });
    const firstNames = Object.fromEntries(read.results.map((r) => [r.id, r.properties.firstname ?? null]));
    expect(firstNames).toEqual({ [a!]: 'A', [b!]: null, [c!]: 'C' });
    const byEmail = await client.batchRead('contacts', ['d@refused.example', 'e@refused.example'], {
      idProperty: 'email',
      properties: ['email'],
    });
    expect(byEmail.results.map((r) => r.properties.email)).toEqual(['d@refused.example']);
  });
});

describe('refused writes: the push workflow', () => {
  let stack: Stack;
  const prisma = () => stack.runtime.prisma;

  beforeAll(async () => {
    stack = await startStack({
      withProxy: true,
      env: { PUSH_BATCH_WINDOW_MS: '100', WEBHOOK_COALESCE_MS: '50', WORKFLOW_IDLE_TIMEOUT_MS: '20000' },
    });
  });
  afterAll(async () => stack?.close());

  it('a new task without a due date is a sync_failures row naming hs_timestamp; the others land; a due date later pushes it', async () => {
    const due = new Date('2026-12-03T09:00:00.000Z');
    const tasks = await Promise.all(
      ['first', 'undated', 'third'].map((subject) =>
        prisma().task.create({
          data: { portalId: stack.portalId, subject, dueDate: subject === 'undated' ? null : due },
        }),
      ),
    );
    const undated = tasks[1]!;
    await reportChanges(
      stack,
      'tasks',
      tasks.map((t) => t.id),
    );
    const failure = await waitFor(
      'failure row',
      async () => (await prisma().syncFailure.findFirst({ where: { localId: undated.id } })) ?? undefined,
    );
    expect(failure).toMatchObject({
      portalId: stack.portalId,
      objectType: 'tasks',
      direction: 'outbound',
      category: 'INVALID_LOCAL_VALUE',
      property: 'hs_timestamp',
    });
    expect(failure.message).toContain('dueDate');
    const linked = await waitFor('two tasks linked', async () => {
      const rows = await prisma().task.findMany({ where: { id: { in: tasks.map((t) => t.id) } } });
      return rows.filter((r) => r.hubspotId).length === 2 ? rows : undefined;
    });
    expect(linked.find((r) => r.id === undated.id)?.hubspotId).toBeNull();
    // Never sent: HubSpot would refuse it, and refusing is not worth a call.
    const sentLocalIds = stack
      .proxy!.sent('POST', /\/crm\/v3\/objects\/tasks\/batch\/(create|upsert)$/)
      .flatMap((r) => (r.body as { inputs: Array<{ properties: Record<string, unknown> }> }).inputs)
      .map((i) => i.properties.hubsync_local_id);
    expect(sentLocalIds).not.toContain(undated.id);
    expect(sentLocalIds).toEqual(expect.arrayContaining([tasks[0]!.id, tasks[2]!.id]));

    await prisma().task.update({ where: { id: undated.id }, data: { dueDate: due } });
    await reportChanges(stack, 'tasks', [undated.id], ['dueDate']);
    const hubspotId = await waitFor(
      'the dated task linked',
      async () => (await prisma().task.findUniqueOrThrow({ where: { id: undated.id } })).hubspotId ?? undefined,
    );
    const record = await stack.sim<{ properties: Record<string, string | null> }>(
      'GET',
      `/__sim/objects/tasks/${hubspotId}`,
    );
    expect(record.properties).toMatchObject({ hs_task_subject: 'undated' });
    const sentDue = record.properties.hs_timestamp ?? '';
    expect(/^\d+$/.test(sentDue) ? Number(sentDue) : Date.parse(sentDue)).toBe(due.getTime());
  });
});
