// One push batch, called directly (no workflow, so no batching window): its HubSpot calls are fixed by the batch,
// not by timing, and the recording transaction is checked against the row as it is when it commits.
import { createPushActivities } from '../../activities/outbound/push';
import type { HubSpotClient } from '../../src/hubspot';
import { fieldFingerprint } from '../../src/sync/field-state';
import type { SyncState } from '../../src/sync/field-state';
import { startStack, type Stack } from '../support/stack';
import { counters, resetCounters } from './helpers';

jest.setTimeout(120_000);

describe('pushBatch: HubSpot calls and recording', () => {
  let stack: Stack;
  let push: ReturnType<typeof createPushActivities>;
  const prisma = () => stack.runtime.prisma;
  const batch = (localIds: string[]) => ({
    portalId: stack.portalId,
    objectType: 'contacts' as const,
    changes: localIds.map((localId) => ({ localId })),
  });

  beforeAll(async () => {
    stack = await startStack({ withApp: false, withWorker: false });
    // Learn the portal's schema (and create hubsync_local_id) once, outside the counted calls.
    push = createPushActivities(stack.runtime);
    await push.pushBatch(batch([]));
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function newContacts(prefix: string, count: number): Promise<string[]> {
    const rows = await prisma().contact.createManyAndReturn({
      data: Array.from({ length: count }, (_, i) => ({
        portalId: stack.portalId,
        email: `${prefix}${i}@batch.example`,
        firstName: `F${i}`,
      })),
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  it('100 new records cost one upsert and no read; 100 changed known records one read and one update', async () => {
    const ids = await newContacts('calls', 100);
    await resetCounters(stack);
    const created = await push.pushBatch(batch(ids));
    expect(created).toMatchObject({ created: 100, failed: 0, readCalls: 0, writeCalls: 1 });
    expect((await counters(stack)).byEndpoint).toEqual({ 'POST /crm/v3/objects/contacts/batch/upsert': 1 });

    await prisma().contact.updateMany({ where: { id: { in: ids } }, data: { lastName: 'Changed' } });
    await resetCounters(stack);
    const updated = await push.pushBatch(batch(ids));
    expect(updated).toMatchObject({ updated: 100, failed: 0, conflicts: 0, readCalls: 1, writeCalls: 1 });
    expect((await counters(stack)).byEndpoint).toEqual({
      'POST /crm/v3/objects/contacts/batch/read': 1,
      'POST /crm/v3/objects/contacts/batch/update': 1,
    });
    const rows = await prisma().contact.findMany({ where: { id: { in: ids } } });
    for (const row of rows) {
      expect((row.syncState as SyncState).lastname?.pushed).toBe(fieldFingerprint('string', 'Changed'));
    }
  });

  it('a HubSpot value newer than the local edit wins: applied locally with its conflict, in the same batch, not written', async () => {
    const [id] = await newContacts('wins', 1);
    await push.pushBatch(batch([id as string]));
    const { hubspotId } = await prisma().contact.findUniqueOrThrow({ where: { id } });
    // The local edit is older than HubSpot's.
    await prisma()
      .$executeRaw`UPDATE contacts SET first_name = 'Local', updated_at = now() - interval '1 hour' WHERE id = ${id}::uuid`;
    await stack.sim('PATCH', `/__sim/objects/contacts/${hubspotId}`, { properties: { firstname: 'Remote' } });
    await resetCounters(stack);

    const result = await push.pushBatch(batch([id as string]));
    expect(result).toMatchObject({ conflicts: 1, unchanged: 1, readCalls: 1, writeCalls: 0 });
    expect((await counters(stack)).byEndpoint).toEqual({ 'POST /crm/v3/objects/contacts/batch/read': 1 });
    const row = await prisma().contact.findUniqueOrThrow({ where: { id } });
    expect(row.firstName).toBe('Remote');
    expect((row.syncState as SyncState).firstname?.pulled).toBe(fieldFingerprint('string', 'Remote'));
    expect(await prisma().syncConflict.findMany({ where: { localId: id } })).toEqual([
      expect.objectContaining({
        property: 'firstname',
        localValue: 'Local',
        hubspotValue: 'Remote',
        winner: 'hubspot',
      }),
    ]);
  });

  it('a field the platform changed while the push was under way stays marked as sent (HubSpot holds it); the record is queued again', async () => {
    const [id] = await newContacts('race', 1);
    await push.pushBatch(batch([id as string]));
    await prisma().contact.update({ where: { id }, data: { jobTitle: 'Sent' } });
    // Between HubSpot's answer and the recording, the row takes another value (an inbound apply of a HubSpot
    // edit, or a platform edit).
    const racing = {
      ...stack.runtime,
      hubspotFor: (portalId: string): HubSpotClient => {
        const client = stack.runtime.hubspotFor(portalId);
        return {
          ...client,
          batchUpdate: async (...args: Parameters<HubSpotClient['batchUpdate']>) => {
            const answer = await client.batchUpdate(...args);
            await prisma().contact.update({ where: { id }, data: { jobTitle: 'Meanwhile' } });
            return answer;
          },
        } as HubSpotClient;
      },
    };
    await prisma().outboxEntry.deleteMany({ where: { localId: id } });

    const result = await createPushActivities(racing).pushBatch(batch([id as string]));
    expect(result).toMatchObject({ updated: 1, writeCalls: 1 });
    const row = await prisma().contact.findUniqueOrThrow({ where: { id } });
    expect(row.jobTitle).toBe('Meanwhile');
    // HubSpot holds 'Sent': remembered, so its echo is not taken for a HubSpot change against 'Meanwhile'.
    expect((row.syncState as SyncState).jobtitle?.pushed).toBe(fieldFingerprint('string', 'Sent'));
    const queued = await prisma().outboxEntry.findMany({ where: { localId: id } });
    expect(queued.map((e) => [e.objectType, e.fields, e.dispatchedAt])).toEqual([['contacts', ['jobTitle'], null]]);
  });
});
