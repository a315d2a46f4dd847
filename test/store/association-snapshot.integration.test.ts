// What the sync's association read archives (countStale / archiveStale) against real PostgreSQL. Found by the
// chaos run (seed 3 × 300, seed 1407239567 × 3000): a row of a contact deleted in HubSpot was archived, so its
// restore would have found none.
import { randomInt } from 'node:crypto';
import { archiveStale, countStale } from '../../src/store/associations';
import { createPrisma } from '../../src/store/prisma';
import { testDatabaseUrl } from '../support/env';

const prisma = createPrisma(testDatabaseUrl());
afterAll(() => prisma.$disconnect());
const newPortal = () => String(randomInt(3_000_000, 2_000_000_000));

describe('association snapshot', () => {
  it('keeps the rows of a record deleted (restorable) in HubSpot or never held, archives those of removed, merged or erased ones', async () => {
    const portalId = newPortal();
    const before = new Date(Date.now() - 60_000);
    await prisma.company.create({ data: { portalId, hubspotId: 'c1', name: 'Co' } });
    await prisma.contact.createMany({
      data: [
        { portalId, hubspotId: 'kept', email: 'k@x.example' },
        { portalId, hubspotId: 'deleted', email: 'd@x.example', archived: true, archivedAt: before },
        { portalId, hubspotId: 'merged', archived: true, archivedAt: before, mergedIntoId: 'kept' },
        { portalId, hubspotId: 'erased', archived: true, archivedAt: before },
      ],
    });
    await prisma.privacyErasure.create({
      data: { portalId, objectType: 'contacts', hubspotId: 'erased', occurredAt: before },
    });
    // The deleted contact's link is a type-0 row, as a late legacy event stores it; 'unheld' was merged into in
    // HubSpot and deleted before hubsync held a row for it (chaos seed 1407239567 × 3000).
    const links: Array<[string, number]> = [
      ['kept', 280],
      ['deleted', 0],
      ['deleted', 280],
      ['unheld', 0],
      ['merged', 280],
      ['erased', 280],
    ];
    await prisma.association.createMany({
      data: links.map(([toId, typeId]) => ({
        portalId,
        fromType: 'companies',
        fromId: 'c1',
        toType: 'contacts',
        toId,
        associationTypeId: typeId,
        archived: false,
        lastEventAt: before,
      })),
    });
    // HubSpot answers for c1 and lists nothing: the kept contact's link was removed, the others' ends are gone.
    const snapshot = {
      portalId,
      fromType: 'companies',
      toType: 'contacts',
      answered: ['c1'],
      found: [],
      readAt: new Date(),
    };

    expect(await countStale(prisma, snapshot)).toBe(3);
    expect(await archiveStale(prisma, snapshot)).toBe(3);
    const live = await prisma.association.findMany({
      where: { portalId, archived: false },
      orderBy: [{ toId: 'asc' }, { associationTypeId: 'asc' }],
    });
    expect(live.map((r) => [r.toId, r.associationTypeId])).toEqual([
      ['deleted', 0],
      ['deleted', 280],
      ['unheld', 0],
    ]);
  });
});
