// HubSpot's current merge of contacts creates a NEW record with a new id; both old ids resolve to it and its
// merge event's newObjectId differs from primaryObjectId (changelog "Updated merge functionality for contacts
// and companies"). The platform's row of the former primary must end up linked to the new id, the other row
// archived as merged into it, and a later platform edit must reach the new record.
import { startStack, type Stack } from '../support/stack';
import { reportChanges } from '../outbound/helpers';
import { drainWebhooks, waitFor } from './helpers';

jest.setTimeout(150_000);

describe('a merge that mints a new record', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      env: { WEBHOOK_COALESCE_MS: '50', WORKFLOW_IDLE_TIMEOUT_MS: '5000', PUSH_BATCH_WINDOW_MS: '100' },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const prisma = () => stack.runtime.prisma;
  const row = (hubspotId: string) =>
    prisma().contact.findUnique({ where: { portalId_hubspotId: { portalId: stack.portalId, hubspotId } } });

  it('leaves one live row, the former primary linked to the new id, and pushes go to the new record', async () => {
    const create = async (email: string, firstname: string) =>
      (await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', { properties: { email, firstname } })).id;
    const primary = await create('keep@merge.example', 'Keep');
    const other = await create('gone@merge.example', 'Gone');
    await drainWebhooks(stack);
    const primaryRow = await waitFor('primary row', async () => (await row(primary)) ?? undefined);
    const otherRow = await waitFor('other row', async () => (await row(other)) ?? undefined);

    const merged = await stack.runtime.hubspotFor(stack.portalId).merge('contacts', primary, other);
    expect(merged.id).not.toBe(primary);
    expect(merged.id).not.toBe(other);
    await drainWebhooks(stack);

    const adopted = await waitFor('the primary row linked to the new id', async () => {
      const r = await prisma().contact.findUnique({ where: { id: primaryRow.id } });
      return r?.hubspotId === merged.id && !r.archived ? r : undefined;
    });
    expect(adopted.mergedIntoId).toBeNull();
    const live = await prisma().contact.findMany({
      where: { portalId: stack.portalId, hubspotId: { in: [primary, other, merged.id] }, archived: false },
    });
    expect(live.map((r) => r.id)).toEqual([primaryRow.id]);
    expect(await prisma().contact.findUnique({ where: { id: otherRow.id } })).toMatchObject({
      archived: true,
      mergedIntoId: merged.id,
    });

    await prisma().contact.update({ where: { id: primaryRow.id }, data: { lastName: 'AfterMerge' } });
    await reportChanges(stack, 'contacts', [primaryRow.id], ['lastName']);
    await waitFor(
      'the edit in the new HubSpot record',
      async () =>
        (
          await stack.sim<{ id: string; properties: Record<string, string | null> }>(
            'GET',
            `/__sim/objects/contacts/${merged.id}`,
          )
        ).properties.lastname === 'AfterMerge',
    );
  });
});
