// A push whose HubSpot create landed but whose local link was lost (worker killed in between; found by the
// chaos run, seed 3 at 3000 ops): the record names its row in hubsync_local_id, so the sync must link that
// row instead of inserting a second one with the same values (which the push retry then refuses as DUPLICATE_LINK).
import { startManualSync } from '../../src/scheduled/start-sync';
import { startStack, type Stack } from '../support/stack';

jest.setTimeout(120_000);

describe('incremental sync relinks a pushed record whose link was lost', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ withApp: false, env: { SYNC_WINDOW_OVERLAP_MS: '60000' } });
  });
  afterAll(async () => stack?.close());

  it('links the unlinked local row named by hubsync_local_id, and inserts no duplicate', async () => {
    const prisma = stack.runtime.prisma;
    const row = await prisma.contact.create({
      data: { portalId: stack.portalId, email: 'lost.link@example.com', firstName: 'Lost' },
    });
    // What the push wrote to HubSpot before it died.
    const pushed = await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', {
      properties: { email: 'lost.link@example.com', firstname: 'Lost', hubsync_local_id: row.id },
    });
    // Garbage in hubsync_local_id links nothing.
    const stranger = await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', {
      properties: { email: 'stranger@example.com', hubsync_local_id: 'not-a-uuid' },
    });

    await (await startManualSync(stack.temporal, stack.portalId, stack.runtime.config, ['contacts'])).result();

    const rows = await prisma.contact.findMany({ where: { portalId: stack.portalId }, orderBy: { email: 'asc' } });
    expect(rows.map((r) => [r.email, r.hubspotId])).toEqual([
      ['lost.link@example.com', pushed.id],
      ['stranger@example.com', stranger.id],
    ]);
    expect(rows[0]).toMatchObject({ id: row.id, firstName: 'Lost', archived: false });
  });
});
