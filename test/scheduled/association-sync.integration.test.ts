// Associations converge without webhooks: the backfill and every sync run read them from HubSpot (v4 batch
// reads) with their type ids, categories and labels. No app here, so no webhook reaches hubsync: every change
// below is one whose webhook was lost, and only the sync can bring it.
import { startManualSync } from '../../src/scheduled/start-sync';
import { startStack, type Stack } from '../support/stack';

jest.setTimeout(180_000);

interface Row {
  from_id: string;
  to_id: string;
  association_type_id: number;
  association_category: string | null;
  label: string | null;
  archived: boolean;
}

describe('associations are read by the backfill and the hourly sync', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ withApp: false });
  });
  afterAll(async () => stack?.close());

  const create = async (type: string, properties: Record<string, string>) =>
    (await stack.sim<{ id: string }>('POST', `/__sim/objects/${type}`, { properties })).id;
  const associate = (fromType: string, fromId: string, toType: string, toId: string, extra = {}) =>
    stack.sim('POST', '/__sim/associations', { fromType, fromId, toType, toId, ...extra });
  const sync = async () =>
    (await startManualSync(stack.temporal, stack.portalId, stack.runtime.config, ['contacts', 'companies'])).result();
  const rows = () =>
    stack.runtime.prisma.$queryRawUnsafe<Row[]>(
      `SELECT from_id, to_id, association_type_id, association_category, label, archived FROM associations
        WHERE portal_id = $1 AND from_type = 'companies' AND to_type = 'contacts' ORDER BY from_id, to_id, association_type_id`,
      stack.portalId,
    );
  const live = async () =>
    (await rows())
      .filter((r) => !r.archived)
      .map((r) => `${r.from_id}>${r.to_id}:${r.association_type_id}:${r.association_category}:${r.label ?? ''}`);

  it('loads associations with their types and labels, picks up one added and archives one removed without webhooks', async () => {
    const acme = await create('companies', { name: 'Acme', domain: 'acme.example' });
    const globex = await create('companies', { name: 'Globex', domain: 'globex.example' });
    const ann = await create('contacts', { email: 'ann@assoc.example' });
    const bob = await create('contacts', { email: 'bob@assoc.example' });
    await associate('companies', acme, 'contacts', ann, { primary: true });
    await associate('contacts', bob, 'companies', acme);

    const first = await sync(); // the first run backfills, then reads the associations of what it loaded
    expect(first.backfilled.sort()).toEqual(['companies', 'contacts']);
    // Seen from companies (the pair's stored order): company → contact 280 unlabelled, 2 "Primary".
    expect(await live()).toEqual([
      `${acme}>${ann}:2:HUBSPOT_DEFINED:Primary`,
      `${acme}>${ann}:280:HUBSPOT_DEFINED:`,
      `${acme}>${bob}:280:HUBSPOT_DEFINED:`,
    ]);
    const labels = await stack.runtime.prisma.associationLabel.findMany({
      where: { portalId: stack.portalId, fromType: 'companies', toType: 'contacts' },
      orderBy: { typeId: 'asc' },
    });
    expect(labels.map((l) => [l.typeId, l.category, l.label])).toEqual([
      [2, 'HUBSPOT_DEFINED', 'Primary'],
      [280, 'HUBSPOT_DEFINED', null],
    ]);

    // Both changes happen in HubSpot and neither webhook reaches hubsync.
    await associate('contacts', bob, 'companies', acme, { remove: true });
    await associate('contacts', bob, 'companies', globex);
    const second = await sync();
    expect(second.associations?.archived).toBe(1);
    expect(await live()).toEqual([
      `${acme}>${ann}:2:HUBSPOT_DEFINED:Primary`,
      `${acme}>${ann}:280:HUBSPOT_DEFINED:`,
      `${globex}>${bob}:280:HUBSPOT_DEFINED:`,
    ]);
    expect((await rows()).find((r) => r.from_id === acme && r.to_id === bob)?.archived).toBe(true);

    // Nothing changed since: a run writes no association row.
    const before = await stack.runtime.prisma.$queryRawUnsafe<Array<{ v: string }>>(
      `SELECT string_agg(updated_at::text, ',' ORDER BY from_id, to_id, association_type_id) AS v FROM associations WHERE portal_id = $1`,
      stack.portalId,
    );
    const third = await sync();
    expect(third.associations?.updated).toBe(0);
    expect(third.associations?.archived).toBe(0);
    const after = await stack.runtime.prisma.$queryRawUnsafe<Array<{ v: string }>>(
      `SELECT string_agg(updated_at::text, ',' ORDER BY from_id, to_id, association_type_id) AS v FROM associations WHERE portal_id = $1`,
      stack.portalId,
    );
    expect(after[0]?.v).toBe(before[0]?.v);
  });

  it('keeps the associations of a record HubSpot says nothing about (silence is not a removal)', async () => {
    const initech = await create('companies', { name: 'Initech', domain: 'initech.example' });
    const cid = await create('contacts', { email: 'carol@assoc.example' });
    await associate('contacts', cid, 'companies', initech);
    await sync();
    expect((await live()).filter((r) => r.startsWith(`${initech}>`))).toEqual([
      `${initech}>${cid}:280:HUBSPOT_DEFINED:`,
    ]);

    // HubSpot loses the association, but its read answers 200 with results missing and no error naming them.
    await associate('contacts', cid, 'companies', initech, { remove: true });
    await stack.sim('POST', '/__sim/faults', {
      rules: [{ type: 'dropRecords', match: 'POST /crm/v4/associations/companies/contacts/batch/read', times: 1 }],
    });
    await sync();
    expect((await live()).filter((r) => r.startsWith(`${initech}>`))).toEqual([
      `${initech}>${cid}:280:HUBSPOT_DEFINED:`,
    ]);
    // The next answer names it: now it is archived.
    await sync();
    expect((await live()).filter((r) => r.startsWith(`${initech}>`))).toEqual([]);
  });

  it('keeps the associations of a contact deleted in HubSpot, which lists them again once it is restored', async () => {
    const umbrella = await create('companies', { name: 'Umbrella', domain: 'umbrella.example' });
    const dan = await create('contacts', { email: 'dan@assoc.example' });
    await associate('contacts', dan, 'companies', umbrella);
    await sync();
    const ofUmbrella = async () => (await live()).filter((r) => r.startsWith(`${umbrella}>`));
    expect(await ofUmbrella()).toEqual([`${umbrella}>${dan}:280:HUBSPOT_DEFINED:`]);

    // Deleted (restorable): HubSpot's read of the company lists no contact; the row is archived as the deletion's
    // webhook archives it (no app here).
    await stack.sim('DELETE', `/__sim/objects/contacts/${dan}`);
    const setArchived = (archived: boolean) =>
      stack.runtime.prisma.contact.update({
        where: { portalId_hubspotId: { portalId: stack.portalId, hubspotId: dan } },
        data: { archived },
      });
    await setArchived(true);
    expect((await sync()).associations?.archived).toBe(0);
    expect(await ofUmbrella()).toEqual([`${umbrella}>${dan}:280:HUBSPOT_DEFINED:`]);

    await stack.sim('POST', `/__sim/objects/contacts/${dan}/restore`, {});
    await setArchived(false);
    const restored = await sync();
    expect(restored.associations?.archived).toBe(0);
    expect(restored.associations?.updated).toBe(0);
    expect(await ofUmbrella()).toEqual([`${umbrella}>${dan}:280:HUBSPOT_DEFINED:`]);
  });
});
